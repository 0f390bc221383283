#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the whole system on this machine:
# a private mosquitto broker on a free loopback port, a week of back-filled history, a
# simulated house publishing live (and obeying the dashboard's commands), the ingest ->
# store -> dashboard pipeline, and the dashboard's commands back to the broker.
# With --postgres the history goes into a private PostgreSQL server (scripts/lib/pg-server.sh,
# the tests' set-up) instead of the SQLite file.
# Prints the dashboard URL and the data directory; Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
me=run.sh

usage() {
  cat <<'EOF'
Usage: scripts/run.sh [OPTIONS]

Installs what is missing (scripts/deps.sh --run), builds (scripts/build.sh), and runs the
whole sensorpipe system until Ctrl-C or SIGTERM, which stop every process it started.

Options:
  --port N          dashboard port on 127.0.0.1 (default 8080, or the next free one)
  --data-dir DIR    database, broker config and logs (default .run/ in the source tree)
  --houses N        number of simulated households (default 1)
  --no-backfill     do not back-fill a week of history into a new database
  --postgres        keep the history in a private PostgreSQL server (its cluster in
                    DIR/postgres, listening on a unix socket there only) instead of
                    DIR/home.db; it is started and stopped with the rest
  --bin DIR         use the programs in DIR; skip installing and building
  -h, --help        print this help
EOF
}

port="" data_dir="$src/.run" houses=1 backfill=1 bin="" postgres=0
while (($#)); do
  case $1 in
    --port) port=${2:?--port needs a number}; shift 2 ;;
    --port=*) port=${1#*=}; shift ;;
    --data-dir) data_dir=${2:?--data-dir needs a directory}; shift 2 ;;
    --data-dir=*) data_dir=${1#*=}; shift ;;
    --houses) houses=${2:?--houses needs a number}; shift 2 ;;
    --houses=*) houses=${1#*=}; shift ;;
    --no-backfill) backfill=0; shift ;;
    --postgres) postgres=1; shift ;;
    --bin) bin=${2:?--bin needs a directory}; shift 2 ;;
    --bin=*) bin=${1#*=}; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "$me: error: unknown option '$1'" >&2; echo "Try 'scripts/run.sh --help' for more information." >&2; exit 2 ;;
  esac
done
[[ $houses =~ ^[1-9][0-9]*$ ]] || { echo "$me: error: --houses: expected a positive number, got '$houses'" >&2; exit 2; }
[[ -z $port || $port =~ ^[1-9][0-9]*$ && $port -lt 65536 ]] || { echo "$me: error: --port: expected a port number, got '$port'" >&2; exit 2; }

if [[ -z $bin ]]; then
  if ((postgres)); then scripts/deps.sh --run --postgres; else scripts/deps.sh --run; fi
  # The first build takes minutes: show its progress on a terminal, keep the log.
  build_log=${TMPDIR:-/tmp}/sensorpipe-build.log
  echo "$me: building (scripts/build.sh build; log: $build_log)" >&2
  if ! scripts/build.sh build 2>&1 | tee "$build_log" | {
    if [[ -t 2 ]]; then
      grep --line-buffered -o '^\[ *[0-9]*%\]' | while read -r p; do printf '\r%s: building %s ' "$me" "$p" >&2; done
      printf '\n' >&2
    else cat >/dev/null; fi
  }; then
    tail -30 "$build_log" >&2
    echo "$me: error: the build failed (log above)" >&2
    exit 1
  fi
  bin=$src/build/bin
fi
bin=$(cd "$bin" && pwd)
runner=$src/share/sensorpipe/systemd/sensorpipe-pipeline
mkdir -p "$data_dir"
data_dir=$(cd "$data_dir" && pwd)
# One run per data directory: two would write one database through two brokers.
exec 9>"$data_dir/.run.lock"
flock -n 9 || { echo "$me: error: another scripts/run.sh is using $data_dir (use --data-dir)" >&2; exit 1; }
logs=$data_dir/logs
mkdir -p "$logs" "$data_dir/mosquitto"
db=$data_dir/home.db

have() { [[ -x $bin/$1 ]]; }
((postgres == 0)) || have db-store || { echo "$me: error: --postgres needs $bin/db-store, which is missing" >&2; exit 1; }
# While the programs land one by one, run what exists and say what is missing.
missing=()
for p in sensor-sim mqtt-publish mqtt-ingest db-store ws-serve history-query; do have "$p" || missing+=("$p"); done
have sensor-sim || { echo "$me: error: $bin/sensor-sim is missing: nothing to run" >&2; exit 1; }
((${#missing[@]} == 0)) || echo "$me: note: not built yet: ${missing[*]}; running what exists" >&2
mqtt=0
have mqtt-publish && have mqtt-ingest && command -v mosquitto >/dev/null && mqtt=1
[[ $mqtt == 1 ]] || echo "$me: note: without mqtt-publish, mqtt-ingest and mosquitto the house feeds the store directly and the dashboard's commands go nowhere" >&2

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { # a port the kernel picks, so it is free now
  if command -v node >/dev/null; then
    node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
  else
    local p
    for p in $(shuf -i 20000-60000 -n 50); do port_busy "$p" || { echo "$p"; return; }; done
    return 1
  fi
}
if [[ -z $port ]]; then
  port=8080
  while port_busy "$port" && ((port < 8100)); do port=$((port + 1)); done
  port_busy "$port" && port=$(free_port)
elif port_busy "$port"; then
  echo "$me: error: port $port on 127.0.0.1 is in use; choose another with --port" >&2
  exit 1
fi

# Houses: one is "home/..." (as in the man pages); several are home/house1/..., home/house2/...
if ((houses == 1)); then prefix=home set_filter='home/+/set'; else prefix='home/house{n}' set_filter='home/+/+/set'; fi
# The simulation state (energy and water totals, daily usage, LED, relay): the live house
# continues from the back-fill's end and from the previous run, so counters never drop.
# One file per house count: a state file of other sensors is refused by sensor-sim.
if ((houses == 1)); then sim_state=$data_dir/sim.state; else sim_state=$data_dir/sim-$houses-houses.state; fi

# Every process this script starts is recorded here, so Ctrl-C can stop each one by PID.
pids_file=$data_dir/run.pids
: >"$pids_file"
jobs_started=() job_names=()
stopping=0 pg_started=0

# stop NAME...: SIGTERM to one started job; its runner drains the pipeline in order.
stop_job() {
  local i=$1 pid=${jobs_started[$1]} t
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((t = 0; t < 300; t++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "$me: ${job_names[i]} did not stop within 30s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}
# Stops in the order that loses nothing: sources first, the broker last.
shutdown() {
  local i
  trap '' INT TERM HUP
  ((stopping)) && return
  stopping=1
  echo "$me: stopping" >&2
  for ((i = ${#jobs_started[@]} - 1; i >= 0; i--)); do stop_job "$i"; done
  # Any stage a runner could not stop (it was killed itself) is stopped by its PID here.
  local pid
  while read -r pid; do kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null; done <"$pids_file"
  if ((pg_started)); then
    # After the pipeline: db-store has committed everything it drained.
    local pg_pid
    pg_pid=$(pg_server_pid "$pg_dir" 2>/dev/null) || pg_pid=""
    pg_server_stop "$pg_dir" fast && [[ -n $pg_pid ]] && echo "$me: PostgreSQL server (PID $pg_pid) stopped" >&2
  fi
  if ((pg_started)) && [[ $pg_dir != "$data_dir"/* ]]; then
    echo "$me: stopped; data kept in $data_dir (the PostgreSQL cluster in $pg_dir)" >&2
  else
    echo "$me: stopped; data kept in $data_dir" >&2
  fi
}
trap 'shutdown; exit 0' INT TERM HUP
trap 'shutdown' EXIT

# 0. With --postgres: the private PostgreSQL server, set up as the tests do, but durable
# (fsync on: this history is kept between runs). Its cluster is DIR/postgres; as root the
# server runs as the postgres user, which may not be able to enter DIR (e.g. under /root):
# then the cluster lives in /var/tmp, one per data directory, kept between runs too.
if ((postgres)); then
  source "$src/scripts/lib/pg-server.sh"
  PG_SERVER_ME=$me
  pg_dir=$data_dir/postgres
  if [[ $(id -u) -eq 0 ]] && ! runuser -u postgres -- test -x "$data_dir" 2>/dev/null; then
    pg_dir=/var/tmp/sensorpipe-run-postgres-$(printf '%s' "$data_dir" | md5sum | cut -c1-12)
    echo "$me: the postgres user cannot enter $data_dir: the PostgreSQL cluster is in $pg_dir" >&2
  fi
  # A server left running by a run that was killed: this data directory is ours (the lock).
  old_pid=$(pg_server_pid "$pg_dir" 2>/dev/null) || old_pid=""
  if [[ -n $old_pid ]] && kill -0 "$old_pid" 2>/dev/null; then
    echo "$me: stopping the PostgreSQL server a previous run left running (PID $old_pid)" >&2
    pg_server_stop "$pg_dir" fast || exit 1
  fi
  [[ -f $pg_dir/data/PG_VERSION ]] || echo "$me: creating a PostgreSQL cluster in $pg_dir" >&2
  pg_server_init "$pg_dir" || exit 1
  pg_started=1
  pg_server_start "$pg_dir" || exit 1
  pg_server_pid "$pg_dir" >>"$pids_file"
  pg_server_createdb "$pg_dir" sensorpipe ||
    { echo "$me: error: cannot create the database sensorpipe (see $pg_dir/server.log)" >&2; exit 1; }
  db=$(pg_server_url "$pg_dir" sensorpipe)
fi
# Whether the database already holds readings (then there is no back-fill).
has_history() {
  if ((postgres)); then
    [[ $(psql -X -q -At -d "$db" -c 'SELECT EXISTS (SELECT 1 FROM readings)' 2>/dev/null) == t ]]
  else
    [[ -s $db ]]
  fi
}

# 1. A week of history, so that the charts are full at once (only into a new database).
if ((backfill)) && have db-store; then
  if has_history; then
    if ((postgres)); then
      echo "$me: the database has readings: no back-fill (remove $pg_dir for a fresh week of history)" >&2
    else
      echo "$me: $db exists: no back-fill (remove it for a fresh week of history)" >&2
    fi
  else
    echo "$me: back-filling 7 days of history into $db" >&2
    # Ctrl-C reaches both programs (same process group): they drain, then we stop.
    trap 'stopping=1' INT TERM HUP
    "$bin/sensor-sim" --house "$houses" --prefix "$prefix" --from -7d --to now --interval 1m --state "$sim_state" |
      "$bin/db-store" -d "$db" --quiet 2>>"$logs/backfill.log" ||
      echo "$me: warning: the back-fill did not complete (see $logs/backfill.log)" >&2
    trap 'shutdown; exit 0' INT TERM HUP
    ((stopping)) && { stopping=0; shutdown; exit 0; }
  fi
fi

# start NAME CMD...: a background job in its own process group (job control), so that the
# terminal's Ctrl-C reaches this script only and the stop happens in order.
set -m
start() {
  local name=$1; shift
  "$@" </dev/null >>"$logs/$name.log" 2>&1 9>&- &
  jobs_started+=("$!") job_names+=("$name")
  echo "$!" >>"$pids_file"
}
# pipeline NAME STAGE '|' STAGE ...: the stages run under sensorpipe-pipeline, which
# writes their PIDs next to ours and drains them on SIGTERM.
pipeline() {
  local name=$1; shift
  start "$name" "$runner" --name "$name" --pid-file "$data_dir/$name.pids" "$@"
}
wait_port() { # PORT SECONDS JOB_INDEX
  local t
  for ((t = 0; t < $2 * 10; t++)); do
    port_busy "$1" && return 0
    kill -0 "${jobs_started[$3]}" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
fail_job() { # JOB_INDEX MESSAGE
  echo "$me: error: $2; the end of $logs/${job_names[$1]}.log:" >&2
  tail -15 "$logs/${job_names[$1]}.log" | sed 's/^/  /' >&2
  exit 1
}

# 2. The broker: loopback only, a free port, settings that neither drop nor throttle.
broker_url=""
if ((mqtt)); then
  mqtt_port=$(free_port)
  cat >"$data_dir/mosquitto/mosquitto.conf" <<EOF
# Generated by scripts/run.sh: a private broker for this run.
listener $mqtt_port 127.0.0.1
allow_anonymous true
# Never drop queued messages (the default of 1000 does, even at QoS 1) and never throttle.
max_queued_messages 0
max_inflight_messages 0
# Live readings go out at once (no Nagle delay towards the subscribers).
set_tcp_nodelay true
persistence true
persistence_location $data_dir/mosquitto/
log_dest file $data_dir/mosquitto/mosquitto.log
# Started as root, mosquitto switches to this user; it owns the data directory.
user $(stat -c %U "$data_dir")
EOF
  start mosquitto mosquitto -c "$data_dir/mosquitto/mosquitto.conf"
  wait_port "$mqtt_port" 10 0 || fail_job 0 "mosquitto did not start on 127.0.0.1:$mqtt_port"
  broker_url=mqtt://127.0.0.1:$mqtt_port
fi

# 3. Broker -> history -> dashboard; the dashboard's commands -> broker.
# The database gets its schema first: ws-serve must not open a half-created file.
if have db-store; then
  "$bin/db-store" -d "$db" --quiet </dev/null 2>>"$logs/serve.log" ||
    { echo "$me: error: cannot create the database $db (see $logs/serve.log)" >&2; exit 1; }
fi
stages=()
if ((mqtt)); then
  # Commands to the house (home/.../set) are on the broker too; they are not readings.
  stages+=("$bin/mqtt-ingest" -b "$broker_url" -t 'home/#' -T "$set_filter" --persistent -i sensorpipe-run-ingest)
else
  stages+=("$bin/sensor-sim" --house "$houses" --prefix "$prefix" --rate 1 --state "$sim_state")
fi
if have db-store; then
  stages+=('|' "$bin/db-store" -d "$db")
  have ws-serve || stages+=(--quiet)
fi
if have ws-serve; then
  # A sample tariff, so the energy page shows what the house costs (ws-serve(1), --tariff).
  stages+=('|' "$bin/ws-serve" -d "$db" --listen "127.0.0.1:$port" --exit-on-eof --tariff 0.30/kWh --tariff 2.5/m3)
  ((mqtt)) && stages+=('|' "$bin/mqtt-publish" -b "$broker_url" --topic '{target}')
fi
if ! have db-store && ! have ws-serve; then
  stages+=('|' tee "$data_dir/readings.jsonl")
fi
pipeline serve "${stages[@]}"
serve_job=$((${#jobs_started[@]} - 1))

# 4. The simulated house, publishing live and obeying commands on its .../set topics.
if ((mqtt)); then
  # sensor-sim keeps simulating when its command input ends: stop it 2 s after the
  # subscriber, so Ctrl-C is quick (nothing is lost: the house is a source).
  SENSORPIPE_DRAIN_TIMEOUT=2 pipeline house "$bin/mqtt-ingest" -b "$broker_url" -t "$set_filter" -i sensorpipe-run-house \
    '|' "$bin/sensor-sim" --house "$houses" --prefix "$prefix" --rate 1 --actuators --state "$sim_state" \
    '|' "$bin/mqtt-publish" -b "$broker_url" -q 1 --topic '{sensor}'
fi

echo
if have ws-serve; then
  wait_port "$port" 15 "$serve_job" || fail_job "$serve_job" "the dashboard did not come up on 127.0.0.1:$port"
  echo "  dashboard  http://127.0.0.1:$port/"
  echo "  energy     http://127.0.0.1:$port/energy.html   (sample tariff 0.30/kWh, 2.5/m3)"
else
  echo "  dashboard  (ws-serve is not built yet)"
fi
[[ -n $broker_url ]] && echo "  broker     $broker_url   (topics home/#)"
if ((postgres)); then
  echo "  data       $data_dir   (logs/; PostgreSQL cluster and server.log in $pg_dir)"
  echo "  database   $db"
  echo "  query      $bin/history-query -d '$db' --since 1h --every 5m -f table"
  echo "  psql       psql '$db' -c 'SELECT name, count(*) FROM readings JOIN sensors ON sensors.id = sensor_id GROUP BY 1'"
else
  echo "  data       $data_dir   (home.db, logs/)"
  echo "  query      $bin/history-query -d $db --since 1h --every 5m -f table"
fi
echo
echo "Press Ctrl-C to stop."

# Run until a signal, or until a job ends by itself (a failure: say which, then stop).
set +e
while ((stopping == 0)); do
  for i in "${!jobs_started[@]}"; do
    if ! kill -0 "${jobs_started[i]}" 2>/dev/null; then
      wait "${jobs_started[i]}"
      status=$?
      trap - EXIT
      shutdown
      echo "$me: error: ${job_names[i]} ended (status $status); the end of $logs/${job_names[i]}.log:" >&2
      tail -15 "$logs/${job_names[i]}.log" | sed 's/^/  /' >&2
      exit 1
    fi
  done
  sleep 1 &
  wait $! 2>/dev/null
done
