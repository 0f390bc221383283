# Helpers shared by the mqtt behaviour tests (sourced after tests/lib/common.sh).

# The MQTT version a test speaks: 3.1.1, or what ctest sets in MQTT_PROTOCOL (the scripts
# that matter for MQTT 5 are registered a second time with MQTT_PROTOCOL=5). Every
# mqtt-ingest/mqtt-publish started through these helpers uses it.
MQTT_PROTOCOL=${MQTT_PROTOCOL:-3.1.1}
PROTO=(--protocol "$MQTT_PROTOCOL")

# mqtt-publish to the test broker at $MQTT_PROTOCOL; further options as arguments.
publish() {
  mqtt-publish -b "$MQTT_URL" "${PROTO[@]}" "$@"
}

# Starts mqtt-ingest in the background with output in $1.out / $1.err; waits until it is
# subscribed. Sets INGEST_PID.
start_ingest() {
  local name=$1
  shift
  local broker=(-b "$MQTT_URL")
  [[ " $* " == *" -b "* ]] && broker=()
  sp_spawn mqtt-ingest "${broker[@]}" "${PROTO[@]}" "$@" >"$T/$name.out" 2>"$T/$name.err"
  INGEST_PID=$!
  wait_text "$T/$name.err" "connected to"
}

# Restarts the test broker on the same port and configuration (keeps its persistence).
restart_mosquitto() {
  run_mosquitto || fail "mosquitto did not restart on port $MQTT_PORT: $(tail -3 "$(dirname "$MQTT_CONF")/mosquitto.log")"
}

# Lines "{"sensor":"$1","seq":N,"value":N}" for N in 1..$2.
seq_lines() {
  awk -v s="$1" -v n="$2" 'BEGIN { for (i = 1; i <= n; i++) printf "{\"sensor\":\"%s\",\"seq\":%d,\"value\":%d}\n", s, i, i }'
}

# Checks that FILE holds every seq 1..N at least once; prints the number of duplicates.
check_seqs() {
  local file=$1 n=$2 what=$3 got
  got=$(grep -o '"seq":[0-9]*' "$file" | sort -u | wc -l)
  assert_eq "$n" "$got" "$what: distinct sequence numbers"
  echo $(($(grep -c '"seq":' "$file") - got))
}

seqs_at_least() { # N TEXT FILE...
  local n=$1 text=$2
  shift 2
  (($(cat "$@" 2>/dev/null | grep -F -- "$text" | grep -o '"seq":[0-9]*' | sort -u | wc -l) >= n))
}
# Waits until the lines containing TEXT in FILE... (all lines: TEXT '"seq":') hold at least
# N distinct sequence numbers, for up to 60 s: delivery after a restart waits for the
# client's reconnect back-off, and the ASan build on 2 loaded cores is slow.
wait_seqs() { # N TEXT FILE...
  poll_until 60 seqs_at_least "$@" ||
    fail "$(cat "${@:3}" 2>/dev/null | grep -F -- "$2" | grep -o '"seq":[0-9]*' | sort -u | wc -l) of $1 sequence numbers [$2] arrived in ${*:3}"
}

# Publishes N sequence lines on SENSOR at QoS 1 in the background, pausing 0.2 s every
# EVERY lines so the stream lasts a few seconds; sets PUB_PID, stderr in $T/pub.err.
start_paced_publisher() {
  local sensor=$1 n=$2 every=$3
  seq_lines "$sensor" "$n" | awk -v every="$every" '{ print; fflush() } NR % every == 0 { system("sleep 0.2") }' |
    publish --qos 1 --topic '{sensor}' 2>"$T/pub.err" &
  PUB_PID=$!
  SP_PIDS+=("$PUB_PID")
}

# Fails unless the broker logged connections of clients whose id starts with $1 (default
# "sensorpipe-", the ids our programs make up) and all of them at $MQTT_PROTOCOL
# (mosquitto writes p2 for 3.1.1, p5 for 5): proof that --protocol reached the wire.
assert_broker_protocol() {
  local id=${1:-sensorpipe-} want=p2 got
  [[ $MQTT_PROTOCOL == 5 ]] && want=p5
  got=$(grep -o "connected from [^ ]* as $id[^ ]* (p[0-9]" "$(dirname "$MQTT_CONF")/mosquitto.log" |
    grep -o 'p[0-9]$' | sort -u | tr '\n' ' ' || true)
  assert_eq "$want " "$got" "MQTT versions the broker saw from clients $id*"
}
