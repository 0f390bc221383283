# mqtt-ingest --preset tasmota through a real mosquitto: tele/<device>/SENSOR and STATE as
# Tasmota publishes them (ENERGY object, local "Time" without an offset) become one
# reading per measurement named tele/<device>/<path>, stamped with Time read in
# --payload-tz; the LWT (Online/Offline) becomes "availability" readings; a user's --drop
# removes a field; an unknown preset or zone is a usage error.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/mqtt/lib.sh"
source "$SP_SRC/tests/mqtt/devices_lib.sh"
start_mosquitto
ingest_device tas 10 --preset tasmota --payload-tz Europe/Berlin --drop energy.factor --drop Yesterday <<'EOF2'
tele/plug1/LWT Online
tele/plug1/SENSOR {"Time":"2026-11-30T11:00:00","ENERGY":{"TotalStartTime":"2026-01-01T00:00:00","Total":12.5,"Yesterday":0.4,"Today":0.2,"Period":0,"Power":45,"ApparentPower":50,"ReactivePower":20,"Factor":0.9,"Voltage":230,"Current":0.195}}
tele/plug1/STATE {"Time":"2026-07-01T11:00:00","Uptime":"0T01:00:14","UptimeSec":3614,"Heap":25,"SleepMode":"Dynamic","Sleep":50,"LoadAvg":19,"MqttCount":1,"POWER":"ON","Wifi":{"AP":1,"SSId":"home","BSSId":"AA:BB:CC:DD:EE:FF","Channel":6,"Mode":"11n","RSSI":76,"Signal":-62,"LinkCount":1,"Downtime":"0T00:00:06"}}
tele/plug1/LWT Offline
EOF2
assert_eq '{"sensor":"tele/plug1/LWT","value":true,"kind":"availability"}
{"sensor":"tele/plug1/energy/total","ts":"2026-11-30T10:00:00.000Z","value":12.5,"unit":"kWh","kind":"energy"}
{"sensor":"tele/plug1/energy/today","ts":"2026-11-30T10:00:00.000Z","value":0.2,"unit":"kWh","kind":"energy"}
{"sensor":"tele/plug1/energy/power","ts":"2026-11-30T10:00:00.000Z","value":45,"unit":"W","kind":"power"}
{"sensor":"tele/plug1/energy/apparentpower","ts":"2026-11-30T10:00:00.000Z","value":50,"unit":"VA","kind":"apparent_power"}
{"sensor":"tele/plug1/energy/reactivepower","ts":"2026-11-30T10:00:00.000Z","value":20,"unit":"var","kind":"reactive_power"}
{"sensor":"tele/plug1/energy/voltage","ts":"2026-11-30T10:00:00.000Z","value":230,"unit":"V","kind":"voltage"}
{"sensor":"tele/plug1/energy/current","ts":"2026-11-30T10:00:00.000Z","value":0.195,"unit":"A","kind":"current"}
{"sensor":"tele/plug1/uptimesec","ts":"2026-07-01T09:00:00.000Z","value":3614}
{"sensor":"tele/plug1/power","ts":"2026-07-01T09:00:00.000Z","value":"ON"}' \
  "$(sed '/"kind":"availability"/s/,"ts":"[^"]*"//' "$T/tas.out")" "readings (winter time +1, summer time +2)"
# Misused payload options are usage errors naming the option.
run mqtt-ingest -t x --preset tasmot
assert_eq 2 "$status" "--preset tasmot exit status"
assert_contains "$err" "mqtt-ingest: error: --preset: expected zigbee2mqtt, tasmota, shelly or esphome, got 'tasmot'" "--preset error"
run mqtt-ingest -t x --payload-tz Europe/Berlinn
assert_eq 2 "$status" "--payload-tz Europe/Berlinn exit status"
assert_contains "$err" "mqtt-ingest: error: --payload-tz: unknown time zone 'Europe/Berlinn'" "--payload-tz error"
pass "tasmota SENSOR, STATE and LWT become readings in the device's time zone"
