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
}  // namespace

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

bool Normalizer::from_object(const MessageView& m, std::string_view text, std::string& error) {
  if (!json::scan_object(text, members_, error)) {
    error = "invalid JSON payload: " + error;
    return false;
  }
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

  const char first = text.front();
  if (first == '{') {
    if (!from_object(m, text, error)) return false;
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
  if (opts_.meta) {
    std::string raw;
    if (!has_key(members_, "topic")) {
      json::append_string(raw, m.topic);
      append_extra_member(reading_.extra, "topic", raw);
    }
    if (!has_key(members_, "qos")) append_extra_member(reading_.extra, "qos", std::to_string(m.qos));
    if (!has_key(members_, "retain")) append_extra_member(reading_.extra, "retain", m.retained ? "true" : "false");
  }
  append_reading(out, reading_);
  return true;
}

}  // namespace sensorpipe::mqtt
