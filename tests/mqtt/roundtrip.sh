# Every payload form goes mqtt-publish -> broker -> mqtt-ingest and comes out as the
# reading a user expects; bad payloads and bad input lines are reported and skipped
# while the stream goes on. Run at MQTT 3.1.1 and (mqtt.roundtrip_v5) with both programs at 5.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/mqtt/lib.sh"
start_mosquitto
start_ingest rt -t 'rt/#' -C 9 --topic-fields 'rt/{room}/{kind}' --max-payload 200

# JSON objects, whole line as payload (the default).
printf '%s\n' '{"sensor":"rt/kitchen/temperature","value":21.5,"unit":"C","ts":"2026-11-22T10:00:00Z","seq":1}' \
  'not json' '{"nosensor":1}' '{"sensor":"rt/hall/power","value":true,"seq":2}' >"$T/in1"
run publish --topic '{sensor}' <"$T/in1"
assert_eq 0 "$status" "mqtt-publish exit status with bad lines"
assert_contains "$err" "mqtt-publish: line 2: " "bad JSON line reported"
assert_contains "$err" 'mqtt-publish: line 3: no "sensor" field for --topic' "missing field reported"

# Bare payloads with --payload field:NAME and value.
printf '%s\n' '{"room":"a","p":"42.25"}' '{"room":"b","p":"on"}' '{"room":"c","p":"OFF"}' '{"room":"d","p":"door open"}' \
  | publish --topic 'rt/{room}/x' --payload field:p
echo '{"sensor":"rt/e/x","value":7}' | publish --topic '{sensor}' --payload value
# Bad payloads straight from mosquitto_pub: invalid JSON, binary, too big, array; then a good one.
mosquitto_pub -p "$MQTT_PORT" -q 1 -t rt/bad/json -m '{"value":'
printf '\x00\x01\xff' | mosquitto_pub -p "$MQTT_PORT" -q 1 -t rt/bad/bin -s
head -c 300 /dev/zero | tr '\0' 'x' | mosquitto_pub -p "$MQTT_PORT" -q 1 -t rt/bad/huge -s
mosquitto_pub -p "$MQTT_PORT" -q 1 -t rt/bad/array -m '[1,2]'
mosquitto_pub -p "$MQTT_PORT" -q 1 -t rt/f/x -m '"quoted text"'
mosquitto_pub -p "$MQTT_PORT" -q 1 -t rt/g/x -m '{"id":"x","value":"standby"}'

wait "$INGEST_PID" || fail "mqtt-ingest exited with $?"
out=$(cat "$T/rt.out")
err=$(cat "$T/rt.err")
assert_eq 9 "$(wc -l <"$T/rt.out")" "readings out (9 good messages)"
assert_contains "$out" '{"sensor":"rt/kitchen/temperature","ts":"2026-11-22T10:00:00.000Z","value":21.5,"unit":"C","kind":"temperature","room":"kitchen","seq":1}' "JSON object merged with topic fields"
assert_contains "$out" '"sensor":"rt/hall/power",' "boolean JSON reading"
assert_contains "$out" '"value":true,"kind":"power","room":"hall","seq":2}' "boolean JSON value"
assert_contains "$out" '"sensor":"rt/a/x",' "number payload sensor from topic"
assert_contains "$out" '"value":42.25,"kind":"x","room":"a"}' "bare number"
assert_contains "$out" '"value":true,"kind":"x","room":"b"}' "on"
assert_contains "$out" '"value":false,"kind":"x","room":"c"}' "OFF"
assert_contains "$out" '"value":"door open","kind":"x","room":"d"}' "text"
assert_contains "$out" '"value":7,"kind":"x","room":"e"}' "--payload value"
assert_contains "$out" '"value":"quoted text","kind":"x","room":"f"}' "JSON string"
assert_contains "$err" "on rt/bad/json: invalid JSON payload" "invalid JSON reported"
assert_contains "$err" "on rt/bad/bin: binary payload (3 bytes) skipped" "binary reported"
assert_contains "$err" "on rt/bad/huge: payload of 300 bytes is over the limit" "huge reported"
assert_contains "$err" "on rt/bad/array: a JSON array is not a reading" "array reported"
assert_contains "$err" "mqtt-ingest: 4 bad messages skipped" "summary"
# Every output line is a reading our own parser accepts.
while IFS= read -r line; do
  [[ $line == '{"sensor":"'* && $line == *'"ts":"'*'Z",'* ]] || fail "not a canonical reading: $line"
done <"$T/rt.out"
pass "payload forms round trip; bad payloads and lines reported, stream went on (MQTT $MQTT_PROTOCOL)"

# --meta and --sensor-field
start_ingest meta -t 'm/#' -C 1 --meta --sensor-field id
mosquitto_pub -p "$MQTT_PORT" -q 1 -t m/1 -m '{"id":"dev-9","value":3}'
wait "$INGEST_PID" || fail "mqtt-ingest --meta exited with $?"
assert_contains "$(cat "$T/meta.out")" '"sensor":"dev-9",' "--sensor-field"
assert_contains "$(cat "$T/meta.out")" '"value":3,"id":"dev-9","topic":"m/1","qos":1,"retain":false}' "--meta"

assert_broker_protocol

# -W: -C not reached in time is exit 1 with a message (retained messages: retained.sh).
run mqtt-ingest -b "$MQTT_URL" "${PROTO[@]}" -t 'quiet/#' -C 1 -W 1s
assert_eq 1 "$status" "-C not reached within -W"
assert_eq "" "$out" "-W output"
assert_contains "$err" "timed out after 1000 ms with 0 of 1 readings" "-W message"
pass "--meta, --sensor-field, -W (MQTT $MQTT_PROTOCOL)"
