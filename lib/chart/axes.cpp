// Value and time axis ticks (see axes.h).
#include "chart/axes.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include <fmt/format.h>

namespace sensorpipe::chart {

namespace {

constexpr TimeMs kSec = 1000, kMin = 60 * kSec, kHour = 60 * kMin, kDay = 24 * kHour;
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// A local civil time, as printed on an axis.
struct CivilTime {
  std::int64_t year = 1970;
  unsigned month = 1, day = 1, hour = 0, minute = 0, second = 0;
};

CivilTime civil(const store::TimeZone& zone, TimeMs utc) {
  const TimeMs local = zone.to_local(utc);
  const std::int64_t day = local / kDay - (local % kDay < 0 ? 1 : 0), ms = local - day * kDay;
  CivilTime c;
  civil_from_days(day, c.year, c.month, c.day);
  c.hour = static_cast<unsigned>(ms / kHour);
  c.minute = static_cast<unsigned>(ms / kMin % 60);
  c.second = static_cast<unsigned>(ms / kSec % 60);
  return c;
}

// Halves first so that spans of huge values (near DBL_MAX) do not overflow.
double half_span(double lo, double hi) { return hi / 2 - lo / 2; }

std::string fixed_label(double v, double step) {
  int decimals = 0;  // as many as the step needs (0.25 -> 2)
  while (decimals < 9 &&
         std::fabs(step * std::pow(10.0, decimals) - std::round(step * std::pow(10.0, decimals))) > 1e-6)
    ++decimals;
  return fmt::format("{:.{}f}", v, decimals);
}

// Plain numbers up to a million, then SI prefixes (2.5M, 40G) up to 1e21, then exponents.
std::string number_label(double v, double step, double magnitude) {
  if (v == 0) return "0";
  static const char* prefixes[] = {"M", "G", "T", "P", "E"};
  if (magnitude >= 1e6 && magnitude < 1e21) {
    int k = 0;
    double scale = 1e6;
    while (k < 4 && magnitude >= scale * 1000) ++k, scale *= 1000;
    return fixed_label(v / scale, step / scale) + prefixes[k];
  }
  if (magnitude >= 1e6 || magnitude < 1e-3) {
    // Enough significant digits to tell neighbouring ticks apart.
    const int digits = std::clamp(static_cast<int>(std::ceil(std::log10(magnitude / step))) + 1, 1, 17);
    return fmt::format("{:.{}g}", v, digits);
  }
  return fixed_label(v, step);
}

std::string two(unsigned v) { return fmt::format("{:02}", v); }

}  // namespace

ValueAxis value_axis(double lo, double hi, int target) {
  ValueAxis a;
  if (!(lo <= hi)) std::swap(lo, hi);
  if (lo == hi) {
    const double pad = lo == 0 ? 1 : std::fabs(lo) * 0.1;
    lo = std::max(lo - pad, -DBL_MAX);
    hi = std::min(hi + pad, DBL_MAX);
    if (lo == hi) lo = hi > 0 ? hi * 0.9 : hi * 1.1;  // at DBL_MAX itself: room below it
  }
  target = std::max(target, 2);
  const double raw = half_span(lo, hi) * 2 / target;  // may be inf for the widest ranges: then use the halves
  const double rough = std::isfinite(raw) ? raw : half_span(lo, hi) / target * 2;
  const double p = std::pow(10.0, std::floor(std::log10(std::isfinite(rough) ? rough : DBL_MAX / 10)));
  double step = p;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (p * m >= rough) {
      step = p * m;
      break;
    }
  if (!std::isfinite(step) || step <= 0) step = DBL_MAX / 4;
  const double first = std::floor(lo / step), last = std::ceil(hi / step);
  a.lo = std::max(first * step, -DBL_MAX);
  a.hi = std::min(last * step, DBL_MAX);
  if (!(a.lo < a.hi)) a.lo = lo, a.hi = hi;
  const double magnitude = std::max(std::fabs(a.lo), std::fabs(a.hi));
  const double count = last - first;
  const long n = std::isfinite(count) ? static_cast<long>(std::min(count, 1000.0)) : 0;
  for (long k = 0; k <= n && k <= 100; ++k) {
    double v = (first + static_cast<double>(k)) * step;
    if (std::fabs(v) < step * 1e-9) v = 0;  // no "-0" or 1e-17 from rounding
    if (!std::isfinite(v)) v = v > 0 ? DBL_MAX : -DBL_MAX;
    if (v < a.lo || v > a.hi) continue;
    a.ticks.push_back(v);
    a.labels.push_back(number_label(v, step, magnitude));
  }
  return a;
}

std::vector<TimeTick> time_ticks(TimeMs from, TimeMs to, const store::TimeZone& zone, int max_ticks) {
  std::vector<TimeTick> out;
  if (to <= from || max_ticks < 1) return out;
  const TimeMs span = to - from;
  // Fixed steps in local wall-clock time, then calendar months and years.
  static const TimeMs fixed[] = {kSec,     2 * kSec,  5 * kSec,  10 * kSec,  15 * kSec, 30 * kSec, kMin,
                                 2 * kMin, 5 * kMin,  10 * kMin, 15 * kMin,  30 * kMin, kHour,     2 * kHour,
                                 3 * kHour, 6 * kHour, 12 * kHour, kDay,     2 * kDay,  7 * kDay};
  static const int months[] = {1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000, 12000};
  const auto civil_text = [&](TimeMs t, TimeMs step, const CivilTime* prev) {
    const CivilTime c = civil(zone, t);
    TimeTick tick;
    tick.at = t;
    if (step < kMin) {
      tick.label = two(c.hour) + ":" + two(c.minute) + ":" + two(c.second);
    } else if (step < kDay) {
      tick.label = two(c.hour) + ":" + two(c.minute);
    } else if (step < 28 * kDay) {
      tick.label = fmt::format("{} {}", kMonths[c.month - 1], c.day);
    } else if (step < 365 * kDay) {
      tick.label = kMonths[c.month - 1];
    } else {
      tick.label = fmt::format("{}", c.year);
    }
    if (step < kDay) {
      if (!prev || prev->day != c.day || prev->month != c.month || prev->year != c.year)
        tick.context = fmt::format("{} {}", kMonths[c.month - 1], c.day);
    } else if (step < 365 * kDay) {
      if (!prev || prev->year != c.year) tick.context = fmt::format("{}", c.year);
    }
    return std::make_pair(tick, c);
  };

  for (TimeMs step : fixed) {
    if (span / step + 1 > max_ticks) continue;
    // Days and weeks count local dates (weeks start on Monday); shorter steps count local
    // wall-clock time, so hour ticks fall on local hours.
    const TimeMs lfrom = zone.to_local(from), lto = zone.to_local(to);
    TimeMs l = (lfrom / step) * step - (lfrom < 0 && lfrom % step ? step : 0);
    if (step == 7 * kDay) l -= ((l / kDay) % 7 + 7 + 3) % 7 * kDay;  // 1970-01-05 was a Monday
    std::optional<CivilTime> prev;
    for (; l <= lto; l += step) {
      const TimeMs t = zone.to_utc(l);
      if (t < from || t > to) continue;
      auto [tick, c] = civil_text(t, step, prev ? &*prev : nullptr);
      prev = c;
      out.push_back(std::move(tick));
    }
    return out;
  }
  for (int m : months) {
    if (span / (m * 30 * kDay) + 1 > max_ticks) continue;
    const CivilTime c = civil(zone, from);
    std::int64_t idx = c.year * 12 + (c.month - 1);  // months since year 0
    idx -= ((idx % m) + m) % m;
    std::optional<CivilTime> prev;
    for (;; idx += m) {
      const std::int64_t y = idx / 12;
      const unsigned mo = static_cast<unsigned>(idx % 12) + 1;
      const TimeMs t = zone.to_utc(days_from_civil(y, mo, 1) * kDay);
      if (t > to) break;
      if (t < from) continue;
      auto [tick, cv] = civil_text(t, m * 31 * kDay, prev ? &*prev : nullptr);
      prev = cv;
      out.push_back(std::move(tick));
    }
    return out;
  }
  return out;
}

}  // namespace sensorpipe::chart
