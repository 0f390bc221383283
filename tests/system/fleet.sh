#!/usr/bin/env bash
# A fleet on network-namespaced hosts, with link cuts: every QoS 1 reading published at the site is stored exactly once.
# Hosts (tests/lib/netns.sh, one switch): site (site broker, bridged to central, and the
# sensors' publisher), central (central broker), db (PostgreSQL on TCP), ingest1 and
# ingest2 (share/sensorpipe/examples/fleet-ingest.sh: mqtt-ingest --group | db-store into
# PostgreSQL), web (ws-serve over PostgreSQL, fed live by its own mqtt-ingest). The brokers
# and ingest hosts run the shipped example files, with this test's addresses. Mid-stream the
# cables of ingest1 and db are pulled, long enough for the central broker to drop ingest1,
# then plugged back. Then: history-query on the web host finds every reading once (count and
# checksum), the minute and hour roll-ups equal the raw rows for every bucket, ws-serve
# answers /api/history and passes on a live reading published at the site.
# Needs root and ip netns: without them it fails (a skip would count as a pass).
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/lib/netns.sh"
source "$SP_SRC/tests/lib/pg.sh"
EX="$SP_SRC/share/sensorpipe/examples"

ns_hosts 10.77.0 site central db ingest1 ingest2 web
SITE=$(ns_addr site) CENTRAL=$(ns_addr central) DB=$(ns_addr db) WEB=$(ns_addr web)

# --- brokers: the example configurations with this test's addresses, data dirs and logs ---
# broker_conf EXAMPLE NAME LISTEN: writes $T/NAME/mosquitto.conf; fails if the example no
# longer has a line that is adapted (the test must run the example, not a copy of it).
broker_conf() {
  local example=$1 listen=$3 dir="$T/$2"
  mkdir -p "$dir"
  {
    sed -e "s|^listener 1883 .*|listener 1883 $listen|" \
      -e "s|^address central.example.net:1883\$|address $CENTRAL:1883|" \
      -e "s|^persistence_location .*|persistence_location $dir/|" \
      -e "s|^log_dest syslog\$|log_dest file $dir/mosquitto.log|" "$example"
    echo "user $(id -un)"
  } >"$dir/mosquitto.conf"
  grep -q "^listener 1883 $listen\$" "$dir/mosquitto.conf" && grep -q "^log_dest file " "$dir/mosquitto.conf" ||
    fail "$example no longer has the listener/log_dest lines this test adapts"
}
broker_conf "$EX/fleet-central.conf" central "$CENTRAL"
broker_conf "$EX/fleet-site.conf" site "$SITE"
grep -q "^address $CENTRAL:1883\$" "$T/site/mosquitto.conf" || fail "fleet-site.conf no longer bridges to central.example.net:1883"
ns_spawn central mosquitto -c "$T/central/mosquitto.conf"
wait_text "$T/central/mosquitto.log" "running"
ns_spawn site mosquitto -c "$T/site/mosquitto.conf"
wait_text "$T/site/mosquitto.log" "running"
# The bridge is a client of the central broker: once it is connected, readings flow.
wait_text "$T/central/mosquitto.log" "as bridge-site1" 60
pass "site broker bridged to the central broker"

# --- PostgreSQL on the db host: TCP on its own address, trust for the test network only ---
pg_start || fail "no PostgreSQL server"
pg_sql "CREATE DATABASE fleet" >/dev/null
pg_halt
echo "host all postgres 10.77.0.0/24 trust" >>"$PG_DIR/data/pg_hba.conf"
# sensorpipe(7)'s advice, scaled down to the test's short cut: the server drops a client that
# vanished (its open transaction with it) soon, instead of after two hours.
printf '%s\n' "tcp_keepalives_idle = 1" "tcp_keepalives_interval = 1" "tcp_keepalives_count = 3" \
  "idle_in_transaction_session_timeout = 3s" >>"$PG_DIR/data/postgresql.conf"
PG_LISTEN=$DB
PG_WRAP=(ip netns exec "$(ns_name db)")
pg_run || fail "PostgreSQL did not start on the db host"
# libpq gives up on a connection whose data go unacknowledged for 2 s and on a connect
# after 3 s, so db-store notices the pulled cable and reconnects (its batch kept) instead
# of waiting for TCP to resume.
DBURL="postgresql://postgres@$DB:5432/fleet?tcp_user_timeout=2000&connect_timeout=3&keepalives_idle=1&keepalives_interval=1&keepalives_count=2"
LOCAL_URL="postgresql:///fleet?host=$PG_DIR&port=$PG_PORT&user=postgres"  # for the roll-up audit only
ns_exec web psql -X -At -d "$DBURL" -c "SELECT 1" >/dev/null || fail "the web host cannot reach PostgreSQL at $DB"
pass "PostgreSQL serves $DB:5432 on the db host"

# --- ingest hosts: fleet-ingest.sh with the example env files ---
for i in 1 2; do
  sed -e "s|^SENSORPIPE_BROKER=.*|SENSORPIPE_BROKER=mqtt://$CENTRAL:1883|" \
    -e "s|^SENSORPIPE_DB=.*|SENSORPIPE_DB='${DBURL//&/\\&}'|" "$EX/fleet-ingest$i.env" >"$T/ingest$i.env"
  grep -qxF "SENSORPIPE_DB='$DBURL'" "$T/ingest$i.env" || fail "fleet-ingest$i.env: SENSORPIPE_DB not set to $DBURL"
  grep -q "^FLEET_CLIENT_ID=ingest-$i\$" "$T/ingest$i.env" || fail "fleet-ingest$i.env: no FLEET_CLIENT_ID=ingest-$i"
  # A short keep-alive, so the central broker notices the pulled cable within 3 s.
  ns_spawn "ingest$i" env FLEET_KEEPALIVE=2s TMPDIR="$T" sh "$EX/fleet-ingest.sh" "$T/ingest$i.env" 2>"$T/ingest$i.err"
  eval "INGEST${i}_PID=$!"
done
wait_text "$T/ingest1.err" "connected to" 60
wait_text "$T/ingest2.err" "connected to" 60
topic=$(sed -n 's/^FLEET_TOPIC=//p' "$T/ingest1.env")

# --- web host: ws-serve over PostgreSQL, live readings from its own mqtt-ingest ---
# (The fifo is opened read-write here first: opening one end alone would block this shell.)
mkfifo "$T/web.fifo"
exec 4<>"$T/web.fifo"
ns_spawn web ws-serve -d "$DBURL" --listen "$WEB:8080" <&4 >/dev/null 2>"$T/ws.err" 4>&-
ns_spawn web mqtt-ingest -b "mqtt://$CENTRAL:1883" --protocol 5 -q 1 -t "$topic" >&4 2>"$T/web-ingest.err" 4>&-
exec 4>&-
wait_text "$T/ws.err" "serving http://" 60
wait_text "$T/web-ingest.err" "connected to" 60
pass "ingest1, ingest2 and web subscribed at the central broker"

# --- the stream: N readings of 10 sensors, unique times 1 s apart, integer values ---
N=6000
python3 - "$N" >"$T/stream.jsonl" <<'EOF'
import sys, datetime
n = int(sys.argv[1])
base = datetime.datetime(2026, 11, 29, 10, 0, 0, tzinfo=datetime.timezone.utc)
for i in range(n):
    ts = (base + datetime.timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    print('{"sensor":"site1/line%d/temp","ts":"%s","value":%d}' % (i % 10, ts, (i * 7919) % 1000 - 300))
EOF
stored() { psql -X -At -d "$LOCAL_URL" -c "SELECT count(*) FROM readings" 2>/dev/null || echo 0; }
# (Fails at once if an ingest pipeline has ended: nothing more would come.)
stored_at_least() {
  kill -0 "$INGEST1_PID" 2>/dev/null || fail "ingest1's pipeline ended: $(tail -3 "$T/ingest1.err")"
  kill -0 "$INGEST2_PID" 2>/dev/null || fail "ingest2's pipeline ended: $(tail -3 "$T/ingest2.err")"
  (($(stored) >= $1))
}

# The publisher at the site gets the stream paced (about 400 readings/s, so it lasts some
# 15 s) over one connection to the site broker; the cables are pulled and plugged back while
# it runs, on conditions, not on time.
mkfifo "$T/pub.fifo"
exec 3<>"$T/pub.fifo"
ns_spawn site mqtt-publish -b "mqtt://$SITE:1883" --protocol 5 --qos 1 --topic '{sensor}' <"$T/pub.fifo" 2>"$T/pub.err" 3>&-
PUB_PID=$!
awk '{ print; fflush() } NR % 40 == 0 { system("sleep 0.1") }' "$T/stream.jsonl" >&3 &
FEED_PID=$!
SP_PIDS+=("$FEED_PID")
exec 3>&-
poll_until 60 stored_at_least 1000 || fail "nothing arrives in PostgreSQL: $(tail -3 "$T"/ingest*.err)"
link_down ingest1
link_down db
at_cut=$(stored)
kill -0 "$FEED_PID" 2>/dev/null || fail "the stream ended before the cut: the test would prove nothing"
pass "cables of ingest1 and db pulled mid-stream, with $at_cut of $N readings stored"
# The central broker drops ingest1 after 1.5 keep-alives of silence; its session stays.
wait_text "$T/central/mosquitto.log" "ingest-1 has exceeded timeout" 60
# ingest2 still gets readings; its db-store finds the database gone and keeps its batch.
wait_text "$T/ingest2.err" "lost the connection to" 60
kill -0 "$FEED_PID" 2>/dev/null || fail "the stream ended while the cables were out: the test would prove less"
link_up db
link_up ingest1
pass "cables plugged back mid-stream"
wait "$FEED_PID" || fail "feeding the publisher failed"
wait "$PUB_PID" || fail "mqtt-publish at the site failed: $(tail -3 "$T/pub.err")"
# ingest1 is back in its persistent session (what waited for it there is delivered).
wait_text "$T/ingest1.err" "as ingest-1 (MQTT 5, session resumed)" 90
wait_text "$T/ingest2.err" "again" 90
poll_until 180 stored_at_least "$N" || fail "$(stored) of $N readings stored; ingest1: $(tail -3 "$T/ingest1.err")"
pass "all $N readings stored"

# --- exactly once, checked where a user would: history-query on the web host ---
q() { ns_exec web history-query -d "$DBURL" --sensor 'site1/line*' --from 2026-11-29T00:00:00Z --to 2026-11-30T00:00:00Z "$@"; }
q >"$T/raw.jsonl"
norm() { jq -r '[.sensor, .ts, .value] | @tsv' | sort; }
assert_eq "$N" "$(wc -l <"$T/raw.jsonl")" "readings history-query returns"
assert_eq "$(norm <"$T/stream.jsonl" | md5sum)" "$(norm <"$T/raw.jsonl" | md5sum)" "checksum of (sensor, ts, value) published vs stored"
pass "every reading stored exactly once (count and checksum)"

# Roll-ups: per-minute and per-hour count and sum from history-query (which reads the
# roll-ups) equal those of the published stream, for every bucket; and every roll-up bucket
# equals the raw rows in the database (count, min, max, first, last, sum).
for every in 1m 1h; do
  q --every "$every" --agg count,sum | jq -r '[.sensor, .ts, .count, .sum] | @tsv' | sort >"$T/agg-$every"
  python3 - "$every" "$T/stream.jsonl" >"$T/want-$every" <<'EOF'
import sys, json, collections
width = 60 if sys.argv[1] == "1m" else 3600
b = collections.defaultdict(lambda: [0, 0])
for line in open(sys.argv[2]):
    r = json.loads(line)
    hh, mm, ss = r["ts"][11:19].split(":")
    sec = int(hh) * 3600 + int(mm) * 60 + int(ss)
    start = sec - sec % width
    key = (r["sensor"], "%s%02d:%02d:00.000Z" % (r["ts"][:11], start // 3600, start % 3600 // 60))
    b[key][0] += 1
    b[key][1] += r["value"]
for (s, ts), (c, su) in sorted(b.items()):
    print("%s\t%s\t%d\t%d" % (s, ts, c, su))
EOF
  sort -o "$T/want-$every" "$T/want-$every"
  [[ -s "$T/want-$every" ]] || fail "no expected $every buckets"
  diff "$T/want-$every" "$T/agg-$every" >"$T/diff-$every" ||
    fail "$every buckets differ from the published stream: $(head -5 "$T/diff-$every")"
done
assert_eq 0 "$(pg_rollup_mismatches "$LOCAL_URL" rollup_minute minute)" "minute roll-up buckets differing from the raw rows"
assert_eq 0 "$(pg_rollup_mismatches "$LOCAL_URL" rollup_hour hour)" "hour roll-up buckets differing from the raw rows"
pass "minute and hour roll-ups exact ($(wc -l <"$T/want-1m") and $(wc -l <"$T/want-1h") buckets)"

# --- the web host: history over HTTP, and a live reading from the site ---
api=$(ns_exec web curl -sf "http://$WEB:8080/api/history?sensor=site1/line3/temp&from=2026-11-29T00:00:00Z&to=2026-11-30T00:00:00Z") ||
  fail "ws-serve on the web host does not answer /api/history"
want3=$(grep -c '"site1/line3/temp"' "$T/stream.jsonl")
assert_eq "$want3" "$(jq '.series[0].points | length' <<<"$api")" "points of site1/line3/temp in /api/history"
assert_eq "$(jq -s 'map(select(.sensor == "site1/line3/temp") | .value) | add' "$T/stream.jsonl")" \
  "$(jq '[.series[0].points[][1]] | add' <<<"$api")" "sum of the values of site1/line3/temp in /api/history"
ns_spawn web curl -sN "http://$WEB:8080/events?sensor=site1/live/%23" >"$T/sse.out"
poll_until 30 bash -c "ip netns exec $(ns_name web) curl -sf http://$WEB:8080/metrics | grep -q '^sensorpipe_ws_serve_clients{kind=\"sse\"} 1'" ||
  fail "the SSE client did not connect"
echo '{"sensor":"site1/live/probe","value":42.5}' |
  ns_exec site mqtt-publish -b "mqtt://$SITE:1883" --protocol 5 --qos 1 --topic '{sensor}' 2>"$T/live.err" ||
  fail "publishing the live reading failed: $(cat "$T/live.err")"
wait_text "$T/sse.out" '"sensor":"site1/live/probe"' 60
assert_contains "$(grep 'site1/live/probe' "$T/sse.out")" '"value":42.5' "the live reading on ws-serve's SSE stream"
pass "ws-serve on the web host answers /api/history and streams a live reading from the site"

# --- the ingest hosts stop cleanly; both took part, and together stored each reading once ---
poll_until 60 stored_at_least $((N + 1)) || fail "the live reading was not stored"
kill -TERM "$INGEST1_PID" "$INGEST2_PID"
wait "$INGEST1_PID" || fail "ingest1 exit status: $(tail -3 "$T/ingest1.err")"
wait "$INGEST2_PID" || fail "ingest2 exit status: $(tail -3 "$T/ingest2.err")"
total_new=0 total_dups=0
for i in 1 2; do
  line=$(grep 'readings: ' "$T/ingest$i.err" | tail -1) || fail "ingest$i: no summary from db-store -v: $(tail -3 "$T/ingest$i.err")"
  read -r n d < <(sed -n 's/.*readings: \([0-9]*\) new, [0-9]* replaced, \([0-9]*\) duplicates.*/\1 \2/p' <<<"$line")
  ((n > 0)) || fail "ingest$i stored nothing: $line"
  echo "ingest$i: $line"
  total_new=$((total_new + n)) total_dups=$((total_dups + d))
done
assert_eq $((N + 1)) "$total_new" "readings the two ingest hosts stored as new"
pass "both ingest hosts took part; $total_dups redelivered duplicates were stored once"
