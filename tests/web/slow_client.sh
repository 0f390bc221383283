# A client that never reads is dropped once its queue is full, while 10 others receive
# every reading and stdin keeps flowing; the drop is logged and counted.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/web/web.sh"
n=40000
start_ws_serve --client-queue 2M
"$WSC" "$WS_URL" --no-read --timeout 60 --wait-close >"$T/stuck.out" &
stuck=$!
"$WSC" "$WS_URL" --clients 10 --expect $n --ready "$T/ready" --timeout 60 >"$T/clients.out" &
clients=$!
for _ in $(seq 100); do [[ -f $T/ready ]] && break; sleep 0.1; done
for _ in $(seq 50); do (($(metric 'sensorpipe_ws_serve_clients{kind="websocket"}') == 11)) && break; sleep 0.1; done
# ~450-byte readings: 40,000 of them (18 MB) are far more than the stuck client's socket
# buffers and queue hold.
feed_load $n 400
wait "$clients" || fail "the 10 reading clients did not get all $n readings: $(cat "$T/clients.out")"
assert_contains "$(cat "$T/clients.out")" "client 9: $n readings" "tenth client"
assert_contains "$(cat "$T/clients.out")" "order ok" "order"
for _ in $(seq 100); do [[ $(metric sensorpipe_ws_serve_dropped_clients_total) == 1 ]] && break; sleep 0.1; done
assert_eq 1 "$(metric sensorpipe_ws_serve_dropped_clients_total)" "dropped clients"
dropped=$(metric sensorpipe_ws_serve_dropped_messages_total)
((dropped > 0)) || fail "no dropped messages counted"
assert_contains "$(cat "$WS_ERR")" "did not keep up (queue over 2097152 bytes)" "drop logged"
assert_eq $n "$(metric sensorpipe_ws_serve_messages_in_total)" "stdin readings"
kill "$stuck" 2>/dev/null || true
pass "a stuck client is dropped; 10 others got all $n readings"
