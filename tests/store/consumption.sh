# The consumption aggregates through history-query, edge by edge as history-query(1) defines
# them: increase (baseline, dip, reset, long silence, partial, days summing to the whole),
# integral (carried forward, gap, units), twa (booleans, strings, single point), exact
# percentiles, and roll-ups giving what raw rows give.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/store/lib.sh"
cd "$T"
db=$(store_location c)
D=1795305600  # 2026-11-22T00:00:00Z
H=3600
r() { printf '{"sensor":"%s","ts":%d,"value":%s%s}\n' "$1" "$2" "$3" "${4:-}"; }
meter=',"unit":"kWh","kind":"energy"'
{
  r t/meter $D 100 "$meter"                       # day 0: the first reading is the baseline
  r t/meter $((D + 12 * H)) 110 "$meter"          # +10
  r t/meter $((D + 24 * H + 1800)) 120 "$meter"   # day 1: +10
  r t/meter $((D + 30 * H)) 119 "$meter"          # a dip within 10 %: 0
  r t/meter $((D + 31 * H)) 121 "$meter"          # the recovery counts only above 120: +1
  r t/meter $((D + 36 * H)) 5 "$meter"            # a reset: the new value counts from 0: +5
  r t/meter $((D + 51 * H)) 15 "$meter"           # day 2: +10
  r t/meter $((D + 98 * H)) 40 "$meter"           # day 4, 47 h of silence: a new baseline
  r t/heater/power $D 1000 ',"unit":"W","kind":"power"'
  r t/heater/power $((D + 1800)) 0 ',"unit":"W","kind":"power"'
  r t/heater/power $((D + H)) 2000 ',"unit":"W","kind":"power"'
  r t/heater/power $((D + H + 900)) 0 ',"unit":"W","kind":"power"'
  r t/heater/power $((D + 3 * H)) 500 ',"unit":"W","kind":"power"'  # held 1 h (--gap), not longer
  r t/pump/on $D true
  r t/pump/on $((D + 900)) false
  r t/pump/state $D '"on"'
  r t/single $((D + 1800)) 7
  for v in 4 1 3 2; do r t/p $((D + v * 60)) $v; done
} | db-store -d "$db" -q
q() { history-query -d "$db" "$@"; }
day=(--from 2026-11-22T00:00:00Z --to 2026-11-27T00:00:00Z --every 1d)

run q -s t/meter "${day[@]}" --agg increase -f csv
assert_eq 'sensor,ts,increase,unit,increase_unit,partial
t/meter,2026-11-22T00:00:00.000Z,10,kWh,kWh,true
t/meter,2026-11-23T00:00:00.000Z,16,kWh,kWh,false
t/meter,2026-11-24T00:00:00.000Z,10,kWh,kWh,false
t/meter,2026-11-26T00:00:00.000Z,0,kWh,kWh,true' "$out" "increase per day: dip, recovery, reset, silence"
run q -s t/meter --from 2026-11-22T00:00:00Z --to 2026-11-27T00:00:00Z --every 30d --agg increase -f csv
assert_eq 't/meter,2026-11-03T00:00:00.000Z,36,kWh,kWh,true' "$(tail -n 1 <<<"$out")" "the days sum to the whole range"
run q -s t/meter --from 2026-11-23T00:00:00Z --to 2026-11-24T00:00:00Z --every 1d --agg increase
assert_eq '{"sensor":"t/meter","ts":"2026-11-23T00:00:00.000Z","increase":16,"unit":"kWh","increase_unit":"kWh","partial":false}' \
  "$out" "the baseline and high-water mark come from before --from"
run q -s t/meter "${day[@]}" --agg increase --lookback 50h -f csv
assert_eq 't/meter,2026-11-26T00:00:00.000Z,25,kWh,kWh,false' "$(tail -n 1 <<<"$out")" "--lookback bridges a longer silence"
run q -s t/meter "${day[@]}" --agg increase --reset-ratio 0.005 -f csv
assert_eq 't/meter,2026-11-23T00:00:00.000Z,136,kWh,kWh,false' "$(sed -n 3p <<<"$out")" \
  "--reset-ratio 0.005: +10, the dip to 119 is a reset (+119), the recovery +2, the reset +5"

hour=(--from 2026-11-22T00:00:00Z --to 2026-11-22T05:00:00Z --every 1h)
run q -s t/heater/power "${hour[@]}" --agg integral,increase,twa -f csv
assert_eq 'sensor,ts,integral,increase,twa,unit,integral_unit,increase_unit,partial
t/heater/power,2026-11-22T00:00:00.000Z,0.5,0.5,500,W,kWh,kWh,false
t/heater/power,2026-11-22T01:00:00.000Z,0.5,0.5,500,W,kWh,kWh,false
t/heater/power,2026-11-22T02:00:00.000Z,0,0,0,W,kWh,kWh,false
t/heater/power,2026-11-22T03:00:00.000Z,0.5,0.5,500,W,kWh,kWh,false' "$out" \
  "integral: carried forward, cut at the hour, 0 held into 02:00 until 02:15, nothing past --gap"
run q -s t/heater/power "${hour[@]}" --agg integral --integral-unit Wh --gap 10m -f csv
assert_eq 't/heater/power,2026-11-22T00:00:00.000Z,166.666666667,W,Wh
t/heater/power,2026-11-22T01:00:00.000Z,333.333333333,W,Wh
t/heater/power,2026-11-22T03:00:00.000Z,83.3333333333,W,Wh' "$(tail -n +2 <<<"$out")" "--integral-unit Wh, --gap 10m"
run q -s t/heater/power --from 2026-11-22T00:00:00Z --to 2026-11-22T05:00:00Z --every 5h --agg integral
assert_contains "$out" '"integral":1.5,' "hours sum to the whole"

run q -s 't/pump/*' -s t/single --from 2026-11-22T00:00:00Z --to 2026-11-22T01:00:00Z --every 1h --agg twa,increase,avg -f csv
assert_eq 'sensor,ts,twa,increase,avg,unit,increase_unit,partial
t/pump/on,2026-11-22T00:00:00.000Z,0.25,0,0.5,,,true
t/pump/state,2026-11-22T00:00:00.000Z,,,,,,true
t/single,2026-11-22T00:00:00.000Z,7,0,7,,,true' "$out" "twa of a boolean is the time on; strings have none; a single point"

run q -s t/p -s t/single --from 2026-11-22T00:00:00Z --to 2026-11-22T01:00:00Z --every 1h --agg p50,p90,median,p99,count -f csv
assert_eq 't/p,2026-11-22T00:00:00.000Z,2.5,3.7,2.5,3.97,4,
t/single,2026-11-22T00:00:00.000Z,7,7,7,7,1,' "$(tail -n +2 <<<"$out")" "exact percentiles, linear between ranks"

run q --every 1h --agg increase,nonsense
assert_eq 2 "$status" "unknown aggregate"
run q --every 1h --agg increase --reset-ratio 1.5
assert_eq 2 "$status" "--reset-ratio out of range"
assert_contains "$err" "--reset-ratio must be between 0 and 1" "--reset-ratio message"
run q --every 1h --agg integral --integral-unit furlong
assert_eq 2 "$status" "unknown --integral-unit"
pass "consumption edges"

# Roll-ups give what raw rows give: three days of a 10-second counter with resets and dips
# and its power, queried with and without a percentile (which forces raw rows).
db2=$(store_location r)
awk -v D=$D 'BEGIN { srand(5); e = 1000
  for (t = 0; t < 3 * 86400; t += 10) {
    p = (int(t / 1800) % 3 == 0) ? 1200 + int(rand() * 100) : 0
    e += p * 10 / 3600000
    shown = e
    if (t % 20000 == 0 && t > 0) shown = e - 0.001         # a dip
    if (t == 90000) e = 0.5                                # the meter was replaced
    printf "{\"sensor\":\"h/energy\",\"ts\":%d,\"value\":%.4f,\"unit\":\"kWh\",\"kind\":\"energy\"}\n", D + t, shown
    printf "{\"sensor\":\"h/power\",\"ts\":%d,\"value\":%d,\"unit\":\"W\",\"kind\":\"power\"}\n", D + t, p
  } }' | db-store -d "$db2" -q
for every in 1d 1h 15m; do
  rolled=$(history-query -d "$db2" --from 2026-11-22T00:05:00Z --to 2026-11-24T23:00:00Z --every $every --agg increase,integral,twa -f csv)
  raw=$(history-query -d "$db2" --from 2026-11-22T00:05:00Z --to 2026-11-24T23:00:00Z --every $every --agg increase,integral,twa,p50 -f csv)
  n=$(wc -l <<<"$rolled")
  [[ $n -gt 3 ]] || fail "--every $every: too few rows ($n)"
  paste -d '|' <(cut -d, -f1-5 <<<"$rolled") <(cut -d, -f1-5 <<<"$raw") | awk -F'|' -v every=$every '
    NR == 1 { next }
    { split($1, a, ","); split($2, b, ",")
      for (i = 1; i <= 5; i++) {
        if (a[i] == b[i]) continue
        d = a[i] - b[i]; if (d < 0) d = -d; m = (b[i] < 0 ? -b[i] : b[i]); if (m < 1) m = 1
        if (i < 3 || d > 1e-9 * m) { print "--every " every ": " $1 " vs " $2; bad = 1 } } }
    END { exit bad }' || fail "roll-ups and raw rows differ"
done
total=$(history-query -d "$db2" -s h/energy --from 2026-11-22T00:05:00Z --to 2026-11-24T23:00:00Z --every 30d --agg increase -f csv | tail -n 1 | cut -d, -f3)
days=$(history-query -d "$db2" -s h/energy --from 2026-11-22T00:05:00Z --to 2026-11-24T23:00:00Z --every 1h --agg increase -f csv | awk -F, 'NR > 1 { s += $3 } END { printf "%.4f", s }')
assert_eq "$(printf '%.4f' "$total")" "$days" "hours from roll-ups sum to the whole range"
local_days=$(history-query -d "$db2" -s h/energy --from 2026-11-22T00:05:00Z --to 2026-11-24T23:00:00Z --every 1d --tz America/New_York --agg increase -f csv | awk -F, 'NR > 1 { n++; s += $3 } END { printf "%d %.4f", n, s }')
assert_eq "4 $(printf '%.4f' "$total")" "$local_days" "local days (--tz) sum to the whole range"
pass "consumption from roll-ups"
