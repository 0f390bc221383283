# mqtt-ingest --preset shelly through a real mosquitto: Gen1 plain values on
# shellies/<id>/relay/0/... and .../online, and a Gen2 status/switch:0 object with
# apower, voltage and aenergy.total (Wh), as the devices publish them.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/mqtt/lib.sh"
source "$SP_SRC/tests/mqtt/devices_lib.sh"
start_mosquitto
ingest_device shelly 11 --preset shelly <<'EOF2'
shellies/shellyplug-s-C45BBE/online true
shellies/shellyplug-s-C45BBE/relay/0 on
shellies/shellyplug-s-C45BBE/relay/0/power 45.21
shellies/shellyplug-s-C45BBE/relay/0/energy 1234
shellyplus1pm-a8032ab12345/status/switch:0 {"id":0,"source":"init","output":true,"apower":45.2,"voltage":230.1,"current":0.196,"aenergy":{"total":1234.567,"by_minute":[0.000,0.000,0.000],"minute_ts":1795000000},"temperature":{"tC":42.1,"tF":107.8}}
shellyplus1pm-a8032ab12345/online false
EOF2
assert_eq '{"sensor":"shellies/shellyplug-s-C45BBE/online","value":true,"kind":"availability"}
{"sensor":"shellies/shellyplug-s-C45BBE/relay/0","value":true}
{"sensor":"shellies/shellyplug-s-C45BBE/relay/0/power","value":45.21,"unit":"W","kind":"power"}
{"sensor":"shellies/shellyplug-s-C45BBE/relay/0/energy","value":1234,"unit":"Wmin","kind":"energy"}
{"sensor":"shellyplus1pm-a8032ab12345/status/switch:0/output","value":true}
{"sensor":"shellyplus1pm-a8032ab12345/status/switch:0/apower","value":45.2,"unit":"W","kind":"power"}
{"sensor":"shellyplus1pm-a8032ab12345/status/switch:0/voltage","value":230.1,"unit":"V","kind":"voltage"}
{"sensor":"shellyplus1pm-a8032ab12345/status/switch:0/current","value":0.196,"unit":"A","kind":"current"}
{"sensor":"shellyplus1pm-a8032ab12345/status/switch:0/aenergy/total","value":1234.567,"unit":"Wh","kind":"energy"}
{"sensor":"shellyplus1pm-a8032ab12345/status/switch:0/temperature/tc","value":42.1,"unit":"°C","kind":"temperature"}
{"sensor":"shellyplus1pm-a8032ab12345/online","value":false,"kind":"availability"}' "$(cat "$T/shelly.got")" "readings"
pass "shelly gen1 values and gen2 switch status become readings"
