# --max-clients holds however many clients connect at once: 1,000 simultaneous WebSocket
# handshakes and SSE requests against --max-clients 100 get exactly 100 in, the rest a 503,
# and the server's own gauges agree.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/web/web.sh"
ulimit -n "$(ulimit -Hn)"  # a thousand sockets on each side
start_ws_serve --max-clients 100
node "$SP_SRC/tests/web/flood.js" "127.0.0.1:$WS_PORT" --ws 700 --sse 300 --hold-until "$T/release" \
  >"$T/flood.out" 2>&1 &
flood=$!
SP_PIDS+=("$flood")
wait_lines "$T/flood.out" 2 120
out=$(cat "$T/flood.out")
ws_open=$(sed -n 's/^websocket open \([0-9]*\) refused \([0-9]*\)$/\1/p' <<<"$out")
ws_refused=$(sed -n 's/^websocket open \([0-9]*\) refused \([0-9]*\)$/\2/p' <<<"$out")
sse_open=$(sed -n 's/^sse open \([0-9]*\) refused \([0-9]*\)$/\1/p' <<<"$out")
sse_refused=$(sed -n 's/^sse open \([0-9]*\) refused \([0-9]*\)$/\2/p' <<<"$out")
assert_not_contains "$out" "other" "every connection opened or got a 503"
assert_eq 100 "$((ws_open + sse_open))" "clients let in ($out)"
assert_eq 900 "$((ws_refused + sse_refused))" "clients refused ($out)"
gauges=$(($(metric 'sensorpipe_ws_serve_clients{kind="websocket"}') + $(metric 'sensorpipe_ws_serve_clients{kind="sse"}')))
assert_eq 100 "$gauges" "clients the server counts"
touch "$T/release"
wait "$flood" || fail "the flood client failed: $(cat "$T/flood.out")"
# Once they are gone, new clients are let in again.
wait_metric 'sensorpipe_ws_serve_clients{kind="websocket"}' 0
wait_metric 'sensorpipe_ws_serve_clients{kind="sse"}' 0
"$WSC" "$WS_URL" --until '"hello"' --timeout 30 >/dev/null || fail "a client was refused after the others left"
pass "--max-clients 100 held against 1,000 simultaneous clients ($ws_open WebSocket, $sse_open SSE in)"
