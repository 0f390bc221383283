# --retain deletes raw rows older than the period (cut at whole hours, so remaining
# buckets still equal their rows) and --retain-rollups the roll-ups; readings already
# older than --retain when they arrive are not stored. Roll-ups outlive raw rows.
# SQLite only: it checks SQLite's retention (row deletes cut at whole hours); PostgreSQL
# drops whole weekly partitions instead, checked by pg_retention.sh.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/store/lib.sh"
cd "$T"
r=$(store_location r)
now=$(($(date +%s) * 1000))
start=$((now - 5 * 86400000))
gen_readings 4 600 $start 720000 5 >a.jsonl   # 5 days, every 12 min
n=$(wc -l <a.jsonl)
run db-store -d "$r" -q a.jsonl
assert_eq "$n" "$(stored_count "$r")" "everything stored without --retain"
run db-store -d "$r" -q -v --retain 2d --retain-rollups 4d </dev/null
assert_eq 0 "$status" "db-store with retention"
raw_cut=$(( (now - 2 * 86400000) / 3600000 * 3600000 ))
roll_cut=$(( (now - 4 * 86400000) / 3600000 * 3600000 ))
assert_eq 0 "$(stored_count "$r" --to $((raw_cut - 3600000)))" "raw rows older than 2 days are left"
[[ $(stored_count "$r") -gt 0 ]] || fail "recent rows deleted"
oldest=$(stored_rows "$r" -f csv | awk -F, 'NR > 1 && (m == "" || $2 < m) { m = $2 } END { print m }')
oldest_hour=$(($(date -u -d "$oldest" +%s%3N) / 3600000 * 3600000))
# Hour buckets before the oldest raw row can only come from the roll-ups.
assert_eq 0 "$(history-query -d "$r" --every 1h --agg count --to $((roll_cut - 3600000)) | wc -l)" "roll-ups older than 4 days are left"
[[ $(history-query -d "$r" --every 1h --agg count --to "$oldest_hour" | wc -l) -gt 0 ]] || fail "roll-ups must outlive raw rows"
# Buckets that still have raw rows equal them exactly (minute buckets from the roll-ups
# against the same computed from the raw rows).
expected_buckets "$r" 60000 >exp.csv
history-query -d "$r" --every 1m --agg count,avg,min,max,sum,first,last -f csv --from "$oldest_hour" >got.csv
same_csv exp.csv got.csv || fail "kept minute buckets differ from their rows"

run history-query -d "$r" --list-sensors -f csv
assert_eq "$(stored_count "$r")" "$(printf '%s\n' "$out" | awk -F, 'NR > 1 { n += $4 } END { print n }')" "--list-sensors counts the rows left"

# Old readings arriving now are not stored.
echo "{\"sensor\":\"t/s0\",\"ts\":$((now - 3 * 86400000)),\"value\":1}" >old.jsonl
run db-store -d "$r" -q -v --retain 2d old.jsonl
assert_contains "$err" "1 older than --retain" "expired reading counted"
assert_eq 0 "$(stored_count "$r" --from $((now - 3 * 86400000)) --to $((now - 3 * 86400000 + 1)))" "expired reading not stored"

run db-store -d "$r" --retain-rollups 1d </dev/null
assert_eq 2 "$status" "--retain-rollups without a shorter --retain is a usage error"
run db-store -d r.db --retain 0 </dev/null
assert_eq 2 "$status" "--retain 0 is a usage error"
assert_contains "$err" "expected a duration above zero" "--retain 0 message"

# Years are a duration for every tool, not only for --retain (one parser, core/time.h).
run db-store -d r.db -q --retain 1y --retain-rollups 5y </dev/null
assert_eq 0 "$status" "db-store --retain 1y --retain-rollups 5y ($err)"
run history-query -d r.db --since 1y -f csv
assert_eq 0 "$status" "history-query --since 1y ($err)"
assert_eq "$(sql r.db 'SELECT count(*) FROM readings')" "$(($(wc -l <<<"$out") - 1))" "--since 1y returns every reading left"
pass "retention"
