# history-query opens the database read-only and answers while db-store is writing.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/store/lib.sh"
cd "$T"
w=$(store_location w)
gen_readings 10 100 1795341600000 1000 >a.jsonl
gen_readings 10 300000 1796000000000 1000 >flood.jsonl
db-store -d "$w" -q a.jsonl
db-store -d "$w" -q --batch-rows 2000 flood.jsonl &
pid=$!
SP_PIDS+=("$pid")
wait_rows "$w" 20000 30
ok=0
for i in $(seq 5); do
  kill -0 "$pid" 2>/dev/null || break
  run history-query -d "$w" --sensor t/s1 --to 1796000000
  assert_eq 0 "$status" "history-query during writes: $err"
  assert_eq 100 "$(printf '%s\n' "$out" | wc -l)" "rows read during writes"
  run history-query -d "$w" --list-sensors
  assert_eq 0 "$status" "--list-sensors during writes: $err"
  ok=$((ok + 1))
done
[[ $ok -ge 1 ]] || fail "db-store finished before any query ran"
kill -TERM "$pid"; wait "$pid" || fail "db-store exit status after SIGTERM"
require_backend sqlite
# Read-only really: an SQLite file nobody may write is still readable (not as root, who may write anyway).
chmod a-w w.db
if [[ $(id -u) -ne 0 ]]; then
  run history-query -d w.db --sensor t/s1 --limit 1
  assert_eq 0 "$status" "read-only file: $err"
fi
before=$(md5sum <w.db)
history-query -d w.db --every 1h >/dev/null
assert_eq "$before" "$(md5sum <w.db)" "history-query does not modify the file"
pass "read-only during writes"
