// The PostgreSQL schema of a sensorpipe database, its version, and its time partitions.
//
// Layout (schema version 2, recorded in sensorpipe_meta):
//   sensorpipe_meta(key, value)          'application' = 'sensorpipe', 'schema_version'
//   sensors(id, name UNIQUE, unit, kind, first_seen, last_seen)   the sensor dictionary
//   readings(sensor_id, revision, ts timestamptz, num, flag, txt, extra), key (sensor_id, ts)
//       exactly one of num (numbers), flag (booleans), txt (states) is set; extra holds the
//       reading's other JSON members verbatim, NULL when none; revision counts how often
//       the row was replaced (the writer tells new rows from replaced ones by it: RETURNING
//       cannot read xmax from a partitioned table)
//   rollup_minute / rollup_hour(sensor_id, bucket, count, ncount, sum, min, max,
//       first_ts, first, last_ts, last, decreases, tw_sum, tw_ms), key (sensor_id, bucket):
//       the SQLite columns (store/rollup.h's kRollupColumns), with first/last as jsonb
//       scalars (21.5, true, "on") since they may hold any value type; the ordered summary
//       (decreases, tw_sum, tw_ms) is NULL when unknown (version 2 added it; buckets whose
//       raw rows were gone by then keep NULL). Computed by rollup_sql.h.
//   changes(seq, sensor_id, ts_list bytea, at)   recent stores per commit and sensor, for
//       --follow (ts values packed as in store/ts_list.h)
//   sensorpipe_ts(bigint ms) / sensorpipe_ms(timestamptz): exact conversions
// readings and both roll-up tables are PARTITION BY RANGE over time, one partition per
// week (Monday 00:00 UTC, TimescaleDB's default chunk width), named <table>_pYYYYMMDD.
// Functions throw pq::Error (or DatabaseNotReady when there is no schema yet). A Conn is
// used by one thread at a time.
#pragma once
#include <string>
#include <vector>

#include "core/time.h"
#include "store/postgres/pq.h"

namespace sensorpipe::store::postgres {

inline constexpr int kSchemaVersion = 2;
inline constexpr TimeMs kPartitionMs = 7 * 86'400'000LL;
inline constexpr TimeMs kPartitionOrigin = 4 * 86'400'000LL;  // 1970-01-05, a Monday
inline constexpr const char* kPartitioned[] = {"readings", "rollup_minute", "rollup_hour"};

// Creates or migrates the schema to kSchemaVersion (several writers may start at once:
// the first does it, the others wait for it and find it done).
void migrate(pq::Conn& c);
// Checks that the database holds a sensorpipe schema this program can read; returns its version.
int check_schema(pq::Conn& c);

// The start of the partition holding ts.
TimeMs partition_start(TimeMs ts);
std::string partition_name(const std::string& table, TimeMs start);
// Makes the partition of `table` starting at `start` (CREATE TABLE, then ATTACH PARTITION,
// which takes only a SHARE UPDATE EXCLUSIVE lock on the parent: readers and writers go on).
// Another writer making the same partition at the same time is not an error.
void ensure_partition(pq::Conn& c, const std::string& table, TimeMs start);
// The starts of the partitions `table` has now (attached), ascending.
std::vector<TimeMs> partitions(pq::Conn& c, const std::string& table);
// Drops the partition of `table` starting at `start` (DETACH ... CONCURRENTLY, then DROP),
// and any partition a crash left detached. Must not be called inside a transaction.
void drop_partition(pq::Conn& c, const std::string& table, TimeMs start);

}  // namespace sensorpipe::store::postgres
