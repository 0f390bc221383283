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

# The site unit's command line, run as systemd would: its ExecStart with the environment
# file's settings, %i and %S expanded, pointed at a private broker, database and port.
if [[ $tools == *" mqtt-ingest "* && $tools == *" db-store "* && $tools == *" ws-serve "* && $tools == *" mqtt-publish "* ]]; then
  start_mosquitto
  port=$(free_port)
  mkdir -p "$T/state/sensorpipe/test"
  cat >"$T/test.env" <<ENV
SENSORPIPE_BROKER=$MQTT_URL
SENSORPIPE_TOPICS=unit/#
SENSORPIPE_LISTEN=127.0.0.1:$port
ENV
  # Defaults from Environment= lines, then the file, as systemd does.
  exec_start=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$units/sensorpipe@.service" | sed 's/\\$//' | tr '\n' ' ' | sed 's/^ExecStart=//')
  env_lines=$(sed -n 's/^Environment=//p' "$units/sensorpipe@.service" | sed 's/^"//; s/"$//' | tr ' ' '\n' | grep '=')
  (
    set -a
    while IFS= read -r kv; do export "${kv//%S/$T/state}"; done <<<"$(sed 's/%i/test/g' <<<"$env_lines")"
    source "$T/test.env"
    set +a
    cmd=${exec_start//%i/test}
    cmd=${cmd// | / \'|\' }
    cd "$T/state/sensorpipe/test"
    eval "exec $cmd"
  ) >"$T/unit.out" 2>"$T/unit.err" &
  unit_pid=$!
  SP_PIDS+=("$unit_pid")
  wait_port "$port"
  db=$T/state/sensorpipe/test/readings.db
  # Until the ingester has subscribed, messages would go nowhere: probe first.
  for _ in $(seq 60); do
    echo '{"value":1}' | mqtt-publish -b "$MQTT_URL" --topic unit/probe 2>>"$T/pub.err"
    sleep 0.5
    history-query -d "$db" --sensor unit/probe --since 1h -f jsonl 2>/dev/null | grep -q . && break
  done
  sensor-sim --house 1 --count 50 | mqtt-publish -b "$MQTT_URL" -q 1 --topic 'unit/{sensor}' 2>>"$T/pub.err"
  for _ in $(seq 100); do
    n=$(history-query -d "$db" --sensor 'unit/house1/#' --since 1h -f jsonl 2>/dev/null | wc -l) || n=0
    ((n >= 50)) && break
    sleep 0.1
  done
  kill -TERM "$unit_pid"
  set +e; wait "$unit_pid"; status=$?; set -e
  assert_eq 0 "$status" "the unit's pipeline exit status after SIGTERM ($(cat "$T/unit.err"))"
  assert_eq 50 "$(history-query -d "$db" --sensor 'unit/house1/#' --since 1h -f jsonl | wc -l)" "readings stored by the unit's pipeline"
  pass "the site unit's pipeline stores what is published and stops cleanly"
else
  echo "note: mqtt-ingest, db-store, ws-serve, mqtt-publish not all built: the unit's pipeline was not run"
fi
