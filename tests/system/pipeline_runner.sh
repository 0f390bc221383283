# sensorpipe-pipeline, the runner of the systemd units and scripts/run.sh: SIGTERM stops
# the first stage only and every later stage drains, so no line already accepted is lost;
# a stage that ignores end of input is stopped after the drain timeout; a failing stage
# makes the runner fail (for Restart=on-failure) and names it; usage errors exit 2.
source "$SP_SRC/tests/lib/common.sh"
runner=$SP_SRC/share/sensorpipe/systemd/sensorpipe-pipeline

# A source that counts as fast as it can and records the last number it wrote; a slow
# middle stage so that the pipes are full when the stop comes.
cat >"$T/source.sh" <<'SH'
trap 'exit 0' TERM
i=0
while :; do echo "$i" || exit 1; echo "$i" >"$1"; i=$((i + 1)); done
SH
cat >"$T/slow.sh" <<'SH'
n=0
while read -r line; do echo "$line"; n=$((n + 1)); ((n % 200 == 0)) && sleep 0.01; done
SH
sp_spawn "$runner" --name count --pid-file "$T/pids" bash "$T/source.sh" "$T/last" '|' bash "$T/slow.sh" '|' cat >"$T/out" 2>"$T/err"
runner_pid=$!
wait_lines "$T/out" 2000
kill -TERM "$runner_pid"
set +e; wait "$runner_pid"; status=$?; set -e
assert_eq 0 "$status" "runner exit status after SIGTERM ($(cat "$T/err"))"
last=$(cat "$T/last")
# The source records a number after writing it, so the signal may come between the two:
# the last line to arrive is the recorded one or the one after it, and every line before
# it arrived once, in order.
n=$(wc -l <"$T/out")
((n == last + 1 || n == last + 2)) || fail "lines that reached the end of the pipeline: $n, last recorded as written: $last"
seq 0 $((n - 1)) | cmp -s - "$T/out" || fail "the lines that arrived are not 0..$((n - 1)) once each, in order"
assert_eq 3 "$(wc -l <"$T/pids")" "pid file lists every stage"
for pid in $(cat "$T/pids"); do kill -0 "$pid" 2>/dev/null && fail "stage $pid still running"; done
pass "SIGTERM drains: all $n lines arrived, every stage exited"

# SIGINT (Ctrl-C) is the same stop. (Job control on: a script's background jobs would
# otherwise start with SIGINT ignored, which no program can undo.)
# The pid file is written once its traps are set and the stages run: a signal before that
# would meet bash's default action, not the runner.
set -m
sp_spawn "$runner" --pid-file "$T/pids2" sleep 60 '|' cat >"$T/out2" 2>"$T/err2"
pid=$!
set +m
wait_lines "$T/pids2" 2
kill -INT "$pid"
set +e; wait "$pid"; status=$?; set -e
assert_eq 0 "$status" "runner exit status after SIGINT"
pass "SIGINT stops it, exit 0"

# A stage that does not finish on end of input is stopped after the drain timeout.
sp_spawn "$runner" --name stubborn --pid-file "$T/pids3" --drain-timeout 1 sleep 60 '|' bash -c 'trap "" TERM; exec sleep 60' 2>"$T/err3"
pid=$!
wait_lines "$T/pids3" 2
kill -TERM "$pid"
set +e; wait "$pid"; status=$?; set -e
assert_contains "$(cat "$T/err3")" "sensorpipe-pipeline: stubborn: bash did not finish within 1s; stopping it" "drain timeout message"
pass "a stage that ignores its end of input is stopped (status $status)"

# A failing stage fails the runner and is named; the others are stopped.
run "$runner" --name broken sleep 60 '|' bash -c 'exit 3'
assert_eq 3 "$status" "runner exit status when a stage fails"
assert_contains "$err" "sensorpipe-pipeline: broken: bash exited with status 3" "failure message"
pass "failing stage reported"

# A pipeline that ends by itself exits 0 with all its output.
run "$runner" seq 1 1000 '|' grep 7 '|' wc -l
assert_eq 0 "$status" "finite pipeline exit status"
assert_eq "$(seq 1 1000 | grep -c 7)" "$out" "finite pipeline output"
pass "finite pipeline"

run "$runner"
assert_eq 2 "$status" "no command"
assert_contains "$err" "sensorpipe-pipeline: error: no command given" "no command message"
run "$runner" seq 3 '|' '|' cat
assert_eq 2 "$status" "empty stage"
run "$runner" --help
assert_eq 0 "$status" "--help"
assert_contains "$out" "Usage: sensorpipe-pipeline" "--help text"
pass "usage"
