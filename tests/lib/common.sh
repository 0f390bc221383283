# Shared helpers for behaviour tests (bash). Source it first thing:
#   source "$SP_SRC/tests/lib/common.sh"
# Gives: a private temporary directory $T (removed at exit), processes started with
# sp_spawn stopped at exit (by PID, never by name), assertions that print what the
# user would see, free loopback ports, and a private mosquitto broker.
set -euo pipefail
: "${SP_SRC:?run through ctest}" "${SP_BIN:?run through ctest}"
export PATH="$SP_BIN:$PATH"
export LC_ALL=C.UTF-8
unset NO_COLOR SENSORPIPE_DB SENSORPIPE_BROKER SENSORPIPE_MQTT_PASSWORD

T=$(mktemp -d "${TMPDIR:-/tmp}/sensorpipe-test.XXXXXX")
SP_PIDS=()

sp_cleanup() {
  local pid
  for pid in "${SP_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${SP_PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$T"
}
trap sp_cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

assert_eq() { # expected actual message
  [[ "$1" == "$2" ]] || fail "$3: expected [$1], got [$2]"
}
assert_contains() { # haystack needle message
  [[ "$1" == *"$2"* ]] || fail "$3: [$2] not found in [$1]"
}
assert_not_contains() {
  [[ "$1" != *"$2"* ]] || fail "$3: [$2] unexpectedly found in [$1]"
}
# Runs a command, records its exit status in $status, stdout in $out, stderr in $err.
run() {
  set +e
  "$@" >"$T/.out" 2>"$T/.err"
  status=$?
  set -e
  out=$(cat "$T/.out")
  err=$(cat "$T/.err")
}

# Starts a background process that is stopped at exit; its PID is in $!.
sp_spawn() {
  "$@" &
  SP_PIDS+=("$!")
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# Waits until something accepts TCP connections on 127.0.0.1:$1 (up to ~10 s).
wait_port() {
  local i
  for i in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  fail "nothing listens on 127.0.0.1:$1"
}

# Waits until a file has at least N lines (up to $3 seconds, default 10).
wait_lines() {
  local file=$1 n=$2 limit=${3:-10} i
  for i in $(seq $((limit * 10))); do
    [[ -f "$file" && $(wc -l <"$file") -ge $n ]] && return 0
    sleep 0.1
  done
  fail "$file has $(wc -l <"$file" 2>/dev/null || echo 0) lines, expected at least $n"
}

# Waits until FILE contains TEXT (up to $3 seconds, default 10).
wait_text() {
  local file=$1 text=$2 limit=${3:-10} i
  for i in $(seq $((limit * 10))); do
    grep -qF -- "$text" "$file" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "$file never contained [$text]; it has: $(tail -5 "$file" 2>/dev/null)"
}

# Starts a private mosquitto on a free loopback port with the settings we ship
# (share/sensorpipe/examples/mosquitto.conf: neither drop nor throttle), its own port,
# data directory and log file; sets MQTT_PORT, MQTT_URL, MQTT_PID, MQTT_CONF.
# Extra config lines may be given as arguments.
start_mosquitto() {
  MQTT_PORT=$(free_port)
  local dir="$T/mosquitto-$MQTT_PORT"
  mkdir -p "$dir"
  {
    sed -e "s|^listener 1883 127.0.0.1\$|listener $MQTT_PORT 127.0.0.1|" \
      -e "s|^persistence_location .*|persistence_location $dir/|" \
      -e "s|^log_dest syslog\$|log_dest file $dir/mosquitto.log|" "$SP_SRC/share/sensorpipe/examples/mosquitto.conf"
    echo "user $(id -un)"
    printf '%s\n' "$@"
  } >"$dir/mosquitto.conf"
  grep -q "^listener $MQTT_PORT " "$dir/mosquitto.conf" && grep -q "^log_dest file " "$dir/mosquitto.conf" ||
    fail "the example mosquitto.conf no longer has the listener/log_dest lines start_mosquitto adapts"
  sp_spawn mosquitto -c "$dir/mosquitto.conf"
  MQTT_PID=$!
  MQTT_URL="mqtt://127.0.0.1:$MQTT_PORT"
  MQTT_CONF="$dir/mosquitto.conf"
  wait_port "$MQTT_PORT"
}

# The tools that this build has (every executable in $SP_BIN).
sp_tools() {
  local f
  for f in "$SP_BIN"/*; do [[ -x "$f" && -f "$f" ]] && basename "$f"; done
}

# Prints the command lines of a man page's EXAMPLES section: the lines between .EX and
# .EE, roff escapes undone, continuation lines joined.
man_examples() {
  sed -n '/^\.SH EXAMPLES/,/^\.SH /p' "$1" | sed -n '/^\.EX/,/^\.EE/p' | grep -v '^\.E[XE]' |
    sed -e 's/\\-/-/g' -e 's/\\e/\\/g' -e 's/\\(aq/'"'"'/g' -e 's/\\(dq/"/g' |
    awk '/\\$/ { sub(/\\$/, ""); buf = buf $0; next } { print buf $0; buf = "" }' | grep -v '^#' | grep -v '^$' || true
}
