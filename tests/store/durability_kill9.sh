# kill -9 in the middle of a stream: the database passes its integrity check, and every
# reading that was committed (passed on with --pass-after-commit, or older than the
# commit interval) is there: at most the open batch is lost.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/store/lib.sh"
cd "$T"
k=$(store_location k)
gen_readings 10 300 1795341600000 1000 >first.jsonl     # 3000 readings
gen_readings 10 200000 1795700000000 1000 >flood.jsonl  # 2 M readings
mkfifo in
db-store -d "$k" --pass-after-commit <in >out.jsonl 2>err.txt &
pid=$!
SP_PIDS+=("$pid")
exec 3>in
cat first.jsonl >&3
wait_lines out.jsonl 3000   # committed by the interval while input is idle
cat flood.jsonl >&3 2>/dev/null &
flood=$!
SP_PIDS+=("$flood")
wait_rows "$k" 20000 30        # well into the flood
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
exec 3>&-
kill "$flood" 2>/dev/null || true
assert_eq ok "$(store_integrity "$k")" "integrity after kill -9"
rows=$(stored_count "$k")
passed=$(wc -l <out.jsonl)
[[ $rows -ge $passed ]] || fail "$passed readings were passed on as committed but only $rows are stored"
[[ $rows -ge 20000 ]] || fail "only $rows rows after kill -9"
[[ $rows -lt 2003000 ]] || fail "the flood cannot have been stored completely ($rows)"
assert_eq 3000 "$(stored_count "$k" --to 1795700000000)" "the first readings survived"
assert_eq 0 "$(rollup_mismatches "$k")" "roll-ups consistent after kill -9"
# The database stays usable: a new writer adds to it.
run db-store -d "$k" -q first.jsonl
assert_eq 0 "$status" "db-store reopens the database"
pass "kill -9 loses at most the open batch"
