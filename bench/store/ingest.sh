#!/usr/bin/env bash
# Ingest benchmark: db-store on 1 M readings of 1,000 interleaved sensors (key and
# roll-ups maintained) against, in the same run,
#   (a) sqlite3 .import --csv of the same rows into a table keyed by (sensor, ts),
#   (b) sqlite-utils insert --nl (100k lines; its rate is per line, so scaled),
#   (c) sqlite3 .import --csv into a plain table (no key): the ceiling.
# Usage: bench/store/ingest.sh [RUNS]   (needs scripts/deps.sh --bench; a built build/)
source "$(dirname "$0")/../lib.sh"
runs=${1:-3}
d=$BENCH_TMP
gen="python3 $(dirname "$0")/gen.py"
$gen 1000 1000 jsonl >"$d/r1m.jsonl"
$gen 1000 1000 csv >"$d/r1m.csv"
head -n 100000 "$d/r1m.jsonl" >"$d/r100k.jsonl"
command -v sqlite-utils >/dev/null || { echo "sqlite-utils missing: run scripts/deps.sh --bench" >&2; exit 1; }

ours="rm -f $d/o.db*; db-store -d $d/o.db --quiet $d/r1m.jsonl"
keyed="rm -f $d/a.db*; sqlite3 $d/a.db 'CREATE TABLE r(sensor TEXT, ts INTEGER, value REAL, PRIMARY KEY(sensor, ts)) WITHOUT ROWID' '.import --csv --skip 1 $d/r1m.csv r'"
sutils="rm -f $d/b.db*; sqlite-utils insert $d/b.db r $d/r100k.jsonl --nl"
plain="rm -f $d/c.db*; sqlite3 $d/c.db 'CREATE TABLE r(sensor TEXT, ts INTEGER, value REAL)' '.import --csv --skip 1 $d/r1m.csv r'"

bench_compare "ingest 1M vs sqlite3 .import keyed (a)" 1000000 "$ours" "$keyed" "$runs"
bench_compare "ingest 1M vs sqlite3 .import plain (c)" 1000000 "$ours" "$plain" "$runs"
# (b): ours on 1M lines, sqlite-utils on 100k lines; compare rates.
o=() p=()
for ((i = 0; i < runs; i++)); do
  o+=("$(bench_time "$ours")")
  p+=("$(bench_time "$sutils")")
done
om=$(printf '%s\n' "${o[@]}" | median)
pm=$(printf '%s\n' "${p[@]}" | median)
printf 'ingest vs sqlite-utils insert --nl (b): ours %.0f/s (1M in %.3f s), peer %.0f/s (100k in %.3f s), ratio %.2f  [median of %d, same run]\n' \
  "$(echo "1000000 / $om" | bc -l)" "$om" "$(echo "100000 / $pm" | bc -l)" "$pm" "$(echo "(1000000 / $om) / (100000 / $pm)" | bc -l)" "$runs"
echo "rows stored: $(sqlite3 "$d/o.db" 'SELECT count(*) FROM readings'), roll-up rows: $(sqlite3 "$d/o.db" 'SELECT (SELECT count(*) FROM rollup_minute) + (SELECT count(*) FROM rollup_hour)')"
echo "db-store peak RSS: $(peak_rss_mib "$ours") MiB"
