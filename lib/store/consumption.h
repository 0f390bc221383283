// Consumption and time-weighted statistics of one sensor's readings: the counter rule
// (`increase`), the rate integrator (`integral`), the time-weighted average (`twa`) and
// exact percentiles. The one definition used by every query path (raw rows, roll-ups,
// ws-serve's in-memory history) and by sensor-watch's consumption rules.
//
// Pure arithmetic: no SQL, no I/O, no clock (callers pass "now" as an end limit).
// Objects are plain values, thread-compatible (one thread at a time per object).
// Misuse that a user can cause (a bad option value, an unconvertible unit) throws
// UsageError; nothing else throws.
//
// The definitions (also in history-query(1)):
//
// increase (cumulative counters: energy kWh, water L, usage seconds). Readings are taken in
//   time order. A step from reading i-1 to i counts only when the two are at most `lookback`
//   apart; a reading without such a predecessor is a new baseline (it counts 0 and marks its
//   bucket partial). The cycle's high-water mark H is the highest value since the last reset.
//   v < H - r*|H| is a reset: the reading counts v (the counter restarted from 0; negative
//   counts 0) and H = v. Otherwise it counts max(0, v - H) and H = max(H, v): a dip of at most
//   r counts 0 and keeps H, so the recovery is not counted twice. What a reading counts
//   belongs to the bucket of that reading, so buckets add up exactly (days sum to the week).
//   No extrapolation: increases are the differences of stored values. A daily reset (the
//   simulator's usage seconds) is a drop to near 0, hence a reset.
// integral (rates: W, kW, L/min, L/h, ...). Last value carried forward (LOCF): reading i's
//   value holds from its ts until the next reading, but at most `gap`; longer silences are not
//   bridged. A string value (a state such as "unavailable") ends the held value. The held
//   value is cut exactly at bucket edges and at the end limit (now). The result is in the
//   unit integral_unit() states (W -> kWh, L/min -> L, ...).
// twa: the same held intervals, Σ v·dt / Σ dt over the covered part of the bucket, with the
//   value carried in from before the bucket; nullopt when no time of the bucket is covered.
//   Booleans count as 0/1, so the twa of an on/off state is the fraction of time on.
// percentiles (p50, p90, p95, p99, median = p50): of the numeric values in the bucket (not
//   time-weighted), linear interpolation between closest ranks (numpy's default,
//   Hyndman & Fan type 7): h = (n-1)·p/100, x[floor h] + (h - floor h)·(x[floor h + 1] - x[floor h]).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/reading.h"
#include "core/time.h"

namespace sensorpipe::store {

inline constexpr double kDefaultResetRatio = 0.1;
inline constexpr TimeMs kDefaultLookbackMs = 24 * 3'600'000LL;
inline constexpr TimeMs kDefaultGapMs = 3'600'000LL;

struct ConsumptionOptions {
  double reset_ratio = kDefaultResetRatio;  // r, in (0, 1)
  TimeMs lookback = kDefaultLookbackMs;     // increase: longest silence a step may cross (> 0)
  TimeMs gap = kDefaultGapMs;               // integral/twa: longest a value is carried (> 0)
  TimeMs end_limit = kMaxTimeMs;            // nothing is carried past this (the caller's "now")
};
// Throws UsageError naming the bad field.
void validate(const ConsumptionOptions& o);

// How a sensor's readings are to be summed: from the reading's kind, else its unit.
enum class SeriesClass { Counter, Rate, Level };
// Counter kinds: energy, volume, usage, counter, total (and units Wh, kWh, MWh, J, kJ, MJ).
// Rate kinds: power, flow, rate (and units W, kW, MW, or any "X/s", "X/min", "X/h").
// Anything else is a level (temperature, humidity, ...).
SeriesClass classify(const std::optional<std::string>& kind, const std::optional<std::string>& unit);
const char* series_class_name(SeriesClass c);  // "counter", "rate", "level"

// The unit of an integral and the factor from value·milliseconds to it.
struct IntegralUnit {
  std::string unit;
  double per_value_ms = 0;
};
// W/kW/MW -> kWh (or Wh, MWh, J, kJ, MJ when `want` says so); volume per time (L/s, L/min,
// L/h, mL/min, m³/h, m3/h, gal/min, ...) -> the volume unit (or L, mL, m³ when `want` says so);
// any other unit U -> "U·h", no unit -> "h" (value·hours). Throws UsageError when `want`
// is not a unit this rate converts to.
IntegralUnit integral_unit(const std::optional<std::string>& unit, const std::optional<std::string>& want = std::nullopt);

// The counter rule over one sensor's numeric readings in ts order.
class CounterState {
 public:
  explicit CounterState(const ConsumptionOptions& o = {}) : r_(o.reset_ratio), lookback_(o.lookback) {}

  struct Step {
    double delta = 0;      // what the reading(s) count, >= 0
    bool baseline = false; // the first reading had no predecessor within lookback
  };
  // One reading (ts not before the previous one's).
  Step add(TimeMs ts, double v);
  // A run of readings with no decrease from one to the next (e.g. a roll-up bucket with
  // no decreases), given by its first and last: exactly the same as add() of each reading,
  // provided no two consecutive readings of the run are more than lookback apart.
  Step add_monotone_run(TimeMs first_ts, double first, TimeMs last_ts, double last);

  // A step from a reading at `ts` would count (there is a reading within lookback before it).
  bool anchored_at(TimeMs ts) const { return have_ && ts - last_ts_ <= lookback_; }
  bool has_reading() const { return have_; }
  double high_water() const { return hwm_; }
  TimeMs last_ts() const { return last_ts_; }

 private:
  double r_;
  TimeMs lookback_;
  bool have_ = false;
  TimeMs last_ts_ = 0;
  double hwm_ = 0;
};

// A bucket's consumption figures (see SeriesAccumulator).
struct BucketFigures {
  std::int64_t readings = 0;  // readings inside the bucket
  // increase: sum of what the bucket's readings count; partial when the bucket had no
  // baseline at its start or a reading in it started a new baseline after a silence.
  double increase = 0;
  bool partial = false;
  bool counted = false;      // at least one numeric reading was fed to the counter rule
  double weighted = 0;       // Σ v·dt over the held intervals inside the bucket (value·ms)
  TimeMs covered = 0;        // Σ dt (ms)

  std::optional<double> twa() const;
  double integral(const IntegralUnit& u) const { return weighted * u.per_value_ms; }
};

// Streams one sensor's readings bucket by bucket and applies every rule at once.
// Use: carry_in() the readings before the first bucket (the counter looks back `lookback`,
// the held value `gap`; feeding more is harmless), then for each bucket in time order
// begin(a, b), add() its readings in ts order, end(). Buckets may be skipped only when
// covered_until() <= the skipped bucket's start (otherwise held time would be lost).
class SeriesAccumulator {
 public:
  explicit SeriesAccumulator(const ConsumptionOptions& o = {});

  void carry_in(TimeMs ts, const Value& v);
  void begin(TimeMs a, TimeMs b);
  void add(TimeMs ts, const Value& v);
  BucketFigures end();

  // A roll-up bucket's summary in place of its readings (see RunSummary), inside the
  // current bucket. Exact when the run's summary was made with the same gap and lookback >= the run's width.
  struct RunSummary {
    std::int64_t count = 0;
    TimeMs first_ts = 0, last_ts = 0;
    double first = 0, last = 0;   // numeric; runs with string values cannot be summarised
    std::int64_t decreases = 0;   // consecutive pairs with next < previous: must be 0 here
    double weighted = 0;          // Σ v·min(dt, gap) between the run's own readings
    TimeMs covered = 0;
  };
  void add_run(const RunSummary& run);

  // The held value reaches up to here (exclusive); <= its ts when nothing is held.
  TimeMs covered_until() const;
  const CounterState& counter() const { return counter_; }

 private:
  void hold_until(TimeMs t);  // integrates the held value from pos_ to t inside the bucket

  ConsumptionOptions o_;
  CounterState counter_;
  bool held_ = false;     // a numeric value is held
  double held_v_ = 0;
  TimeMs held_ts_ = 0;
  TimeMs pos_ = kMinTimeMs;  // integrated up to here
  TimeMs a_ = 0, b_ = 0;
  BucketFigures cur_;
};

// Builds a RunSummary from readings in ts order (what a roll-up stores per bucket);
// nullopt when a value is a string. `gap` must be the gap the queries will use.
class RunBuilder {
 public:
  explicit RunBuilder(TimeMs gap = kDefaultGapMs) : gap_(gap) {}
  bool add(TimeMs ts, const Value& v);  // false (and the builder unusable) on a string
  std::optional<SeriesAccumulator::RunSummary> summary() const;

 private:
  TimeMs gap_;
  bool ok_ = true;
  SeriesAccumulator::RunSummary s_;
};

// Percentile names: "p50", "p90", "p95", "p99" (any "pN" with 0 <= N <= 100) and "median".
std::optional<double> parse_percentile(std::string_view name);
// Exact percentile p (0..100) of `values` as defined above; sorts `values`. nullopt when empty.
std::optional<double> percentile(std::vector<double>& values, double p);
// Several percentiles at once: one sort.
std::vector<std::optional<double>> percentiles(std::vector<double>& values, const std::vector<double>& ps);

}  // namespace sensorpipe::store
