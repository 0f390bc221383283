# Commands from WebSocket clients come out on stdout as JSON lines with the client's id
# and a timestamp; anything invalid is answered with an error and never reaches stdout.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/web/web.sh"
start_ws_serve --allow-target 'home/+/set' --allow-target 'lab/#'
# The last message is a subscription: messages are answered in order, so its answer ends
# the client (--until) once every message before it has been answered.
"$WSC" "$WS_URL" --print --until '"subscribed":["end/of/test"]' --timeout 60 \
  --send '{"target":"home/led/set","value":0.9}' \
  --send '{"target":"lab/relay","value":true,"note":"from a test","ts":"1999-01-01T00:00:00Z","client":"forged"}' \
  --send 'not json' \
  --send '{"target":"home/led/set"}' \
  --send '{"value":1}' \
  --send '{"target":"home/#","value":1}' \
  --send '{"target":"home/led/set","value":[1,2]}' \
  --send '{"target":"garage/door/set","value":"open"}' \
  --send '[1,2,3]' \
  --send '{"target":"home/led/set","value":0.25}' \
  --send '{"subscribe":"end/of/test"}' >"$T/client.out" || fail "not every message was answered: $(cat "$T/client.out")"
wait_lines "$WS_OUT" 3
out=$(cat "$WS_OUT")
assert_eq 3 "$(wc -l <"$WS_OUT")" "command lines on stdout (and nothing else)"
line1=$(sed -n 1p "$WS_OUT")
assert_contains "$line1" '{"target":"home/led/set","value":0.9,"client":"ws-' "first command"
[[ $line1 =~ \"ts\":\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\"\}$ ]] || fail "first command has no server timestamp: $line1"
line2=$(sed -n 2p "$WS_OUT")
assert_contains "$line2" '"target":"lab/relay","value":true,"note":"from a test","client":"ws-' "extra fields kept"
assert_not_contains "$line2" "forged" "client cannot set its own id"
assert_not_contains "$line2" "1999" "client cannot set the timestamp"
assert_contains "$(sed -n 3p "$WS_OUT")" '"value":0.25' "third command"
client=$(cat "$T/client.out")
assert_eq 3 "$(grep -c '"ok":"command"' <<<"$client")" "commands acknowledged"
assert_eq 7 "$(grep -c '"error"' <<<"$client")" "errors answered"
assert_contains "$client" '{"error":"missing \"value\""}' "missing value"
assert_contains "$client" 'wildcards' "wildcard target"
assert_contains "$client" 'is not allowed (--allow-target)' "target outside --allow-target"
assert_contains "$client" 'expected an object' "array message"
# Every command line is valid JSON a downstream program can parse.
while read -r l; do node -e 'JSON.parse(process.argv[1])' "$l" || fail "not JSON: $l"; done <"$WS_OUT"
assert_eq 7 "$(metric sensorpipe_ws_serve_client_errors_total)" "client errors counted"
assert_eq 3 "$(metric sensorpipe_ws_serve_commands_total)" "commands counted"
pass "commands to stdout, invalid messages answered and not forwarded"
