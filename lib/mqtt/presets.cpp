// Device ecosystems' payload conventions (see presets.h).
#include "mqtt/presets.h"

#include <algorithm>
#include <cctype>

#include "core/errors.h"
#include "core/json.h"

namespace sensorpipe::mqtt {

namespace {
struct Entry {
  const char* key;
  FieldMeaning meaning;
};

// Meanings the ecosystems share (Zigbee2MQTT exposes, Tasmota sensor names, ESPHome's
// usual sensor names, Shelly Gen2 status fields).
constexpr Entry kCommon[] = {
    {"temperature", {"\u00b0C", "temperature"}},
    {"humidity", {"%", "humidity"}},
    {"pressure", {"hPa", "pressure"}},
    {"battery", {"%", "battery"}},
    {"illuminance_lux", {"lx", "illuminance"}},
    {"illuminance", {"lx", "illuminance"}},
    {"co2", {"ppm", "co2"}},
    {"voltage", {"V", "voltage"}},
    {"current", {"A", "current"}},
    {"power", {"W", "power"}},
    {"apower", {"W", "power"}},
    {"energy", {"kWh", "energy"}},
    {"frequency", {"Hz", "frequency"}},
    {"freq", {"Hz", "frequency"}},
};

// Zigbee2MQTT documents "voltage" in mV on battery devices and in V on plugs: no unit.
constexpr Entry kZigbee2mqtt[] = {
    {"voltage", {nullptr, "voltage"}},
};

// Tasmota's ENERGY object: Total/Today/Yesterday are kWh counters (Today and Yesterday
// restart at midnight, which increase handles as a counter reset).
constexpr Entry kTasmota[] = {
    {"total", {"kWh", "energy"}},
    {"today", {"kWh", "energy"}},
    {"yesterday", {"kWh", "energy"}},
    {"apparentpower", {"VA", "apparent_power"}},
    {"reactivepower", {"var", "reactive_power"}},
};

// Shelly Gen2 aenergy.total is Wh; Gen1 relay/N/energy is in watt-minutes; tC is Celsius;
// the Pro EM's em1:N objects say act_power and aprt_power.
constexpr Entry kShelly[] = {
    {"total", {"Wh", "energy"}},
    {"energy", {"Wmin", "energy"}},
    {"tc", {"\u00b0C", "temperature"}},
    {"act_power", {"W", "power"}},  // Pro EM em1:N
    {"aprt_power", {"VA", "apparent_power"}},
};

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

bool entry_matches(std::string_view entry, std::string_view key) {
  return key == entry || (key.size() > entry.size() && ends_with(key, entry) &&
                          key[key.size() - entry.size() - 1] == '_');
}

template <std::size_t N>
const FieldMeaning* find(const Entry (&table)[N], std::string_view key) {
  for (const auto& e : table)
    if (entry_matches(e.key, key)) return &e.meaning;
  return nullptr;
}

// Fields that are about the radio or the firmware, not the room: dropped by default.
constexpr const char* kDropCommon[] = {"linkquality", "update", "update_available", "id"};
constexpr const char* kDropTasmota[] = {"heap", "sleep", "loadavg", "mqttcount", "wifi/ap", "wifi/channel",
                                        "wifi/linkcount", "totalstarttime", "period"};
constexpr const char* kDropShelly[] = {"tf", "minute_ts", "by_minute", "timer_started_at"};

// A user's entry "wifi.ap" or "Wifi/AP" against a lower-case path "wifi/ap" or key "ap".
bool drop_matches(std::string_view entry, std::string_view path, std::string_view key) {
  std::string e = lower(entry);
  std::replace(e.begin(), e.end(), '.', '/');
  return e == key || e == path;
}
}  // namespace

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Preset preset_from_name(std::string_view name) {
  if (name == "zigbee2mqtt") return Preset::Zigbee2mqtt;
  if (name == "tasmota") return Preset::Tasmota;
  if (name == "shelly") return Preset::Shelly;
  if (name == "esphome") return Preset::Esphome;
  throw UsageError("--preset: expected zigbee2mqtt, tasmota, shelly or esphome, got '" + std::string(name) + "'");
}

const FieldMeaning* field_meaning(Preset p, std::string_view key) {
  const FieldMeaning* m = nullptr;
  switch (p) {
    case Preset::Zigbee2mqtt: m = find(kZigbee2mqtt, key); break;
    case Preset::Tasmota: m = find(kTasmota, key); break;
    case Preset::Shelly: m = find(kShelly, key); break;
    default: break;
  }
  return m ? m : find(kCommon, key);
}

std::optional<FieldMeaning> meaning_of(const PayloadRules& r, std::string_view key, bool tables) {
  const FieldMeaning* table = tables ? field_meaning(r.preset, key) : nullptr;
  for (const auto& u : r.units) {
    if (!entry_matches(u.name, key)) continue;
    // A rule without a kind changes the unit only: the table's kind stands.
    return FieldMeaning{u.unit.c_str(), !u.kind.empty() ? u.kind.c_str() : table ? table->kind : nullptr};
  }
  if (table) return *table;
  return std::nullopt;
}

FieldRule parse_field_rule(std::string_view text) {
  const auto eq = text.find('=');
  if (eq == 0 || eq == std::string_view::npos || eq + 1 == text.size())
    throw UsageError("--field-unit: expected NAME=UNIT or NAME=UNIT,KIND, got '" + std::string(text) + "'");
  FieldRule rule;
  rule.name = lower(text.substr(0, eq));
  const std::string_view rest = text.substr(eq + 1);
  const auto comma = rest.find(',');
  rule.unit = std::string(rest.substr(0, comma));
  if (comma != std::string_view::npos) rule.kind = std::string(rest.substr(comma + 1));
  if (rule.unit.empty() || (comma != std::string_view::npos && rule.kind.empty()))
    throw UsageError("--field-unit: expected NAME=UNIT or NAME=UNIT,KIND, got '" + std::string(text) + "'");
  return rule;
}

Rename parse_rename(std::string_view text) {
  const auto eq = text.find('=');
  if (eq == 0 || eq == std::string_view::npos || eq + 1 == text.size())
    throw UsageError("--rename: expected FROM=TO, got '" + std::string(text) + "'");
  return Rename{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

void apply_renames(const PayloadRules& r, std::string& sensor) {
  for (const auto& rn : r.renames) {
    if (sensor.compare(0, rn.from.size(), rn.from) != 0) continue;
    if (sensor.size() != rn.from.size() && sensor[rn.from.size()] != '/') continue;
    sensor.replace(0, rn.from.size(), rn.to);
    return;
  }
}

void read_mapping(std::string_view text, PayloadRules& r) {
  std::size_t number = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++number;
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.remove_suffix(1);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    const auto space = line.find_first_of(" \t");
    const std::string_view name = line.substr(0, space);
    std::string_view arg = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
    while (!arg.empty() && std::isspace(static_cast<unsigned char>(arg.front()))) arg.remove_prefix(1);
    try {
      if (arg.empty()) throw UsageError("'" + std::string(name) + "' needs an argument");
      if (name == "drop") r.drop.emplace_back(arg);
      else if (name == "state-field") r.states.emplace_back(arg);
      else if (name == "field-unit") r.units.push_back(parse_field_rule(arg));
      else if (name == "rename") r.renames.push_back(parse_rename(arg));
      else throw UsageError("expected drop, state-field, field-unit or rename, got '" + std::string(name) + "'");
    } catch (const UsageError& e) {
      throw UsageError("line " + std::to_string(number) + ": " + e.what());
    }
  }
}

bool field_dropped(const PayloadRules& r, std::string_view path, std::string_view key) {
  for (const char* d : kDropCommon)
    if (key == d) return true;
  if (r.preset == Preset::Tasmota)
    for (const char* d : kDropTasmota)
      if (key == d || path == d) return true;
  if (r.preset == Preset::Shelly)
    for (const char* d : kDropShelly)
      if (key == d) return true;
  return std::any_of(r.drop.begin(), r.drop.end(), [&](const std::string& d) { return drop_matches(d, path, key); });
}

bool field_is_state(const PayloadRules& r, std::string_view key) {
  const std::string k = lower(key);
  if (k == "state" || k.rfind("state_", 0) == 0 || k == "action") return true;
  // Tasmota's relays: POWER, POWER1 .. POWER8 carry "ON"/"OFF".
  if (k.rfind("power", 0) == 0 &&
      std::all_of(k.begin() + 5, k.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return true;
  return std::any_of(r.states.begin(), r.states.end(), [&](const std::string& s) { return lower(s) == k; });
}

bool field_is_time(std::string_view key) {
  const std::string k = lower(key);
  return k == "ts" || k == "time" || k == "last_seen" || k == "timestamp";
}

std::string_view sensor_base(Preset p, std::string_view topic) {
  if (p == Preset::Tasmota) {
    for (std::string_view tail : {"/SENSOR", "/STATE"})
      if (ends_with(topic, tail) && topic.size() > tail.size()) return topic.substr(0, topic.size() - tail.size());
  }
  return topic;
}

bool is_availability_topic(Preset p, std::string_view topic) {
  switch (p) {
    case Preset::Zigbee2mqtt: return ends_with(topic, "/availability") || ends_with(topic, "/bridge/state");
    case Preset::Tasmota: return ends_with(topic, "/LWT");
    case Preset::Shelly: return ends_with(topic, "/online");
    case Preset::Esphome: return ends_with(topic, "/status");
    default: return false;
  }
}

std::optional<bool> availability_value(std::string_view payload) {
  while (!payload.empty() && std::isspace(static_cast<unsigned char>(payload.front()))) payload.remove_prefix(1);
  while (!payload.empty() && std::isspace(static_cast<unsigned char>(payload.back()))) payload.remove_suffix(1);
  std::string text;
  if (!payload.empty() && payload.front() == '{') {
    // Zigbee2MQTT 1.35+: {"state":"online"}
    std::vector<json::Member> members;
    std::string error;
    if (!json::scan_object(payload, members, error)) return std::nullopt;
    for (const auto& m : members)
      if (m.key == "state" && m.type == json::Type::String) text = json::unescape_string(m.raw);
  } else if (payload.size() >= 2 && payload.front() == '"' && payload.back() == '"') {
    text = std::string(payload.substr(1, payload.size() - 2));
  } else {
    text = std::string(payload);
  }
  text = lower(text);
  if (text == "online" || text == "true") return true;
  if (text == "offline" || text == "false") return false;
  return std::nullopt;
}

std::string_view plain_key(Preset p, std::string_view topic) {
  if (p == Preset::Esphome && ends_with(topic, "/state")) topic.remove_suffix(6);
  const auto slash = topic.rfind('/');
  return slash == std::string_view::npos ? topic : topic.substr(slash + 1);
}

}  // namespace sensorpipe::mqtt
