# /api/history with the consumption aggregates: from ws-serve's in-memory history (no -d)
# and from a -d database, the same answers as history-query: increase with the baseline
# carried in from before `from`, a dip and a reset, a power sensor's integral in kWh and
# its time-weighted average, the units and partial buckets per series.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/web/web.sh"
cd "$T"
[[ -x $SP_BIN/db-store ]] || fail "db-store is not built"
now=$(date +%s)
t0=$(((now - 3000) / 600 * 600))  # a whole 10 minutes, 50-60 minutes ago
{
  m() { printf '{"sensor":"lab/meter","ts":%d,"value":%s,"unit":"kWh","kind":"energy"}\n' "$1" "$2"; }
  m $((t0 - 60)) 9          # before the range: the baseline
  m $t0 10                  # +1
  m $((t0 + 60)) 12         # +2
  m $((t0 + 120)) 11.5      # a dip: 0
  m $((t0 + 180)) 13        # +1 above the high-water mark 12
  m $((t0 + 240)) 1         # a reset: +1
  printf '{"sensor":"lab/power","ts":%d,"value":600,"unit":"W","kind":"power"}\n' $t0
  printf '{"sensor":"lab/power","ts":%d,"value":0,"unit":"W","kind":"power"}\n' $((t0 + 300))
} >in.jsonl
db-store -d "$T/lab.db" --quiet in.jsonl
q="from=$t0&to=$((t0 + 600))&every=10m&agg=increase,integral,twa"

check() { # WHERE BODY
  assert_eq '[["lab/meter",5,false],["lab/power",0.05,false]]' \
    "$(j 'b.series.map(s=>[s.sensor,s.points[0][1],s.partial.length>0])' <<<"$2")" "$1: increase of a meter and of a power sensor"
  assert_eq '["kWh","kWh·h","kWh"]' "$(j 'b.series[0].agg_units' <<<"$2")" "$1: the meter's units"
  assert_eq '["kWh","kWh",300]' "$(j '[b.series[1].agg_units[0],b.series[1].agg_units[1],b.series[1].points[0][3]]' <<<"$2")" \
    "$1: power integrates into kWh; twa 600 W for half the bucket"
  assert_eq '0.05' "$(j 'b.series[1].points[0][2]' <<<"$2")" "$1: integral 600 W x 5 min"
}
start_ws_serve
cat in.jsonl >&3
wait_metric sensorpipe_ws_serve_messages_in_total 8
body=$(curl -s "$HTTP_URL/api/history?$q")
check "in memory" "$body"
# Without the reading before `from`, the first bucket has no baseline: partial.
body=$(curl -s "$HTTP_URL/api/history?sensor=lab/meter&from=$((t0 - 60))&to=$((t0 + 540))&every=10m&agg=increase")
assert_eq "[$(((t0 - 600) * 1000))]" "$(j 'b.series[0].partial' <<<"$body")" "in memory: partial bucket"
body=$(curl -s "$HTTP_URL/api/history?$q&agg=nonsense")
assert_contains "$body" "increase, integral, twa" "the aggregates are named in the 400"

start_ws_serve -d "$T/lab.db"
body=$(curl -s "$HTTP_URL/api/history?$q")
check "from -d" "$body"
run history-query -d "$T/lab.db" --from $t0 --to $((t0 + 600)) --every 10m --agg increase,integral,twa -f csv
assert_eq "lab/meter,$(date -u -d @$t0 +%Y-%m-%dT%H:%M:%S.000Z),5,$(j 'b.series[0].points[0][2]' <<<"$body"),$(j 'b.series[0].points[0][3]' <<<"$body"),kWh,kWh,kWh·h,false" \
  "$(sed -n 2p <<<"$out")" "history-query gives the same"
# tz: day buckets from local midnight, as history-query --tz (the browser passes its own zone).
zone=Pacific/Kiritimati  # UTC+14: its days start 10 h before UTC's
body=$(curl -s "$HTTP_URL/api/history?sensor=lab/meter&from=$((t0 - 2 * 86400))&every=1d&agg=increase&tz=$zone")
run history-query -d "$T/lab.db" --sensor lab/meter --from $((t0 - 2 * 86400)) --every 1d --agg increase --tz $zone -f csv
want=$(tail -n +2 <<<"$out" | awk -F, '{ printf "%s%s=%s", (NR > 1 ? " " : ""), $2, $3 }')
got=$(j 'b.series[0].points.map(p=>new Date(p[0]).toISOString()+"="+p[1]).join(" ")' <<<"$body" | tr -d '"')
assert_eq "$want" "$got" "tz=$zone: the same local days and increases as history-query --tz"
assert_eq '"10:00:00.000Z"' "$(j 'new Date(b.series[0].points[0][0]).toISOString().slice(11)' <<<"$body")" \
  "tz=$zone: a day starts at 10:00 UTC"
code=$(curl -s -o bad.json -w '%{http_code}' "$HTTP_URL/api/history?sensor=lab/meter&every=1d&agg=increase&tz=Mars/Olympus")
assert_eq "400" "$code" "an unknown zone is the client's mistake"
assert_contains "$(cat bad.json)" 'tz: expected a zone' "the 400 names the parameter"
pass "consumption through /api/history"
