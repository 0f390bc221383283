# The cron recipes shipped in share/sensorpipe/examples/sensorpipe.cron, run as cron would
# run them (/bin/sh, '\%' unescaped) with the installed programs, on a database with 100
# days of history: the nightly export writes yesterday's 5-minute rows as CSV, and the
# retention run deletes raw readings older than 90 days and keeps the rest.
source "$SP_SRC/tests/lib/common.sh"
P=$T/p
cmake --install "$SP_BUILD" --prefix "$P" >/dev/null
cron=$P/share/sensorpipe/examples/sensorpipe.cron
[[ -f $cron ]] || fail "sensorpipe.cron not installed"
db=$T/readings.db
{ # hourly for the old part, every minute for the last two days
  "$P/bin/sensor-sim" --prefix home --from -100d --to -2d --interval 1h --seed 1
  "$P/bin/sensor-sim" --prefix home --from -2d --to now --interval 1m --seed 2
} | "$P/bin/db-store" -d "$db" --quiet
count() { "$P/bin/history-query" -d "$db" --sensor home/kitchen/temperature --from "$1" --to "$2" -f jsonl | wc -l; }
# Fixed bounds (epoch seconds), so that the counts before and after compare the same window
# however long the jobs take (a window relative to "now" moves past hourly readings).
t0=$(date +%s)
recent=("$((t0 - 89 * 86400))" "$t0")
old_before=$(count -100d -91d) recent_before=$(count "${recent[@]}")
((old_before > 0 && recent_before > 0)) || fail "test data: $old_before old, $recent_before recent readings"

# The command of every job line (minute hour day month weekday user command), pointed at
# the test's files.
jobs=$(grep -Ev '^\s*(#|$|[A-Z_]+=)' "$cron" | sed -E 's/^([^ ]+ +){6}//' |
  sed -e "s|/var/lib/sensorpipe/home/readings.db|$db|g" -e "s|/var/backups/sensorpipe|$T/backups|g" -e 's/\\%/%/g')
assert_eq 2 "$(wc -l <<<"$jobs")" "job lines in sensorpipe.cron"
day=$(date +%F)
while IFS= read -r job; do
  run env -i PATH="$P/bin:/usr/bin:/bin" HOME="$T" /bin/sh -c "$job"
  assert_eq 0 "$status" "cron job [$job]: $err"
  assert_eq "" "$out" "cron job output (cron would mail it) [$job]"
done <<<"$jobs"

csv=$T/backups/home-$day.csv
[[ -f $csv ]] || csv=$T/backups/home-$(date +%F).csv  # the jobs ran across midnight
[[ -f $csv ]] || fail "nightly export did not write $csv: $(ls "$T/backups" 2>&1)"
header=$(head -1 "$csv")
assert_contains "$header" "sensor" "CSV header"
assert_contains "$header" "avg" "CSV header"
rows=$(grep -c '^home/kitchen/temperature,' "$csv" || true)
((rows >= 280 && rows <= 290)) || fail "nightly export: $rows rows of home/kitchen/temperature, expected 288 5-minute buckets"
pass "nightly CSV export: $(wc -l <"$csv") lines, $rows buckets per sensor"

assert_eq 0 "$(count -100d -91d)" "raw readings older than 91 days after the retention run"
recent_after=$(count "${recent[@]}")
assert_eq "$recent_before" "$recent_after" "readings of the last 89 days after the retention run"
pass "retention run kept $recent_after readings, deleted $old_before older ones"

# The README shows the same job lines as the shipped files (sensorpipe-report.cron's is
# run by tests/chart/cron_report.sh).
readme_jobs=$(grep -E '^[0-9*]+ [0-9*]+ [0-9*]+ [0-9*]+ [0-9*]+ root ' "$SP_SRC/README.md" | sort)
assert_eq "$(cat "$SP_SRC"/share/sensorpipe/examples/*.cron | grep -Ev '^\s*(#|$|[A-Z_]+=)' | sort)" "$readme_jobs" "cron lines in README.md"
pass "README.md shows the shipped cron lines"
