#!/usr/bin/env bash
# A password in a postgresql:// URL never shows in db-store's or history-query's messages
# (it is replaced by ***), and libpq's PGPASSWORD is used as every PostgreSQL user expects.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/lib/pg.sh"
pg_start || fail "no PostgreSQL server"
# A role that needs a password, over the socket (md5 in pg_hba for it, trust for postgres).
pg_sql "CREATE ROLE sp LOGIN PASSWORD 's3cret-pw'; GRANT CREATE ON SCHEMA public TO sp" >/dev/null
sed -i '1i local all sp scram-sha-256' "$PG_DIR/data/pg_hba.conf"
pg_sql "SELECT pg_reload_conf()" >/dev/null
url="postgresql://sp:wrong-pw@/postgres?host=$PG_DIR&port=$PG_PORT"
run db-store -q -d "$url" < <(echo '{"sensor":"s","ts":1000,"value":1}')
assert_eq 1 "$status" "db-store with a wrong password"
assert_contains "$err" "sp:***@" "the URL is shown redacted"
assert_not_contains "$err" "wrong-pw" "db-store's message"
run history-query -d "postgresql://sp:wrong-pw@/postgres?host=$PG_DIR&port=$PG_PORT&password=wrong-pw"
assert_eq 1 "$status" "history-query with a wrong password"
assert_not_contains "$err" "wrong-pw" "history-query's message"
# The password from PGPASSWORD, not the command line.
PGPASSWORD=s3cret-pw run db-store -q -d "postgresql://sp@/postgres?host=$PG_DIR&port=$PG_PORT" \
  < <(echo '{"sensor":"s","ts":1000,"value":1}')
assert_eq 0 "$status" "db-store with PGPASSWORD: $err"
PGPASSWORD=s3cret-pw run history-query -d "postgresql://sp@/postgres?host=$PG_DIR&port=$PG_PORT" -f csv
assert_contains "$out" "s,1970-01-01T00:16:40.000Z,1," "read back with PGPASSWORD"
pass "passwords stay out of messages; PGPASSWORD works"
