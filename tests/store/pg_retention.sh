#!/usr/bin/env bash
# Retention on PostgreSQL drops whole weekly partitions: readings (and, with
# --retain-rollups, roll-ups) of weeks wholly older than the period disappear, the rest
# stays, and the partitions for this week and the next exist (made ahead).
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/lib/pg.sh"
pg_start || fail "no PostgreSQL server"
now=$(date +%s)
{
  for days in 40 30 20 1; do
    printf '{"sensor":"r","ts":%d,"value":%d}\n' $((now - days * 86400)) "$days"
  done
} >"$T/in.jsonl"
db-store -q -d "$PG_URL" "$T/in.jsonl"
assert_eq 4 "$(history-query -d "$PG_URL" | wc -l)" "stored without retention"
parts() { pg_sql "SELECT count(*) FROM pg_inherits WHERE inhparent = '$1'::regclass"; }
before=$(parts readings)

# 25 days: the weeks of the 40- and 30-day-old readings are wholly older; the week of the
# 20-day-old one is not.
echo '{"sensor":"r","value":0}' | db-store -q -d "$PG_URL" --retain 25d --retain-rollups 35d
run history-query -d "$PG_URL" -f csv
assert_not_contains "$out" ",40" "the 40-day-old reading"
assert_not_contains "$out" ",30" "the 30-day-old reading"
assert_contains "$out" ",20" "the 20-day-old reading (its week is not wholly older than 25 days)"
assert_contains "$out" ",1" "yesterday's reading"
assert_eq $((before - 2)) "$(parts readings)" "readings partitions left"
assert_eq 0 "$(pg_sql "SELECT count(*) FROM rollup_hour WHERE bucket < now() - interval '49 days'")" "roll-ups of 7 weeks ago"
assert_eq 1 "$(pg_sql "SELECT count(*) FROM rollup_hour WHERE bucket < now() - interval '29 days' AND bucket > now() - interval '31 days'")" "the 30-day-old hour roll-up (kept by --retain-rollups 35d)"
assert_eq 0 "$(pg_sql "SELECT count(*) FROM pg_class WHERE relname LIKE 'readings_p%' AND relkind = 'r' AND NOT relispartition")" "detached leftovers"
ahead=$(pg_sql "SELECT count(*) FROM pg_inherits WHERE inhparent = 'readings'::regclass AND inhrelid::regclass::text = 'readings_p' || to_char(date_trunc('week', now() + interval '7 days'), 'YYYYMMDD')")
assert_eq 1 "$ahead" "next week's partition made ahead"
pass "retention drops whole partitions"
