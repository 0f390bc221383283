# The EXAMPLES of man/sensorpipe.7 run as written (against a private broker instead of
# port 1883, in a temporary directory) and give what the page says: hourly CSV rows of
# the kitchen from a week of history, and 40 readings through the broker in the database.
source "$SP_SRC/tests/lib/common.sh"
start_mosquitto
cd "$T"
examples=$(man_examples "$SP_SRC/man/sensorpipe.7" | sed "s|mqtt://127.0.0.1:1883|$MQTT_URL|g")
[[ $examples == *"history-query"* && $examples == *"mqtt-ingest"* ]] || fail "EXAMPLES not found: $examples"
run timeout 120 bash -eo pipefail -c "$examples"
assert_eq 0 "$status" "sensorpipe.7 EXAMPLES exit status: $err"
assert_contains "$out" "sensor,ts,avg,max" "CSV header"
assert_contains "$out" "home/kitchen/humidity," "CSV rows of the kitchen"
assert_contains "$out" "demo/kitchen/temperature" "sensors stored through the broker"
n=$(history-query -d demo.db --since 1h -f jsonl | wc -l)
assert_eq 40 "$n" "readings stored through the broker"
pass "sensorpipe.7 EXAMPLES"
