// A small validating JSON scanner for one-object-per-line input, and JSON text writers.
//
// Why not nlohmann for the hot path: every reading passes through several programs,
// and scanning members in place keeps the user's extra fields byte-for-byte and in
// order while costing a fraction of building a DOM. All functions are pure and
// thread-safe; errors come back as a short reason, never as exceptions.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace sensorpipe::json {

enum class Type { Null, Bool, Number, String, Array, Object };
const char* type_name(Type t);  // "null", "a boolean", "a number", ...

// One member of a top-level object. `raw` points into the scanned text (the value's
// exact bytes, strings still quoted and escaped), so it lives as long as that text.
struct Member {
  std::string key;
  Type type;
  std::string_view raw;
};

// Validates `text` as exactly one JSON object (RFC 8259, UTF-8, nesting up to 128)
// and lists its top-level members in order. On failure returns false and sets
// `error` to a reason such as "expected an object, got an array" or
// "invalid JSON at byte 17: unterminated string".
bool scan_object(std::string_view text, std::vector<Member>& members, std::string& error);

// Validates any single JSON value; used for free-form payloads.
bool validate(std::string_view text, Type& type, std::string& error);

// Decodes a quoted JSON string token (as found in Member::raw) into UTF-8.
std::string unescape_string(std::string_view raw);
// Parses a number token.
double number_value(std::string_view raw);

// Appends `s` as a quoted JSON string, escaping what JSON requires (control
// characters as \u00XX). `s` must be valid UTF-8.
void append_string(std::string& out, std::string_view s);
// Appends the shortest text that round-trips to the same double.
void append_number(std::string& out, double v);

// True when `s` is valid UTF-8 (no overlongs, no surrogates).
bool valid_utf8(std::string_view s);

}  // namespace sensorpipe::json
