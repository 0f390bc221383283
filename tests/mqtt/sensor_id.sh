# One rule for a sensor id (the data contract's, lib/core): a JSON payload whose "sensor"
# is not a non-empty string is a bad message for mqtt-ingest, reported with its topic and
# number and skipped, as db-store reports such a line. mqtt-ingest used to turn
# "sensor":5 into the sensor "5", which db-store then refused.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/mqtt/lib.sh"
start_mosquitto
start_ingest sid -t 'sid/#' -q 1 -C 1
mosquitto_pub -p "$MQTT_PORT" -q 1 -t sid/a -m '{"sensor":5,"value":1}'
mosquitto_pub -p "$MQTT_PORT" -q 1 -t sid/b -m '{"sensor":"dev/b","value":2}'
wait "$INGEST_PID" || fail "mqtt-ingest exited with $?: $(cat "$T/sid.err")"
assert_eq '{"sensor":"dev/b","value":2}' "$(sed 's/"ts":"[^"]*",//' "$T/sid.out")" "readings"
assert_contains "$(cat "$T/sid.err")" 'mqtt-ingest: message 1 on sid/a: "sensor" must be a non-empty string' \
  "the bad message's report"

# db-store, given the same reading as a line, applies the same rule with the same words.
run db-store -d "$T/x.db" --quiet <<<'{"sensor":5,"value":1}'
assert_contains "$err" 'db-store: line 1: "sensor" must be a non-empty string' "db-store's report"
pass "a numeric sensor id is a bad message for mqtt-ingest, as for db-store"
