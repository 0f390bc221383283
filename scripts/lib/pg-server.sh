# A private PostgreSQL server in a directory of its own (bash; source it): the one set-up of
# scripts/run.sh --postgres, the tests (tests/lib/pg.sh) and the benchmarks.
#   source scripts/lib/pg-server.sh
#   pg_server_init DIR && pg_server_start DIR [-c NAME=VALUE ...] && url=$(pg_server_url DIR)
#   ...
#   pg_server_stop DIR
# The cluster is DIR/data; the server listens only on a unix socket in DIR (no TCP port, so
# several servers never collide and nothing outside the machine can reach it) and logs to
# DIR/server.log. Authentication is "trust" for the socket, whose directory only the owner
# can enter. initdb refuses to run as root, so as root the server runs as the "postgres"
# user (made by Debian's postgresql-common) and DIR is given to it. Functions print one
# line on stderr naming what failed (prefixed with $PG_SERVER_ME, default "pg-server") and
# return non-zero; they never exit, set traps or remove anything but what they made.
# Needs the Debian packages postgresql (server) and postgresql-client (psql).

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_PORT=5432 # names the socket file only (and is the TCP port when PG_LISTEN is set)
# Optional, read by pg_server_start: PG_LISTEN the addresses to listen on besides the socket
# (listen_addresses; default none); PG_WRAP an array, a command the server is started under
# (e.g. ip netns exec NAMESPACE, for a server on a host of the fleet test).
[[ -v PG_WRAP ]] || PG_WRAP=()

# pg_as CMD...: runs CMD as the server's owner.
pg_as() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_server_init DIR: makes DIR and a new cluster in DIR/data, unless there is one already.
pg_server_init() {
  local dir=$1 me=${PG_SERVER_ME:-pg-server}
  [[ -x "$PG_BIN/initdb" ]] || { echo "$me: no PostgreSQL server in $PG_BIN (apt-get install postgresql)" >&2; return 1; }
  [[ -f "$dir/data/PG_VERSION" ]] && return 0
  mkdir -p "$dir" && chmod 700 "$dir" || return 1
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$dir" || return 1
    # The server runs as postgres: every directory above DIR must let it through.
    runuser -u postgres -- test -x "$dir" ||
      { echo "$me: the postgres user cannot enter $dir (a parent directory is closed to it)" >&2; return 1; }
  fi
  if ! pg_as "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1; then
    echo "$me: initdb failed: $(tail -3 "$dir/initdb.log")" >&2
    return 1
  fi
}

# pg_server_start DIR [SERVER_OPTION...]: starts the server of DIR/data (extra options, such
# as -c fsync=off, go to the postgres command line); waits until it accepts connections.
# The server gets none of the shell's fds 3-9 (callers hold fifos and locks there: a server
# keeping a writer open would keep their readers from ever seeing EOF).
pg_server_start() {
  local dir=$1 me=${PG_SERVER_ME:-pg-server}
  shift
  local ctl=("$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 120
    -o "-k $dir -c listen_addresses='${PG_LISTEN:-}' -p $PG_PORT -c max_connections=50 $*" start)
  [[ $(id -u) -eq 0 ]] && ctl=(runuser -u postgres -- "${ctl[@]}")
  if ! "${PG_WRAP[@]}" "${ctl[@]}" >/dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-; then
    echo "$me: the PostgreSQL server did not start: $(tail -3 "$dir/server.log")" >&2
    return 1
  fi
}

# pg_server_pid DIR: prints the PID of the running server of DIR (from its postmaster.pid).
pg_server_pid() {
  [[ -f "$1/data/postmaster.pid" ]] && head -1 "$1/data/postmaster.pid"
}

# pg_server_stop DIR [MODE]: stops the server of DIR by its PID and waits until it is gone.
# MODE fast (default: clients are disconnected, everything committed is kept, as in a
# restart by the administrator) or immediate (no shutdown checkpoint: for throwaway data).
pg_server_stop() {
  local dir=$1 mode=${2:-fast} pid sig t
  pid=$(pg_server_pid "$dir") || return 0
  case $mode in fast) sig=INT ;; immediate) sig=QUIT ;; *) sig=TERM ;; esac
  kill -"$sig" "$pid" 2>/dev/null || return 0
  for ((t = 0; t < 1200; t++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  echo "${PG_SERVER_ME:-pg-server}: the PostgreSQL server (PID $pid) did not stop in 120 s" >&2
  return 1
}

# pg_server_url DIR [DATABASE]: the postgresql:// URL of DATABASE (default postgres) as user
# postgres on the server of DIR.
pg_server_url() {
  echo "postgresql:///${2:-postgres}?host=$1&port=$PG_PORT&user=postgres"
}

# pg_server_createdb DIR NAME: creates database NAME unless it exists.
pg_server_createdb() {
  local url
  url=$(pg_server_url "$1")
  [[ $(psql -X -q -At -d "$url" -c "SELECT count(*) FROM pg_database WHERE datname = '${2//\'/\'\'}'") == 1 ]] && return 0
  psql -X -q -v ON_ERROR_STOP=1 -d "$url" -c "CREATE DATABASE \"$2\"" >/dev/null
}
