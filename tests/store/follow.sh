# history-query --follow prints the history, then new readings as db-store stores them,
# and ends with exit 0 on SIGTERM.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/store/lib.sh"
cd "$T"
printf '%s\n' '{"sensor":"f/a","ts":1795341600,"value":1}' '{"sensor":"f/b","ts":1795341600,"value":1}' | db-store -d "$(store_location f)" -q
history-query -d "$(store_location f)" --follow --sensor 'f/a' >out.jsonl &
hq=$!
SP_PIDS+=("$hq")
wait_lines out.jsonl 1
mkfifo in
db-store -d "$(store_location f)" -q <in &
ds=$!
SP_PIDS+=("$ds")
exec 3>in
printf '%s\n' '{"sensor":"f/a","ts":1795341601,"value":2}' '{"sensor":"f/b","ts":1795341601,"value":2}' >&3
wait_lines out.jsonl 2
printf '%s\n' '{"sensor":"f/a","ts":1795341500,"value":0.5}' >&3   # late, still a new reading
wait_lines out.jsonl 3
exec 3>&-
wait "$ds"
kill -TERM "$hq"
set +e; wait "$hq"; st=$?; set -e
assert_eq 0 "$st" "exit status after SIGTERM"
assert_eq '{"sensor":"f/a","ts":"2026-11-22T10:00:00.000Z","value":1}
{"sensor":"f/a","ts":"2026-11-22T10:00:01.000Z","value":2}
{"sensor":"f/a","ts":"2026-11-22T09:58:20.000Z","value":0.5}' "$(cat out.jsonl)" "history then new readings of the matching sensor"

# A closed stdout ends --follow quietly.
run timeout 20 bash -c 'history-query -d "$1" --follow | head -n 1' _ "$(store_location f)"
assert_eq 0 "$status" "--follow | head ends"
run history-query -d "$(store_location f)" --follow --every 1m
assert_eq 2 "$status" "--follow with --every is a usage error"
pass "follow"
