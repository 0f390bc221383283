#!/usr/bin/env bash
# SIGTERM ends history-query promptly while it waits on PostgreSQL, with its usual status
# (0, nothing on stderr, as after any stop): (1) connecting to a server whose postmaster is
# stopped (SIGSTOP: the connection is accepted by the kernel and never answered); (2) a
# query waiting on a lock another session holds, whose server-side wait is cancelled too.
# (3) ws-serve, whose /api/history request waits on that lock, ends on SIGTERM as well.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/lib/pg.sh"
source "$SP_SRC/tests/store/lib.sh"
pg_start || fail "no PostgreSQL server"
# A stopped postmaster would make pg.sh's clean-up wait: continue it first at exit.
eval "set -- $(trap -p EXIT)"
trap "kill -CONT $PG_PID 2>/dev/null; ${3:-}" EXIT

gen_readings 10 60 1764000000000 1000 1 | db-store -q -d "$PG_URL"
assert_eq 600 "$(history-query -d "$PG_URL" | wc -l)" "readings before the server is stopped"
exited() { ! kill -0 "$1" 2>/dev/null; }
has_socket() { ls -l "/proc/$1/fd" 2>/dev/null | grep -q 'socket:'; }

# (1) The postmaster stopped: history-query's connect is accepted and never answered.
kill -STOP "$PG_PID"
history-query -d "$PG_URL" >"$T/1.out" 2>"$T/1.err" &
hq=$!
SP_PIDS+=("$hq")
poll_until 30 has_socket "$hq" || fail "history-query never opened its connection"
kill -0 "$hq" 2>/dev/null || fail "history-query ended against a stopped server: $(cat "$T/1.err")"
kill -TERM "$hq"
poll_until 30 exited "$hq" || fail "history-query ignored SIGTERM while connecting to a stopped server"
set +e; wait "$hq"; st=$?; set -e
assert_eq 0 "$st" "exit status after SIGTERM while connecting"
assert_eq "" "$(cat "$T/1.err")" "stderr after SIGTERM while connecting"
kill -CONT "$PG_PID"
pass "SIGTERM ends a connect to a stopped server at once"

# (2) A query waiting on a lock: another session holds readings exclusively.
sp_spawn ws-serve -d "$PG_URL" --listen 127.0.0.1:0 </dev/null >/dev/null 2>"$T/ws.err"
ws=$!
wait_text "$T/ws.err" "serving http://" 60
ws_addr=$(grep -o '127.0.0.1:[0-9]*' "$T/ws.err" | head -1)
mkfifo "$T/locker"
psql -X -q -d "$PG_URL" <"$T/locker" >/dev/null &
SP_PIDS+=("$!")
exec 3>"$T/locker"
echo "BEGIN; LOCK TABLE readings IN ACCESS EXCLUSIVE MODE;" >&3
locked() { [[ $(pg_sql "SELECT count(*) FROM pg_locks WHERE relation = 'readings'::regclass AND mode = 'AccessExclusiveLock' AND granted") == 1 ]]; }
poll_until 30 locked || fail "the other session did not get its lock"
waiting() { [[ $(pg_sql "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'") -ge 1 ]]; }
not_waiting() { ! waiting; }
history-query -d "$PG_URL" >"$T/2.out" 2>"$T/2.err" &
hq=$!
SP_PIDS+=("$hq")
poll_until 30 waiting || fail "history-query's query never waited on the lock: $(cat "$T/2.err")"
kill -TERM "$hq"
poll_until 30 exited "$hq" || fail "history-query ignored SIGTERM while its query waited on the server"
set +e; wait "$hq"; st=$?; set -e
assert_eq 0 "$st" "exit status after SIGTERM during a query"
assert_eq "" "$(cat "$T/2.err")" "stderr after SIGTERM during a query"
poll_until 30 not_waiting || fail "the interrupted query still waits on the server (not cancelled)"
pass "SIGTERM ends a query waiting on the server at once, and the server-side query is cancelled"

# (3) ws-serve's API worker waits on the same lock.
curl -s -o "$T/api.out" "http://$ws_addr/api/history?sensor=t/s1&from=0" &
SP_PIDS+=("$!")
poll_until 30 waiting || fail "ws-serve's /api/history never waited on the lock: $(cat "$T/ws.err")"
kill -TERM "$ws"
poll_until 30 exited "$ws" || fail "ws-serve ignored SIGTERM while its API worker waited on the server"
set +e; wait "$ws"; st=$?; set -e
assert_eq 0 "$st" "ws-serve's exit status after SIGTERM during a query"
poll_until 30 not_waiting || fail "ws-serve's interrupted query still waits on the server (not cancelled)"
pass "SIGTERM ends ws-serve while /api/history waits on the server"
echo "COMMIT;" >&3
exec 3>&-
assert_eq 600 "$(history-query -d "$PG_URL" | wc -l)" "readings after the lock is released"
