# Roll-ups equal the raw-row aggregates on random, shuffled input with duplicates and
# replacements, written in many small batches over several runs; history-query gives the
# raw-row answer whether it reads roll-ups (whole minutes/hours) or raw rows.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/store/lib.sh"
cd "$T"
r=$(store_location r)
T0=1795341600000  # 2026-11-22T10:00:00Z
gen_readings 23 500 $T0 25000 7 >base.jsonl  # 23 sensors, ~3.5 h
# Replacements (same sensor and ts, another value) and exact duplicates of some lines.
awk 'BEGIN { srand(11) }
  { print }
  rand() < 0.15 { l = $0
    if (l ~ /"value":true/) sub(/"value":true/, "\"value\":false", l)
    else if (l ~ /"value":false/) sub(/"value":false/, "\"value\":true", l)
    else if (l ~ /"value":"on"/) sub(/"value":"on"/, "\"value\":\"off\"", l)
    else if (l ~ /"value":"off"/) sub(/"value":"off"/, "\"value\":\"on\"", l)
    else sub(/"value":-?[0-9.]+/, "\"value\":" sprintf("%.2f", rand() * 100 - 50), l)
    print l }
  rand() < 0.2 { print }' base.jsonl >mixed.jsonl
shuf --random-source=<(yes) mixed.jsonl >shuffled.jsonl
n=$(wc -l <shuffled.jsonl)
head -n $((n / 3)) shuffled.jsonl >p1.jsonl
sed -n "$((n / 3 + 1)),$((2 * n / 3))p" shuffled.jsonl >p2.jsonl
tail -n +$((2 * n / 3 + 1)) shuffled.jsonl >p3.jsonl
for p in p1 p2 p3; do
  run db-store -d "$r" -q --batch-rows 97 $p.jsonl
  assert_eq 0 "$status" "db-store $p"
done
rows=$(stored_count "$r")
assert_eq "$(wc -l <base.jsonl)" "$rows" "one row per (sensor, ts)"
assert_eq 0 "$(rollup_mismatches "$r")" "minute and hour roll-ups equal raw aggregates"
assert_eq "$rows" "$(history-query -d "$r" --every 1h --agg count -f csv | awk -F, 'NR > 1 { n += $3 } END { print n }')" \
  "hour buckets (from roll-ups) count every row"

# The query engine: roll-up paths and raw paths give the raw-row result.
for every in 1m 5m 1h 2h 90s 7s; do
  case $every in 1m) w=60000 ;; 5m) w=300000 ;; 1h) w=3600000 ;; 2h) w=7200000 ;; 90s) w=90000 ;; 7s) w=7000 ;; esac
  expected_buckets "$r" $w >exp.csv
  run history-query -d "$r" --every $every --agg count,avg,min,max,sum,first,last -f csv
  assert_eq 0 "$status" "history-query --every $every"
  printf '%s\n' "$out" >got.csv
  same_csv exp.csv got.csv || fail "history-query --every $every differs from the raw-row computation"
done
# Unaligned --from/--to: raw edges plus roll-up middle must equal a raw-only answer (--every 1h
# computed from the raw readings of the same range).
from=$((T0 + 37 * 60000 + 12345)); to=$((T0 + 3 * 3600000 + 5 * 60000 + 999))
history-query -d "$r" --from $from --to $to | db-store -d "$(store_location cut)" -q
expected_buckets "$(store_location cut)" 3600000 >exp.csv
run history-query -d "$r" --every 1h --agg count,avg,min,max,sum,first,last -f csv --from "$(date -u -d @$((from / 1000)).$((from % 1000)) +%Y-%m-%dT%H:%M:%S.%3NZ)" --to "$(date -u -d @$((to / 1000)).$((to % 1000)) +%Y-%m-%dT%H:%M:%S.%3NZ)"
printf '%s\n' "$out" >got.csv
same_csv exp.csv got.csv || fail "unaligned --from/--to through roll-ups differs from raw rows"
pass "roll-ups exact"
