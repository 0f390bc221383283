// The SQL that computes PostgreSQL roll-up rows: minutes from raw rows, hours from minutes.
//
// One definition, used by the writer (recomputing the buckets a batch touched) and by the
// schema migration that added the ordered summary, so both give the same rows. Every
// column comes from store/rollup.h's kRollupColumns (one list) and means what Partial's
// field of that name means: count/ncount/sum/min/max/first/last as Partial::add gives them
// when the bucket's rows are added in ts order, and the ordered summary (decreases,
// tw_sum, tw_ms) exactly as Partial::add computes it (strings hold nothing and never
// count as a decrease; booleans are 0/1; a bucket's last reading holds nothing inside the
// bucket; sums run in time order). An hour is its minutes merged in time order, as
// Partial::merge does (the step from one minute's last reading to the next minute's
// first is added after the later minute's own sum); an hour with a minute whose summary
// is unknown (NULL) has an unknown summary.
// Plain strings, no I/O; thread-safe (built once).
#pragma once
#include <string>
#include <vector>

namespace sensorpipe::store::postgres {

// kRollupColumns split at the commas.
const std::vector<std::string>& rollup_columns();

// INSERT ... ON CONFLICT DO UPDATE of rollup_minute (rollup_hour) from the raw rows
// (the minutes) of the buckets $1::integer[] (sensor ids) x $2::bigint[] (bucket starts,
// epoch ms), pairwise. A bucket with no rows any more is left as it is. The caller holds
// the buckets' locks (see writer.cpp) so the rows it reads are final.
const std::string& upsert_minutes_sql();
const std::string& upsert_hours_sql();

// UPDATE statements that fill the ordered summary of the stored minutes (then hours)
// whose raw rows (minutes) are all still there, i.e. whose count equals theirs; the
// others keep NULL (unknown). For schema migration 1 -> 2.
const std::string& fill_minute_summary_sql();
const std::string& fill_hour_summary_sql();

}  // namespace sensorpipe::store::postgres
