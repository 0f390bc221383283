// TZif reading and local-time conversion for chart axes (see time_zone.h).
#include "chart/time_zone.h"

#include <fstream>
#include <iterator>

#include "core/errors.h"

namespace sensorpipe::chart {

namespace {

std::int64_t be(const std::string& b, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<std::size_t>(i)]);
  if (bytes == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return static_cast<std::int64_t>(v);
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

TimeZone TimeZone::load(const std::string& name) {
  TimeZone z;
  if (name.empty() || name == "UTC") return z;
  const auto bad = [&](const std::string& why) {
    return UsageError("unknown time zone '" + name + "' (" + why + "; expected an IANA name such as Europe/Berlin)");
  };
  if (name.find("..") != std::string::npos || name.front() == '/') throw bad("not a zone name");
  std::ifstream in("/usr/share/zoneinfo/" + name, std::ios::binary);
  if (!in) throw bad("no such file in /usr/share/zoneinfo");
  const std::string b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (b.size() < 44 || b.compare(0, 4, "TZif") != 0) throw bad("not a TZif file");

  // Header: magic, version, 15 reserved bytes, then six counts.
  auto counts = [&](std::size_t at, std::int64_t c[6]) {
    if (b.size() < at + 44) throw bad("truncated");
    for (int i = 0; i < 6; ++i) {
      c[i] = be(b, at + 20 + 4 * static_cast<std::size_t>(i), 4);
      if (c[i] < 0 || c[i] > (1 << 20)) throw bad("implausible counts");  // no size arithmetic can wrap
    }
  };
  std::int64_t c[6];  // isutcnt isstdcnt leapcnt timecnt typecnt charcnt
  counts(0, c);
  std::size_t at = 44;
  int tbytes = 4;
  if (b[4] >= '2') {  // skip the 32-bit block and read the 64-bit one
    at += static_cast<std::size_t>(c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]);
    counts(at, c);
    at += 44;
    tbytes = 8;
  }
  const auto timecnt = static_cast<std::size_t>(c[3]), typecnt = static_cast<std::size_t>(c[4]);
  if (typecnt == 0 || b.size() < at + timecnt * (static_cast<std::size_t>(tbytes) + 1) + typecnt * 6)
    throw bad("truncated");
  const std::size_t idx_at = at + timecnt * static_cast<std::size_t>(tbytes), types_at = idx_at + timecnt;
  auto type_offset = [&](std::size_t t) {
    if (t >= typecnt) throw bad("bad type index");
    return static_cast<std::int32_t>(be(b, types_at + 6 * t, 4));
  };
  z.initial_offset_ = type_offset(0);
  for (std::size_t i = 0; i < timecnt; ++i) {
    z.transitions_.push_back(be(b, at + i * static_cast<std::size_t>(tbytes), tbytes));
    z.offsets_.push_back(type_offset(static_cast<unsigned char>(b[idx_at + i])));
  }
  return z;
}

std::int64_t TimeZone::offset_at(TimeMs utc) const {
  const std::int64_t s = floor_div(utc, 1000);
  std::size_t lo = 0, hi = transitions_.size();  // first transition after s
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    if (transitions_[mid] <= s) lo = mid + 1;
    else hi = mid;
  }
  return static_cast<std::int64_t>(lo == 0 ? initial_offset_ : offsets_[lo - 1]) * 1000;
}

TimeMs TimeZone::to_utc(TimeMs local) const {
  const TimeMs guess = local - offset_at(local);
  return local - offset_at(guess);
}

CivilTime TimeZone::civil(TimeMs utc) const {
  const TimeMs local = to_local(utc);
  const std::int64_t day = floor_div(local, 86400000), ms = local - day * 86400000;
  CivilTime c;
  civil_from_days(day, c.year, c.month, c.day);
  c.hour = static_cast<unsigned>(ms / 3600000);
  c.minute = static_cast<unsigned>(ms / 60000 % 60);
  c.second = static_cast<unsigned>(ms / 1000 % 60);
  c.weekday = static_cast<unsigned>(((day % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  return c;
}

}  // namespace sensorpipe::chart
