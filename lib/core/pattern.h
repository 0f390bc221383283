// Sensor name patterns shared by every program that filters sensors (history-query
// --sensor, ws-serve subscriptions, mqtt topic checks).
//
// Globs: '*' matches any run of characters (slashes included), '?' one character.
// MQTT wildcards: '+' matches exactly one topic level, a final '#' matches the
// parent level and everything below it ("home/#" matches "home" and "home/a/b").
// A pattern without any of these is an exact name.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace sensorpipe {

bool pattern_matches(std::string_view pattern, std::string_view name);
// True when `name` matches any of `patterns`; an empty list matches every name.
bool matches_any(const std::vector<std::string>& patterns, std::string_view name);
// True when the pattern contains no wildcard, so an exact lookup can be used.
bool pattern_is_literal(std::string_view pattern);

}  // namespace sensorpipe
