# A client that never reads is dropped once its queue is full, while 10 others receive
# every reading and stdin keeps flowing; the drop is logged and counted.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/web/web.sh"
n=40000
start_ws_serve --client-queue 2M
"$WSC" "$WS_URL" --no-read --timeout 100 --wait-close >"$T/stuck.out" &
stuck=$!
SP_PIDS+=("$stuck")
start_readers $n
# ~450-byte readings: 40,000 of them (18 MB) are far more than the stuck client's socket
# buffers and queue hold.
feed_load $n 400
check_readers $n
wait_metric sensorpipe_ws_serve_dropped_clients_total 1
dropped=$(metric sensorpipe_ws_serve_dropped_messages_total)
((dropped > 0)) || fail "no dropped messages counted"
assert_contains "$(cat "$WS_ERR")" "did not keep up (queue over 2097152 bytes)" "drop logged"
assert_eq $n "$(metric sensorpipe_ws_serve_messages_in_total)" "stdin readings"
pass "a stuck client is dropped; 10 others got all $n readings"
