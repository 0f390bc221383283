# mqtt-ingest -T/--filter-out: messages on matching topics are skipped (subscribed to
# home/#, the commands on home/+/set are not readings), everything else comes out in order.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/mqtt/lib.sh"
start_mosquitto
start_ingest fo -t 'home/#' -T 'home/+/set' -T 'home/debug/#' -C 3
for t in home/led/brightness home/led/set home/debug/x/y home/heater/set home/hall/temperature home/led; do
  mosquitto_pub -p "$MQTT_PORT" -q 1 -t "$t" -m 1
done
wait "$INGEST_PID" || fail "mqtt-ingest exited with $?"
assert_eq $'home/led/brightness\nhome/hall/temperature\nhome/led' "$(grep -o "\"sensor\":\"[^\"]*\"" "$T/fo.out" | cut -d\" -f4)" "readings kept"
pass "-T/--filter-out skips matching topics"
