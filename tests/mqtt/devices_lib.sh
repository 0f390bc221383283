# Helpers of the device preset tests (sourced after tests/lib/common.sh and tests/mqtt/lib.sh).

# ingest_device NAME N OPTION... <<<'TOPIC PAYLOAD' lines: starts mqtt-ingest -C N with the
# options on '#', publishes each payload (QoS 1, in order, with mosquitto_pub as a device
# would) on its topic, waits for mqtt-ingest to exit 0 and writes its readings to
# $T/NAME.out and, without "ts" (the time of arrival where the payload has none), to
# $T/NAME.got.
ingest_device() {
  local name=$1 n=$2 topic payload
  shift 2
  start_ingest "$name" -t '#' -q 1 -C "$n" "$@"
  while read -r topic payload; do
    mosquitto_pub -p "$MQTT_PORT" -q 1 -t "$topic" -m "$payload" || fail "mosquitto_pub $topic failed"
  done
  wait "$INGEST_PID" || fail "mqtt-ingest $* -C $n exited with $?: $(cat "$T/$name.err")"
  sed 's/,"ts":"[^"]*"//' "$T/$name.out" >"$T/$name.got"
}
