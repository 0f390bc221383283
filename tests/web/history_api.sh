# /api/sensors and /api/history from the in-memory recent history (no -d): latest values,
# ranges, explicit buckets and aggregates, a server-chosen bucket for dense ranges, and
# clear 400s for bad parameters.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/web/web.sh"
start_ws_serve --max-points 100
now=$(date +%s)
start=$((now - 3000))
# 3000 readings one second apart for t1 (dense), 5 for t2, a state sensor.
for i in $(seq 0 2999); do
  printf '{"sensor":"lab/t1","ts":%d,"value":%d,"unit":"°C","kind":"temperature"}\n' $((start + i)) $((i % 10))
done >&3
for i in 0 1 2 3 4; do
  printf '{"sensor":"lab/t2","ts":%d,"value":%d.5,"unit":"°C","kind":"temperature","room":"lab"}\n' $((start + i * 600)) "$i"
done >&3
printf '{"sensor":"lab/door","ts":%d,"value":"open"}\n' $((now - 5)) >&3
wait_metric sensorpipe_ws_serve_messages_in_total 3006

body=$(curl -s "$HTTP_URL/api/sensors")
assert_eq '["lab/door","lab/t1","lab/t2"]' "$(j 'b.sensors.map(s=>s.sensor)' <<<"$body")" "sensor list"
assert_eq '"open"' "$(j 'b.sensors[0].value' <<<"$body")" "state value"
assert_eq '[9,"°C","temperature",3000]' "$(j '[b.sensors[1].value,b.sensors[1].unit,b.sensors[1].kind,b.sensors[1].count]' <<<"$body")" "t1 latest"
assert_eq '["lab/t2"]' "$(curl -s "$HTTP_URL/api/sensors?sensor=*/t2" | j 'b.sensors.map(s=>s.sensor)')" "sensor filter"

# Raw: t2 has 5 points, well under --max-points.
body=$(curl -s "$HTTP_URL/api/history?sensor=lab/t2&from=-1h")
assert_eq "null" "$(j 'b.every' <<<"$body")" "raw query has no bucket"
assert_eq "[[$((start * 1000)),0.5],[$(((start + 600) * 1000)),1.5]]" "$(j 'b.series[0].points.slice(0,2)' <<<"$body")" "raw points"
assert_eq '"°C"' "$(j 'b.series[0].unit' <<<"$body")" "unit"
# Dense: 3000 points of t1 over 50 minutes with --max-points 100 -> the server picks 30 s.
body=$(curl -s "$HTTP_URL/api/history?sensor=lab/t1&from=-1h")
assert_eq '["30s",30000,"server",["avg"]]' "$(j '[b.every,b.every_ms,b.bucket,b.aggs]' <<<"$body")" "server-chosen bucket"
n=$(j 'b.series[0].points.length' <<<"$body")
((n >= 99 && n <= 101)) || fail "bucketed t1 has $n points, expected about 100"
# Explicit bucket and aggregates; limit; a time window.
body=$(curl -s "$HTTP_URL/api/history?sensor=lab/t1&from=$start&to=$((start + 20))&every=10s&agg=min,max,count")
assert_eq "[[$((start / 10 * 10 * 1000)),0,$((9 - start % 10)),$((10 - start % 10))]]" \
  "$(j 'b.series[0].points.slice(0,1)' <<<"$body")" "min,max,count of the first 10 s bucket"
assert_eq '"client"' "$(j 'b.bucket' <<<"$body")" "bucket given by the client"
body=$(curl -s "$HTTP_URL/api/history?from=-1h&limit=3")
assert_eq '[3,true]' "$(j '[b.rows,b.truncated]' <<<"$body")" "limit"
body=$(curl -s "$HTTP_URL/api/history?sensor=lab/door&from=-1m")
assert_eq '[["lab/door","open"]]' "$(j 'b.series.map(s=>[s.sensor,s.points[0][1]])' <<<"$body")" "state readings"
# Bad parameters.
for q in "from=yesterday" "every=often" "every=1m&agg=mode" "agg=avg" "limit=-1" "from=now&to=-1h"; do
  run curl -s -w '\n%{http_code}' "$HTTP_URL/api/history?$q"
  assert_eq 400 "$(tail -1 <<<"$out")" "400 for $q"
  assert_contains "$out" '{"error":' "error body for $q"
done
pass "history API over the in-memory recent history"
