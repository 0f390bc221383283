# --state: a live run continues the counters, daily usage and actuators of the
# back-fill before it (the dashboard's energy never drops at the hand-over); a
# kill -9 leaves a loadable file; a file of other sensors is an error (exit 1,
# file named, file untouched); an older time range still never lowers a counter.
source "$SP_SRC/tests/lib/common.sh"
state=$T/sim.state
# The last (or first, with head) value of every cumulative sensor: "sensor value" lines, sorted.
counters() {  # file last|first
  jq -r 'select(.kind == "energy" or .kind == "volume" or .kind == "usage") | "\(.sensor) \(.value) \(.ts[0:10])"' "$1" |
    if [[ $2 == last ]]; then tac; else cat; fi | awk '!seen[$1]++' | sort
}

sensor-sim --house 1 --prefix home --seed 7 --from -1d --to now --interval 1m --state "$state" >"$T/backfill" ||
  fail "back-fill exit status $?"
[[ -s $state ]] || fail "back-fill wrote no state file"
jq -e '.sensors["home/mains/energy"].value > 0' "$state" >/dev/null || fail "state has no mains energy: $(head -c 300 "$state")"
counters "$T/backfill" last >"$T/before"
[[ $(wc -l <"$T/before") -eq 14 ]] || fail "expected 14 counters (7 energy, 6 usage, water), got $(cat "$T/before")"

# Live, one reading per sensor per second, three rounds (40 sensors a round).
sensor-sim --house 1 --prefix home --rate 20 --count 120 --state "$state" >"$T/live" || fail "live exit status $?"
counters "$T/live" first >"$T/after"
join "$T/before" "$T/after" >"$T/pairs"
[[ $(wc -l <"$T/pairs") -eq 14 ]] || fail "live run lacks counters: $(cat "$T/after")"
# Energy and water only grow between readings minutes apart by little; usage
# continues on the same UTC day (a new day starts it at 0, as documented).
while read -r name last day1 first day2; do
  if [[ $name == */usage && $day1 != "$day2" ]]; then continue; fi
  awk -v a="$last" -v b="$first" 'BEGIN { exit !(b >= a && b - a <= 60) }' ||
    fail "$name: last back-filled $last, first live $first (must continue, not reset)"
done <"$T/pairs"
pass "live counters continue from the back-fill: $(grep mains/energy "$T/pairs")"

# Actuators survive too. (The run ends with SIGTERM once both commands show in its
# readings: a fixed --duration could end before a slow machine got to them.)
mkfifo "$T/cmds"
exec 4<>"$T/cmds"
sensor-sim --house 1 --prefix home --actuators --rate 20 --state "$state" <"$T/cmds" >"$T/act" 4>&- &
pid=$!
SP_PIDS+=("$pid")
wait_text "$T/act" '"sensor":"home/led/brightness"'
printf '%s\n' '{"target":"home/led/set","value":35}' '{"target":"home/heater/set","value":"on"}' >&4
applied() { grep -q '"sensor":"home/led/brightness".*"value":35[,}]' "$T/act" && grep -q '"sensor":"home/heater/relay".*"value":"on"' "$T/act"; }
poll_until 30 applied || fail "the commands did not show in the readings: $(grep -E 'led/brightness|heater/relay' "$T/act" | tail -2)"
kill -TERM "$pid"
wait "$pid" || fail "actuator run exit status $?"
exec 4>&-
sensor-sim --house 1 --prefix home --rate 20 --count 40 --state "$state" >"$T/live2"
assert_eq 35 "$(jq -r 'select(.sensor == "home/led/brightness") | .value' "$T/live2")" "LED brightness restored"
assert_eq on "$(jq -r 'select(.sensor == "home/heater/relay") | .value' "$T/live2")" "heater relay restored"
pass "LED and relay restored"

# kill -9 in a live run saving every 100 ms: the file on disk is always whole.
before_kill=$(jq -r .saved "$state")
sensor-sim --house 1 --prefix home --rate 50 --state "$state" --state-interval 100ms >"$T/killed" &
pid=$!
SP_PIDS+=("$pid")
saved_since() { [[ $(jq -r .saved "$state" 2>/dev/null) != "$before_kill" ]]; }
poll_until 30 saved_since || fail "live run saved no checkpoint in 30 s"
sleep 0.35
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
jq -e . "$state" >/dev/null || fail "state after kill -9 is not valid JSON: $(head -c 300 "$state")"
run sensor-sim --house 1 --prefix home --rate 20 --count 40 --state "$state"
assert_eq 0 "$status" "run after kill -9 (stderr: $err)"
energy_after=$(jq -r 'select(.sensor == "home/mains/energy") | .value' <<<"$out")
energy_backfill=$(awk '$1 == "home/mains/energy" { print $2 }' "$T/before")
awk -v a="$energy_backfill" -v b="$energy_after" 'BEGIN { exit !(b >= a) }' ||
  fail "energy after kill -9 restart $energy_after < back-filled $energy_backfill"
pass "kill -9 leaves a loadable state file"

# A state saved later than the readings of this run (an older back-fill): counters still only continue.
saved_energy=$(jq -r '.sensors["home/mains/energy"].value' "$state")
sensor-sim --house 1 --prefix home --from -3d --to -2d --interval 10m --state "$state" >"$T/old" || fail "old back-fill $?"
first=$(jq -r 'select(.sensor == "home/mains/energy") | .value' "$T/old" | head -1)
awk -v a="$saved_energy" -v b="$first" 'BEGIN { exit !(b >= a - 0.0001) }' ||
  fail "back-fill before the saved time went backwards: saved $saved_energy, first $first"
pass "a saved time after the run's readings never lowers counters"

# Other sensors: exit 1, the file named, nothing written, the file unchanged.
cp "$state" "$T/copy"
for opts in "--house 2 --prefix home" "--house 1 --prefix other" "--house 1 --prefix home --sensor lab/t:temperature"; do
  # shellcheck disable=SC2086
  run sensor-sim $opts --rate 20 --count 5 --state "$state"
  assert_eq 1 "$status" "exit status with $opts"
  assert_contains "$err" "sensor-sim: error: $state is the state of other sensors" "diagnostic with $opts"
  assert_eq "" "$out" "output with $opts"
  cmp -s "$state" "$T/copy" || fail "state file changed by a refused run ($opts)"
done
pass "a state file of other sensors is refused"

echo 'not json' >"$T/bad.state"
run sensor-sim --house 1 --rate 20 --count 5 --state "$T/bad.state"
assert_eq 1 "$status" "exit status with a malformed state file"
assert_contains "$err" "$T/bad.state: not a sensor-sim state file" "malformed state diagnostic"
pass "a malformed state file is refused"

# An unwritable state path fails at once (not after a long back-fill), with nothing written.
run sensor-sim --house 1 --from -1d --interval 1m --state "$T/no/such/dir/sim.state"
assert_eq 1 "$status" "exit status with an unwritable --state"
assert_contains "$err" "sensor-sim: error: cannot write $T/no/such/dir/sim.state:" "unwritable --state diagnostic"
assert_eq "" "$out" "output with an unwritable --state"
pass "an unwritable state path is an error before the run"
