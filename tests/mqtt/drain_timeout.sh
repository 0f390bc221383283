# mqtt-publish stopped (SIGTERM) while the broker is away: after --drain-timeout it reports
# how many messages were lost and exits 1, as mqtt-publish(1) says; with --persist it says
# they are kept for the next run and exits 0. It used to crash there (SIGSEGV, exit 139):
# Paho failed the pending deliveries while being destroyed and the client queued them
# again on the dying Paho object.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/mqtt/lib.sh"
start_mosquitto "log_type all"  # the broker logs each PUBACK it sends
broker_log="$(dirname "$MQTT_CONF")/mosquitto.log"

# Starts mqtt-publish NAME (client id dt-NAME) at QoS 1 reading fd 3's fifo, sends one line
# and waits for the broker's acknowledgement of it, stops the broker, sends three more
# lines, waits until they were read, sends SIGTERM; sets $status and $err.
publish_then_lose_broker() {
  local name=$1
  shift
  mkfifo "$T/$name.in"
  exec 3<>"$T/$name.in"  # open the writing end first, or opening the fifo for reading blocks
  mqtt-publish -b "$MQTT_URL" "${PROTO[@]}" -q 1 -i "dt-$name" --drain-timeout 1s --topic '{sensor}' "$@" <"$T/$name.in" 2>"$T/$name.err" 3>&- &
  local pid=$!
  SP_PIDS+=("$pid")  # not sp_spawn: its inner "&" would read /dev/null, not the fifo
  wait_text "$T/$name.err" "connected to"
  seq_lines dt/a 1 >&3
  wait_text "$broker_log" "Sending PUBACK to dt-$name"
  kill -TERM "$MQTT_PID"; wait "$MQTT_PID" 2>/dev/null || true
  wait_text "$T/$name.err" "lost; reconnecting"
  seq_lines dt/b 3 >&3
  wait_fifo_read 3
  kill -TERM "$pid"
  set +e
  wait "$pid"
  status=$?
  set -e
  exec 3>&-
  err=$(cat "$T/$name.err")
}

publish_then_lose_broker plain
assert_eq 1 "$status" "exit status after the drain timeout with 3 messages undelivered ($err)"
assert_contains "$err" "mqtt-publish: error: 3 of 4 messages were not delivered to $MQTT_URL (lost)" "the loss report"
pass "SIGTERM with the broker away: 3 of 4 messages reported lost, exit 1"

restart_mosquitto
publish_then_lose_broker spooled --persist "$T/spool"
assert_eq 0 "$status" "exit status with --persist after the drain timeout ($err)"
assert_contains "$err" "mqtt-publish: warning: 3 messages not yet delivered to $MQTT_URL; kept in $T/spool for the next run" \
  "the --persist report"
pass "SIGTERM with the broker away and --persist: 3 messages kept for the next run, exit 0"
