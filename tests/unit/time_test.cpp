// Timestamps and durations: parsing every accepted form, formatting, round trips.
#include <catch2/catch.hpp>

#include "core/time.h"

using namespace sensorpipe;

TEST_CASE("RFC 3339 with offsets is converted to UTC milliseconds") {
  CHECK(parse_rfc3339("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_rfc3339("2026-11-22T11:46:07.123Z") == 1795347967123LL);
  CHECK(parse_rfc3339("2026-11-22T12:46:07.123+01:00") == 1795347967123LL);
  CHECK(parse_rfc3339("2026-11-22T06:16:07.123-05:30") == 1795347967123LL);
  CHECK(parse_rfc3339("2026-11-22t11:46:07.123456789z") == 1795347967123LL);
  CHECK(parse_rfc3339("2026-11-22 11:46:07Z") == 1795347967000LL);
  CHECK(parse_rfc3339("2026-11-22") == 1795305600000LL);
}

TEST_CASE("malformed or impossible RFC 3339 times are rejected") {
  for (const char* bad : {"", "2026", "2026-13-01", "2026-02-30", "2025-02-29", "2026-11-22T25:00:00Z",
                          "2026-11-22T11:46:07", "2026-11-22T11:46:07.Z", "2026-11-22T11:46:07+1:00",
                          "2026-11-22T11:46:07Zjunk", "yesterday"}) {
    INFO(bad);
    CHECK_FALSE(parse_rfc3339(bad));
  }
}

TEST_CASE("leap days exist only in leap years") {
  CHECK(parse_rfc3339("2024-02-29T00:00:00Z"));
  CHECK(parse_rfc3339("2000-02-29T00:00:00Z"));
  CHECK_FALSE(parse_rfc3339("1900-02-29T00:00:00Z"));
  CHECK(format_rfc3339(*parse_rfc3339("2024-02-29T23:59:59.999Z")) == "2024-02-29T23:59:59.999Z");
}

TEST_CASE("formatting is UTC with milliseconds and round-trips") {
  CHECK(format_rfc3339(0) == "1970-01-01T00:00:00.000Z");
  CHECK(format_rfc3339(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(format_rfc3339(kMaxTimeMs) == "9999-12-31T23:59:59.999Z");
  for (TimeMs t : std::initializer_list<TimeMs>{0, 1, 951782400000, 1795347967123, -86400001, kMinTimeMs, kMaxTimeMs}) {
    INFO(t);
    CHECK(parse_rfc3339(format_rfc3339(t)) == t);
  }
}

TEST_CASE("epoch numbers: seconds unless above 1e11, then milliseconds") {
  CHECK(epoch_number_to_ms(1795347967.123) == 1795347967123LL);
  CHECK(epoch_number_to_ms(1795347967123.0) == 1795347967123LL);
  CHECK(epoch_number_to_ms(1e11) == 100000000000000LL);  // still seconds at exactly 1e11
  CHECK(epoch_number_to_ms(1e11 + 1) == 100000000001LL);
  CHECK(epoch_number_to_ms(1.001) == 1001);
  CHECK_FALSE(epoch_number_to_ms(1e300));
}

TEST_CASE("durations") {
  CHECK(parse_duration("250ms") == 250);
  CHECK(parse_duration("10s") == 10000);
  CHECK(parse_duration("5m") == 300000);
  CHECK(parse_duration("1h") == 3600000);
  CHECK(parse_duration("7d") == 604800000);
  CHECK(parse_duration("1h30m") == 5400000);
  CHECK(parse_duration("1.5s") == 1500);
  CHECK(parse_duration("30") == 30000);
  CHECK(parse_duration("2w") == 14 * 86400000LL);
  CHECK(parse_duration("90min") == 5400000);
  CHECK(parse_duration("5y") == 5 * 365 * 86400000LL);
  CHECK(parse_duration("1y2d") == 367 * 86400000LL);
  CHECK(parse_duration("0") == 0);
  CHECK(parse_duration("0.5ms") == 1);  // rounded to whole milliseconds
  CHECK(parse_duration("300000y") == 300000 * 365 * 86400000LL);
  for (const char* bad : {"", "5x", "-1s", "s", "1h 30m", "ms5", "5Y", "1yr", "y5", "400000y", "1e400s", "1s-1s"}) {
    INFO(bad);
    CHECK_FALSE(parse_duration(bad));
  }
}

TEST_CASE("time points: now, relative, absolute, epoch") {
  const TimeMs now = 1795347967123LL;
  CHECK(parse_time_point("now", now) == now);
  CHECK(parse_time_point("-2h", now) == now - 7200000);
  CHECK(parse_time_point("+30m", now) == now + 1800000);
  CHECK(parse_time_point("2026-11-22T00:00:00Z", now) == 1795305600000LL);
  CHECK(parse_time_point("1795347967", now) == 1795347967000LL);
  CHECK(parse_time_point("-1y", now) == now - 365 * 86400000LL);  // the same units as durations
  CHECK_FALSE(parse_time_point("-2x", now));
  CHECK_FALSE(parse_time_point("tomorrow", now));
}
