# Misuse exits 2 with "sensor-sim: error: ..." and the --help hint; nothing on stdout.
source "$SP_SRC/tests/lib/common.sh"
bad() {  # expected stderr text, args...
  local want=$1
  shift
  run sensor-sim "$@"
  assert_eq 2 "$status" "sensor-sim $* exit status"
  assert_contains "$err" "sensor-sim: error:" "sensor-sim $* message"
  assert_contains "$err" "$want" "sensor-sim $* reason"
  assert_contains "$err" "Try 'sensor-sim --help'" "sensor-sim $* hint"
  assert_eq "" "$out" "sensor-sim $* stdout"
}
bad "--bogus" --bogus
bad "--drop" --drop 1.5
bad "--rate" --rate 0
bad "--rate" --rate 10 --interval 1s
bad "--interval" --interval soon
bad "NAME:KIND" --sensor justaname
bad "unknown kind 'nope'" --sensor a:nope:1s
bad "has no parameter 'colour'" --sensor a:temperature:1s:colour=red
bad "defined twice" --sensor a:gauge:1s --sensor a:gauge:2s
bad "--to needs --from" --to now
bad "--from" --from yesterday
bad "--to must be after --from" --from -1h --to -2h
bad "--prefix" --prefix 'a/+'
bad "no sensors" --house 0
echo '{"sensors":[{"name":"x","kind":"gauge","periode":"1s"}]}' >"$T/typo.json"
bad "has no parameter 'periode'" --config "$T/typo.json"
echo '{"sensors":[' >"$T/broken.json"
bad "not valid JSON" --config "$T/broken.json"
bad "cannot both read stdin" --config - --actuators
pass "usage errors exit 2"
run sensor-sim --config "$T/missing.json"
assert_eq 1 "$status" "missing config file"
assert_contains "$err" "sensor-sim: error: cannot read $T/missing.json" "missing config message"
pass "unreadable config exits 1"

run bash -c 'echo "[{\"name\":\"lab/v\",\"kind\":\"gauge\",\"unit\":\"V\"}]" | sensor-sim --config - -n 2'
assert_eq 0 "$status" "--config - exit status"
assert_contains "$out" '"sensor":"lab/v"' "--config - reads stdin"
assert_contains "$out" '"unit":"V"' "--config - unit"
pass "--config - reads the config from stdin"
