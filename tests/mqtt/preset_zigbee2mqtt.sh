# mqtt-ingest --preset zigbee2mqtt through a real mosquitto: device messages as Zigbee2MQTT
# publishes them become one reading per measurement with units and kinds, linkquality
# and update info dropped, last_seen the time; availability in both forms (JSON and
# legacy plain text) becomes "availability" readings; a bridge message that is not a
# reading gets one stderr line and the stream goes on.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/mqtt/lib.sh"
source "$SP_SRC/tests/mqtt/devices_lib.sh"
start_mosquitto
ingest_device z2m 8 --preset zigbee2mqtt <<'EOF2'
zigbee2mqtt/kitchen_sensor {"temperature":21.5,"humidity":40.2,"battery":90,"linkquality":120}
zigbee2mqtt/bridge/devices [{"ieee_address":"0x00158d0001a2b3c4","type":"EndDevice"}]
zigbee2mqtt/plug {"state":"ON","power":45.2,"energy":1.23,"linkquality":87,"update":{"state":"idle"},"last_seen":"2026-11-30T12:00:00+01:00"}
zigbee2mqtt/plug/availability {"state":"offline"}
zigbee2mqtt/kitchen_sensor/availability online
EOF2
assert_eq '{"sensor":"zigbee2mqtt/kitchen_sensor/temperature","value":21.5,"unit":"°C","kind":"temperature"}
{"sensor":"zigbee2mqtt/kitchen_sensor/humidity","value":40.2,"unit":"%","kind":"humidity"}
{"sensor":"zigbee2mqtt/kitchen_sensor/battery","value":90,"unit":"%","kind":"battery"}
{"sensor":"zigbee2mqtt/plug/state","value":"ON"}
{"sensor":"zigbee2mqtt/plug/power","value":45.2,"unit":"W","kind":"power"}
{"sensor":"zigbee2mqtt/plug/energy","value":1.23,"unit":"kWh","kind":"energy"}
{"sensor":"zigbee2mqtt/plug/availability","value":false,"kind":"availability"}
{"sensor":"zigbee2mqtt/kitchen_sensor/availability","value":true,"kind":"availability"}' "$(cat "$T/z2m.got")" "readings"
assert_eq 3 "$(grep -c '"ts":"2026-11-30T11:00:00.000Z"' "$T/z2m.out")" "last_seen is the plug's readings' time"
assert_eq "mqtt-ingest: message 2 on zigbee2mqtt/bridge/devices: a JSON array is not a reading" \
  "$(grep 'bridge' "$T/z2m.err")" "the bridge's device list is reported"
pass "zigbee2mqtt device messages and availability become readings"
