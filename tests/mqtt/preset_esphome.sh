# mqtt-ingest --preset esphome through a real mosquitto: <node>/sensor/<name>/state plain
# values get the unit and kind their name implies, binary sensors ON/OFF become booleans,
# <node>/status online/offline becomes "availability" readings; a --mapping file renames
# a sensor, and a bad line in it is a usage error naming the line.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/mqtt/lib.sh"
source "$SP_SRC/tests/mqtt/devices_lib.sh"
start_mosquitto
printf '%s\n' '# shorter names' 'rename livingroom/sensor/temperature/state=livingroom/temperature' >"$T/esp.map"
ingest_device esp 5 --preset esphome --mapping "$T/esp.map" <<'EOF2'
livingroom/status online
livingroom/sensor/temperature/state 21.50
livingroom/sensor/desk_humidity/state 40.3
livingroom/binary_sensor/motion/state OFF
livingroom/status offline
EOF2
assert_eq '{"sensor":"livingroom/status","value":true,"kind":"availability"}
{"sensor":"livingroom/temperature","value":21.5,"unit":"°C","kind":"temperature"}
{"sensor":"livingroom/sensor/desk_humidity/state","value":40.3,"unit":"%","kind":"humidity"}
{"sensor":"livingroom/binary_sensor/motion/state","value":false}
{"sensor":"livingroom/status","value":false,"kind":"availability"}' "$(cat "$T/esp.got")" "readings"
printf '%s\n' 'drop x' 'rename nothing' >"$T/bad.map"
run mqtt-ingest -t x --mapping "$T/bad.map"
assert_eq 2 "$status" "bad mapping file exit status"
assert_contains "$err" "mqtt-ingest: error: --mapping $T/bad.map: line 2: --rename: expected FROM=TO, got 'nothing'" "bad mapping line"
pass "esphome states and status become readings"
