# scripts/run.sh, the README's first command (with --bin: the build is the test's own):
# it brings up the whole system on a free port and a temporary data directory, the
# dashboard URL it prints answers, history is back-filled, live readings arrive through the
# broker, a command reaches the simulated LED, and Ctrl-C (SIGINT) stops every process it
# started. Also: it runs what exists when programs are missing, and rejects bad options.
source "$SP_SRC/tests/lib/common.sh"
run_sh=$SP_SRC/scripts/run.sh
tools=" $(sp_tools | tr '\n' ' ') "
built() { [[ $tools == *" $1 "* ]]; }

run "$run_sh" --houses 0
assert_eq 2 "$status" "run.sh --houses 0"
assert_contains "$err" "run.sh: error: --houses" "run.sh --houses 0 message"
run "$run_sh" --frobnicate
assert_eq 2 "$status" "run.sh with an unknown option"
run "$run_sh" --help
assert_eq 0 "$status" "run.sh --help"
assert_contains "$out" "--data-dir DIR" "run.sh --help"
pass "options"

source "$SP_SRC/tests/system/run_lib.sh"  # start_run, stop_run
has_live_readings() { (($(history-query -d "$db" --sensor "$1" --since 30s -f jsonl 2>/dev/null | wc -l) >= 2)); }
# Waits up to 30 s until the database $db has at least two live readings of SENSOR.
wait_live_readings() { # SENSOR
  poll_until 30 has_live_readings "$1" || fail "no live readings of $1 in 30 s"
}

# With only sensor-sim and db-store (programs still landing): it says so and runs them.
mkdir -p "$T/partial-bin" "$T/partial"
ln -s "$SP_BIN/sensor-sim" "$T/partial-bin/sensor-sim"
built db-store && ln -s "$SP_BIN/db-store" "$T/partial-bin/db-store"
start_run "$T/partial" --bin "$T/partial-bin" --no-backfill --port "$(free_port)"
assert_contains "$(cat "$T/partial.err")" "run.sh: note: not built yet: mqtt-publish mqtt-ingest" "note on missing programs"
assert_contains "$(cat "$T/partial.out")" "dashboard  (ws-serve is not built yet)" "no dashboard without ws-serve"
[[ -n $started ]] || fail "no PIDs recorded"
stop_run "$T/partial"
pass "runs what exists and stops every process ($(echo $started | wc -w)) on SIGINT"

# The whole system.
port=$(free_port)
start_run "$T/data" --bin "$SP_BIN" --port "$port"
out=$(cat "$T/data.out")
db=$T/data/home.db
if built db-store && built history-query; then
  run history-query -d "$db" --list-sensors -f jsonl
  assert_contains "$out" '"sensor":"home/kitchen/temperature"' "back-filled sensors"
  run history-query -d "$db" --sensor home/kitchen/temperature --from -7d --to -6d -f jsonl
  (($(wc -l <<<"$out") >= 1000)) || fail "a week of history: only $(wc -l <<<"$out") readings of home/kitchen/temperature 6-7 days ago"
  pass "a week of history back-filled"
fi
if built ws-serve; then
  assert_contains "$(cat "$T/data.out")" "dashboard  http://127.0.0.1:$port/" "dashboard URL printed"
  run curl -fsS "http://127.0.0.1:$port/"
  assert_eq 0 "$status" "GET the dashboard URL: $err"
  assert_contains "$out" "<html" "the dashboard page"
  run curl -fsS "http://127.0.0.1:$port/api/sensors"
  assert_eq 0 "$status" "GET /api/sensors: $err"
  assert_contains "$out" "home/kitchen/temperature" "/api/sensors lists the house"
  energy_url=$(sed -n 's/^ *energy *\(http:[^ ]*\).*/\1/p' "$T/data.out")
  assert_eq "http://127.0.0.1:$port/energy.html" "$energy_url" "energy page URL printed"
  run curl -fsS "http://127.0.0.1:$port/api/config"
  assert_contains "$out" '"per_base":0.3' "the demo's sample energy tariff reaches the energy page"
  pass "the dashboard and energy page URLs answer"
fi
if built mqtt-ingest && built mqtt-publish && built db-store && built history-query; then
  broker=$(sed -n 's/^ *broker *\(mqtt:[^ ]*\).*/\1/p' "$T/data.out")
  [[ -n $broker ]] || fail "no broker URL printed"
  # Live readings flow through the broker into the database.
  wait_live_readings home/kitchen/temperature
  pass "live readings arrive through the broker"
  # The live house continues the back-fill's counters (one --state file): the energy
  # total neither falls nor jumps where the history hands over to live readings (a
  # minute of the whole house at full load is well under 1 kWh).
  wait_live_readings home/mains/energy
  [[ -s $T/data/sim.state ]] || fail "run.sh left no sim.state in the data directory"
  history-query -d "$db" --sensor home/mains/energy --from -8d -f jsonl >"$T/energy.jsonl"
  drops=$(jq -rs '[.[].value] as $v | [range(1; $v | length) | select($v[.] < $v[. - 1] or $v[.] - $v[. - 1] > 5) | "\($v[. - 1]) -> \($v[.])"] | join(", ")' "$T/energy.jsonl")
  assert_eq "" "$drops" "home/mains/energy falls or jumps ($(wc -l <"$T/energy.jsonl") readings)"
  pass "home/mains/energy continues from the back-fill into live readings"
  # A command, as the dashboard's slider sends it, dims the simulated LED.
  # (Sent again until it shows: the house's own subscriber may still be connecting.)
  for _ in $(seq 20); do
    echo '{"target":"home/led/set","value":37}' | mqtt-publish -b "$broker" -q 1 --topic '{target}'
    sleep 1.5
    last=$(history-query -d "$db" --sensor home/led/brightness --since 5s -f jsonl 2>/dev/null | tail -1)
    [[ $last == *'"value":37'* ]] && break
  done
  assert_contains "$last" '"value":37' "LED brightness after the command"
  run history-query -d "$db" --list-sensors -f jsonl
  assert_not_contains "$out" '"sensor":"home/led/set"' "commands are not stored as readings"
  pass "the actuator loop: a command on home/led/set sets the LED"
fi
run "$run_sh" --bin "$SP_BIN" --data-dir "$T/data" --port "$(free_port)"
assert_eq 1 "$status" "a second run.sh on the same data directory"
assert_contains "$err" "run.sh: error: another scripts/run.sh is using $T/data" "second run.sh message"
pass "a second run.sh on the same data directory is refused"
stop_run "$T/data"
pass "SIGINT stops all $(echo $started | wc -w) processes run.sh started"
