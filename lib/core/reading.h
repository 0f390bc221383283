// The data contract: readings and commands, parsed from and written to JSON lines.
//
// A Reading owns all its text. Parsing never throws: it returns false with a
// one-line reason fit for "prog: line N: <reason>". Serialising always produces
// the canonical form (RFC 3339 UTC ts with milliseconds; known fields first, then
// the user's extra fields byte-for-byte in their original order).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/json.h"
#include "core/time.h"

namespace sensorpipe {

// A reading's value: a number, a boolean, or a state string such as "on".
using Value = std::variant<double, bool, std::string>;

struct Reading {
  std::string sensor;
  TimeMs ts = 0;
  Value value = 0.0;
  std::optional<std::string> unit;
  std::optional<std::string> kind;
  // The other members as JSON text without braces ("\"room\":\"kitchen\",\"seq\":7"),
  // empty when there are none. Kept verbatim so nothing of the user's is altered.
  std::string extra;
};

// A command from the dashboard or a script: publish `value` to `target`.
struct Command {
  std::string target;
  Value value = 0.0;
  std::string extra;  // as in Reading
};

// Reusable parser state: keeps its scratch buffers between lines (one per thread).
class ReadingParser {
 public:
  // Parses one line. A missing "ts" takes `now`. On failure `error` gets the reason.
  bool parse(std::string_view line, TimeMs now, Reading& out, std::string& error);
  bool parse_command(std::string_view line, Command& out, std::string& error);

 private:
  std::vector<json::Member> members_;
};

// Converts a JSON value token (a Member) into a Value; false for null, arrays,
// objects and non-finite numbers.
bool value_from_member(const json::Member& m, Value& out);

// The data contract's rule for a sensor id, for every program that reads one: a
// non-empty JSON string (a number is not an id). Sets `out` to its text, or returns false
// with a reason naming the member's key.
bool sensor_from_member(const json::Member& m, std::string& out, std::string& error);

// Parses a "ts" member: RFC 3339 string or epoch number.
bool ts_from_member(const json::Member& m, TimeMs& out, std::string& error);

void append_value(std::string& out, const Value& v);
// Canonical one-line JSON text, no trailing newline.
void append_reading(std::string& out, const Reading& r);
std::string to_json(const Reading& r);
void append_command(std::string& out, const Command& c);

// Joins extra members into Reading::extra form: "\"k\":v,...".
void append_extra_member(std::string& extra, std::string_view key, std::string_view raw_value);

// Value as text for templates and CSV: numbers shortest form, booleans true/false.
std::string value_text(const Value& v);

}  // namespace sensorpipe
