#!/usr/bin/env bash
# End-to-end latency: sensor-sim live at 1,000 readings/s -> mqtt-publish -> mosquitto ->
# mqtt-ingest -> db-store -> ws-serve -> a WebSocket client; median and p99 of
# (arrival at the client - the reading's ts). Goal: p99 under 5 ms.
# Without the MQTT tools in the build, measures sensor-sim -> db-store -> ws-serve instead (and says so).
#   bench/web/latency.sh [READINGS]
source "$(dirname "$0")/../lib.sh"
export NODE_PATH="$BENCH_ROOT/node_modules"
n=${1:-10000}
here="$BENCH_ROOT/bench/web"
port=$(free_port)
db="$BENCH_TMP/latency.db"
sim=(sensor-sim --sensor 'bench/s0:gauge:10ms' --sensor 'bench/s1:gauge:10ms' --sensor 'bench/s2:gauge:10ms'
  --sensor 'bench/s3:gauge:10ms' --sensor 'bench/s4:gauge:10ms' --sensor 'bench/s5:gauge:10ms'
  --sensor 'bench/s6:gauge:10ms' --sensor 'bench/s7:gauge:10ms' --sensor 'bench/s8:gauge:10ms'
  --sensor 'bench/s9:gauge:10ms' --duration $(((n + 3000) / 1000 + 5))s)
if command -v mqtt-publish >/dev/null && command -v mqtt-ingest >/dev/null && command -v mosquitto >/dev/null; then
  mport=$(free_port)
  printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\nmax_inflight_messages 0\n' "$mport" \
    >"$BENCH_TMP/mosquitto.conf"
  mosquitto -c "$BENCH_TMP/mosquitto.conf" 2>/dev/null &
  BENCH_PIDS+=("$!")
  sleep 0.5
  mqtt-ingest -b "mqtt://127.0.0.1:$mport" -t 'bench/#' | db-store -d "$db" |
    ws-serve --listen "127.0.0.1:$port" 2>/dev/null &
  BENCH_PIDS+=("$!")
  chain="sensor-sim -> mqtt-publish -> mosquitto -> mqtt-ingest -> db-store -> ws-serve"
  sleep 1
  "${sim[@]}" | mqtt-publish -b "mqtt://127.0.0.1:$mport" --topic '{sensor}' &
  BENCH_PIDS+=("$!")
else
  chain="sensor-sim -> db-store -> ws-serve (MQTT tools not built)"
  { sleep 1; "${sim[@]}"; } | db-store -d "$db" | ws-serve --listen "127.0.0.1:$port" 2>/dev/null &
  BENCH_PIDS+=("$!")
fi
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
echo "$chain, 1,000 readings/s:"
node "$here/latency_client.js" "ws://127.0.0.1:$port/ws" "$n" 2000
