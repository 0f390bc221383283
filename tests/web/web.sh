# Helpers for ws-serve tests (source after tests/lib/common.sh).
#   start_ws_serve [options...]   starts ws-serve on a free port with stdin from a fifo held
#                                 open on fd 3; sets WS_PORT, WS_PID, WS_URL, HTTP_URL, WS_ERR, WS_OUT
#   feed LINE...                  writes lines to its stdin
#   "$WSC" ARGS...                the node WebSocket client (tests/web/wsclient.js)
export NODE_PATH="$SP_SRC/node_modules"
[[ -d $NODE_PATH/ws ]] || fail "node_modules missing: run scripts/deps.sh"

start_ws_serve() {
  local n=${WS_N:-0}
  WS_N=$((n + 1))
  WS_IN="$T/ws-in-$n"
  WS_OUT="$T/ws-out-$n"
  WS_ERR="$T/ws-err-$n"
  rm -f "$WS_IN"
  mkfifo "$WS_IN"
  # Opened read-write first, so neither side blocks; ws-serve must not inherit fd 3,
  # or closing it here would not end its stdin.
  exec 3<>"$WS_IN"
  # (Not sp_spawn: a background function call would get /dev/null as stdin.)
  ws-serve --listen "127.0.0.1:${WS_LISTEN_PORT:-0}" "$@" <"$WS_IN" >"$WS_OUT" 2>"$WS_ERR" 3>&- &
  WS_PID=$!
  SP_PIDS+=("$WS_PID")
  local i
  for i in $(seq 300); do
    WS_PORT=$(sed -n 's/.*serving https\{0,1\}:\/\/127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$WS_ERR" | head -1)
    [[ -n $WS_PORT ]] && break
    kill -0 "$WS_PID" 2>/dev/null || fail "ws-serve did not start: $(cat "$WS_ERR")"
    sleep 0.1
  done
  [[ -n $WS_PORT ]] || fail "ws-serve did not report its port: $(cat "$WS_ERR")"
  WS_URL="ws://127.0.0.1:$WS_PORT/ws"
  HTTP_URL="http://127.0.0.1:$WS_PORT"
}

feed() { printf '%s\n' "$@" >&3; }

# feed_load N PAD: N readings of sensors load/s0..9 with values 1..N, each padded by a
# PAD-character field, fed to ws-serve in slices of 1,000 (so that reading clients, all in
# one node process, never lag by a whole queue).
feed_load() {
  local n=$1 pad i
  pad=$(printf "%0${2}d" 0)
  for i in $(seq "$n"); do
    printf '{"sensor":"load/s%d","value":%d,"pad":"%s"}\n' $((i % 10)) "$i" "$pad"
    ((i % 1000)) || sleep 0.15
  done >&3
}

# The slow-client tests: 10 WebSocket clients that must each get all N readings in order
# while one more (already connected) misbehaves. start_readers N waits until the server
# counts all 11; check_readers N waits for the 10 and checks what they got.
start_readers() {
  "$WSC" "$WS_URL" --clients 10 --expect "$1" --ready "$T/ready" --timeout 100 >"$T/clients.out" &
  READERS_PID=$!
  SP_PIDS+=("$READERS_PID")
  poll_until 30 test -f "$T/ready" || fail "clients did not connect"
  wait_metric 'sensorpipe_ws_serve_clients{kind="websocket"}' 11
}
check_readers() {
  wait "$READERS_PID" || fail "the 10 reading clients did not get all $1 readings: $(cat "$T/clients.out")"
  assert_contains "$(cat "$T/clients.out")" "client 9: $1 readings" "tenth client"
  assert_contains "$(cat "$T/clients.out")" "order ok" "order"
}

# Stops ws-serve with SIGTERM and waits; sets WS_STATUS.
stop_ws_serve() {
  exec 3>&-
  kill -TERM "$WS_PID" 2>/dev/null || true
  set +e
  wait "$WS_PID"
  WS_STATUS=$?
  set -e
}

# The client is run as its own process (not a shell function), so $! is its PID and
# killing it ends it.
WSC="$SP_SRC/tests/web/wsclient.js"

# A reading line: reading SENSOR VALUE [extra json members]
reading() { printf '{"sensor":"%s","value":%s%s}\n' "$1" "$2" "${3:+,$3}"; }

# j EXPR: evaluates a JavaScript expression over the JSON document on stdin (as `b`)
# and prints the result as JSON, e.g. j 'b.series[0].unit' <<<"$body".
j() { node -e "const b=JSON.parse(require('fs').readFileSync(0,'utf8'));console.log(JSON.stringify(eval(process.argv[1])))" "$1"; }
metric() { # metric NAME[{labels}] -> value
  curl -s "${METRICS_AUTH[@]}" "$HTTP_URL/metrics" | awk -v m="$1" '$1 == m { print $2 }'
}
# api_has URL TEXT [curl options...]: URL/api/sensors contains TEXT (for poll_until).
api_has() { curl -s "${@:3}" "$1/api/sensors" | grep -qF -- "$2"; }
metric_is() { [[ $(metric "$1") == "$2" ]]; }
# wait_metric NAME[{labels}] VALUE [SECONDS]: waits (default 30 s) until the metric has that
# value, e.g. until ws-serve has registered the clients a test is about to feed.
wait_metric() {
  poll_until "${3:-30}" metric_is "$1" "$2" || fail "metric $1 is $(metric "$1"), expected $2"
}
METRICS_AUTH=()
