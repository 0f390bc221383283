#!/usr/bin/env bash
# PostgreSQL benchmark, on a private server (tests/lib/pg.sh: unix socket, fsync off):
#  1. ingest: db-store into PostgreSQL (COPY + upsert + exact roll-ups + follow log)
#     against psql \copy of the same rows into the same keyed, partitioned readings table
#     (the limit: a bare COPY, no dedupe, no roll-ups), with 1, 2 and 4 concurrent
#     writers each (the input split line by line, so writers share every sensor);
#  2. query: history-query's hourly averages of one sensor over a month (from the
#     roll-ups) against a raw GROUP BY over the same rows in psql.
# Usage: bench/store/postgres.sh [RUNS] [SENSORS] [ROUNDS]   (default 3 200 1000)
source "$(dirname "$0")/../lib.sh"
source "$BENCH_ROOT/tests/lib/pg.sh"
runs=${1:-3} sensors=${2:-200} rounds=${3:-1000}
d=$BENCH_TMP
chmod 755 "$d"  # psql runs as us, the server as postgres: \copy reads client-side anyway
pg_start >&2 || exit 1
rows=$((sensors * rounds))
python3 "$(dirname "$0")/gen.py" "$sensors" "$rounds" jsonl >"$d/all.jsonl"

url=$(pg_newdb ingest)
q() { psql -X -q -v ON_ERROR_STOP=1 -At -d "$url" "$@"; }
empty="TRUNCATE readings, rollup_minute, rollup_hour, changes"
# One load to make the schema, the sensors and the partitions, and the peer's rows in
# the table's own form (sensor_id, ts, num), in input order.
db-store -q -d "$url" "$d/all.jsonl"
q -c "\\copy (SELECT sensor_id, ts, num FROM readings ORDER BY ts, sensor_id) TO '$d/all.csv' CSV"
[[ $(wc -l <"$d/all.csv") -eq $rows ]] || { echo "unexpected row count" >&2; exit 1; }

for n in 1 2 4; do
  rm -f "$d"/part.*
  awk -v n="$n" -v d="$d" '{ print > (d "/part.jsonl." (NR % n)) }' "$d/all.jsonl"
  awk -v n="$n" -v d="$d" '{ print > (d "/part.csv." (NR % n)) }' "$d/all.csv"
  ours="psql -X -q -d '$url' -c '$empty'; for f in $d/part.jsonl.*; do db-store -q -d '$url' \$f & done; wait"
  peer="psql -X -q -d '$url' -c '$empty'; for f in $d/part.csv.*; do psql -X -q -d '$url' -c \"\\\\copy readings(sensor_id, ts, num) FROM '\$f' CSV\" & done; wait"
  bench_compare "ingest $rows rows, $n writer(s), vs psql \\copy keyed" "$rows" "$ours" "$peer" "$runs"
done
bash -c "psql -X -q -d '$url' -c '$empty'; for f in $d/part.jsonl.*; do db-store -q -d '$url' \$f & done; wait"
echo "after 4 writers: $(q -c 'SELECT count(*) FROM readings') rows, $(q -c 'SELECT count(*) FROM rollup_minute') minute and $(q -c 'SELECT count(*) FROM rollup_hour') hour buckets"

# A month of one reading a minute for 20 sensors (864,000 rows).
murl=$(pg_newdb month)
python3 "$(dirname "$0")/gen.py" 20 43200 jsonl 1793491200 60 | db-store -q -d "$murl"
s=bench/room3/temperature
ours="history-query -d '$murl' --sensor $s --every 1h --agg avg -f csv"
peer="psql -X -q -At -d '$murl' -c \"SELECT date_trunc('hour', ts), avg(num) FROM readings WHERE sensor_id = (SELECT id FROM sensors WHERE name = '$s') GROUP BY 1 ORDER BY 1\""
[[ $(bash -c "$ours" | wc -l) -eq 721 ]] || { echo "unexpected history-query output" >&2; exit 1; }
[[ $(bash -c "$peer" | wc -l) -eq 720 ]] || { echo "unexpected psql output" >&2; exit 1; }
bench_compare "hourly avg of one sensor over a month (roll-ups vs raw GROUP BY)" 1 "$ours" "$peer" "$runs"
