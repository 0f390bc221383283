# Replaying the same readings stores nothing twice; the same sensor and ts with a new
# value replaces the old one (last write wins), also when it was a bucket's min or max;
# out-of-order and late readings land where they belong.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/store/lib.sh"
cd "$T"
gen_readings 6 300 1795341600000 10000 3 >a.jsonl
n=$(wc -l <a.jsonl)
run db-store -d r.db -q -v a.jsonl
assert_contains "$err" "$n new, 0 replaced, 0 duplicates" "first run"
run db-store -d r.db -q -v a.jsonl
assert_contains "$err" "0 new, 0 replaced, $n duplicates" "replay"
assert_eq "$n" "$(sql r.db 'SELECT count(*) FROM readings')" "rows after replay"
assert_eq "$n" "$(sql r.db 'SELECT sum(count) FROM rollup_minute')" "roll-ups after replay"

# Last write wins, and the minute's max that was replaced is recomputed.
read -r sid b ts <<<"$(sql r.db "SELECT sensor_id, bucket, last_ts FROM rollup_minute WHERE ncount >= 3 AND count = ncount AND last_ts <> first_ts ORDER BY bucket LIMIT 1" | tr '|' ' ')"
maxts=$(sql r.db "SELECT ts FROM readings WHERE sensor_id=$sid AND ts>=$b AND ts<$b+60000 ORDER BY value DESC LIMIT 1")
name=$(sql r.db "SELECT name FROM sensors WHERE id=$sid")
echo "{\"sensor\":\"$name\",\"ts\":$maxts,\"value\":-99.5,\"note\":\"fixed\"}" >fix.jsonl
run db-store -d r.db -q -v fix.jsonl
assert_contains "$err" "0 new, 1 replaced" "replacement counted"
assert_eq "-99.5" "$(sql r.db "SELECT value FROM readings WHERE sensor_id=$sid AND ts=$maxts")" "last write wins"
assert_eq '"note":"fixed"' "$(sql r.db "SELECT extra FROM readings WHERE sensor_id=$sid AND ts=$maxts")" "the new fields replace the old"
assert_eq "-99.5" "$(sql r.db "SELECT min FROM rollup_minute WHERE sensor_id=$sid AND bucket=$b")" "minute min follows the replacement"
assert_eq "$(sql r.db "SELECT max(value) FROM readings WHERE sensor_id=$sid AND ts>=$b AND ts<$b+60000")" \
  "$(sql r.db "SELECT max FROM rollup_minute WHERE sensor_id=$sid AND bucket=$b")" "minute max recomputed without the replaced value"
assert_eq 0 "$(rollup_mismatches r.db rollup_minute 60000)" "minute roll-ups after replacement"
assert_eq 0 "$(rollup_mismatches r.db rollup_hour 3600000)" "hour roll-ups after replacement"

# Within one batch the later line wins too.
printf '%s\n' '{"sensor":"x","ts":1795341600,"value":1}' '{"sensor":"x","ts":1795341600,"value":2}' >two.jsonl
run db-store -d r.db -q two.jsonl
assert_eq 2.0 "$(sql r.db "SELECT value FROM readings JOIN sensors ON id=sensor_id WHERE name='x'")" "last line of a batch wins"

# Out of order: a shuffled copy gives the same stored history and the same buckets.
shuf --random-source=<(yes) a.jsonl >shuffled.jsonl
run db-store -d s.db -q --batch-rows 50 shuffled.jsonl
assert_eq "$(history-query -d r.db --sensor 't/s1' --sensor 't/s2')" "$(history-query -d s.db --sensor 't/s1' --sensor 't/s2')" "shuffled input, same history"
assert_eq "$(history-query -d r.db --sensor 't/s3' --every 1h --agg min,max,first,last,count)" \
  "$(history-query -d s.db --sensor 't/s3' --every 1h --agg min,max,first,last,count)" "shuffled input, same buckets"
# Late: a reading hours before everything else, after the fact.
echo '{"sensor":"t/s0","ts":1795300000,"value":1234}' >late.jsonl
run db-store -d s.db -q late.jsonl
run history-query -d s.db --sensor t/s0 --limit 1
assert_contains "$out" '"value":1234' "late reading first in time order"
assert_eq 0 "$(rollup_mismatches s.db rollup_minute 60000)" "minute roll-ups with late data"
assert_eq 0 "$(rollup_mismatches s.db rollup_hour 3600000)" "hour roll-ups with late data"
pass "replay, last write wins, out of order"
