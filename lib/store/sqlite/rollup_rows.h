// Roll-up table rows (rollup_minute / rollup_hour) to and from Partial: the one
// mapping of the columns, shared by the writer and the query engine.
#pragma once
#include <cstdint>

#include "store/rollup.h"
#include "store/sqlite/sqlite.h"

namespace sensorpipe::store {

// Binds (sensor_id, bucket, count, ncount, sum, min, max, first_ts, first, last_ts, last)
// to parameters 1..11 of `s`.
void bind_partial(sql::Stmt& s, std::int64_t sensor_id, TimeMs bucket, const Partial& p);
// Reads the columns count..last of a roll-up row, starting at column `c`.
Partial read_partial(const sql::Stmt& s, int c);

}  // namespace sensorpipe::store
