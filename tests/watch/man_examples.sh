# Every command in the EXAMPLES section of sensor-watch(1) runs and exits 0 (in order, in
# an empty directory), and the freezer example gives the firing and resolved events.
source "$SP_SRC/tests/lib/common.sh"
cd "$T"
n=0
while IFS= read -r cmd; do
  [[ -n "$cmd" ]] || continue
  run bash -c "$cmd"
  [[ $status -eq 0 ]] || fail "man/sensor-watch.1 example failed ($status): $cmd: $err"
  [[ $n -ne 0 ]] || first=$out
  n=$((n + 1))
done < <(man_examples "$SP_SRC/man/sensor-watch.1")
[[ $n -ge 3 ]] || fail "man/sensor-watch.1 has only $n runnable examples"
assert_contains "$first" '"rule":"freezer","subject":"home/freezer/temperature","state":"firing"' "the freezer example fires"
assert_contains "$first" '"rule":"freezer","subject":"home/freezer/temperature","state":"resolved"' "and resolves"
assert_contains "$out" "offline: stale home/# silent for 15m" "--list-rules example"
pass "sensor-watch: $n examples"
