// Local time in an IANA zone for chart axes, read from the system's TZif files.
//
// Why not the C library: localtime_r follows the process-wide TZ variable, and a library
// must not change the environment. A TimeZone is an immutable value after load(): any
// thread may use it. Times after the file's last transition (2037 in Debian's "fat"
// files) keep the last offset.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/time.h"

namespace sensorpipe::chart {

// A local civil time, as printed on an axis.
struct CivilTime {
  std::int64_t year = 1970;
  unsigned month = 1, day = 1, hour = 0, minute = 0, second = 0;
  unsigned weekday = 4;  // 0 = Sunday
};

class TimeZone {
 public:
  TimeZone() = default;  // UTC
  // "" and "UTC" give UTC; otherwise /usr/share/zoneinfo/NAME. Throws UsageError for an
  // unknown or malformed zone.
  static TimeZone load(const std::string& name);

  // Offset east of UTC, in ms, at the UTC instant `utc`.
  std::int64_t offset_at(TimeMs utc) const;
  // UTC instant of a local wall-clock time (ms since the epoch as if local were UTC). In a
  // gap or overlap of a DST change, one of the nearby instants.
  TimeMs to_utc(TimeMs local) const;
  TimeMs to_local(TimeMs utc) const { return utc + offset_at(utc); }
  CivilTime civil(TimeMs utc) const;

 private:
  std::vector<std::int64_t> transitions_;  // UTC seconds, ascending
  std::vector<std::int32_t> offsets_;      // offset (s) from each transition on
  std::int32_t initial_offset_ = 0;        // before the first transition
};

}  // namespace sensorpipe::chart
