#!/usr/bin/env bash
# ws-serve -d postgresql://... answers /api/sensors and /api/history exactly as it does
# from an SQLite file holding the same readings.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/lib/pg.sh"
source "$SP_SRC/tests/store/lib.sh"
pg_start || fail "no PostgreSQL server"
cd "$T"
gen_readings 5 300 1764000000000 20000 3 >in.jsonl
db-store -q --commit-interval 1h -d s.db <in.jsonl
db-store -q --commit-interval 1h -d "$PG_URL" <in.jsonl

serve() { # NAME DB: starts ws-serve on a free port, sets PORT_<NAME>
  sp_spawn ws-serve -d "$2" --listen 127.0.0.1:0 </dev/null >/dev/null 2>"$1.err"
  wait_text "$1.err" "serving http://" 60
  printf -v "PORT_$1" '%s' "$(grep -o '127.0.0.1:[0-9]*' "$1.err" | head -1)"
}
serve s s.db
serve p "$PG_URL"
for path in "/api/sensors" "/api/history?sensor=t/s1&from=0&every=1h&agg=min,max,count,first,last" \
  "/api/history?sensor=t/*&from=2025-11-24T17:00:00Z&to=2025-11-24T20:00:00Z"; do
  a=$(curl -sf "http://$PORT_s$path") || fail "SQLite ws-serve: $path"
  b=$(curl -sf "http://$PORT_p$path") || fail "PostgreSQL ws-serve: $path"
  [[ -n "$a" ]] || fail "empty answer for $path"
  assert_eq "$a" "$b" "answers to $path"
done
pass "ws-serve answers alike from SQLite and PostgreSQL"
