# Clients that subscribe to sensor patterns get only the matching readings; others get all.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/web/web.sh"
start_ws_serve
# A: subscribes by message (MQTT-style); B: at connect time with ?sensor= (glob); C: everything;
# D: subscribes, then unsubscribes everything (back to all).
"$WSC" "$WS_URL" --send '{"subscribe":["home/kitchen/#"]}' --print --timeout 8 >"$T/a.out" &
a=$!
"$WSC" "$WS_URL?sensor=garden/*" --print --timeout 8 >"$T/b.out" &
b=$!
"$WSC" "$WS_URL" --print --timeout 8 >"$T/c.out" &
c=$!
"$WSC" "$WS_URL" --send '{"subscribe":["nothing/#"]}' --send '{"unsubscribe":"*"}' --print --timeout 8 >"$T/d.out" &
d=$!
"$WSC" "$WS_URL" --send '{"subscribe":"home/+/temperature"}' --send '{"subscribe":["garden/soil"]}' \
  --send '{"unsubscribe":["garden/soil"]}' --print --timeout 8 >"$T/e.out" &
e=$!
for _ in $(seq 100); do
  (($(metric 'sensorpipe_ws_serve_clients{kind="websocket"}') == 5)) && break
  sleep 0.1
done
sleep 0.5  # let the subscribe messages arrive (each is answered before any reading below)
for s in home/kitchen/temperature home/kitchen/light/level home/hall/temperature garden/soil other/x home/kitchen; do
  reading "$s" 1
done >&3
sleep 1.5
got() { grep -o '"sensor":"[^"]*"' "$1" | cut -d'"' -f4 | tr '\n' ' '; }
assert_eq "home/kitchen/temperature home/kitchen/light/level home/kitchen " "$(got "$T/a.out")" "home/kitchen/# subscriber"
assert_contains "$(cat "$T/a.out")" '{"subscribed":["home/kitchen/#"]}' "subscribe acknowledged"
assert_eq "garden/soil " "$(got "$T/b.out")" "?sensor=garden/* subscriber"
assert_eq "home/kitchen/temperature home/kitchen/light/level home/hall/temperature garden/soil other/x home/kitchen " \
  "$(got "$T/c.out")" "unsubscribed client"
assert_eq "$(got "$T/c.out")" "$(got "$T/d.out")" "client that unsubscribed everything"
assert_eq "home/kitchen/temperature home/hall/temperature " "$(got "$T/e.out")" "+ wildcard after unsubscribe"
pass "subscriptions filter readings per client"
