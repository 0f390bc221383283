#!/usr/bin/env bash
# PostgreSQL restarts while db-store is in the middle of a stream: nothing is lost.
# db-store says once that it lost the connection and once that it is connected again,
# holds its input while the server is away (it reads no further than its pending batch),
# and stores every reading once the server is back.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/lib/pg.sh"
source "$SP_SRC/tests/store/lib.sh"
pg_start || fail "no PostgreSQL server"

gen_readings 10 60 1764000000000 1000 1 >"$T/a.jsonl"    # 600 before the restart
gen_readings 10 300 1764000060000 1000 2 >"$T/b.jsonl"   # 3000 while the server is away
gen_readings 10 60 1764000360000 1000 3 >"$T/c.jsonl"    # 600 after it is back
total=$(cat "$T"/[abc].jsonl | wc -l)

mkfifo "$T/in"
db-store -v --batch-rows 100 -d "$PG_URL" <"$T/in" >"$T/out" 2>"$T/err" &  # the fifo opens in the child
store=$!
SP_PIDS+=("$store")
exec 3>"$T/in"
cat "$T/a.jsonl" >&3
stored() { [[ $(pg_sql 'SELECT count(*) FROM readings') -ge $1 ]]; }
poll_until 60 stored 600 || fail "the first 600 readings were not stored: $(cat "$T/err")"
pass "stored before the restart"

pg_halt fast
# The server is away: this writer blocks once db-store stops reading.
cat "$T/b.jsonl" >&3 &
feeder=$!
SP_PIDS+=("$feeder")
wait_text "$T/err" "lost the connection" 60
# db-store reads on until its pending batch is full (100 lines, and one batch waiting to
# commit), and no further: the rest waits in the pipe.
wait_lines "$T/out" 700 60
read_while_away=$(wc -l <"$T/out")
((read_while_away <= 600 + 3 * 100)) || fail "db-store read $read_while_away lines while the server was away"
kill -0 "$feeder" 2>/dev/null || fail "db-store took all 3000 lines while the server was away (no back-pressure)"
pass "input held while the server is away ($((read_while_away - 600)) lines read)"

pg_run || fail "the server did not come back"
wait_text "$T/err" "again" 60
wait "$feeder"
cat "$T/c.jsonl" >&3
exec 3>&-
wait "$store" || fail "db-store failed after the restart: $(cat "$T/err")"

assert_eq "$total" "$(pg_sql 'SELECT count(*) FROM readings')" "rows stored"
assert_eq "$total" "$(wc -l <"$T/out")" "lines passed through"
assert_eq 1 "$(grep -c 'lost the connection' "$T/err")" "lost-connection lines"
assert_eq 1 "$(grep -c 'connected to .* again' "$T/err")" "reconnected lines"
assert_not_contains "$(cat "$T/err")" "password" "stderr"
assert_eq 0 "$(pg_rollup_mismatches "$PG_URL" rollup_minute minute)" "minute buckets differing from the raw rows"
pass "every reading stored after the restart, roll-ups exact"
