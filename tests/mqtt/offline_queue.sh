# mqtt-publish as an offline collector: while the broker is down it keeps accepting lines
# and delivers them in order when it is back; a full --queue pauses input with a
# warning (never drops); with --persist even a kill -9 of the publisher loses nothing.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/mqtt/lib.sh"
start_mosquitto
start_ingest sub -t 'oq/#' -q 1 --persistent -i oq-ingest

# 1. Broker down, small queue: lines wait, a warning says the queue is full, all arrive.
mkfifo "$T/in1"
exec 3<>"$T/in1"  # open the writing end first, or opening the fifo for reading blocks
mqtt-publish -b "$MQTT_URL" --qos 1 --queue 100 --topic '{sensor}' <"$T/in1" 2>"$T/pub1.err" 3>&- &
pub1=$!
SP_PIDS+=("$pub1")  # not sp_spawn: its inner "&" would read /dev/null, not the fifo
wait_text "$T/pub1.err" "connected to"
kill -TERM "$MQTT_PID"; wait "$MQTT_PID" 2>/dev/null || true
seq_lines oq/a 500 >&3 &
feeder=$!
wait_text "$T/pub1.err" "queue full (100 messages) while $MQTT_URL is unreachable"
restart_mosquitto
wait "$feeder"
exec 3>&-
wait "$pub1" || fail "mqtt-publish exit status after the outage: $(cat "$T/pub1.err")"
wait_seqs 500 '"sensor":"oq/a"' "$T/sub.out"
dups=$(check_seqs "$T/sub.out" 500 "queued while the broker was down")
assert_eq "" "$(grep -o '"seq":[0-9]*' "$T/sub.out" | cut -d: -f2 | awk 'NR > 1 && $1 < prev { print "out of order at " $1 } { prev = $1 }' | head -1)" "order"
pass "500 lines through a 100-message queue across a broker outage ($dups duplicates)"

# 2. --persist: the publisher is killed while the broker is down; the next run delivers
# every line it had accepted.
mkfifo "$T/in2"
exec 4<>"$T/in2"  # open the writing end first, or opening the fifo for reading blocks
mqtt-publish -b "$MQTT_URL" --qos 1 --queue 300 --persist "$T/spool" --topic '{sensor}' <"$T/in2" 2>"$T/pub2.err" 4>&- &
pub2=$!
SP_PIDS+=("$pub2")  # not sp_spawn: its inner "&" would read /dev/null, not the fifo
wait_text "$T/pub2.err" "connected to"
kill -TERM "$MQTT_PID"; wait "$MQTT_PID" 2>/dev/null || true
wait_text "$T/pub2.err" "lost; reconnecting"
seq_lines oq/b 301 >&4
# The 301st line finds the queue full: the 300 before it were accepted, and so persisted.
wait_text "$T/pub2.err" "queue full (300 messages)"
kill -KILL "$pub2"
wait "$pub2" 2>/dev/null || true
exec 4>&-
restart_mosquitto
run mqtt-publish -b "$MQTT_URL" --qos 1 --persist "$T/spool" --topic '{sensor}' </dev/null
assert_eq 0 "$status" "second run with the same --persist ($err)"
wait_seqs 300 '"sensor":"oq/b"' "$T/sub.out"
grep 'oq/b' "$T/sub.out" >"$T/b.out" || true
dups=$(check_seqs "$T/b.out" 300 "--persist after kill -9")
pass "--persist: 300 lines accepted before a kill -9 were delivered by the next run ($dups duplicates)"

# 3. SIGTERM drains: what was read is delivered before the exit.
mkfifo "$T/in3"
exec 5<>"$T/in3"  # open the writing end first, or opening the fifo for reading blocks
mqtt-publish -b "$MQTT_URL" --qos 1 --topic '{sensor}' <"$T/in3" 2>"$T/pub3.err" 5>&- &
pub3=$!
SP_PIDS+=("$pub3")  # not sp_spawn: its inner "&" would read /dev/null, not the fifo
wait_text "$T/pub3.err" "connected to"
seq_lines oq/c 1000 >&5
wait_fifo_read 5  # the promise covers what was read: a line still in the fifo is not read
kill -TERM "$pub3"
wait "$pub3" || fail "mqtt-publish exit status after SIGTERM: $(cat "$T/pub3.err")"
exec 5>&-
wait_seqs 1000 '"sensor":"oq/c"' "$T/sub.out"
grep 'oq/c' "$T/sub.out" >"$T/c.out" || true
check_seqs "$T/c.out" 1000 "after SIGTERM" >/dev/null
pass "SIGTERM: mqtt-publish delivered what it had read and exited 0"
