# The commit interval fires while the input is idle: a reading is stored (visible to
# readers) shortly after it arrives, although db-store is still waiting for more.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/store/lib.sh"
cd "$T"
i=$(store_location i)
mkfifo in
db-store -d "$i" -q <in &
pid=$!
SP_PIDS+=("$pid")
exec 3>in
echo '{"sensor":"slow","ts":1795341600,"value":1}' >&3
wait_rows "$i" 1
kill -0 "$pid" || fail "db-store ended although its input is open"
run history-query -d "$i" --sensor slow
assert_eq '{"sensor":"slow","ts":"2026-11-22T10:00:00.000Z","value":1}' "$out" "the reading is readable while db-store waits"
echo '{"sensor":"slow","ts":1795341601,"value":2}' >&3
wait_rows "$i" 2
exec 3>&-
set +e; wait "$pid"; st=$?; set -e
assert_eq 0 "$st" "exit status at EOF"
pass "idle commit"
