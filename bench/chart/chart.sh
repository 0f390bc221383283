#!/usr/bin/env bash
# Chart benchmark: a year of daily buckets for 20 sensors (hourly readings, 175,200 rows; the
# buckets come from the roll-ups), drawn as a 1000x500 PNG by history-query -f png (query and
# drawing) against gnuplot's pngcairo terminal drawing the same buckets from the CSV that
# history-query -f csv wrote beforehand (drawing only), same run. Also prints the time of the
# CSV query alone, and ours as SVG and PDF.
# Usage: bench/chart/chart.sh [RUNS]
source "$(dirname "$0")/../lib.sh"
runs=${1:-5}
command -v gnuplot >/dev/null || { echo "gnuplot is not installed (scripts/deps.sh --bench)" >&2; exit 1; }
db=$BENCH_TMP/year.db
awk 'BEGIN { srand(1); t0 = 1767225600; for (h = 0; h < 365 * 24; h++) for (s = 0; s < 20; s++)
  printf "{\"sensor\":\"house/appliance%02d/energy\",\"ts\":%d,\"value\":%.3f,\"unit\":\"kWh\"}\n", s, t0 + h * 3600, rand() * (s + 1) / 10 }' |
  db-store -d "$db" --quiet
q="-d $db --from 2026-01-01 --to 2027-01-01 --every 1d --agg sum"
csv=$BENCH_TMP/year.csv
history-query $q -f csv >"$csv"
[[ $(wc -l <"$csv") -eq 7301 ]] || { echo "unexpected CSV: $(wc -l <"$csv") lines" >&2; exit 1; }
# The CSV is sorted by sensor: rows 1+365i .. 365(i+1) are sensor i.
cat >"$BENCH_TMP/plot.gp" <<GP
set terminal pngcairo size 1000,500 font "DejaVu Sans,9"
set output "$BENCH_TMP/gnuplot.png"
set datafile separator ","
set xdata time
set timefmt "%Y-%m-%dT%H:%M:%S"
set format x "%b"
set key below
set title "Energy per day"
set ylabel "kWh"
plot for [i=0:19] "$csv" every ::(1+i*365)::((i+1)*365) using 2:3 with lines title sprintf("appliance%02d", i)
GP
gnuplot "$BENCH_TMP/plot.gp" && file "$BENCH_TMP/gnuplot.png" | grep -q "1000 x 500" || { echo "gnuplot failed" >&2; exit 1; }
ours_line="history-query $q --chart line --title 'Energy per day' -f png -o $BENCH_TMP/ours.png"
ours_bars="history-query $q --title 'Energy per day' -f png -o $BENCH_TMP/bars.png"
peer="gnuplot $BENCH_TMP/plot.gp"
bench_compare "20 sensors x 365 daily buckets, lines, PNG (ours: query + draw; gnuplot: draw the CSV)" 1 "$ours_line" "$peer" "$runs"
bench_compare "same as stacked bars (ours) vs gnuplot lines" 1 "$ours_bars" "$peer" "$runs"
bench_compare "ours: the CSV query alone vs gnuplot drawing it" 1 "history-query $q -f csv" "$peer" "$runs"
bench_compare "ours SVG vs gnuplot PNG" 1 "history-query $q --chart line -f svg -o $BENCH_TMP/ours.svg" "$peer" 3
bench_compare "ours PDF vs gnuplot PNG" 1 "history-query $q --chart line -f pdf -o $BENCH_TMP/ours.pdf" "$peer" 3
