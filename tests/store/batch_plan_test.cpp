// Unit tests of the backend-neutral batch plan: dictionary, key order, last write wins, roll-up deltas.
#include <catch2/catch.hpp>

#include <map>
#include <tuple>

#include "store/batch_plan.h"

using namespace sensorpipe;
using namespace sensorpipe::store;

namespace {
Reading reading(const std::string& sensor, TimeMs ts, Value v, std::string extra = {}) {
  Reading r;
  r.sensor = sensor;
  r.ts = ts;
  r.value = std::move(v);
  r.extra = std::move(extra);
  return r;
}

// A resolver that hands out ids 100, 101, ... and records what it was asked.
struct Ids {
  std::vector<std::string> asked;
  SensorDictionary::Resolve fn() {
    return [this](const std::string& name) {
      asked.push_back(name);
      return static_cast<std::int64_t>(100 + asked.size() - 1);
    };
  }
};
}  // namespace

TEST_CASE("the batch plan orders by sensor then ts, later input last", "[store]") {
  SensorDictionary dict;
  Ids ids;
  const std::vector<Reading> batch{reading("b", 30, 1.0), reading("a", 20, 2.0), reading("b", 10, 3.0),
                                   reading("a", 20, 4.0), reading("a", 5, 5.0)};
  BatchPlan plan;
  plan.build(batch, dict, ids.fn());
  CHECK(ids.asked == std::vector<std::string>{"b", "a"});  // each new name resolved once, in input order
  const auto& e = plan.entries();
  REQUIRE(e.size() == 5);
  // "b" was seen first (index 0), so its group comes first.
  CHECK(e[0].sid == 100);
  CHECK(e[0].ts == 10);
  CHECK(e[1].ts == 30);
  CHECK(e[2].sid == 101);
  CHECK(e[2].ts == 5);
  CHECK(e[3].ts == 20);
  CHECK(e[3].idx == 1);
  CHECK(e[4].ts == 20);
  CHECK(e[4].idx == 3);
  CHECK(plan.superseded(3) == BatchPlan::Superseded::Replaced);  // 2.0 then 4.0: the later one wins
  CHECK(plan.superseded(4) == BatchPlan::Superseded::No);
  CHECK(plan.superseded(0) == BatchPlan::Superseded::No);
}

TEST_CASE("an identical repeat inside a batch is a duplicate, a change of extra fields a replacement", "[store]") {
  SensorDictionary dict;
  Ids ids;
  const std::vector<Reading> batch{reading("s", 1, true), reading("s", 1, true), reading("s", 1, true, "\"r\":1")};
  BatchPlan plan;
  plan.build(batch, dict, ids.fn());
  CHECK(plan.superseded(0) == BatchPlan::Superseded::Duplicate);
  CHECK(plan.superseded(1) == BatchPlan::Superseded::Replaced);
  CHECK(plan.superseded(2) == BatchPlan::Superseded::No);
  CHECK(plan.entries()[0].kind == 1);
  CHECK(plan.entries()[0].num == 1.0);
}

TEST_CASE("the dictionary keeps the latest unit and kind and widens first/last seen", "[store]") {
  SensorDictionary dict;
  SensorState known;
  known.id = 7;
  known.unit = "C";
  dict.load("known", known);
  Ids ids;
  auto r1 = reading("known", 50, 1.0);
  r1.unit = "K";
  auto r2 = reading("known", 40, 2.0);
  r2.unit = "F";
  r2.kind = "temperature";
  BatchPlan plan;
  plan.build({r1, r2}, dict, ids.fn());
  CHECK(ids.asked.empty());
  CHECK(dict[0].unit == "F");
  CHECK(dict[0].kind == "temperature");
  CHECK(dict[0].dirty);
  dict.saw(0, 50);
  dict.saw(0, 40);
  CHECK(*dict[0].first_seen == 40);
  CHECK(*dict[0].last_seen == 50);
}

TEST_CASE("the walk skips what the batch supersedes and what is too old, and widens first/last seen", "[store]") {
  SensorDictionary dict;
  Ids ids;
  // "a": ts 10 twice alike (duplicate), ts 20 then another value (replaced), ts 5 too old;
  // "b": one row.
  const std::vector<Reading> batch{reading("a", 10, 1.0), reading("a", 20, 2.0), reading("b", 30, std::string("on")),
                                   reading("a", 10, 1.0), reading("a", 20, 3.0), reading("a", 5, 4.0)};
  BatchPlan plan;
  plan.build(batch, dict, ids.fn());
  WriteStats st;
  std::vector<std::tuple<std::string, TimeMs, std::uint32_t>> stored;  // sensor, ts, input position
  plan.walk(8, dict, st, [&](std::size_t k, const BatchEntry& e, const Reading& r) {
    CHECK(&plan.entries()[k] == &e);
    CHECK(&batch[e.idx] == &r);
    stored.emplace_back(r.sensor, e.ts, e.idx);
  });
  using Row = std::tuple<std::string, TimeMs, std::uint32_t>;
  CHECK(stored == std::vector<Row>{Row{"a", 10, 3}, Row{"a", 20, 4}, Row{"b", 30, 2}});  // key order, later input wins
  CHECK(st.duplicates == 1);
  CHECK(st.replaced == 1);
  CHECK(st.expired == 1);
  CHECK(st.inserted == 0);  // the backend's callback decides what is new
  CHECK(*dict[0].first_seen == 10);  // not 5: the expired row is not stored
  CHECK(*dict[0].last_seen == 20);
  CHECK(*dict[1].first_seen == 30);
  CHECK(dict[1].dirty);
}

TEST_CASE("roll-up deltas: minutes merge into hours, a replaced value makes both dirty", "[store]") {
  RollupDeltas d;
  // sensor 1: two new rows in minute 0, one in minute 1 (same hour); a replacement in hour 1.
  d.add_new({1, 1'000, 2.0, 0, 0, 0, false}, Value(2.0));
  d.add_new({1, 2'000, 4.0, 1, 0, 0, false}, Value(4.0));
  d.add_new({1, kMinuteMs + 5, 0.0, 2, 0, 2, false}, Value(std::string("on")));
  d.add_replaced(1, kHourMs + 10);
  d.add_new({1, kHourMs + 20, 9.0, 3, 0, 0, false}, Value(9.0));
  // sensor 2: one row.
  d.add_new({2, 0, 1.0, 4, 1, 1, false}, Value(true));
  std::vector<MinuteDelta> minutes;
  std::vector<std::tuple<std::int64_t, TimeMs, Partial, bool>> hours;
  d.apply([&](const MinuteDelta& m) { minutes.push_back(m); },
          [&](std::int64_t sid, TimeMs h, const Partial& p, bool dirty) { hours.emplace_back(sid, h, p, dirty); });
  REQUIRE(minutes.size() == 4);
  CHECK(minutes[0].bucket == 0);
  CHECK(minutes[0].delta.count == 2);
  CHECK(minutes[0].delta.sum == 6.0);
  CHECK(minutes[1].bucket == kMinuteMs);
  CHECK(minutes[1].delta.ncount == 0);
  CHECK(minutes[2].bucket == kHourMs);
  CHECK(minutes[2].dirty);
  CHECK(minutes[3].sid == 2);
  REQUIRE(hours.size() == 3);
  CHECK(std::get<0>(hours[0]) == 1);
  CHECK(std::get<2>(hours[0]).count == 3);
  CHECK_FALSE(std::get<3>(hours[0]));
  CHECK(std::get<1>(hours[1]) == kHourMs);
  CHECK(std::get<3>(hours[1]));
  CHECK(std::get<0>(hours[2]) == 2);
  CHECK(std::get<double>(*std::get<2>(hours[2]).get(Agg::Sum)) == 1.0);
}
