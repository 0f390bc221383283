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
  // An IANA zone name ("Europe/Berlin", "UTC") from the system's tz database
  // (/usr/share/zoneinfo, Debian's tzdata).
  static std::shared_ptr<const TimeZone> load(const std::string& name);
  // The same from a TZif file's bytes (RFC 8536, version 2 or later for instants past
  // 2037), and from a POSIX TZ rule alone ("CET-1CEST,M3.5.0,M10.5.0/3"); nullptr when
  // the text is not one.
  static std::shared_ptr<const TimeZone> from_tzif(const std::string& bytes);
  static std::shared_ptr<const TimeZone> from_posix(const std::string& rule);

  // The local calendar day (days since 1970-01-01) that instant `ts` falls on.
  virtual std::int64_t local_day(TimeMs ts) const = 0;
  // The first instant of local day `day`: local midnight, or the first local time after
  // it when midnight falls into a gap (a zone that moves its clocks at midnight).
  virtual TimeMs day_start(std::int64_t day) const = 0;
  // The zone's offset from UTC at instant `ts`, in milliseconds (east positive).
  virtual TimeMs utc_offset(TimeMs ts) const = 0;
  // The instant a wall-clock time in this zone names; `wall` is that local date and
  // time counted as if it were UTC (device payloads such as Tasmota's "Time" carry no
  // offset). A time the clocks skip reads with the offset before the change, a repeated
  // one as its first occurrence.
  TimeMs from_wall_clock(TimeMs wall) const;
};

}  // namespace sensorpipe::store
