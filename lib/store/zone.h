// A time zone as a value: the UTC offset at an instant, which local date an instant falls
// on, and when a local date begins. Used for history queries whose buckets are whole
// local days (--tz) and for chart axes in local time (lib/chart). The one reader of the
// tz database's TZif files in the tree.
//
// A TimeZone is immutable once loaded, so one object may be shared between threads and
// queries; it never touches the process's TZ or the C library's zone state.
// How it fails: load() throws UsageError for a name that is not a zone of the tz database
// (also for a damaged file); from_tzif() and from_posix() return nullptr for bytes or
// text that are not a zone. Once made, no member fails or throws.
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
  // UTC itself, without reading any file.
  static std::shared_ptr<const TimeZone> utc();

  // Instants here are those of core/time.h (kMinTimeMs..kMaxTimeMs); far beyond them the
  // arithmetic below may overflow.
  // Offset east of UTC, in ms, in force at the UTC instant `utc`.
  virtual std::int64_t offset_at(TimeMs utc) const = 0;
  // The local wall-clock time at `utc`, as ms since the epoch as if local time were UTC.
  TimeMs to_local(TimeMs utc) const { return utc + offset_at(utc); }
  // The UTC instant of a local wall-clock time (same representation as to_local()). A
  // local time that happens twice (fall-back) gives the earlier instant; one that never
  // happens (a spring-forward gap) gives the instant the clock reads that much later
  // (Berlin's 02:30 on the spring-forward day gives 03:30 CEST). Device payloads without
  // an offset (Tasmota's "Time", mqtt-ingest --payload-tz) are read with this.
  TimeMs to_utc(TimeMs local) const;

  // The local calendar day (days since 1970-01-01) that instant `ts` falls on.
  virtual std::int64_t local_day(TimeMs ts) const = 0;
  // The first instant of local day `day`: local midnight, or the first local time after
  // it when midnight falls into a gap (a zone that moves its clocks at midnight).
  virtual TimeMs day_start(std::int64_t day) const = 0;
};

}  // namespace sensorpipe::store
