# Live mode keeps its rate: over 10 s at 100 readings per second, the line count is
# within 1 % of 1000 (the pace is set against an absolute clock, so it does not drift).
source "$SP_SRC/tests/lib/common.sh"
set +e
timeout --preserve-status -s INT 10 sensor-sim --sensor pace:counter >"$T/out" --rate 100
st=$?
set -e
assert_eq 0 "$st" "exit status after SIGINT (drains and exits 0)"
n=$(wc -l <"$T/out")
((n >= 990 && n <= 1011)) || fail "expected 1000 +- 1 % lines in 10 s at 100/s, got $n"
pass "live rate: $n lines in 10 s at --rate 100"
