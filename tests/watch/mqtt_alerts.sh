# Alert events travel like readings: sensor-watch --alerts-only | mqtt-publish --topic '{sensor}'
# puts them on a real broker under alerts/<rule>/<sensor>, and mqtt-ingest gets them back
# whole (a subscriber such as a phone app sees the same event).
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/watch/lib.sh"
start_mosquitto
sp_spawn mqtt-ingest -b "$MQTT_URL" -t 'alerts/#' -C 2 >"$T/alerts.out" 2>"$T/alerts.err"
ingest=$!
wait_text "$T/alerts.err" "connected to"
T0=1795000000
{ r home/freezer/temperature $T0 -20; r home/freezer/temperature $((T0 + 60)) -10; r home/freezer/temperature $((T0 + 120)) -20; } |
  sensor-watch --above 'home/freezer/temperature=-15,name=freezer' --alerts-only |
  mqtt-publish -b "$MQTT_URL" --topic '{sensor}' -q 1
wait "$ingest" || fail "mqtt-ingest exited with $?"
printf '%s\n' "$(cat "$T/alerts.out")" >"$T/got"
assert_eq "freezer home/freezer/temperature firing
freezer home/freezer/temperature resolved" "$(events "$T/got")" "both events arrived through the broker"
assert_contains "$(sed -n 1p "$T/got")" '"sensor":"alerts/freezer/home/freezer/temperature","ts":"2026-11-18T11:07:40.000Z","value":"firing","kind":"alert"' "as published"
pass "alert events over MQTT"
