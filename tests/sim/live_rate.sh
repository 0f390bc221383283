# Live mode keeps its rate: over 10 s at 100 readings per second, the line count is
# within 1 % of what the time since its first reading calls for (the pace is set against
# an absolute clock, so it does not drift). Measured from the first reading's own "ts",
# not from the start of the process: start-up on a loaded machine is not pacing.
source "$SP_SRC/tests/lib/common.sh"
sensor-sim --sensor pace:counter --rate 100 >"$T/out" &
pid=$!
SP_PIDS+=("$pid")
wait_lines "$T/out" 1
sleep 10
end=$(date +%s%3N)
kill -INT "$pid"
set +e
wait "$pid"
st=$?
set -e
assert_eq 0 "$st" "exit status after SIGINT (drains and exits 0)"
first=$(date -d "$(head -1 "$T/out" | sed -E 's/.*"ts":"([^"]*)".*/\1/')" +%s%3N)
n=$(wc -l <"$T/out")
want=$(((end - first) / 10 + 1))
((want >= 1000)) || fail "the first reading came $((end - first)) ms before the stop, expected at least 10 s"
((n >= want - want / 100 && n <= want + want / 100)) ||
  fail "expected $want +- 1 % lines ($((end - first)) ms at 100/s), got $n"
pass "live rate: $n lines in $((end - first)) ms at --rate 100 (expected $want)"
