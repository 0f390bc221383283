# A private, throwaway PostgreSQL server for tests and benchmarks (bash; source it).
#   source "$SP_SRC/tests/lib/pg.sh"; pg_start      -> $PG_URL, $PG_DIR, $PG_PID
# The server lives in its own temporary directory, listens only on a unix socket there
# (no TCP port, so parallel tests never collide), runs with fsync off (test data need not
# survive a crash of the machine), and is stopped (pg_ctl -m immediate) and its directory
# removed when the shell exits, whatever the reason (the EXIT trap runs before any trap
# that was set earlier, e.g. common.sh's). initdb refuses to run as root, so as root the
# server runs as the "postgres" user (made by Debian's postgresql-common).
# Needs the Debian packages postgresql (server) and postgresql-client (psql).

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_PORT=5432  # names the socket file only (and is the TCP port when PG_LISTEN is set)
# Set before pg_run (e.g. between pg_halt and pg_run) to serve TCP clients too:
# PG_LISTEN the addresses to listen on (listen_addresses; default none: the socket only);
# PG_WRAP a command that the server is started under, e.g. (ip netns exec NAMESPACE).
PG_LISTEN=${PG_LISTEN:-}
PG_WRAP=()

# pg_as CMD...: runs CMD as the server's owner.
pg_as() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

_pg_cleanup() {
  if [[ -n "${PG_DIR:-}" && -d "$PG_DIR" ]]; then
    [[ -f "$PG_DIR/data/postmaster.pid" ]] && pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
    rm -rf "$PG_DIR"
  fi
  return 0
}

# pg_start: makes and starts a new server; sets PG_DIR, PG_URL (a postgresql:// URL
# for database "postgres", user "postgres", trust authentication) and PG_PID.
pg_start() {
  [[ -x "$PG_BIN/initdb" ]] || { echo "pg.sh: no PostgreSQL server in $PG_BIN (apt-get install postgresql)" >&2; return 1; }
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
  [[ $(id -u) -eq 0 ]] && chown postgres: "$PG_DIR"
  if ! pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 \
    >"$PG_DIR/initdb.log" 2>&1; then
    echo "pg.sh: initdb failed: $(tail -3 "$PG_DIR/initdb.log")" >&2
    return 1
  fi
  pg_run || return 1
  PG_URL="postgresql:///postgres?host=$PG_DIR&port=$PG_PORT&user=postgres"
}

# pg_run: starts the server of $PG_DIR (again, after pg_halt); waits until it accepts
# connections; sets PG_PID. The server gets none of the shell's fds 3-9 (tests hold fifos
# there: a server keeping a writer open would keep their readers from ever seeing EOF).
pg_run() {
  local ctl=("$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 120
    -o "-k $PG_DIR -c listen_addresses='$PG_LISTEN' -p $PG_PORT -c fsync=off -c full_page_writes=off -c max_connections=50"
    start)
  [[ $(id -u) -eq 0 ]] && ctl=(runuser -u postgres -- "${ctl[@]}")
  if ! "${PG_WRAP[@]}" "${ctl[@]}" >/dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-; then
    echo "pg.sh: the server did not start: $(tail -3 "$PG_DIR/server.log")" >&2
    return 1
  fi
  PG_PID=$(head -1 "$PG_DIR/data/postmaster.pid")
}

# pg_halt [MODE]: stops the server (default mode fast: clients are disconnected, as in a
# restart by the administrator); pg_run starts it again with the same data.
pg_halt() {
  pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m "${1:-fast}" -w -t 120 stop >/dev/null
}

# pg_sql SQL: runs SQL with psql (unaligned, tuples only, "|" separated); fails on error.
pg_sql() {
  psql -X -q -v ON_ERROR_STOP=1 -At -d "$PG_URL" -c "$1"
}

# pg_newdb NAME: creates a database on the server and prints its URL.
pg_newdb() {
  pg_sql "CREATE DATABASE \"$1\"" >/dev/null
  echo "postgresql:///$1?host=$PG_DIR&port=$PG_PORT&user=postgres"
}

# pg_rollup_mismatches URL TABLE UNIT: how many buckets of TABLE (rollup_minute or
# rollup_hour; UNIT minute or hour) differ from the aggregate of the raw rows (count,
# numeric count, min, max, first/last ts and value exactly; sum up to rounding),
# counting buckets missing on either side.
pg_rollup_mismatches() {
  psql -X -q -v ON_ERROR_STOP=1 -At -d "$1" -c "
SET TimeZone = 'UTC';
WITH x AS (
  SELECT sensor_id, date_trunc('$3', ts) AS b, ts, coalesce(num, flag::integer) AS v,
         CASE WHEN num IS NOT NULL THEN num::text::jsonb WHEN flag IS NOT NULL THEN to_jsonb(flag) ELSE to_jsonb(txt) END AS j
  FROM readings),
e AS (
  SELECT sensor_id, b, count(*) AS c, count(v) AS nc, sum(v) AS su, min(v) AS mi, max(v) AS ma, min(ts) AS fts,
         max(ts) AS lts, (array_agg(j ORDER BY ts))[1] AS fv, (array_agg(j ORDER BY ts DESC))[1] AS lv
  FROM x GROUP BY 1, 2)
SELECT count(*) FROM e FULL JOIN $2 r ON r.sensor_id = e.sensor_id AND r.bucket = e.b
WHERE r.sensor_id IS NULL OR e.sensor_id IS NULL
   OR (e.c, e.nc, e.mi, e.ma, e.fts, e.fv, e.lts, e.lv)
      IS DISTINCT FROM (r.count, r.ncount, r.min, r.max, r.first_ts, r.first, r.last_ts, r.last)
   OR (r.sum IS NULL) <> (e.su IS NULL) OR abs(r.sum - e.su) > 1e-9 * greatest(1, abs(e.su))" | tail -1
}
