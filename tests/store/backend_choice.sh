# -d picks the backend from the location: a postgresql:// or postgres:// URL is refused with
# a clear message by a build without PostgreSQL support (nothing is created), --cache-size
# and --busy-timeout are SQLite options refused for a PostgreSQL URL, and the help says what -d takes.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/store/lib.sh"
cd "$T"

run db-store -d h.db --help
assert_contains "$out" "FILE or postgresql:// URL" "db-store -d help"
assert_contains "$out" "SQLite only" "--cache-size help says it is an SQLite option"
run history-query --help
assert_contains "$out" "FILE or postgresql:// URL" "history-query -d help"
run ws-serve --help
assert_contains "$out" "FILE or postgresql:// URL" "ws-serve -d help"

printf '%s\n' '{"sensor":"s","ts":1000,"value":1}' >in.jsonl
run_in() { run "$@" in.jsonl; }

run_in db-store -q -d postgres://127.0.0.1:1/nodb --cache-size 64M
assert_eq 2 "$status" "--cache-size with a PostgreSQL URL is a usage error"
assert_contains "$err" "--cache-size is an SQLite option" "and says why"
run_in db-store -q -d postgres://127.0.0.1:1/nodb --busy-timeout 5s
assert_eq 2 "$status" "--busy-timeout with a PostgreSQL URL is a usage error"
assert_contains "$err" "--busy-timeout is an SQLite option" "and says why"

if db-store --version | grep -q libpq; then
  echo "this build has PostgreSQL support: the not-built checks do not apply"
else
  for url in postgresql://127.0.0.1:1/nodb postgres://u@127.0.0.1:1/nodb postgresql://; do
    run_in db-store -q -d "$url"
    assert_eq 1 "$status" "db-store -d $url without PostgreSQL support"
    assert_contains "$err" "PostgreSQL support not built" "db-store names the missing support for $url"
    run history-query -d "$url"
    assert_eq 1 "$status" "history-query -d $url"
    assert_contains "$err" "PostgreSQL support not built" "history-query names the missing support for $url"
  done
  assert_eq "in.jsonl" "$(ls)" "no file was created for a URL"
fi

# An SQLite file whose name merely contains "postgres" is still a file.
run_in db-store -q -d ./postgres:x.db
assert_eq 0 "$status" "a file name is a file name"
assert_eq 1 "$(stored_count ./postgres:x.db)" "stored in the file"

# --busy-timeout stays an SQLite option.
run_in db-store -q -d b.db --busy-timeout 5s
assert_eq 0 "$status" "--busy-timeout with an SQLite file"
