// Unit tests of lib/watch: rule parsing, the state machine's edges, save/load.
#include <catch2/catch.hpp>

#include "core/errors.h"
#include "core/reading.h"
#include "watch/engine.h"
#include "watch/exec.h"
#include "watch/rules.h"

using namespace sensorpipe;
using namespace sensorpipe::watch;

namespace {

Reading reading(const std::string& sensor, TimeMs ts, double v) {
  Reading r;
  r.sensor = sensor;
  r.ts = ts;
  r.value = v;
  return r;
}

// The states of the events, in order.
std::string states(const std::vector<Reading>& events) {
  std::string s;
  for (const auto& e : events) s += (s.empty() ? "" : " ") + value_text(e.value);
  return s;
}

}  // namespace

TEST_CASE("rule flags") {
  const auto r = parse_rule_flag(Kind::Above, "home/freezer/*=-15,clear=-18,for=10m,name=freezer", 1, {});
  CHECK(r.name == "freezer");
  CHECK(r.pattern == "home/freezer/*");
  CHECK(r.limit == -15);
  CHECK(r.clear_at() == -18);
  CHECK(r.for_ms == 600'000);

  const auto m = parse_rule_flag(Kind::Stale, "lab/#=5m,message=lab sensor silent, call Bob", 3, {});
  CHECK(m.name == "stale-3");
  CHECK(m.after_ms == 300'000);
  REQUIRE(m.message);
  CHECK(*m.message == "lab sensor silent, call Bob");  // message takes the rest, commas included

  const auto rate = parse_rule_flag(Kind::Rate, "x=2/10s", 1, {});
  CHECK(rate.limit == 2);
  CHECK(rate.per_ms == 10'000);
  const auto c = parse_rule_flag(Kind::Consumption, "x=300/1d,unit=Wh", 1, {});
  CHECK(c.period_ms == 86'400'000);
  CHECK(c.unit == std::optional<std::string>("Wh"));

  CHECK_THROWS_AS(parse_rule_flag(Kind::Above, "x", 1, {}), UsageError);
  CHECK_THROWS_AS(parse_rule_flag(Kind::Above, "x=1,clear=2", 1, {}), UsageError);  // clear above an above limit
  CHECK_THROWS_AS(parse_rule_flag(Kind::Below, "x=1,clear=0", 1, {}), UsageError);
  CHECK_THROWS_AS(parse_rule_flag(Kind::Above, "x=1,after=5m", 1, {}), UsageError);  // not a key of above
  CHECK_THROWS_AS(parse_rule_flag(Kind::Above, "x=1,name=a/b", 1, {}), UsageError);  // '/' would split the alert's sensor
  CHECK_THROWS_AS(parse_rule_flag(Kind::Stale, "x=0s", 1, {}), UsageError);
}

TEST_CASE("rules files") {
  const auto rules = parse_rules_json(
      R"([{"kind":"above","sensor":"a","limit":1,"for":60},{"kind":"consumption","sensor":"b","limit":5,"period":"1h"}])",
      "f.json", 1, {});
  REQUIRE(rules.size() == 2);
  CHECK(rules[0].for_ms == 60'000);  // numbers are seconds
  CHECK(rules[1].period_ms == 3'600'000);
  CHECK_THROWS_WITH(parse_rules_json(R"({"rules":[{"kind":"above","sensor":"a","limit":1,"bogus":1}]})", "f.json", 1, {}),
                    Catch::Contains("f.json: rule 1: 'bogus' is not a setting"));
  CHECK_THROWS_AS(check_rules({}), UsageError);
}

TEST_CASE("hysteresis: a value between clear and limit changes nothing") {
  Engine e({parse_rule_flag(Kind::Above, "t=10,clear=5", 1, {})}, {}, 0);
  std::vector<Reading> ev;
  e.observe(reading("t", 1000, 11), 0, ev);
  e.observe(reading("t", 2000, 7), 0, ev);
  e.observe(reading("t", 3000, 11), 0, ev);
  e.observe(reading("t", 4000, 5), 0, ev);
  CHECK(states(ev) == "firing resolved");
}

TEST_CASE("a pending alert fires on the clock when its sensor reports only on change") {
  Engine e({parse_rule_flag(Kind::Leak, "flow=10s", 1, {})}, {}, 0);
  std::vector<Reading> ev;
  e.observe(reading("flow", 1'000'000, 2), 50'000, ev);
  e.tick(55'000, ev);
  CHECK(ev.empty());
  e.tick(60'000, ev);  // 10 s of the clock since the reading arrived
  REQUIRE(ev.size() == 1);
  CHECK(states(ev) == "firing");
  CHECK(ev[0].ts == 1'010'000);  // in the sensor's time
}

TEST_CASE("a stale sensor holds its pending alert and does not resolve a firing one") {
  Engine e({parse_rule_flag(Kind::Stale, "s=5s", 1, {}), parse_rule_flag(Kind::Above, "s=10,for=1m", 2, {}),
            parse_rule_flag(Kind::Below, "s=0", 3, {})},
           {}, 0);
  std::vector<Reading> ev;
  e.observe(reading("s", 0, 11), 0, ev);
  e.tick(6'000, ev);
  CHECK(states(ev) == "stale");
  e.tick(120'000, ev);  // the above rule's `for` ran out, but the sensor is silent
  CHECK(states(ev) == "stale");
  e.observe(reading("s", 130'000, 12), 130'000, ev);  // back: stale resolves, then the value decides
  CHECK(states(ev) == "stale resolved firing");
}

TEST_CASE("save and load keep what is firing and pending") {
  const std::vector<Rule> rules{parse_rule_flag(Kind::Above, "t=10,for=1m,name=hot", 1, {})};
  std::string saved;
  std::string id;
  {
    Engine e(rules, {}, 0);
    std::vector<Reading> ev;
    e.observe(reading("t", 0, 11), 0, ev);
    e.observe(reading("t", 60'000, 11), 0, ev);
    REQUIRE(states(ev) == "firing");
    e.observe(reading("u", 0, 1), 0, ev);  // watched by no rule: not kept
    CHECK(e.dirty());
    saved = e.save();
    CHECK_FALSE(e.dirty());
  }
  CHECK(saved.find("\"u\"") == std::string::npos);
  Engine e(rules, {}, 0);
  e.load(saved, 0);
  std::vector<Reading> ev;
  e.observe(reading("t", 120'000, 12), 0, ev);
  CHECK(ev.empty());  // already firing: not announced again
  e.observe(reading("t", 180'000, 9), 0, ev);
  CHECK(states(ev) == "resolved");
  CHECK(e.firing_count() == 0);
  CHECK_THROWS_AS(e.load("{\"version\":2}", 0), RuntimeError);
}

TEST_CASE("alert events as --exec variables") {
  const auto env = event_environment(R"({"sensor":"alerts/r/x","rule":"r","reading":1.5,"message":"a \"b\"\nc"})");
  REQUIRE(env.size() == 4);
  CHECK(env[0] == "SENSORWATCH_SENSOR=alerts/r/x");
  CHECK(env[2] == "SENSORWATCH_READING=1.5");
  CHECK(env[3] == "SENSORWATCH_MESSAGE=a \"b\"\nc");
}

TEST_CASE("no stale alert within the start-up grace period") {
  EngineOptions o;
  o.startup_grace = 60'000;
  Engine e({parse_rule_flag(Kind::Stale, "s=5s", 1, {})}, o, 1'000'000);
  std::vector<Reading> ev;
  e.observe(reading("s", 1'000'000, 1), 1'000'000, ev);
  e.tick(1'030'000, ev);  // silent for 30 s, but within the grace period
  CHECK(ev.empty());
  e.tick(1'060'000, ev);
  CHECK(states(ev) == "stale");
  CHECK(ev[0].ts == 1'060'000);
}
