# The broker is stopped and restarted mid-stream (persistence on): mqtt-publish and
# mqtt-ingest --persistent recover on their own, resubscribe, and nothing is lost at QoS 1.
# Run at MQTT 3.1.1 and (mqtt.broker_restart_v5) at 5.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/mqtt/lib.sh"
start_mosquitto
N=10000
start_ingest in -t 'br/#' -q 1 --persistent -i br-ingest
start_paced_publisher br/a $N 500
pub=$PUB_PID
wait_lines "$T/in.out" 1000 30
kill -TERM "$MQTT_PID"
wait "$MQTT_PID" 2>/dev/null || true
sleep 2
restart_mosquitto
wait "$pub" || fail "mqtt-publish failed: $(cat "$T/pub.err")"
wait_seqs $N '"seq":' "$T/in.out"
dups=$(check_seqs "$T/in.out" $N "after the broker restart")
kill -TERM "$INGEST_PID"
wait "$INGEST_PID" || fail "mqtt-ingest exit status after SIGTERM"
assert_contains "$(cat "$T/pub.err")" "lost; reconnecting" "mqtt-publish logged the loss"
assert_eq 2 "$(grep -c 'connected to' "$T/pub.err")" "mqtt-publish reconnected"
assert_contains "$(cat "$T/in.err")" "lost; reconnecting" "mqtt-ingest logged the loss"
assert_eq 2 "$(grep -c 'connected to' "$T/in.err")" "mqtt-ingest reconnected"
assert_broker_protocol br-ingest
assert_broker_protocol
pass "both programs rode out a broker restart; $N messages, $dups duplicates (MQTT $MQTT_PROTOCOL)"

# Without broker persistence and without --persistent the subscription is gone after the
# restart: mqtt-ingest must resubscribe by itself.
kill -TERM "$MQTT_PID"; wait "$MQTT_PID" 2>/dev/null || true
sed -i 's/^persistence true/persistence false/' "$MQTT_CONF"
restart_mosquitto
start_ingest re -t 're/#' -q 1
kill -TERM "$MQTT_PID"; wait "$MQTT_PID" 2>/dev/null || true
restart_mosquitto
# QoS 0 below: published before the resubscription, it would be gone. (Back-off: 1 s, 2 s, ...)
wait_count "$T/re.err" "connected to" 2 60
echo '{"sensor":"re/x","value":1}' | publish --topic '{sensor}'
wait_lines "$T/re.out" 1 10
pass "mqtt-ingest resubscribed after a restart that lost the session"
