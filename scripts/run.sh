#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the simulated house.
# (Grows into the whole system as the programs arrive.)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --run
scripts/build.sh build >/dev/null
exec build/bin/sensor-sim "$@"
