// Time zones for day buckets, read from the tz database's TZif files (see zone.h).
//
// Why not the C library: localtime_r/mktime take the zone from the process's TZ, so using
// them for a zone a query names means changing process state under a lock. Instead the
// zone's file (RFC 8536: TZif version 2 or later, 64-bit transition times) is parsed into
// its list of transitions and UTC offsets, and instants after the last transition follow
// the POSIX TZ rule in the file's footer ("CET-1CEST,M3.5.0,M10.5.0/3"). Leap-second
// records are ignored (the "right/" zones are not meant for civil time).
#include "store/zone.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <optional>
#include <vector>

#include "core/errors.h"

namespace sensorpipe::store {

namespace {

constexpr std::int64_t kDaySec = 86'400;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if (a % b != 0 && ((a < 0) != (b < 0))) --q;
  return q;
}

// One rule of a POSIX TZ string: standard time, and optionally daylight time between two
// yearly transitions.
struct PosixRule {
  std::int64_t std_off = 0;  // seconds east of UTC
  bool has_dst = false;
  std::int64_t dst_off = 0;
  struct When {
    char form = 'M';  // 'M' month.week.day, 'J' Julian 1..365 without Feb 29, 'n' zero-based day
    int month = 0, week = 0, day = 0;
    std::int64_t time = 7200;  // local seconds after midnight (may be negative or above 24 h)
  } start, end;

  // The offset in force at UTC second t.
  std::int64_t offset_at(std::int64_t t) const {
    if (!has_dst) return std_off;
    std::int64_t y;
    unsigned m, d;
    civil_from_days(floor_div(t + std_off, kDaySec), y, m, d);
    const std::int64_t s = local_seconds(y, start) - std_off;  // to daylight time, in standard time
    const std::int64_t e = local_seconds(y, end) - dst_off;    // back, in daylight time
    const bool dst = s < e ? (t >= s && t < e) : (t < e || t >= s);
    return dst ? dst_off : std_off;
  }

  static bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

  // Seconds since the epoch, as local time, of the rule's moment in year y.
  static std::int64_t local_seconds(std::int64_t y, const When& w) {
    std::int64_t day;
    const std::int64_t jan1 = days_from_civil(y, 1, 1);
    if (w.form == 'J') {
      day = jan1 + w.day - 1;
      if (leap(y) && w.day >= 60) ++day;  // Jn never counts February 29
    } else if (w.form == 'n') {
      day = jan1 + w.day;
    } else {
      static constexpr unsigned kLen[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
      const auto m = static_cast<unsigned>(w.month);
      const std::int64_t first = days_from_civil(y, m, 1);
      const int wd_first = static_cast<int>(((first % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday (4)
      std::int64_t dom = 1 + (w.day - wd_first + 7) % 7 + (w.week - 1) * 7;
      const std::int64_t len = kLen[m - 1] + (m == 2 && leap(y) ? 1 : 0);
      while (dom > len) dom -= 7;  // week 5 means the last one
      day = first + dom - 1;
    }
    return day * kDaySec + w.time;
  }
};

// A cursor over a POSIX TZ string; every parse_* returns false on malformed text.
class PosixParser {
 public:
  explicit PosixParser(std::string_view s) : s_(s) {}

  bool parse(PosixRule& r) {
    if (!name()) return false;
    std::int64_t off;
    if (!offset(off)) return false;
    r.std_off = -off;  // POSIX counts hours west of Greenwich
    if (at_end()) return true;
    if (!name()) return false;
    r.has_dst = true;
    r.dst_off = r.std_off + 3600;
    if (!at_end() && peek() != ',') {
      if (!offset(off)) return false;
      r.dst_off = -off;
    }
    if (at_end()) {  // no rule given: the US rules, as the C library assumes
      r.start = {'M', 3, 2, 0, 7200};
      r.end = {'M', 11, 1, 0, 7200};
      return true;
    }
    return eat(',') && when(r.start) && eat(',') && when(r.end) && at_end();
  }

 private:
  bool at_end() const { return i_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[i_]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  bool name() {
    const std::size_t start = i_;
    if (eat('<')) {
      while (!at_end() && peek() != '>') ++i_;
      return eat('>') && i_ - start >= 3;
    }
    while (!at_end() && std::isalpha(static_cast<unsigned char>(peek()))) ++i_;
    return i_ - start >= 3;
  }
  bool number(std::int64_t& n) {
    if (!std::isdigit(static_cast<unsigned char>(peek()))) return false;
    n = 0;
    while (std::isdigit(static_cast<unsigned char>(peek()))) n = n * 10 + (s_[i_++] - '0');
    return true;
  }
  // [+-]hh[:mm[:ss]] in seconds.
  bool offset(std::int64_t& out) {
    std::int64_t sign = 1;
    if (eat('-')) sign = -1;
    else eat('+');
    std::int64_t h, m = 0, sec = 0;
    if (!number(h)) return false;
    if (eat(':')) {
      if (!number(m)) return false;
      if (eat(':') && !number(sec)) return false;
    }
    out = sign * (h * 3600 + m * 60 + sec);
    return true;
  }
  bool when(PosixRule::When& w) {
    std::int64_t a = 0, b = 0, c = 0;
    if (eat('M')) {
      if (!number(a) || !eat('.') || !number(b) || !eat('.') || !number(c)) return false;
      if (a < 1 || a > 12 || b < 1 || b > 5 || c > 6) return false;
      w = {'M', static_cast<int>(a), static_cast<int>(b), static_cast<int>(c), 7200};
    } else if (eat('J')) {
      if (!number(a) || a < 1 || a > 365) return false;
      w = {'J', 0, 0, static_cast<int>(a), 7200};
    } else {
      if (!number(a) || a > 365) return false;
      w = {'n', 0, 0, static_cast<int>(a), 7200};
    }
    if (eat('/') && !offset(w.time)) return false;
    return true;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

class TzifZone final : public TimeZone {
 public:
  std::vector<std::int64_t> times;         // transition instants, UTC seconds, ascending
  std::vector<std::int64_t> offsets;       // the offset from each transition on
  std::int64_t initial = 0;                // the offset before the first transition
  std::optional<PosixRule> rule;           // after the last transition

  std::int64_t offset_at(std::int64_t t) const {
    if (times.empty() || t < times.front()) return times.empty() && rule ? rule->offset_at(t) : initial;
    if (t >= times.back() && rule) return rule->offset_at(t);
    const auto it = std::upper_bound(times.begin(), times.end(), t);
    return offsets[static_cast<std::size_t>(it - times.begin()) - 1];
  }

  std::int64_t local_day(TimeMs ts) const override {
    const std::int64_t t = floor_div(ts, 1000);
    return floor_div(t + offset_at(t), kDaySec);
  }

  TimeMs day_start(std::int64_t day) const override {
    // The first second whose local day is `day`: local time only moves forward except
    // for the hour (or so) a fall-back repeats, so a search over the two days around
    // the naive midnight finds it, also when midnight itself is skipped.
    std::int64_t lo = day * kDaySec - 2 * kDaySec, hi = day * kDaySec + 2 * kDaySec;
    while (lo < hi) {
      const std::int64_t mid = lo + (hi - lo) / 2;
      if (floor_div(mid + offset_at(mid), kDaySec) >= day) hi = mid;
      else lo = mid + 1;
    }
    return lo * 1000;
  }

  TimeMs utc_offset(TimeMs ts) const override { return offset_at(floor_div(ts, 1000)) * 1000; }
};

std::int64_t be(const unsigned char* p, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  if (n == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return static_cast<std::int64_t>(v);
}

// Parses a TZif file's bytes; nullopt when they are not a usable TZif file.
std::shared_ptr<TzifZone> parse_tzif(const std::string& bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t size = bytes.size();
  auto header = [&](std::size_t at, std::int64_t c[6]) {
    if (at + 44 > size || bytes.compare(at, 4, "TZif") != 0) return false;
    for (int i = 0; i < 6; ++i) c[i] = be(p + at + 20 + 4 * i, 4);
    for (int i = 0; i < 6; ++i)
      if (c[i] < 0) return false;
    return true;
  };
  std::int64_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  if (!header(0, c)) return nullptr;
  const char version = bytes[4];
  auto block_size = [&](int tsize) {
    return c[3] * tsize + c[3] + c[4] * 6 + c[5] + c[2] * (tsize + 4) + c[1] + c[0];
  };
  std::size_t at = 44;
  int tsize = 4;
  if (version != '\0') {  // skip the 32-bit block for the 64-bit one
    at += static_cast<std::size_t>(block_size(4));
    if (!header(at, c)) return nullptr;
    at += 44;
    tsize = 8;
  }
  if (c[4] < 1 || at + static_cast<std::size_t>(block_size(tsize)) > size) return nullptr;
  auto z = std::make_shared<TzifZone>();
  const std::size_t times_at = at, idx_at = times_at + static_cast<std::size_t>(c[3] * tsize),
                    types_at = idx_at + static_cast<std::size_t>(c[3]);
  std::vector<std::int64_t> type_off(static_cast<std::size_t>(c[4]));
  for (std::size_t i = 0; i < type_off.size(); ++i) type_off[i] = be(p + types_at + 6 * i, 4);
  for (std::int64_t i = 0; i < c[3]; ++i) {
    const auto k = static_cast<std::size_t>(i);
    const std::size_t type = p[idx_at + k];
    if (type >= type_off.size()) return nullptr;
    const std::int64_t t = be(p + times_at + k * static_cast<std::size_t>(tsize), tsize);
    if (!z->times.empty() && t <= z->times.back()) return nullptr;
    z->times.push_back(t);
    z->offsets.push_back(type_off[type]);
  }
  z->initial = type_off[0];
  if (version != '\0') {
    const std::size_t footer = at + static_cast<std::size_t>(block_size(tsize));
    if (footer < size && bytes[footer] == '\n') {
      const auto end = bytes.find('\n', footer + 1);
      if (end != std::string::npos && end > footer + 1) {
        PosixRule r;
        if (!PosixParser(std::string_view(bytes).substr(footer + 1, end - footer - 1)).parse(r)) return nullptr;
        z->rule = r;
      }
    }
  }
  return z;
}

[[noreturn]] void unknown(const std::string& name) {
  throw UsageError("unknown time zone '" + name + "' (expected an IANA name such as Europe/Berlin)");
}

}  // namespace

TimeMs TimeZone::from_wall_clock(TimeMs wall) const {
  // Try the offset in force a day earlier (so a repeated hour reads as its first
  // occurrence), then the one at the instant that gives; if neither reproduces `wall`,
  // it lies in a gap and the earlier offset stands.
  const TimeMs before = utc_offset(wall - 86'400'000);
  const TimeMs first = wall - before;
  if (utc_offset(first) == before) return first;
  const TimeMs after = utc_offset(first);
  const TimeMs second = wall - after;
  return utc_offset(second) == after ? second : first;
}

std::shared_ptr<const TimeZone> TimeZone::load(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos) unknown(name);
  std::ifstream in("/usr/share/zoneinfo/" + name, std::ios::binary);
  if (!in) unknown(name);
  std::string bytes;
  // Zone files are a few KB; anything much bigger is not one (nor a directory).
  char buf[4096];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    bytes.append(buf, static_cast<std::size_t>(in.gcount()));
    if (bytes.size() > (1u << 20)) unknown(name);
  }
  auto zone = parse_tzif(bytes);
  if (!zone) unknown(name);
  return zone;
}

std::shared_ptr<const TimeZone> TimeZone::from_tzif(const std::string& bytes) { return parse_tzif(bytes); }

std::shared_ptr<const TimeZone> TimeZone::from_posix(const std::string& rule) {
  PosixRule r;
  if (!PosixParser(rule).parse(r)) return nullptr;
  auto z = std::make_shared<TzifZone>();
  z->rule = r;
  z->initial = r.std_off;
  return z;
}

}  // namespace sensorpipe::store
