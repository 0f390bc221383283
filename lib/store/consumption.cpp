// Consumption and time-weighted statistics (see consumption.h for the definitions).
#include "store/consumption.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "core/errors.h"
#include "store/rollup.h"

namespace sensorpipe::store {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Power units in W and energy units in J; volumes in L; times in ms. Units are matched as
// written (case matters: mW is not MW), with "l" accepted for "L" and "m3" for "m³".
constexpr std::array<std::pair<const char*, double>, 4> kPower{{{"W", 1}, {"kW", 1e3}, {"MW", 1e6}, {"mW", 1e-3}}};
constexpr std::array<std::pair<const char*, double>, 6> kEnergy{
    {{"Wh", 3600}, {"kWh", 3.6e6}, {"MWh", 3.6e9}, {"J", 1}, {"kJ", 1e3}, {"MJ", 1e6}}};
constexpr std::array<std::pair<const char*, double>, 7> kVolume{
    {{"L", 1}, {"l", 1}, {"mL", 1e-3}, {"ml", 1e-3}, {"m³", 1e3}, {"m3", 1e3}, {"gal", 3.785411784}}};
constexpr std::array<std::pair<const char*, double>, 3> kTime{{{"s", 1e3}, {"min", 6e4}, {"h", 3.6e6}}};

template <std::size_t N>
std::optional<double> lookup(const std::array<std::pair<const char*, double>, N>& table, std::string_view unit) {
  for (const auto& [name, scale] : table)
    if (unit == name) return scale;
  return std::nullopt;
}

struct VolumeRate {
  std::string volume;
  double litres = 0, ms = 0;
};
// "L/min" -> {L, 1, 60000}; nullopt when not a volume per time.
std::optional<VolumeRate> volume_rate(std::string_view unit) {
  const auto slash = unit.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto vol = unit.substr(0, slash);
  const auto l = lookup(kVolume, vol);
  const auto t = lookup(kTime, unit.substr(slash + 1));
  if (!l || !t) return std::nullopt;
  return VolumeRate{std::string(vol), *l, *t};
}

}  // namespace

void validate(const ConsumptionOptions& o) {
  if (!(o.reset_ratio > 0 && o.reset_ratio < 1))
    throw UsageError("the reset ratio must be between 0 and 1 (exclusive)");
  if (o.lookback <= 0) throw UsageError("the lookback must be positive");
  if (o.gap <= 0) throw UsageError("the gap must be positive");
}

SeriesClass classify(const std::optional<std::string>& kind, const std::optional<std::string>& unit) {
  if (kind) {
    const auto k = lower(*kind);
    if (k == "energy" || k == "volume" || k == "usage" || k == "counter" || k == "total") return SeriesClass::Counter;
    if (k == "power" || k == "flow" || k == "rate") return SeriesClass::Rate;
  }
  if (unit) {
    if (lookup(kEnergy, *unit)) return SeriesClass::Counter;
    if (lookup(kPower, *unit) || volume_rate(*unit)) return SeriesClass::Rate;
  }
  return SeriesClass::Level;
}

const char* series_class_name(SeriesClass c) {
  switch (c) {
    case SeriesClass::Counter: return "counter";
    case SeriesClass::Rate: return "rate";
    case SeriesClass::Level: return "level";
  }
  return "level";
}

IntegralUnit integral_unit(const std::optional<std::string>& unit, const std::optional<std::string>& want) {
  const std::string u = unit.value_or("");
  if (const auto watts = lookup(kPower, u)) {
    const std::string out = want.value_or("kWh");
    const auto joules = lookup(kEnergy, out);
    if (!joules) throw UsageError("cannot integrate " + u + " into " + out + " (energy units: Wh, kWh, MWh, J, kJ, MJ)");
    return {out, *watts * 1e-3 / *joules};  // 1 W·ms = 1e-3 J
  }
  if (const auto vr = volume_rate(u)) {
    const std::string out = want.value_or(vr->volume);
    const auto litres = lookup(kVolume, out);
    if (!litres) throw UsageError("cannot integrate " + u + " into " + out + " (volume units: L, mL, m³, gal)");
    return {out, vr->litres / vr->ms / *litres};
  }
  const std::string out = u.empty() ? "h" : u + "·h";
  if (want && *want != out) throw UsageError("cannot integrate " + (u.empty() ? std::string("a value without unit") : u) + " into " + *want + " (it integrates into " + out + ")");
  return {out, 1 / 3.6e6};
}

// --- counter rule ---------------------------------------------------------------------

CounterState::Step CounterState::add(TimeMs ts, double v) {
  Step s;
  if (!have_ || ts - last_ts_ > lookback_) {
    s.baseline = true;
    hwm_ = v;
  } else if (v < hwm_ - r_ * std::fabs(hwm_)) {
    s.delta = std::max(0.0, v);  // a reset: the counter restarted from 0
    hwm_ = v;
  } else if (v > hwm_) {
    s.delta = v - hwm_;
    hwm_ = v;
  }  // else a dip within r, or no change: counts 0, the high-water mark stays
  have_ = true;
  last_ts_ = ts;
  return s;
}

CounterState::Step CounterState::add_monotone_run(TimeMs first_ts, double first, TimeMs last_ts, double last) {
  Step s = add(first_ts, first);
  if (last_ts == first_ts) return s;
  // The run never decreases, so after its first reading no reading is a reset (each is at
  // least the first, which is at or above the reset line), and the steps above the mark add
  // up to how far the last reading ends above it.
  if (last > hwm_) {
    s.delta += last - hwm_;
    hwm_ = last;
  }
  last_ts_ = last_ts;
  return s;
}

// --- bucket accumulation ----------------------------------------------------------------

std::optional<double> BucketFigures::twa() const {
  if (covered <= 0) return std::nullopt;
  return weighted / static_cast<double>(covered);
}

SeriesAccumulator::SeriesAccumulator(const ConsumptionOptions& o) : o_(o), counter_(o) {}

void SeriesAccumulator::carry_in(TimeMs ts, const Value& v) {
  if (const auto n = numeric_value(v)) {
    counter_.add(ts, *n);
    held_ = true;
    held_v_ = *n;
    held_ts_ = ts;
  } else {
    held_ = false;
  }
  pos_ = ts;
}

void SeriesAccumulator::begin(TimeMs a, TimeMs b) {
  a_ = a;
  b_ = b;
  cur_ = BucketFigures{};
  cur_.partial = !counter_.anchored_at(a);
  if (pos_ < a) pos_ = a;  // held time before the bucket belongs to no bucket of this query
}

void SeriesAccumulator::hold_until(TimeMs t) {
  if (held_) {
    const TimeMs stop = std::min({t, held_ts_ + o_.gap, b_});
    const TimeMs start = std::max(pos_, a_);
    if (stop > start) {
      cur_.weighted += held_v_ * static_cast<double>(stop - start);
      cur_.covered += stop - start;
    }
  }
  if (t > pos_) pos_ = t;
}

void SeriesAccumulator::add(TimeMs ts, const Value& v) {
  hold_until(ts);
  ++cur_.readings;
  if (const auto n = numeric_value(v)) {
    const auto step = counter_.add(ts, *n);
    cur_.increase += step.delta;
    cur_.counted = true;
    if (step.baseline) cur_.partial = true;
    held_ = true;
    held_v_ = *n;
    held_ts_ = ts;
  } else {
    held_ = false;  // an unknown state: nothing is carried across it
  }
}

void SeriesAccumulator::add_run(const RunSummary& run) {
  if (run.count <= 0) return;
  hold_until(run.first_ts);
  const auto step = counter_.add_monotone_run(run.first_ts, run.first, run.last_ts, run.last);
  cur_.increase += step.delta;
  cur_.counted = true;
  if (step.baseline) cur_.partial = true;
  cur_.readings += run.count;
  cur_.weighted += run.weighted;
  cur_.covered += run.covered;
  held_ = true;
  held_v_ = run.last;
  held_ts_ = run.last_ts;
  pos_ = run.last_ts;
}

BucketFigures SeriesAccumulator::end() {
  // The last value is carried to the bucket's end, but not past the end limit ("now").
  hold_until(std::min(b_, std::max(o_.end_limit, pos_)));
  pos_ = std::max(pos_, b_);
  return cur_;
}

TimeMs SeriesAccumulator::covered_until() const {
  if (!held_) return kMinTimeMs;
  return std::min(held_ts_ + o_.gap, std::max(o_.end_limit, held_ts_));
}

bool RunBuilder::add(TimeMs ts, const Value& v) {
  const auto n = numeric_value(v);
  if (!n) ok_ = false;
  if (!ok_) return false;
  if (s_.count == 0) {
    s_.first_ts = ts;
    s_.first = *n;
  } else {
    const TimeMs d = std::min(ts - s_.last_ts, gap_);
    s_.weighted += s_.last * static_cast<double>(d);
    s_.covered += d;
    if (*n < s_.last) ++s_.decreases;
  }
  s_.last_ts = ts;
  s_.last = *n;
  ++s_.count;
  return true;
}

std::optional<SeriesAccumulator::RunSummary> RunBuilder::summary() const {
  if (!ok_ || s_.count == 0) return std::nullopt;
  return s_;
}

// --- percentiles ---------------------------------------------------------------------------

std::optional<double> parse_percentile(std::string_view name) {
  if (name == "median") return 50.0;
  if (name.size() < 2 || name[0] != 'p') return std::nullopt;
  const std::string digits(name.substr(1));
  if (!std::isdigit(static_cast<unsigned char>(digits[0]))) return std::nullopt;
  char* end = nullptr;
  const double p = std::strtod(digits.c_str(), &end);
  if (end != digits.c_str() + digits.size() || !(p >= 0 && p <= 100)) return std::nullopt;
  return p;
}

namespace {
double sorted_percentile(const std::vector<double>& x, double p) {
  const double h = static_cast<double>(x.size() - 1) * p / 100.0;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= x.size()) return x.back();
  return x[lo] + (h - static_cast<double>(lo)) * (x[lo + 1] - x[lo]);
}
}  // namespace

std::optional<double> percentile(std::vector<double>& values, double p) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  return sorted_percentile(values, p);
}

std::vector<std::optional<double>> percentiles(std::vector<double>& values, const std::vector<double>& ps) {
  std::vector<std::optional<double>> out(ps.size());
  if (values.empty()) return out;
  std::sort(values.begin(), values.end());
  for (std::size_t i = 0; i < ps.size(); ++i) out[i] = sorted_percentile(values, ps[i]);
  return out;
}

}  // namespace sensorpipe::store
