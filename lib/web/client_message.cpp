// Client message validation (see client_message.h).
#include "web/client_message.h"

#include "core/json.h"
#include "core/pattern.h"
#include "core/reading.h"

namespace sensorpipe::web {

namespace {
constexpr std::size_t kMaxPatterns = 256;
constexpr std::size_t kMaxPatternBytes = 1024;
constexpr std::size_t kMaxTargetBytes = 65535;  // the MQTT topic limit

bool parse_patterns(const json::Member& m, std::vector<std::string>& out, std::string& error) {
  const std::string field = "\"" + m.key + "\"";
  if (m.type == json::Type::String) {
    out.push_back(json::unescape_string(m.raw));
  } else if (m.type == json::Type::Array) {
    // The scanner already validated the array; walk its elements, which must all be strings.
    std::string_view raw = m.raw.substr(1, m.raw.size() - 2);
    std::size_t pos = 0;
    while (pos < raw.size()) {
      while (pos < raw.size() && (raw[pos] == ' ' || raw[pos] == '\t' || raw[pos] == '\n' || raw[pos] == '\r')) ++pos;
      if (pos >= raw.size()) break;
      if (raw[pos] != '"') {
        error = field + " must be a list of strings";
        return false;
      }
      std::size_t end = pos + 1;
      while (end < raw.size() && raw[end] != '"') end += raw[end] == '\\' ? 2 : 1;
      if (end >= raw.size()) {
        error = field + " must be a list of strings";
        return false;
      }
      out.push_back(json::unescape_string(raw.substr(pos, end - pos + 1)));
      pos = end + 1;
      while (pos < raw.size() && (raw[pos] == ' ' || raw[pos] == '\t' || raw[pos] == '\n' || raw[pos] == '\r')) ++pos;
      if (pos < raw.size()) {
        if (raw[pos] != ',') {
          error = field + " must be a list of strings";
          return false;
        }
        ++pos;
      }
    }
  } else {
    error = field + " must be a list of sensor patterns";
    return false;
  }
  if (out.size() > kMaxPatterns) {
    error = field + ": at most " + std::to_string(kMaxPatterns) + " patterns";
    return false;
  }
  for (const auto& p : out) {
    if (p.empty() || p.size() > kMaxPatternBytes) {
      error = field + ": a pattern must have 1 to " + std::to_string(kMaxPatternBytes) + " bytes";
      return false;
    }
  }
  return true;
}
}  // namespace

bool parse_client_message(std::string_view text, const std::string& client_id, TimeMs now,
                          const CommandPolicy& policy, ClientMessage& out, std::string& error) {
  std::vector<json::Member> members;
  if (!json::scan_object(text, members, error)) return false;
  out = ClientMessage{};
  const json::Member *target = nullptr, *value = nullptr, *sub = nullptr, *unsub = nullptr;
  for (const auto& m : members) {
    if (m.key == "target") target = &m;
    else if (m.key == "value") value = &m;
    else if (m.key == "subscribe") sub = &m;
    else if (m.key == "unsubscribe") unsub = &m;
  }
  if (sub || unsub) {
    if (target || (sub && unsub)) {
      error = "send subscribe, unsubscribe and commands as separate messages";
      return false;
    }
    if (unsub && unsub->type == json::Type::String && json::unescape_string(unsub->raw) == "*") {
      out.kind = ClientMessage::Kind::UnsubscribeAll;
      return true;
    }
    out.kind = sub ? ClientMessage::Kind::Subscribe : ClientMessage::Kind::Unsubscribe;
    return parse_patterns(sub ? *sub : *unsub, out.patterns, error);
  }
  if (!target) {
    error = "expected a command {\"target\":...,\"value\":...} or {\"subscribe\":[...]}";
    return false;
  }
  if (target->type != json::Type::String || target->raw.size() <= 2) {
    error = "\"target\" must be a non-empty string";
    return false;
  }
  Command c;
  c.target = json::unescape_string(target->raw);
  if (c.target.size() > kMaxTargetBytes) {
    error = "\"target\" is longer than 65535 bytes";
    return false;
  }
  if (c.target.find_first_of("+#") != std::string::npos || c.target.find('\0') != std::string::npos) {
    error = "\"target\" must not contain the wildcards + or #";
    return false;
  }
  if (!policy.allowed_targets.empty()) {
    bool ok = false;
    for (const auto& p : policy.allowed_targets) ok = ok || pattern_matches(p, c.target);
    if (!ok) {
      error = "target \"" + c.target + "\" is not allowed (--allow-target)";
      return false;
    }
  }
  if (!value) {
    error = "missing \"value\"";
    return false;
  }
  if (!value_from_member(*value, c.value)) {
    error = "\"value\" must be a number, boolean or string";
    return false;
  }
  for (const auto& m : members) {  // the user's other fields pass through; client and ts are ours
    if (&m == target || &m == value || m.key == "client" || m.key == "ts") continue;
    append_extra_member(c.extra, m.key, m.raw);
  }
  out.kind = ClientMessage::Kind::Command;
  out.target = c.target;
  append_command(out.line, c);
  // append_command ends with '}': add the server's fields inside the object.
  if (!out.line.empty() && out.line.back() == '}') out.line.pop_back();
  out.line += ",\"client\":";
  json::append_string(out.line, client_id);
  out.line += ",\"ts\":\"";
  append_rfc3339(out.line, now);
  out.line += "\"}";
  return true;
}

std::string error_message(std::string_view error) {
  std::string out = "{\"error\":";
  json::append_string(out, error);
  out += '}';
  return out;
}

std::string subscribed_message(const std::vector<std::string>& patterns) {
  std::string out = "{\"subscribed\":[";
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    if (i) out += ',';
    json::append_string(out, patterns[i]);
  }
  out += "]}";
  return out;
}

std::string hello_message(const std::string& client_id, std::string_view version) {
  std::string out = "{\"hello\":{\"client\":";
  json::append_string(out, client_id);
  out += ",\"server\":\"ws-serve\",\"version\":";
  json::append_string(out, version);
  out += "}}";
  return out;
}

std::string ack_message(const std::string& target) {
  std::string out = "{\"ok\":\"command\",\"target\":";
  json::append_string(out, target);
  out += '}';
  return out;
}

}  // namespace sensorpipe::web
