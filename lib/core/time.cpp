// Timestamp and duration parsing and formatting (see time.h).
#include "core/time.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <utility>

namespace sensorpipe {

TimeMs now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Howard Hinnant's civil-date algorithms (public domain description, reimplemented).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, unsigned& out) {
  if (pos + n > s.size()) return false;
  unsigned v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
  }
  out = v;
  return true;
}

bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(std::int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

bool in_range(TimeMs ms) { return ms >= kMinTimeMs && ms <= kMaxTimeMs; }

}  // namespace

std::optional<TimeMs> parse_rfc3339(std::string_view s) {
  unsigned year, month, day;
  if (!digits(s, 0, 4, year) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, month) ||
      s[7] != '-' || !digits(s, 8, 2, day))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
  TimeMs ms = days_from_civil(year, month, day) * 86400000LL;
  if (s.size() == 10) return ms;
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
  unsigned hh, mm, ss;
  if (!digits(s, 11, 2, hh) || s.size() < 19 || s[13] != ':' || !digits(s, 14, 2, mm) ||
      s[16] != ':' || !digits(s, 17, 2, ss))
    return std::nullopt;
  if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;  // 60: leap second, folded into :59.999
  std::size_t pos = 19;
  unsigned frac_ms = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    unsigned scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      frac_ms += static_cast<unsigned>(s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  if (ss == 60) {
    ss = 59;
    frac_ms = 999;
  }
  ms += (hh * 3600LL + mm * 60LL + ss) * 1000LL + frac_ms;
  if (pos >= s.size()) return std::nullopt;  // an offset is required with a time
  if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) return in_range(ms) ? std::optional(ms) : std::nullopt;
  if (s[pos] != '+' && s[pos] != '-') return std::nullopt;
  unsigned oh, om;
  if (pos + 6 != s.size() || !digits(s, pos + 1, 2, oh) || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om) ||
      oh > 23 || om > 59)
    return std::nullopt;
  const TimeMs offset = (oh * 60LL + om) * 60000LL;
  ms += s[pos] == '+' ? -offset : offset;
  return in_range(ms) ? std::optional(ms) : std::nullopt;
}

std::optional<TimeMs> epoch_number_to_ms(double number) {
  if (!std::isfinite(number)) return std::nullopt;
  const double ms = std::fabs(number) > 1e11 ? number : number * 1000.0;
  if (ms < static_cast<double>(kMinTimeMs) || ms > static_cast<double>(kMaxTimeMs)) return std::nullopt;
  return static_cast<TimeMs>(std::floor(ms + 1e-6));  // +1e-6: 1.001 s must not become 1000 ms
}

void append_rfc3339(std::string& out, TimeMs ms) {
  std::int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
  std::int64_t rem = ms - days * 86400000;
  std::int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[32];
  const unsigned h = static_cast<unsigned>(rem / 3600000), mi = static_cast<unsigned>(rem / 60000 % 60),
                 s = static_cast<unsigned>(rem / 1000 % 60), f = static_cast<unsigned>(rem % 1000);
  const auto put = [&](char* p, unsigned v, int width) {
    for (int i = width - 1; i >= 0; --i) {
      p[i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
  };
  put(buf, static_cast<unsigned>(y), 4);
  buf[4] = '-';
  put(buf + 5, m, 2);
  buf[7] = '-';
  put(buf + 8, d, 2);
  buf[10] = 'T';
  put(buf + 11, h, 2);
  buf[13] = ':';
  put(buf + 14, mi, 2);
  buf[16] = ':';
  put(buf + 17, s, 2);
  buf[19] = '.';
  put(buf + 20, f, 3);
  buf[23] = 'Z';
  out.append(buf, 24);
}

std::string format_rfc3339(TimeMs ms) {
  std::string out;
  append_rfc3339(out, ms);
  return out;
}

std::optional<TimeMs> parse_duration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double total = 0;
  std::size_t pos = 0;
  bool any = false;
  while (pos < s.size()) {
    double number = 0;
    const auto [end, ec] = std::from_chars(s.data() + pos, s.data() + s.size(), number);
    if (ec != std::errc() || number < 0 || !std::isfinite(number)) return std::nullopt;
    pos = static_cast<std::size_t>(end - s.data());
    std::size_t unit_start = pos;
    while (pos < s.size() && ((s[pos] >= 'a' && s[pos] <= 'z') || (s[pos] >= 'A' && s[pos] <= 'Z'))) ++pos;
    const std::string_view unit = s.substr(unit_start, pos - unit_start);
    double scale;
    if (unit == "ms") scale = 1;
    else if (unit == "s" || (unit.empty() && !any && pos == s.size())) scale = 1000;
    else if (unit == "m" || unit == "min") scale = 60000;
    else if (unit == "h") scale = 3600000;
    else if (unit == "d") scale = 86400000;
    else if (unit == "w") scale = 7 * 86400000.0;
    else if (unit == "y") scale = 365 * 86400000.0;
    else return std::nullopt;
    total += number * scale;
    any = true;
  }
  if (total > 1e16) return std::nullopt;
  return static_cast<TimeMs>(std::llround(total));
}

std::optional<TimeMs> parse_time_point(std::string_view s, TimeMs now) {
  if (s == "now") return now;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    if (auto d = parse_duration(s.substr(1))) {
      const TimeMs t = s[0] == '-' ? now - *d : now + *d;
      return in_range(t) ? std::optional(t) : std::nullopt;
    }
    return std::nullopt;
  }
  if (auto t = parse_rfc3339(s)) return t;
  double number = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), number);
  if (ec == std::errc() && end == s.data() + s.size()) return epoch_number_to_ms(number);
  return std::nullopt;
}

std::string format_duration(TimeMs ms) {
  static constexpr std::pair<TimeMs, const char*> kUnits[] = {{604800000, "w"}, {86400000, "d"}, {3600000, "h"},
                                                              {60000, "m"},     {1000, "s"}};
  for (const auto& [unit, suffix] : kUnits) {
    if (ms >= unit && ms % unit == 0) return std::to_string(ms / unit) + suffix;
  }
  return std::to_string(ms) + "ms";
}

}  // namespace sensorpipe
