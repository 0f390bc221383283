# The EXAMPLES of man/sensorpipe.7 run as written (against a private broker instead of
# port 1883, in a temporary directory) and give what the page says: hourly CSV rows of
# the kitchen from a week of history, and 40 readings through the broker in the database.
source "$SP_SRC/tests/lib/common.sh"
start_mosquitto
cd "$T"
examples=$(man_examples "$SP_SRC/man/sensorpipe.7" | sed "s|mqtt://127.0.0.1:1883|$MQTT_URL|g")
[[ $examples == *"history-query"* && $examples == *"mqtt-ingest"* ]] || fail "EXAMPLES not found: $examples"
# The page gives mqtt-ingest two seconds to subscribe before the readings are published
# (what comes before the subscription is not delivered). A loaded machine may need more:
# the test waits for its "connected" line instead, which it logs once subscribed.
[[ $examples == *"sleep 2; "* ]] || fail "the EXAMPLES no longer wait with 'sleep 2; ': adapt this test"
examples=${examples//sleep 2; /until grep -q 'mqtt-ingest: connected to' "$T/ex.err"; do sleep 0.1; done; }
set +e
timeout 120 bash -eo pipefail -c "$examples" >"$T/ex.out" 2>"$T/ex.err"
status=$?
set -e
out=$(cat "$T/ex.out")
assert_eq 0 "$status" "sensorpipe.7 EXAMPLES exit status: $(cat "$T/ex.err")"
assert_contains "$out" "sensor,ts,avg,max" "CSV header"
assert_contains "$out" "home/kitchen/humidity," "CSV rows of the kitchen"
assert_contains "$out" "demo/kitchen/temperature" "sensors stored through the broker"
n=$(history-query -d demo.db --since 1h -f jsonl | wc -l)
assert_eq 40 "$n" "readings stored through the broker"
pass "sensorpipe.7 EXAMPLES"
