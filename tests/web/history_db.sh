# With -d, /api/history and /api/sensors come from the database (read-only, the shared
# query engine), including what db-store stored before ws-serve started.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/web/web.sh"
[[ -x $SP_BIN/db-store ]] || fail "db-store is not built"
now=$(date +%s)
for i in $(seq 0 7199); do
  printf '{"sensor":"lab/t","ts":%d,"value":%d,"unit":"°C","kind":"temperature"}\n' $((now - 7200 + i)) $((i % 100))
done | db-store -d "$T/lab.db" --quiet
printf '{"sensor":"lab/door","ts":%d,"value":"open","by":"alice","n":[1,2]}\n' $((now - 10)) | db-store -d "$T/lab.db" --quiet
sum_before=$(md5sum <"$T/lab.db")
start_ws_serve -d "$T/lab.db" --max-points 500
body=$(curl -s "$HTTP_URL/api/sensors")
assert_eq '[["lab/door","open"],["lab/t",99]]' "$(j 'b.sensors.map(s=>[s.sensor,s.value])' <<<"$body")" "sensors from the database"
assert_eq '7200' "$(j 'b.sensors[1].count' <<<"$body")" "count from the database"
body=$(curl -s "$HTTP_URL/api/history?sensor=lab/t&from=-5m")
assert_eq "null" "$(j 'b.every' <<<"$body")" "5 minutes raw"
n=$(j 'b.series[0].points.length' <<<"$body")
((n >= 280 && n <= 301)) || fail "5 minutes of 1 s readings gave $n points"
# fields=1: a raw point carries the stored reading's other members.
body=$(curl -s "$HTTP_URL/api/history?sensor=lab/door&from=-5m&fields=1")
assert_eq '[["open",{"by":"alice","n":[1,2]}]]' "$(j 'b.series[0].points.map(p=>p.slice(1))' <<<"$body")" "fields=1 from the database"
body=$(curl -s "$HTTP_URL/api/history?sensor=lab/t&from=-3h")
assert_eq '["15s","server"]' "$(j '[b.every,b.bucket]' <<<"$body")" "2 h of 1 s readings with --max-points 500"
body=$(curl -s "$HTTP_URL/api/history?sensor=lab/t&from=-3h&every=1h&agg=count")
assert_eq 7200 "$(j 'b.series[0].points.reduce((a,p)=>a+p[1],0)' <<<"$body")" "hourly counts add up"
# Live readings still broadcast, and a newer one shows in /api/sensors before it is stored.
reading lab/t 1234 >&3
poll_until 30 api_has "$HTTP_URL" 1234 || true  # asserted below
assert_contains "$(curl -s "$HTTP_URL/api/sensors")" '"value":1234' "live value overrides the stored one"
assert_eq "$sum_before" "$(md5sum <"$T/lab.db")" "the database is not written"
pass "history API from the -d database"

# A file of another application is refused at start.
sqlite3 "$T/other.db" 'CREATE TABLE t(x)'
run ws-serve -d "$T/other.db" --listen 127.0.0.1:0 </dev/null
assert_eq 1 "$status" "foreign database"
assert_contains "$err" "ws-serve: error:" "foreign database message"
assert_contains "$err" "is not a sensorpipe database" "foreign database reason"

# `db-store -d new.db | ws-serve -d new.db`, started together: ws-serve must not fail while
# db-store has not created the file yet; it serves the history once it exists.
start_ws_serve -d "$T/new.db"
assert_contains "$(cat "$WS_ERR")" "new.db: no such file; history will be served once it exists" "notice while waiting"
assert_eq '{"sensors":[]}' "$(curl -s "$HTTP_URL/api/sensors" | tr -d ' \n')" "no sensors before the database exists"
printf '{"sensor":"lab/new","ts":%d,"value":7}\n' $((now - 60)) | db-store -d "$T/new.db" --quiet
body=$(curl -s "$HTTP_URL/api/history?sensor=lab/new&from=-5m")
assert_eq 7 "$(j 'b.series[0].points[0][1]' <<<"$body")" "history from the database created after start"
pass "ws-serve waits for a database that db-store has not created yet"
