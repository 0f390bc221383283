# A file written with an older schema (version 1: no follow log) opens in this version:
# db-store migrates it in place and keeps its data; history-query reads it before and after.
source "$SP_SRC/tests/lib/common.sh"
source "$SP_SRC/tests/store/lib.sh"
cd "$T"
require_backend sqlite  # SQLite files of older and newer schema versions
sqlite3 old.db <<'X'
PRAGMA journal_mode=WAL;
CREATE TABLE sensors(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, unit TEXT, kind TEXT, first_seen INTEGER, last_seen INTEGER);
CREATE TABLE readings(sensor_id INTEGER NOT NULL, ts INTEGER NOT NULL, value, extra TEXT, PRIMARY KEY(sensor_id, ts)) WITHOUT ROWID;
CREATE TABLE rollup_minute(sensor_id INTEGER NOT NULL, bucket INTEGER NOT NULL, count INTEGER NOT NULL, ncount INTEGER NOT NULL, sum REAL, min REAL, max REAL, first_ts INTEGER NOT NULL, first, last_ts INTEGER NOT NULL, last, PRIMARY KEY(sensor_id, bucket)) WITHOUT ROWID;
CREATE TABLE rollup_hour(sensor_id INTEGER NOT NULL, bucket INTEGER NOT NULL, count INTEGER NOT NULL, ncount INTEGER NOT NULL, sum REAL, min REAL, max REAL, first_ts INTEGER NOT NULL, first, last_ts INTEGER NOT NULL, last, PRIMARY KEY(sensor_id, bucket)) WITHOUT ROWID;
INSERT INTO sensors VALUES(1, 'old/t', 'C', NULL, 1795341600000, 1795341600000);
INSERT INTO readings VALUES(1, 1795341600000, 20.5, NULL);
INSERT INTO rollup_minute VALUES(1, 1795341600000, 1, 1, 20.5, 20.5, 20.5, 1795341600000, 20.5, 1795341600000, 20.5);
INSERT INTO rollup_hour VALUES(1, 1795341600000, 1, 1, 20.5, 20.5, 20.5, 1795341600000, 20.5, 1795341600000, 20.5);
PRAGMA application_id=1397772337;
PRAGMA user_version=1;
X
run history-query -d old.db
assert_eq '{"sensor":"old/t","ts":"2026-11-22T10:00:00.000Z","value":20.5,"unit":"C"}' "$out" "version 1 file readable"
run history-query -d old.db --follow
assert_eq 1 "$status" "following a version 1 file"
assert_contains "$err" "run db-store on it once to upgrade it" "upgrade hint"
echo '{"sensor":"old/t","ts":1795341630,"value":21.5}' | db-store -d old.db -q
assert_eq 3 "$(sql old.db 'PRAGMA user_version')" "migrated to version 3"
assert_eq 0 "$(rollup_mismatches old.db)" "minute and hour roll-ups (and their ordered summary) after the migration"
run history-query -d old.db --every 1m --agg count,min,max
assert_eq '{"sensor":"old/t","ts":"2026-11-22T10:00:00.000Z","count":2,"min":20.5,"max":21.5}' "$out" "old and new data together"
sqlite3 new.db "PRAGMA application_id=1397772337; PRAGMA user_version=99; CREATE TABLE x(y);"
run db-store -d new.db </dev/null
assert_eq 1 "$status" "a newer schema is refused"
assert_contains "$err" "written by a newer sensorpipe" "newer schema message"
pass "migration"
