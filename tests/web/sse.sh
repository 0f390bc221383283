# Server-Sent Events with curl -N: text/event-stream, id: lines, keep-alive comments,
# subscription by ?sensor=, and catch-up after a reconnect with Last-Event-ID.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/web/web.sh"
start_ws_serve --keepalive 200ms
curl -sN -D "$T/headers" "$HTTP_URL/events" >"$T/all.out" &
all=$!
curl -sN "$HTTP_URL/events?sensor=home/%23" >"$T/home.out" &
home=$!
SP_PIDS+=("$all" "$home")
wait_metric 'sensorpipe_ws_serve_clients{kind="sse"}' 2
for i in 1 2 3 4 5 6; do reading "$([[ $((i % 2)) == 0 ]] && echo home/t || echo garden/t)" "$i"; done >&3
# (Counting events, not lines: keep-alive comments come in between.)
wait_count "$T/all.out" 'data: {"sensor"' 6
assert_contains "$(cat "$T/headers")" "Content-Type: text/event-stream" "content type"
assert_contains "$(cat "$T/headers")" "Cache-Control: no-cache" "no caching"
assert_eq "id: 1 id: 2 id: 3 id: 4 id: 5 id: 6 " "$(grep '^id:' "$T/all.out" | tr '\n' ' ')" "ids"
assert_contains "$(sed -n '/^id: 3$/{n;p}' "$T/all.out")" '"sensor":"garden/t"' "data follows its id"
assert_contains "$(sed -n '/^id: 3$/{n;p}' "$T/all.out")" '"value":3' "data follows its id"
wait_text "$T/all.out" ": keepalive"  # every 200 ms
wait_count "$T/home.out" 'data: {"sensor"' 3
assert_eq "id: 2 id: 4 id: 6 " "$(grep '^id:' "$T/home.out" | tr '\n' ' ')" "?sensor=home/# ids"
# Reconnect as EventSource does: Last-Event-ID 4 gets 5 and 6 again, then new ones.
curl -sN -H 'Last-Event-ID: 4' "$HTTP_URL/events" >"$T/again.out" &
again=$!
SP_PIDS+=("$again")
# The catch-up is written when the client is registered for live readings (same step).
wait_text "$T/again.out" "id: 6"
reading home/t 7 >&3
wait_count "$T/again.out" 'data: {"sensor"' 3
sleep 0.3  # (nothing more is fed: anything else would be an error)
assert_eq "id: 5 id: 6 id: 7 " "$(grep '^id:' "$T/again.out" | tr '\n' ' ')" "catch-up after Last-Event-ID: 4"
kill "$all" "$home" "$again" 2>/dev/null || true
poll_until 30 metric_is 'sensorpipe_ws_serve_clients{kind="sse"}' 0 || true  # asserted below
assert_eq 0 "$(metric 'sensorpipe_ws_serve_clients{kind="sse"}')" "disconnected SSE clients are noticed"
pass "SSE stream with ids, keep-alives, filtering and catch-up"
