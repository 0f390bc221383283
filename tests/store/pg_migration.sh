#!/usr/bin/env bash
# A PostgreSQL database of schema version 1 (roll-ups without the ordered summary) is
# upgraded in place by db-store: buckets whose raw rows are all there get the summary
# (decreases, tw_sum, tw_ms) computed from them, exactly as the writer would; buckets
# whose raw rows retention dropped keep it unknown (NULL), so the consumption answers
# are the same before and after the upgrade, and history-query reads both versions.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/lib/pg.sh"
source "$SP_SRC/tests/store/lib.sh"
pg_start || fail "no PostgreSQL server"
cd "$T"

# About 4.5 days from Friday 2025-11-28 00:00 UTC: two weekly partitions.
gen_meters 4000 1764288000000 >meters.jsonl
db-store -q --commit-interval 1h -d "$PG_URL" <meters.jsonl
assert_eq 2 "$(pg_sql "SELECT value FROM sensorpipe_meta WHERE key = 'schema_version'")" "a new database's version"
assert_eq 0 "$(pg_rollup_mismatches "$PG_URL" rollup_minute minute)" "minutes of a new database"
assert_eq 0 "$(pg_rollup_mismatches "$PG_URL" rollup_hour hour)" "hours of a new database"

# Version 1's layout: the released migration 0 -> 1 made these tables, without the three
# columns (dropping them gives the same table a version 1 db-store made and filled).
pg_sql "ALTER TABLE rollup_minute DROP COLUMN decreases, DROP COLUMN tw_sum, DROP COLUMN tw_ms;
        ALTER TABLE rollup_hour DROP COLUMN decreases, DROP COLUMN tw_sum, DROP COLUMN tw_ms;
        UPDATE sensorpipe_meta SET value = '1' WHERE key = 'schema_version'" >/dev/null
# Retention dropped the first week's raw rows (whole partitions; roll-ups outlive them).
pg_sql "ALTER TABLE readings DETACH PARTITION readings_p20251124; DROP TABLE readings_p20251124" >/dev/null
old_minutes=$(pg_sql "SELECT count(*) FROM rollup_minute WHERE bucket < '2025-12-01Z'")
[[ $old_minutes -gt 500 ]] || fail "expected old minutes without raw rows, found $old_minutes"

shapes=("--every 1h" "--every 1d" "--every 1d --tz Europe/Berlin" "--every 1h --from 2025-12-01T00:00:00Z")
for i in "${!shapes[@]}"; do
  # shellcheck disable=SC2086
  history-query -d "$PG_URL" --sensor "m/*" ${shapes[$i]} --agg increase,integral,twa,count -f csv >v1.$i.csv 2>v1.$i.err ||
    fail "history-query on a version 1 database: $(cat v1.$i.err)"
  [[ $(wc -l <v1.$i.csv) -gt 5 ]] || fail "too few rows from the version 1 database for [${shapes[$i]}]"
done
pass "history-query reads a version 1 database (ordered summary unknown)"

echo '{"sensor":"n/new","ts":"2025-12-03T00:00:00Z","value":1}' | db-store -q -d "$PG_URL" || fail "db-store on a version 1 database"
assert_eq 2 "$(pg_sql "SELECT value FROM sensorpipe_meta WHERE key = 'schema_version'")" "version after the upgrade"
assert_eq "$old_minutes" "$(pg_sql "SELECT count(*) FROM rollup_minute WHERE bucket < '2025-12-01Z' AND decreases IS NULL
                                    AND tw_sum IS NULL AND tw_ms IS NULL")" "old minutes without raw rows left unknown"
assert_eq 0 "$(pg_sql "SELECT count(*) FROM rollup_hour WHERE bucket < '2025-12-01Z' AND decreases IS NOT NULL")" \
  "old hours without raw rows left unknown"
# Every bucket with raw rows has its summary again, equal to the raw rows'; the only
# buckets differing from raw rows are the ones without any.
assert_eq "$old_minutes" "$(pg_rollup_mismatches "$PG_URL" rollup_minute minute)" "minutes differing from their raw rows"
assert_eq "$(pg_sql "SELECT count(*) FROM rollup_hour WHERE bucket < '2025-12-01Z'")" \
  "$(pg_rollup_mismatches "$PG_URL" rollup_hour hour)" "hours differing from their raw rows"
[[ $(pg_sql "SELECT count(*) FROM rollup_hour WHERE decreases > 0") -gt 0 ]] || fail "no hour with a decrease: the data do not test it"
pass "the upgrade computed the ordered summary where the raw rows are, and left it unknown where they are not"

for i in "${!shapes[@]}"; do
  # shellcheck disable=SC2086
  history-query -d "$PG_URL" --sensor "m/*" ${shapes[$i]} --agg increase,integral,twa,count -f csv >v2.$i.csv 2>v2.$i.err
  same_csv v1.$i.csv v2.$i.csv || fail "answers changed by the upgrade for [${shapes[$i]}]: $(same_csv v1.$i.csv v2.$i.csv | head -3)"
  cmp -s v1.$i.err v2.$i.err || fail "notices changed by the upgrade for [${shapes[$i]}]: $(diff v1.$i.err v2.$i.err | head -4)"
done
pass "increase, integral, twa answer the same after the upgrade"
