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
  CHECK_FALSE(parse_agg_list("avg,median", bad));
  CHECK(bad == "median");
  CHECK(parse_fill("previous") == Fill::Previous);
  CHECK_FALSE(parse_fill("zero"));
}
