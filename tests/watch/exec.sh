# --exec runs a program per event, never through a shell, with the event on stdin and
# as SENSORWATCH_* variables; a stuck program holds up nothing: the stream goes on, a
# full queue drops events for the program (with a warning), and the program is killed
# after --exec-timeout.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/watch/lib.sh"
cd "$T"
T0=1795000000

# 1. Environment, stdin, arguments; sensor names full of shell syntax stay data.
cat >notify.sh <<'X'
#!/bin/sh
{ echo "args:$*|$SENSORWATCH_RULE|$SENSORWATCH_SUBJECT|$SENSORWATCH_STATE|$SENSORWATCH_READING|$SENSORWATCH_ID"; cat; } >>"$(dirname "$0")/calls.txt"
echo "notify.sh ran"
X
chmod +x notify.sh
S='lab/$(touch pwned);`touch pwned2`'
{ printf '{"sensor":"%s","ts":%d,"value":%s}\n' "$S" $T0 11 "$S" $((T0 + 1)) 5; } >in.jsonl
run sensor-watch --above 'lab/#=10,name=hot' --exec ./notify.sh one --exec-arg -two <in.jsonl
assert_eq 0 "$status" "exit status"
assert_eq 4 "$(wc -l <<<"$out")" "stdout: 2 readings and 2 events, none of the program's output"
assert_contains "$err" "notify.sh ran" "the program's stdout goes to stderr"
[[ ! -e pwned && ! -e pwned2 ]] || fail "a sensor name was run by a shell"
assert_eq "args:one -two|hot|$S|firing|11|$(field id "$(grep firing <<<"$out")")" "$(sed -n 1p calls.txt)" "first call: arguments and variables"
assert_eq "$(grep '"state":"firing"' <<<"$out")" "$(sed -n 2p calls.txt)" "the event line on stdin"
assert_contains "$(sed -n 3p calls.txt)" "|hot|$S|resolved|5|" "second call"

# 2. A program that hangs on its first event.
cat >stuck.sh <<'X'
#!/bin/sh
d=$(dirname "$0")
if mkdir "$d/first" 2>/dev/null; then echo $$ >"$d/stuck.pid"; exec sleep 1000; fi
echo "$SENSORWATCH_SUBJECT" >>"$d/ran.txt"
X
chmod +x stuck.sh
mkfifo fifo
sensor-watch --above 'lab/#=10' --exec ./stuck.sh --exec-timeout 20s --exec-queue 2 -v <fifo >out 2>err &
pid=$!
SP_PIDS+=("$pid")
exec 3>fifo
for i in $(seq 1 10); do r lab/s$i $((T0 + i)) 11 >&3; done
# Every reading and every event comes out while the first program still hangs.
wait_count out '"kind":"alert"' 10
wait_lines out 20
poll_until 30 test -s stuck.pid || fail "the first program did not start"
kill -0 "$(cat stuck.pid)" 2>/dev/null || fail "the stuck program ended before the stream was through"
wait_text err "--exec queue full"
exec 3>&-
wait "$pid" || fail "sensor-watch should end with 0 at EOF"
assert_contains "$(cat err)" "sensor-watch: warning: --exec ./stuck.sh: still running after 20s, killed" "the timeout killed it"
! kill -0 "$(cat stuck.pid)" 2>/dev/null || fail "the stuck program is still running"
ran=$(wc -l <ran.txt)
dropped=$(grep -c -- "--exec queue full" err)
assert_eq 10 "$((1 + ran + dropped))" "each event was run, or reported dropped (1 stuck + $ran ran + $dropped dropped)"
[[ $ran -ge 1 && $ran -le 2 ]] || fail "the queue held $ran events, expected 1-2"
assert_contains "$(cat err)" "$dropped events dropped (queue full)" "the summary counts the drops"

# 3. A program that cannot run is a warning, not an end.
run sensor-watch --above 'lab/#=10' --exec ./no-such-program -a <in.jsonl
assert_eq 0 "$status" "missing program"
assert_contains "$err" "sensor-watch: warning: --exec ./no-such-program: cannot run" "reported"
assert_eq 2 "$(wc -l <<<"$out")" "events still written"
pass "exec"
