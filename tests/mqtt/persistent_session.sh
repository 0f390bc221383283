# mqtt-ingest --persistent -i ID: the broker keeps the session while the ingester is away,
# so QoS 1 messages published meanwhile are emitted when it comes back, also after a
# broker restart in between (broker persistence on). Without --persistent (clean session,
# or MQTT 5 clean start) the same id gets none of them: the flag is what keeps them.
# Run at MQTT 3.1.1 and (mqtt.persistent_session_v5) at 5, where the session lasts only
# because mqtt-ingest asks for a session expiry interval.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/mqtt/lib.sh"
start_mosquitto
N=500

# Starts mqtt-ingest NAME on 'ps/#' at QoS 1 with further options, and stops it again
# (SIGTERM, exit 0) once subscribed: the broker now knows the session, if it keeps one.
visit() {
  local name=$1
  shift
  start_ingest "$name" -t 'ps/#' -q 1 "$@"
  kill -TERM "$INGEST_PID"
  wait "$INGEST_PID" || fail "mqtt-ingest $name: exit status after SIGTERM"
}

visit away1 --persistent -i ps-keep
seq_lines ps/a $N | publish --qos 1 --topic '{sensor}'
start_ingest back1 -t 'ps/#' -q 1 --persistent -i ps-keep
assert_contains "$(cat "$T/back1.err")" "session resumed" "the broker kept the session"
wait_lines "$T/back1.out" $N
assert_eq 0 "$(check_seqs "$T/back1.out" $N "queued while away")" "duplicates after a clean stop"
kill -TERM "$INGEST_PID"
wait "$INGEST_PID" || fail "mqtt-ingest back1: exit status after SIGTERM"
pass "--persistent: $N messages published while away were emitted on return (MQTT $MQTT_PROTOCOL)"

# Away again; the broker restarts meanwhile and must bring the session and its queue back.
seq_lines ps/b $N | publish --qos 1 --topic '{sensor}'
kill -TERM "$MQTT_PID"
wait "$MQTT_PID" 2>/dev/null || true
restart_mosquitto
start_ingest back2 -t 'ps/#' -q 1 --persistent -i ps-keep
assert_contains "$(cat "$T/back2.err")" "session resumed" "the session survived the broker restart"
wait_lines "$T/back2.out" $N
check_seqs "$T/back2.out" $N "queued across a broker restart" >/dev/null
assert_not_contains "$(cat "$T/back2.out")" '"sensor":"ps/a"' "messages emitted before came again"
kill -TERM "$INGEST_PID"
wait "$INGEST_PID" || fail "mqtt-ingest back2: exit status after SIGTERM"
pass "--persistent: the queued session survived a broker restart (MQTT $MQTT_PROTOCOL)"

# The same dance without --persistent: nothing published while away arrives; what is
# published after the return does (so the ingester was listening).
visit away3 -i ps-clean
seq_lines ps/c $N | publish --qos 1 --topic '{sensor}'
start_ingest back3 -t 'ps/#' -q 1 -i ps-clean
echo '{"sensor":"ps/live","value":1}' | publish --qos 1 --topic '{sensor}'
wait_text "$T/back3.out" '"sensor":"ps/live"'
assert_eq 1 "$(wc -l <"$T/back3.out")" "readings after a clean-session return (only the live one)"
assert_not_contains "$(cat "$T/back3.err")" "session resumed" "clean session log"
assert_broker_protocol ps-
pass "without --persistent nothing published while away was emitted (MQTT $MQTT_PROTOCOL)"
