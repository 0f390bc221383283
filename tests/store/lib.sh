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

# sql DB QUERY: one sqlite3 query (read-only), "|" separated.
sql() { sqlite3 -readonly "$1" "$2"; }

rows_at_least() { [[ $(sqlite3 -readonly "$1" "SELECT count(*) FROM readings" 2>/dev/null || echo 0) -ge $2 ]]; }
# wait_rows DB N [SECONDS]: waits (default 30 s) until the readings table holds at least N rows.
wait_rows() {
  poll_until "${3:-30}" rows_at_least "$1" "$2" ||
    fail "$1 holds $(sqlite3 -readonly "$1" "SELECT count(*) FROM readings" 2>/dev/null || echo 0) rows, expected at least $2"
}

# rollup_mismatches DB TABLE WIDTH_MS: how many roll-up buckets differ from the aggregate
# of the raw rows (count, numeric count, min, max, first/last ts and value exactly; sum
# up to rounding), counting buckets missing on either side.
rollup_mismatches() {
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
  JOIN readings l ON l.sensor_id = e.sensor_id AND l.ts = e.lts)
SELECT
  (SELECT count(*) FROM (SELECT sensor_id, b, c, nc, mi, ma, fts, fv, lts, lv FROM ex
     EXCEPT SELECT sensor_id, bucket, count, ncount, min, max, first_ts, first, last_ts, last FROM $table))
+ (SELECT count(*) FROM (SELECT sensor_id, bucket, count, ncount, min, max, first_ts, first, last_ts, last FROM $table
     EXCEPT SELECT sensor_id, b, c, nc, mi, ma, fts, fv, lts, lv FROM ex))
+ (SELECT count(*) FROM ex JOIN $table r ON r.sensor_id = ex.sensor_id AND r.bucket = ex.b
     WHERE (r.sum IS NULL) <> (ex.su IS NULL) OR abs(r.sum - ex.su) > 1e-9 * max(1, abs(ex.su)))"
}

# expected_buckets DB EVERY_MS: what history-query --every EVERY --agg count,avg,min,max,sum,first,last -f csv
# must print, computed by SQL over the raw rows alone.
expected_buckets() {
  local db=$1 w=$2
  echo "sensor,ts,count,avg,min,max,sum,first,last"
  sqlite3 -readonly -csv "$db" "
WITH r AS (
  SELECT s.name AS sensor, (ts / $w) * $w AS b, ts, value, typeof(value) <> 'text' AS isnum,
         first_value(value) OVER win AS fv, last_value(value) OVER win AS lv
  FROM readings JOIN sensors s ON s.id = sensor_id
  WINDOW win AS (PARTITION BY sensor_id, ts / $w ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
SELECT sensor, strftime('%Y-%m-%dT%H:%M:%fZ', b / 1000.0, 'unixepoch'), count(*),
       avg(CASE WHEN isnum THEN value END), min(CASE WHEN isnum THEN value END), max(CASE WHEN isnum THEN value END),
       sum(CASE WHEN isnum THEN value END),
       CASE typeof(max(fv)) WHEN 'integer' THEN CASE max(fv) WHEN 1 THEN 'true' ELSE 'false' END ELSE max(fv) END,
       CASE typeof(max(lv)) WHEN 'integer' THEN CASE max(lv) WHEN 1 THEN 'true' ELSE 'false' END ELSE max(lv) END
FROM r GROUP BY sensor, b ORDER BY sensor, b"
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

# store_location NAME: where a test's database NAME lives: an SQLite file in the test's
# directory, or with SENSORPIPE_TEST_BACKEND=postgres a database NAME on a private
# PostgreSQL server (tests/lib/pg.sh) started the first time it is needed. Call it once
# per NAME in the test's own shell (not in $(...): the server must outlive the call), then
# use $STORE_LOCATION.
store_location() {
  case "${SENSORPIPE_TEST_BACKEND:-sqlite}" in
    sqlite) STORE_LOCATION="$T/$1.db" ;;
    postgres)
      if [[ -z "${PG_URL:-}" ]]; then
        source "$SP_SRC/tests/lib/pg.sh"
        pg_start || fail "no PostgreSQL server for SENSORPIPE_TEST_BACKEND=postgres"
      fi
      STORE_LOCATION=$(pg_newdb "$1") || fail "cannot create database $1"
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
