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
inline constexpr const char* kRollupColumns = "count,ncount,sum,min,max,first_ts,first,last_ts,last";

// Numbers as they are, booleans as 0/1, strings: none (they only count and can be first/last).
std::optional<double> numeric_value(const Value& v);

// The aggregate of a set of readings of one sensor.
struct Partial {
  std::int64_t count = 0;   // all readings
  std::int64_t ncount = 0;  // readings with a numeric value
  double sum = 0, min = 0, max = 0;  // meaningful when ncount > 0
  TimeMs first_ts = 0, last_ts = 0;  // meaningful when count > 0
  Value first, last;

  bool empty() const { return count == 0; }
  void add(TimeMs ts, const Value& v);
  void add_number(TimeMs ts, double v);  // the same as add(ts, Value(v)), without building a Value
  void merge(const Partial& o);
  // The value of one aggregate, nullopt when the bucket has no data for it.
  std::optional<Value> get(Agg a) const;
};

// Floor of ts to a multiple of `width` counted from `origin` (also for negative ts).
TimeMs floor_to(TimeMs ts, TimeMs width, TimeMs origin = 0);
// Smallest multiple >= ts.
TimeMs ceil_to(TimeMs ts, TimeMs width, TimeMs origin = 0);

}  // namespace sensorpipe::store
