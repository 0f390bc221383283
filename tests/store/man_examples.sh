# Every command in the EXAMPLES sections of db-store(1) and history-query(1) runs and
# exits 0 (run in order, in an empty directory, so earlier examples prepare later ones).
source "$SP_SRC/tests/lib/common.sh"
cd "$T"
for page in db-store history-query; do
  n=0
  while IFS= read -r cmd; do
    [[ -n "$cmd" ]] || continue
    run bash -c "$cmd"
    [[ $status -eq 0 ]] || fail "man/$page.1 example failed ($status): $cmd: $err"
    n=$((n + 1))
  done < <(man_examples "$SP_SRC/man/$page.1")
  [[ $n -ge 3 ]] || fail "man/$page.1 has only $n runnable examples"
  pass "$page: $n examples"
done
run history-query -d home.db --sensor 'home/hall/motion' --every 1h --agg avg,count
assert_contains "$out" '{"sensor":"home/hall/motion","ts":"2026-11-22T10:00:00.000Z","avg":0.5,"count":2}' "the duty-cycle example's answer"
