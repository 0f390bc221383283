# Clients that subscribe to sensor patterns get only the matching readings; others get all.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/web/web.sh"
start_ws_serve
# A: subscribes by message (MQTT-style); B: at connect time with ?sensor= (glob); C: everything;
# D: subscribes, then unsubscribes everything (back to all); E: subscribes and unsubscribes.
# Each ends (--until) with the last reading it should get of those below: two readings after
# the six tested ones (garden/end, home/end/temperature) end B, C, D and E; readings keep
# their order, so anything wrongly sent to a client shows up before its last one.
"$WSC" "$WS_URL" --send '{"subscribe":["home/kitchen/#"]}' --print --until '"sensor":"home/kitchen"' --timeout 60 >"$T/a.out" &
a=$!
"$WSC" "$WS_URL?sensor=garden/*" --print --until '"sensor":"garden/end"' --timeout 60 >"$T/b.out" &
b=$!
"$WSC" "$WS_URL" --print --until '"sensor":"home/end/temperature"' --timeout 60 >"$T/c.out" &
c=$!
"$WSC" "$WS_URL" --send '{"subscribe":["nothing/#"]}' --send '{"unsubscribe":"*"}' --print \
  --until '"sensor":"home/end/temperature"' --timeout 60 >"$T/d.out" &
d=$!
"$WSC" "$WS_URL" --send '{"subscribe":"home/+/temperature"}' --send '{"subscribe":["garden/soil"]}' \
  --send '{"unsubscribe":["garden/soil"]}' --print --until '"sensor":"home/end/temperature"' --timeout 60 >"$T/e.out" &
e=$!
SP_PIDS+=("$a" "$b" "$c" "$d" "$e")
wait_metric 'sensorpipe_ws_serve_clients{kind="websocket"}' 5
# Each subscription message is answered once applied, in order: wait for the last answers.
wait_text "$T/a.out" '{"subscribed":["home/kitchen/#"]}'
wait_text "$T/d.out" '{"subscribed":[]}'
wait_count "$T/e.out" '{"subscribed":' 3
for s in home/kitchen/temperature home/kitchen/light/level home/hall/temperature garden/soil other/x home/kitchen \
  garden/end home/end/temperature; do
  reading "$s" 1
done >&3
for pid in "$a" "$b" "$c" "$d" "$e"; do
  wait "$pid" || fail "a client did not get its last reading: $(tail -n 2 "$T"/[a-e].out)"
done
got() { grep -o '"sensor":"[^"]*"' "$1" | cut -d'"' -f4 | tr '\n' ' '; }
assert_eq "home/kitchen/temperature home/kitchen/light/level home/kitchen " "$(got "$T/a.out")" "home/kitchen/# subscriber"
assert_contains "$(cat "$T/a.out")" '{"subscribed":["home/kitchen/#"]}' "subscribe acknowledged"
assert_eq "garden/soil garden/end " "$(got "$T/b.out")" "?sensor=garden/* subscriber"
assert_eq "home/kitchen/temperature home/kitchen/light/level home/hall/temperature garden/soil other/x home/kitchen garden/end home/end/temperature " \
  "$(got "$T/c.out")" "unsubscribed client"
assert_eq "$(got "$T/c.out")" "$(got "$T/d.out")" "client that unsubscribed everything"
assert_eq "home/kitchen/temperature home/hall/temperature home/end/temperature " "$(got "$T/e.out")" "+ wildcard after unsubscribe"
pass "subscriptions filter readings per client"
