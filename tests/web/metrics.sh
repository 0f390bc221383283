# /metrics counts match the traffic: readings in and out, bad lines, clients by kind,
# commands and client errors; /healthz answers.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/web/web.sh"
start_ws_serve
assert_eq "ok" "$(curl -s "$HTTP_URL/healthz")" "/healthz"
"$WSC" "$WS_URL" --clients 3 --expect 40 --ready "$T/ready" --timeout 60 >"$T/clients.out" &
clients=$!
SP_PIDS+=("$clients")
curl -sN "$HTTP_URL/events" >"$T/sse.out" &
sse=$!
SP_PIDS+=("$sse")
poll_until 30 test -f "$T/ready" || fail "clients did not connect"
poll_until 30 metric_is 'sensorpipe_ws_serve_clients{kind="sse"}' 1 || true  # asserted below
assert_eq 3 "$(metric 'sensorpipe_ws_serve_clients{kind="websocket"}')" "WebSocket clients gauge"
assert_eq 1 "$(metric 'sensorpipe_ws_serve_clients{kind="sse"}')" "SSE clients gauge"
for i in $(seq 40); do reading "m/s$((i % 4))" "$i"; done >&3
printf '%s\n' '{"sensor":"bad"}' '[]' 'nope' >&3
wait "$clients" || fail "clients: $(cat "$T/clients.out")"
# Answered in order: the answer to 'junk' (the only error) comes last.
run "$WSC" "$WS_URL" --send '{"target":"x/set","value":1}' --send '{"target":"y/set","value":"on"}' --send 'junk' \
  --print --until '{"error":' --timeout 60
assert_eq 0 "$status" "the command client got every answer: $out"
wait_lines "$WS_OUT" 2
poll_until 30 metric_is 'sensorpipe_ws_serve_messages_out_total{kind="sse"}' 40 || true  # asserted below
assert_eq 40 "$(metric sensorpipe_ws_serve_messages_in_total)" "readings in"
assert_eq 3 "$(metric sensorpipe_ws_serve_bad_lines_total)" "bad lines"
assert_eq 120 "$(metric 'sensorpipe_ws_serve_messages_out_total{kind="websocket"}')" "readings out to 3 WebSocket clients"
assert_eq 40 "$(metric 'sensorpipe_ws_serve_messages_out_total{kind="sse"}')" "readings out to 1 SSE client"
assert_eq 4 "$(metric 'sensorpipe_ws_serve_connections_total{kind="websocket"}')" "WebSocket connections"
assert_eq 2 "$(metric sensorpipe_ws_serve_commands_total)" "commands"
assert_eq 3 "$(metric sensorpipe_ws_serve_client_messages_total)" "client messages"
assert_eq 1 "$(metric sensorpipe_ws_serve_client_errors_total)" "client errors"
assert_eq 0 "$(metric sensorpipe_ws_serve_dropped_messages_total)" "dropped"
assert_eq 2 "$(wc -l <"$WS_OUT")" "command lines on stdout"
body=$(curl -s -D "$T/headers" "$HTTP_URL/metrics")
assert_contains "$(cat "$T/headers")" "Content-Type: text/plain; version=0.0.4" "Prometheus content type"
assert_contains "$body" "# TYPE sensorpipe_ws_serve_messages_in_total counter" "TYPE line"
pass "/metrics counts match"
