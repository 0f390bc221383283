# Retained messages: mqtt-ingest emits a topic's retained value when it subscribes
# ("retain":true under --meta); with --no-retained it skips that value but still emits
# live messages, also those published with the retain flag. Run at MQTT 3.1.1, where
# mqtt-ingest drops what the broker sends, and (mqtt.retained_v5) at 5, where it asks the
# broker not to send retained messages at all (subscription option "retain handling 2").
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/mqtt/lib.sh"
start_mosquitto "log_type all"  # the broker logs every PUBLISH it sends, with its retain flag
broker_log="$(dirname "$MQTT_CONF")/mosquitto.log"
mosquitto_pub -p "$MQTT_PORT" -q 1 -r -t ret/a -m 5

# Runs mqtt-ingest -C 2 --meta on 'ret/#' as client ret-NAME (more options after NAME)
# while the lines on stdin are published one by one ("retain JSON": with --retain); once
# it has exited 0, writes its readings without "sensor" and "ts" (time of arrival) to
# $T/NAME.got.
ingest_while_publishing() {
  local name=$1 line retain
  shift
  start_ingest "$name" -t 'ret/#' -q 1 --meta -C 2 -i "ret-$name" "$@"
  while read -r line; do
    retain=()
    [[ $line == "retain "* ]] && retain=(--retain) && line=${line#retain }
    echo "$line" | publish --qos 1 "${retain[@]}" --topic '{sensor}'
  done
  wait "$INGEST_PID" || fail "mqtt-ingest $* -C 2 exited with $?: $(cat "$T/$name.err")"
  sed 's/^{.*"ts":"[^"]*",/{/' "$T/$name.out" >"$T/$name.got"
}

ingest_while_publishing all <<<'{"sensor":"ret/b","value":6}'
assert_eq '{"value":5,"topic":"ret/a","qos":1,"retain":true}
{"value":6,"topic":"ret/b","qos":1,"retain":false}' "$(cat "$T/all.got")" \
  "by default: the retained value, then the live one"
pass "the retained value is emitted by default (MQTT $MQTT_PROTOCOL)"

ingest_while_publishing live --no-retained <<'END'
retain {"sensor":"ret/b","value":7}
{"sensor":"ret/c","value":8}
END
assert_eq '{"value":7,"topic":"ret/b","qos":1,"retain":false}
{"value":8,"topic":"ret/c","qos":1,"retain":false}' "$(cat "$T/live.got")" \
  "--no-retained: only the live messages"
pass "--no-retained skips the retained value, live messages still come (MQTT $MQTT_PROTOCOL)"

# Who dropped it: the broker (MQTT 5 subscription option) or mqtt-ingest (3.1.1).
sent="Sending PUBLISH to ret-live (d0, q1, r1, m[0-9]*, 'ret/a'"
grep -q "Sending PUBLISH to ret-all (d0, q1, r1, m[0-9]*, 'ret/a'" "$broker_log" ||
  fail "the broker log does not show the retained message sent to ret-all"
if [[ $MQTT_PROTOCOL == 5 ]]; then
  ! grep -q "$sent" "$broker_log" || fail "--no-retained at MQTT 5: the broker still sent the retained message"
else
  grep -q "$sent" "$broker_log" || fail "at 3.1.1 the broker cannot be told to keep retained messages back"
fi
assert_broker_protocol ret-
pass "retained messages skipped by the $([[ $MQTT_PROTOCOL == 5 ]] && echo broker || echo client) (MQTT $MQTT_PROTOCOL)"
