# A private, throwaway PostgreSQL server for tests and benchmarks (bash; source it).
#   source "$SP_SRC/tests/lib/pg.sh"; pg_start      -> $PG_URL, $PG_DIR, $PG_PID
# The server lives in its own temporary directory, listens only on a unix socket there
# (no TCP port, so parallel tests never collide), runs with fsync off (test data need not
# survive a crash of the machine), and is stopped (immediate shutdown) and its directory
# removed when the shell exits, whatever the reason (the EXIT trap runs before any trap
# that was set earlier, e.g. common.sh's). initdb refuses to run as root, so as root the
# server runs as the "postgres" user (made by Debian's postgresql-common).
# Needs the Debian packages postgresql (server) and postgresql-client (psql).

# The server itself (initdb, pg_ctl, the socket, root) is scripts/lib/pg-server.sh's, shared
# with scripts/run.sh --postgres; what is here is the throwaway part.
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/pg-server.sh"
PG_SERVER_ME=pg.sh
# Test data need not survive a crash of the machine.
PG_FAST_OPTIONS=(-c fsync=off -c full_page_writes=off)
# Set before pg_run (e.g. between pg_halt and pg_run) to serve TCP clients too (see
# scripts/lib/pg-server.sh): PG_LISTEN the addresses to listen on (default none: the
# socket only); PG_WRAP a command the server is started under, e.g. (ip netns exec NS).
PG_LISTEN=${PG_LISTEN:-}
PG_WRAP=()

_pg_cleanup() {
  if [[ -n "${PG_DIR:-}" && -d "$PG_DIR" ]]; then
    pg_server_stop "$PG_DIR" immediate >/dev/null 2>&1
    rm -rf "$PG_DIR"
  fi
  return 0
}

# pg_start: makes and starts a new server; sets PG_DIR, PG_URL (a postgresql:// URL
# for database "postgres", user "postgres", trust authentication) and PG_PID.
pg_start() {
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/sensorpipe-pg.XXXXXX")
  # Run our clean-up first, then whatever EXIT trap was there before; a signal exits
  # through the EXIT trap too, so no server outlives the script.
  local prev
  eval "set -- $(trap -p EXIT)"
  prev=${3:-}
  trap "_pg_cleanup; $prev" EXIT
  trap 'exit 143' TERM
  trap 'exit 130' INT
  trap 'exit 129' HUP
  pg_server_init "$PG_DIR" || return 1
  pg_run || return 1
  PG_URL=$(pg_server_url "$PG_DIR")
}

# pg_run: starts the server of $PG_DIR (again, after pg_halt); waits until it accepts
# connections; sets PG_PID.
pg_run() {
  pg_server_start "$PG_DIR" "${PG_FAST_OPTIONS[@]}" || return 1
  PG_PID=$(pg_server_pid "$PG_DIR")
}

# pg_halt [MODE]: stops the server (default mode fast: clients are disconnected, as in a
# restart by the administrator); pg_run starts it again with the same data.
pg_halt() {
  pg_server_stop "$PG_DIR" "${1:-fast}"
}

# pg_sql SQL: runs SQL with psql (unaligned, tuples only, "|" separated); fails on error.
pg_sql() {
  psql -X -q -v ON_ERROR_STOP=1 -At -d "$PG_URL" -c "$1"
}

# pg_newdb NAME: creates a database on the server and prints its URL.
pg_newdb() {
  pg_sql "CREATE DATABASE \"$1\"" >/dev/null
  pg_server_url "$PG_DIR" "$1"
}

# pg_rollup_mismatches URL TABLE UNIT: how many buckets of TABLE (rollup_minute or
# rollup_hour; UNIT minute or hour) differ from the aggregate of the raw rows (count,
# numeric count, min, max, first/last ts and value, and the ordered summary's decreases
# and time held exactly; sum and value x time held up to rounding), counting buckets
# missing on either side. The ordered summary is computed here from the raw rows of the
# whole bucket (consecutive readings of one sensor in one bucket; strings hold nothing,
# booleans are 0/1), not from minutes as the writer makes hours.
pg_rollup_mismatches() {
  psql -X -q -v ON_ERROR_STOP=1 -At -d "$1" -c "
SET TimeZone = 'UTC';
WITH x AS (
  SELECT sensor_id, date_trunc('$3', ts) AS b, ts, coalesce(num, flag::integer) AS v,
         CASE WHEN num IS NOT NULL THEN num::text::jsonb WHEN flag IS NOT NULL THEN to_jsonb(flag) ELSE to_jsonb(txt) END AS j
  FROM readings),
y AS (
  SELECT x.*, lead(v) OVER w AS nv, extract(epoch FROM lead(ts) OVER w - ts) * 1000 AS dt
  FROM x WINDOW w AS (PARTITION BY sensor_id, b ORDER BY ts)),
e AS (
  SELECT sensor_id, b, count(*) AS c, count(v) AS nc, sum(v) AS su, min(v) AS mi, max(v) AS ma, min(ts) AS fts,
         max(ts) AS lts, (array_agg(j ORDER BY ts))[1] AS fv, (array_agg(j ORDER BY ts DESC))[1] AS lv,
         count(*) FILTER (WHERE nv < v) AS d,
         coalesce(sum(v * dt) FILTER (WHERE v IS NOT NULL AND dt IS NOT NULL), 0) AS s,
         coalesce(sum(dt) FILTER (WHERE v IS NOT NULL AND dt IS NOT NULL), 0) AS m
  FROM y GROUP BY 1, 2)
SELECT count(*) FROM e FULL JOIN $2 r ON r.sensor_id = e.sensor_id AND r.bucket = e.b
WHERE r.sensor_id IS NULL OR e.sensor_id IS NULL
   OR (e.c, e.nc, e.mi, e.ma, e.fts, e.fv, e.lts, e.lv, e.d, e.m)
      IS DISTINCT FROM (r.count, r.ncount, r.min, r.max, r.first_ts, r.first, r.last_ts, r.last, r.decreases, r.tw_ms)
   OR (r.sum IS NULL) <> (e.su IS NULL) OR abs(r.sum - e.su) > 1e-9 * greatest(1, abs(e.su))
   OR r.tw_sum IS NULL OR abs(r.tw_sum - e.s) > 1e-9 * greatest(1, abs(e.s))" | tail -1
}
