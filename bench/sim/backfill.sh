#!/usr/bin/env bash
# sensor-sim back-fill throughput against `cat` of the same bytes from a file (the
# pipe's limit). Both write into a pipe read by `cat > /dev/null`. Goal: >= 0.25x.
# Usage: bench/sim/backfill.sh [RUNS]   (build first: scripts/build.sh)
source "$(dirname "$0")/../lib.sh"
runs=${1:-7}
day=(--seed 1 --house 1 --from 2026-01-01T00:00:00Z --to 2026-01-02T00:00:00Z --interval 1s)
sensor-sim "${day[@]}" >"$BENCH_TMP/day.jsonl"
lines=$(wc -l <"$BENCH_TMP/day.jsonl")
bytes=$(wc -c <"$BENCH_TMP/day.jsonl")
echo "data: $lines lines, $((bytes / 1000000)) MB ($((bytes / lines)) bytes/line)"
bench_compare "back-fill, 1 house x 1 day at 1s" "$lines" \
  "sensor-sim ${day[*]} | cat >/dev/null" "cat $BENCH_TMP/day.jsonl | cat >/dev/null" "$runs"

# Many houses, the same number of lines: the scheduler and models scale with sensors.
houses=(--seed 1 --house 24 --from 2026-01-01T00:00:00Z --to 2026-01-01T01:00:00Z --interval 1s)
sensor-sim "${houses[@]}" >"$BENCH_TMP/houses.jsonl"
lines=$(wc -l <"$BENCH_TMP/houses.jsonl")
bench_compare "back-fill, 24 houses x 1 hour at 1s" "$lines" \
  "sensor-sim ${houses[*]} | cat >/dev/null" "cat $BENCH_TMP/houses.jsonl | cat >/dev/null" "$runs"

# With every fault on (the slower path that formats each reading separately).
faults=(--drop 0.01 --spike 0.01 --stuck 0.01 --bad-lines 0.01 --duplicates 0.01 --out-of-order 0.01)
sensor-sim "${day[@]}" "${faults[@]}" >"$BENCH_TMP/faulty.jsonl"
lines=$(wc -l <"$BENCH_TMP/faulty.jsonl")
bench_compare "back-fill with faults, 1 house x 1 day" "$lines" \
  "sensor-sim ${day[*]} ${faults[*]} | cat >/dev/null" "cat $BENCH_TMP/faulty.jsonl | cat >/dev/null" "$runs"
echo "peak RSS of the 1-day back-fill: $(peak_rss_mib "sensor-sim ${day[*]} >/dev/null") MiB"
