# Staleness runs on the clock: with the input open and idle, silent sensors (also one
# that a stale rule names but that never reported) become stale without any new line, and
# a pending alert fires when its `for` has passed on the clock.
# A stale sensor's firing alert is not resolved by the silence; when the sensor reports
# again, the stale alert resolves first and its value decides the rest.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/watch/lib.sh"
cd "$T"
mkfifo in
sensor-watch --stale 'lab/#=1s,name=offline' --stale 'lab/expected=1s,name=expected' --above 'lab/a=10,name=hot' \
  --leak 'pipe/flow=1s,name=flowing' --state s.json <in >out 2>err &
pid=$!
SP_PIDS+=("$pid")
exec 3>in
# No ts: the readings are "now".
echo '{"sensor":"lab/a","value":11}' >&3
echo '{"sensor":"lab/b","value":1}' >&3
echo '{"sensor":"pipe/flow","value":3}' >&3
wait_text out '"rule":"hot","subject":"lab/a","state":"firing"'
# A sensor that reports only on change: its leak fires when the clock says a second has passed.
wait_text out '"rule":"flowing","subject":"pipe/flow","state":"firing"'
# Nothing more is written to the input: only the clock can make these.
wait_text out '"rule":"offline","subject":"lab/a","state":"stale"'
wait_text out '"rule":"offline","subject":"lab/b","state":"stale"'
wait_text out '"rule":"expected","subject":"lab/expected","state":"stale"'
assert_contains "$(grep '"subject":"lab/expected"' out)" '"reading":null' "a sensor that never reported has no reading"
assert_contains "$(grep '"rule":"offline","subject":"lab/a"' out)" 'lab/a has sent nothing since' "the message"
assert_eq "" "$(grep '"state":"resolved"' out || true)" "silence resolves nothing"

# lab/a reports again, below the limit: its stale alert resolves, then its value alert.
echo '{"sensor":"lab/a","value":5}' >&3
wait_text out '"rule":"hot","subject":"lab/a","state":"resolved"'
assert_eq "offline lab/a resolved
hot lab/a resolved" "$(events out | grep resolved)" "stale resolves first, then the value alert"
assert_contains "$(grep '"rule":"offline","subject":"lab/a","state":"resolved"' out)" 'lab/a reports again: 5' "resolution message"

# Stopped and restarted with the state: the stale alerts are not announced again.
poll_until 30 grep -qE '"rule":"offline","sensor":"lab/b","since":[0-9]+,"state":"firing"' s.json ||
  fail "the state file never had lab/b stale: $(cat s.json)"
kill -TERM "$pid"
exec 3>&-
wait "$pid" || fail "SIGTERM should end sensor-watch with 0"
mkfifo in2
sensor-watch --stale 'lab/#=1s,name=offline' --stale 'lab/expected=1s,name=expected' --above 'lab/a=10,name=hot' \
  --state s.json <in2 >out2 2>err2 &
pid=$!
SP_PIDS+=("$pid")
exec 3>in2
# lab/a was fine at the stop: after a restart it gets a full second, then goes stale again.
wait_text out2 '"rule":"offline","subject":"lab/a","state":"stale"'
echo '{"sensor":"lab/b","value":2}' >&3
wait_text out2 '"rule":"offline","subject":"lab/b","state":"resolved"'
assert_eq "" "$(grep '"subject":"lab/b","state":"stale"' out2 || true)" "lab/b's stale alert was not announced again"
assert_eq "" "$(grep '"subject":"lab/expected"' out2 || true)" "nor lab/expected's"
kill -TERM "$pid"
exec 3>&-
wait "$pid" || fail "second run: SIGTERM should end sensor-watch with 0"
pass "staleness on the clock"
