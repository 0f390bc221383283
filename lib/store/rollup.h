// Aggregation of readings into buckets: the one definition of count/sum/min/max/first/last
// used by the writer's roll-ups and by every query path, so they cannot disagree.
//
// Plain values, no I/O, thread-compatible.
#pragma once
#include <cstdint>
#include <optional>

#include "core/reading.h"
#include "store/query.h"

namespace sensorpipe::store {

inline constexpr TimeMs kMinuteMs = 60'000;
inline constexpr TimeMs kHourMs = 3'600'000;

// The columns of a roll-up row (per-minute and per-hour tables of every backend) after
// its key (sensor_id, bucket): Partial's fields, in the order backends bind and read them.
// The one list; backends build their statements from it.
inline constexpr const char* kRollupKeyColumns = "sensor_id,bucket";
// decreases/tw_sum/tw_ms are Partial's ordered summary (NULL when not known; schema v3).
inline constexpr const char* kRollupColumns =
    "count,ncount,sum,min,max,first_ts,first,last_ts,last,decreases,tw_sum,tw_ms";

// Numbers as they are, booleans as 0/1, strings: none (they only count and can be first/last).
std::optional<double> numeric_value(const Value& v);

// The aggregate of a set of readings of one sensor.
struct Partial {
  std::int64_t count = 0;   // all readings
  std::int64_t ncount = 0;  // readings with a numeric value
  double sum = 0, min = 0, max = 0;  // meaningful when ncount > 0
  TimeMs first_ts = 0, last_ts = 0;  // meaningful when count > 0
  Value first, last;
  // The order-dependent summary the consumption aggregates need (store/consumption.h), over
  // consecutive readings: how many times a numeric value was followed by a smaller one, and
  // Σ v·dt / Σ dt of each numeric value up to the next reading (a string holds nothing).
  // Exact only when readings are added in ts order and parts merged in time order (one
  // wholly before the other); otherwise `ordered` is false and these fields mean nothing.
  std::int64_t decreases = 0;
  double tw_sum = 0;
  TimeMs tw_ms = 0;
  bool ordered = true;

  bool empty() const { return count == 0; }
  void add(TimeMs ts, const Value& v);
  void add_number(TimeMs ts, double v);  // the same as add(ts, Value(v)), without building a Value
  void merge(const Partial& o);  // any order; the ordered summary survives only a merge in time order
  // The value of one aggregate, nullopt when the bucket has no data for it.
  std::optional<Value> get(Agg a) const;
};

// Floor of ts to a multiple of `width` counted from `origin` (also for negative ts).
TimeMs floor_to(TimeMs ts, TimeMs width, TimeMs origin = 0);
// Smallest multiple >= ts.
TimeMs ceil_to(TimeMs ts, TimeMs width, TimeMs origin = 0);

}  // namespace sensorpipe::store
