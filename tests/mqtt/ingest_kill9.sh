# mqtt-ingest --persistent --qos 1, killed with SIGKILL mid-stream and restarted with
# the same client id, emits every message published meanwhile (duplicates only as QoS 1
# allows: a message written but not yet acknowledged when the process died).
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/mqtt/lib.sh"
start_mosquitto
N=20000
start_ingest first -t 'k9/#' -q 1 --persistent -i k9-ingest
# A steady publisher: N lines over a few seconds.
start_paced_publisher k9/a $N 1000
pub=$PUB_PID
wait_lines "$T/first.out" 2000 30
kill -KILL "$INGEST_PID"
wait "$INGEST_PID" 2>/dev/null || true
first=$(wc -l <"$T/first.out")
((first < N)) || fail "the publisher finished before the kill; nothing tested"
sleep 1  # messages published while no ingester runs must wait on the broker
start_ingest second -t 'k9/#' -q 1 --persistent -i k9-ingest
wait "$pub" || fail "mqtt-publish failed: $(cat "$T/pub.err")"
assert_contains "$(cat "$T/second.err")" "session resumed" "the restart resumed the session"
wait_seqs $N '"seq":' "$T/first.out" "$T/second.out"
cat "$T/first.out" "$T/second.out" >"$T/all.out"
assert_broker_protocol k9-ingest
assert_broker_protocol
dups=$(check_seqs "$T/all.out" $N "after kill -9 and restart")
((dups <= 100)) || fail "$dups duplicates: more than the in-flight window QoS 1 allows"
pass "kill -9 of a persistent ingester lost nothing ($first before the kill, $dups duplicates; MQTT $MQTT_PROTOCOL)"
