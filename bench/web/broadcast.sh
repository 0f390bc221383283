#!/usr/bin/env bash
# Broadcast throughput and peak memory: ws-serve vs a reference node `ws` server
# (bench/web/ref_server.js), same client (bench/web/bench_client.js), same lines, alternating
# runs. Each server starts getting lines once all clients are connected; delivered/s is
# (clients x lines) / (first to last delivery at the client). Peak RSS by GNU time.
#   bench/web/broadcast.sh [RUNS]     (default 3; needs build/bin/ws-serve and node_modules)
source "$(dirname "$0")/../lib.sh"
export NODE_PATH="$BENCH_ROOT/node_modules"
runs=${1:-3}
here="$BENCH_ROOT/bench/web"

gen_lines() { # N -> file of canonical readings, 100 sensors
  node -e '
    const n = +process.argv[1]; const t0 = Date.parse("2026-11-22T11:46:07.123Z"); let out = [];
    for (let i = 0; i < n; i++) out.push(JSON.stringify({sensor: "home/room" + (i % 100) + "/temperature",
      ts: new Date(t0 + i * 10).toISOString(), value: Math.round(2000 + (i * 37) % 500) / 100, unit: "C"}));
    process.stdout.write(out.join("\n") + "\n");' "$1"
}

# run_one ours|node CLIENTS LINESFILE LINES -> "RATE RSS_MIB"
run_one() {
  local who=$1 clients=$2 file=$3 lines=$4 port dir
  port=$(free_port)
  dir=$(mktemp -d "$BENCH_TMP/run.XXXX")
  local cmd url
  if [[ $who == ours ]]; then
    cmd=(ws-serve --listen "127.0.0.1:$port" --exit-on-eof --max-clients 20000)
    url="ws://127.0.0.1:$port/ws"
  else
    cmd=(node "$here/ref_server.js" "$port")
    url="ws://127.0.0.1:$port/"
  fi
  { while [[ ! -f $dir/ready ]]; do sleep 0.05; done
    cat "$file"
    while [[ ! -f $dir/done ]]; do sleep 0.1; done; } |
    /usr/bin/time -f '%M' -o "$dir/rss" "${cmd[@]}" 2>/dev/null &
  local server=$!
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  node "$here/bench_client.js" "$url" "$clients" "$lines" "$dir/ready" >"$dir/result" || true
  touch "$dir/done"
  wait "$server" || true
  local rate
  rate=$(sed -n 's/.* = \([0-9]*\) msgs\/s/\1/p' "$dir/result")
  echo "${rate:-0} $(awk '{printf "%.0f", $1/1024}' "$dir/rss")"
}

bench_case() { # CLIENTS LINES
  local clients=$1 lines=$2 i file
  file="$BENCH_TMP/lines-$lines.jsonl"
  [[ -f $file ]] || gen_lines "$lines" >"$file"
  local ours=() peer=() ours_rss=() peer_rss=() r
  for ((i = 0; i < runs; i++)); do
    read -r rate rss < <(run_one ours "$clients" "$file" "$lines"); ours+=("$rate"); ours_rss+=("$rss")
    read -r rate rss < <(run_one node "$clients" "$file" "$lines"); peer+=("$rate"); peer_rss+=("$rss")
  done
  local om pm orm prm
  om=$(printf '%s\n' "${ours[@]}" | median); pm=$(printf '%s\n' "${peer[@]}" | median)
  orm=$(printf '%s\n' "${ours_rss[@]}" | median); prm=$(printf '%s\n' "${peer_rss[@]}" | median)
  printf 'broadcast %d clients x %d lines: ws-serve %s msgs/s (runs: %s), peak %s MiB; node ws %s msgs/s (runs: %s), peak %s MiB; throughput ratio %.2f, memory ratio %.2f  [median of %d, same run]\n' \
    "$clients" "$lines" "$om" "${ours[*]}" "$orm" "$pm" "${peer[*]}" "$prm" "$(echo "$om / $pm" | bc -l)" \
    "$(echo "$orm / $prm" | bc -l)" "$runs"
}

bench_case 100 20000
bench_case 1000 2000
