// Unit tests of the bucket arithmetic shared by the roll-ups and every query path.
#include <catch2/catch.hpp>

#include "store/rollup.h"

using namespace sensorpipe;
using namespace sensorpipe::store;

TEST_CASE("floor_to and ceil_to handle negative times", "[store]") {
  CHECK(floor_to(59'999, kMinuteMs) == 0);
  CHECK(floor_to(60'000, kMinuteMs) == 60'000);
  CHECK(floor_to(-1, kMinuteMs) == -60'000);
  CHECK(ceil_to(1, kMinuteMs) == 60'000);
  CHECK(ceil_to(-60'000, kMinuteMs) == -60'000);
  CHECK(floor_to(kMinTimeMs, kHourMs) <= kMinTimeMs);
}

TEST_CASE("Partial counts all values and aggregates numbers and booleans", "[store]") {
  Partial p;
  p.add(2000, Value(3.0));
  p.add(1000, Value(true));
  p.add(3000, Value(std::string("on")));
  CHECK(p.count == 3);
  CHECK(p.ncount == 2);
  CHECK(std::get<double>(*p.get(Agg::Sum)) == 4.0);
  CHECK(std::get<double>(*p.get(Agg::Min)) == 1.0);
  CHECK(std::get<double>(*p.get(Agg::Max)) == 3.0);
  CHECK(std::get<double>(*p.get(Agg::Avg)) == 2.0);
  CHECK(std::get<bool>(*p.get(Agg::First)) == true);
  CHECK(std::get<std::string>(*p.get(Agg::Last)) == "on");
}

TEST_CASE("merging partials equals adding every value to one", "[store]") {
  Partial a, b, all;
  const double vals[] = {5, -2, 7.5, 0, 3};
  for (int i = 0; i < 5; ++i) {
    (i % 2 ? a : b).add(i * 10, Value(vals[i]));
    all.add(i * 10, Value(vals[i]));
  }
  Partial m = b;
  m.merge(a);
  CHECK(m.count == all.count);
  CHECK(m.min == all.min);
  CHECK(m.max == all.max);
  CHECK(m.sum == Approx(all.sum));
  CHECK(m.first_ts == all.first_ts);
  CHECK(m.last_ts == all.last_ts);
  CHECK(std::get<double>(m.first) == 5);
  CHECK(std::get<double>(m.last) == 3);
}

TEST_CASE("a bucket of string states has no numeric aggregates", "[store]") {
  Partial p;
  p.add(1, Value(std::string("off")));
  CHECK_FALSE(p.get(Agg::Avg));
  CHECK_FALSE(p.get(Agg::Max));
  CHECK(std::get<double>(*p.get(Agg::Count)) == 1);
}

TEST_CASE("aggregate and fill names", "[store]") {
  std::string bad;
  auto l = parse_agg_list("avg,min,last", bad);
  REQUIRE(l);
  CHECK(l->size() == 3);
  CHECK_FALSE(parse_agg_list("avg,mode", bad));
  CHECK(bad == "mode");
  CHECK(parse_fill("previous") == Fill::Previous);
  CHECK_FALSE(parse_fill("zero"));
}

TEST_CASE("the ordered summary survives merges in time order, not others", "[store]") {
  // 5, 3 (a decrease), "off" (holds nothing), 4, 4.5, then true (1, a decrease)
  const std::pair<TimeMs, Value> rs[] = {{0, Value(5.0)},     {10, Value(3.0)}, {30, Value(std::string("off"))},
                                         {60, Value(4.0)},    {70, Value(4.5)}, {100, Value(true)}};
  Partial all, a, b;
  for (int i = 0; i < 6; ++i) {
    all.add(rs[i].first, rs[i].second);
    (i < 3 ? a : b).add(rs[i].first, rs[i].second);
  }
  CHECK(all.ordered);
  CHECK(all.decreases == 2);
  CHECK(all.tw_ms == 10 + 20 + 10 + 30);
  CHECK(all.tw_sum == 5 * 10 + 3 * 20 + 4 * 10 + 4.5 * 30);
  Partial m = a;
  m.merge(b);
  CHECK(m.ordered);
  CHECK(m.decreases == all.decreases);
  CHECK(m.tw_ms == all.tw_ms);
  CHECK(m.tw_sum == all.tw_sum);
  Partial r = b;  // the earlier part merged into the later one
  r.merge(a);
  CHECK(r.ordered);
  CHECK(r.tw_sum == all.tw_sum);
  // interleaved parts, or a reading added out of order, lose it
  Partial x, y;
  x.add(0, Value(1.0));
  x.add(20, Value(2.0));
  y.add(10, Value(1.5));
  x.merge(y);
  CHECK_FALSE(x.ordered);
  Partial z;
  z.add_number(20, 1);
  z.add_number(10, 2);
  CHECK_FALSE(z.ordered);
}
