#!/usr/bin/env bash
# /api/history time of the energy & water view's 30-day queries (energy.html at "30 d"): the
# daily increase of every counter (energy, water, running time) since the earlier of the
# month's first day and 29 days ago, in a zone (tz=Europe/Berlin), and the 6-hour
# time-weighted average of the power meters; on a simulated household's counters and power
# meters stored by db-store at a reading every INTERVAL (default 1m) for 31 days.
# The daily increase is compared, same run, with the same answer computed from raw rows (the
# raw path is forced by adding p50, which needs every raw value; the increases must be equal).
#   bench/web/energy_view.sh [INTERVAL] [RUNS]
source "$(dirname "$0")/../lib.sh"
interval=${1:-1m}
runs=${2:-5}
cd "$BENCH_TMP"
now=$(date +%s)
from=$(((now / 86400 - 30) * 86400))
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
start=$(date +%s)
sensor-sim --seed 7 --from "$(iso $((from - 86400)))" --to now --interval "$interval" |
  grep -E '/(energy|usage|power)"|/water/total"' | db-store -d home.db --quiet
echo "stored $(sqlite3 home.db 'SELECT count(*) FROM readings') readings of $(sqlite3 home.db 'SELECT count(*) FROM sensors') sensors every $interval in $(($(date +%s) - start)) s" >&2
port=$(free_port)
ws-serve -d home.db --listen "127.0.0.1:$port" </dev/null >/dev/null 2>ws.err &
BENCH_PIDS+=($!)
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
api="http://127.0.0.1:$port/api/history"
counters=$(curl -s "http://127.0.0.1:$port/api/sensors" |
  node -e 'const b=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log(b.sensors.filter(s=>["energy","volume","usage"].includes(s.kind)).map(s=>"&sensor="+encodeURIComponent(s.sensor)).join(""))')
power=$(curl -s "http://127.0.0.1:$port/api/sensors" |
  node -e 'const b=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log(b.sensors.filter(s=>s.kind==="power").map(s=>"&sensor="+encodeURIComponent(s.sensor)).join(""))')
daily="$api?from=${from}000&every=1d&tz=Europe/Berlin$counters&agg=increase"
twa="$api?from=$(((now / 86400 - 29) * 86400))000&every=6h$power&agg=twa"
increases() { node -e 'const b=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log(JSON.stringify(b.series.map(s=>[s.sensor,s.points.map(p=>[p[0],p[1]])])))'; }
a=$(curl -s "$daily" | increases)
b=$(curl -s "$daily,p50" | increases)
[[ "$a" == "$b" ]] || { echo "roll-up and raw answers differ" >&2; exit 1; }
echo "answers equal: $(curl -s "$daily" | node -e 'const b=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log(b.series.length+" counters, "+b.rows+" daily buckets")')"
t() { curl -s -o /dev/null -w '%{time_total}\n' "$1"; }
ours=() raw=() power_t=()
for ((i = 0; i < runs; i++)); do  # alternate so drift hits both alike
  ours+=("$(t "$daily")")
  raw+=("$(t "$daily,p50")")
  power_t+=("$(t "$twa")")
done
o=$(printf '%s\n' "${ours[@]}" | median)
r=$(printf '%s\n' "${raw[@]}" | median)
printf '/api/history 30-day daily increase of the counters (tz=Europe/Berlin): %.3f s from roll-ups, %.3f s from raw rows, ratio %.1f  [median of %d]\n' \
  "$o" "$r" "$(echo "$r / $o" | bc -l)" "$runs"
printf '/api/history 30-day power chart (6h twa of the power meters): %.3f s  [median of %d]\n' \
  "$(printf '%s\n' "${power_t[@]}" | median)" "$runs"
