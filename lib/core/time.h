// Timestamps and durations: parsing the forms users type, printing the one form we emit.
//
// All instants are int64 milliseconds since the Unix epoch (UTC). Parsers return
// std::nullopt on malformed or out-of-range text; they never throw.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sensorpipe {

using TimeMs = std::int64_t;

// Earliest and latest instants we accept: 0000-01-01T00:00:00Z .. 9999-12-31T23:59:59.999Z.
inline constexpr TimeMs kMinTimeMs = -62167219200000LL;
inline constexpr TimeMs kMaxTimeMs = 253402300799999LL;

// Wall-clock now.
TimeMs now_ms();

// RFC 3339 with any offset ("2026-11-22T11:46:07.123+01:00", 'T', 't' or ' ' between
// date and time, fractions of any length truncated to ms, "Z"/"z" or ±HH:MM).
// A bare date "2026-11-22" means midnight UTC.
std::optional<TimeMs> parse_rfc3339(std::string_view text);

// Epoch number as in the data contract: seconds (fractions allowed) unless the
// magnitude is above 1e11, then milliseconds.
std::optional<TimeMs> epoch_number_to_ms(double number);

// "2026-11-22T11:46:07.123Z": always UTC, always milliseconds.
std::string format_rfc3339(TimeMs ms);
// Appends the same text to out without allocating a temporary.
void append_rfc3339(std::string& out, TimeMs ms);

// Durations, the one parser every tool uses: a number (fractions allowed) and a unit,
// ms, s, m or min, h, d, w (7 days), y (365 days: retention periods, not calendar years);
// compounds like "1h30m"; a bare number means seconds. Negative durations and more than
// 1e16 ms (about 317000 years) are rejected. The man pages list the same units.
std::optional<TimeMs> parse_duration(std::string_view text);

// The shortest exact text parse_duration() reads back: 60000 -> "1m", 5400000 -> "90m",
// 1500 -> "1500ms" (messages and JSON answers name durations this way).
std::string format_duration(TimeMs ms);

// A point in time as a user writes it on the command line: "now", a relative
// offset from now ("-2h", "+30m", "2h" meaning 2h ago is NOT accepted: sign required),
// RFC 3339, a bare date, or an epoch number.
std::optional<TimeMs> parse_time_point(std::string_view text, TimeMs now);

// Days since 1970-01-01 for a civil date, and back (proleptic Gregorian).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d);
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d);

}  // namespace sensorpipe
