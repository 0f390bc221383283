// Alert rules: parsing the one-line flag form and the JSON rules file.
#include "watch/rules.h"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/errors.h"

namespace sensorpipe::watch {

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::Above: return "above";
    case Kind::Below: return "below";
    case Kind::Rate: return "rate";
    case Kind::Counter: return "counter";
    case Kind::Leak: return "leak";
    case Kind::Stale: return "stale";
    case Kind::Consumption: return "consumption";
  }
  return "?";
}

namespace {

std::optional<Kind> kind_from_name(std::string_view s) {
  for (Kind k : {Kind::Above, Kind::Below, Kind::Rate, Kind::Counter, Kind::Leak, Kind::Stale, Kind::Consumption})
    if (s == kind_name(k)) return k;
  return std::nullopt;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

std::optional<double> parse_number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (errno != 0 || end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// Rule names become a level of the alert's sensor name: no '/', no wildcards, no spaces.
bool valid_name(const std::string& n) {
  if (n.empty() || n.size() > 100) return false;
  for (unsigned char c : n)
    if (c == '/' || c == '+' || c == '#' || c == '*' || c == '?' || c <= ' ' || c == '"' || c == '\\') return false;
  return true;
}

// What the leading ARG of a flag (or "limit" etc. of a file rule) sets, per kind.
void set_main_arg(Rule& r, const std::string& arg, const std::string& where) {
  auto need_duration = [&](TimeMs& target, const char* what) {
    const auto d = parse_duration(arg);
    if (!d || *d < 0) throw UsageError(fmt::format("{}: expected {} as a duration such as 10m, got '{}'", where, what, arg));
    target = *d;
  };
  switch (r.kind) {
    case Kind::Above:
    case Kind::Below: {
      const auto v = parse_number(arg);
      if (!v) throw UsageError(fmt::format("{}: expected a number after '=', got '{}'", where, arg));
      r.limit = *v;
      break;
    }
    case Kind::Rate: {
      const auto slash = arg.find('/');
      const auto v = parse_number(trim(arg.substr(0, slash)));
      if (!v || *v <= 0) throw UsageError(fmt::format("{}: expected a positive change such as 2/1m, got '{}'", where, arg));
      r.limit = *v;
      if (slash != std::string::npos) {
        const auto d = parse_duration(trim(arg.substr(slash + 1)));
        if (!d || *d <= 0) throw UsageError(fmt::format("{}: expected a duration after '/', got '{}'", where, arg));
        r.per_ms = *d;
      }
      break;
    }
    case Kind::Consumption: {
      const auto slash = arg.find('/');
      const auto v = parse_number(trim(arg.substr(0, slash)));
      if (!v || *v < 0 || slash == std::string::npos)
        throw UsageError(fmt::format("{}: expected a limit per period such as 200/1d, got '{}'", where, arg));
      r.limit = *v;
      const auto d = parse_duration(trim(arg.substr(slash + 1)));
      if (!d || *d <= 0) throw UsageError(fmt::format("{}: expected a period after '/', got '{}'", where, arg));
      r.period_ms = *d;
      break;
    }
    case Kind::Counter: need_duration(r.stop_ms, "the time a counter may stay flat (0: only decreases)"); break;
    case Kind::Leak:
      need_duration(r.for_ms, "how long a non-zero rate may last");
      if (r.for_ms <= 0) throw UsageError(where + ": a leak needs a duration above 0");
      break;
    case Kind::Stale:
      need_duration(r.after_ms, "the silence that makes a sensor stale");
      if (r.after_ms <= 0) throw UsageError(where + ": a stale rule needs a duration above 0");
      break;
  }
}

void set_key(Rule& r, const std::string& key, const std::string& value, const std::string& where) {
  auto duration = [&]() {
    const auto d = parse_duration(value);
    if (!d) throw UsageError(fmt::format("{}: {}: expected a duration such as 10m, got '{}'", where, key, value));
    return *d;
  };
  auto number = [&]() {
    const auto v = parse_number(value);
    if (!v) throw UsageError(fmt::format("{}: {}: expected a number, got '{}'", where, key, value));
    return *v;
  };
  if (key == "name") {
    if (!valid_name(value))
      throw UsageError(fmt::format("{}: name '{}' must be non-empty, without '/', spaces, quotes or wildcards", where, value));
    r.name = value;
  } else if (key == "message") {
    r.message = value;
  } else if (key == "repeat") {
    r.repeat_ms = duration();
  } else if (key == "for" && r.kind != Kind::Stale && r.kind != Kind::Counter) {
    r.for_ms = duration();
  } else if (key == "clear" && (r.kind == Kind::Above || r.kind == Kind::Below || r.kind == Kind::Consumption)) {
    r.clear = number();
  } else if (key == "min" && r.kind == Kind::Leak) {
    r.limit = number();
  } else if (key == "per" && r.kind == Kind::Rate) {
    r.per_ms = duration();
    if (r.per_ms <= 0) throw UsageError(where + ": per must be above 0");
  } else if (key == "stop" && r.kind == Kind::Counter) {
    r.stop_ms = duration();
  } else if (key == "period" && r.kind == Kind::Consumption) {
    r.period_ms = duration();
    if (r.period_ms <= 0) throw UsageError(where + ": period must be above 0");
  } else if (key == "as" && r.kind == Kind::Consumption) {
    if (value != "counter" && value != "rate") throw UsageError(where + ": as: expected counter or rate, got '" + value + "'");
    r.as = value;
  } else if (key == "unit" && r.kind == Kind::Consumption) {
    r.unit = value;
  } else if (key == "after" && r.kind == Kind::Stale) {
    r.after_ms = duration();
  } else {
    throw UsageError(fmt::format("{}: '{}' is not a setting of a {} rule", where, key, kind_name(r.kind)));
  }
}

void check_clear(const Rule& r, const std::string& where) {
  if (!r.clear) return;
  if ((r.kind == Kind::Above || r.kind == Kind::Consumption) && *r.clear > r.limit)
    throw UsageError(fmt::format("{}: clear ({}) must not be above the limit ({}) of an {} rule", where, *r.clear, r.limit,
                                 kind_name(r.kind)));
  if (r.kind == Kind::Below && *r.clear < r.limit)
    throw UsageError(fmt::format("{}: clear ({}) must not be below the limit ({}) of a below rule", where, *r.clear, r.limit));
}

}  // namespace

Rule parse_rule_flag(Kind kind, std::string_view spec, int index, const RuleDefaults& defaults) {
  const std::string where = fmt::format("--{} '{}'", kind_name(kind), spec);
  Rule r;
  r.kind = kind;
  r.repeat_ms = defaults.repeat_ms;
  r.name = fmt::format("{}-{}", kind_name(kind), index);
  // The pattern may itself hold '=' only in theory; sensor names do not, so split at the last '='
  // before the first ',' of the settings.
  const std::string s(spec);
  const auto comma = s.find(',');
  const std::string head = s.substr(0, comma);
  const auto eq = head.rfind('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError(where + ": expected PATTERN=" + (kind == Kind::Rate || kind == Kind::Consumption ? "LIMIT/PER" : "VALUE") +
                     "[,key=value...]");
  r.pattern = trim(head.substr(0, eq));
  set_main_arg(r, trim(head.substr(eq + 1)), where);
  if (comma != std::string::npos) {
    std::string rest = s.substr(comma + 1);
    std::size_t pos = 0;
    while (pos <= rest.size()) {
      const std::size_t start = pos;
      auto next = rest.find(',', pos);
      if (next == std::string::npos) next = rest.size();
      const std::string item = rest.substr(start, next - start);
      pos = next + 1;
      const auto ieq = item.find('=');
      if (ieq == std::string::npos) throw UsageError(fmt::format("{}: expected key=value, got '{}'", where, item));
      const std::string key = trim(item.substr(0, ieq));
      // message=... takes the rest of the text, commas included, so it must come last.
      if (key == "message") {
        set_key(r, key, rest.substr(start + ieq + 1), where);
        break;
      }
      set_key(r, key, trim(item.substr(ieq + 1)), where);
    }
  }
  check_clear(r, where);
  return r;
}

namespace {

std::string json_scalar_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) {
    std::ostringstream o;
    o.precision(17);
    o << v.get<double>();
    return o.str();
  }
  throw UsageError("expected a string or a number");
}

}  // namespace

std::vector<Rule> parse_rules_json(std::string_view text, const std::string& source, int first_index,
                                   const RuleDefaults& defaults) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(fmt::format("{}: not valid JSON: {}", source, e.what()));
  }
  const nlohmann::json* list = &doc;
  if (doc.is_object()) {
    if (!doc.contains("rules")) throw UsageError(source + ": expected {\"rules\":[...]} or an array of rules");
    list = &doc["rules"];
  }
  if (!list->is_array()) throw UsageError(source + ": \"rules\" must be an array");
  std::vector<Rule> rules;
  int index = first_index;
  for (const auto& item : *list) {
    const std::string where = fmt::format("{}: rule {}", source, index - first_index + 1);
    if (!item.is_object()) throw UsageError(where + ": expected an object");
    if (!item.contains("kind") || !item["kind"].is_string()) throw UsageError(where + ": missing \"kind\"");
    const auto kind = kind_from_name(item["kind"].get<std::string>());
    if (!kind)
      throw UsageError(fmt::format("{}: unknown kind '{}' (above, below, rate, counter, leak, stale, consumption)", where,
                                   item["kind"].get<std::string>()));
    if (!item.contains("sensor") || !item["sensor"].is_string() || item["sensor"].get<std::string>().empty())
      throw UsageError(where + ": missing \"sensor\" (a sensor pattern)");
    Rule r;
    r.kind = *kind;
    r.repeat_ms = defaults.repeat_ms;
    r.name = fmt::format("{}-{}", kind_name(r.kind), index);
    r.pattern = item["sensor"].get<std::string>();
    // The kind's main value: "limit" (above, below, rate, leak's "min"), or its duration.
    const char* main_key = nullptr;
    switch (r.kind) {
      case Kind::Above:
      case Kind::Below:
      case Kind::Rate: main_key = "limit"; break;
      case Kind::Consumption: main_key = "limit"; break;
      case Kind::Leak: main_key = "for"; break;
      case Kind::Counter: main_key = "stop"; break;
      case Kind::Stale: main_key = "after"; break;
    }
    try {
      if (item.contains(main_key)) {
        std::string arg = json_scalar_text(item[main_key]);
        if (item[main_key].is_number() && (r.kind == Kind::Leak || r.kind == Kind::Counter || r.kind == Kind::Stale))
          arg += "s";
        if (r.kind == Kind::Consumption) {
          if (!item.contains("period")) throw UsageError(where + ": missing \"period\"");
          arg += "/" + json_scalar_text(item["period"]) + (item["period"].is_number() ? "s" : "");
        }
        set_main_arg(r, arg, where);
      } else if (r.kind != Kind::Counter) {
        throw UsageError(fmt::format("{}: missing \"{}\"", where, main_key));
      }
      for (const auto& [key, value] : item.items()) {
        if (key == "kind" || key == "sensor" || key == main_key) continue;
        if (key == "period" && r.kind == Kind::Consumption) continue;  // taken with the limit
        std::string v = json_scalar_text(value);
        const bool is_duration = key == "for" || key == "repeat" || key == "per" || key == "stop" || key == "after" ||
                                 key == "period";
        if (value.is_number() && is_duration) v += "s";
        set_key(r, key, v, where);
      }
    } catch (const UsageError& e) {
      const std::string what = e.what();
      if (what.rfind(where, 0) == 0) throw;
      throw UsageError(where + ": " + what);
    }
    check_clear(r, where);
    rules.push_back(std::move(r));
    ++index;
  }
  return rules;
}

std::vector<Rule> load_rules_file(const std::string& path, int first_index, const RuleDefaults& defaults) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(fmt::format("--rules: cannot open {}: {}", path, std::strerror(errno)));
  std::stringstream buf;
  buf << in.rdbuf();
  return parse_rules_json(buf.str(), path, first_index, defaults);
}

void check_rules(const std::vector<Rule>& rules) {
  if (rules.empty()) throw UsageError("no rules: give --rules FILE or a rule flag such as --above 'home/freezer/*=-15'");
  std::set<std::string> names;
  for (const auto& r : rules)
    if (!names.insert(r.name).second) throw UsageError(fmt::format("two rules are named '{}'", r.name));
}

std::string describe(const Rule& r) {
  std::string s = fmt::format("{}: {} {}", r.name, kind_name(r.kind), r.pattern);
  switch (r.kind) {
    case Kind::Above: s += fmt::format(" > {} (clears at <= {})", r.limit, r.clear_at()); break;
    case Kind::Below: s += fmt::format(" < {} (clears at >= {})", r.limit, r.clear_at()); break;
    case Kind::Rate: s += fmt::format(" changes by more than {} per {}", r.limit, format_duration(r.per_ms)); break;
    case Kind::Counter: s += r.stop_ms ? fmt::format(" goes back or stays flat for {}", format_duration(r.stop_ms)) : " goes back"; break;
    case Kind::Leak: s += fmt::format(" > {} without a break", r.limit); break;
    case Kind::Stale: s += fmt::format(" silent for {}", format_duration(r.after_ms)); break;
    case Kind::Consumption:
      s += fmt::format(" consumes more than {}{} per {} (sliding; clears at <= {})", r.limit, r.unit ? " " + *r.unit : "",
                       format_duration(r.period_ms), r.clear_at());
      break;
  }
  if (r.for_ms) s += fmt::format(", for {}", format_duration(r.for_ms));
  if (r.repeat_ms) s += fmt::format(", repeat every {}", format_duration(r.repeat_ms));
  return s;
}

}  // namespace sensorpipe::watch
