# Helpers for the storage tests (sourced after tests/lib/common.sh).

# gen_readings SENSORS ROUNDS START_MS STEP_MS [SEED]: readings as JSON Lines, sensors
# interleaved, epoch-millisecond ts, values with two decimals; every 7th sensor is a
# boolean and every 11th a string state, so aggregates see all value types.
gen_readings() {
  awk -v S="$1" -v R="$2" -v T0="$3" -v STEP="$4" -v SEED="${5:-1}" 'BEGIN {
    srand(SEED)
    for (r = 0; r < R; r++) for (s = 0; s < S; s++) {
      ts = T0 + r * STEP + int(rand() * STEP)
      if (s % 7 == 6) v = (rand() < 0.5 ? "true" : "false")
      else if (s % 11 == 10) v = (rand() < 0.5 ? "\"on\"" : "\"off\"")
      else v = sprintf("%.2f", 10 + rand() * 20 - (rand() < 0.1 ? 40 : 0))
      printf "{\"sensor\":\"t/s%d\",\"ts\":%.0f,\"value\":%s,\"unit\":\"C\"}\n", s, ts, v
    }
  }'
}

# gen_meters N [START_MS]: consumption test data as JSON Lines, N rounds about 97 s apart:
# an energy counter (kWh) that resets every 700 rounds and dips a little now and then, a
# water counter (L) that resets to 0, a power rate (W) that switches off and on, a pump
# (boolean) and a state (string), so increase/integral/twa meet every case and value type.
gen_meters() {
  awk -v N="$1" -v T0="${2:-1764000000000}" 'BEGIN { srand(3); c1 = 100; c2 = 5000
  for (i = 0; i < N; i++) {
    ts = T0 + i * 97000 + int(rand() * 5000)
    c1 += rand() * 2; if (i % 700 == 699) c1 = rand() * 3; v1 = c1; if (i % 173 == 5) v1 = c1 - 0.5
    c2 += int(rand() * 10); if (i % 1100 == 1000) c2 = 0
    p = (rand() < 0.3 ? 0 : 500 + int(rand() * 2000))
    printf "{\"sensor\":\"m/energy\",\"ts\":%.0f,\"value\":%.3f,\"unit\":\"kWh\",\"kind\":\"energy\"}\n", ts, v1
    printf "{\"sensor\":\"m/water\",\"ts\":%.0f,\"value\":%d,\"unit\":\"L\"}\n", ts + 13000, c2
    printf "{\"sensor\":\"m/power\",\"ts\":%.0f,\"value\":%d,\"unit\":\"W\",\"kind\":\"power\"}\n", ts + 29000, p
    if (i % 3 == 0) printf "{\"sensor\":\"m/pump\",\"ts\":%.0f,\"value\":%s}\n", ts + 41000, (rand() < 0.5 ? "true" : "false")
    if (i % 5 == 0) printf "{\"sensor\":\"m/power\",\"ts\":%.0f,\"value\":\"%s\"}\n", ts + 53000, (rand() < 0.5 ? "unavailable" : "ok")
  } }'
}

# sql DB QUERY: one sqlite3 query (read-only), "|" separated. Only for checks of the
# SQLite file format itself (scripts that call require_backend sqlite first).
sql() { sqlite3 -readonly "$1" "$2"; }

rows_at_least() {
  local n
  n=$(stored_count "$1" 2>/dev/null || true)
  [[ ${n:-0} -ge $2 ]]
}
# wait_rows DB N [SECONDS]: waits (default 30 s) until DB holds at least N raw readings.
wait_rows() {
  poll_until "${3:-30}" rows_at_least "$1" "$2" ||
    fail "$1 holds $(stored_count "$1" 2>/dev/null) rows, expected at least $2"
}

# rollup_mismatches DB: how many stored roll-up buckets (minute and hour) differ from the
# aggregate of the raw rows they cover. The one check that looks at a backend's roll-up
# tables directly; each backend has its own.
rollup_mismatches() {
  case "$(store_backend)" in
    sqlite) echo $(($(sqlite_rollup_mismatches "$1" rollup_minute 60000) + $(sqlite_rollup_mismatches "$1" rollup_hour 3600000))) ;;
    postgres) echo $(($(pg_rollup_mismatches "$1" rollup_minute minute) + $(pg_rollup_mismatches "$1" rollup_hour hour))) ;;
    *) fail "rollup_mismatches: no check for backend $(store_backend)" ;;
  esac
}

# sqlite_rollup_mismatches DB TABLE WIDTH_MS: how many roll-up buckets differ from the aggregate
# of the raw rows (count, numeric count, min, max, first/last ts and value, decreases and
# time held exactly; sum and value x time held up to rounding), counting buckets missing
# on either side.
sqlite_rollup_mismatches() {
  local db=$1 table=$2 w=$3
  sqlite3 -readonly "$db" "
WITH e AS (
  SELECT sensor_id, (ts / $w) * $w AS b, count(*) AS c,
         sum(typeof(value) <> 'text') AS nc,
         sum(CASE WHEN typeof(value) <> 'text' THEN value END) AS su,
         min(CASE WHEN typeof(value) <> 'text' THEN value END) AS mi,
         max(CASE WHEN typeof(value) <> 'text' THEN value END) AS ma,
         min(ts) AS fts, max(ts) AS lts
  FROM readings WHERE ts >= 0 GROUP BY 1, 2),
ex AS (
  SELECT e.*, f.value AS fv, l.value AS lv FROM e
  JOIN readings f ON f.sensor_id = e.sensor_id AND f.ts = e.fts
  JOIN readings l ON l.sensor_id = e.sensor_id AND l.ts = e.lts),
-- the ordered summary: consecutive readings of one bucket, decreases and value x time held
p AS (
  SELECT sensor_id, ts, value, lead(ts) OVER w AS nts, lead(value) OVER w AS nv
  FROM readings WHERE ts >= 0 WINDOW w AS (PARTITION BY sensor_id ORDER BY ts)),
q AS (
  SELECT sensor_id, (ts / $w) * $w AS b, ts, value, nts, nv,
         nts IS NOT NULL AND (nts / $w) = (ts / $w) AND typeof(value) <> 'text' AS held FROM p),
o AS (
  SELECT sensor_id, b, sum(held AND typeof(nv) <> 'text' AND nv < value) AS d,
         sum(CASE WHEN held THEN value * (nts - ts) ELSE 0 END) AS s,
         sum(CASE WHEN held THEN nts - ts ELSE 0 END) AS m
  FROM q GROUP BY sensor_id, b)
SELECT
  (SELECT count(*) FROM (SELECT sensor_id, b, c, nc, mi, ma, fts, fv, lts, lv FROM ex
     EXCEPT SELECT sensor_id, bucket, count, ncount, min, max, first_ts, first, last_ts, last FROM $table))
+ (SELECT count(*) FROM (SELECT sensor_id, bucket, count, ncount, min, max, first_ts, first, last_ts, last FROM $table
     EXCEPT SELECT sensor_id, b, c, nc, mi, ma, fts, fv, lts, lv FROM ex))
+ (SELECT count(*) FROM ex JOIN $table r ON r.sensor_id = ex.sensor_id AND r.bucket = ex.b
     WHERE (r.sum IS NULL) <> (ex.su IS NULL) OR abs(r.sum - ex.su) > 1e-9 * max(1, abs(ex.su)))
+ (SELECT count(*) FROM o JOIN $table r ON r.sensor_id = o.sensor_id AND r.bucket = o.b
     WHERE r.decreases IS NOT o.d OR r.tw_ms IS NOT o.m OR r.tw_sum IS NULL
        OR abs(r.tw_sum - o.s) > 1e-9 * max(1, abs(o.s)))"
}

# expected_buckets DB EVERY_MS: what history-query --every EVERY --agg count,avg,min,max,sum,first,last -f csv
# must print, computed here from the raw readings alone (history-query's raw CSV).
expected_buckets() {
  local w=$2
  echo "sensor,ts,count,avg,min,max,sum,first,last"
  history-query -d "$1" -f csv | awk -F, -v W="$w" '
    function days(y, m, d) { y -= m <= 2; era = int((y >= 0 ? y : y - 399) / 400); yoe = y - era * 400
      doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1; doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
      return era * 146097 + doe - 719468 }
    function ms(t) { return ((days(substr(t, 1, 4) + 0, substr(t, 6, 2) + 0, substr(t, 9, 2) + 0) * 24 + substr(t, 12, 2)) * 60 \
                            + substr(t, 15, 2)) * 60000 + substr(t, 18, 2) * 1000 + substr(t, 21, 3) }
    function iso(b,   d, s, z, era, doe, yoe, y, doy, mp, dd, m) {
      d = int(b / 86400000); s = (b - d * 86400000) / 1000; z = d + 719468
      era = int(z / 146097); doe = z - era * 146097; yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
      y = yoe + era * 400; doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100)); mp = int((5 * doy + 2) / 153)
      dd = doy - int((153 * mp + 2) / 5) + 1; m = mp + (mp < 10 ? 3 : -9); y += m <= 2
      return sprintf("%04d-%02d-%02dT%02d:%02d:%02d.000Z", y, m, dd, int(s / 3600), int(s % 3600 / 60), s % 60) }
    function flush() { if (n == 0) return
      printf "%s,%s,%d,", name, iso(b), n
      if (nc) printf "%.17g,%.17g,%.17g,%.17g", su / nc, mi, ma, su; else printf ",,,"
      printf ",%s,%s\n", fv, lv; n = 0 }
    NR == 1 { next }
    { t = ms($2); bb = int(t / W) * W
      if ($1 != name || bb != b) { flush(); name = $1; b = bb; n = 0; nc = 0; su = 0; fv = $3 }
      n++; lv = $3; v = $3
      if (v == "true") v = 1; else if (v == "false") v = 0
      if (v ~ /^-?[0-9.e+-]+$/) { v += 0; if (!nc || v < mi) mi = v; if (!nc || v > ma) ma = v; su += v; nc++ } }
    END { flush() }'
}

# same_csv A B: the two CSV files agree line by line; numbers up to 1e-9 relative.
same_csv() {
  awk -F, 'NR == FNR { a[FNR] = $0; n = FNR; next }
    { m = FNR
      if (!(FNR in a)) { print "extra line " FNR ": " $0; bad++; next }
      split(a[FNR], x, ","); k = split($0, y, ",")
      for (i = 1; i <= k; i++) {
        if (x[i] == y[i]) continue
        if (x[i] ~ /^-?[0-9.e+-]+$/ && y[i] ~ /^-?[0-9.e+-]+$/) {
          d = x[i] - y[i]; if (d < 0) d = -d; s = x[i] < 0 ? -x[i] : x[i]; if (s < 1) s = 1
          if (d <= 1e-9 * s) continue
        }
        print "line " FNR ": [" a[FNR] "] vs [" $0 "]"; bad++; break
      }
    }
    END { if (m != n) { print "line counts " n " vs " m; bad++ } exit bad > 0 }' "$1" "$2"
}

# Checking what was stored goes through history-query (the engine), not through a
# backend's own client, so the same script checks every backend.

# store_backend: the backend the store tests run against (SENSORPIPE_TEST_BACKEND,
# default sqlite).
store_backend() { echo "${SENSORPIPE_TEST_BACKEND:-sqlite}"; }

# require_backend NAME: a script that checks NAME's own format passes, skipped, on others.
require_backend() {
  if [[ $(store_backend) != "$1" ]]; then
    pass "skipped: checks the $1 format, $(store_backend) selected"
    exit 0
  fi
}

# store_drop LOCATION: removes the database (to start a step again from nothing); on
# PostgreSQL the database is dropped (its sessions ended) and made again, empty.
store_drop() {
  case "$(store_backend)" in
    sqlite) rm -f "$1" "$1-wal" "$1-shm" "$1-journal" ;;
    postgres)
      local name=${1#postgresql:///}
      name=${name%%\?*}
      pg_sql "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null
      pg_sql "CREATE DATABASE \"$name\"" >/dev/null
      ;;
    *) fail "store_drop: not implemented for backend $(store_backend)" ;;
  esac
}

# store_integrity LOCATION: "ok" when the backend finds the database intact. PostgreSQL:
# amcheck (a contrib module of the server package) verifies every table's heap and every
# B-tree index of the schema against it (bt_index_check with heapallindexed); the
# extension is created in the test's database on first use.
store_integrity() {
  case "$(store_backend)" in
    sqlite) sqlite3 -readonly "$1" 'PRAGMA integrity_check' ;;
    postgres)
      # An index that disagrees with its table is an error (psql fails, no "ok").
      psql -X -q -v ON_ERROR_STOP=1 -At -d "$1" -c "CREATE EXTENSION IF NOT EXISTS amcheck" -c "
DO \$\$ DECLARE r regclass; BEGIN
  FOR r IN SELECT c.oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
           WHERE a.amname = 'btree' AND c.relkind = 'i' AND c.relnamespace = 'public'::regnamespace LOOP
    PERFORM bt_index_check(r, true);
  END LOOP; END \$\$" -c "
SELECT CASE WHEN count(*) = 0 THEN 'ok' ELSE count(*) || ' corrupt heap pages' END
FROM pg_class c CROSS JOIN LATERAL verify_heapam(c.oid) v
WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace" | tail -1
      ;;
    *) fail "store_integrity: not implemented for backend $(store_backend)" ;;
  esac
}

# store_location NAME: where a test's database NAME lives: an SQLite file in the test's
# directory, or with SENSORPIPE_TEST_BACKEND=postgres a database NAME on a private
# PostgreSQL server (tests/lib/pg.sh) that this file starts when it is sourced (so the
# server lives as long as the test's shell); the database is made on first use.
store_location() {
  case "$(store_backend)" in
    sqlite) echo "$T/$1.db" ;;
    postgres)
      [[ -n "${PG_URL:-}" ]] || fail "store_location: no PostgreSQL server (tests/store/lib.sh starts one when sourced)"
      [[ -n $(pg_sql "SELECT 1 FROM pg_database WHERE datname = '$1'") ]] || pg_sql "CREATE DATABASE \"$1\"" >/dev/null
      echo "postgresql:///$1?host=$PG_DIR&port=$PG_PORT&user=postgres"
      ;;
    *) fail "SENSORPIPE_TEST_BACKEND=${SENSORPIPE_TEST_BACKEND}: no such backend in this build of the tests" ;;
  esac
}

# stored_rows DB [history-query options...]: the stored raw readings as JSON Lines, in
# the engine's order (sensor, then ts).
stored_rows() {
  local db=$1
  shift
  history-query -d "$db" "$@"
}

# stored_count DB [history-query options...]: how many raw readings are stored.
stored_count() {
  local db=$1
  shift
  history-query -d "$db" "$@" | wc -l
}

# With SENSORPIPE_TEST_BACKEND=postgres, one private server for the whole script.
if [[ $(store_backend) == postgres ]]; then
  source "$SP_SRC/tests/lib/pg.sh"
  pg_start || fail "no PostgreSQL server for SENSORPIPE_TEST_BACKEND=postgres"
fi
