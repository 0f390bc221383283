# The seed scenario end to end: a command published to home/led/set travels
# mqtt-ingest -> sensor-sim --actuators -> mqtt-publish and changes the simulated LED's
# brightness reading on the broker.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/mqtt/lib.sh"
start_mosquitto
start_ingest watch -t 'home/led/brightness' -q 1

mkfifo "$T/cmds" "$T/readings"
# Started one by one (not as a shell pipeline) so that each is stopped by its own PID.
mqtt-ingest -b "$MQTT_URL" -t 'home/+/set' >"$T/cmds" 2>"$T/loop-ingest.err" &
loop_ingest=$!
SP_PIDS+=("$loop_ingest")
sensor-sim --prefix home --actuators --rate 5 <"$T/cmds" >"$T/readings" 2>"$T/sim.err" &
sim=$!
SP_PIDS+=("$sim")
mqtt-publish -b "$MQTT_URL" --topic '{sensor}' <"$T/readings" 2>"$T/loop-publish.err" &
loop_publish=$!
SP_PIDS+=("$loop_publish")
wait_text "$T/loop-ingest.err" "connected to"
wait_text "$T/watch.out" '"sensor":"home/led/brightness"'
assert_not_contains "$(cat "$T/watch.out")" '"value":70' "brightness before the command"

# The dashboard's command, as ws-serve writes it, published to its target.
echo '{"target":"home/led/set","value":0.7}' | mqtt-publish -b "$MQTT_URL" --topic '{target}'
wait_text "$T/watch.out" '"value":70'
pass "a command on home/led/set changed home/led/brightness to 70 %"

kill -TERM "$loop_ingest" "$sim"
wait "$loop_ingest" || fail "loop mqtt-ingest exit status"
wait "$sim" || fail "sensor-sim exit status: $(cat "$T/sim.err")"
wait "$loop_publish" || fail "loop mqtt-publish exit status: $(cat "$T/loop-publish.err")"
pass "the loop stopped cleanly"
