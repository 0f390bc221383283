#!/usr/bin/env bash
# /api/history time of the energy & water view's query (energy.html: daily increase of every
# sensor since the month's first day, here 30 days) on a simulated household stored by
# db-store at a reading every INTERVAL (default 10m), and the same for the counters only.
#   bench/web/energy_view.sh [INTERVAL]
source "$(dirname "$0")/../lib.sh"
interval=${1:-10m}
cd "$BENCH_TMP"
now=$(date +%s)
from=$(((now / 86400 - 29) * 86400))
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
sensor-sim --seed 7 --from "$(iso $((from - 86400)))" --to now --interval "$interval" >all.jsonl
grep -E '/(energy|usage)"|/water/total"' all.jsonl >counters.jsonl
db-store -d all.db --quiet all.jsonl
db-store -d counters.db --quiet counters.jsonl
for set in all counters; do
  port=$(free_port)
  ws-serve -d "$set.db" --listen "127.0.0.1:$port" </dev/null 2>/dev/null &
  BENCH_PIDS+=($!)
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  t=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port/api/history?from=${from}000&every=1d&agg=increase")
  echo "$set sensors ($(wc -l <"$set.jsonl") readings every $interval, 30 days): /api/history daily increase in $t s"
done
