// The consumption aggregates (increase, integral, twa, percentiles) of one sensor's query
// buckets, for every backend: SQLite, PostgreSQL and ws-serve's in-memory history feed it
// the same way and so give the same answers.
//
// The engine feeds one sensor in time order: first what lies in the carry-in range
// [q.from - carry_span(), q.from) through carry()/carry_rollup(), then each bucket:
// begin(), add()/add_rollup() of what lies in it, end(row). Roll-up rows (Partial) may
// replace their raw rows only when can_summarise() says so; the engine reads the raw rows
// of the others. Buckets without data may be skipped only when covered_until() <= their
// start (a held value reaches into them otherwise).
//
// One object per sensor and query; thread-compatible. The constructor throws UsageError
// for invalid consumption options.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "store/consumption.h"
#include "store/query.h"
#include "store/rollup.h"

namespace sensorpipe::store {

class ConsumptionBuckets {
 public:
  ConsumptionBuckets(const Query& q, const std::optional<std::string>& unit, const std::optional<std::string>& kind);

  static bool wanted(const Query& q);     // any consumption aggregate in q.aggs
  static bool needs_raw(const Query& q);  // a percentile: every raw value is needed

  TimeMs carry_span() const { return std::max(opt_.lookback, opt_.gap); }
  // A roll-up row of `width` can stand for its readings: it has no string value, its
  // ordered summary is known, no decrease when increase is asked, lookback and gap at
  // least its width, and no percentile is asked.
  bool can_summarise(const Partial& p, TimeMs width) const;

  void carry(TimeMs ts, const Value& v);
  void carry_rollup(const Partial& p);
  void begin(TimeMs a, TimeMs b);  // cut to [q.from, q.to)
  void add(TimeMs ts, const Value& v);
  void add_rollup(const Partial& p);
  // Sets the consumption aggregates of `row` (whose aggs must have one entry per q.aggs),
  // row.unit, row.agg_units and row.partial. True when the bucket had readings or held time.
  bool end(Row& row);

  TimeMs covered_until() const { return acc_.covered_until(); }
  SeriesClass series_class() const { return class_; }

 private:
  void start_carry();
  static SeriesAccumulator::RunSummary run_of(const Partial& p);

  const Query& q_;
  ConsumptionOptions opt_;
  std::optional<std::string> unit_;
  SeriesClass class_;
  IntegralUnit integral_;
  bool want_increase_ = false;
  bool want_percentiles_ = false;
  SeriesAccumulator acc_;
  bool carrying_ = false, started_ = false;
  std::vector<double> values_;  // the bucket's numeric values, for percentiles
};

}  // namespace sensorpipe::store
