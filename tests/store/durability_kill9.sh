# kill -9 in the middle of a stream: the file passes PRAGMA integrity_check, and every
# reading that was committed (passed on with --pass-after-commit, or older than the
# commit interval) is there: at most the open batch is lost.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/store/lib.sh"
cd "$T"
gen_readings 10 300 1795341600000 1000 >first.jsonl     # 3000 readings
gen_readings 10 200000 1795700000000 1000 >flood.jsonl  # 2 M readings
mkfifo in
db-store -d k.db --pass-after-commit <in >out.jsonl 2>err.txt &
pid=$!
SP_PIDS+=("$pid")
exec 3>in
cat first.jsonl >&3
wait_lines out.jsonl 3000   # committed by the interval while input is idle
cat flood.jsonl >&3 2>/dev/null &
flood=$!
SP_PIDS+=("$flood")
wait_rows k.db 20000 30        # well into the flood
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
exec 3>&-
kill "$flood" 2>/dev/null || true
assert_eq ok "$(sqlite3 k.db 'PRAGMA integrity_check')" "integrity after kill -9"
rows=$(sqlite3 k.db 'SELECT count(*) FROM readings')
passed=$(wc -l <out.jsonl)
[[ $rows -ge $passed ]] || fail "$passed readings were passed on as committed but only $rows are stored"
[[ $rows -ge 20000 ]] || fail "only $rows rows after kill -9"
[[ $rows -lt 2003000 ]] || fail "the flood cannot have been stored completely ($rows)"
assert_eq 3000 "$(sqlite3 k.db "SELECT count(*) FROM readings WHERE ts < 1795700000000")" "the first readings survived"
assert_eq 0 "$(rollup_mismatches k.db rollup_minute 60000)" "roll-ups consistent after kill -9"
# The file stays usable: a new writer adds to it.
run db-store -d k.db -q first.jsonl
assert_eq 0 "$status" "db-store reopens the file"
pass "kill -9 loses at most the open batch"
