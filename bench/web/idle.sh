#!/usr/bin/env bash
# Memory of ws-serve holding 10,000 idle WebSocket connections (goal: under 200 MiB),
# next to the reference node `ws` server holding the same.
#   bench/web/idle.sh [CONNECTIONS]
source "$(dirname "$0")/../lib.sh"
export NODE_PATH="$BENCH_ROOT/node_modules"
n=${1:-10000}
here="$BENCH_ROOT/bench/web"
ulimit -n "$(ulimit -Hn)"
measure() { # ours|node -> "RSS_MIB"
  local port dir server url
  port=$(free_port)
  dir=$(mktemp -d "$BENCH_TMP/idle.XXXX")
  if [[ $1 == ours ]]; then
    ws-serve --listen "127.0.0.1:$port" --max-clients $((n + 100)) </dev/null 2>/dev/null &
    url="ws://127.0.0.1:$port/ws"
  else
    mkfifo "$dir/in"
    node "$here/ref_server.js" "$port" <>"$dir/in" &  # read-write: its stdin never ends
    url="ws://127.0.0.1:$port/"
  fi
  server=$!
  BENCH_PIDS+=("$server")
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  local pid=$server
  node "$here/idle_client.js" "$url" "$n" "$dir/ready" &
  local client=$!
  for _ in $(seq 600); do [[ -f $dir/ready ]] && break; sleep 0.1; done
  [[ -f $dir/ready ]] || { echo "0"; kill "$client" "$server"; return; }
  sleep 1
  awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$pid/status"
  kill "$client" 2>/dev/null; wait "$client" 2>/dev/null || true
  kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true
}
ours=$(measure ours)
peer=$(measure node)
printf 'idle: %d WebSocket connections held: ws-serve %s MiB RSS, node ws %s MiB RSS, ratio %.2f\n' \
  "$n" "$ours" "$peer" "$(echo "$ours / $peer" | bc -l)"
