# scripts/run.sh --postgres: the whole system on a private PostgreSQL server instead of the
# SQLite file. A week is back-filled into it, live readings arrive in it through the broker
# (seen with history-query and through ws-serve's API, both reading PostgreSQL), the query
# commands it prints work as printed, Ctrl-C (SIGINT) stops every process including the
# server, and a second run keeps the history (no second back-fill).
source "$SP_SRC/tests/lib/common.sh"
run_sh=$SP_SRC/scripts/run.sh
source "$SP_SRC/tests/system/run_lib.sh"
# As root the server runs as postgres, which must be able to enter the data directory.
chmod 755 "$T"
# A week of history into PostgreSQL takes a while on a loaded machine.
RUN_UP_LIMIT=300

port=$(free_port)
start_run "$T/data" --bin "$SP_BIN" --postgres --port "$port"
out_text=$(cat "$T/data.out")
db=$(sed -n 's/^ *database *//p' "$T/data.out")
pg_dir=$T/data/postgres
assert_eq "postgresql:///sensorpipe?host=$pg_dir&port=5432&user=postgres" "$db" "the database URL printed"
[[ ! -e $T/data/home.db ]] || fail "run.sh --postgres made an SQLite file"
pg_pid=$(head -1 "$pg_dir/data/postmaster.pid")
# Should run.sh itself be killed (a failure here), its server goes too.
trap 'sp_cleanup; kill -QUIT "$pg_pid" 2>/dev/null || true' EXIT
kill -0 "$pg_pid" 2>/dev/null || fail "no PostgreSQL server runs for $pg_dir"
assert_contains "$started" "$pg_pid" "run.sh records the server's PID"
assert_contains "$(ps -o args= -p "$pg_pid")" "postgres" "the server's process"
pass "a private PostgreSQL server runs (PID $pg_pid) in the data directory"

run history-query -d "$db" --sensor home/kitchen/temperature --from -7d --to -6d -f jsonl
assert_eq 0 "$status" "history-query of the back-fill: $err"
(($(wc -l <<<"$out") >= 1000)) || fail "a week of history: only $(wc -l <<<"$out") readings of home/kitchen/temperature 6-7 days ago"
pass "a week of history back-filled into PostgreSQL"

has_live() { (($(history-query -d "$db" --sensor home/kitchen/temperature --since 30s -f jsonl 2>/dev/null | wc -l) >= 2)); }
poll_until 60 has_live || fail "no live readings of home/kitchen/temperature in PostgreSQL in 60 s: $(tail -5 "$T/data/logs/serve.log")"
pass "live readings arrive in PostgreSQL through the broker (history-query)"

# ws-serve answers from PostgreSQL: the API's history has the back-fill and the live readings.
run curl -fsS "http://127.0.0.1:$port/api/history?sensor=home/kitchen/temperature&from=-7d&to=-6d&every=1h&agg=count"
assert_eq 0 "$status" "GET /api/history: $err"
n=$(jq '[.series[0].points[][1]] | add // 0' <<<"$out")
((n >= 1000)) || fail "/api/history counts $n readings 6-7 days ago: ${out:0:300}"
# The newest stored reading (raw points: a minute of them is below --max-points).
last=$(history-query -d "$db" --sensor home/kitchen/temperature --since 30s -f jsonl | tail -1 | jq -r .ts)
last_ms=$(date -u -d "$last" +%s%3N)
run curl -fsS "http://127.0.0.1:$port/api/history?sensor=home/kitchen/temperature&from=-1m"
assert_eq true "$(jq --argjson ms "$last_ms" 'any(.series[0].points[]; .[0] == $ms)' <<<"$out")" \
  "the live reading of $last in ws-serve's /api/history (${out:0:300})"
run curl -fsS "http://127.0.0.1:$port/api/sensors"
assert_contains "$out" '"sensor":"home/kitchen/temperature"' "/api/sensors"
pass "ws-serve serves the history and the live readings from PostgreSQL"

# The commands run.sh prints work as printed.
query=$(sed -n 's/^ *query *//p' "$T/data.out")
psql_cmd=$(sed -n 's/^ *psql *//p' "$T/data.out")
run bash -c "$query"
assert_eq 0 "$status" "the printed history-query command: $err"
assert_contains "$out" "home/kitchen/temperature" "the printed history-query command's table"
run bash -c "$psql_cmd"
assert_eq 0 "$status" "the printed psql command: $err"
assert_contains "$out" "home/kitchen/temperature" "the printed psql command's answer"
pass "the printed history-query and psql commands work"

stop_run "$T/data"
kill -0 "$pg_pid" 2>/dev/null && fail "the PostgreSQL server (PID $pg_pid) still runs after run.sh stopped"
[[ ! -e $pg_dir/data/postmaster.pid ]] || fail "the server left its postmaster.pid: it did not shut down cleanly"
assert_contains "$(cat "$T/data.err")" "run.sh: PostgreSQL server (PID $pg_pid) stopped" "stop message"
pass "SIGINT stops all $(echo $started | wc -w) processes, the PostgreSQL server included"

# The history is kept: a second run uses it and back-fills nothing.
count() { psql -X -q -At -d "$1" -c 'SELECT count(*) FROM readings'; }
start_run "$T/data" --bin "$SP_BIN" --postgres --port "$(free_port)"
assert_contains "$(cat "$T/data.err")" "run.sh: the database has readings: no back-fill" "second run"
pg_pid=$(head -1 "$pg_dir/data/postmaster.pid")
before=$(count "$db")
((before >= 1000)) || fail "the second run sees $before readings"
stop_run "$T/data"
pass "a second run keeps the history ($before readings) and back-fills nothing"
