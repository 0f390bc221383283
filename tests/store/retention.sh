# --retain deletes raw rows older than the period (cut at whole hours, so remaining
# buckets still equal their rows) and --retain-rollups the roll-ups; readings already
# older than --retain when they arrive are not stored. Roll-ups outlive raw rows.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/store/lib.sh"
cd "$T"
now=$(($(date +%s) * 1000))
start=$((now - 5 * 86400000))
gen_readings 4 600 $start 720000 5 >a.jsonl   # 5 days, every 12 min
n=$(wc -l <a.jsonl)
run db-store -d r.db -q a.jsonl
assert_eq "$n" "$(sql r.db 'SELECT count(*) FROM readings')" "everything stored without --retain"
run db-store -d r.db -q -v --retain 2d --retain-rollups 4d </dev/null
assert_eq 0 "$status" "db-store with retention"
raw_cut=$(( (now - 2 * 86400000) / 3600000 * 3600000 ))
roll_cut=$(( (now - 4 * 86400000) / 3600000 * 3600000 ))
oldest=$(sql r.db 'SELECT min(ts) FROM readings')
[[ $oldest -ge $((raw_cut - 3600000)) ]] || fail "raw rows older than 2 days are left: $oldest < $raw_cut"
[[ $(sql r.db 'SELECT count(*) FROM readings') -gt 0 ]] || fail "recent rows deleted"
oldest_roll=$(sql r.db 'SELECT min(bucket) FROM rollup_hour')
[[ $oldest_roll -ge $((roll_cut - 3600000)) ]] || fail "roll-ups older than 4 days are left"
[[ $oldest_roll -lt $oldest ]] || fail "roll-ups must outlive raw rows ($oldest_roll vs $oldest)"
# Buckets that still have raw rows equal them exactly.
mism=$(sqlite3 r.db "SELECT count(*) FROM rollup_minute r WHERE bucket >= (SELECT min(ts) FROM readings) AND count <> (SELECT count(*) FROM readings x WHERE x.sensor_id=r.sensor_id AND x.ts>=r.bucket AND x.ts<r.bucket+60000)")
assert_eq 0 "$mism" "kept minute buckets equal their rows"

run history-query -d r.db --list-sensors -f csv
assert_eq "$(sql r.db 'SELECT count(*) FROM readings')" "$(printf '%s\n' "$out" | awk -F, 'NR > 1 { n += $4 } END { print n }')" "--list-sensors counts the rows left"

# Old readings arriving now are not stored.
echo "{\"sensor\":\"t/s0\",\"ts\":$((now - 3 * 86400000)),\"value\":1}" >old.jsonl
run db-store -d r.db -q -v --retain 2d old.jsonl
assert_contains "$err" "1 older than --retain" "expired reading counted"
assert_eq 0 "$(sql r.db "SELECT count(*) FROM readings WHERE ts=$((now - 3 * 86400000))")" "expired reading not stored"

run db-store -d r.db --retain-rollups 1d </dev/null
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
