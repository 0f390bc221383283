#!/usr/bin/env bash
# Sets up everything (packages, pinned npm assets), builds, and runs every test:
# the normal build, the same suite under ASan+UBSan, and the fuzzers for a fixed time.
# Usage: scripts/test.sh        (SENSORPIPE_FUZZ_SECONDS=N to change the fuzz time, default 20)
# On 2 cores from scratch this takes well under CI's 90 minutes; each phase prints its time.
set -euo pipefail
cd "$(dirname "$0")/.."
phase_start=$SECONDS
phase() { echo "test.sh: $1 took $((SECONDS - phase_start))s" >&2; phase_start=$SECONDS; }

scripts/deps.sh
phase "set-up (scripts/deps.sh)"

werror=OFF
[[ -n "${CI:-}" ]] && werror=ON
scripts/build.sh build -DSENSORPIPE_WERROR=$werror
phase "build"
(cd build && ctest --output-on-failure -j2)
phase "ctest"

scripts/build.sh build-asan -DSENSORPIPE_SANITIZE=ON -DSENSORPIPE_WERROR=$werror
phase "ASan+UBSan build"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j2 -LE slow)
phase "ASan+UBSan ctest"

scripts/fuzz.sh "${SENSORPIPE_FUZZ_SECONDS:-20}"
phase "fuzzers"
echo "test.sh: all done in ${SECONDS}s" >&2
