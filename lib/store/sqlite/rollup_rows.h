// Roll-up table rows (rollup_minute / rollup_hour) to and from Partial: the one
// mapping of the columns, shared by the writer and the query engine.
#pragma once
#include <cstdint>

#include "store/rollup.h"
#include "store/sqlite/sqlite.h"

namespace sensorpipe::store {

// Binds the key and kRollupColumns (store/rollup.h: sensor_id, bucket, count, ncount, sum,
// min, max, first_ts, first, last_ts, last, decreases, tw_sum, tw_ms) to parameters 1..14 of
// `s` (the last three NULL when the Partial's ordered summary is not known).
void bind_partial(sql::Stmt& s, std::int64_t sensor_id, TimeMs bucket, const Partial& p);
// Reads kRollupColumns (count..tw_ms) of a roll-up row, starting at column `c` (select NULL
// for decreases..tw_ms from a file older than schema version 3).
Partial read_partial(const sql::Stmt& s, int c);

}  // namespace sensorpipe::store
