#!/usr/bin/env bash
# Consumption benchmark: a year of minute readings of 8 appliances' energy meters and the
# mains meter (sensor-sim, 4.7 M rows); daily increase per appliance over the year:
# history-query from the roll-ups (hour rows without a decrease stand for their readings)
# against the same answer computed from raw rows, same run. The raw path is forced by
# adding a percentile (p50 needs every raw value); the increase columns must be equal.
# Then the dashboard's 30-day energy view through ws-serve -d: /api/history time.
# Then the same year on PostgreSQL (a private server, tests/lib/pg.sh; moved from the SQLite
# file with the documented pipeline): the same two answers, equal, and their ratio, same
# run; the PostgreSQL figures also against SQLite's answer. BENCH_NO_PG=1 skips that part.
# Usage: bench/store/consumption.sh [RUNS] [DB]   (DB is kept and reused when given)
source "$(dirname "$0")/../lib.sh"
runs=${1:-5}
db=${2:-$BENCH_TMP/year.db}
if [[ ! -f $db ]]; then
  echo "building $db (9 meters x 525,600 minutes) ..." >&2
  start=$(date +%s)
  specs=()
  for a in fridge oven tv dishwasher washing_machine heater kettle dryer mains; do
    specs+=(--sensor "bench/$a/energy:energy:1m")
  done
  sensor-sim --seed 7 "${specs[@]}" --from 2025-01-01T00:00:00Z --to 2026-01-01T00:00:00Z | db-store -d "$db" --quiet
  echo "built in $(($(date +%s) - start)) s: $(sqlite3 "$db" 'SELECT count(*) FROM readings') rows" >&2
fi
range="--from 2025-01-01T00:00:00Z --to 2026-01-01T00:00:00Z --every 1d"
ours="history-query -d $db --sensor 'bench/+/energy' $range --agg increase -f csv"
raw="history-query -d $db --sensor 'bench/+/energy' $range --agg increase,p50 -f csv"
a=$(bash -c "$ours" | cut -d, -f1-3)
b=$(bash -c "$raw" | cut -d, -f1-3)
[[ $(wc -l <<<"$a") -eq $((9 * 365 + 1)) ]] || { echo "unexpected history-query output: $(wc -l <<<"$a") lines" >&2; exit 1; }
[[ "$a" == "$b" ]] || { echo "roll-up and raw answers differ" >&2; diff <(echo "$a") <(echo "$b") | head >&2; exit 1; }
echo "answers equal: 9 meters x 365 days, total increase $(awk -F, 'NR > 1 { s += $3 } END { printf "%.1f", s }' <<<"$a") kWh"
bench_compare "daily increase of 9 meters over a year: roll-ups vs raw rows" $((9 * 365)) "$ours" "$raw" "$runs"

# The dashboard's 30-day energy view: /api/history daily increase of every meter over the
# last 30 days of the data, through ws-serve -d (absolute time, median of RUNS).
port=$(free_port)
ws-serve -d "$db" --listen "127.0.0.1:$port" </dev/null >/dev/null 2>"$BENCH_TMP/ws.err" &
BENCH_PIDS+=($!)
for ((i = 0; i < 100; i++)); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
url="http://127.0.0.1:$port/api/history?sensor=bench/%2B/energy&from=2025-12-02T00:00:00Z&to=2026-01-01T00:00:00Z&every=1d&agg=increase"
[[ $(curl -s "$url" | grep -o '"rows":[0-9]*') == '"rows":270' ]] || { echo "unexpected /api/history answer" >&2; exit 1; }
times=()
for ((i = 0; i < runs; i++)); do times+=("$(curl -s -o /dev/null -w '%{time_total}' "$url")"); done
printf '/api/history 30-day daily increase of 9 meters: %.3f s  [median of %d]\n' "$(printf '%s\n' "${times[@]}" | median)" "$runs"

[[ ${BENCH_NO_PG:-0} == 1 ]] && exit 0
# PostgreSQL: the same readings, the same two answers.
source "$BENCH_ROOT/tests/lib/pg.sh"
pg_start >&2 || exit 1
pg=$(pg_newdb year)
start=$(date +%s)
history-query -d "$db" -f jsonl | db-store -q -d "$pg"
echo "moved to PostgreSQL in $(($(date +%s) - start)) s: $(psql -X -At -d "$pg" -c 'SELECT count(*) FROM readings') rows" >&2
ours="history-query -d '$pg' --sensor 'bench/+/energy' $range --agg increase -f csv"
raw="history-query -d '$pg' --sensor 'bench/+/energy' $range --agg increase,p50 -f csv"
c=$(bash -c "$ours" | cut -d, -f1-3)
d=$(bash -c "$raw" | cut -d, -f1-3)
[[ "$c" == "$d" ]] || { echo "PostgreSQL: roll-up and raw answers differ" >&2; diff <(echo "$c") <(echo "$d") | head >&2; exit 1; }
[[ "$c" == "$a" ]] && same="byte for byte" || same="NOT byte for byte ($(diff <(echo "$a") <(echo "$c") | grep -c '^>') rows differ)"
echo "PostgreSQL answers equal (roll-ups and raw); equal to SQLite's $same"
bench_compare "PostgreSQL: daily increase of 9 meters over a year: roll-ups vs raw rows" $((9 * 365)) "$ours" "$raw" "$runs"
