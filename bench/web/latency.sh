#!/usr/bin/env bash
# End-to-end latency at 1,000 readings/s (10 sensors every 10 ms, or SENSORS=1: one every
# 1 ms; sensor-sim live): median,
# p99 and max of (arrival at the last hop - the reading's ts), goal p99 under 5 ms for
#   full      sensor-sim -> mqtt-publish -> mosquitto -> mqtt-ingest -> db-store -> ws-serve -> WebSocket client
# and, to see where the time goes, the same readings through shorter chains:
#   sim       sensor-sim -> reader (the floor: the simulator's pacing and one pipe)
#   mqtt-sub  sensor-sim -> mqtt-publish -> mosquitto -> mosquitto_sub (the broker hop with mosquitto's own client)
#   ingest    sensor-sim -> mqtt-publish -> mosquitto -> mqtt-ingest
#   store     sensor-sim -> db-store -> reader
#   ws        sensor-sim -> ws-serve -> WebSocket client
#   store-ws  sensor-sim -> db-store -> ws-serve -> WebSocket client (no MQTT)
#
#   bench/web/latency.sh [READINGS [RUNS [CHAIN...]]]    (default 10000 readings, 1 run, every chain)
# (mqtt-sub, ingest and full need mosquitto, mosquitto_sub and the MQTT tools in the build.)
#
# Every process runs on its own with its PID recorded (pipes are fifos), its stderr goes to a
# log that is shown when something fails, and all of them are stopped (TERM, then KILL) when
# the script ends for any reason. The reader gives up after a deadline, so a stalled chain
# ends the script with an error instead of hanging it.
source "$(dirname "$0")/../lib.sh"
export NODE_PATH="$BENCH_ROOT/node_modules"
n=${1:-10000}
runs=${2:-1}
shift $(($# < 2 ? $# : 2))
chains=("$@")
((${#chains[@]})) || chains=(sim mqtt-sub ingest store ws store-ws full)
skip=2000                                # warm-up readings (connections, SQLite's first commits)
# SENSORS=10 (default): 10 sensors every 10 ms, i.e. bursts of 10 simultaneous readings;
# SENSORS=1: one sensor every 1 ms, readings evenly spaced.
SENSORS=${SENSORS:-10}
deadline=$(((n + skip) / 1000 + 30))     # seconds the reader waits before giving up
here="$BENCH_ROOT/bench/web"
log="$BENCH_TMP/stderr.log"
: >"$log"

die() {
  echo "latency.sh: error: $*" >&2
  if [[ -s $log ]]; then
    echo "latency.sh: last lines the programs wrote on stderr:" >&2
    tail -n 15 "$log" | sed 's/^/  /' >&2
  fi
  exit 1
}

alive() { local s; s=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $s != Z* ]]; }

# Stops every process this script started (by PID): TERM, up to 3 s to finish, then KILL.
stop_all() {
  local pid i any
  for pid in "${BENCH_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for i in $(seq 30); do
    any=0
    for pid in "${BENCH_PIDS[@]}"; do alive "$pid" && any=1; done
    ((any)) || break
    sleep 0.1
  done
  for pid in "${BENCH_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for pid in "${BENCH_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  BENCH_PIDS=()
}
trap 'stop_all; bench_cleanup' EXIT
trap 'exit 130' INT TERM

# spawn IN OUT CMD...: starts CMD with stdin IN and stdout OUT (files or fifos), stderr to the log.
spawn() {
  local in=$1 out=$2
  shift 2
  "$@" <"$in" >"$out" 2>>"$log" &
  BENCH_PIDS+=("$!")
}

fifo() { local f; f=$(mktemp -u "$BENCH_TMP/fifo.XXXXXX"); mkfifo "$f"; echo "$f"; }

wait_port() { # PORT WHAT PID
  local i pid=$3
  for i in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    alive "$pid" || die "$2 ended before it opened port $1"
    sleep 0.1
  done
  die "$2 did not open port $1 within 10 s"
}

start_broker() { # sets MPORT
  MPORT=$(free_port)
  # set_tcp_nodelay: mosquitto's default (Nagle on towards subscribers) let a message wait
  # for the subscriber's delayed ACK of the previous one: mosquitto_sub's median went from
  # ~1.5 ms to ~11 ms (p99 ~22 ms) in about half of the runs without it.
  printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\nmax_inflight_messages 0\nset_tcp_nodelay true\n' \
    "$MPORT" >"$BENCH_TMP/mosquitto.conf"
  spawn /dev/null /dev/null mosquitto -c "$BENCH_TMP/mosquitto.conf"
  wait_port "$MPORT" mosquitto "${BENCH_PIDS[-1]}"
}

start_sim() { # OUT
  local sensors=() i
  for ((i = 0; i < SENSORS; i++)); do sensors+=(--sensor "bench/s$i:gauge:${SENSORS}ms"); done
  # The run is bounded too, in case everything else fails to stop it.
  spawn /dev/null "$1" sensor-sim "${sensors[@]}" --duration "$((deadline + 10))s"
}

start_sim_publisher() {
  local f
  f=$(fifo)
  start_sim "$f"
  spawn "$f" /dev/null mqtt-publish -b "mqtt://127.0.0.1:$MPORT" --topic '{sensor}'
}

# measure SOURCE [STDIN]: runs the reader in the foreground; sets RESULT to its result line.
measure() { # (read-write open: a fifo whose writer never came cannot block it)
  if ! RESULT=$(node "$here/latency_client.js" "$1" "$n" "$skip" "$deadline" <>"${2:-/dev/null}" 2>>"$log"); then
    die "no result: $(tail -n 1 "$log")"
  fi
}

# run_chain CHAIN: sets RESULT. Runs in this shell (not in $(...)), so that the EXIT trap
# knows every PID it started.
run_chain() {
  local port db f1 f2 ws
  port=$(free_port)
  db=$(mktemp -u "$BENCH_TMP/latency.XXXXXX.db")
  case $1 in
    sim)
      f1=$(fifo)
      start_sim "$f1"
      measure - "$f1" ;;
    mqtt-sub)
      start_broker
      f1=$(fifo)
      spawn /dev/null "$f1" mosquitto_sub -h 127.0.0.1 -p "$MPORT" -t 'bench/#'
      sleep 0.3
      start_sim_publisher
      measure - "$f1" ;;
    ingest)
      start_broker
      f1=$(fifo)
      spawn /dev/null "$f1" mqtt-ingest -b "mqtt://127.0.0.1:$MPORT" -t 'bench/#'
      sleep 0.3
      start_sim_publisher
      measure - "$f1" ;;
    store)
      f1=$(fifo) f2=$(fifo)
      spawn "$f1" "$f2" db-store -d "$db"
      start_sim "$f1"
      measure - "$f2" ;;
    ws)
      f1=$(fifo)
      spawn "$f1" /dev/null ws-serve --listen "127.0.0.1:$port"
      ws=${BENCH_PIDS[-1]}
      start_sim "$f1"
      wait_port "$port" ws-serve "$ws"
      measure "ws://127.0.0.1:$port/ws" ;;
    store-ws)
      f1=$(fifo) f2=$(fifo)
      spawn "$f1" "$f2" db-store -d "$db"
      spawn "$f2" /dev/null ws-serve --listen "127.0.0.1:$port"
      ws=${BENCH_PIDS[-1]}
      start_sim "$f1"  # first: db-store's stdin (and so ws-serve's) opens once it has a writer
      wait_port "$port" ws-serve "$ws"
      measure "ws://127.0.0.1:$port/ws" ;;
    full)
      start_broker
      f1=$(fifo) f2=$(fifo)
      spawn /dev/null "$f1" mqtt-ingest -b "mqtt://127.0.0.1:$MPORT" -t 'bench/#'
      spawn "$f1" "$f2" db-store -d "$db"
      spawn "$f2" /dev/null ws-serve --listen "127.0.0.1:$port"
      wait_port "$port" ws-serve "${BENCH_PIDS[-1]}"
      start_sim_publisher
      measure "ws://127.0.0.1:$port/ws" ;;
    *) die "unknown chain '$1' (sim, mqtt-sub, ingest, store, ws, store-ws, full)" ;;
  esac
  stop_all
}

describe() {
  case $1 in
    sim) echo "sensor-sim -> reader" ;;
    mqtt-sub) echo "sensor-sim -> mqtt-publish -> mosquitto -> mosquitto_sub" ;;
    ingest) echo "sensor-sim -> mqtt-publish -> mosquitto -> mqtt-ingest" ;;
    store) echo "sensor-sim -> db-store -> reader" ;;
    ws) echo "sensor-sim -> ws-serve -> WebSocket" ;;
    store-ws) echo "sensor-sim -> db-store -> ws-serve -> WebSocket" ;;
    full) echo "sensor-sim -> mqtt-publish -> mosquitto -> mqtt-ingest -> db-store -> ws-serve -> WebSocket" ;;
  esac
}

for tool in sensor-sim db-store ws-serve node; do
  command -v "$tool" >/dev/null || die "$tool not found (build first: scripts/build.sh build)"
done
for chain in "${chains[@]}"; do
  case $chain in
    mqtt-sub | ingest | full)
      for tool in mosquitto mqtt-publish mqtt-ingest; do
        command -v "$tool" >/dev/null || die "$tool not found, needed by the '$chain' chain"
      done
      if [[ $chain == mqtt-sub ]]; then
        command -v mosquitto_sub >/dev/null || die "mosquitto_sub not found (apt-get install mosquitto-clients)"
      fi ;;
  esac
done

echo "end-to-end latency at 1,000 readings/s, $n readings after $skip warm-up, $runs run(s); $(uptime | sed 's/.*load/load/')"
echo "(ts has millisecond resolution: each figure may be up to 1 ms above the true latency)"
declare -A medians p99s
for ((r = 1; r <= runs; r++)); do
  for chain in "${chains[@]}"; do
    run_chain "$chain"
    result=$RESULT
    printf 'run %d  %-9s %-96s %s\n' "$r" "$chain" "$(describe "$chain"):" "$result"
    medians[$chain]+="$(sed 's/^median \([-0-9.]*\) ms.*/\1/' <<<"$result") "
    p99s[$chain]+="$(sed 's/.*p99 \([-0-9.]*\) ms.*/\1/' <<<"$result") "
  done
done
if ((runs > 1)); then
  for chain in "${chains[@]}"; do
    printf 'median of %d runs  %-9s median %s ms, p99 %s ms\n' "$runs" "$chain" \
      "$(tr ' ' '\n' <<<"${medians[$chain]}" | grep . | median)" "$(tr ' ' '\n' <<<"${p99s[$chain]}" | grep . | median)"
  done
fi
echo "goal: p99 under 5 ms for the full chain; $(uptime | sed 's/.*load/load/')"
