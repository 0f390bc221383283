# MQTT's limits are checked before publishing: a line whose topic would be over 65,535
# bytes, hold a wildcard or a NUL character is bad input (stderr names its line) and the
# lines after it are still published; a topic of exactly 65,535 bytes goes through. Paho
# used to send a 70,000-byte topic with its length wrapped to 16 bits (a malformed PUBLISH
# whose acknowledgement never came, so mqtt-publish never exited).
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/mqtt/lib.sh"
start_mosquitto
start_ingest sub -t '#' -q 1 -C 3

long() { head -c "$1" /dev/zero | tr '\0' "$2"; }
{
  echo '{"sensor":"pl/first","value":1}'
  echo "{\"sensor\":\"$(long 70000 a)\",\"value\":2}"
  echo "{\"sensor\":\"$(long 65536 b)\",\"value\":3}"
  echo '{"sensor":"pl/+/x","value":4}'
  echo '{"sensor":"pl/nul\u0000x","value":5}'
  echo "{\"sensor\":\"$(long 65535 c)\",\"value\":6}"
  echo '{"sensor":"pl/last","value":7}'
} >"$T/in"
run timeout 60 mqtt-publish -b "$MQTT_URL" "${PROTO[@]}" -q 1 --topic '{sensor}' "$T/in"
assert_eq 0 "$status" "mqtt-publish exit status (124: it hung) [$err]"
assert_contains "$err" "mqtt-publish: $T/in: line 2: topic of 70000 bytes is over MQTT's limit of 65535 bytes" "70,000 bytes"
assert_contains "$err" "mqtt-publish: $T/in: line 3: topic of 65536 bytes is over MQTT's limit of 65535 bytes" "65,536 bytes"
assert_contains "$err" "mqtt-publish: $T/in: line 4: topic \"pl/+/x\" contains the wildcard '+'" "wildcard"
assert_contains "$err" "mqtt-publish: $T/in: line 5: topic \"pl/nul\\x00x\" contains a NUL character" "NUL"
assert_eq 4 "$(grep -c ': line [0-9]*: ' <<<"$err")" "bad lines reported"

wait "$INGEST_PID" || fail "mqtt-ingest exited with $?: $(cat "$T/sub.err")"
got=$(sed 's/"ts":"[^"]*",//' "$T/sub.out")
assert_eq "{\"sensor\":\"pl/first\",\"value\":1}
{\"sensor\":\"$(long 65535 c)\",\"value\":6}
{\"sensor\":\"pl/last\",\"value\":7}" "$got" "what the subscriber got"
pass "over-long, wildcard and NUL topics are bad lines; a 65,535-byte topic and the rest arrive (MQTT $MQTT_PROTOCOL)"

# The same rules for the topics given as options: a usage error before connecting.
run mqtt-publish -b "$MQTT_URL" --topic 'pl/#' </dev/null
assert_eq 2 "$status" "exit status of --topic with a wildcard"
assert_contains "$err" "mqtt-publish: error: --topic: topic \"pl/#\" contains the wildcard '#'" "--topic's report"
for prog in mqtt-publish mqtt-ingest; do
  args=(--topic x)
  [[ $prog == mqtt-ingest ]] && args=(-t x)
  run "$prog" -b "$MQTT_URL" "${args[@]}" --will-topic 'pl/+/gone' </dev/null
  assert_eq 2 "$status" "$prog exit status of --will-topic with a wildcard"
  assert_contains "$err" "$prog: error: --will-topic: topic \"pl/+/gone\" contains the wildcard '+'" "$prog --will-topic's report"
done
pass "--topic and --will-topic that break the rules are usage errors"
