#!/usr/bin/env bash
# Configures (once) and builds sensorpipe. Usage: scripts/build.sh [BUILD_DIR] [cmake -D options...]
# Default build dir: build/. Incremental: quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
if [[ ! -f $dir/CMakeCache.txt ]]; then
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
elif (($#)); then
  cmake "$dir" "$@" >/dev/null
fi
cmake --build "$dir" -j"$(nproc)"
