// The SQLite schema of a sensorpipe database, its version, and opening a file as one.
//
// Layout (schema version 2, PRAGMA user_version; PRAGMA application_id marks the file):
//   sensors(id, name UNIQUE, unit, kind, first_seen, last_seen)   the sensor dictionary
//   readings(sensor_id, ts, value, extra) WITHOUT ROWID, key (sensor_id, ts)
//       value: REAL for numbers, INTEGER 0/1 for booleans, TEXT for states
//       extra: the reading's other JSON members, verbatim ("\"room\":\"k\""), NULL when none
//   rollup_minute / rollup_hour(sensor_id, bucket, count, ncount, sum, min, max,
//       first_ts, first, last_ts, last) WITHOUT ROWID, key (sensor_id, bucket)
//   changes(seq INTEGER PRIMARY KEY, sensor_id, ts_list)   recent stores per commit and
//       sensor (ts values packed as in store/ts_list.h), for --follow (v2)
// Opening functions throw RuntimeError with a message naming the file; they never
// return a half-usable connection.
#pragma once
#include <memory>
#include <string>

#include "store/sqlite.h"

namespace sensorpipe::store {

inline constexpr int kSchemaVersion = 2;
inline constexpr int kApplicationId = 0x53505031;  // "SPP1"

// Opens or creates `path` for writing: WAL, synchronous=NORMAL, migrations up to
// kSchemaVersion applied in one transaction. `cache_mib` sizes SQLite's page cache.
std::unique_ptr<sql::Db> open_for_writing(const std::string& path, int cache_mib, int busy_timeout_ms);

// Opens an existing sensorpipe database read-only. Returns its schema version.
std::unique_ptr<sql::Db> open_for_reading(const std::string& path, int& schema_version);

}  // namespace sensorpipe::store
