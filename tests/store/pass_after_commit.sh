# --pass-after-commit: a line comes out only when it is durable. At every moment the
# output holds no more lines than the database holds rows.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/store/lib.sh"
cd "$T"
p=$(store_location p)
gen_readings 5 4 1795341600000 1000 >a.jsonl
mkfifo in
db-store -d "$p" --pass-after-commit --commit-interval 2s <in >out.jsonl &
pid=$!
SP_PIDS+=("$pid")
exec 3>in
cat a.jsonl >&3
checks=0
for i in $(seq 40); do
  passed=$(wc -l <out.jsonl)
  rows=$(stored_count "$p" 2>/dev/null) || rows=0  # not made yet: history-query fails (wc said 0)
  [[ $passed -le $rows ]] || fail "$passed lines passed on but only $rows stored"
  checks=$((checks + 1))
  [[ $passed -ge 20 ]] && break
  sleep 0.1
done
wait_lines out.jsonl 20
assert_eq 20 "$(stored_count "$p")" "all rows stored"
exec 3>&-
set +e; wait "$pid"; st=$?; set -e
assert_eq 0 "$st" "exit status"
pass "pass after commit ($checks checks)"
