// A time zone as a value: which local date an instant falls on, and when a local date
// begins, for history queries whose buckets are whole local days (--tz).
//
// A TimeZone is immutable once loaded, so one object may be shared between threads and
// queries; it never touches the process's TZ or the C library's zone state.
// load() throws UsageError for a name that is not a zone of the tz database.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "core/time.h"

namespace sensorpipe::store {

class TimeZone {
 public:
  virtual ~TimeZone() = default;
  // An IANA zone name ("Europe/Berlin", "UTC") from the system's tz database.
  static std::shared_ptr<const TimeZone> load(const std::string& name);

  // The local calendar day (days since 1970-01-01) that instant `ts` falls on.
  virtual std::int64_t local_day(TimeMs ts) const = 0;
  // The first instant of local day `day`: local midnight, or the first local time after
  // it when midnight falls into a gap (a zone that moves its clocks at midnight).
  virtual TimeMs day_start(std::int64_t day) const = 0;
};

}  // namespace sensorpipe::store
