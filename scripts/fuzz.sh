#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) and runs each for a fixed time
# over its seed corpus. Any crash or sanitizer report fails. Usage: scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
if [[ ! -f build-fuzz/CMakeCache.txt ]]; then
  CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSENSORPIPE_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
fi
cmake --build build-fuzz -j"$(nproc)" --target fuzzers
for target in build-fuzz/fuzz/fuzz_*; do
  [[ -x $target ]] || continue
  name=$(basename "$target")
  corpus=$(mktemp -d)
  cp fuzz/corpus/"${name#fuzz_}"/* "$corpus"/ 2>/dev/null || true
  echo "fuzz: $name for ${seconds}s"
  "$target" -max_total_time="$seconds" -max_len=65536 -print_final_stats=0 "$corpus" >"$corpus.log" 2>&1 ||
    { tail -40 "$corpus.log"; echo "fuzz: $name FAILED"; exit 1; }
  rm -rf "$corpus" "$corpus.log"
done
echo "fuzz: all targets ran ${seconds}s without a crash"
