# The systemd units as installed: `systemd-analyze verify` accepts an instance of each
# template (its runner and programs are the installed files, its man pages are found), the
# programs they start exist, and the settings that make them safe to operate are there.
# Once the programs exist, the site unit's command line is run as systemd would run it.
source "$SP_SRC/tests/lib/common.sh"
P=$T/p
cmake --install "$SP_BUILD" --prefix "$P" >/dev/null
tools=" $(sp_tools | tr '\n' ' ') "
units=$T/units
mkdir -p "$units"
for unit in sensorpipe@.service sensorpipe-sim@.service; do
  src=$P/lib/systemd/system/$unit
  [[ -f $src ]] || fail "$unit not installed"
  # Documentation of programs not built yet would make verify fail for the wrong reason.
  docs=""
  for doc in $(sed -n 's/^Documentation=//p' "$src"); do
    page=${doc#man:}; page=${page%%(*}
    if [[ $page == sensorpipe || $tools == *" $page "* ]]; then docs+=" $doc"; else echo "note: $page not built yet; not checked"; fi
  done
  sed "s|^Documentation=.*|Documentation=${docs# }|" "$src" >"$units/$unit"
  # Every program the unit starts is one we install.
  for exe in $(sed -n '/^ExecStart=/,/[^\\]$/p' "$src" | grep -o "$P/[^ ]*"); do
    name=${exe##*/}
    if [[ $name == sensorpipe-pipeline || $tools == *" $name "* ]]; then
      [[ -x $exe ]] || fail "$unit starts $exe, which is not installed"
    else
      case $name in sensor-sim | mqtt-publish | mqtt-ingest | db-store | ws-serve | history-query) echo "note: $name not built yet" ;;
        *) fail "$unit starts an unknown program $exe" ;; esac
    fi
  done
  ln -s "$unit" "$units/${unit/@./@test.}"
done

run env MANPATH="$P/share/man" systemd-analyze verify "$units/sensorpipe@test.service" "$units/sensorpipe-sim@test.service"
assert_eq "" "$out$err" "systemd-analyze verify output"
assert_eq 0 "$status" "systemd-analyze verify exit status"
pass "systemd-analyze verify accepts sensorpipe@test.service and sensorpipe-sim@test.service"

for unit in sensorpipe@.service sensorpipe-sim@.service; do
  text=$(cat "$units/$unit")
  for setting in DynamicUser=yes Restart=on-failure KillMode=mixed KillSignal=SIGTERM \
    "EnvironmentFile=-/etc/sensorpipe/%i.env" ProtectSystem=strict NoNewPrivileges=yes; do
    assert_contains "$text" "$setting" "$unit"
  done
done
assert_contains "$(cat "$units/sensorpipe@.service")" "StateDirectory=sensorpipe/%i" "site unit state directory"
# Every variable the units read is documented in the example environment file.
for var in $(grep -ho '\${\?SENSORPIPE_[A-Z_]*' "$units"/*.service | tr -d '${' | sort -u); do
  grep -q "^#$var=" "$P/share/sensorpipe/systemd/sensorpipe.env.example" || fail "$var not in sensorpipe.env.example"
done
pass "units run unprivileged, restart on failure, drain on stop; env example complete"

# The units' command lines, run as systemd would run them: ExecStart with the defaults of
# the Environment= lines, then the environment file, %i and %S expanded; pointed at a
# private broker, database and port. Together they are the whole system.
start_unit() { # UNIT ENV_FILE
  local unit=$units/$1 exec_start env_lines
  exec_start=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$unit" | sed 's/\\$//' | tr '\n' ' ' | sed 's/^ExecStart=//')
  env_lines=$(sed -n 's/^Environment=//p' "$unit" | sed 's/%i/test/g; s/^"//; s/"$//')
  (
    while IFS= read -r line; do
      if [[ $line == SENSORPIPE_SIM_ARGS=* ]]; then export "${line//%S/$T/state}"; continue; fi
      for kv in $line; do export "${kv//%S/$T/state}"; done
    done <<<"$env_lines"
    set -a; source "$2"; set +a
    cd "$T/state"
    while IFS= read -r pre; do
      [[ -n $pre ]] && { eval "$pre" || exit 1; }
    done <<<"$(sed -n 's/^ExecStartPre=//p' "$unit" | sed 's/%i/test/g')"
    cmd=${exec_start//%i/test}
    cmd=${cmd// | / \'|\' }
    eval "exec $cmd"
  ) >"$T/$1.out" 2>"$T/$1.err" &
  unit_pid=$!
  SP_PIDS+=("$unit_pid")
}
stop_unit() { # UNIT PID
  kill -TERM "$2"
  set +e; wait "$2"; status=$?; set -e
  assert_eq 0 "$status" "$1: exit status after SIGTERM ($(cat "$T/$1.err"))"
}
if [[ $tools == *" mqtt-ingest "* && $tools == *" db-store "* && $tools == *" ws-serve "* && $tools == *" mqtt-publish "* ]]; then
  start_mosquitto
  port=$(free_port)
  mkdir -p "$T/state/sensorpipe/test"
  cat >"$T/test.env" <<ENV
SENSORPIPE_BROKER=$MQTT_URL
SENSORPIPE_LISTEN=127.0.0.1:$port
ENV
  start_unit sensorpipe@.service "$T/test.env"
  site_pid=$unit_pid
  # Its own start-up line, not just an open port (another test's server could have taken it).
  wait_text "$T/sensorpipe@.service.err" "serving http://127.0.0.1:$port/"
  db=$T/state/sensorpipe/test/readings.db
  start_unit sensorpipe-sim@.service "$T/test.env"
  sim_pid=$unit_pid
  for _ in $(seq 150); do
    n=$(history-query -d "$db" --sensor home/kitchen/temperature --since 1h -f jsonl 2>/dev/null | wc -l) || n=0
    ((n >= 2)) && break
    sleep 0.2
  done
  ((n >= 2)) || fail "no readings of the simulated house stored in 30 s: $(cat "$T"/*.service.err)"
  pass "sensorpipe-sim@ publishes, sensorpipe@ stores"
  run curl -fsS "http://127.0.0.1:$port/api/sensors"
  assert_contains "$out" "home/kitchen/temperature" "the site unit's dashboard API"
  # A command as the dashboard sends it reaches the simulated LED through the units.
  for _ in $(seq 20); do
    echo '{"target":"home/led/set","value":64}' | mqtt-publish -b "$MQTT_URL" --topic '{target}'
    sleep 1.5
    last=$(history-query -d "$db" --sensor home/led/brightness --since 5s -f jsonl 2>/dev/null | tail -1)
    [[ $last == *'"value":64'* ]] && break
  done
  assert_contains "$last" '"value":64' "LED brightness after a command"
  pass "a command reaches the simulated LED"
  stop_unit sensorpipe-sim@.service "$sim_pid"
  stop_unit sensorpipe@.service "$site_pid"
  pass "both units' pipelines stop cleanly on SIGTERM"
else
  echo "note: mqtt-ingest, db-store, ws-serve, mqtt-publish not all built: the units' pipelines were not run"
fi
