// Schema creation, migrations and checked opening (see schema.h).
#include "store/sqlite/schema.h"

#include "store/query.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "core/errors.h"

namespace sensorpipe::store {

namespace {

// migrations[i] takes a file from version i to version i+1. Never edit a released step:
// append a new one, so a file written by an older version opens in a newer one.
const char* const kMigrations[] = {
    // 0 -> 1: dictionary, raw readings, roll-ups.
    R"sql(
CREATE TABLE sensors(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  unit TEXT,
  kind TEXT,
  first_seen INTEGER,
  last_seen INTEGER);
CREATE TABLE readings(
  sensor_id INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  value,
  extra TEXT,
  PRIMARY KEY(sensor_id, ts)) WITHOUT ROWID;
CREATE TABLE rollup_minute(
  sensor_id INTEGER NOT NULL, bucket INTEGER NOT NULL,
  count INTEGER NOT NULL, ncount INTEGER NOT NULL, sum REAL, min REAL, max REAL,
  first_ts INTEGER NOT NULL, first, last_ts INTEGER NOT NULL, last,
  PRIMARY KEY(sensor_id, bucket)) WITHOUT ROWID;
CREATE TABLE rollup_hour(
  sensor_id INTEGER NOT NULL, bucket INTEGER NOT NULL,
  count INTEGER NOT NULL, ncount INTEGER NOT NULL, sum REAL, min REAL, max REAL,
  first_ts INTEGER NOT NULL, first, last_ts INTEGER NOT NULL, last,
  PRIMARY KEY(sensor_id, bucket)) WITHOUT ROWID;
)sql",
    // 1 -> 2: a short log of what each commit stored, so readers can follow new readings:
    // one row per commit and sensor, the ts values packed (store/ts_list.h).
    R"sql(
CREATE TABLE changes(
  seq INTEGER PRIMARY KEY,
  sensor_id INTEGER NOT NULL,
  ts_list BLOB NOT NULL);
)sql",
    // 2 -> 3: the roll-ups' ordered summary for the consumption aggregates (store/rollup.h:
    // decreases, tw_sum, tw_ms), computed from the raw rows where the bucket still has all of
    // them; NULL (unknown: such buckets are read from raw rows, or not summarised) elsewhere.
    R"sql(
ALTER TABLE rollup_minute ADD COLUMN decreases INTEGER;
ALTER TABLE rollup_minute ADD COLUMN tw_sum REAL;
ALTER TABLE rollup_minute ADD COLUMN tw_ms INTEGER;
ALTER TABLE rollup_hour ADD COLUMN decreases INTEGER;
ALTER TABLE rollup_hour ADD COLUMN tw_sum REAL;
ALTER TABLE rollup_hour ADD COLUMN tw_ms INTEGER;
WITH p AS (
  SELECT sensor_id, ts, value, lead(ts) OVER w AS nts, lead(value) OVER w AS nv
  FROM readings WINDOW w AS (PARTITION BY sensor_id ORDER BY ts)),
q AS (
  SELECT sensor_id, ts - ((ts % 60000) + 60000) % 60000 AS b, ts, value, nv, nts,
         nts IS NOT NULL AND nts - ((nts % 60000) + 60000) % 60000 = ts - ((ts % 60000) + 60000) % 60000
           AND typeof(value) <> 'text' AS held
  FROM p),
x AS (
  SELECT sensor_id, b, count(*) AS c,
         sum(held AND typeof(nv) <> 'text' AND nv < value) AS d,
         sum(CASE WHEN held THEN value * (nts - ts) ELSE 0 END) AS s,
         sum(CASE WHEN held THEN nts - ts ELSE 0 END) AS m
  FROM q GROUP BY sensor_id, b)
UPDATE rollup_minute SET decreases = x.d, tw_sum = x.s, tw_ms = x.m FROM x
WHERE rollup_minute.sensor_id = x.sensor_id AND rollup_minute.bucket = x.b AND rollup_minute.count = x.c;
WITH p AS (
  SELECT sensor_id, ts, value, lead(ts) OVER w AS nts, lead(value) OVER w AS nv
  FROM readings WINDOW w AS (PARTITION BY sensor_id ORDER BY ts)),
q AS (
  SELECT sensor_id, ts - ((ts % 3600000) + 3600000) % 3600000 AS b, ts, value, nv, nts,
         nts IS NOT NULL AND nts - ((nts % 3600000) + 3600000) % 3600000 = ts - ((ts % 3600000) + 3600000) % 3600000
           AND typeof(value) <> 'text' AS held
  FROM p),
x AS (
  SELECT sensor_id, b, count(*) AS c,
         sum(held AND typeof(nv) <> 'text' AND nv < value) AS d,
         sum(CASE WHEN held THEN value * (nts - ts) ELSE 0 END) AS s,
         sum(CASE WHEN held THEN nts - ts ELSE 0 END) AS m
  FROM q GROUP BY sensor_id, b)
UPDATE rollup_hour SET decreases = x.d, tw_sum = x.s, tw_ms = x.m FROM x
WHERE rollup_hour.sensor_id = x.sensor_id AND rollup_hour.bucket = x.b AND rollup_hour.count = x.c;
)sql",
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kSchemaVersion, "one migration per version");

// Reads application_id/user_version; turns SQLite's "file is not a database" into our words.
void identify(sql::Db& db, std::int64_t& app_id, std::int64_t& version, std::int64_t& objects) {
  try {
    // One statement, so one snapshot: a second writer creating the file at the same time
    // must not be seen half-way (tables there, application_id not yet).
    sql::Stmt s(db,
                "SELECT (SELECT application_id FROM pragma_application_id()), "
                "(SELECT user_version FROM pragma_user_version()), (SELECT count(*) FROM sqlite_master)");
    if (!s.step()) throw RuntimeError("no answer");
    app_id = s.column_int(0);
    version = s.column_int(1);
    objects = s.column_int(2);
  } catch (const RuntimeError&) {
    throw RuntimeError(db.path() + " is not a sensorpipe database (not an SQLite file)");
  }
}

void check_version(const sql::Db& db, std::int64_t app_id, std::int64_t version) {
  if (app_id != kApplicationId)
    throw RuntimeError(db.path() + " is not a sensorpipe database (an SQLite file of another application)");
  if (version > kSchemaVersion)
    throw RuntimeError(db.path() + " was written by a newer sensorpipe (schema version " + std::to_string(version) +
                       ", this program knows up to " + std::to_string(kSchemaVersion) + ")");
}

}  // namespace

namespace {
// Switching to WAL needs a moment of exclusive access, and SQLite does not run the
// busy handler for it: retry while another writer holds the file, up to the timeout.
void enable_wal(sql::Db& db, int busy_timeout_ms) {
  for (int waited = 0;; waited += 20) {
    try {
      db.exec("PRAGMA journal_mode=WAL");
      return;
    } catch (const RuntimeError& e) {
      if (waited >= busy_timeout_ms) throw RuntimeError(std::string(e.what()) + " (is another program writing it?)");
      ::usleep(20000);
    }
  }
}
}  // namespace

std::unique_ptr<sql::Db> open_for_writing(const std::string& path, int cache_mib, int busy_timeout_ms) {
  auto db = std::make_unique<sql::Db>(path, sql::Db::Mode::ReadWriteCreate);
  db->exec("PRAGMA busy_timeout=" + std::to_string(busy_timeout_ms));
  std::int64_t app_id = 0, version = 0, objects = 0;
  identify(*db, app_id, version, objects);
  // A file with tables but no id is another application's: never touch it (not even WAL).
  if (!(app_id == 0 && version == 0 && objects == 0)) check_version(*db, app_id, version);
  enable_wal(*db, busy_timeout_ms);
  db->exec("PRAGMA synchronous=NORMAL");
  db->exec("PRAGMA cache_size=-" + std::to_string(static_cast<long>(cache_mib) * 1024));
  db->exec("PRAGMA temp_store=MEMORY");
  if (version < kSchemaVersion) {
    sql::Transaction txn(*db, "BEGIN IMMEDIATE");
    // Re-read under the write lock: another writer may have created or migrated it meanwhile.
    identify(*db, app_id, version, objects);
    if (!(app_id == 0 && version == 0 && objects == 0)) check_version(*db, app_id, version);
    for (auto v = version; v < kSchemaVersion; ++v) db->exec(kMigrations[v]);
    db->exec("PRAGMA application_id=" + std::to_string(kApplicationId));
    db->exec("PRAGMA user_version=" + std::to_string(kSchemaVersion));
    txn.commit();
  }
  return db;
}

std::unique_ptr<sql::Db> open_for_reading(const std::string& path, int& schema_version) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw DatabaseNotReady("cannot open database " + path + ": no such file");
  if (!S_ISREG(st.st_mode)) throw RuntimeError("cannot open database " + path + ": not a regular file");
  auto db = std::make_unique<sql::Db>(path, sql::Db::Mode::ReadOnly);
  db->exec("PRAGMA busy_timeout=5000");
  std::int64_t app_id = 0, version = 0, objects = 0;
  identify(*db, app_id, version, objects);
  if (app_id == 0 && version == 0 && objects == 0)
    throw DatabaseNotReady(path + " has no sensorpipe schema yet (db-store creates it when it starts)");
  check_version(*db, app_id, version);
  if (version < 1) throw RuntimeError(path + " is not a sensorpipe database (no schema)");
  schema_version = static_cast<int>(version);
  return db;
}

}  // namespace sensorpipe::store
