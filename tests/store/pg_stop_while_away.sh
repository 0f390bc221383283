#!/usr/bin/env bash
# End of input or SIGTERM while the PostgreSQL server is away: db-store keeps the readings
# it accepted and keeps reconnecting until they are stored, then exits 0 (a service that is
# stopped while the database restarts loses nothing). A second SIGTERM gives up, and so does
# --stop-timeout after end of input: exit 1 and one stderr line saying how many readings
# were not stored (exactly those passed through but missing from the database).
# Three db-stores, each on its own database, lose the same server at once.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/lib/pg.sh"
source "$SP_SRC/tests/store/lib.sh"
pg_start || fail "no PostgreSQL server"

gen_readings 10 60 1764000000000 1000 1 >"$T/before.jsonl"  # 600, stored while the server is up
gen_readings 10 15 1764000060000 1000 2 >"$T/away.jsonl"    # 150, read while it is away

count_in() { psql -X -q -At -d "$1" -c 'SELECT count(*) FROM readings'; }
has_rows() { [[ $(count_in "$1") -ge $2 ]]; }
exited() { ! kill -0 "$1" 2>/dev/null; }

# start NAME FD [OPTIONS]: a db-store on database NAME fed through a fifo held on fd FD;
# sets URL_<NAME> and PID_<NAME>. --batch-rows 1000 (more than it is ever given) makes
# every line of away.jsonl fit in what db-store takes while the server is away.
start() {
  local name=$1 fd=$2 url
  shift 2
  url=$(pg_newdb "$name")
  mkfifo "$T/$name.in"
  db-store --batch-rows 1000 "$@" -d "$url" <"$T/$name.in" >"$T/$name.out" 2>"$T/$name.err" &
  SP_PIDS+=("$!")
  printf -v "PID_$name" %s "$!"
  printf -v "URL_$name" %s "$url"
  eval "exec $fd>\"\$T/\$name.in\""
  cat "$T/before.jsonl" >&"$fd"
  poll_until 60 has_rows "$url" 600 || fail "$name: the first 600 readings were not stored: $(cat "$T/$name.err")"
}
start back 3                       # SIGTERM, then the server comes back: everything stored, exit 0
start giveup 4                     # SIGTERM twice: gives up
start eof 5 --stop-timeout 1s      # end of input, and the server stays away longer than --stop-timeout

pg_halt fast
for fd in 3 4 5; do cat "$T/away.jsonl" >&"$fd"; done
for name in back giveup eof; do wait_lines "$T/$name.out" 750 60; done
for fd in 3 4 5; do wait_fifo_read "$fd" 60; done

kill -TERM "$PID_back" "$PID_giveup"
exec 5>&-
for name in back giveup; do wait_text "$T/$name.err" "stop requested while the database is away" 60; done
wait_text "$T/eof.err" "end of input while the database is away" 60

kill -TERM "$PID_giveup"
poll_until 60 exited "$PID_giveup" || fail "db-store did not give up at the second SIGTERM"
set +e; wait "$PID_giveup"; st=$?; set -e
assert_eq 1 "$st" "exit status after a second SIGTERM"
assert_contains "$(tail -1 "$T/giveup.err")" "150 readings not stored" "the give-up line"
assert_contains "$(tail -1 "$T/giveup.err")" "db-store: error: gave up reconnecting" "the give-up line"

poll_until 60 exited "$PID_eof" || fail "db-store did not give up after --stop-timeout"
set +e; wait "$PID_eof"; st=$?; set -e
assert_eq 1 "$st" "exit status after --stop-timeout"
assert_contains "$(tail -1 "$T/eof.err")" "150 readings not stored" "the give-up line after --stop-timeout"
pass "a second SIGTERM and --stop-timeout give up, naming the 150 readings not stored"

kill -0 "$PID_back" 2>/dev/null || fail "db-store exited while the server was away after one SIGTERM: $(cat "$T/back.err")"
pg_run || fail "the server did not come back"
poll_until 60 exited "$PID_back" || fail "db-store did not finish once the server was back"
set +e; wait "$PID_back"; st=$?; set -e
exec 3>&- 4>&-
assert_eq 0 "$st" "exit status after SIGTERM once the server is back"
assert_eq 750 "$(count_in "$URL_back")" "rows stored after SIGTERM while the server was away"
assert_eq 1 "$(grep -c 'connected to .* again' "$T/back.err")" "reconnected lines"
assert_eq 0 "$(pg_rollup_mismatches "$URL_back" rollup_minute minute)" "minute buckets differing from the raw rows"
pass "SIGTERM while the server was away: all 750 readings stored once it was back, exit 0"

# What was not stored is exactly what the give-up lines counted.
assert_eq 600 "$(count_in "$URL_giveup")" "rows stored by the writer that gave up"
assert_eq 600 "$(count_in "$URL_eof")" "rows stored by the writer that timed out"
assert_eq 750 "$(wc -l <"$T/giveup.out")" "lines passed through by the writer that gave up"
pass "the counts named are the readings passed through but not stored"
