# --limit cuts the output and says so on stderr; an uncut result prints no notice.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/store/lib.sh"
cd "$T"
store_location l  # an SQLite file, or a PostgreSQL database (SENSORPIPE_TEST_BACKEND)
db=$STORE_LOCATION
gen_readings 3 10 1795341600000 1000 >a.jsonl
db-store -d "$db" -q a.jsonl
run history-query -d "$db" --limit 4
assert_eq 0 "$status" "exit status"
assert_eq 4 "$(printf '%s\n' "$out" | wc -l)" "rows printed"
assert_eq "history-query: output limited to 4 rows by --limit; more rows match" "$err" "notice"
run history-query -d "$db" --limit 30
assert_eq 30 "$(printf '%s\n' "$out" | wc -l)" "rows printed when the limit is exact"
assert_eq "" "$err" "no notice when nothing was cut"
run history-query -d "$db" --limit 10 --sensor t/s0
assert_eq "" "$err" "no notice when one sensor fits"
run history-query -d "$db" --every 1s --agg count --limit 2 -f csv
assert_eq 3 "$(printf '%s\n' "$out" | wc -l)" "header plus 2 bucket rows"
assert_contains "$err" "output limited to 2 rows" "notice for buckets"
pass "limit notice"
