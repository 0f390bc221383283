// The household scenario (see household.h).
#include "sim/household.h"

#include <numeric>

#include "core/errors.h"

namespace sensorpipe::sim {
namespace {

DailyProfile hours(std::initializer_list<std::pair<int, double>> weights, double rest = 0.05) {
  DailyProfile p;
  p.fill(rest);
  for (const auto& [h, w] : weights) p[static_cast<std::size_t>(h)] = w;
  return p;
}

DailyProfile span(int from, int to, double w, DailyProfile p) {  // hours [from, to)
  for (int h = from; h < to; ++h) p[static_cast<std::size_t>(h % 24)] = w;
  return p;
}

struct Room {
  const char* name;
  double temp, humidity, lux;  // mean temperature, mean humidity, brightest daylight
  DailyProfile motion;         // movements per hour by hour of day
};

struct Appliance {
  const char* name;
  double watts;
  double on_min_minutes, on_max_minutes;
  double starts_per_day;  // 0: driven by a relay only
  DailyProfile profile;
  double energy_initial_max;  // kWh on the meter at the start, drawn up to this
};

std::shared_ptr<OnOff> process(double level, double on_min_minutes, double on_max_minutes, double starts_per_day,
                               const DailyProfile& profile, Rng rng, OnOff::Mode mode = OnOff::Mode::Auto) {
  OnOffParams p;
  p.level = level;
  p.on_min = static_cast<TimeMs>(on_min_minutes * 60000);
  p.on_max = static_cast<TimeMs>(on_max_minutes * 60000);
  const double weight_sum = std::accumulate(profile.begin(), profile.end(), 0.0);
  p.starts_per_hour = weight_sum > 0 ? starts_per_day / weight_sum : 0;
  p.profile = profile;
  return std::make_shared<OnOff>(p, rng, mode);
}

Sensor make(const std::string& name, const char* kind, const char* unit, int decimals, std::shared_ptr<Signal> signal) {
  Sensor s;
  s.reading.sensor = name;
  s.reading.kind = kind;
  if (unit && *unit) s.reading.unit = unit;
  s.decimals = decimals;
  s.signal = std::move(signal);
  return s;
}

void add_house(Scenario& sc, const std::string& id, std::uint64_t seed) {
  Rng house(seed, id);  // per-house variation: each house is a little different
  const auto rng = [&](const std::string& name) { return Rng(seed, id + "/" + name); };
  const DailyProfile night = span(22, 24, 0.3, span(0, 7, 0.2, hours({})));

  const Room rooms[] = {
      {"kitchen", 21.5, 48, 350, span(6, 9, 8, span(11, 14, 5, span(17, 21, 8, hours({}, 0.3))))},
      {"living_room", 21.0, 44, 450, span(7, 9, 3, span(17, 23, 10, hours({}, 0.5)))},
      {"bedroom", 19.0, 50, 250, span(21, 24, 4, span(6, 8, 5, night))},
      {"bathroom", 22.5, 60, 150, span(6, 9, 6, span(20, 23, 4, hours({}, 0.4)))},
  };
  const Appliance appliances[] = {
      {"fridge", 120, 12, 25, 38, DailyProfile{}, 900},
      {"washing_machine", 2000, 60, 120, 0.5, span(8, 20, 1, hours({}, 0)), 600},
      {"dishwasher", 1800, 90, 150, 0.8, span(19, 22, 3, span(13, 14, 1, hours({}, 0))), 500},
      {"oven", 2400, 30, 70, 1, span(17, 19, 3, span(11, 12, 1, hours({}, 0))), 700},
      {"tv", 110, 45, 180, 1.5, span(18, 23, 3, span(7, 8, 0.5, hours({}, 0.02))), 300},
      {"heater", 1500, 0, 0, 0, DailyProfile{}, 400},
  };

  // Appliances first: rooms couple to some of them (oven warms the kitchen, heater the living room).
  std::vector<std::shared_ptr<OnOff>> loads;
  std::shared_ptr<OnOff> oven, heater;
  for (const auto& a : appliances) {
    DailyProfile profile = a.profile;
    if (std::accumulate(profile.begin(), profile.end(), 0.0) == 0) profile = flat_profile();
    const bool relay = a.starts_per_day == 0;
    auto p = process(a.watts, a.on_min_minutes, a.on_max_minutes, a.starts_per_day, profile, rng(a.name),
                     relay ? OnOff::Mode::ForcedOff : OnOff::Mode::Auto);
    loads.push_back(p);
    if (std::string(a.name) == "oven") oven = p;
    if (relay) heater = p;
  }
  // Water draws in L/min: shower, taps, toilet.
  const std::vector<std::shared_ptr<OnOff>> draws = {
      process(9, 5, 12, 1.2, span(6, 8, 3, span(20, 22, 1, hours({}, 0))), rng("shower")),
      process(6, 0.3, 2, 25, span(6, 23, 1, hours({}, 0.02)), rng("tap")),
      process(6, 1, 1.5, 8, span(6, 24, 1, hours({}, 0.05)), rng("toilet")),
  };

  for (const auto& r : rooms) {
    const std::string base = id + "/" + r.name + "/";
    const double offset = house.uniform(-1, 1);
    auto temp = std::make_shared<Wave>(WaveParams{r.temp + offset, 1.2, 16, 0.03, 0.4}, rng(base + "temperature"));
    auto hum = std::make_shared<Wave>(WaveParams{r.humidity, 4, 5, 0.2, 3, 0, 100}, rng(base + "humidity"));
    if (std::string(r.name) == "kitchen") temp->couple(oven, 1.5, 20 * 60000);
    if (std::string(r.name) == "living_room") temp->couple(heater, 3.0, 30 * 60000);
    if (std::string(r.name) == "bathroom") hum->couple(draws[0], 25, 10 * 60000);
    sc.add(make(base + "temperature", "temperature", "°C", 2, temp));
    sc.add(make(base + "humidity", "humidity", "%", 1, hum));
    sc.add(make(base + "motion", "motion", nullptr, -1, std::make_shared<Motion>(1.0, r.motion, rng(base + "motion"))));
    sc.add(make(base + "light", "light", "lux", 0, std::make_shared<Daylight>(r.lux, 1.5, rng(base + "light"))));
  }
  for (std::size_t i = 0; i < std::size(appliances); ++i) {
    const auto& a = appliances[i];
    const std::string base = id + "/" + a.name + "/";
    sc.add(make(base + "power", "power", "W", 1, std::make_shared<LevelSum>(std::vector{loads[i]}, 0.0, 0.015, rng(base + "power"))));
    sc.add(make(base + "energy", "energy", "kWh", 4,
                std::make_shared<TotalSum>(std::vector{loads[i]}, 0.0, 1.0 / 3.6e9,
                                           std::round(house.uniform(0, a.energy_initial_max) * 10) / 10)));
    sc.add(make(base + "usage", "usage", "s", 0, std::make_shared<UsageToday>(loads[i])));
  }
  auto relay = std::make_shared<Relay>(false, heater);
  sc.add(make(id + "/heater/relay", "relay", nullptr, -1, relay));
  sc.add_actuator(id + "/heater/relay", relay);

  sc.add(make(id + "/water/flow", "flow", "L/min", 2, std::make_shared<LevelSum>(draws, 0.0, 0.03, rng("water/flow"))));
  sc.add(make(id + "/water/total", "volume", "L", 2,
              std::make_shared<TotalSum>(draws, 0.0, 1.0 / 60000.0, std::round(house.uniform(5000, 90000)))));

  auto led = std::make_shared<Brightness>(0.0);
  sc.add(make(id + "/led/brightness", "brightness", "%", 1, led));
  sc.add_actuator(id + "/led/brightness", led);

  sc.add(make(id + "/mains/power", "power", "W", 1, std::make_shared<LevelSum>(loads, 85.0, 0.01, rng("mains/power"))));
  // Standby load: 85 W = 85 W x ms scaled like the appliances.
  sc.add(make(id + "/mains/energy", "energy", "kWh", 4,
              std::make_shared<TotalSum>(loads, 85.0, 1.0 / 3.6e9, std::round(house.uniform(2000, 40000)))));
}

}  // namespace

std::string house_id(const std::string& prefix, int n, int houses) {
  const auto at = prefix.find("{n}");
  if (at != std::string::npos) return prefix.substr(0, at) + std::to_string(n) + prefix.substr(at + 3);
  return houses > 1 ? prefix + std::to_string(n) : prefix;
}

void add_household(Scenario& scenario, const HouseholdOptions& options) {
  if (options.prefix.empty()) throw UsageError("--prefix must not be empty");
  for (unsigned char c : options.prefix)
    if (c < 0x20 || c == '+' || c == '#') throw UsageError("--prefix may not contain control characters, '+' or '#'");
  for (int n = 1; n <= options.houses; ++n) add_house(scenario, house_id(options.prefix, n, options.houses), options.seed);
}

std::size_t sensors_per_house() {
  Scenario s;
  add_household(s, HouseholdOptions{});
  return s.sensors().size();
}

}  // namespace sensorpipe::sim
