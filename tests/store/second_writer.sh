# Two db-store processes on one database: the second waits for the lock; both finish,
# everything is stored once, and the database is intact.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/store/lib.sh"
cd "$T"
w=$(store_location w)
gen_readings 10 3000 1795341600000 1000 1 >a.jsonl
gen_readings 10 3000 1795341600000 1000 2 | sed 's/"t\/s/"u\/s/' >b.jsonl
db-store -d "$w" -q --batch-rows 500 a.jsonl &
p1=$!
db-store -d "$w" -q --batch-rows 500 b.jsonl &
p2=$!
SP_PIDS+=("$p1" "$p2")
wait "$p1" || fail "first writer failed"
wait "$p2" || fail "second writer failed"
assert_eq 60000 "$(stored_count "$w")" "rows of both writers"
assert_eq ok "$(store_integrity "$w")" "integrity"
assert_eq 0 "$(rollup_mismatches "$w")" "roll-ups of both writers"
pass "second writer"
