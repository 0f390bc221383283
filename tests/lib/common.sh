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

# Runs CMD... every 0.1 s until it succeeds, for up to LIMIT seconds; returns 1 if it
# never did. The waits below are built on it: generous limits (a loaded 2-core machine
# running the ASan build is several times slower) that cost nothing when things are quick.
poll_until() { # LIMIT CMD...
  local limit=$1 i
  shift
  for i in $(seq $((limit * 10))); do
    "$@" && return 0
    sleep 0.1
  done
  return 1
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Waits until something accepts TCP connections on 127.0.0.1:$1 (up to $2 seconds, default 30).
wait_port() {
  poll_until "${2:-30}" port_open "$1" || fail "nothing listens on 127.0.0.1:$1"
}

has_lines() { [[ -f "$1" && $(wc -l <"$1") -ge $2 ]]; }
# Waits until a file has at least N lines (up to $3 seconds, default 30).
wait_lines() {
  local file=$1 n=$2
  poll_until "${3:-30}" has_lines "$file" "$n" ||
    fail "$file has $(wc -l <"$file" 2>/dev/null || echo 0) lines, expected at least $n"
}

has_count() { [[ $(grep -cF -- "$2" "$1" 2>/dev/null) -ge $3 ]]; }
# Waits until at least N lines of FILE contain TEXT (up to $4 seconds, default 30).
wait_count() {
  local file=$1 text=$2 n=$3
  poll_until "${4:-30}" has_count "$file" "$text" "$n" ||
    fail "$file has $(grep -cF -- "$text" "$file" 2>/dev/null || echo 0) lines with [$text], expected at least $n; it ends: $(tail -5 "$file" 2>/dev/null)"
}

# Waits until FILE contains TEXT (up to $3 seconds, default 30).
wait_text() {
  local file=$1 text=$2
  poll_until "${3:-30}" grep -qF -- "$text" "$file" 2>/dev/null ||
    fail "$file never contained [$text]; it has: $(tail -5 "$file" 2>/dev/null)"
}

fifo_empty() { [[ $(perl -e 'my $n = pack("L", 0); ioctl(STDIN, 0x541B, $n) or die "FIONREAD: $!\n"; print unpack("L", $n)' <&"$1") == 0 ]]; }
# Waits until the reader of the fifo that this shell holds open on fd FD has taken every
# byte written to it (FIONREAD is 0), e.g. before a signal that must find all input read.
wait_fifo_read() { # FD [SECONDS]
  poll_until "${2:-30}" fifo_empty "$1" || fail "the reader of fd $1 left bytes unread"
}

# Starts a private mosquitto on a free loopback port with the settings we ship
# (share/sensorpipe/examples/mosquitto.conf: neither drop nor throttle), its own port,
# data directory and log file; sets MQTT_PORT, MQTT_URL, MQTT_PID, MQTT_CONF.
# Extra config lines may be given as arguments. Returns once the broker says it runs: an
# open port alone could be another test's server that took the port free_port chose (then
# ours cannot bind, exits, and we try another port).
start_mosquitto() {
  local dir attempt
  for attempt in 1 2 3; do
    MQTT_PORT=$(free_port)
    dir="$T/mosquitto-$MQTT_PORT"
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
    MQTT_URL="mqtt://127.0.0.1:$MQTT_PORT"
    MQTT_CONF="$dir/mosquitto.conf"
    run_mosquitto && return 0
    grep -q "Address already in use" "$dir/mosquitto.log" || break
  done
  fail "mosquitto did not start: $(tail -3 "$dir/mosquitto.log" 2>/dev/null)"
}

# Starts mosquitto on $MQTT_CONF (again, after a stop: same port and persistence) and
# waits until its log has one more "running" line; sets MQTT_PID. Returns 1 if it exited
# first (the reason is in its log). Does not hand on fds 3-5 (tests hold fifos there: an
# inherited writer would keep their readers from seeing EOF).
run_mosquitto() {
  local log n i
  log="$(dirname "$MQTT_CONF")/mosquitto.log"
  n=$(grep -c 'mosquitto version .* running' "$log" 2>/dev/null || true)
  n=${n:-0}
  sp_spawn mosquitto -c "$MQTT_CONF" 3>&- 4>&- 5>&-
  MQTT_PID=$!
  for i in $(seq 300); do
    [[ $(grep -c 'mosquitto version .* running' "$log" 2>/dev/null) -gt $n ]] && return 0
    kill -0 "$MQTT_PID" 2>/dev/null || return 1
    sleep 0.1
  done
  fail "mosquitto did not say it runs within 30 s: $(tail -3 "$log")"
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
