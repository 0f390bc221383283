// Unit tests of the consumption rules: increase, integral, twa and percentiles, with their edges.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <vector>

#include "core/errors.h"
#include "store/consumption.h"

using namespace sensorpipe;
using namespace sensorpipe::store;

namespace {

constexpr TimeMs kMin = 60'000;
constexpr TimeMs kHour = 3'600'000;
constexpr TimeMs kDay = 24 * kHour;

struct Pt {
  TimeMs ts;
  Value v;
};

// Runs the accumulator over every bucket of width `w` from `from` to `to`.
std::vector<BucketFigures> buckets(const std::vector<Pt>& pts, TimeMs from, TimeMs to, TimeMs w,
                                   const ConsumptionOptions& o = {}) {
  SeriesAccumulator acc(o);
  std::size_t i = 0;
  for (; i < pts.size() && pts[i].ts < from; ++i) acc.carry_in(pts[i].ts, pts[i].v);
  std::vector<BucketFigures> out;
  for (TimeMs a = from; a < to; a += w) {
    acc.begin(a, a + w);
    for (; i < pts.size() && pts[i].ts < a + w; ++i) acc.add(pts[i].ts, pts[i].v);
    out.push_back(acc.end());
  }
  return out;
}

std::vector<double> deltas(CounterState& c, const std::vector<double>& vs, TimeMs step = kMin) {
  std::vector<double> out;
  TimeMs t = 0;
  for (double v : vs) {
    out.push_back(c.add(t, v).delta);
    t += step;
  }
  return out;
}

// A week of a minute counter with whole-number steps, dips, a reset and a long silence.
std::vector<Pt> week_counter() {
  std::vector<Pt> pts;
  double v = 1000;
  std::uint32_t seed = 12345;
  for (TimeMs t = 0; t < 7 * kDay; t += kMin) {
    if (t > 2 * kDay && t < 2 * kDay + 3 * kHour) continue;  // a 3-hour silence
    seed = seed * 1103515245u + 12345u;
    v += static_cast<double>((seed >> 16) % 4);
    if (t == 3 * kDay + 17 * kMin) v = 2;            // the meter was replaced
    double shown = v;
    if (t == 4 * kDay + 5 * kHour) shown = v - 10;  // a small dip, first of its 10-minute run
    if (t == 5 * kDay + 7 * kHour + 3 * kMin) shown = v - 10;  // and one inside a run
    pts.push_back({t, shown});
  }
  return pts;
}

}  // namespace

TEST_CASE("increase: steps, a reset counts the new value from 0", "[consumption]") {
  CounterState c;
  CHECK(deltas(c, {100, 110, 5, 8}) == std::vector<double>{0, 10, 5, 3});
}

TEST_CASE("increase: a dip within r counts 0 and the recovery is not counted twice", "[consumption]") {
  CounterState c;
  CHECK(deltas(c, {100, 95, 100, 103, 93}) == std::vector<double>{0, 0, 0, 3, 0});
  CHECK(c.high_water() == 103);
  // 93 is within 10 % of 103; 92 would not be
  CHECK(c.add(10 * kMin, 92).delta == 92);
}

TEST_CASE("increase: never negative", "[consumption]") {
  CounterState c;
  std::uint32_t seed = 7;
  double v = 50;
  for (int i = 0; i < 5000; ++i) {
    seed = seed * 1103515245u + 12345u;
    v += static_cast<double>(static_cast<int>((seed >> 16) % 21) - 10);
    CHECK(c.add(i * kMin, v).delta >= 0);
  }
}

TEST_CASE("increase: the simulator's daily usage seconds reset at midnight", "[consumption]") {
  // usage today: 3500 s by 23:59, then 0 at midnight, then 60 s of use
  std::vector<Pt> pts{{0, Value(3000.0)}, {23 * kHour + 59 * kMin, Value(3500.0)}, {kDay, Value(0.0)},
                      {kDay + kHour, Value(60.0)}};
  const auto b = buckets(pts, 0, 2 * kDay, kDay);
  CHECK(b[0].increase == 500);
  CHECK(b[0].partial);  // its first reading is the baseline
  CHECK(b[1].increase == 60);
  CHECK_FALSE(b[1].partial);
}

TEST_CASE("increase: a silence longer than the lookback is not bridged and marks the bucket partial", "[consumption]") {
  ConsumptionOptions o;
  o.lookback = 2 * kHour;
  std::vector<Pt> pts{{0, Value(10.0)}, {kHour, Value(20.0)}, {5 * kHour, Value(50.0)}, {6 * kHour, Value(55.0)}};
  const auto b = buckets(pts, 0, 8 * kHour, kHour, o);
  CHECK(b[1].increase == 10);
  CHECK(b[5].increase == 0);
  CHECK(b[5].partial);
  CHECK(b[6].increase == 5);
  CHECK_FALSE(b[6].partial);
  // an empty bucket more than the lookback after the last reading has no baseline
  CHECK(b[4].partial);
  CHECK(b[2].increase == 0);
  CHECK_FALSE(b[2].partial);
}

TEST_CASE("increase: the baseline comes from before the bucket", "[consumption]") {
  std::vector<Pt> pts{{-kMin, Value(7.0)}, {kMin, Value(9.5)}};
  const auto b = buckets(pts, 0, kHour, kHour);
  CHECK(b[0].increase == 2.5);
  CHECK_FALSE(b[0].partial);
  // without it the bucket is partial and its first reading counts nothing
  const auto c = buckets({{kMin, Value(9.5)}, {2 * kMin, Value(9.75)}}, 0, kHour, kHour);
  CHECK(c[0].increase == 0.25);
  CHECK(c[0].partial);
}

TEST_CASE("increase: days sum exactly to the week, hours to the days", "[consumption]") {
  const auto pts = week_counter();
  const auto week = buckets(pts, 0, 7 * kDay, 7 * kDay);
  const auto days = buckets(pts, 0, 7 * kDay, kDay);
  const auto hours = buckets(pts, 0, 7 * kDay, kHour);
  double d = 0, h = 0;
  for (const auto& b : days) d += b.increase;
  for (const auto& b : hours) h += b.increase;
  REQUIRE(week[0].increase > 0);
  CHECK(d == week[0].increase);
  CHECK(h == week[0].increase);
  // and the same for the integral of the same readings taken as a rate
  double dw = 0;
  for (const auto& b : days) dw += b.weighted;
  CHECK(dw == week[0].weighted);
}

TEST_CASE("roll-up runs give exactly what the raw readings give", "[consumption]") {
  const auto pts = week_counter();
  // one run per minute-of-ten (several readings each), raw readings where a run decreases
  SeriesAccumulator raw, rolled;
  std::size_t i = 0;
  int runs_used = 0, runs_raw = 0;
  for (TimeMs a = 0; a < 7 * kDay; a += kHour) {
    raw.begin(a, a + kHour);
    rolled.begin(a, a + kHour);
    for (TimeMs r = a; r < a + kHour; r += 10 * kMin) {
      RunBuilder rb;
      std::vector<Pt> in;
      for (; i < pts.size() && pts[i].ts < r + 10 * kMin; ++i) {
        raw.add(pts[i].ts, pts[i].v);
        rb.add(pts[i].ts, pts[i].v);
        in.push_back(pts[i]);
      }
      const auto s = rb.summary();
      if (s && s->decreases == 0) {
        rolled.add_run(*s);
        ++runs_used;
      } else {
        for (const auto& p : in) rolled.add(p.ts, p.v);
        if (!in.empty()) ++runs_raw;
      }
    }
    const auto x = raw.end(), y = rolled.end();
    CHECK(x.increase == y.increase);
    CHECK(x.partial == y.partial);
    CHECK(x.readings == y.readings);
    CHECK(x.weighted == y.weighted);
    CHECK(x.covered == y.covered);
  }
  CHECK(runs_used > 900);
  CHECK(runs_raw == 2);  // the reset and the dip inside a run
}

TEST_CASE("integral: LOCF, cut at bucket edges", "[consumption]") {
  // 1000 W from 00:00, 2000 W from 00:30 to 01:30, then 0
  std::vector<Pt> pts{{0, Value(1000.0)}, {30 * kMin, Value(2000.0)}, {90 * kMin, Value(0.0)}};
  const auto u = integral_unit(std::string("W"));
  CHECK(u.unit == "kWh");
  const auto b = buckets(pts, 0, 2 * kHour, kHour);
  CHECK(b[0].integral(u) == Approx(1.5));
  CHECK(b[1].integral(u) == Approx(1.0));
  // an on/off load: LOCF, not a trapezoid (which would add a ramp)
  std::vector<Pt> onoff{{0, Value(0.0)}, {10 * kMin, Value(3000.0)}, {20 * kMin, Value(0.0)}, {kHour, Value(0.0)}};
  CHECK(buckets(onoff, 0, kHour, kHour)[0].integral(u) == Approx(0.5));
}

TEST_CASE("integral: a silence longer than the gap is not bridged", "[consumption]") {
  ConsumptionOptions o;
  o.gap = 15 * kMin;
  std::vector<Pt> pts{{0, Value(60.0)}, {3 * kHour, Value(60.0)}};
  const auto u = integral_unit(std::string("L/min"));
  CHECK(u.unit == "L");
  const auto b = buckets(pts, 0, 4 * kHour, kHour, o);
  CHECK(b[0].integral(u) == Approx(900));  // 15 min at 60 L/min
  CHECK(b[1].integral(u) == 0);
  CHECK(b[3].integral(u) == Approx(900));
  CHECK(b[3].twa() == Approx(60));
  CHECK_FALSE(b[1].twa());  // nothing known
}

TEST_CASE("integral and twa: nothing is carried past the end limit", "[consumption]") {
  ConsumptionOptions o;
  o.end_limit = 10 * kMin;
  std::vector<Pt> pts{{0, Value(6000.0)}};
  const auto b = buckets(pts, 0, kHour, kHour, o);
  CHECK(b[0].integral(integral_unit(std::string("W"), std::string("Wh"))) == Approx(1000));
  CHECK(b[0].covered == 10 * kMin);
}

TEST_CASE("integral units", "[consumption]") {
  CHECK(integral_unit(std::string("W")).per_value_ms * 3.6e6 == Approx(1e-3));  // 1 W for 1 h = 0.001 kWh
  CHECK(integral_unit(std::string("W"), std::string("Wh")).per_value_ms * 3.6e6 == Approx(1));
  CHECK(integral_unit(std::string("kW")).per_value_ms * 3.6e6 == Approx(1));
  CHECK(integral_unit(std::string("W"), std::string("J")).per_value_ms * 1000 == Approx(1));
  CHECK(integral_unit(std::string("L/h")).per_value_ms * 3.6e6 == Approx(1));
  CHECK(integral_unit(std::string("L/s")).per_value_ms * 1000 == Approx(1));
  CHECK(integral_unit(std::string("m³/h")).unit == "m³");
  CHECK(integral_unit(std::string("m³/h"), std::string("L")).per_value_ms * 3.6e6 == Approx(1000));
  CHECK(integral_unit(std::string("°C")).unit == "°C·h");
  CHECK(integral_unit(std::nullopt).unit == "h");
  CHECK_THROWS_AS(integral_unit(std::string("W"), std::string("L")), UsageError);
  CHECK_THROWS_AS(integral_unit(std::string("L/min"), std::string("kWh")), UsageError);
}

TEST_CASE("twa: LOCF with the value carried in from before the bucket", "[consumption]") {
  std::vector<Pt> pts{{-10 * kMin, Value(0.0)}, {45 * kMin, Value(100.0)}};
  const auto b = buckets(pts, 0, kHour, kHour);
  CHECK(*b[0].twa() == Approx(25));
  CHECK(b[0].covered == kHour);
  // a single point without carry-in covers from its ts to the end of the bucket
  const auto s = buckets({{30 * kMin, Value(4.0)}}, 0, kHour, kHour);
  CHECK(*s[0].twa() == 4);
  CHECK(s[0].covered == 30 * kMin);
  // a single point at the end limit covers nothing
  ConsumptionOptions o;
  o.end_limit = 30 * kMin;
  CHECK_FALSE(buckets({{30 * kMin, Value(4.0)}}, 0, kHour, kHour, o)[0].twa());
}

TEST_CASE("twa of booleans is the fraction of time on; a string ends the held value", "[consumption]") {
  std::vector<Pt> pts{{0, Value(true)}, {6 * kMin, Value(false)}, {30 * kMin, Value(true)},
                      {36 * kMin, Value(std::string("unavailable"))}, {48 * kMin, Value(false)}};
  const auto b = buckets(pts, 0, kHour, kHour);
  CHECK(b[0].covered == 48 * kMin);  // 36..48 unknown
  CHECK(*b[0].twa() == Approx(12.0 / 48.0));
  CHECK(b[0].readings == 5);
  // strings do not touch the counter rule
  const auto c = buckets({{0, Value(1.0)}, {kMin, Value(std::string("x"))}, {2 * kMin, Value(3.0)}}, 0, kHour, kHour);
  CHECK(c[0].increase == 2);
}

TEST_CASE("percentiles: linear interpolation between closest ranks", "[consumption]") {
  std::vector<double> v{4, 1, 3, 2};
  CHECK(*percentile(v, 50) == 2.5);
  CHECK(*percentile(v, 90) == Approx(3.7));
  CHECK(*percentile(v, 0) == 1);
  CHECK(*percentile(v, 100) == 4);
  std::vector<double> one{7};
  CHECK(*percentile(one, 95) == 7);
  std::vector<double> none;
  CHECK_FALSE(percentile(none, 50));
  std::vector<double> w{10, 20, 30, 40, 50};
  const auto ps = percentiles(w, {50, 95, 99});
  CHECK(*ps[0] == 30);
  CHECK(*ps[1] == Approx(48));
  CHECK(*ps[2] == Approx(49.6));
}

TEST_CASE("percentile names", "[consumption]") {
  CHECK(*parse_percentile("median") == 50);
  CHECK(*parse_percentile("p95") == 95);
  CHECK(*parse_percentile("p99.9") == Approx(99.9));
  CHECK_FALSE(parse_percentile("p"));
  CHECK_FALSE(parse_percentile("p101"));
  CHECK_FALSE(parse_percentile("p-1"));
  CHECK_FALSE(parse_percentile("p5x"));
  CHECK_FALSE(parse_percentile("avg"));
}

TEST_CASE("series classes from kind, else unit", "[consumption]") {
  using S = std::optional<std::string>;
  CHECK(classify(S("energy"), S("kWh")) == SeriesClass::Counter);
  CHECK(classify(S("volume"), S("L")) == SeriesClass::Counter);
  CHECK(classify(S("usage"), S("s")) == SeriesClass::Counter);
  CHECK(classify(S("power"), S("W")) == SeriesClass::Rate);
  CHECK(classify(S("flow"), S("L/min")) == SeriesClass::Rate);
  CHECK(classify(std::nullopt, S("kWh")) == SeriesClass::Counter);
  CHECK(classify(std::nullopt, S("m³/h")) == SeriesClass::Rate);
  CHECK(classify(S("temperature"), S("°C")) == SeriesClass::Level);
  CHECK(classify(S("level"), S("L")) == SeriesClass::Level);
}

TEST_CASE("consumption options are checked", "[consumption]") {
  ConsumptionOptions o;
  CHECK_NOTHROW(validate(o));
  o.reset_ratio = 1;
  CHECK_THROWS_AS(validate(o), UsageError);
  o = {};
  o.gap = 0;
  CHECK_THROWS_AS(validate(o), UsageError);
}
