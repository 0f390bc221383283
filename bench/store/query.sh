#!/usr/bin/env bash
# Query benchmark: a month of 1 Hz readings for 10 sensors (26 M rows); hourly
# avg/min/max of one sensor over the month: history-query (roll-ups) against the same
# GROUP BY over raw rows in the sqlite3 CLI, same run.
# Usage: bench/store/query.sh [RUNS] [DB]   (DB is kept and reused when given)
source "$(dirname "$0")/../lib.sh"
runs=${1:-7}
db=${2:-$BENCH_TMP/month.db}
if [[ ! -f $db ]]; then
  echo "building $db (10 sensors x 2,592,000 s) ..." >&2
  start=$(date +%s)
  python3 "$(dirname "$0")/gen.py" 10 2592000 jsonl 1793491200 | db-store -d "$db" --quiet
  echo "built in $(($(date +%s) - start)) s: $(sqlite3 "$db" 'SELECT count(*) FROM readings') rows" >&2
fi
s=bench/room3/temperature
ours="history-query -d $db --sensor $s --every 1h --agg avg,min,max -f csv"
peer="sqlite3 -readonly -csv $db \"SELECT ts / 3600000 * 3600000 AS h, avg(value), min(value), max(value) FROM readings WHERE sensor_id = (SELECT id FROM sensors WHERE name = '$s') GROUP BY h\""
[[ $(bash -c "$ours" | wc -l) -eq 721 ]] || { echo "unexpected history-query output" >&2; exit 1; }
[[ $(bash -c "$peer" | wc -l) -eq 720 ]] || { echo "unexpected sqlite3 output" >&2; exit 1; }
bench_compare "hourly avg/min/max of one sensor over a month" 1 "$ours" "$peer" "$runs"
raw="history-query -d $db --sensor $s --every 3599s --agg avg,min,max -f csv"
bench_compare "same through raw rows (--every 3599s) vs sqlite3" 1 "$raw" "$peer" 3
