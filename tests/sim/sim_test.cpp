// Unit tests of lib/sim: random streams, signal models, actuators, sensor specs,
// the household, faults, formatting, pacing and the run loop.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <set>
#include <sstream>

#include "core/errors.h"
#include "sim/faults.h"
#include "sim/household.h"
#include "sim/pacing.h"
#include "sim/runner.h"
#include "sim/sensor_spec.h"
#include "sim/state.h"

using namespace sensorpipe;
using namespace sensorpipe::sim;

namespace {
const TimeMs kJan1 = *parse_rfc3339("2026-01-01T00:00:00Z");

double num(const Value& v) { return std::get<double>(v); }

// Runs a back-fill into a temporary file and returns its lines.
std::vector<std::string> backfill(Scenario& sc, TimeMs from, TimeMs to, FaultRates faults = {},
                                  std::optional<std::uint64_t> count = std::nullopt) {
  FILE* tmp = std::tmpfile();
  REQUIRE(tmp);
  {
    LineWriter out(fileno(tmp), LineWriter::Policy::Batched);
    Diagnostics diag("test");
    RunIo io;
    io.out = &out;
    io.out_fd = -1;
    io.diag = &diag;
    RunOptions opt;
    opt.backfill = true;
    opt.from = from;
    opt.to = to;
    opt.faults = faults;
    opt.seed = 7;
    opt.count = count;
    run(sc, opt, io);
  }
  std::rewind(tmp);
  std::vector<std::string> lines;
  std::string line;
  int c;
  while ((c = std::fgetc(tmp)) != EOF) {
    if (c == '\n') {
      lines.push_back(line);
      line.clear();
    } else {
      line += static_cast<char>(c);
    }
  }
  std::fclose(tmp);
  return lines;
}

Scenario house(std::uint64_t seed, TimeMs period = 60000, std::string prefix = "house{n}", int n = 1) {
  Scenario sc;
  add_household(sc, {n, prefix, seed});
  sc.set_default_period(period * 1000000);
  return sc;
}
}  // namespace

TEST_CASE("random streams are fixed by seed and name") {
  Rng a(1, "x"), b(1, "x"), c(1, "y"), d(2, "x");
  bool differs_c = false, differs_d = false;
  for (int i = 0; i < 100; ++i) {
    const auto va = a.next(), vc = c.next(), vd = d.next();
    CHECK(va == b.next());
    differs_c |= va != vc;
    differs_d |= va != vd;
  }
  CHECK(differs_c);
  CHECK(differs_d);
  Rng u(3);
  for (int i = 0; i < 1000; ++i) {
    const double x = u.uniform();
    CHECK((x >= 0 && x < 1));
  }
}

TEST_CASE("normal draws have mean 0 and standard deviation 1") {
  Rng r(9);
  double sum = 0, squares = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double x = r.normal();
    sum += x;
    squares += x * x;
  }
  CHECK(std::abs(sum / n) < 0.01);
  CHECK(std::sqrt(squares / n) == Approx(1).epsilon(0.02));
}

TEST_CASE("an on/off process integrates its level and counts usage per day") {
  OnOffParams p;
  p.level = 1000;
  OnOff load(p, Rng(1), OnOff::Mode::ForcedOn);
  load.advance(kJan1 - kHourMs);  // 23:00
  load.advance(kJan1 + kHourMs);  // 01:00 next day
  CHECK(load.integral() / 3.6e9 == Approx(2.0));  // 2 h at 1 kW = 2 kWh
  CHECK(load.on_ms_today() == Approx(3600000.0));  // reset at midnight
  load.set_mode(OnOff::Mode::ForcedOff);
  load.advance(kJan1 + 2 * kHourMs);
  CHECK(load.integral() / 3.6e9 == Approx(2.0));
}

TEST_CASE("automatic appliances switch on and off, and their energy never decreases") {
  OnOffParams p;
  p.level = 120;
  p.on_min = 10 * 60000;
  p.on_max = 20 * 60000;
  p.starts_per_hour = 2;
  auto load = std::make_shared<OnOff>(p, Rng(5));
  TotalSum energy({load}, 0, 1 / 3.6e9, 10);
  Value v;
  double last = -1;
  int switches = 0;
  bool was_on = false;
  for (TimeMs t = kJan1; t < kJan1 + kDayMs; t += 60000) {
    energy.sample(t, v);
    CHECK(num(v) >= last);
    last = num(v);
    switches += load->on() != was_on;
    was_on = load->on();
  }
  CHECK(switches > 20);
  CHECK(last > 10.3);  // about a third of the day at 120 W: ~1 kWh
  CHECK(last < 12);
}

TEST_CASE("waves follow their daily cycle and stay within bounds") {
  Wave w(WaveParams{20, 3, 15, 0, 0}, Rng(1));
  Value v;
  w.sample(kJan1 + 15 * kHourMs, v);
  CHECK(num(v) == Approx(23));
  w.sample(kJan1 + 27 * kHourMs, v);
  CHECK(num(v) == Approx(17));
  Wave clamped(WaveParams{50, 0, 0, 30, 30, 0, 100}, Rng(2));
  for (TimeMs t = kJan1; t < kJan1 + kDayMs; t += 60000) {
    clamped.sample(t, v);
    CHECK((num(v) >= 0 && num(v) <= 100));
  }
}

TEST_CASE("daylight is dark at night and bright at noon") {
  Daylight d(400, 0, Rng(1));
  Value v;
  d.sample(kJan1 + 2 * kHourMs, v);
  CHECK(num(v) == 0);
  d.sample(kJan1 + 13 * kHourMs, v);
  CHECK(num(v) > 50);
}

TEST_CASE("brightness accepts fractions, percentages and on/off") {
  Brightness b(0);
  std::string error;
  CHECK(b.command(0.7, error));
  CHECK(b.percent() == Approx(70));
  CHECK(b.command(55.0, error));
  CHECK(b.percent() == Approx(55));
  CHECK(b.command(std::string("on"), error));
  CHECK(b.percent() == 100);
  CHECK(b.command(false, error));
  CHECK(b.percent() == 0);
  CHECK_FALSE(b.command(150.0, error));
  CHECK(error.find("0..100") != std::string::npos);
  CHECK_FALSE(b.command(std::string("dim"), error));
  CHECK(b.percent() == 0);
}

TEST_CASE("a relay switches its load") {
  OnOffParams p;
  p.level = 1500;
  auto load = std::make_shared<OnOff>(p, Rng(1), OnOff::Mode::ForcedOff);
  Relay relay(false, load);
  LevelSum power({load}, 0, 0, Rng(2));
  Value v;
  power.sample(kJan1, v);
  CHECK(num(v) == 0);
  std::string error;
  REQUIRE(relay.command(std::string("on"), error));
  power.sample(kJan1 + 1000, v);
  CHECK(num(v) == 1500);
  relay.sample(kJan1 + 1000, v);
  CHECK(std::get<std::string>(v) == "on");
  CHECK_FALSE(relay.command(0.5, error));
  REQUIRE(relay.command(false, error));
  power.sample(kJan1 + 2000, v);
  CHECK(num(v) == 0);
}

TEST_CASE("command targets replace the last part of the sensor name") {
  CHECK(command_target("home/led/brightness") == "home/led/set");
  CHECK(command_target("house2/heater/relay") == "house2/heater/set");
  CHECK(command_target("lamp") == "lamp/set");
}

TEST_CASE("sensor specs from the command line") {
  auto s = parse_sensor_spec("lab/t1:temperature:1s:mean=20,amp=3");
  CHECK(s.name == "lab/t1");
  CHECK(s.kind == "temperature");
  CHECK(s.period_ms == 1000);
  REQUIRE(s.params.size() == 2);
  CHECK(s.params[1] == std::pair<std::string, std::string>("amp", "3"));
  CHECK(parse_sensor_spec("a:gauge").period_ms == 0);
  CHECK(parse_sensor_spec("a:gauge::unit=V").params.size() == 1);
  CHECK_THROWS_AS(parse_sensor_spec("justaname"), UsageError);
  CHECK_THROWS_AS(parse_sensor_spec("a:gauge:soon"), UsageError);
  CHECK_THROWS_AS(parse_sensor_spec("a:gauge:1s:novalue"), UsageError);
  CHECK_THROWS_AS(parse_sensor_spec("a/+/b:gauge:1s"), UsageError);
  Scenario sc;
  CHECK_THROWS_WITH(add_generic_sensor(sc, parse_sensor_spec("a:nope:1s"), 1), Catch::Contains("unknown kind"));
  CHECK_THROWS_WITH(add_generic_sensor(sc, parse_sensor_spec("a:motion:1s:mean=3"), 1),
                    Catch::Contains("has no parameter 'mean'"));
  CHECK_THROWS_WITH(add_generic_sensor(sc, parse_sensor_spec("a:temperature:1s:mean=warm"), 1),
                    Catch::Contains("must be a number"));
  add_generic_sensor(sc, parse_sensor_spec("a:temperature:1s"), 1);
  CHECK_THROWS_WITH(add_generic_sensor(sc, parse_sensor_spec("a:humidity:1s"), 1), Catch::Contains("twice"));
}

TEST_CASE("sensor specs from a JSON config") {
  auto specs = parse_sensor_config(
      R"({"sensors":[{"name":"lab/t1","kind":"temperature","period":"2s","mean":19.5},{"name":"lab/n","kind":"counter","rate":3}]})",
      "c.json");
  REQUIRE(specs.size() == 2);
  CHECK(specs[0].period_ms == 2000);
  CHECK(specs[0].params.size() == 1);
  CHECK(specs[0].params[0].second == "19.5");
  CHECK(specs[1].period_ms == 0);
  CHECK(parse_sensor_config(R"([{"name":"x","kind":"gauge"}])", "c.json").size() == 1);
  CHECK_THROWS_WITH(parse_sensor_config("{", "c.json"), Catch::Contains("c.json: not valid JSON"));
  CHECK_THROWS_WITH(parse_sensor_config(R"({"sensor":[]})", "c.json"), Catch::Contains("unknown key"));
  CHECK_THROWS_WITH(parse_sensor_config(R"([{"kind":"gauge"}])", "c.json"), Catch::Contains("missing \"name\""));
  CHECK_THROWS_WITH(parse_sensor_config(R"([{"name":"x","kind":"gauge","mean":[1]}])", "c.json"),
                    Catch::Contains("string or a number"));
}

TEST_CASE("every generic kind produces readings of its kind") {
  Scenario sc;
  for (const auto& kind : sensor_kinds()) add_generic_sensor(sc, parse_sensor_spec("g/" + kind + ":" + kind + ":1m"), 3);
  const auto lines = backfill(sc, kJan1, kJan1 + kDayMs);
  CHECK(lines.size() == sensor_kinds().size() * 1440);
  ReadingParser parser;
  Reading r;
  std::string error;
  for (const auto& l : lines) {
    REQUIRE(parser.parse(l, 0, r, error));
    CHECK(r.kind == r.sensor.substr(2));
  }
}

TEST_CASE("house ids come from the prefix template") {
  CHECK(house_id("house{n}", 3, 4) == "house3");
  CHECK(house_id("home", 1, 1) == "home");
  CHECK(house_id("home", 2, 3) == "home2");
  CHECK(house_id("site/{n}/h", 2, 3) == "site/2/h");
}

TEST_CASE("the household has distinct sensors with kinds and units") {
  Scenario sc = house(1, 60000, "house{n}", 3);
  std::set<std::string> names;
  for (const auto& s : sc.sensors()) {
    names.insert(s.reading.sensor);
    CHECK(s.reading.kind.has_value());
    const bool unitless = *s.reading.kind == "motion" || *s.reading.kind == "relay";
    CHECK(s.reading.unit.has_value() != unitless);
  }
  CHECK(names.size() == 3 * sensors_per_house());
  CHECK(names.count("house2/kitchen/temperature"));
  CHECK(names.count("house3/led/brightness"));
  CHECK(sc.targets() == std::vector<std::string>{"house1/heater/set", "house1/led/set", "house2/heater/set",
                                                 "house2/led/set", "house3/heater/set", "house3/led/set"});
}

TEST_CASE("commands reach the household's LED and heater, in either line form") {
  Scenario sc = house(1, 60000, "home");
  ReadingParser parser;
  std::string error;
  CHECK(apply_command_line(sc, R"({"target":"home/led/set","value":0.7})", parser, error));
  CHECK(apply_command_line(sc, R"({"sensor":"home/heater/set","ts":1767225600,"value":"on"})", parser, error));
  CHECK(apply_command_line(sc, R"({"target":"home/led/brightness/set","value":40})", parser, error));
  CHECK_FALSE(apply_command_line(sc, R"({"target":"home/tv/set","value":1})", parser, error));
  CHECK(error.find("unknown target \"home/tv/set\"") != std::string::npos);
  CHECK_FALSE(apply_command_line(sc, R"({"target":"home/led/set","value":"bright"})", parser, error));
  CHECK(error.find("home/led/set: ") == 0);
  CHECK_FALSE(apply_command_line(sc, R"({"value":1})", parser, error));
  CHECK(error == "missing \"target\"");
  CHECK_FALSE(apply_command_line(sc, "nope", parser, error));
  const auto lines = backfill(sc, kJan1, kJan1 + 60000);
  bool led = false, heater = false;
  for (const auto& l : lines) {
    led |= l.find("\"home/led/brightness\"") != std::string::npos && l.find("\"value\":40,") != std::string::npos;
    heater |= l.find("\"home/heater/power\"") != std::string::npos && l.find("\"value\":0,") == std::string::npos;
  }
  CHECK(led);
  CHECK(heater);
}

TEST_CASE("prepared formatting is byte-identical to append_reading") {
  Scenario sc = house(9);
  Scenario more;
  for (const auto& kind : sensor_kinds()) add_generic_sensor(more, parse_sensor_spec("x\"y\\z/" + kind + ":" + kind + ":1s"), 1);
  add_generic_sensor(more, parse_sensor_spec("long/" + std::string(600, 'n') + ":gauge:1s"), 1);
  for (Scenario* s : {&sc, &more}) {
    for (auto& sensor : s->sensors()) {
      sensor.prepare_format();
      sensor.reading.ts = kJan1 + 123456;
      sensor.sample(kJan1);
      std::string a, b;
      append_reading(a, sensor.reading);
      sensor.append_fast(b, format_rfc3339(sensor.reading.ts));
      CHECK(a == b);
    }
  }
}

TEST_CASE("back-fill is deterministic, complete and ordered") {
  Scenario a = house(42), b = house(42), c = house(43);
  const auto la = backfill(a, kJan1, kJan1 + kDayMs);
  CHECK(la.size() == sensors_per_house() * 1440);
  CHECK(la == backfill(b, kJan1, kJan1 + kDayMs));
  CHECK(la != backfill(c, kJan1, kJan1 + kDayMs));
  Scenario d = house(42);
  CHECK(backfill(d, kJan1, kJan1 + kDayMs, {}, 5).size() == 5);
}

TEST_CASE("faults: drop, duplicate, bad lines, out of order, stuck, spike") {
  Reading r;
  r.sensor = "s";
  r.ts = kJan1;
  std::vector<std::string> out;
  {
    FaultRates f;
    f.drop = 1;
    FaultInjector inj(f, 1, 1);
    r.value = 1.0;
    inj.process(0, r, out);
    CHECK(out.empty());
  }
  {
    FaultRates f;
    f.duplicates = 1;
    FaultInjector inj(f, 1, 1);
    inj.process(0, r, out);
    REQUIRE(out.size() == 2);
    CHECK(out[0] == out[1]);
    out.clear();
  }
  SECTION("every kind of bad line is rejected by the reading parser") {
    ReadingParser parser;
    Reading parsed;
    std::string error;
    Rng rng(1);
    for (std::uint64_t k = 0; k < FaultInjector::kBadKinds; ++k) {
      r.value = 21.5;
      r.unit = "°C";
      const std::string line = FaultInjector::bad_line(r, k, rng);
      INFO("kind " << k << ": " << line);
      CHECK_FALSE(parser.parse(line, 0, parsed, error));
    }
  }
  SECTION("out-of-order lines are delayed, not lost") {
    FaultRates f;
    f.out_of_order = 0.3;
    FaultInjector inj(f, 2, 1);
    std::vector<std::string> sent;
    for (int i = 0; i < 200; ++i) {
      r.ts = kJan1 + i * 1000;
      r.value = static_cast<double>(i);
      sent.push_back(to_json(r));
      inj.process(0, r, out);
    }
    inj.drain(out);
    CHECK(out.size() == sent.size());
    CHECK(std::multiset<std::string>(out.begin(), out.end()) == std::multiset<std::string>(sent.begin(), sent.end()));
    CHECK(out != sent);
  }
  SECTION("a stuck sensor repeats its value; spikes jump far") {
    FaultRates f;
    f.stuck = 1;
    FaultInjector inj(f, 3, 1);
    r.value = 5.0;
    inj.process(0, r, out);
    r.value = 6.0;
    inj.process(0, r, out);
    CHECK(std::get<double>(r.value) == 5.0);
    FaultRates g;
    g.spike = 1;
    FaultInjector spiky(g, 3, 1);
    r.value = 20.0;
    spiky.process(0, r, out);
    CHECK(std::abs(std::get<double>(r.value) - 20) >= 300);
  }
}

TEST_CASE("the pacer waits until the absolute deadline") {
  Pacer pacer;
  for (int i = 1; i <= 5; ++i) {
    CHECK(pacer.wait(i * 5000000LL, -1, -1) == Pacer::Wake::Due);
    CHECK(pacer.elapsed_ns() >= i * 5000000LL);
  }
}

TEST_CASE("the pacer notices a closed pipe while waiting") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  ::close(fds[0]);
  Pacer pacer;
  CHECK(pacer.wait(3600LL * 1000000000LL, -1, fds[1]) == Pacer::Wake::OutputClosed);
  ::close(fds[1]);
}

TEST_CASE("a saved state continues totals, usage and actuators, and other sensors refuse it") {
  constexpr TimeMs t0 = 1767254400000;  // 2026-01-01T08:00Z
  const auto value_of = [](Scenario& sc, const std::string& name) {
    for (auto& s : sc.sensors())
      if (s.reading.sensor == name) return s.reading.value;
    FAIL("no sensor " << name);
    return Value{};
  };
  Scenario first;
  add_household(first, {1, "home", 3});
  for (TimeMs t = t0; t <= t0 + 4 * kHourMs; t += 60000)
    for (auto& s : first.sensors()) s.sample(t);
  std::string error;
  Command led, heater;
  led.target = "home/led/set";
  led.value = 0.4;
  heater.target = "home/heater/set";
  heater.value = std::string("on");
  REQUIRE(first.command(led, error));
  REQUIRE(first.command(heater, error));
  for (auto& s : first.sensors()) s.sample(t0 + 4 * kHourMs + 60000);
  const double energy = std::get<double>(value_of(first, "home/mains/energy"));
  const double water = std::get<double>(value_of(first, "home/water/total"));
  const double fridge = std::get<double>(value_of(first, "home/fridge/usage"));

  char dir[] = "/tmp/sim-state-XXXXXX";
  REQUIRE(::mkdtemp(dir));
  const std::string path = std::string(dir) + "/sim.state";
  CHECK_FALSE(read_state_file(path));
  write_state_file(path, capture_state(first, t0 + 4 * kHourMs + 60000));
  const auto saved = read_state_file(path);
  REQUIRE(saved);
  CHECK(saved->saved == t0 + 4 * kHourMs + 60000);

  // Another seed: fresh models would start elsewhere; restored ones continue.
  Scenario second;
  add_household(second, {1, "home", 99});
  restore_state(second, *saved, path);
  for (auto& s : second.sensors()) s.sample(t0 + 4 * kHourMs + 120000);
  CHECK(std::get<double>(value_of(second, "home/mains/energy")) >= energy);
  CHECK(std::get<double>(value_of(second, "home/mains/energy")) < energy + 1);
  CHECK(std::get<double>(value_of(second, "home/water/total")) >= water);
  CHECK(std::get<double>(value_of(second, "home/fridge/usage")) >= fridge);
  CHECK(std::get<double>(value_of(second, "home/led/brightness")) == 40);
  CHECK(std::get<std::string>(value_of(second, "home/heater/relay")) == "on");

  // A state saved later than the first sample: still continues from the saved total.
  Scenario earlier;
  add_household(earlier, {1, "home", 5});
  restore_state(earlier, *saved, path);
  for (auto& s : earlier.sensors()) s.sample(t0 - kDayMs);
  CHECK(std::get<double>(value_of(earlier, "home/mains/energy")) == Approx(energy));
  // Usage of another day starts at 0.
  CHECK(std::get<double>(value_of(earlier, "home/fridge/usage")) < fridge);

  Scenario other;
  add_household(other, {2, "home", 3});
  CHECK_THROWS_WITH(restore_state(other, *saved, path), Catch::Contains(path) && Catch::Contains("other sensors"));
  std::remove(path.c_str());
  ::rmdir(dir);
}
