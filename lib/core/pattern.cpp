// Sensor name pattern matching (see pattern.h).
#include "core/pattern.h"

namespace sensorpipe {

bool pattern_is_literal(std::string_view p) { return p.find_first_of("*?+#") == std::string_view::npos; }

namespace {
// Iterative glob with single-star backtracking; '+' and '#' handled at level boundaries.
bool match(std::string_view p, std::string_view s) {
  std::size_t pi = 0, si = 0, star_p = std::string_view::npos, star_s = 0;
  while (si < s.size() || pi < p.size()) {
    if (pi < p.size()) {
      const char c = p[pi];
      const bool level_start = pi == 0 || p[pi - 1] == '/';
      const bool level_end = pi + 1 == p.size() || p[pi + 1] == '/';
      if (c == '#' && level_start && pi + 1 == p.size()) return true;  // rest of the name, if any
      if (c == '+' && level_start && level_end) {
        while (si < s.size() && s[si] != '/') ++si;
        ++pi;
        continue;
      }
      if (c == '*') {
        star_p = pi++;
        star_s = si;
        continue;
      }
      if (si < s.size() && (c == '?' || c == s[si])) {
        ++pi;
        ++si;
        continue;
      }
    }
    if (star_p != std::string_view::npos && star_s < s.size()) {
      pi = star_p + 1;
      si = ++star_s;
      continue;
    }
    return false;
  }
  return true;
}
}  // namespace

bool pattern_matches(std::string_view pattern, std::string_view name) {
  // "home/#" also matches "home" itself (MQTT semantics).
  if (pattern.size() >= 2 && pattern.substr(pattern.size() - 2) == "/#" &&
      name == pattern.substr(0, pattern.size() - 2))
    return true;
  return match(pattern, name);
}

bool matches_any(const std::vector<std::string>& patterns, std::string_view name) {
  if (patterns.empty()) return true;
  for (const auto& p : patterns)
    if (pattern_matches(p, name)) return true;
  return false;
}

}  // namespace sensorpipe
