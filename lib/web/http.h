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

// One HTTP/1.x request head (request line and header fields), as parse_request_head finds it.
struct RequestHead {
  std::string method, target, version;  // "GET", "/api/sensors?x=1", "HTTP/1.1"
  std::vector<std::pair<std::string, std::string>> fields;  // names as sent, values trimmed
  std::size_t head_bytes = 0;            // up to and including the blank line
  std::size_t content_length = 0;        // 0 when absent
  bool chunked = false;                  // Transfer-Encoding: chunked (a body of unknown length)
  std::string field(std::string_view name) const;  // first value, case-insensitive name; "" if absent
  bool has_body() const { return chunked || content_length > 0; }
  // HTTP/1.1 keeps the connection unless "Connection: close"; HTTP/1.0 only with "keep-alive".
  bool keep_alive() const;
  bool expects_continue() const;  // "Expect: 100-continue"
  bool websocket_upgrade() const; // "Upgrade: websocket"
};

// "OK", "Not Found", ... for the statuses ws-serve answers with ("" for others).
std::string_view reason_phrase(int status);

enum class HeadStatus { Complete, Incomplete, Bad };
// Parses the request head at the start of `data` (more bytes may follow: pipelined requests).
// Incomplete: no blank line yet; Bad: not an HTTP/1.x request head (or a malformed or
// conflicting Content-Length). No I/O, thread-safe.
HeadStatus parse_request_head(std::string_view data, RequestHead& out);

}  // namespace sensorpipe::web
