# A closed stdout ends sensor-sim at once, quietly, with status 0: in live mode,
# in back-fill, and while waiting an hour for a slow sensor's next reading.
source "$SP_SRC/tests/lib/common.sh"
check() {  # description, command...
  local desc=$1
  shift
  set +e
  timeout 20 bash -c 'set -o pipefail; "$@" 2>"'"$T"'/err" | head -1 >"'"$T"'/out"' _ "$@"
  local st=$?
  set -e
  [[ $st -ne 124 ]] || fail "$desc: still running 20 s after head exited"
  assert_eq 0 "$st" "$desc: exit status"
  assert_eq "" "$(cat "$T/err")" "$desc: stderr"
  assert_contains "$(cat "$T/out")" '"sensor":' "$desc: first line"
  pass "$desc"
}
check "live | head -1" sensor-sim --house 3
check "back-fill | head -1" sensor-sim --house 3 --from -30d
check "slow sensor | head -1" sensor-sim --sensor slow:gauge:1h
check "actuators | head -1" sensor-sim --actuators --sensor slow:gauge:1h </dev/null
