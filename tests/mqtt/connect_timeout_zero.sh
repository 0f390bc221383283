# --connect-timeout 0 means "wait for the broker for ever" in both programs (one piece of
# lib/mqtt decides it): started before the broker, mqtt-publish and mqtt-ingest keep
# retrying, and once it is up the reading goes through. mqtt-ingest used to fail at once
# with "cannot connect ... within 0 ms".
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/mqtt/lib.sh"
start_mosquitto
kill -TERM "$MQTT_PID"; wait "$MQTT_PID" 2>/dev/null || true  # keep its port and config for later

ended() { [[ -s "$T/$1.status" ]]; }
(
  set +e
  timeout 90 mqtt-ingest -b "$MQTT_URL" "${PROTO[@]}" --connect-timeout 0 -t 'ct/#' -q 1 -C 1 >"$T/ingest.out" 2>"$T/ingest.err"
  echo $? >"$T/ingest.status"
) &
SP_PIDS+=("$!")
(
  set +e
  echo '{"sensor":"ct/a","value":1}' |
    timeout 90 mqtt-publish -b "$MQTT_URL" "${PROTO[@]}" --connect-timeout 0 -q 1 --retain --topic '{sensor}' 2>"$T/pub.err"
  echo $? >"$T/pub.status"
) &
SP_PIDS+=("$!")
# Both retry, neither gives up (the first retry comes 1 s after the first failure).
wait_text "$T/ingest.err" "retrying in 1s"
wait_text "$T/pub.err" "retrying in 1s"
! ended ingest || fail "mqtt-ingest --connect-timeout 0 gave up: $(cat "$T/ingest.err")"
! ended pub || fail "mqtt-publish --connect-timeout 0 gave up: $(cat "$T/pub.err")"

restart_mosquitto
poll_until 90 ended pub || fail "mqtt-publish did not end once the broker was up"
poll_until 90 ended ingest || fail "mqtt-ingest did not end once the broker was up"
assert_eq 0 "$(cat "$T/pub.status")" "mqtt-publish exit status [$(cat "$T/pub.err")]"
assert_eq 0 "$(cat "$T/ingest.status")" "mqtt-ingest exit status [$(cat "$T/ingest.err")]"
assert_contains "$(cat "$T/ingest.out")" '"sensor":"ct/a"' "the reading"
pass "--connect-timeout 0: both programs waited for the broker and the reading went through (MQTT $MQTT_PROTOCOL)"
