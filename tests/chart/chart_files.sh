# history-query -f png|svg|pdf on a real SQLite file: the files are what they claim (file(1),
# the PNG's IHDR size, the SVG parses as XML and renders in headless Chromium, the PDF has one
# page of the asked size and its text shows the title, unit, legend and time labels in --tz),
# the bars drawn are the numbers -f csv prints for the same query, the same query gives the
# same bytes, and awkward data (nothing, one point, huge and negative values, long names,
# 25 sensors, string states, 100,000 points) still draws a chart.
source "$SP_SRC/tests/lib/common.sh"
cd "$T"
db=$T/home.db
week=(--from 2026-11-02T00:00:00Z --to 2026-11-09T00:00:00Z)
sensor-sim --prefix home "${week[@]}" --interval 10m --seed 7 | db-store -d "$db" --quiet
q=(-d "$db" "${week[@]}")

pdf_field() { pdfinfo "$1" | sed -n "s/^$2: *//p"; }
png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%dx%d", $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8 }'; }

# PNG, to a file and to stdout: the same bytes, the asked size.
run history-query "${q[@]}" -s 'home/*/temperature' --tz Europe/Berlin --title 'Temperatures' -f png -o t.png --width 800 --height 400
assert_eq 0 "$status" "history-query -f png exit status ($err)"
assert_eq "" "$err" "history-query -f png stderr"
assert_contains "$(file -b t.png)" "PNG image data, 800 x 400" "file(1) on the PNG"
assert_eq "800x400" "$(png_size t.png)" "PNG IHDR size"
history-query "${q[@]}" -s 'home/*/temperature' --tz Europe/Berlin --title 'Temperatures' -f png --width 800 --height 400 >t-stdout.png
cmp -s t.png t-stdout.png || fail "the same query drew a different PNG on stdout"
history-query "${q[@]}" -s 'home/*/temperature' --tz Europe/Berlin --title 'Temperatures' -f png -o - --width 800 --height 400 >t-dash.png
cmp -s t.png t-dash.png || fail "-o - drew a different PNG"
history-query "${q[@]}" -s home/kitchen/temperature -f png >default.png
assert_eq "1000x500" "$(png_size default.png)" "default PNG size"
pass "PNG: 800x400 as asked (1000x500 by default), same bytes to a file and to stdout"

# SVG and PDF of the same chart; dark style.
history-query "${q[@]}" -s 'home/*/temperature' --title 'Temperatures' -f svg -o t.svg --width 800 --height 400
assert_contains "$(file -b t.svg)" "SVG" "file(1) on the SVG"
python3 "$SP_SRC/tests/chart/svg_bars.py" t.svg none >/dev/null || fail "t.svg is not well-formed SVG"
history-query "${q[@]}" -s 'home/*/temperature' --title 'Temperatures' -f pdf -o t.pdf --width 800 --height 400
assert_contains "$(file -b t.pdf)" "PDF document" "file(1) on the PDF"
assert_eq 1 "$(pdf_field t.pdf Pages)" "pdfinfo pages"
assert_eq "800 x 400 pts" "$(pdf_field t.pdf 'Page size')" "pdfinfo page size"
assert_eq "Temperatures" "$(pdf_field t.pdf Title)" "pdfinfo title"
history-query "${q[@]}" -s 'home/*/temperature' --title 'Temperatures' -f pdf -o t2.pdf --width 800 --height 400
cmp -s t.pdf t2.pdf || fail "the same query drew a different PDF"
history-query "${q[@]}" -s 'home/*/temperature' --style dark -f png -o dark.png
history-query "${q[@]}" -s 'home/*/temperature' --style light -f png -o light.png
! cmp -s dark.png light.png || fail "--style dark drew the same image as light"
pass "SVG parses, PDF has one 800x400 page with the title; same bytes twice; dark differs from light"

# What a reader sees, from the PDF's text: title, unit, legend, time labels in --tz.
text=$(pdftotext t.pdf -)
for want in Temperatures °C home/bathroom/temperature home/kitchen/temperature "Nov 3" 2026; do
  assert_contains "$text" "$want" "text of the PDF chart"
done
day=(-d "$db" -s home/kitchen/temperature --from 2026-11-02T12:00:00Z --to 2026-11-03T03:00:00Z -f pdf)
history-query "${day[@]}" -o utc.pdf
history-query "${day[@]}" -o ny.pdf --tz America/New_York
assert_contains "$(pdftotext utc.pdf -)" "Nov 3" "UTC axis of 12:00-03:00Z (crosses midnight)"
assert_not_contains "$(pdftotext ny.pdf -)" "Nov 3" "New York axis of 07:00-22:00 local (does not)"
assert_contains "$(pdftotext ny.pdf -)" "Nov 2" "New York axis"
pass "the PDF's text has the title, unit, legend and time labels; --tz moves the axis"

# The bars are the CSV's numbers: daily sums of two sensors share one scale, so every bar's
# height divided by its value is the same, and a bar per non-zero CSV row is drawn in time order.
bar_q=("${q[@]}" -s home/fridge/usage -s home/tv/usage --every 1d --agg sum)
history-query "${bar_q[@]}" -f csv >bars.csv
history-query "${bar_q[@]}" -f svg -o bars.svg
python3 "$SP_SRC/tests/chart/svg_bars.py" bars.svg 'rgb(30.588235%,47.45098%,65.490196%)' >fridge.bars
python3 "$SP_SRC/tests/chart/svg_bars.py" bars.svg 'rgb(94.901961%,55.686275%,16.862745%)' >tv.bars
assert_eq 7 "$(grep -c '^home/fridge/usage,' bars.csv)" "daily rows of home/fridge/usage in the CSV"
assert_eq 7 "$(grep -c '^home/tv/usage,' bars.csv)" "daily rows of home/tv/usage in the CSV"
grep '^home/fridge/usage,' bars.csv | cut -d, -f3 | grep -vx 0 >fridge.values || true
grep '^home/tv/usage,' bars.csv | cut -d, -f3 | grep -vx 0 >tv.values || true
(($(wc -l <tv.values) >= 3)) || fail "test data: home/tv/usage was used on fewer than 3 days"
assert_eq "$(wc -l <fridge.values)" "$(wc -l <fridge.bars)" "bars of home/fridge/usage"
assert_eq "$(wc -l <tv.values)" "$(wc -l <tv.bars)" "bars of home/tv/usage"
check=$(paste -d' ' fridge.bars fridge.values; paste -d' ' tv.bars tv.values)
python3 - "$check" <<'PY' || fail "bar heights do not match the CSV: $check"
import sys
rows = [tuple(map(float, l.split())) for l in sys.argv[1].splitlines()]
k = max(h for _, h, _ in rows) / max(v for _, _, v in rows)  # pixels per unit
assert k > 0
for x, h, v in rows:
    assert abs(h - v * k) <= 0.02 + 1e-6 * v * k, f"bar at x={x}: {h} px for {v}, expected {v * k}"
PY
pass "$(wc -l <fridge.bars) + $(wc -l <tv.bars) bars, heights proportional to the CSV's sums"

# Awkward data draws something, exit 0, nothing on stderr.
long=$(printf 'very/long/%.0s' {1..40})name
{
  printf '{"sensor":"odd/huge","ts":%d,"value":%s}\n' 1795341600 1.7e308 1795345200 -1.7e308 1795348800 5
  printf '{"sensor":"odd/negative","ts":%d,"value":%s,"unit":"°C"}\n' 1795341600 -40.5 1795345200 -3 1795348800 -12
  printf '{"sensor":"odd/single","ts":1795341600,"value":42,"unit":"W"}\n'
  printf '{"sensor":"odd/state","ts":%d,"value":%s}\n' 1795341600 '"on"' 1795343400 '"off"' 1795345200 '"standby"' 1795347000 true
  printf '{"sensor":"%s","ts":1795341600,"value":1}\n' "$long"
  for i in $(seq 1 25); do printf '{"sensor":"many/s%02d","ts":%d,"value":%d}\n' "$i" 1795341600 "$i" "$i" 1795345200 $((i * 2)); done
} | db-store -d odd.db --quiet
cases=("-s odd/huge" "-s odd/negative" "-s odd/single" "-s odd/state" "-s odd/state --chart step" "-s very/#"
       "-s many/#" "-s many/# --every 1h --agg sum" "-s odd/# --every 1h --agg avg,sum" "-s nothing/here"
       "-s odd/single --every 1d --agg count --tz Europe/Berlin")
n=0
for c in "${cases[@]}"; do
  for f in png svg pdf; do
    n=$((n + 1))
    # shellcheck disable=SC2086  # the case's words are options
    run history-query -d odd.db $c -f $f -o "odd$n.$f"
    assert_eq 0 "$status" "history-query $c -f $f exit status ($err)"
    assert_eq "" "$err" "history-query $c -f $f stderr"
    case $f in
      png) assert_contains "$(file -b "odd$n.$f")" "PNG image data, 1000 x 500" "file(1) on $c" ;;
      svg) python3 "$SP_SRC/tests/chart/svg_bars.py" "odd$n.svg" none >/dev/null || fail "$c: not well-formed SVG" ;;
      pdf) assert_eq 1 "$(pdf_field "odd$n.pdf" Pages)" "pdfinfo pages on $c" ;;
    esac
  done
done
pass "${#cases[@]} awkward queries x png/svg/pdf: all drawn"

# 100,000 raw readings of one sensor: the line goes through each pixel column's first, lowest,
# highest and last point, so the SVG stays small (every point drawn would be over 2 MB).
awk 'BEGIN { srand(2); for (i = 0; i < 100000; i++)
  printf "{\"sensor\":\"lab/dense\",\"ts\":%d,\"value\":%.3f}\n", 1795341600 + i, sin(i / 5000) * 10 + rand() }' |
  db-store -d dense.db --quiet
run history-query -d dense.db -f svg -o odd-dense.svg
assert_eq 0 "$status" "dense SVG exit status ($err)"
size=$(stat -c %s odd-dense.svg)
((size < 500000)) || fail "100,000 points drew a $size-byte SVG"
python3 "$SP_SRC/tests/chart/svg_bars.py" odd-dense.svg none >/dev/null || fail "odd-dense.svg: not well-formed SVG"
run history-query -d dense.db -f png -o limited.png --limit 1000
assert_eq 0 "$status" "--limit chart exit status"
assert_contains "$err" "history-query: chart limited to 1000 rows by --limit; more rows match" "--limit notice"
pass "100,000 points: a $size-byte SVG; --limit says when it cut the chart"

# The SVGs render in a real browser at their size.
[[ -x /usr/bin/chromium ]] || fail "chromium is not installed (scripts/deps.sh installs it)"
run node "$SP_SRC/tests/chart/render_svg.js" t.svg bars.svg odd*.svg
assert_eq 0 "$status" "Chromium rendering the SVGs: $out $err"
assert_contains "$out" "ok: t.svg 800x400" "Chromium on t.svg"
assert_contains "$out" "ok: bars.svg 1000x500" "Chromium on bars.svg"
pass "Chromium renders the SVGs at their size"

# Misuse is a usage error; an unwritable file a runtime error.
for bad in "--style pink" "--chart pie" "--width 10" "--follow" "--list-sensors" "--tz Mars/Base"; do
  # shellcheck disable=SC2086
  run history-query -d odd.db -f png -o x.png $bad
  assert_eq 2 "$status" "history-query -f png $bad exit status"
  assert_contains "$err" "history-query: " "history-query -f png $bad message"
done
run history-query -d odd.db -f csv -o x.csv
assert_eq 2 "$status" "-o with -f csv exit status"
assert_contains "$err" "history-query: error: -o writes chart images" "-o with -f csv message"
run history-query -d odd.db -f png -o "$T/no/such/dir/x.png"
assert_eq 1 "$status" "unwritable -o exit status"
assert_contains "$err" "history-query: error: $T/no/such/dir/x.png: No such file or directory" "unwritable -o message"
pass "bad chart options (and -o with a text format) exit 2, an unwritable file exits 1"
