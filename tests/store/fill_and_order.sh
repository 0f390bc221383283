# --fill none|null|previous for empty buckets, --order desc, and the table format.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/store/lib.sh"
cd "$T"
printf '%s\n' '{"sensor":"a","ts":"2026-11-22T10:00:01Z","value":1}' '{"sensor":"a","ts":"2026-11-22T10:00:11Z","value":3}' \
  '{"sensor":"a","ts":"2026-11-22T10:00:12Z","value":"off"}' | db-store -d "$(store_location f)" -q
range=(--from 2026-11-22T10:00:00Z --to 2026-11-22T10:00:20Z --every 5s)
run history-query -d "$(store_location f)" "${range[@]}" --agg avg,count,last -f csv
assert_eq 'sensor,ts,avg,count,last
a,2026-11-22T10:00:00.000Z,1,1,1
a,2026-11-22T10:00:10.000Z,3,2,off' "$out" "--fill none"
run history-query -d "$(store_location f)" "${range[@]}" --agg avg --fill null -f csv
assert_eq 'sensor,ts,avg
a,2026-11-22T10:00:00.000Z,1
a,2026-11-22T10:00:05.000Z,
a,2026-11-22T10:00:10.000Z,3
a,2026-11-22T10:00:15.000Z,' "$out" "--fill null"
run history-query -d "$(store_location f)" "${range[@]}" --agg avg --fill previous --order desc
assert_eq '{"sensor":"a","ts":"2026-11-22T10:00:15.000Z","avg":3}
{"sensor":"a","ts":"2026-11-22T10:00:10.000Z","avg":3}
{"sensor":"a","ts":"2026-11-22T10:00:05.000Z","avg":1}
{"sensor":"a","ts":"2026-11-22T10:00:00.000Z","avg":1}' "$out" "--fill previous, newest first"
run history-query -d "$(store_location f)" -f table
assert_eq 'sensor  ts                        value  unit  kind
a       2026-11-22T10:00:01.000Z  1
a       2026-11-22T10:00:11.000Z  3
a       2026-11-22T10:00:12.000Z  off' "$out" "table"
run history-query -d "$(store_location f)" --every 5s --agg mode
assert_eq 2 "$status" "unknown aggregate"
assert_contains "$err" "unknown aggregate 'mode'" "unknown aggregate message"
run history-query -d "$(store_location f)" --agg avg
assert_eq 2 "$status" "--agg without --every"
pass "fill and order"
