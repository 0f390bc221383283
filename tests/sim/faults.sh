# Fault injection changes the stream the way each option says.
source "$SP_SRC/tests/lib/common.sh"
span=(--seed 4 --from 2026-05-01T00:00:00Z --to 2026-05-01T06:00:00Z --interval 1m)
clean=$(sensor-sim "${span[@]}" | wc -l)
dropped=$(sensor-sim "${span[@]}" --drop 0.5 | wc -l)
doubled=$(sensor-sim "${span[@]}" --duplicates 1 | wc -l)
((dropped > clean * 4 / 10 && dropped < clean * 6 / 10)) || fail "--drop 0.5 kept $dropped of $clean"
assert_eq $((clean * 2)) "$doubled" "--duplicates 1 doubles every line"
sensor-sim "${span[@]}" --bad-lines 0.3 >"$T/bad"
bad=$(grep -cv '^{"sensor":"house1/[a-z_]*/[a-z]*","ts":"[0-9T:.-]*Z","value":[^,]*\(,"unit":"[^"]*"\)\?,"kind":"[a-z]*"}$' "$T/bad" || true)
((bad > clean / 5 && bad < clean * 4 / 10)) || fail "--bad-lines 0.3 gave $bad bad lines of $clean"
sensor-sim "${span[@]}" --out-of-order 0.2 >"$T/ooo"
assert_eq "$clean" "$(wc -l <"$T/ooo")" "--out-of-order keeps every line"
late=$(grep '"house1/kitchen/temperature"' "$T/ooo" | awk '{ match($0, /"ts":"[^"]*"/); ts = substr($0, RSTART, RLENGTH); if (ts < last) n++; last = ts } END { print n + 0 }')
((late > 0)) || fail "--out-of-order 0.2 delivered every kitchen temperature in order"
sensor-sim "${span[@]}" --spike 0.2 | grep '"house1/kitchen/temperature"' >"$T/spike"
awk '{ match($0, /"value":[^,]*/); v = substr($0, RSTART + 8, RLENGTH - 8) + 0; if (v > 150 || v < -100) n++ } END { exit !(n > 10) }' "$T/spike" ||
  fail "--spike 0.2 made no outliers"
sensor-sim "${span[@]}" --stuck 0.2 | grep '"house1/kitchen/temperature"' | sed -E 's/.*"value":([^,]*).*/\1/' | uniq -c | sort -rn | head -1 >"$T/stuck"
(($(awk '{print $1}' "$T/stuck") >= 5)) || fail "--stuck 0.2 never repeated a value 5 times: $(cat "$T/stuck")"
pass "faults: drop, duplicates, bad lines, out of order, spikes, stuck"
