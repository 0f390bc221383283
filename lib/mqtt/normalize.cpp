// Payload normalisation (see normalize.h).
#include "mqtt/normalize.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace sensorpipe::mqtt {

namespace {
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool equals_nocase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == y;  // b is lower-case ASCII letters
         });
}

// Control bytes other than whitespace mark binary data even when the bytes happen to be UTF-8.
bool has_control_bytes(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && !is_space(c)) || u == 0x7f;
  });
}

bool has_key(const std::vector<json::Member>& members, std::string_view key) {
  return std::any_of(members.begin(), members.end(), [&](const json::Member& m) { return m.key == key; });
}

// "2026-11-30T11:00:00" (Tasmota's local time): a date and time without Z or an offset.
bool is_wall_clock(std::string_view s) {
  if (s.size() < 19 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) return false;
  return s.substr(11).find_first_of("Zz+-") == std::string_view::npos;
}
}  // namespace

bool Normalizer::payload_time(const json::Member& mem, std::string& error) {
  if (mem.type == json::Type::String) {
    const std::string text = json::unescape_string(mem.raw);
    if (is_wall_clock(text)) {
      // Without --payload-tz the zone is unknown: the receive time is the better guess.
      if (!opts_.payload.local_to_utc) return true;
      const auto wall = parse_rfc3339(text + "Z");
      if (!wall) {
        error = fmt::format("\"{}\" is not a date and time: {}", mem.key, mem.raw.substr(0, 64));
        return false;
      }
      reading_.ts = opts_.payload.local_to_utc(*wall);
      return true;
    }
    const auto t = parse_rfc3339(text);
    if (!t) {
      error = fmt::format("\"{}\" is not an RFC 3339 time: {}", mem.key, mem.raw.substr(0, 64));
      return false;
    }
    reading_.ts = *t;
    return true;
  }
  if (mem.type == json::Type::Number) {
    const auto t = epoch_number_to_ms(json::number_value(mem.raw));
    if (!t) {
      error = fmt::format("\"{}\" is out of range: {}", mem.key, mem.raw.substr(0, 64));
      return false;
    }
    reading_.ts = *t;
    return true;
  }
  error = fmt::format("\"{}\" must be a time string or epoch number, got {}", mem.key, json::type_name(mem.type));
  return false;
}

void Normalizer::add_meta(const MessageView& m) {
  if (!opts_.meta) return;
  std::string raw;
  if (!has_key(members_, "topic")) {
    json::append_string(raw, m.topic);
    append_extra_member(reading_.extra, "topic", raw);
  }
  if (!has_key(members_, "qos")) append_extra_member(reading_.extra, "qos", std::to_string(m.qos));
  if (!has_key(members_, "retain")) append_extra_member(reading_.extra, "retain", m.retained ? "true" : "false");
}

bool Normalizer::split_object(const MessageView& m, std::string& out, std::string& error) {
  const PayloadRules& rules = opts_.payload;
  std::string base(sensor_base(rules.preset, m.topic));
  const std::string_view sensor_key = opts_.sensor_field.empty() ? std::string_view("sensor") : opts_.sensor_field;
  for (const auto& mem : members_) {
    if (field_is_time(mem.key)) {
      if (!payload_time(mem, error)) return false;
    } else if (mem.key == sensor_key) {
      // The data contract's rule for a sensor id, as for an object with "value".
      if (mem.type != json::Type::String || mem.raw.size() <= 2) {
        error = fmt::format("\"{}\" must be a non-empty string", mem.key);
        return false;
      }
      base = json::unescape_string(mem.raw);
    }
  }
  // Topic fields and --meta are context shared by every reading of the message; a
  // {sensor} level from --topic-fields names them unless the payload does.
  const bool named_by_payload = has_key(members_, sensor_key);
  reading_.sensor.clear();
  add_topic_fields(m, false);
  if (!reading_.sensor.empty() && !named_by_payload) base = reading_.sensor;
  reading_.unit.reset();
  reading_.kind.reset();
  add_meta(m);

  std::string lines;
  std::string scan_error;
  // Depth-first over nested objects; `path` is the lower-case name, `name` the one in the
  // sensor id (the same unless --keep-case).
  auto visit = [&](auto& self, const std::vector<json::Member>& members, const std::string& path,
                   const std::string& name, bool top) -> void {
    for (const auto& mem : members) {
      if (top && (field_is_time(mem.key) || mem.key == sensor_key)) continue;
      const std::string key = lower(mem.key);
      const std::string sub_path = path.empty() ? key : path + "/" + key;
      const std::string sub_name = name.empty() ? (rules.keep_case ? mem.key : key)
                                                : name + "/" + (rules.keep_case ? mem.key : key);
      if (field_dropped(rules, sub_path, key)) continue;
      if (mem.type == json::Type::Object) {
        std::vector<json::Member> nested;
        if (json::scan_object(mem.raw, nested, scan_error)) self(self, nested, sub_path, sub_name, false);
        continue;
      }
      reading_.unit.reset();
      reading_.kind.reset();
      if (mem.type == json::Type::Number) {
        const double v = json::number_value(mem.raw);
        if (!std::isfinite(v)) continue;
        reading_.value = v;
        if (const auto fm = meaning_of(rules, key)) {
          if (fm->unit) reading_.unit = fm->unit;
          if (fm->kind) reading_.kind = fm->kind;
        }
      } else if (mem.type == json::Type::Bool) {
        reading_.value = mem.raw[0] == 't';
      } else if (mem.type == json::Type::String && field_is_state(rules, mem.key)) {
        reading_.value = json::unescape_string(mem.raw);
      } else {
        continue;  // text that is not a state, arrays, null
      }
      reading_.sensor = base + "/" + sub_name;
      apply_renames(rules, reading_.sensor);
      if (!lines.empty()) lines += '\n';
      append_reading(lines, reading_);
    }
  };
  visit(visit, members_, std::string(), std::string(), true);
  if (lines.empty()) {
    error = "JSON payload has no \"value\" and no number, boolean or state field to split";
    return false;
  }
  out += lines;
  return true;
}

void Normalizer::add_topic_fields(const MessageView& m, bool from_payload) {
  if (!opts_.topic_fields || !opts_.topic_fields->match(m.topic, captures_)) return;
  std::string raw;
  for (const auto& [name, level] : captures_) {
    if (from_payload && has_key(members_, name)) continue;  // the payload's own field wins
    if (name == "sensor") {
      if (!from_payload || opts_.sensor_field.empty()) reading_.sensor = std::string(level);
    } else if (name == "kind") {
      reading_.kind = std::string(level);
    } else if (name == "unit") {
      reading_.unit = std::string(level);
    } else if (name != "value" && name != "ts") {
      raw.clear();
      json::append_string(raw, level);
      append_extra_member(reading_.extra, name, raw);
    }
  }
}

bool Normalizer::from_object(const MessageView& m, std::string& error) {
  const json::Member *value = nullptr, *ts = nullptr, *sensor = nullptr;
  for (const auto& mem : members_) {
    if (!opts_.sensor_field.empty() && mem.key == opts_.sensor_field) sensor = &mem;
    if (mem.key == "value") value = &mem;
    else if (mem.key == "ts") ts = &mem;
    else if (mem.key == "sensor") {
      if (opts_.sensor_field.empty()) sensor = &mem;
    } else if (mem.key == "unit" || mem.key == "kind") {
      if (mem.type == json::Type::Null) continue;
      if (mem.type != json::Type::String) {
        error = fmt::format("\"{}\" must be a string, got {}", mem.key, json::type_name(mem.type));
        return false;
      }
      (mem.key == "unit" ? reading_.unit : reading_.kind) = json::unescape_string(mem.raw);
    }
  }
  // Topic fields first so that they read as context ("room", "kind") before the payload's own extras.
  add_topic_fields(m, true);
  for (const auto& mem : members_) {
    if (mem.key == "value" || mem.key == "ts" || mem.key == "unit" || mem.key == "kind") continue;
    if (mem.key == "sensor") continue;  // the reading's own "sensor", set below
    append_extra_member(reading_.extra, mem.key, mem.raw);
  }
  if (!value) {
    error = "JSON payload has no \"value\"";
    return false;
  }
  if (!value_from_member(*value, reading_.value)) {
    error = value->type == json::Type::Number ? "\"value\" must be a finite number"
                                              : fmt::format("\"value\" must be a number, boolean or string, got {}",
                                                            json::type_name(value->type));
    return false;
  }
  if (ts && !ts_from_member(*ts, reading_.ts, error)) return false;
  // The contract's one rule (a number is no sensor id: db-store would refuse the reading).
  if (sensor && !sensor_from_member(*sensor, reading_.sensor, error)) return false;
  return true;
}

bool Normalizer::normalize(const MessageView& m, TimeMs now, std::string& out, std::string& error) {
  if (m.payload.size() > opts_.max_payload_bytes) {
    error = fmt::format("payload of {} bytes is over the limit of {} bytes (--max-payload)", m.payload.size(),
                        opts_.max_payload_bytes);
    return false;
  }
  const std::string_view text = trim(m.payload);
  if (text.empty()) {
    error = m.payload.empty() ? "empty payload" : "blank payload";
    return false;
  }
  if (!json::valid_utf8(text) || has_control_bytes(text)) {
    error = fmt::format("binary payload ({} bytes) skipped", m.payload.size());
    return false;
  }
  reading_.sensor.assign(m.topic.data(), m.topic.size());
  reading_.ts = now;
  reading_.unit.reset();
  reading_.kind.reset();
  reading_.extra.clear();
  members_.clear();

  if (opts_.payload.preset != Preset::None && is_availability_topic(opts_.payload.preset, m.topic)) {
    const auto online = availability_value(text);
    if (!online) {
      error = "availability payload is neither online nor offline";
      return false;
    }
    reading_.value = *online;
    reading_.kind = "availability";
    add_topic_fields(m, false);
    add_meta(m);
    apply_renames(opts_.payload, reading_.sensor);
    append_reading(out, reading_);
    return true;
  }

  const char first = text.front();
  if (first == '{') {
    if (!json::scan_object(text, members_, error)) {
      error = "invalid JSON payload: " + error;
      return false;
    }
    if (opts_.payload.split_always || !has_key(members_, "value")) return split_object(m, out, error);
    if (!from_object(m, error)) return false;
  } else {
    json::Type type;
    std::string ignored;
    const bool is_json = json::validate(text, type, ignored);
    if (first == '[') {
      error = is_json ? "a JSON array is not a reading" : "invalid JSON payload: " + ignored;
      return false;
    }
    if (is_json && type == json::Type::Number) {
      const double v = json::number_value(text);
      if (!std::isfinite(v)) {
        error = "number payload out of range";
        return false;
      }
      reading_.value = v;
      // Only with a preset or the user's own rules: a topic's last level is often no quantity.
      const auto& rules = opts_.payload;
      if (rules.preset != Preset::None || !rules.units.empty()) {
        if (const auto fm = meaning_of(rules, lower(plain_key(rules.preset, m.topic)), rules.preset != Preset::None)) {
          if (fm->unit) reading_.unit = fm->unit;
          if (fm->kind) reading_.kind = fm->kind;
        }
      }
    } else if (is_json && type == json::Type::Null) {
      error = "null payload";
      return false;
    } else if (is_json && type == json::Type::String) {
      reading_.value = json::unescape_string(text);
    } else if (equals_nocase(text, "true") || equals_nocase(text, "on")) {
      reading_.value = true;
    } else if (equals_nocase(text, "false") || equals_nocase(text, "off")) {
      reading_.value = false;
    } else {
      reading_.value = std::string(text);
    }
    add_topic_fields(m, false);
  }
  add_meta(m);
  apply_renames(opts_.payload, reading_.sensor);
  append_reading(out, reading_);
  return true;
}

}  // namespace sensorpipe::mqtt
