// Unit tests of time zones read from the tz database (TZif files and POSIX TZ rules).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>

#include "core/errors.h"
#include "store/zone.h"

using namespace sensorpipe;
using namespace sensorpipe::store;

namespace {
constexpr TimeMs kH = 3'600'000;
std::int64_t day_of(const char* date) { return *parse_rfc3339(date) / 86'400'000; }
TimeMs utc(const char* text) { return *parse_rfc3339(text); }
// Length of a local day in ms.
TimeMs length(const TimeZone& z, const char* date) {
  const auto d = day_of(date);
  return z.day_start(d + 1) - z.day_start(d);
}
}  // namespace

TEST_CASE("Europe/Berlin: local midnights and the 23- and 25-hour days", "[store][zone]") {
  const auto z = TimeZone::load("Europe/Berlin");
  CHECK(z->day_start(day_of("2026-01-15")) == utc("2026-01-14T23:00:00Z"));
  CHECK(z->day_start(day_of("2026-07-15")) == utc("2026-07-14T22:00:00Z"));
  CHECK(length(*z, "2026-03-29") == 23 * kH);
  CHECK(length(*z, "2026-10-25") == 25 * kH);
  CHECK(length(*z, "2026-10-26") == 24 * kH);
  CHECK(z->local_day(utc("2026-10-25T22:59:59.999Z")) == day_of("2026-10-25"));
  CHECK(z->local_day(utc("2026-10-25T23:00:00Z")) == day_of("2026-10-26"));
  // Past the file's last transition the footer rule (last Sundays of March and October) holds.
  CHECK(length(*z, "2100-03-28") == 23 * kH);
  CHECK(length(*z, "2100-10-31") == 25 * kH);
  // Before 1893 Berlin kept local mean time (+0:53:28).
  CHECK(z->day_start(day_of("1880-01-01")) == utc("1879-12-31T23:06:32Z"));
}

TEST_CASE("America/New_York: DST in March and November", "[store][zone]") {
  const auto z = TimeZone::load("America/New_York");
  CHECK(z->day_start(day_of("2026-03-08")) == utc("2026-03-08T05:00:00Z"));
  CHECK(length(*z, "2026-03-08") == 23 * kH);
  CHECK(length(*z, "2026-11-01") == 25 * kH);
  CHECK(z->local_day(utc("2026-11-02T04:59:00Z")) == day_of("2026-11-01"));
}

TEST_CASE("wall-clock times to instants (device payloads without an offset)", "[store][zone]") {
  const auto z = TimeZone::load("Europe/Berlin");
  const auto wall = [](const char* t) { return utc(t); };  // local date and time written as if UTC
  CHECK(z->offset_at(utc("2026-11-30T10:00:00Z")) == 1 * kH);
  CHECK(z->offset_at(utc("2026-07-01T10:00:00Z")) == 2 * kH);
  CHECK(z->to_utc(wall("2026-11-30T11:00:00Z")) == utc("2026-11-30T10:00:00Z"));
  CHECK(z->to_utc(wall("2026-07-01T11:00:00Z")) == utc("2026-07-01T09:00:00Z"));
  // Spring forward on 2026-03-29 at 02:00: 03:30 is summer time, 02:30 does not exist
  // and reads with the winter offset; the day after is plain summer time.
  CHECK(z->to_utc(wall("2026-03-29T03:30:00Z")) == utc("2026-03-29T01:30:00Z"));
  CHECK(z->to_utc(wall("2026-03-29T02:30:00Z")) == utc("2026-03-29T01:30:00Z"));
  CHECK(z->to_utc(wall("2026-03-30T10:00:00Z")) == utc("2026-03-30T08:00:00Z"));
  // Fall back on 2026-10-25 at 03:00: 02:30 happens twice, the first (summer) one is taken.
  CHECK(z->to_utc(wall("2026-10-25T02:30:00Z")) == utc("2026-10-25T00:30:00Z"));
  CHECK(z->to_utc(wall("2026-10-25T03:30:00Z")) == utc("2026-10-25T02:30:00Z"));
  const auto ny = TimeZone::load("America/New_York");
  CHECK(ny->to_utc(wall("2026-11-30T06:00:00Z")) == utc("2026-11-30T11:00:00Z"));
}

TEST_CASE("Australia/Lord_Howe: a 30-minute shift, southern summer", "[store][zone]") {
  const auto z = TimeZone::load("Australia/Lord_Howe");
  CHECK(z->day_start(day_of("2026-01-10")) == utc("2026-01-09T13:00:00Z"));   // +11
  CHECK(z->day_start(day_of("2026-06-10")) == utc("2026-06-09T13:30:00Z"));   // +10:30
  CHECK(length(*z, "2026-04-05") == 24 * kH + kH / 2);
  CHECK(length(*z, "2026-10-04") == 23 * kH + kH / 2);
  CHECK(length(*z, "2090-10-01") == 23 * kH + kH / 2);  // first Sunday of October, from the rule
}

TEST_CASE("Europe/Berlin: offsets and local times across daylight saving", "[store][zone]") {
  const auto z = TimeZone::load("Europe/Berlin");
  CHECK(z->offset_at(utc("2026-01-15T12:00:00Z")) == kH);
  CHECK(z->offset_at(utc("2026-07-15T12:00:00Z")) == 2 * kH);
  CHECK(z->offset_at(utc("2026-03-29T00:59:59.999Z")) == kH);
  CHECK(z->offset_at(utc("2026-03-29T01:00:00Z")) == 2 * kH);
  CHECK(z->offset_at(utc("2026-10-25T00:59:59.999Z")) == 2 * kH);
  CHECK(z->offset_at(utc("2026-10-25T01:00:00Z")) == kH);
  // Past 2037 (the file's last transition) the footer rule still moves the clocks.
  CHECK(z->offset_at(utc("2100-01-15T12:00:00Z")) == kH);
  CHECK(z->offset_at(utc("2100-07-15T12:00:00Z")) == 2 * kH);
  // Local civil time: 2026-11-30T23:30Z is 00:30 on Tuesday, December 1st in Berlin.
  const TimeMs local = z->to_local(utc("2026-11-30T23:30:00Z"));
  CHECK(local == utc("2026-12-01T00:30:00Z"));
  std::int64_t y;
  unsigned m, d;
  civil_from_days(local / 86'400'000, y, m, d);
  CHECK((y == 2026 && m == 12 && d == 1));
  CHECK(((local / 86'400'000) % 7 + 11) % 7 == 2);  // Tuesday (1970-01-01 was a Thursday)
}

TEST_CASE("to_utc: local wall-clock times back to instants, in gaps and overlaps", "[store][zone]") {
  const auto berlin = TimeZone::load("Europe/Berlin");
  CHECK(berlin->to_utc(utc("2026-01-15T12:00:00Z")) == utc("2026-01-15T11:00:00Z"));
  CHECK(berlin->to_utc(utc("2026-07-15T12:00:00Z")) == utc("2026-07-15T10:00:00Z"));
  CHECK(berlin->to_utc(utc("2026-03-29T00:00:00Z")) == utc("2026-03-28T23:00:00Z"));
  CHECK(berlin->to_utc(utc("2026-03-30T00:00:00Z")) == utc("2026-03-29T22:00:00Z"));
  // 02:30 never happens on the spring-forward day: 03:30 CEST, the clock moved on by the gap.
  CHECK(berlin->to_utc(utc("2026-03-29T02:30:00Z")) == utc("2026-03-29T01:30:00Z"));
  // 02:30 happens twice on the fall-back day: the first (CEST) one.
  CHECK(berlin->to_utc(utc("2026-10-25T02:30:00Z")) == utc("2026-10-25T00:30:00Z"));
  // West of Greenwich the same rules: New York's 02:30 gap is 03:30 EDT, 01:30 twice is EDT.
  const auto ny = TimeZone::load("America/New_York");
  CHECK(ny->to_utc(utc("2026-03-08T02:30:00Z")) == utc("2026-03-08T07:30:00Z"));
  CHECK(ny->to_local(utc("2026-03-08T07:30:00Z")) == utc("2026-03-08T03:30:00Z"));
  CHECK(ny->to_utc(utc("2026-11-01T01:30:00Z")) == utc("2026-11-01T05:30:00Z"));
  // Every local time that happens maps back to an instant with that local time.
  for (const auto& z : {berlin, ny, TimeZone::load("Australia/Lord_Howe")}) {
    int bad = 0;
    for (TimeMs t = utc("1990-01-01T00:00:00Z"); t < utc("2060-01-01T00:00:00Z"); t += 5 * kH + 7 * 60'000) {
      const TimeMs l = z->to_local(t);
      if (z->to_local(z->to_utc(l)) != l) ++bad;
    }
    CHECK(bad == 0);
  }
}

TEST_CASE("UTC: no offset, no file needed", "[store][zone]") {
  const auto z = TimeZone::utc();
  REQUIRE(z);
  CHECK(z->offset_at(utc("2026-07-15T12:00:00Z")) == 0);
  CHECK(z->to_utc(utc("2026-07-15T12:00:00Z")) == utc("2026-07-15T12:00:00Z"));
  CHECK(z->local_day(utc("2026-07-15T23:59:59.999Z")) == day_of("2026-07-15"));
  CHECK(z->day_start(day_of("2026-07-15")) == utc("2026-07-15T00:00:00Z"));
  CHECK(TimeZone::load("UTC")->offset_at(utc("2026-07-15T12:00:00Z")) == 0);
}

TEST_CASE("local days agree with the C library over many years", "[store][zone]") {
  // The C library reads the same files; this test process may set its own TZ.
  for (const char* name : {"Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata",
                           "America/Sao_Paulo", "Pacific/Apia", "Africa/Casablanca", "Europe/Dublin"}) {
    const auto z = TimeZone::load(name);
    ::setenv("TZ", name, 1);
    ::tzset();
    int bad = 0;
    for (TimeMs t = utc("1960-01-01T00:00:00Z"); t < utc("2060-01-01T00:00:00Z"); t += 7 * kH + 13 * 60'000) {
      const std::time_t s = static_cast<std::time_t>(t / 1000);
      std::tm tm{};
      ::localtime_r(&s, &tm);
      const auto want = days_from_civil(tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1),
                                        static_cast<unsigned>(tm.tm_mday));
      if (z->local_day(t) != want) ++bad;
      // The day's start is in the same local day, and a second earlier is not.
      const TimeMs start = z->day_start(want);
      if (start > t || z->local_day(start) != want || z->local_day(start - 1000) == want) ++bad;
    }
    INFO(name);
    CHECK(bad == 0);
  }
  ::unsetenv("TZ");
  ::tzset();
}

TEST_CASE("POSIX TZ rules on their own", "[store][zone]") {
  const auto ny = TimeZone::from_posix("EST5EDT,M3.2.0,M11.1.0");
  REQUIRE(ny);
  CHECK(length(*ny, "2030-03-10") == 23 * kH);
  const auto lh = TimeZone::from_posix("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0");
  REQUIRE(lh);
  CHECK(lh->day_start(day_of("2030-01-01")) == utc("2029-12-31T13:00:00Z"));
  const auto julian = TimeZone::from_posix("XST-2XDT,J60/0,J300/-1");  // J60 is March 1 also in leap years
  REQUIRE(julian);
  CHECK(length(*julian, "2028-03-01") == 23 * kH);
  const auto fixed = TimeZone::from_posix("<-03>3");
  REQUIRE(fixed);
  CHECK(fixed->day_start(day_of("2026-05-05")) == utc("2026-05-05T03:00:00Z"));
  CHECK_FALSE(TimeZone::from_posix("X1"));
  CHECK_FALSE(TimeZone::from_posix("CET-1CEST,M3.5.0/99999999999999999999999,M10.5.0"));
  CHECK_FALSE(TimeZone::from_posix("CET-1CEST,M13.1.0,M10.5.0"));
  CHECK_FALSE(TimeZone::from_tzif("not a zone file"));
}

TEST_CASE("unknown zones are usage errors", "[store][zone]") {
  CHECK_THROWS_AS(TimeZone::load("Mars/Base"), UsageError);
  CHECK_THROWS_AS(TimeZone::load("../../etc/passwd"), UsageError);
  CHECK_THROWS_AS(TimeZone::load("/etc/passwd"), UsageError);
  CHECK_THROWS_AS(TimeZone::load("Europe"), UsageError);   // a directory
  CHECK_THROWS_AS(TimeZone::load("zone.tab"), UsageError); // a file, not a zone
  CHECK_THROWS_AS(TimeZone::load(""), UsageError);
}

TEST_CASE("damaged zone files are refused, never read past their end", "[store][zone]") {
  std::ifstream in("/usr/share/zoneinfo/Europe/Berlin", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(bytes.size() > 100);
  REQUIRE(TimeZone::from_tzif(bytes));
  // Every cut of the file: parsed or refused, and what parses answers.
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const auto z = TimeZone::from_tzif(bytes.substr(0, n));
    if (z) CHECK(z->local_day(0) == 0);
  }
  // Bytes flipped one at a time in the headers and data (a fixed walk, so runs repeat).
  for (std::size_t i = 0; i < bytes.size(); i += 7) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    const auto z = TimeZone::from_tzif(bad);
    if (z) (void)z->day_start(20'000);
  }
}
