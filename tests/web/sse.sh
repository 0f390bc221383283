# Server-Sent Events with curl -N: text/event-stream, id: lines, keep-alive comments,
# subscription by ?sensor=, and catch-up after a reconnect with Last-Event-ID.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/web/web.sh"
start_ws_serve --keepalive 200ms
timeout 10 curl -sN -D "$T/headers" "$HTTP_URL/events" >"$T/all.out" &
all=$!
timeout 10 curl -sN "$HTTP_URL/events?sensor=home/%23" >"$T/home.out" &
home=$!
for _ in $(seq 50); do (($(metric 'sensorpipe_ws_serve_clients{kind="sse"}') == 2)) && break; sleep 0.1; done
for i in 1 2 3 4 5 6; do reading "$([[ $((i % 2)) == 0 ]] && echo home/t || echo garden/t)" "$i"; done >&3
wait_lines "$T/all.out" 18
assert_contains "$(cat "$T/headers")" "Content-Type: text/event-stream" "content type"
assert_contains "$(cat "$T/headers")" "Cache-Control: no-cache" "no caching"
assert_eq "id: 1 id: 2 id: 3 id: 4 id: 5 id: 6 " "$(grep '^id:' "$T/all.out" | tr '\n' ' ')" "ids"
assert_contains "$(sed -n '/^id: 3$/{n;p}' "$T/all.out")" '"sensor":"garden/t"' "data follows its id"
assert_contains "$(sed -n '/^id: 3$/{n;p}' "$T/all.out")" '"value":3' "data follows its id"
sleep 0.6
assert_contains "$(cat "$T/all.out")" ": keepalive" "keep-alive comments"
wait_lines "$T/home.out" 9
assert_eq "id: 2 id: 4 id: 6 " "$(grep '^id:' "$T/home.out" | tr '\n' ' ')" "?sensor=home/# ids"
# Reconnect as EventSource does: Last-Event-ID 4 gets 5 and 6 again, then new ones.
timeout 3 curl -sN -H 'Last-Event-ID: 4' "$HTTP_URL/events" >"$T/again.out" &
again=$!
for _ in $(seq 50); do grep -q '^id: 6' "$T/again.out" 2>/dev/null && break; sleep 0.1; done
reading home/t 7 >&3
wait_lines "$T/again.out" 6
sleep 0.3
assert_eq "id: 5 id: 6 id: 7 " "$(grep '^id:' "$T/again.out" | tr '\n' ' ')" "catch-up after Last-Event-ID: 4"
kill "$all" "$home" "$again" 2>/dev/null || true
for _ in $(seq 50); do (($(metric 'sensorpipe_ws_serve_clients{kind="sse"}') == 0)) && break; sleep 0.1; done
assert_eq 0 "$(metric 'sensorpipe_ws_serve_clients{kind="sse"}')" "disconnected SSE clients are noticed"
pass "SSE stream with ids, keep-alives, filtering and catch-up"
