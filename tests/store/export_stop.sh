# Long exports stop at a signal: SIGTERM during a 1,000,000-row CSV export ends it early at a
# row boundary with exit 0. And -f table stays within bounded memory: 5,000 readings of a
# sensor with a 100,000-byte name (500 MB if the table held every row) print cut cells.
# SQLite only: what it checks is the engine's (stopping, bounded memory), the same on every
# backend, and storing its million rows into PostgreSQL would add a minute of CI for nothing.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/store/lib.sh"
cd "$T"
gen_readings 10 100000 1795341600000 1000 | db-store -d big.db --quiet
assert_eq 1000000 "$(sql big.db 'SELECT count(*) FROM readings')" "rows to export"

history-query -d big.db -f csv >out.csv 2>err.txt &
pid=$!
SP_PIDS+=("$pid")
wait_lines out.csv 2 60
kill -TERM "$pid"
set +e; wait "$pid"; st=$?; set -e
assert_eq 0 "$st" "exit status after SIGTERM"
rows=$(($(wc -l <out.csv) - 1))
[[ $rows -lt 1000000 ]] || fail "the export ran to its end ($rows rows) after SIGTERM"
[[ -z $(tail -c 1 out.csv) ]] || fail "the output does not end at a row boundary"
bad=$(awk -F, 'NR > 1 && NF != 5' out.csv | head -3)
assert_eq "" "$bad" "every row printed is whole"
assert_eq "" "$(cat err.txt)" "nothing on stderr"

# -f table with huge cells.
name=$(head -c 100000 /dev/zero | tr '\0' 'n')
awk -v n="$name" 'BEGIN { for (i = 0; i < 5000; i++) printf "{\"sensor\":\"%s\",\"ts\":%d,\"value\":%d}\n", n, 1795341600 + i, i }' |
  db-store -d wide.db --quiet
/usr/bin/time -f '%M' -o rss.txt history-query -d wide.db -f table >table.txt
assert_eq 5001 "$(wc -l <table.txt)" "table lines (header and rows)"
longest=$(awk '{ if (length($0) > m) m = length($0) } END { print m }' table.txt)
[[ $longest -lt 300 ]] || fail "table lines are up to $longest characters: cells are not cut"
assert_contains "$(sed -n 2p table.txt)" "nnn…" "a cut cell ends with an ellipsis"
assert_contains "$(tail -1 table.txt)" "4999" "the last row is printed"
rss_kb=$(tail -1 rss.txt)
[[ $rss_kb -lt 200000 ]] || fail "history-query -f table used $rss_kb kB for 5,000 rows"
pass "SIGTERM stopped the export after $rows of 1,000,000 rows; -f table of 100,000-byte names in $rss_kb kB"
