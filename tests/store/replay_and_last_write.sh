# Replaying the same readings stores nothing twice; the same sensor and ts with a new
# value replaces the old one (last write wins), also when it was a bucket's min or max;
# out-of-order and late readings land where they belong.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/store/lib.sh"
cd "$T"
r=$(store_location r)
s=$(store_location s)
gen_readings 6 300 1795341600000 10000 3 >a.jsonl
n=$(wc -l <a.jsonl)
run db-store -d "$r" -q -v a.jsonl
assert_contains "$err" "$n new, 0 replaced, 0 duplicates" "first run"
run db-store -d "$r" -q -v a.jsonl
assert_contains "$err" "0 new, 0 replaced, $n duplicates" "replay"
assert_eq "$n" "$(stored_count "$r")" "rows after replay"
assert_eq "$n" "$(history-query -d "$r" --every 1m --agg count -f csv | awk -F, 'NR > 1 { n += $3 } END { print n }')" \
  "minute buckets (from roll-ups) after replay"

# Last write wins, and the minute's max that was replaced is recomputed. A minute with
# at least three readings of a numeric sensor (t/s0..t/s5 are all numeric):
read -r name b <<<"$(history-query -d "$r" --every 1m --agg count -f csv | awk -F, 'NR > 1 && $3 >= 3 { print $1, $2; exit }')"
b=$(date -u -d "$b" +%s%3N)
minute() { stored_rows "$r" --sensor "$name" --from "$b" --to $((b + 60000)) -f csv | tail -n +2; }
maxts=$(minute | sort -t, -k3,3 -g | tail -n 1 | cut -d, -f2)
echo "{\"sensor\":\"$name\",\"ts\":\"$maxts\",\"value\":-99.5,\"note\":\"fixed\"}" >fix.jsonl
run db-store -d "$r" -q -v fix.jsonl
assert_contains "$err" "0 new, 1 replaced" "replacement counted"
assert_eq "{\"sensor\":\"$name\",\"ts\":\"$maxts\",\"value\":-99.5,\"unit\":\"C\",\"note\":\"fixed\"}" \
  "$(stored_rows "$r" --sensor "$name" --from "$maxts" --to $(($(date -u -d "$maxts" +%s%3N) + 1)))" \
  "last write wins, the new fields replace the old"
run history-query -d "$r" --sensor "$name" --from "$b" --to $((b + 60000)) --every 1m --agg min,max -f csv
assert_eq "-99.5" "$(printf '%s\n' "$out" | awk -F, 'NR == 2 { print $3 }')" "minute min follows the replacement"
assert_eq "$(minute | cut -d, -f3 | sort -g | tail -n 1)" "$(printf '%s\n' "$out" | awk -F, 'NR == 2 { print $4 }')" \
  "minute max recomputed without the replaced value"
assert_eq 0 "$(rollup_mismatches "$r")" "roll-ups after replacement"

# Within one batch the later line wins too.
printf '%s\n' '{"sensor":"x","ts":1795341600,"value":1}' '{"sensor":"x","ts":1795341600,"value":2}' >two.jsonl
run db-store -d "$r" -q two.jsonl
assert_eq '{"sensor":"x","ts":"2026-11-22T10:00:00.000Z","value":2}' "$(stored_rows "$r" --sensor x)" "last line of a batch wins"

# Out of order: a shuffled copy gives the same stored history and the same buckets.
shuf --random-source=<(yes) a.jsonl >shuffled.jsonl
run db-store -d "$s" -q --batch-rows 50 shuffled.jsonl
assert_eq "$(history-query -d "$r" --sensor 't/s1' --sensor 't/s2')" "$(history-query -d "$s" --sensor 't/s1' --sensor 't/s2')" "shuffled input, same history"
assert_eq "$(history-query -d "$r" --sensor 't/s3' --every 1h --agg min,max,first,last,count)" \
  "$(history-query -d "$s" --sensor 't/s3' --every 1h --agg min,max,first,last,count)" "shuffled input, same buckets"
# Late: a reading hours before everything else, after the fact.
echo '{"sensor":"t/s0","ts":1795300000,"value":1234}' >late.jsonl
run db-store -d "$s" -q late.jsonl
run history-query -d "$s" --sensor t/s0 --limit 1
assert_contains "$out" '"value":1234' "late reading first in time order"
assert_eq 0 "$(rollup_mismatches "$s")" "roll-ups with late data"
pass "replay, last write wins, out of order"
