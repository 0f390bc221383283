#!/usr/bin/env bash
# Sets up everything (packages, pinned npm assets), builds, and runs every test:
# the normal build, the same suite under ASan+UBSan, and the fuzzers for a fixed time.
# Usage: scripts/test.sh        (SENSORPIPE_FUZZ_SECONDS=N to change the fuzz time, default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh

werror=OFF
[[ -n "${CI:-}" ]] && werror=ON
scripts/build.sh build -DSENSORPIPE_WERROR=$werror
(cd build && ctest --output-on-failure -j2)

scripts/build.sh build-asan -DSENSORPIPE_SANITIZE=ON -DSENSORPIPE_WERROR=$werror
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j2 -LE slow)

scripts/fuzz.sh "${SENSORPIPE_FUZZ_SECONDS:-20}"
