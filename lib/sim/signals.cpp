// Signal models (see signals.h).
#include "sim/signals.h"

#include <algorithm>
#include <cmath>

namespace sensorpipe::sim {
namespace {
constexpr double kTwoPi = 6.283185307179586;
constexpr TimeMs kNever = std::numeric_limits<TimeMs>::max();
constexpr TimeMs kDriftTau = 3 * kHourMs;

// A random span in ms as an integer: at least 1 ms, at most about 300 years, so
// extreme parameters cannot overflow the arithmetic on instants.
TimeMs span_ms(double ms) { return static_cast<TimeMs>(std::clamp(ms, 1.0, 1e13)); }

TimeMs floor_div(TimeMs a, TimeMs b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
TimeMs next_midnight(TimeMs t) { return (floor_div(t, kDayMs) + 1) * kDayMs; }
// cos(2 pi turns) from a table with linear interpolation (error < 3e-7): the
// daily cycles need one per sample and back-fill takes millions of samples.
double cycle_cos(double turns) {
  static const auto table = [] {
    std::array<double, 4097> t{};
    for (std::size_t i = 0; i <= 4096; ++i) t[i] = std::cos(kTwoPi * static_cast<double>(i) / 4096);
    return t;
  }();
  turns -= std::floor(turns);
  const double x = turns * 4096;
  const auto i = std::min<std::size_t>(static_cast<std::size_t>(x), 4095);
  return table[i] + (table[i + 1] - table[i]) * (x - static_cast<double>(i));
}

double weight_at(const DailyProfile& p, TimeMs t) { return p[static_cast<std::size_t>(hour_of_day(t)) % 24]; }
}  // namespace

double hour_of_day(TimeMs t) {
  const TimeMs in_day = t - floor_div(t, kDayMs) * kDayMs;
  return static_cast<double>(in_day) / static_cast<double>(kHourMs);
}

DailyProfile flat_profile() {
  DailyProfile p;
  p.fill(1.0);
  return p;
}

// ---- OnOff ----

OnOff::OnOff(OnOffParams params, Rng rng, Mode mode) : params_(params), rng_(rng), mode_(mode) {
  max_weight_ = *std::max_element(params_.profile.begin(), params_.profile.end());
  params_.on_min = std::clamp<TimeMs>(params_.on_min, 1, 10000000000000);
  params_.on_max = std::clamp<TimeMs>(params_.on_max, params_.on_min, 10000000000000);
}

TimeMs OnOff::next_start(TimeMs from) {
  // Thinning: candidates at the peak rate, each kept with probability weight/peak.
  const double peak_per_ms = params_.starts_per_hour * max_weight_ / static_cast<double>(kHourMs);
  if (!(peak_per_ms > 0)) return kNever;
  TimeMs t = from;
  for (int i = 0; i < 100000; ++i) {
    t += span_ms(rng_.exponential(1.0 / peak_per_ms));
    if (rng_.uniform() * max_weight_ < weight_at(params_.profile, t)) return t;
  }
  return kNever;
}

void OnOff::set_mode(Mode mode) {
  mode_ = mode;
  if (!started_) return;
  switch (mode) {
    case Mode::ForcedOn: on_ = true; next_toggle_ = kNever; break;
    case Mode::ForcedOff: on_ = false; next_toggle_ = kNever; break;
    case Mode::Auto: on_ = false; next_toggle_ = next_start(last_); break;
  }
}

void OnOff::advance(TimeMs t) {
  if (!started_) {
    started_ = true;
    last_ = t;
    next_midnight_ = next_midnight(t);
    set_mode(mode_);
    return;
  }
  while (last_ < t) {
    const TimeMs end = std::min({t, next_toggle_, next_midnight_});
    if (on_) {
      const double span = static_cast<double>(end - last_);
      integral_ += params_.level * span;
      on_today_ += span;
    }
    last_ = end;
    if (end == next_midnight_) {
      on_today_ = 0;
      next_midnight_ += kDayMs;
    }
    if (end == next_toggle_) {
      if (on_) {
        on_ = false;
        next_toggle_ = next_start(end);
      } else {
        on_ = true;
        const double run = rng_.uniform(static_cast<double>(params_.on_min), static_cast<double>(params_.on_max));
        next_toggle_ = end + span_ms(run);
      }
    }
  }
}

// ---- Wave ----

Wave::Wave(WaveParams params, Rng rng) : p_(params), rng_(rng) {}

void Wave::couple(std::shared_ptr<OnOff> source, double gain, TimeMs tau) {
  source_ = std::move(source);
  gain_ = gain;
  tau_ = std::max<TimeMs>(1, tau);
}

void Wave::sample(TimeMs t, Value& out) {
  TimeMs dt = 0;
  if (!started_) {
    started_ = true;
    walk_ = p_.walk * rng_.normal();  // start anywhere in the drift's range
  } else {
    dt = std::max<TimeMs>(0, t - last_);
  }
  last_ = t;
  if (p_.walk > 0 && dt > 0) {
    if (dt != cached_dt_) {  // the period is constant, so this is computed once
      cached_dt_ = dt;
      decay_ = std::exp(-static_cast<double>(dt) / static_cast<double>(kDriftTau));
      spread_ = p_.walk * std::sqrt(1 - decay_ * decay_);
    }
    walk_ = walk_ * decay_ + spread_ * rng_.normal();
  }
  double v = p_.mean + walk_;
  if (p_.amp != 0) v += p_.amp * cycle_cos((hour_of_day(t) - p_.peak_hour) / 24.0);
  if (source_) {
    source_->advance(t);
    const double target = source_->on() ? gain_ : 0.0;
    effect_ += (target - effect_) * (1 - std::exp(-static_cast<double>(dt) / static_cast<double>(tau_)));
    v += effect_;
  }
  if (p_.noise > 0) v += p_.noise * rng_.normal();
  out = std::clamp(v, p_.min, p_.max);
}

// ---- Daylight ----

Daylight::Daylight(double max_lux, double noise, Rng rng)
    : max_(max_lux), noise_(noise), cloud_(WaveParams{0.8, 0, 0, 0, 0.15, 0.25, 1.0}, Rng(rng.next())), rng_(rng) {}

void Daylight::sample(TimeMs t, Value& out) {
  Value cloud;
  cloud_.sample(t, cloud);
  const double sun = cycle_cos((hour_of_day(t) - 6.5) / 26.0 - 0.25);  // sin(pi (h - 6.5) / 13)
  double lux = sun > 0 ? max_ * sun * std::get<double>(cloud) : 0.0;
  if (lux > 0 && noise_ > 0) lux += noise_ * rng_.normal();
  out = std::max(0.0, lux);
}

// ---- Motion ----

Motion::Motion(double per_hour, DailyProfile profile, Rng rng) : per_hour_(per_hour), profile_(profile), rng_(rng) {}

void Motion::sample(TimeMs t, Value& out) {
  const TimeMs dt = started_ ? std::max<TimeMs>(0, t - last_) : 60000;
  started_ = true;
  last_ = t;
  const double expected = per_hour_ * weight_at(profile_, t) * static_cast<double>(dt) / static_cast<double>(kHourMs);
  out = rng_.chance(1 - std::exp(-expected));
}

// ---- meters ----

LevelSum::LevelSum(std::vector<std::shared_ptr<OnOff>> sources, double base, double noise, Rng rng)
    : sources_(std::move(sources)), base_(base), noise_(noise), rng_(rng) {}

void LevelSum::sample(TimeMs t, Value& out) {
  double v = base_;
  for (auto& s : sources_) {
    s->advance(t);
    v += s->level();
  }
  if (noise_ > 0 && v > 0) v *= 1 + noise_ * rng_.normal();
  out = std::max(0.0, v);
}

TotalSum::TotalSum(std::vector<std::shared_ptr<OnOff>> sources, double base, double scale, double initial)
    : sources_(std::move(sources)), base_(base), scale_(scale), initial_(initial), last_(initial) {}

void TotalSum::sample(TimeMs t, Value& out) {
  if (!started_) {
    started_ = true;
    first_ = t;
  }
  double sum = base_ * static_cast<double>(std::max<TimeMs>(0, t - first_));
  for (auto& s : sources_) {
    s->advance(t);
    sum += s->integral();
  }
  last_ = initial_ + sum * scale_;
  out = last_;
}

void TotalSum::save_state(SignalState& out) const { out["value"] = last_; }

void TotalSum::restore_state(const SignalState& state) {
  // Only before the first sample: the integrals start at 0 there, so the total
  // continues exactly from the saved value whatever time the new run starts at.
  if (const auto it = state.find("value"); it != state.end() && !started_) initial_ = last_ = it->second;
}

void UsageToday::sample(TimeMs t, Value& out) {
  source_->advance(t);
  sampled_ = true;
  last_day_ = floor_div(t, kDayMs);
  last_ms_ = source_->on_ms_today() + (carried_ && last_day_ == carry_day_ ? carry_ms_ : 0.0);
  out = last_ms_ / 1000.0;
}

void UsageToday::save_state(SignalState& out) const {
  if (!sampled_ && !carried_) return;
  out["day"] = static_cast<double>(sampled_ ? last_day_ : carry_day_);
  out["ms"] = sampled_ ? last_ms_ : carry_ms_;
}

void UsageToday::restore_state(const SignalState& state) {
  const auto day = state.find("day"), ms = state.find("ms");
  if (day == state.end() || ms == state.end()) return;
  carried_ = true;
  carry_day_ = static_cast<TimeMs>(day->second);
  carry_ms_ = ms->second;
}

void StateOf::sample(TimeMs t, Value& out) {
  source_->advance(t);
  out = std::string(source_->on() ? "on" : "off");
}

Counter::Counter(double per_second, double initial, Rng rng) : per_second_(per_second), count_(initial), rng_(rng) {}

void Counter::sample(TimeMs t, Value& out) {
  if (per_second_ > 0) {
    const double mean_gap = 1000.0 / per_second_;
    if (!started_) {
      started_ = true;
      next_event_ = t + span_ms(rng_.exponential(mean_gap));
    }
    // Many events per sample: a normal approximation keeps the cost per sample flat.
    const double span = static_cast<double>(t - next_event_);
    if (span > 200 * mean_gap) {
      const double n = span / mean_gap;
      count_ += std::max(0.0, std::round(n + std::sqrt(n) * rng_.normal()));
      next_event_ = t + span_ms(rng_.exponential(mean_gap));
    }
    while (next_event_ <= t) {
      count_ += 1;
      next_event_ += span_ms(rng_.exponential(mean_gap));
    }
  }
  out = count_;
}

// ---- actuators ----

namespace {
// Reads an on/off command value; false when it is neither.
bool switch_value(const Value& v, bool& on) {
  if (const bool* b = std::get_if<bool>(&v)) {
    on = *b;
    return true;
  }
  if (const double* d = std::get_if<double>(&v)) {
    if (*d != 0 && *d != 1) return false;
    on = *d == 1;
    return true;
  }
  const std::string& s = std::get<std::string>(v);
  if (s == "on" || s == "ON" || s == "true" || s == "1") on = true;
  else if (s == "off" || s == "OFF" || s == "false" || s == "0") on = false;
  else return false;
  return true;
}
}  // namespace

void Counter::save_state(SignalState& out) const { out["value"] = count_; }

void Counter::restore_state(const SignalState& state) {
  if (const auto it = state.find("value"); it != state.end() && !started_) count_ = it->second;
}

void Brightness::sample(TimeMs, Value& out) { out = percent_; }

void Brightness::save_state(SignalState& out) const { out["percent"] = percent_; }

void Brightness::restore_state(const SignalState& state) {
  if (const auto it = state.find("percent"); it != state.end() && it->second >= 0 && it->second <= 100)
    percent_ = it->second;
}

bool Brightness::command(const Value& value, std::string& error) {
  if (const double* d = std::get_if<double>(&value)) {
    if (*d < 0 || *d > 100) {
      error = "brightness must be 0..1 (a fraction) or 0..100 (percent)";
      return false;
    }
    percent_ = *d <= 1 ? *d * 100 : *d;
    return true;
  }
  bool on = false;
  if (!switch_value(value, on)) {
    error = "brightness must be a number 0..1 or 0..100, true/false or \"on\"/\"off\"";
    return false;
  }
  percent_ = on ? 100 : 0;
  return true;
}

Relay::Relay(bool on, std::shared_ptr<OnOff> load) : on_(on), load_(std::move(load)) {
  if (load_) load_->set_mode(on_ ? OnOff::Mode::ForcedOn : OnOff::Mode::ForcedOff);
}

void Relay::sample(TimeMs, Value& out) { out = std::string(on_ ? "on" : "off"); }

void Relay::save_state(SignalState& out) const { out["on"] = on_ ? 1 : 0; }

void Relay::restore_state(const SignalState& state) {
  if (const auto it = state.find("on"); it != state.end()) {
    on_ = it->second != 0;
    if (load_) load_->set_mode(on_ ? OnOff::Mode::ForcedOn : OnOff::Mode::ForcedOff);
  }
}

bool Relay::command(const Value& value, std::string& error) {
  bool on = false;
  if (!switch_value(value, on)) {
    error = "relay value must be true/false, \"on\"/\"off\" or 1/0";
    return false;
  }
  on_ = on;
  if (load_) load_->set_mode(on_ ? OnOff::Mode::ForcedOn : OnOff::Mode::ForcedOff);
  return true;
}

}  // namespace sensorpipe::sim
