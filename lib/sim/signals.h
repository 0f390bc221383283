// Signal models of the simulator: daily cycles with noise and drift, daylight,
// motion, on/off processes (appliances, water draws) and the actuators.
//
// A Signal gives the value a sensor reports at model time t (ms since the epoch,
// UTC; the daily cycles use the UTC time of day). Callers pass non-decreasing t.
// Every model owns its random stream, so a run is a pure function of the seed and
// the options. Models are driven by one thread (the simulator's); none is
// thread-safe. Nothing here allocates per sample.
#pragma once
#include <array>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/reading.h"
#include "sim/rng.h"

namespace sensorpipe::sim {

inline constexpr TimeMs kHourMs = 3600000;
inline constexpr TimeMs kDayMs = 24 * kHourMs;

// Hour of the UTC day in [0, 24).
double hour_of_day(TimeMs t);

// Weights by hour of day (0..23), e.g. how likely an appliance starts at that hour.
using DailyProfile = std::array<double, 24>;
DailyProfile flat_profile();

// What a model carries over to a later run (sensor-sim --state): named numbers.
using SignalState = std::map<std::string, double>;

class Signal {
 public:
  virtual ~Signal() = default;
  virtual void sample(TimeMs t, Value& out) = 0;
  // Cumulative models (counters, totals, daily usage, actuators) fill `out` with
  // what they must continue from; the rest leave it empty. Called between samples.
  virtual void save_state(SignalState& /*out*/) const {}
  // Before the first sample: continue from a saved state (missing keys are ignored).
  virtual void restore_state(const SignalState& /*state*/) {}
};

// Something a command can set (see Scenario::command). `error` gets a one-line reason.
class Actuator {
 public:
  virtual ~Actuator() = default;
  virtual bool command(const Value& value, std::string& error) = 0;
};

// An on/off process in continuous time: while off it starts at random moments
// (a Poisson process whose rate follows a daily profile), then stays on for a
// uniformly drawn time. While on it draws `level` (W, L/min, ...). It keeps the
// integral of level over time and the time spent on in the current UTC day.
// Shared by the sensors that observe one appliance (power, energy, usage).
struct OnOffParams {
  double level = 1000;              // drawn while on
  TimeMs on_min = 10 * 60000;       // shortest run
  TimeMs on_max = 30 * 60000;       // longest run
  double starts_per_hour = 0.5;     // mean start rate while off, at profile weight 1
  DailyProfile profile = flat_profile();
};

class OnOff {
 public:
  enum class Mode { Auto, ForcedOn, ForcedOff };
  OnOff(OnOffParams params, Rng rng, Mode mode = Mode::Auto);

  // Moves the process to time t (no-op for t at or before the last time).
  void advance(TimeMs t);
  bool on() const { return on_; }
  double level() const { return on_ ? params_.level : 0.0; }
  double nominal_level() const { return params_.level; }
  // Integral of the level over time, in level-units x milliseconds.
  double integral() const { return integral_; }
  double on_ms_today() const { return on_today_; }
  // Takes effect from the last advanced time (a relay switched now).
  void set_mode(Mode mode);
  Mode mode() const { return mode_; }

 private:
  TimeMs next_start(TimeMs from);

  OnOffParams params_;
  Rng rng_;
  Mode mode_;
  bool started_ = false, on_ = false;
  TimeMs last_ = 0, next_toggle_ = 0, next_midnight_ = 0;
  double integral_ = 0, on_today_ = 0, max_weight_ = 1;
};

// mean + amp*cos(daily phase, maximum at peak_hour) + drift + noise, clamped.
// The drift is a mean-reverting random walk (Ornstein-Uhlenbeck) with standard
// deviation `walk` and a time constant of a few hours, so it does not depend on
// how often the sensor is sampled. An optional coupling adds `gain` while an
// on/off source is on, approached with time constant `tau` (a heater warming a
// room, a shower raising humidity).
struct WaveParams {
  double mean = 0, amp = 0, peak_hour = 15, noise = 0, walk = 0;
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
};

class Wave : public Signal {
 public:
  Wave(WaveParams params, Rng rng);
  void couple(std::shared_ptr<OnOff> source, double gain, TimeMs tau);
  void sample(TimeMs t, Value& out) override;

 private:
  WaveParams p_;
  Rng rng_;
  bool started_ = false;
  TimeMs last_ = 0, cached_dt_ = -1;
  double walk_ = 0, decay_ = 1, spread_ = 0;
  std::shared_ptr<OnOff> source_;
  double gain_ = 0, effect_ = 0;
  TimeMs tau_ = 1;
};

// Illuminance: daylight between about 06:30 and 19:30 UTC, dimmed by drifting cloud.
class Daylight : public Signal {
 public:
  Daylight(double max_lux, double noise, Rng rng);
  void sample(TimeMs t, Value& out) override;

 private:
  double max_, noise_;
  Wave cloud_;
  Rng rng_;
};

// Motion: true when a person moved in the interval since the previous sample;
// movements are a Poisson process with `per_hour` x profile(hour) events per hour.
class Motion : public Signal {
 public:
  Motion(double per_hour, DailyProfile profile, Rng rng);
  void sample(TimeMs t, Value& out) override;

 private:
  double per_hour_;
  DailyProfile profile_;
  Rng rng_;
  bool started_ = false;
  TimeMs last_ = 0;
};

// base + the sum of the sources' levels, with multiplicative noise (a meter).
class LevelSum : public Signal {
 public:
  LevelSum(std::vector<std::shared_ptr<OnOff>> sources, double base, double noise, Rng rng);
  void sample(TimeMs t, Value& out) override;

 private:
  std::vector<std::shared_ptr<OnOff>> sources_;
  double base_, noise_;
  Rng rng_;
};

// A counter that never decreases: initial + (sum of integrals + base x elapsed) x scale.
class TotalSum : public Signal {
 public:
  TotalSum(std::vector<std::shared_ptr<OnOff>> sources, double base, double scale, double initial);
  void sample(TimeMs t, Value& out) override;
  // "value": the last total; a restored total continues from it (never lower).
  void save_state(SignalState& out) const override;
  void restore_state(const SignalState& state) override;

 private:
  std::vector<std::shared_ptr<OnOff>> sources_;
  double base_, scale_, initial_, last_;
  bool started_ = false;
  TimeMs first_ = 0;
};

// Seconds the source has been on since midnight UTC (resets daily).
class UsageToday : public Signal {
 public:
  explicit UsageToday(std::shared_ptr<OnOff> source) : source_(std::move(source)) {}
  void sample(TimeMs t, Value& out) override;
  // "day" (days since the epoch, model time) and "ms" on that day: a run that
  // starts on the same day adds the saved time; on a later day usage starts at 0.
  void save_state(SignalState& out) const override;
  void restore_state(const SignalState& state) override;

 private:
  std::shared_ptr<OnOff> source_;
  double carry_ms_ = 0, last_ms_ = 0;
  TimeMs carry_day_ = 0, last_day_ = 0;
  bool carried_ = false, sampled_ = false;
};

// "on" / "off" of a source.
class StateOf : public Signal {
 public:
  explicit StateOf(std::shared_ptr<OnOff> source) : source_(std::move(source)) {}
  void sample(TimeMs t, Value& out) override;

 private:
  std::shared_ptr<OnOff> source_;
};

// An event counter (packets, pulses): increases by a Poisson number of events.
class Counter : public Signal {
 public:
  Counter(double per_second, double initial, Rng rng);
  void sample(TimeMs t, Value& out) override;
  void save_state(SignalState& out) const override;  // "value"
  void restore_state(const SignalState& state) override;

 private:
  double per_second_, count_;
  Rng rng_;
  bool started_ = false;
  TimeMs next_event_ = 0;
};

// A dimmable light's brightness in percent. Commands: a number 0..1 (a fraction;
// 1 is full), a number above 1 up to 100 (percent), true/false or "on"/"off".
class Brightness : public Signal, public Actuator {
 public:
  explicit Brightness(double percent) : percent_(percent) {}
  void sample(TimeMs t, Value& out) override;
  bool command(const Value& value, std::string& error) override;
  double percent() const { return percent_; }
  void save_state(SignalState& out) const override;  // "percent"
  void restore_state(const SignalState& state) override;

 private:
  double percent_;
};

// A relay ("on"/"off"). When it switches a load, the load runs while the relay
// is on and is off otherwise. Commands: true/false, "on"/"off", 1/0.
class Relay : public Signal, public Actuator {
 public:
  Relay(bool on, std::shared_ptr<OnOff> load);
  void sample(TimeMs t, Value& out) override;
  bool command(const Value& value, std::string& error) override;
  bool is_on() const { return on_; }
  void save_state(SignalState& out) const override;  // "on": 1 or 0
  void restore_state(const SignalState& state) override;

 private:
  bool on_;
  std::shared_ptr<OnOff> load_;
};

}  // namespace sensorpipe::sim
