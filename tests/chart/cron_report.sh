# The weekly report in share/sensorpipe/examples/sensorpipe-report.cron, run as cron would
# (/bin/sh, a bare environment, '\%' unescaped) on a database with nine days of a simulated
# household: it writes this week's CSV (seven days of every energy meter) and a PNG chart,
# and prints nothing (cron would mail it).
source "$SP_SRC/tests/lib/common.sh"
cron=$SP_SRC/share/sensorpipe/examples/sensorpipe-report.cron
db=$T/readings.db
sensor-sim --prefix home --from -9d --to now --interval 10m --seed 3 | db-store -d "$db" --quiet
sensors=$(history-query -d "$db" --sensor 'home/*/energy' --list-sensors -f csv | tail -n +2 | wc -l)
((sensors >= 5)) || fail "test data: $sensors energy meters"

jobs=$(grep -Ev '^\s*(#|$|[A-Z_]+=)' "$cron" | sed -E 's/^([^ ]+ +){6}//' |
  sed -e "s|/var/lib/sensorpipe/home/readings.db|$db|g" -e "s|/var/backups/sensorpipe|$T/backups|g" -e 's/\\%/%/g')
assert_eq 1 "$(wc -l <<<"$jobs")" "job lines in sensorpipe-report.cron"
week=$(date -d '-7 days' +%G-W%V)
run env -i PATH="$SP_BIN:/usr/bin:/bin" HOME="$T" /bin/sh -c "$jobs"
assert_eq 0 "$status" "cron job [$jobs]: $err"
assert_eq "" "$out$err" "cron job output (cron would mail it)"

dir=$T/backups/reports
[[ -f $dir/home-energy-$week.csv ]] || week=$(date -d '-7 days' +%G-W%V)  # ran across midnight
csv=$dir/home-energy-$week.csv png=$dir/home-energy-$week.png
[[ -f $csv && -f $png ]] || fail "the report did not write $csv and $png: $(ls "$dir" 2>&1)"
assert_eq "sensor,ts,increase,unit,increase_unit,partial" "$(head -1 "$csv")" "CSV header"
rows=$(tail -n +2 "$csv" | wc -l)
assert_eq $((sensors * 7)) "$rows" "CSV rows: 7 days of $sensors energy meters"
assert_eq 7 "$(tail -n +2 "$csv" | cut -d, -f2 | sort -u | wc -l)" "days in the CSV"
assert_eq kWh "$(tail -n +2 "$csv" | cut -d, -f5 | sort -u)" "the increase is in kWh"
# The meters only count up: a day's increase is never negative.
assert_eq "" "$(tail -n +2 "$csv" | cut -d, -f3 | grep -- - || true)" "no negative day"
assert_contains "$(file -b "$png")" "PNG image data, 1000 x 500" "file(1) on the chart"
pass "weekly report: $rows CSV rows ($sensors meters x 7 days) and a chart, nothing printed"
