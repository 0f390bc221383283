# The systemd units as installed: `systemd-analyze verify` accepts an instance of each
# template (its runner and programs are the installed files, its man pages are found), the
# programs they start exist, and the settings that make them safe to operate are there.
# Once the programs exist, the units' command lines are run as systemd would run them: the
# site and the simulator on SQLite, then on a private PostgreSQL server whose password comes
# from the password file the units hand to libpq, and two ingest hosts of one group.
source "$SP_SRC/tests/lib/common.sh"
P=$T/p
cmake --install "$SP_BUILD" --prefix "$P" >/dev/null
tools=" $(sp_tools | tr '\n' ' ') "
units=$T/units
mkdir -p "$units"
all_units=(sensorpipe@.service sensorpipe-sim@.service sensorpipe-ingest@.service)
for unit in "${all_units[@]}"; do
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

run env MANPATH="$P/share/man" systemd-analyze verify "$units/sensorpipe@test.service" "$units/sensorpipe-sim@test.service" \
  "$units/sensorpipe-ingest@test.service"
assert_eq "" "$out$err" "systemd-analyze verify output"
assert_eq 0 "$status" "systemd-analyze verify exit status"
pass "systemd-analyze verify accepts sensorpipe@test.service, sensorpipe-sim@test.service and sensorpipe-ingest@test.service"

for unit in "${all_units[@]}"; do
  text=$(cat "$units/$unit")
  for setting in DynamicUser=yes Restart=on-failure KillMode=mixed KillSignal=SIGTERM \
    "EnvironmentFile=-/etc/sensorpipe/%i.env" ProtectSystem=strict NoNewPrivileges=yes; do
    assert_contains "$text" "$setting" "$unit"
  done
done
assert_contains "$(cat "$units/sensorpipe@.service")" "StateDirectory=sensorpipe/%i" "site unit state directory"
# The database's password: a libpq password file handed over by systemd, never in the unit.
for unit in sensorpipe@.service sensorpipe-ingest@.service; do
  text=$(cat "$units/$unit")
  for setting in "LoadCredential=pgpass:/etc/sensorpipe/%i.pgpass" "SetCredential=pgpass:# none" "Environment=PGPASSFILE=%d/pgpass"; do
    assert_contains "$text" "$setting" "$unit"
  done
  assert_not_contains "$text" "PGPASSWORD" "$unit"
done
assert_contains "$(cat "$units/sensorpipe-ingest@.service")" "--group \${SENSORPIPE_GROUP}" "ingest unit's shared subscription"
assert_contains "$(cat "$units/sensorpipe-ingest@.service")" "-i sensorpipe-%H-%i-ingest" "ingest unit's client id names the host"
# Every variable the units read is documented in the example environment file.
for var in $(grep -ho '\${\?SENSORPIPE_[A-Z_]*' "$units"/*.service | tr -d '${' | sort -u); do
  grep -q "^#$var=" "$P/share/sensorpipe/systemd/sensorpipe.env.example" || fail "$var not in sensorpipe.env.example"
done
grep -q "^#PGPASSFILE=" "$P/share/sensorpipe/systemd/sensorpipe.env.example" || fail "PGPASSFILE not in sensorpipe.env.example"
pass "units run unprivileged, restart on failure, drain on stop, take the database password from a file; env example complete"

# The units' command lines, run as systemd would run them: ExecStart with the defaults of
# the Environment= lines, then the environment file, %i, %S, %H (the host: $UNIT_HOST) and
# %d (the credentials directory) expanded; the credentials as systemd makes them (the
# SetCredential= value, replaced by the LoadCredential= file if there is one, read-only for
# the service's user; /etc/sensorpipe/ is $T/etc/ here); pointed at a private broker,
# database and port. Together they are the whole system.
start_unit() { # UNIT ENV_FILE [INSTANCE]
  local unit=$units/$1 exec_start env_lines inst=${3:-test} creds id value
  creds=$T/creds/$1.$inst.${UNIT_HOST:-host}
  mkdir -p "$creds"
  while IFS=: read -r id value; do printf '%s' "$value" >"$creds/$id"; done < <(sed -n 's/^SetCredential=//p' "$unit")
  while IFS=: read -r id value; do
    value=${value//%i/$inst}
    value=${value/#\/etc\/sensorpipe\//$T/etc/}
    [[ -f $value ]] && cp "$value" "$creds/$id"
  done < <(sed -n 's/^LoadCredential=//p' "$unit")
  find "$creds" -type f -exec chmod 0400 {} +
  exec_start=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$unit" | sed 's/\\$//' | tr '\n' ' ' | sed 's/^ExecStart=//')
  exec_start=${exec_start//%H/${UNIT_HOST:-host}}
  env_lines=$(sed -n 's/^Environment=//p' "$unit" | sed "s/%i/$inst/g; s|%d|$creds|g; s/^\"//; s/\"$//")
  (
    while IFS= read -r line; do
      if [[ $line == SENSORPIPE_SIM_ARGS=* ]]; then export "${line//%S/$T/state}"; continue; fi
      for kv in $line; do export "${kv//%S/$T/state}"; done
    done <<<"$env_lines"
    set -a; source "$2"; set +a
    cd "$T/state"
    while IFS= read -r pre; do
      [[ -n $pre ]] && { eval "$pre" || exit 1; }
    done <<<"$(sed -n 's/^ExecStartPre=//p' "$unit" | sed "s/%i/$inst/g")"
    cmd=${exec_start//%i/$inst}
    cmd=${cmd// | / \'|\' }
    eval "exec $cmd"
  ) >"$T/$1${UNIT_HOST:+.$UNIT_HOST}.out" 2>"$T/$1${UNIT_HOST:+.$UNIT_HOST}.err" &
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

  # PostgreSQL: a role that must give a password (scram-sha-256 on the socket; everyone else
  # keeps trust), the password only in the libpq password file /etc/sensorpipe/NAME.pgpass.
  source "$SP_SRC/tests/lib/pg.sh"
  chmod 755 "$T"
  pg_start
  pg_sql "CREATE ROLE sensorpipe LOGIN PASSWORD 'fleet-secret-42'" >/dev/null
  pg_sql "CREATE DATABASE sensorpipe OWNER sensorpipe" >/dev/null
  hba=$(pg_sql "SHOW hba_file")
  pg_as sh -c "{ echo 'local all sensorpipe scram-sha-256'; cat '$hba'; } >'$hba.new' && mv '$hba.new' '$hba'"
  pg_sql "SELECT pg_reload_conf()" >/dev/null
  url="postgresql:///sensorpipe?host=$PG_DIR&port=5432&user=sensorpipe"
  run env PGPASSFILE=/dev/null db-store -d "$url" --quiet </dev/null
  assert_eq 1 "$status" "db-store without the password"
  mkdir -p "$T/etc"
  for inst in test fleet; do
    (umask 077; echo "*:*:sensorpipe:sensorpipe:fleet-secret-42" >"$T/etc/$inst.pgpass")
  done
  export PGPASSFILE=$T/etc/test.pgpass # for history-query here
  port=$(free_port)
  cat >"$T/pg.env" <<ENV
SENSORPIPE_BROKER=$MQTT_URL
SENSORPIPE_LISTEN=127.0.0.1:$port
SENSORPIPE_DB="$url"
ENV
  start_unit sensorpipe@.service "$T/pg.env"
  site_pid=$unit_pid
  wait_text "$T/sensorpipe@.service.err" "serving http://127.0.0.1:$port/"
  start_unit sensorpipe-sim@.service "$T/pg.env"
  sim_pid=$unit_pid
  has_kitchen() { (($(history-query -d "$url" --sensor home/kitchen/temperature --since 1h -f jsonl 2>/dev/null | wc -l) >= 2)); }
  poll_until 60 has_kitchen || fail "no readings of the simulated house in PostgreSQL in 60 s: $(cat "$T"/*.service.err)"
  run curl -fsS "http://127.0.0.1:$port/api/sensors"
  assert_contains "$out" '"sensor":"home/kitchen/temperature"' "the site unit's dashboard API on PostgreSQL"
  stop_unit sensorpipe-sim@.service "$sim_pid"
  stop_unit sensorpipe@.service "$site_pid"
  assert_not_contains "$(cat "$T"/*.service.err)" "fleet-secret-42" "the units' diagnostics"
  pass "sensorpipe@ stores into PostgreSQL with the password from /etc/sensorpipe/NAME.pgpass"

  # Two ingest hosts of one group (two host names: their client ids differ): every reading
  # published at QoS 1 is stored once, and each host stored a share.
  cat >"$T/fleet.env" <<ENV
SENSORPIPE_BROKER=$MQTT_URL
SENSORPIPE_TOPICS=fleet/#
SENSORPIPE_DB="$url"
SENSORPIPE_STORE_ARGS=--verbose
ENV
  UNIT_HOST=ingest-a start_unit sensorpipe-ingest@.service "$T/fleet.env" fleet
  ingest_a=$unit_pid
  UNIT_HOST=ingest-b start_unit sensorpipe-ingest@.service "$T/fleet.env" fleet
  ingest_b=$unit_pid
  wait_text "$T/sensorpipe-ingest@.service.ingest-a.err" "as sensorpipe-ingest-a-fleet-ingest"
  wait_text "$T/sensorpipe-ingest@.service.ingest-b.err" "as sensorpipe-ingest-b-fleet-ingest"
  n=2000
  awk -v n=$n 'BEGIN { for (i = 0; i < n; i++) printf "{\"sensor\":\"fleet/s%d/temperature\",\"ts\":%d,\"value\":%d}\n", i % 20, 1795341600 + i, i }' |
    mqtt-publish -b "$MQTT_URL" -q 1 --topic '{sensor}'
  count() { history-query -d "$url" --sensor 'fleet/*' --from 0 -f jsonl 2>/dev/null | wc -l; }
  has_all() { (($(count) >= n)); }
  poll_until 60 has_all || fail "$(count) of $n readings stored by the two ingest hosts"
  stop_unit sensorpipe-ingest@.service "$ingest_a"
  stop_unit sensorpipe-ingest@.service "$ingest_b"
  assert_eq "$n" "$(count)" "readings stored by the two ingest hosts"
  for h in a b; do
    summary=$(grep "db-store: .* readings: " "$T/sensorpipe-ingest@.service.ingest-$h.err") || fail "ingest-$h: no db-store summary: $(cat "$T/sensorpipe-ingest@.service.ingest-$h.err")"
    stored=$(sed 's/.*readings: \([0-9]*\) new.*/\1/' <<<"$summary")
    ((stored > 0 && stored < n)) || fail "ingest-$h stored $stored of $n readings: $summary"
  done
  pass "two sensorpipe-ingest@ hosts of one group store every reading once, each a share"
else
  echo "note: mqtt-ingest, db-store, ws-serve, mqtt-publish not all built: the units' pipelines were not run"
fi
