# --state across restarts: a pending alert keeps its timer through a kill -9, a firing
# alert is not announced again after a restart and resolves with the same id, and the
# state file is whole JSON at every moment (written by rename).
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/watch/lib.sh"
cd "$T"
F=home/freezer/temperature
T0=1795000000
RULE="$F=-15,clear=-18,for=10m,name=freezer"

# 1. Pending, then killed hard once the state file has it.
mkfifo in1
sensor-watch --above "$RULE" --state s.json -a <in1 >out1 2>err1 &
pid=$!
SP_PIDS+=("$pid")
exec 3>in1
r $F $T0 -10 >&3
wait_text s.json '"state":"pending"'
kill -9 "$pid"
exec 3>&-
wait "$pid" 2>/dev/null || true
assert_eq "" "$(cat out1)" "pending is not announced"
node -e 'JSON.parse(require("fs").readFileSync("s.json", "utf8"))' || fail "state file is not whole JSON"

# 2. Restarted: 11 minutes after the condition began it fires, since = the first reading.
r $F $((T0 + 660)) -11 >in2.jsonl
run sensor-watch --above "$RULE" --state s.json -a <in2.jsonl
assert_eq 0 "$status" "second run"
printf '%s\n' "$out" >out2
assert_eq "freezer $F firing" "$(events out2)" "the pending timer went on across the restart"
assert_contains "$out" '"since":"2026-11-18T11:06:40.000Z"' "since is the reading before the kill"
id=$(field id "$out")

# 3. Without the state the same reading would only start a new pending period.
run sensor-watch --above "$RULE" -a <in2.jsonl
assert_eq "" "$out" "no state: pending again, nothing announced"

# 4. Still above after another restart (live this time, stopped with SIGTERM): not announced again.
mkfifo in3
sensor-watch --above "$RULE" --state s.json <in3 >out3 2>err3 &
pid=$!
SP_PIDS+=("$pid")
exec 3>in3
r $F $((T0 + 720)) -12 >&3
wait_text out3 '"value":-12'
kill -TERM "$pid"
exec 3>&-
wait "$pid" || fail "SIGTERM should end sensor-watch with 0"
assert_eq "" "$(events out3)" "a firing alert is not announced again after a restart"

# 5. It resolves once, with the episode's id.
r $F $((T0 + 780)) -20 >in4.jsonl
run sensor-watch --above "$RULE" --state s.json -a <in4.jsonl
printf '%s\n' "$out" >out4
assert_eq "freezer $F resolved" "$(events out4)" "resolved after the restarts"
assert_eq "$id" "$(field id "$out")" "same id as the firing event"

# 6. A consumption window and the counter's baseline survive a restart: 30 L before it and
# 30 L after it make 60 L in the hour (> 50), as in one run.
V=home/water/total
vol() { for i; do printf '{"sensor":"%s","ts":%d,"value":%s,"kind":"volume","unit":"L"}\n' $V $((T0 + i * 600)) $((1000 + i * 10)); done; }
vol 0 1 2 3 | sensor-watch --consumption "$V=50/1h,name=water" -a --state w.json >w1.out
vol 4 5 6 | sensor-watch --consumption "$V=50/1h,name=water" -a --state w.json >w2.out
assert_eq "" "$(cat w1.out)" "30 L: nothing yet"
assert_eq "water $V firing" "$(events w2.out)" "the window went on across the restart"
assert_contains "$(cat w2.out)" '"reading":60' "60 L in the hour"

# 7. A state file that is not ours is an error naming it, and is left alone.
echo '{"something":"else"}' >other.json
run sensor-watch --above "$RULE" --state other.json </dev/null
assert_eq 1 "$status" "unusable state file"
assert_contains "$err" "sensor-watch: error: other.json: " "names the file"
assert_eq '{"something":"else"}' "$(cat other.json)" "left as it was"
run sensor-watch --above "$RULE" --state "$T/no/such/dir/s.json" </dev/null
assert_eq 1 "$status" "unwritable state file"
assert_contains "$err" "sensor-watch: error: cannot write $T/no/such/dir/s.json.tmp: No such file or directory" "named at start"
pass "restart without re-notification"
