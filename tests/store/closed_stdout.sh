# A reader of the pass-through that goes away (| head -1) ends the pass-through only:
# db-store says so once on stderr and stores every reading of its input, exit 0.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/store/lib.sh"
cd "$T"
gen_readings 20 5000 1795341600000 1000 >a.jsonl  # 100,000 readings, far more than a pipe holds
c=$(store_location c)
d=$(store_location d)
set +e
db-store -d "$c" <a.jsonl 2>err.txt | head -1 >first.txt
st=${PIPESTATUS[0]}
set -e
assert_eq 0 "$st" "db-store's exit status"
assert_eq 1 "$(wc -l <first.txt)" "lines that reached head"
assert_eq 100000 "$(stored_count "$c")" "readings stored"
assert_eq 1 "$(grep -c 'stdout closed' err.txt)" "notes on stderr ($(cat err.txt))"
assert_contains "$(cat err.txt)" "db-store: stdout closed: no longer passing readings on; storing goes on" "the note"
# The same from a live pipe (line-buffered pass-through), and with --pass-after-commit.
set +e
cat a.jsonl | db-store -d "$d" --pass-after-commit 2>err2.txt | head -1 >/dev/null
st=${PIPESTATUS[1]}
set -e
assert_eq 0 "$st" "exit status with --pass-after-commit"
assert_eq 100000 "$(stored_count "$d")" "readings stored with --pass-after-commit"
pass "a closed stdout stops the pass-through, never the storing"
