# Benchmark harness (bash). Source it from bench/<area>/*.sh:
#   source "$(dirname "$0")/../lib.sh"
# Runs our program and a peer alternately in the same run (the machines are noisy,
# so only same-run ratios mean anything) and prints medians and the ratio.
set -euo pipefail
BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_BIN=${BENCH_BIN:-$BENCH_ROOT/build/bin}
export PATH="$BENCH_BIN:$PATH"
BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/sensorpipe-bench.XXXXXX")
BENCH_PIDS=()
bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  rm -rf "$BENCH_TMP"
}
trap bench_cleanup EXIT

# Wall time of one run of a shell command, in seconds (stdout discarded unless redirected inside).
bench_time() {
  local start end
  start=$(date +%s.%N)
  bash -c "$1" >/dev/null
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# bench_compare NAME UNITS OURS_CMD PEER_CMD [RUNS]
# UNITS is the amount of work per run (lines, rows, messages) for the rate.
# Prints: NAME: ours R1/s (median of RUNS), peer R2/s, ratio ours/peer.
bench_compare() {
  local name=$1 units=$2 ours=$3 peer=$4 runs=${5:-5} i
  local ours_times=() peer_times=()
  for ((i = 0; i < runs; i++)); do  # alternate so drift hits both alike
    ours_times+=("$(bench_time "$ours")")
    peer_times+=("$(bench_time "$peer")")
  done
  local om pm
  om=$(printf '%s\n' "${ours_times[@]}" | median)
  pm=$(printf '%s\n' "${peer_times[@]}" | median)
  printf '%s: ours %.0f/s (%.3f s), peer %.0f/s (%.3f s), ratio ours/peer %.2f  [median of %d, same run]\n' \
    "$name" "$(echo "$units / $om" | bc -l)" "$om" "$(echo "$units / $pm" | bc -l)" "$pm" \
    "$(echo "$pm / $om" | bc -l)" "$runs"
}

# Peak resident memory (MiB) of a command, via GNU time.
peak_rss_mib() {
  /usr/bin/time -f '%M' bash -c "$1" 2>&1 >/dev/null | tail -1 | awk '{printf "%.1f\n", $1/1024}'
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}
