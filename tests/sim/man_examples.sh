# Every command in the EXAMPLES section of man/sensor-sim.1 runs and succeeds.
source "$SP_SRC/tests/lib/common.sh"
cd "$T"
examples=$(man_examples "$SP_SRC/man/sensor-sim.1")
[[ -n "$examples" ]] || fail "no examples found in man/sensor-sim.1"
n=0
while IFS= read -r cmd; do
  set +e
  timeout 60 bash -o pipefail -c "$cmd" >"$T/ex.out" 2>"$T/ex.err" </dev/null
  st=$?
  set -e
  [[ $st -eq 0 ]] || fail "example exited $st: $cmd ($(head -c 300 "$T/ex.err"))"
  [[ -s "$T/ex.out" ]] || fail "example printed nothing: $cmd"
  n=$((n + 1))
done <<<"$examples"
pass "$n man page examples ran"
