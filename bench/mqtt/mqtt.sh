#!/usr/bin/env bash
# mqtt-ingest vs mosquitto_sub and mqtt-publish vs mosquitto_pub -l, same run, on a
# private mosquitto tuned not to drop or throttle. Usage: bench/mqtt/mqtt.sh [RUNS] [N]
# Prints rates and ratios (ours/peer, >1 = we are faster), and publish->stdout latency.
# Also runs paho_ref.cpp, a bare Paho C++ client, to show what the library itself allows.
# Two measures per case: the rate from the first to the last line the subscriber writes
# (as in ../shared/research/perf-baselines.md), and the wall time of the whole run, which
# also counts connecting and exiting (Paho needs about 0.25 s for both, mosquitto's clients
# about 0.04 s).
source "$(dirname "$0")/../lib.sh"
RUNS=${1:-3}
N=${2:-200000}
HERE=$(cd "$(dirname "$0")" && pwd)
REF=$BENCH_TMP/paho_ref
g++ -O2 -std=c++17 -o "$REF" "$HERE/paho_ref.cpp" -lpaho-mqttpp3 -lpaho-mqtt3as
port=$(free_port)
cat >"$BENCH_TMP/m.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous true
max_queued_messages 0
max_inflight_messages 0
user $(id -un)
CONF
mosquitto -c "$BENCH_TMP/m.conf" 2>/dev/null &
BENCH_PIDS+=("$!")
URL=mqtt://127.0.0.1:$port
sleep 0.5
awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++) printf "{\"ts\":\"2026-11-22T11:46:07.123Z\",\"sensor\":\"home/room%d/temperature\",\"value\":21.84,\"unit\":\"C\"}\n", i % 1000 }' >"$BENCH_TMP/data.jsonl"
now() { date +%s.%N; }

# Runs a subscriber in the background, its output timed by `stamp.py rate $N`: the
# first-to-last seconds go to $BENCH_TMP/$1.rate and, when it exits, the time to $1.end.
timed() {
  local name=$1
  shift
  rm -f "$BENCH_TMP/$name.end" "$BENCH_TMP/$name.rate"
  (bash -c "$* | $HERE/stamp.py rate $N" >"$BENCH_TMP/$name.rate" 2>"$BENCH_TMP/$name.err"; now >"$BENCH_TMP/$name.end") &
}
wait_end() { while [[ ! -s "$BENCH_TMP/$1.end" ]]; do sleep 0.02; done; cat "$BENCH_TMP/$1.end"; }
rate_of() { cat "$BENCH_TMP/$1.rate" 2>/dev/null; }

# report NAME OURS PEER REF: each a list of "rate_seconds/wall_seconds", one per run.
report() {
  local name=$1 which m o p r
  shift
  for which in 1 2; do
    for m in o p r; do
      local list=$1
      [[ $m == p ]] && list=$2
      [[ $m == r ]] && list=$3
      printf -v "$m" '%s' "$(printf '%s\n' $list | cut -d/ -f"$which" | median)"
    done
    if ((which == 1)); then
      printf '%s\n  first to last line: ours %.0f msg/s, peer %.0f msg/s, ratio ours/peer %.2f; bare Paho %.0f msg/s, ours/bare Paho %.2f\n' \
        "$name" "$(echo "$N / $o" | bc -l)" "$(echo "$N / $p" | bc -l)" "$(echo "$p / $o" | bc -l)" \
        "$(echo "$N / $r" | bc -l)" "$(echo "$r / $o" | bc -l)"
    else
      printf '  whole run (connect to exit): ours %.2f s, peer %.2f s, ratio %.2f; bare Paho %.2f s, ours/bare Paho %.2f  [median of %d]\n' \
        "$o" "$p" "$(echo "$p / $o" | bc -l)" "$r" "$(echo "$r / $o" | bc -l)" "$RUNS"
    fi
  done
}

# 1. Receiving the same published stream, all three subscribed at once.
for qos in 0 1; do
  ot="" pt="" rt=""
  for ((r = 0; r < RUNS; r++)); do
    timed ours "mqtt-ingest -b $URL -t 'bench/$qos/#' -q $qos -C $N"
    timed peer "mosquitto_sub -p $port -t 'bench/$qos/#' -q $qos -C $N"
    timed ref "$REF sub tcp://127.0.0.1:$port 'bench/$qos/#' $qos $N"
    sleep 0.7
    start=$(now)
    if ((qos == 0)); then
      mosquitto_pub -p "$port" -t "bench/$qos/x" -q 0 -l <"$BENCH_TMP/data.jsonl"
    else  # mosquitto_pub -l -q 1 drops at EOF: hold its stdin open until both have all
      (cat "$BENCH_TMP/data.jsonl"; while [[ ! -s $BENCH_TMP/ours.end || ! -s $BENCH_TMP/peer.end || ! -s $BENCH_TMP/ref.end ]]; do sleep 0.1; done) |
        mosquitto_pub -p "$port" -t "bench/$qos/x" -q 1 -l
    fi
    oe=$(wait_end ours)
    pe=$(wait_end peer)
    re=$(wait_end ref)
    ot+=" $(rate_of ours)/$(echo "$oe - $start" | bc -l)"
    pt+=" $(rate_of peer)/$(echo "$pe - $start" | bc -l)"
    rt+=" $(rate_of ref)/$(echo "$re - $start" | bc -l)"
  done
  report "receive QoS $qos, same stream: mqtt-ingest vs mosquitto_sub" "$ot" "$pt" "$rt"
done

# 2. Draining a queued persistent session of N messages.
ot="" pt="" rt=""
for ((r = 0; r < RUNS; r++)); do
  mqtt-ingest -b "$URL" -t 'drain/#' -q 1 --persistent -i bench-ingest -W 500ms >/dev/null 2>&1
  mosquitto_sub -p "$port" -t 'drain/#' -q 1 -c -i bench-sub -W 1 >/dev/null 2>&1 || true
  timeout 1 "$REF" sub "tcp://127.0.0.1:$port" 'drain/#' 1 1 bench-ref >/dev/null 2>&1 || true
  mqtt-publish -b "$URL" --qos 1 --topic drain/x <"$BENCH_TMP/data.jsonl" 2>/dev/null
  start=$(now); timed d "mqtt-ingest -b $URL -t 'drain/#' -q 1 --persistent -i bench-ingest -C $N"; end=$(wait_end d); ot+=" $(rate_of d)/$(echo "$end - $start" | bc -l)"
  start=$(now); timed d "mosquitto_sub -p $port -t 'drain/#' -q 1 -c -i bench-sub -C $N"; end=$(wait_end d); pt+=" $(rate_of d)/$(echo "$end - $start" | bc -l)"
  start=$(now); timed d "$REF sub tcp://127.0.0.1:$port 'drain/#' 1 $N bench-ref"; end=$(wait_end d); rt+=" $(rate_of d)/$(echo "$end - $start" | bc -l)"
done
report "drain $N queued (persistent session, QoS 1): mqtt-ingest vs mosquitto_sub" "$ot" "$pt" "$rt"

# 3. Publishing a file: time until a subscriber has every message.
for qos in 0 1; do
  ot="" pt="" rt=""
  for ((r = 0; r < RUNS; r++)); do
    for who in ours peer ref; do
      timed sub "mosquitto_sub -p $port -t 'pub/$qos/$who' -q $qos -C $N"
      sleep 0.5
      start=$(now)
      if [[ $who == ours ]]; then
        mqtt-publish -b "$URL" --qos "$qos" --topic "pub/$qos/$who" <"$BENCH_TMP/data.jsonl" 2>/dev/null &
      elif [[ $who == ref ]]; then
        "$REF" pub "tcp://127.0.0.1:$port" "pub/$qos/$who" "$qos" <"$BENCH_TMP/data.jsonl" &
      elif ((qos == 0)); then
        mosquitto_pub -p "$port" -t "pub/$qos/$who" -q 0 -l <"$BENCH_TMP/data.jsonl" &
      else
        (cat "$BENCH_TMP/data.jsonl"; while [[ ! -s $BENCH_TMP/sub.end ]]; do sleep 0.1; done) |
          mosquitto_pub -p "$port" -t "pub/$qos/$who" -q 1 -l &
      fi
      pubpid=$!
      # QoS 0 may lose messages (either publisher): give up after 60 s.
      for _ in $(seq 600); do [[ -s $BENCH_TMP/sub.end ]] && break; sleep 0.1; done
      end=$(cat "$BENCH_TMP/sub.end" 2>/dev/null || now)
      wait "$pubpid" 2>/dev/null || true
      # Not all arrived (QoS 0): the give-up time stands for both measures.
      rate=$(rate_of sub)
      t="${rate:-$(echo "$end - $start" | bc -l)}/$(echo "$end - $start" | bc -l)"
      case $who in
        ours) ot+=" $t" ;;
        peer) pt+=" $t" ;;
        ref) rt+=" $t" ;;
      esac
    done
  done
  report "publish $N lines at QoS $qos until all received: mqtt-publish vs mosquitto_pub -l" "$ot" "$pt" "$rt"
done

# 4. Latency publish -> line on stdout at 1000 msg/s (both subscribers on the same stream).
for qos in 0 1; do
  (mqtt-ingest -b "$URL" -t "lat/$qos" -q "$qos" -C 10000 2>/dev/null | "$HERE/stamp.py" lat >"$BENCH_TMP/lat.ours") &
  o=$!
  (mosquitto_sub -p "$port" -t "lat/$qos" -q "$qos" -C 10000 | "$HERE/stamp.py" lat >"$BENCH_TMP/lat.peer") &
  p=$!
  sleep 0.7
  "$HERE/stamp.py" gen 10000 1000 | mosquitto_pub -p "$port" -t "lat/$qos" -q "$qos" -l
  wait "$o" "$p" || true
  echo "latency QoS $qos at 1000 msg/s: mqtt-ingest $(cat "$BENCH_TMP/lat.ours"); mosquitto_sub $(cat "$BENCH_TMP/lat.peer")"
done
