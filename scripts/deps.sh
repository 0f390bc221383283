#!/usr/bin/env bash
# Installs what sensorpipe needs to build, run and test, and nothing twice.
# The one list of Debian packages lives here. Idempotent and quick when all is present.
# Usage: scripts/deps.sh [--run [--postgres] | --bench]
#   (no option: build, run and test; --run: build and run only; --postgres adds the
#   PostgreSQL server to --run, for scripts/run.sh --postgres; --bench: everything, plus the
#   peers the benchmarks compare against)
set -euo pipefail
cd "$(dirname "$0")/.."

# Build: compiler, CMake, and the libraries (deps.md: libssl-dev is needed by Paho's CMake config;
# cairo and pango draw history-query's chart images).
BUILD_PACKAGES=(g++ cmake make pkg-config libssl-dev libpaho-mqttpp-dev libpaho-mqtt-dev libwebsocketpp-dev
  libboost-dev libcli11-dev nlohmann-json3-dev libfmt-dev catch2 libsqlite3-dev libcairo2-dev libpango1.0-dev
  libfontconfig-dev libpq-dev)
# Run: the broker, node/npm for the pinned dashboard assets (uPlot), the charts' font.
RUN_PACKAGES=(mosquitto nodejs npm openssl fonts-dejavu-core)
# PostgreSQL: the server and psql, for the private servers of scripts/run.sh --postgres, the
# tests and the benchmarks (scripts/lib/pg-server.sh).
POSTGRES_PACKAGES=(postgresql postgresql-client)
# Test: browser, fuzzing toolchain, shells for completion tests, CLI peers used in assertions
# (pdfinfo from poppler-utils checks chart PDFs), with POSTGRES_PACKAGES (tests start a
# private server each: tests/lib/pg.sh); jq reads JSON in sim.state and system.run_script;
# groff renders the man pages; iproute2 (ip netns) builds the hosts of system.fleet.
# tests/cli/deps_listed.sh fails when a test runs a command from a package missing here.
TEST_PACKAGES=(chromium clang libclang-rt-14-dev libfuzzer-14-dev sqlite3 mosquitto-clients curl zsh fish
  bash-completion procps dpkg-dev lintian systemd file man-db time poppler-utils
  groff-base jq python3 binutils iproute2)
# Bench: the peers we measure against.
BENCH_PACKAGES=(sqlite-utils hyperfine bc time python3 gnuplot-nox)

want=("${BUILD_PACKAGES[@]}" "${RUN_PACKAGES[@]}")
case "${1:-}" in
  --run) [[ ${2:-} == --postgres ]] && want+=("${POSTGRES_PACKAGES[@]}") ;;
  --bench) want+=("${TEST_PACKAGES[@]}" "${POSTGRES_PACKAGES[@]}" "${BENCH_PACKAGES[@]}") ;;
  *) want+=("${TEST_PACKAGES[@]}" "${POSTGRES_PACKAGES[@]}") ;;
esac

missing=()
for p in "${want[@]}"; do
  case $p in  # node and npm may come from elsewhere (e.g. NodeSource); any working one will do
    nodejs) command -v node >/dev/null && continue ;;
    npm) command -v npm >/dev/null && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}" >&2
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Pinned npm packages (package-lock.json): uPlot for the dashboard, ws and
# playwright-core for tests. Reinstalled only when the lockfile changed.
stamp=node_modules/.sensorpipe-lock
if [[ ! -f $stamp ]] || ! cmp -s package-lock.json "$stamp"; then
  echo "deps: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  cp package-lock.json "$stamp"
fi
