# Back-fill of 7 days at 1 min for one house: exactly sensors x 10080 lines, ts
# strictly increasing per sensor, counters never decreasing, units and kinds set.
source "$SP_SRC/tests/lib/common.sh"
sensors=$(sensor-sim --house 1 --list | wc -l)
assert_eq 40 "$sensors" "sensors of one house"
run sensor-sim --house 1 --seed 1 --from 2026-02-01T00:00:00Z --to 2026-02-08T00:00:00Z --interval 1m
assert_eq 0 "$status" "back-fill exit status"
assert_eq "" "$err" "back-fill stderr (not a terminal: no progress bar)"
printf '%s\n' "$out" >"$T/week"
assert_eq $((sensors * 7 * 24 * 60)) "$(wc -l <"$T/week")" "lines of a 7-day back-fill at 1 min"
assert_eq "2026-02-01T00:00:00.000Z" "$(head -1 "$T/week" | sed -E 's/.*"ts":"([^"]*)".*/\1/')" "first ts"
assert_eq "2026-02-07T23:59:00.000Z" "$(tail -1 "$T/week" | sed -E 's/.*"ts":"([^"]*)".*/\1/')" "last ts"
report=$(awk '
  { match($0, /"sensor":"[^"]*"/); s = substr($0, RSTART + 10, RLENGTH - 11)
    match($0, /"ts":"[^"]*"/); ts = substr($0, RSTART + 6, RLENGTH - 7)
    match($0, /"value":[^,}]*/); v = substr($0, RSTART + 8, RLENGTH - 8)
    if ((s in last) && ts <= last[s]) { print "ts not increasing for " s " at " ts; bad++ }
    last[s] = ts
    if (s ~ /\/(energy|total)$/) {
      if ((s in lastv) && v + 0 < lastv[s] + 0) { print "counter " s " decreased at " ts; bad++ }
      lastv[s] = v; counters[s] = 1
    }
    if ($0 !~ /"kind":"/) { print "no kind: " $0; bad++ }
    if ($0 !~ /"unit":"/ && s !~ /\/(motion|relay)$/) { print "no unit: " $0; bad++ }
    if (bad > 5) exit
  }
  END { n = 0; for (c in counters) n++; print "counters " n; print "bad " bad + 0 }' "$T/week")
assert_contains "$report" "bad 0" "per-sensor order and counters"
assert_contains "$report" "counters 8" "energy and water counters checked"
# The counters actually count: the fridge used energy over the week.
first=$(grep -m1 '"house1/fridge/energy"' "$T/week" | sed -E 's/.*"value":([^,]*).*/\1/')
last=$(grep '"house1/fridge/energy"' "$T/week" | tail -1 | sed -E 's/.*"value":([^,]*).*/\1/')
awk -v a="$first" -v b="$last" 'BEGIN { exit !(b - a > 1) }' || fail "fridge energy grew only from $first to $last kWh"
pass "7-day back-fill: $(wc -l <"$T/week") lines, ordered, counters monotone"

run sensor-sim --house 1 --from 2026-02-01T00:00:00Z --duration 1h --interval 1m -n 100
assert_eq 100 "$(printf '%s\n' "$out" | wc -l)" "-n caps a back-fill"
run sensor-sim --sensor a:gauge:1h --from 2026-02-01T00:00:00Z --duration 1d
assert_eq 24 "$(printf '%s\n' "$out" | wc -l)" "--from with --duration spans that long"
pass "back-fill bounds"
