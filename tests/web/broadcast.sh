# Every stdin reading reaches every WebSocket client, in order, and every SSE client
# with "id:" lines; bad stdin lines are reported and not broadcast.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/web/web.sh"
start_ws_serve
"$WSC" "$WS_URL" --clients 25 --expect 500 --ready "$T/ready" --timeout 60 >"$T/clients.out" &
clients=$!
SP_PIDS+=("$clients")
curl -sN "$HTTP_URL/events" >"$T/sse.out" &
sse=$!
SP_PIDS+=("$sse")
poll_until 30 test -f "$T/ready" || fail "clients did not connect"
# ws-serve registers an SSE client before it writes the stream's first bytes.
poll_until 30 test -s "$T/sse.out" || fail "the SSE client did not connect"
for i in $(seq 500); do
  reading "home/room$((i % 7))/temperature" "$i.5" '"unit":"°C"'
  ((i == 250)) && echo 'this is not json'
done >&3
wait "$clients" || fail "not every client got 500 readings: $(head -3 "$T/clients.out") $(cat "$WS_ERR"); $(curl -s $HTTP_URL/metrics | grep -v "#")"
out=$(cat "$T/clients.out")
assert_contains "$out" "client 24: 500 readings" "the 25th client"
assert_contains "$out" "order ok" "every client saw the same order"
wait_count "$T/sse.out" 'data: {"sensor"' 500
sse_ids=$(grep -c '^id: ' "$T/sse.out")
assert_eq 500 "$sse_ids" "SSE events with id: lines"
assert_eq 500 "$(grep -c '^data: {"sensor"' "$T/sse.out")" "SSE data lines"
assert_contains "$(grep '^data:' "$T/sse.out" | sed -n 3p)" '"value":3.5' "third SSE event"
assert_contains "$(cat "$WS_ERR")" "ws-serve: line 251: invalid JSON" "bad line diagnostic"
pass "500 readings to 25 WebSocket clients and 1 SSE client"
