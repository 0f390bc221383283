// Reading and command parsing/serialisation (see reading.h).
#include "core/reading.h"

#include <fmt/format.h>

#include <cmath>

namespace sensorpipe {

bool value_from_member(const json::Member& m, Value& out) {
  switch (m.type) {
    case json::Type::Number: {
      const double v = json::number_value(m.raw);
      if (!std::isfinite(v)) return false;
      out = v;
      return true;
    }
    case json::Type::Bool: out = m.raw[0] == 't'; return true;
    case json::Type::String: out = json::unescape_string(m.raw); return true;
    default: return false;
  }
}

bool ts_from_member(const json::Member& m, TimeMs& out, std::string& error) {
  std::optional<TimeMs> t;
  if (m.type == json::Type::String) {
    t = parse_rfc3339(json::unescape_string(m.raw));
    if (!t) {
      error = fmt::format("\"ts\" is not an RFC 3339 time: {}", m.raw.substr(0, 64));
      return false;
    }
  } else if (m.type == json::Type::Number) {
    t = epoch_number_to_ms(json::number_value(m.raw));
    if (!t) {
      error = fmt::format("\"ts\" is out of range: {}", m.raw.substr(0, 64));
      return false;
    }
  } else {
    error = fmt::format("\"ts\" must be an RFC 3339 string or epoch number, got {}", json::type_name(m.type));
    return false;
  }
  out = *t;
  return true;
}

bool sensor_from_member(const json::Member& m, std::string& out, std::string& error) {
  if (m.type != json::Type::String || m.raw.size() <= 2) {
    error = fmt::format("\"{}\" must be a non-empty string", m.key);
    return false;
  }
  out = json::unescape_string(m.raw);
  return true;
}

void append_extra_member(std::string& extra, std::string_view key, std::string_view raw_value) {
  if (!extra.empty()) extra += ',';
  json::append_string(extra, key);
  extra += ':';
  extra += raw_value;
}

namespace {
bool optional_string(const json::Member& m, std::optional<std::string>& out, std::string& error) {
  if (m.type == json::Type::Null) {
    out.reset();
    return true;
  }
  if (m.type != json::Type::String) {
    error = fmt::format("\"{}\" must be a string, got {}", m.key, json::type_name(m.type));
    return false;
  }
  out = json::unescape_string(m.raw);
  return true;
}

bool required_name(const json::Member* m, const char* name, std::string& out, std::string& error) {
  if (!m) {
    error = fmt::format("missing \"{}\"", name);
    return false;
  }
  if (m->type != json::Type::String || m->raw.size() <= 2) {
    error = fmt::format("\"{}\" must be a non-empty string", name);
    return false;
  }
  out = json::unescape_string(m->raw);
  return true;
}

bool required_value(const json::Member* m, Value& out, std::string& error) {
  if (!m) {
    error = "missing \"value\"";
    return false;
  }
  if (!value_from_member(*m, out)) {
    error = m->type == json::Type::Number ? "\"value\" must be a finite number"
                                          : "\"value\" must be a number, boolean or string";
    return false;
  }
  return true;
}
}  // namespace

bool ReadingParser::parse(std::string_view line, TimeMs now, Reading& out, std::string& error) {
  if (!json::scan_object(line, members_, error)) return false;
  const json::Member *sensor = nullptr, *ts = nullptr, *value = nullptr;
  out.unit.reset();
  out.kind.reset();
  out.extra.clear();
  for (const auto& m : members_) {
    if (m.key == "sensor") sensor = &m;
    else if (m.key == "ts") ts = &m;
    else if (m.key == "value") value = &m;
    else if (m.key == "unit") {
      if (!optional_string(m, out.unit, error)) return false;
    } else if (m.key == "kind") {
      if (!optional_string(m, out.kind, error)) return false;
    } else {
      append_extra_member(out.extra, m.key, m.raw);
    }
  }
  if (!sensor) {
    error = "missing \"sensor\"";
    return false;
  }
  if (!sensor_from_member(*sensor, out.sensor, error)) return false;
  if (!required_value(value, out.value, error)) return false;
  if (ts) {
    if (!ts_from_member(*ts, out.ts, error)) return false;
  } else {
    out.ts = now;
  }
  return true;
}

bool ReadingParser::parse_command(std::string_view line, Command& out, std::string& error) {
  if (!json::scan_object(line, members_, error)) return false;
  const json::Member *target = nullptr, *value = nullptr;
  out.extra.clear();
  for (const auto& m : members_) {
    if (m.key == "target") target = &m;
    else if (m.key == "value") value = &m;
    else append_extra_member(out.extra, m.key, m.raw);
  }
  if (!required_name(target, "target", out.target, error)) return false;
  return required_value(value, out.value, error);
}

void append_value(std::string& out, const Value& v) {
  if (const double* d = std::get_if<double>(&v)) json::append_number(out, *d);
  else if (const bool* b = std::get_if<bool>(&v)) out += *b ? "true" : "false";
  else json::append_string(out, std::get<std::string>(v));
}

void append_reading(std::string& out, const Reading& r) {
  out += "{\"sensor\":";
  json::append_string(out, r.sensor);
  out += ",\"ts\":\"";
  append_rfc3339(out, r.ts);
  out += "\",\"value\":";
  append_value(out, r.value);
  if (r.unit) {
    out += ",\"unit\":";
    json::append_string(out, *r.unit);
  }
  if (r.kind) {
    out += ",\"kind\":";
    json::append_string(out, *r.kind);
  }
  if (!r.extra.empty()) {
    out += ',';
    out += r.extra;
  }
  out += '}';
}

std::string to_json(const Reading& r) {
  std::string out;
  append_reading(out, r);
  return out;
}

void append_command(std::string& out, const Command& c) {
  out += "{\"target\":";
  json::append_string(out, c.target);
  out += ",\"value\":";
  append_value(out, c.value);
  if (!c.extra.empty()) {
    out += ',';
    out += c.extra;
  }
  out += '}';
}

std::string value_text(const Value& v) {
  if (const std::string* s = std::get_if<std::string>(&v)) return *s;
  std::string out;
  append_value(out, v);
  return out;
}

}  // namespace sensorpipe
