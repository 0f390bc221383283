// The consumption aggregates of one sensor's query buckets (see consumption_buckets.h).
#include "store/consumption_buckets.h"

#include <algorithm>
#include <cmath>

namespace sensorpipe::store {

namespace {

// Sums of differences carry binary noise (1000.3 - 1000.1 = 0.19999999999998863); 12
// significant digits are far beyond any meter's precision and print as people expect.
double tidy(double x) {
  if (x == 0 || !std::isfinite(x)) return x;
  const int digits = 12 - static_cast<int>(std::ceil(std::log10(std::fabs(x))));
  if (digits > 300 || digits < -300) return x;
  const double scale = std::pow(10.0, digits);
  const double r = std::round(x * scale) / scale;
  return std::isfinite(r) ? r : x;
}

// Values are built in place: GCC 12 warns (falsely) about assigning a temporary variant.
void set_number(std::optional<Value>& out, double x) { out.emplace(std::in_place_index<0>, tidy(x)); }

}  // namespace

bool ConsumptionBuckets::wanted(const Query& q) {
  return std::any_of(q.aggs.begin(), q.aggs.end(), is_consumption_agg);
}

bool ConsumptionBuckets::needs_raw(const Query& q) {
  return std::any_of(q.aggs.begin(), q.aggs.end(), [](Agg a) { return agg_percentile(a).has_value(); });
}

ConsumptionBuckets::ConsumptionBuckets(const Query& q, const std::optional<std::string>& unit,
                                       const std::optional<std::string>& kind)
    : q_(q), opt_(q.consumption), unit_(unit), class_(classify(kind, unit)), acc_(q.consumption) {
  validate(opt_);
  integral_ = integral_unit(unit);
  if (q.integral_unit) {
    // A query over several sensors may mix rates: those that do not integrate into the
    // asked unit keep their own (the row says which).
    try {
      integral_ = integral_unit(unit, q.integral_unit);
    } catch (const UsageError&) {
    }
  }
  want_increase_ = class_ != SeriesClass::Rate && std::count(q.aggs.begin(), q.aggs.end(), Agg::Increase) > 0;
  want_percentiles_ = needs_raw(q);
}

bool ConsumptionBuckets::can_summarise(const Partial& p, TimeMs width) const {
  return !want_percentiles_ && p.count > 0 && p.ordered && p.ncount == p.count &&
         !(want_increase_ && p.decreases > 0) && opt_.lookback >= width && opt_.gap >= width;
}

SeriesAccumulator::RunSummary ConsumptionBuckets::run_of(const Partial& p) {
  SeriesAccumulator::RunSummary r;
  r.count = p.count;
  r.first_ts = p.first_ts;
  r.last_ts = p.last_ts;
  r.first = numeric_value(p.first).value_or(0);
  r.last = numeric_value(p.last).value_or(0);
  r.decreases = p.decreases;
  r.weighted = p.tw_sum;
  r.covered = p.tw_ms;
  return r;
}

void ConsumptionBuckets::start_carry() {
  if (started_ || carrying_) return;
  carrying_ = true;
  const TimeMs from = q_.from - std::min(carry_span(), q_.from - kMinTimeMs);
  acc_.begin(from, q_.from);
}

void ConsumptionBuckets::carry(TimeMs ts, const Value& v) {
  start_carry();
  acc_.add(ts, v);
}

void ConsumptionBuckets::carry_rollup(const Partial& p) {
  start_carry();
  acc_.add_run(run_of(p));
}

void ConsumptionBuckets::begin(TimeMs a, TimeMs b) {
  if (carrying_) {
    acc_.end();
    carrying_ = false;
  }
  started_ = true;
  acc_.begin(std::max(a, q_.from), std::min(b, q_.to));
  values_.clear();
}

void ConsumptionBuckets::add(TimeMs ts, const Value& v) {
  acc_.add(ts, v);
  if (want_percentiles_)
    if (const auto n = numeric_value(v)) values_.push_back(*n);
}

void ConsumptionBuckets::add_rollup(const Partial& p) { acc_.add_run(run_of(p)); }

bool ConsumptionBuckets::end(Row& row) {
  const BucketFigures f = acc_.end();
  const bool any = f.readings > 0 || f.covered > 0;
  std::vector<double> ps;
  for (auto a : q_.aggs)
    if (const auto p = agg_percentile(a)) ps.push_back(*p);
  const auto pv = percentiles(values_, ps);
  std::size_t next_p = 0;
  row.unit = unit_;
  row.agg_units.assign(q_.aggs.size(), std::string());
  row.partial = false;
  for (std::size_t i = 0; i < q_.aggs.size() && i < row.aggs.size(); ++i) {
    auto& out = row.aggs[i];
    switch (q_.aggs[i]) {
      case Agg::Increase:
        if (class_ == SeriesClass::Rate) {
          // What a rate consumed: its integral, in the integrated unit.
          if (any) set_number(out, f.integral(integral_));
          row.agg_units[i] = integral_.unit;
        } else {
          if (f.counted || (!f.partial && any)) set_number(out, f.increase);
          if (f.partial) row.partial = true;
          row.agg_units[i] = unit_.value_or("");
        }
        break;
      case Agg::Integral:
        if (any) set_number(out, f.integral(integral_));
        row.agg_units[i] = integral_.unit;
        break;
      case Agg::Twa:
        if (const auto t = f.twa()) set_number(out, *t);
        row.agg_units[i] = unit_.value_or("");
        break;
      default:
        if (agg_percentile(q_.aggs[i])) {
          if (pv[next_p]) out.emplace(std::in_place_index<0>, *pv[next_p]);
          ++next_p;
          row.agg_units[i] = unit_.value_or("");
        }
        break;
    }
  }
  return any;
}

}  // namespace sensorpipe::store
