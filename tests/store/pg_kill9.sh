#!/usr/bin/env bash
# kill -9 of db-store writing into PostgreSQL loses at most the open batch: what was
# committed stays, the roll-ups still equal the raw rows, and a new db-store goes on.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/lib/pg.sh"
source "$SP_SRC/tests/store/lib.sh"
pg_start || fail "no PostgreSQL server"
gen_readings 10 100 1764000000000 1000 1 >"$T/a.jsonl"
gen_readings 10 100 1764000100000 1000 2 >"$T/b.jsonl"
mkfifo "$T/in"
db-store -q -d "$PG_URL" <"$T/in" 2>"$T/err" &
store=$!
SP_PIDS+=("$store")
exec 3>"$T/in"
cat "$T/a.jsonl" >&3
stored() { [[ $(pg_sql 'SELECT count(*) FROM readings') -ge $1 ]]; }
poll_until 60 stored 1000 || fail "the first 1000 readings were not committed: $(cat "$T/err")"
kill -KILL "$store"
wait "$store" 2>/dev/null || true
exec 3>&-
assert_eq 1000 "$(pg_sql 'SELECT count(*) FROM readings')" "rows after kill -9"
assert_eq 0 "$(pg_rollup_mismatches "$PG_URL" rollup_minute minute)" "minute buckets differing from the raw rows"
db-store -q -d "$PG_URL" "$T/b.jsonl" || fail "db-store after the kill"
assert_eq 2000 "$(pg_sql 'SELECT count(*) FROM readings')" "rows after the next run"
assert_eq 0 "$(pg_rollup_mismatches "$PG_URL" rollup_hour hour)" "hour buckets differing from the raw rows"
pass "kill -9 keeps what was committed; the next run goes on"
