// Axis ticks for charts: "nice" value steps and calendar-aware time steps in a zone.
//
// Pure functions over values; no drawing. Used by chart.cpp, kept apart so the rules
// (which steps exist, how labels read) are in one short place.
#pragma once
#include <string>
#include <vector>

#include "core/time.h"
#include "store/zone.h"

namespace sensorpipe::chart {

struct ValueAxis {
  double lo = 0, hi = 1;          // the axis ends (finite, lo < hi)
  std::vector<double> ticks;      // within [lo, hi]
  std::vector<std::string> labels;
};
// Ticks for data in [lo, hi] (finite; equal ends are padded), about `target` of them.
ValueAxis value_axis(double lo, double hi, int target);

struct TimeTick {
  TimeMs at = 0;
  std::string label;   // the time ("14:00", "Nov 30", "Nov", "2026")
  std::string context; // the larger unit when it changes ("Nov 30" under hours, the year under months), or ""
};
// Ticks in [from, to] at local boundaries of `zone` (seconds to centuries), at most
// `max_ticks` of them.
std::vector<TimeTick> time_ticks(TimeMs from, TimeMs to, const store::TimeZone& zone, int max_ticks);

}  // namespace sensorpipe::chart
