// Generic sensor specifications (see sensor_spec.h).
#include "sim/sensor_spec.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "core/errors.h"

namespace sensorpipe::sim {
namespace {

// The parameters every kind accepts, with the defaults of one kind filled in.
struct Params {
  std::string unit;
  int decimals = 2;
  double mean = 0, amp = 0, peak = 15, noise = 0, walk = 0;
  double min = -INFINITY, max = INFINITY;
  double power = 1000;          // level while on (W for power/energy, L/min for flow/volume)
  TimeMs on = 30 * 60000;       // mean run time
  TimeMs off = 2 * kHourMs;     // mean time between runs
  double rate = 1;              // counter: events per second; motion: movements per hour
  double value = 0;             // brightness: initial percent; relay: 1 = on
  double initial = 0;           // counters: starting value
};

struct KindInfo {
  Params defaults;
  std::set<std::string> keys;  // parameters that mean something for this kind
  bool bool_value = false;
};

const std::map<std::string, KindInfo>& kinds() {
  static const std::map<std::string, KindInfo> table = [] {
    std::map<std::string, KindInfo> k;
    const std::set<std::string> wave = {"unit", "decimals", "mean", "amp", "peak", "noise", "walk", "min", "max"};
    const std::set<std::string> onoff = {"unit", "decimals", "power", "on", "off"};
    const std::set<std::string> total = {"unit", "decimals", "power", "on", "off", "initial"};
    auto make_wave = [&](const char* unit, int dec, double mean, double amp, double peak, double noise, double walk) {
      KindInfo i;
      i.defaults.unit = unit;
      i.defaults.decimals = dec;
      i.defaults.mean = mean;
      i.defaults.amp = amp;
      i.defaults.peak = peak;
      i.defaults.noise = noise;
      i.defaults.walk = walk;
      i.keys = wave;
      return i;
    };
    k["temperature"] = make_wave("°C", 2, 21, 2, 16, 0.05, 0.5);
    k["humidity"] = make_wave("%", 1, 45, 6, 5, 0.3, 3);
    k["humidity"].defaults.min = 0;
    k["humidity"].defaults.max = 100;
    k["pressure"] = make_wave("hPa", 1, 1013, 0.8, 10, 0.05, 4);
    k["co2"] = make_wave("ppm", 0, 650, 150, 20, 5, 60);
    k["co2"].defaults.min = 380;
    k["gauge"] = make_wave("", 3, 0, 0, 15, 0.1, 1);
    KindInfo light;
    light.defaults.unit = "lux";
    light.defaults.decimals = 0;
    light.defaults.max = 500;
    light.defaults.noise = 2;
    light.keys = {"unit", "decimals", "max", "noise"};
    k["light"] = light;
    KindInfo motion;
    motion.defaults.rate = 6;
    motion.keys = {"rate"};
    motion.bool_value = true;
    k["motion"] = motion;
    KindInfo power;
    power.defaults.unit = "W";
    power.defaults.decimals = 1;
    power.keys = onoff;
    power.keys.insert("noise");
    power.defaults.noise = 0.02;
    k["power"] = power;
    KindInfo energy = power;
    energy.defaults.unit = "kWh";
    energy.defaults.decimals = 4;
    energy.keys = total;
    k["energy"] = energy;
    KindInfo flow;
    flow.defaults.unit = "L/min";
    flow.defaults.power = 8;
    flow.defaults.on = 5 * 60000;
    flow.defaults.off = 3 * kHourMs;
    flow.defaults.noise = 0.02;
    flow.keys = power.keys;
    k["flow"] = flow;
    KindInfo volume = flow;
    volume.defaults.unit = "L";
    volume.keys = total;
    k["volume"] = volume;
    KindInfo usage = power;
    usage.defaults.unit = "s";
    usage.defaults.decimals = 0;
    usage.keys = {"unit", "power", "on", "off"};
    k["usage"] = usage;
    KindInfo sw;
    sw.defaults.on = 30 * 60000;
    sw.defaults.off = 30 * 60000;
    sw.keys = {"on", "off"};
    k["switch"] = sw;
    KindInfo counter;
    counter.defaults.decimals = 0;
    counter.keys = {"unit", "rate", "initial"};
    k["counter"] = counter;
    KindInfo brightness;
    brightness.defaults.unit = "%";
    brightness.defaults.decimals = 1;
    brightness.keys = {"value"};
    k["brightness"] = brightness;
    KindInfo relay;
    relay.keys = {"value"};
    k["relay"] = relay;
    return k;
  }();
  return table;
}

double number_param(const std::string& sensor, const std::string& key, const std::string& text) {
  double v = 0;
  const char* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, v);
  if (r.ec != std::errc() || r.ptr != end || !std::isfinite(v))
    throw UsageError("sensor '" + sensor + "': " + key + " must be a number, got '" + text + "'");
  return v;
}

TimeMs duration_param(const std::string& sensor, const std::string& key, const std::string& text) {
  const auto d = parse_duration(text);
  if (!d || *d <= 0 || *d > 3650 * kDayMs)
    throw UsageError("sensor '" + sensor + "': " + key + " must be a duration such as 30s, 5m or 2h, got '" + text + "'");
  return *d;
}

std::string join(const std::set<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

void check_name(const std::string& name) {
  if (name.empty()) throw UsageError("a sensor needs a name");
  for (unsigned char c : name)
    if (c < 0x20 || c == '+' || c == '#')
      throw UsageError("sensor name '" + name + "' may not contain control characters, '+' or '#'");
}

}  // namespace

const std::vector<std::string>& sensor_kinds() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& [kind, info] : kinds()) n.push_back(kind);
    return n;
  }();
  return names;
}

SensorSpec parse_sensor_spec(std::string_view text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (int i = 0; i < 3; ++i) {  // NAME, KIND, PERIOD; the rest (params) may contain ':'
    const auto colon = text.find(':', start);
    if (colon == std::string_view::npos) break;
    parts.emplace_back(text.substr(start, colon - start));
    start = colon + 1;
  }
  parts.emplace_back(text.substr(start));
  if (parts.size() < 2)
    throw UsageError("--sensor '" + std::string(text) + "': expected NAME:KIND[:PERIOD[:key=value,...]]");
  SensorSpec spec;
  spec.name = parts[0];
  spec.kind = parts[1];
  check_name(spec.name);
  if (parts.size() > 2 && !parts[2].empty()) spec.period_ms = duration_param(spec.name, "period", parts[2]);
  if (parts.size() > 3) {
    std::string_view rest = parts[3];
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const std::string_view item = rest.substr(0, comma);
      const auto eq = item.find('=');
      if (eq == std::string_view::npos || eq == 0)
        throw UsageError("sensor '" + spec.name + "': expected key=value, got '" + std::string(item) + "'");
      spec.params.emplace_back(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return spec;
}

std::vector<SensorSpec> parse_sensor_config(std::string_view json_text, const std::string& origin) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json_text.begin(), json_text.end());
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(origin + ": not valid JSON: " + e.what());
  }
  if (doc.is_object()) {
    for (const auto& [key, value] : doc.items())
      if (key != "sensors") throw UsageError(origin + ": unknown key \"" + key + "\" (expected \"sensors\")");
    if (!doc.contains("sensors")) throw UsageError(origin + ": missing \"sensors\"");
    doc = doc["sensors"];
  }
  if (!doc.is_array()) throw UsageError(origin + ": expected an array of sensors or {\"sensors\": [...]}");
  std::vector<SensorSpec> specs;
  std::size_t index = 0;
  for (const auto& item : doc) {
    const std::string where = origin + ": sensor " + std::to_string(++index);
    if (!item.is_object()) throw UsageError(where + ": expected an object");
    SensorSpec spec;
    for (const auto& [key, value] : item.items()) {
      std::string text;
      if (value.is_string()) text = value.get<std::string>();
      else if (value.is_number() || value.is_boolean()) text = value.dump();
      else throw UsageError(where + ": \"" + key + "\" must be a string or a number");
      if (key == "name") spec.name = text;
      else if (key == "kind") spec.kind = text;
      else if (key == "period") spec.period_ms = -1, spec.params.emplace_back("period", text);
      else spec.params.emplace_back(key, text);
    }
    if (spec.name.empty()) throw UsageError(where + ": missing \"name\"");
    if (spec.kind.empty()) throw UsageError(where + ": missing \"kind\"");
    check_name(spec.name);
    if (spec.period_ms == -1) {  // moved out of params, parsed like the command line's
      for (auto it = spec.params.begin(); it != spec.params.end(); ++it)
        if (it->first == "period") {
          spec.period_ms = duration_param(spec.name, "period", it->second);
          spec.params.erase(it);
          break;
        }
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

void add_generic_sensor(Scenario& scenario, const SensorSpec& spec, std::uint64_t seed) {
  const auto found = kinds().find(spec.kind);
  if (found == kinds().end())
    throw UsageError("sensor '" + spec.name + "': unknown kind '" + spec.kind + "' (kinds: " +
                     join(std::set<std::string>(sensor_kinds().begin(), sensor_kinds().end())) + ")");
  const KindInfo& info = found->second;
  Params p = info.defaults;
  for (const auto& [key, text] : spec.params) {
    if (!info.keys.count(key))
      throw UsageError("sensor '" + spec.name + "': kind " + spec.kind + " has no parameter '" + key + "' (it has: " +
                       join(info.keys) + ")");
    if (key == "unit") p.unit = text;
    else if (key == "decimals") {
      const double d = number_param(spec.name, key, text);
      if (d < 0 || d > 9 || d != std::floor(d)) throw UsageError("sensor '" + spec.name + "': decimals must be 0..9");
      p.decimals = static_cast<int>(d);
    } else if (key == "on") p.on = duration_param(spec.name, key, text);
    else if (key == "off") p.off = duration_param(spec.name, key, text);
    else {
      const double v = number_param(spec.name, key, text);
      if (key == "mean") p.mean = v;
      else if (key == "amp") p.amp = v;
      else if (key == "peak") p.peak = v;
      else if (key == "noise") p.noise = v;
      else if (key == "walk") p.walk = v;
      else if (key == "min") p.min = v;
      else if (key == "max") p.max = v;
      else if (key == "power") p.power = v;
      else if (key == "rate") p.rate = v;
      else if (key == "value") p.value = v;
      else if (key == "initial") p.initial = v;
    }
  }
  if (p.noise < 0 || p.walk < 0 || p.rate < 0 || p.power < 0)
    throw UsageError("sensor '" + spec.name + "': noise, walk, rate and power must not be negative");
  if (p.rate > 1e6) throw UsageError("sensor '" + spec.name + "': rate must be at most 1000000");

  Rng rng(seed, spec.name);
  Sensor s;
  s.reading.sensor = spec.name;
  s.reading.kind = spec.kind;
  if (!p.unit.empty()) s.reading.unit = p.unit;
  s.period_ns = spec.period_ms * 1000000;
  s.decimals = p.decimals;
  const auto make_onoff = [&] {
    OnOffParams op;
    op.level = p.power;
    op.on_min = p.on / 2;
    op.on_max = p.on + p.on / 2;
    op.starts_per_hour = static_cast<double>(kHourMs) / static_cast<double>(p.off);
    return std::make_shared<OnOff>(op, Rng(rng.next()));
  };
  const std::string& k = spec.kind;
  std::shared_ptr<Actuator> actuator;
  if (info.keys.count("mean")) {
    s.signal = std::make_shared<Wave>(WaveParams{p.mean, p.amp, p.peak, p.noise, p.walk, p.min, p.max}, rng);
  } else if (k == "light") {
    s.signal = std::make_shared<Daylight>(p.max, p.noise, rng);
  } else if (k == "motion") {
    s.signal = std::make_shared<Motion>(p.rate, flat_profile(), rng);
  } else if (k == "power" || k == "flow") {
    s.signal = std::make_shared<LevelSum>(std::vector{make_onoff()}, 0.0, p.noise, rng);
  } else if (k == "energy") {
    s.signal = std::make_shared<TotalSum>(std::vector{make_onoff()}, 0.0, 1.0 / 3.6e9, p.initial);
  } else if (k == "volume") {
    s.signal = std::make_shared<TotalSum>(std::vector{make_onoff()}, 0.0, 1.0 / 60000.0, p.initial);
  } else if (k == "usage") {
    s.signal = std::make_shared<UsageToday>(make_onoff());
  } else if (k == "switch") {
    s.signal = std::make_shared<StateOf>(make_onoff());
  } else if (k == "counter") {
    s.signal = std::make_shared<Counter>(p.rate, p.initial, rng);
  } else if (k == "brightness") {
    if (p.value < 0 || p.value > 100) throw UsageError("sensor '" + spec.name + "': value must be 0..100");
    auto b = std::make_shared<Brightness>(p.value);
    s.signal = b;
    actuator = b;
  } else if (k == "relay") {
    auto r = std::make_shared<Relay>(p.value != 0, nullptr);
    s.signal = r;
    actuator = r;
  }
  scenario.add(std::move(s));
  if (actuator) scenario.add_actuator(spec.name, actuator);
}

}  // namespace sensorpipe::sim
