// Small HTTP helpers for ws-serve: URL decoding, query strings, header checks.
//
// Pure functions, thread-safe, no I/O; nothing here knows about websocketpp.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sensorpipe::web {

// Decodes %XX escapes (and '+' as space when `plus_is_space`, for query strings).
// nullopt on a malformed escape or an encoded NUL, which no legitimate path has.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

// "/api/history?sensor=a&sensor=b&from=-1h" -> path "/api/history" and decoded parameters
// (repeated keys keep every value, in order).
struct Target {
  std::string path;  // still percent-encoded
  std::multimap<std::string, std::string> params;
  std::optional<std::string> param(const std::string& key) const;  // first value
  std::vector<std::string> params_of(const std::string& key) const;  // every value; "a,b" splits
};
Target parse_target(std::string_view target);

// Compares secrets without an early exit, so timing does not reveal how much matched.
bool constant_time_equal(std::string_view a, std::string_view b);

// The token a request carries: "Authorization: Bearer T", or the "token" query parameter.
std::string request_token(std::string_view authorization_header, const Target& target);

// Origin policy for WebSocket handshakes and SSE. With no allowed list, a browser
// origin must match the Host the request was sent to (same origin); requests without
// an Origin header (curl, scripts) pass. "*" in the list allows every origin.
bool origin_allowed(std::string_view origin, std::string_view host, const std::vector<std::string>& allowed);

}  // namespace sensorpipe::web
