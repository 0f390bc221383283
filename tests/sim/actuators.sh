# Actuators: commands on stdin change the LED and switch the heater's relay in the
# next readings; the reading form written by mqtt-ingest works too; bad command
# lines get "sensor-sim: line N: reason" and --strict makes them fatal (65).
source "$SP_SRC/tests/lib/common.sh"
feed() {  # lines...: writes the lines once the LED's first reading is out, then ends stdin
  wait_text "$T/out" '"sensor":"home/led/brightness"'
  printf '%s\n' "$@"
}
value_of() { grep "\"$1\"" "$T/out" | sed -E 's/.*"value":("[^"]*"|[^,}]*).*/\1/' | tr '\n' ' '; }

rm -f "$T/out"
feed '{"target":"home/led/set","value":0.7}' '{"sensor":"home/heater/set","value":"on"}' |
  sensor-sim --prefix home --seed 1 --actuators --rate 20 --duration 2s >"$T/out" 2>"$T/err" || fail "exit status $?"
leds=$(value_of home/led/brightness)
assert_contains "$leds" "0 " "LED before the command"
assert_contains "$leds" "70 " "LED after {\"value\":0.7}"
[[ $(value_of home/led/brightness | awk '{print $1}') == 0 && $(value_of home/led/brightness | awk '{print $NF}') == 70 ]] ||
  fail "LED should go from 0 to 70, got: $leds"
assert_contains "$(value_of home/heater/relay)" '"on"' "heater relay after the command"
heater=$(value_of home/heater/power | awk '{print $NF}')
awk -v w="$heater" 'BEGIN { exit !(w > 1000) }' || fail "heater power after relay on: $heater"
assert_eq "" "$(cat "$T/err")" "stderr of good commands"
pass "LED and heater follow commands"

rm -f "$T/out"
feed '{"target":"home/led/set","value":"bright"}' 'not json' '{"target":"home/fan/set","value":1}' '{"target":"home/led/set","value":25}' |
  sensor-sim --prefix home --actuators --rate 20 --duration 1.5s >"$T/out" 2>"$T/err" || fail "exit status $?"
err=$(cat "$T/err")
assert_contains "$err" "sensor-sim: line 1: home/led/set: brightness must be" "bad value diagnostic"
assert_contains "$err" "sensor-sim: line 2: " "bad JSON diagnostic"
assert_contains "$err" "sensor-sim: line 3: unknown target \"home/fan/set\"" "unknown target diagnostic"
assert_contains "$err" "sensor-sim: 3 bad command lines skipped" "summary"
assert_contains "$(value_of home/led/brightness)" "25" "good command after bad ones"
pass "bad command lines are reported and skipped"

set +e
rm -f "$T/out"
feed '{"target":"home/led/set","value":-1}' | sensor-sim --prefix home --actuators --strict --rate 20 --duration 10s >"$T/out" 2>"$T/err"
st=$?
set -e
assert_eq 65 "$st" "--strict with a bad command"
assert_contains "$(cat "$T/err")" "sensor-sim: line 1: home/led/set:" "--strict diagnostic"
pass "--strict exits 65"

run sensor-sim --prefix home --list
assert_contains "$out" '"sensor":"home/led/brightness","kind":"brightness","unit":"%","period_ms":1000,"target":"home/led/set"' "--list LED"
assert_contains "$out" '"target":"home/heater/set"' "--list relay"
pass "--list names the actuator targets"

# A half-written command line on a stdin that stays open must not stall live output.
{ printf '{"target":"home/led/set"'; sleep 3; } |
  sensor-sim --prefix home --actuators --rate 20 --duration 1s >"$T/out" 2>"$T/err" || fail "exit status $?"
assert_eq 800 "$(wc -l <"$T/out")" "readings while stdin holds half a line (20/s x 40 sensors x 1 s)"
assert_eq "" "$(cat "$T/err")" "no diagnostic for a line still being written"
pass "an idle or half-written stdin does not stall live output"
