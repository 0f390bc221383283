// Unit tests of lib/chart's rules: value ticks, time ticks in a zone (the zones themselves,
// store::TimeZone, are tested in tests/store/zone_test.cpp).
#include <catch2/catch.hpp>

#include <cfloat>

#include "chart/axes.h"
#include "chart/chart.h"
#include "core/errors.h"
#include "store/zone.h"

using namespace sensorpipe;
using namespace sensorpipe::chart;

namespace {
TimeMs at(const char* rfc3339) { return *parse_rfc3339(rfc3339); }
}  // namespace

TEST_CASE("value axis: nice steps that cover the data") {
  auto a = value_axis(0.3, 9.7, 5);
  CHECK(a.lo == 0);
  CHECK(a.hi == 10);
  CHECK(a.labels == std::vector<std::string>{"0", "2", "4", "6", "8", "10"});
  a = value_axis(-0.3, 0.7, 4);
  CHECK(a.labels == std::vector<std::string>{"-0.50", "-0.25", "0", "0.25", "0.50", "0.75"});
  a = value_axis(0, 2.6e6, 5);
  CHECK(a.labels == std::vector<std::string>{"0", "1M", "2M", "3M"});
  CHECK(value_axis(0, 1.2e6, 6).labels[1] == "0.2M");
}

TEST_CASE("value axis: one value, and values near the largest double") {
  auto a = value_axis(5, 5, 5);
  CHECK(a.lo < 5);
  CHECK(a.hi > 5);
  for (double v : {DBL_MAX, -DBL_MAX, 1e15, -1e-300}) {
    a = value_axis(v, v, 5);
    CHECK(a.lo < a.hi);
    CHECK(std::isfinite(a.lo));
    CHECK(std::isfinite(a.hi));
  }
  a = value_axis(-DBL_MAX, DBL_MAX, 6);
  CHECK(a.lo == -DBL_MAX);
  CHECK(a.hi == DBL_MAX);
  CHECK(a.ticks.size() >= 3);
  for (double t : a.ticks) CHECK(std::isfinite(t));
}

TEST_CASE("time ticks: local hours, midnights, months and years") {
  const auto berlin_zone = store::TimeZone::load("Europe/Berlin"), utc_zone = store::TimeZone::utc();
  const store::TimeZone &berlin = *berlin_zone, &utc = *utc_zone;
  // A day in Berlin, 6 ticks at most: every 6 local hours, the date under midnight.
  auto t = time_ticks(at("2026-11-29T23:00:00Z"), at("2026-11-30T23:00:00Z"), berlin, 6);
  REQUIRE(t.size() == 5);
  CHECK(t[0].at == at("2026-11-29T23:00:00Z"));
  CHECK(t[0].label == "00:00");
  CHECK(t[0].context == "Nov 30");
  CHECK(t[1].label == "06:00");
  CHECK(t[1].context.empty());
  CHECK(t[4].context == "Dec 1");
  // The spring-forward day has 23 hours; daily ticks stay on local midnights.
  t = time_ticks(at("2026-03-27T23:00:00Z"), at("2026-03-31T22:00:00Z"), berlin, 5);
  REQUIRE(t.size() == 5);
  CHECK(t[4].at == at("2026-03-31T22:00:00Z"));
  CHECK(t[1].at == at("2026-03-28T23:00:00Z"));
  CHECK(t[2].at == at("2026-03-29T22:00:00Z"));
  CHECK(t[2].label == "Mar 30");
  // A year: months, the year under January.
  t = time_ticks(at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z"), utc, 13);
  REQUIRE(t.size() == 13);
  CHECK(t[0].label == "Jan");
  CHECK(t[0].context == "2026");
  CHECK(t[12].context == "2027");
  // Decades: years.
  t = time_ticks(at("2000-01-01T00:00:00Z"), at("2030-06-01T00:00:00Z"), utc, 8);
  REQUIRE(!t.empty());
  CHECK(t[0].label == "2000");
  CHECK(t[1].label == "2005");
  // Minutes.
  t = time_ticks(at("2026-11-30T10:00:00Z"), at("2026-11-30T10:10:00Z"), utc, 6);
  REQUIRE(t.size() == 6);
  CHECK(t[1].label == "10:02");
}

TEST_CASE("series: bars keyed on the aggregate's name, one series per sensor and aggregate") {
  CHECK(is_amount(store::Agg::Sum));
  CHECK(is_amount(store::Agg::Count));
  CHECK_FALSE(is_amount(store::Agg::Avg));
  SeriesBuilder b({store::Agg::Avg, store::Agg::Sum}, Mark::Auto, {{"a", "W"}});
  store::Row r;
  r.sensor = "a";
  r.ts = 0;
  r.aggs = {Value{1.0}, Value{2.0}};
  b.add(r);
  r.sensor = "b";
  b.add(r);
  const auto s = b.take();
  REQUIRE(s.size() == 4);
  CHECK(s[0].label == "a avg");
  CHECK(s[0].mark == Mark::Line);
  CHECK(s[0].unit == "W");
  CHECK(s[1].mark == Mark::Bars);
  CHECK(s[3].label == "b sum");
  CHECK(s[3].unit.empty());
}

TEST_CASE("render: every format, even with no series") {
  ChartSpec spec;
  for (auto f : {ImageFormat::Png, ImageFormat::Svg, ImageFormat::Pdf}) {
    spec.format = f;
    const auto bytes = render(spec, {});
    REQUIRE(bytes.size() > 100);
    if (f == ImageFormat::Png) CHECK(bytes.compare(1, 3, "PNG") == 0);
    if (f == ImageFormat::Svg) CHECK(bytes.find("<svg") != std::string::npos);
    if (f == ImageFormat::Pdf) CHECK(bytes.compare(0, 5, "%PDF-") == 0);
  }
  // The axis zone: "" and "UTC" need no zone file, an unknown one is a usage error.
  spec.format = ImageFormat::Svg;
  spec.tz = "UTC";
  CHECK(render(spec, {}).size() > 100);
  spec.tz = "Mars/Base";
  CHECK_THROWS_AS(render(spec, {}), UsageError);
}
