#!/usr/bin/env bash
# The fleet on this machine: publishers -> mosquitto -> N x (mqtt-ingest --group g | db-store
# -d postgresql://...) into one private PostgreSQL server (tests/lib/pg.sh: unix socket,
# fsync off), every stage a real process.
#  1. throughput: READINGS readings (200 sensors, published by 2 mqtt-publish -q 1 at once)
#     until all are stored, with 1, 2 and 4 ingest pipelines, against the two limits of the
#     same run: mosquitto_sub -q 1 alone draining the same published stream (what the
#     publishers and the broker allow) and db-store alone loading the same readings from a
#     file into PostgreSQL (what the database side allows). Ratios > 1 are impossible: the
#     question is how close the fleet gets and whether more ingest processes help (Paho C
#     caps one process's MQTT rate, which is why --group exists).
#     The same with the publishers out of the way: the readings are first queued on the
#     broker for the group's persistent sessions (mosquitto deals a shared subscription's
#     messages out to its offline members too), then the N pipelines start and drain them;
#     against mosquitto_sub -q 1 draining the same backlog from its persistent session.
#  2. a database outage: 2 ingest pipelines (--persistent, one group), a simulated fleet of
#     houses publishing live at about RATE readings/s; the PostgreSQL server is stopped
#     (pg_ctl stop -m fast) for OUTAGE seconds while publishing goes on, then started: the
#     time until every reading published before the restart is stored (while live publishing
#     continues), and, once publishing stops, whether every reading published is stored
#     exactly once and the roll-ups equal the raw rows.
# Usage: bench/fleet/fleet.sh [RUNS] [READINGS] [OUTAGE_S] [RATE]   (default 3 100000 60 2000)
source "$(dirname "$0")/../lib.sh"
source "$BENCH_ROOT/tests/lib/pg.sh"
runs=${1:-3} readings=${2:-100000} outage=${3:-60} rate=${4:-2000}
d=$BENCH_TMP
chmod 755 "$d"
runner=$BENCH_ROOT/share/sensorpipe/systemd/sensorpipe-pipeline
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }

pg_start >&2 || exit 1
url=$(pg_newdb fleet)
q() { psql -X -q -v ON_ERROR_STOP=1 -At -d "$url" -c "$1"; }
stored() { q 'SELECT count(*) FROM readings'; }

port=$(free_port)
cat >"$d/mosquitto.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous true
# The settings of share/sensorpipe/examples/mosquitto.conf that matter here: never drop
# queued messages, never throttle, no Nagle delay.
max_queued_messages 0
max_inflight_messages 0
set_tcp_nodelay true
user $(id -un)
CONF
mosquitto -c "$d/mosquitto.conf" 2>"$d/mosquitto.log" &
BENCH_PIDS+=("$!")
broker=mqtt://127.0.0.1:$port
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

# The readings: 200 sensors, one reading a second each, split between two publishers line
# by line (each publisher carries every sensor).
python3 "$BENCH_ROOT/bench/store/gen.py" 200 $((readings / 200)) jsonl >"$d/all.jsonl"
readings=$(wc -l <"$d/all.jsonl")
awk -v d="$d" '{ print > (d "/pub." (NR % 2)) }' "$d/all.jsonl"
db-store -q -d "$url" "$d/all.jsonl" # the schema, the sensors and the partitions
empty() { q 'TRUNCATE readings, rollup_minute, rollup_hour, changes'; }

# start_ingest K NAME [ARGS...]: ingest pipeline K (mqtt-ingest --group g | db-store) under the
# pipeline runner, as a systemd unit runs it; returns once it is subscribed (mqtt-ingest
# announces the connection after its subscriptions are granted). PID in ingest_pid[K].
ingest_pid=()
start_ingest() {
  local k=$1 id=$2
  shift 2
  : >"$d/ingest.$k.err"
  "$runner" --name "ingest$k" mqtt-ingest -b "$broker" -t 'bench/#' -t 'fleet/#' --group g -q 1 -i "$id" "$@" \
    '|' db-store -q -d "$url" </dev/null 2>"$d/ingest.$k.err" &
  ingest_pid[k]=$!
  BENCH_PIDS+=("$!")
  for _ in $(seq 600); do grep -q "connected to" "$d/ingest.$k.err" && return 0; sleep 0.05; done
  echo "ingest $k did not connect: $(cat "$d/ingest.$k.err")" >&2
  exit 1
}
stop_ingest() { # K: SIGTERM to the runner: mqtt-ingest stops, db-store commits and exits
  kill -TERM "${ingest_pid[$1]}" 2>/dev/null || true
  wait "${ingest_pid[$1]}" 2>/dev/null || true
}
publish() { # both publishers at once, QoS 1; returns when the broker acknowledged everything
  mqtt-publish -b "$broker" -q 1 --topic '{sensor}' <"$d/pub.0" 2>>"$d/publish.err" &
  local p0=$!
  mqtt-publish -b "$broker" -q 1 --topic '{sensor}' <"$d/pub.1" 2>>"$d/publish.err"
  wait "$p0"
}
# until_stored N LIMIT_S: waits until the store holds N readings; prints the time it did.
until_stored() {
  local t
  for ((t = 0; t < $2 * 10; t++)); do
    (($(stored) >= $1)) && { now; return 0; }
    sleep 0.1
  done
  echo "only $(stored) of $1 readings stored after $2 s" >&2
  exit 1
}

# One measure of each case per round, the cases alternating so that the machine's drift
# hits all alike. Each prints seconds from the first publish to the last reading stored.
run_sub() {
  local t0 t1 sub
  # A persistent session subscribed before publishing starts (-E: exit once subscribed), so
  # the timed subscriber misses nothing however soon it connects; removed afterwards, so
  # that no session keeps collecting the later runs' messages.
  mosquitto_sub -p "$port" -t 'bench/#' -q 1 -i fleet-sub -c -E
  t0=$(now)
  mosquitto_sub -p "$port" -t 'bench/#' -q 1 -i fleet-sub -c -C "$readings" >/dev/null &
  sub=$!
  publish
  wait "$sub"
  t1=$(now)
  mosquitto_sub -p "$port" -t 'bench/#' -i fleet-sub -E
  secs "$t0" "$t1"
}
run_sub_drain() {
  local t0 t1
  mosquitto_sub -p "$port" -t 'bench/#' -q 1 -i fleet-subdrain -c -E
  publish
  t0=$(now)
  mosquitto_sub -p "$port" -t 'bench/#' -q 1 -i fleet-subdrain -c -C "$readings" >/dev/null
  t1=$(now)
  mosquitto_sub -p "$port" -t 'bench/#' -i fleet-subdrain -E
  secs "$t0" "$t1"
}
run_drain() { # N
  local n=$1 k t0 t1
  empty
  # The group's persistent sessions, made by the pipelines themselves, then left offline.
  for ((k = 1; k <= n; k++)); do start_ingest "$k" "fleet-drain-$n-$k" --persistent; stop_ingest "$k"; done
  publish
  t0=$(now)
  for ((k = 1; k <= n; k++)); do start_ingest "$k" "fleet-drain-$n-$k" --persistent; done
  t1=$(until_stored "$readings" 600)
  for ((k = 1; k <= n; k++)); do
    stop_ingest "$k"
    # A clean session of the same id removes the persistent one (and its subscription).
    mosquitto_sub -p "$port" -t 'bench/#' -i "fleet-drain-$n-$k" -E
  done
  local got
  got=$(stored)
  ((got == readings)) || { echo "$n ingest pipelines stored $got of $readings queued readings" >&2; exit 1; }
  secs "$t0" "$t1"
}
run_store() {
  local t0 t1
  empty
  t0=$(now)
  db-store -q -d "$url" "$d/all.jsonl"
  t1=$(now)
  secs "$t0" "$t1"
}
run_fleet() { # N
  local n=$1 k t0 t1
  empty
  for ((k = 1; k <= n; k++)); do start_ingest "$k" "fleet-$k"; done
  t0=$(now)
  publish
  t1=$(until_stored "$readings" 600)
  for ((k = 1; k <= n; k++)); do stop_ingest "$k"; done
  local got
  got=$(stored)
  ((got == readings)) || { echo "$n ingest pipelines stored $got of $readings readings" >&2; exit 1; }
  secs "$t0" "$t1"
}
declare -A times
for ((r = 0; r < runs; r++)); do
  times[sub]+="$(run_sub) "
  times[store]+="$(run_store) "
  for n in 1 2 4; do times[$n]+="$(run_fleet "$n") "; done
  times[subdrain]+="$(run_sub_drain) "
  for n in 1 2 4; do times[d$n]+="$(run_drain "$n") "; done
done
rate_of() { echo "$readings / $(printf '%s\n' ${times[$1]} | median)" | bc -l; }
sub=$(rate_of sub) store=$(rate_of store)
printf 'limits (same run, median of %d): mosquitto_sub -q 1 draining the 2 publishers %.0f readings/s; db-store from a file into PostgreSQL %.0f readings/s\n' \
  "$runs" "$sub" "$store"
for n in 1 2 4; do
  f=$(rate_of "$n")
  printf 'end to end, %d x (mqtt-ingest --group g | db-store): %.0f readings/s (%d readings, median of %d), ratio to mosquitto_sub %.2f, to db-store from a file %.2f\n' \
    "$n" "$f" "$readings" "$runs" "$(echo "$f / $sub" | bc -l)" "$(echo "$f / $store" | bc -l)"
done

subdrain=$(rate_of subdrain)
printf 'draining %d readings queued on the broker: mosquitto_sub -q 1 %.0f readings/s\n' "$readings" "$subdrain"
for n in 1 2 4; do
  f=$(rate_of "d$n")
  printf 'draining, %d x (mqtt-ingest --group g --persistent | db-store): %.0f readings/s (median of %d), ratio to mosquitto_sub %.2f, to db-store from a file %.2f\n' \
    "$n" "$f" "$runs" "$(echo "$f / $subdrain" | bc -l)" "$(echo "$f / $store" | bc -l)"
done

# 2. The outage. Houses of 40 sensors at 2 readings/s each: about RATE readings/s.
houses=$(((rate + 79) / 80))
empty
start_ingest 1 fleet-outage-1 --persistent
start_ingest 2 fleet-outage-2 --persistent
t_pub=$(now)
"$runner" --name publisher sensor-sim --house "$houses" --prefix 'fleet/h{n}' --rate 2 \
  '|' tee "$d/published.jsonl" '|' mqtt-publish -b "$broker" -q 1 --topic '{sensor}' >/dev/null 2>"$d/publisher.err" &
pub_pid=$!
BENCH_PIDS+=("$pub_pid")
sleep 10 # a steady state before the outage
before=$(stored)
pg_halt fast
t_down=$(now)
echo "outage: PostgreSQL stopped with $(wc -l <"$d/published.jsonl") readings published; publishing goes on for ${outage} s" >&2
sleep "$outage"
pg_run >&2
t_up=$(now)
up_ts=$(date -u -d "@$t_up" +%Y-%m-%dT%H:%M:%S.%3NZ)
# Everything published before the restart (sensor-sim's timestamps are the wall clock).
backlog=$(jq -r --arg t "$up_ts" 'select(.ts <= $t) | .ts' "$d/published.jsonl" | wc -l)
for ((t = 0; t < 6000; t++)); do
  (($(q "SELECT count(*) FROM readings WHERE ts <= '$up_ts'" 2>/dev/null || echo 0) >= backlog)) && break
  sleep 0.1
done
t_caught=$(now)
caught=$(q "SELECT count(*) FROM readings WHERE ts <= '$up_ts'")
kill -TERM "$pub_pid"
wait "$pub_pid" || true
published=$(wc -l <"$d/published.jsonl")
distinct=$(jq -r '[.sensor, .ts] | @tsv' "$d/published.jsonl" | sort -u | wc -l)
until_stored "$distinct" 600 >/dev/null
stop_ingest 1
stop_ingest 2
got=$(stored)
mismatch_min=$(pg_rollup_mismatches "$url" rollup_minute minute)
mismatch_hour=$(pg_rollup_mismatches "$url" rollup_hour hour)
printf 'outage of %d s at %.0f readings/s (%d houses), 2 ingest pipelines: %d readings published before the restart, %d of them not stored (%d stored before the outage); all stored %.1f s after the server was back (%s of %s)\n' \
  "$outage" "$(echo "$published / ($(now) - $t_pub)" | bc -l)" "$houses" "$backlog" "$((backlog - before))" "$before" "$(secs "$t_up" "$t_caught")" "$caught" "$backlog"
printf 'published %d readings (%d distinct), stored %d: lost %d; roll-up buckets differing from the raw rows: %s minute, %s hour\n' \
  "$published" "$distinct" "$got" "$((distinct - got))" "$mismatch_min" "$mismatch_hour"
grep -h "db-store" "$d"/ingest.[12].err | sort | uniq -c | sed 's/^/  /' >&2 || true
