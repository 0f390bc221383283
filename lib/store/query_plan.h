// The backend-neutral query engine: where bucket boundaries fall (UTC multiples or local
// days), which roll-up tables cover which part of a range, fill, order and the limit,
// over any QuerySource (a database snapshot, or ws-serve's readings in memory).
//
// A backend implements QuerySource with plain range reads and calls run_query(); all
// arithmetic (Partial, rollup.h) and all shaping of the answer happen here, once, so every
// backend and ws-serve's memory give the same rows for the same data. Values and free
// functions, no I/O of their own; run_query() is as thread-safe as the source it reads.
// Errors: Bucketing::for_query throws UsageError (non-positive width, unknown zone);
// whatever the source throws passes through.
//
// Adding an aggregate: a name in query.cpp, its value in Partial::get (rollup.cpp); one
// that a Partial cannot carry (it needs the ordered raw points, or the reading before the
// bucket) must make rollups_usable() answer {false, false} for queries that ask for it
// and take its points from QuerySource::raw, which delivers them in ts order.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/query.h"
#include "store/rollup.h"
#include "store/zone.h"

namespace sensorpipe::store {

inline constexpr TimeMs kDayMs = 86'400'000;

// Where bucket boundaries fall: every `every` ms from the epoch (UTC), or at local
// midnights every `days` days when a zone is set.
struct Bucketing {
  TimeMs every = 0;
  std::shared_ptr<const TimeZone> zone;  // set: buckets of whole local days
  std::int64_t days = 0;

  // The bucketing a query asks for (q.every must be set): a zone only when q.tz names one
  // other than UTC and the width is whole days. Throws UsageError for a non-positive
  // width or an unknown zone (also when the zone would not be used).
  static Bucketing for_query(const Query& q);
  bool zoned() const { return zone != nullptr; }
  TimeMs start_of(TimeMs ts) const;
  TimeMs next(TimeMs bucket_start) const;  // a zoned day is 23-25 h long around DST changes
};

// Which stored form answers one part of a range.
enum class Source { Raw, Minute, Hour };
struct Segment {
  TimeMs from, to;  // [from, to)
  Source source;
  bool operator==(const Segment& o) const { return from == o.from && to == o.to && source == o.source; }
};
// Splits [from, to) into raw edges, whole minutes and whole hours (when the buckets are
// multiples of them), so roll-ups answer the middle and raw rows only the ragged ends.
std::vector<Segment> plan(TimeMs from, TimeMs to, bool minutes_ok, bool hours_ok);

// Which roll-up tables may answer buckets of `bk` over [from, to): minutes when every
// boundary is a whole minute, hours when every boundary is a whole UTC hour. For local days
// the minutes are judged at `from` (a zone's midnights all fall on whole minutes or none do,
// in practice); the hours by walking the range's midnights (Berlin's are whole UTC hours,
// India's never, Lord Howe's half the year), for ranges of up to ten years: longer or
// unbounded ones keep to minutes rather than walk.
std::pair<bool, bool> rollups_usable(const Bucketing& bk, TimeMs from, TimeMs to);

// Hands rows to the caller's callback and counts them against Query::limit.
class Emitter {
 public:
  Emitter(const Query& q, const std::function<void(const Row&)>& emit, QueryResult& res)
      : limit_(q.limit), stop_(q.stop), emit_(emit), res_(res) {}
  // false once the limit is reached (the row is not emitted; the result is marked truncated),
  // or when Query::stop asks to stop (the result is marked stopped).
  bool operator()(const Row& row);
  bool full() const { return limit_ && res_.rows >= *limit_; }

 private:
  std::optional<std::uint64_t> limit_;
  const std::function<bool()>& stop_;
  const std::function<void(const Row&)>& emit_;
  QueryResult& res_;
};

// The buckets of one sensor as they fill up, in time order: add() data in ascending ts.
class BucketSeries {
 public:
  explicit BucketSeries(const Bucketing& bk) : bk_(bk) {}
  void add(TimeMs ts, const Partial& p);     // p's readings all lie in the bucket holding ts
  void add(TimeMs ts, const Value& v);       // one raw reading
  const std::vector<std::pair<TimeMs, Partial>>& data() const { return data_; }

 private:
  Partial& bucket_of(TimeMs ts);
  const Bucketing& bk_;
  std::vector<std::pair<TimeMs, Partial>> data_;
  TimeMs end_ = 0;  // where the last bucket ends (its start is data_.back().first)
};

// The output rows of one sensor's buckets: fill (null or previous) between the query's
// bounds (or the first and last bucket with data when unbounded), then the order. Rows go
// to `emit` one at a time (in ascending order as they are made: a fill of a huge range of
// tiny buckets is never held whole); false from `emit` ends it, and is returned.
bool bucket_rows(const std::string& sensor, const Query& q, const Bucketing& bk,
                 const std::vector<std::pair<TimeMs, Partial>>& data, const std::function<bool(const Row&)>& emit);

// One sensor as a source knows it.
struct SensorRef {
  std::int64_t id = 0;  // the source's own key
  std::string name;
  std::optional<std::string> unit, kind;  // current ones, given to raw rows
  std::optional<TimeMs> first_seen;
};

// What a storage backend gives the engine: plain reads of one consistent snapshot. Calls
// come from run_query() on the caller's thread.
class QuerySource {
 public:
  virtual ~QuerySource() = default;
  // Sensors whose name matches any pattern (all when none), sorted by name.
  virtual std::vector<SensorRef> sensors(const std::vector<std::string>& patterns) = 0;
  // Raw readings of `s` in [from, to) in ts order (descending when asked); stops when `f`
  // returns false. `extra` is the reading's other JSON members ("" when none).
  using RawFn = std::function<bool(TimeMs ts, const Value& value, std::string_view extra)>;
  virtual void raw(const SensorRef& s, TimeMs from, TimeMs to, bool descending, const RawFn& f) = 0;
  // Whether minute/hour roll-ups exist; a source without them answers every bucket from raw rows.
  virtual bool has_rollups() const { return false; }
  // Roll-up buckets (Minute or Hour) of `s` starting in [from, to), ascending.
  using RollupFn = std::function<void(TimeMs bucket, const Partial& p)>;
  virtual void rollups(const SensorRef& s, Source table, TimeMs from, TimeMs to, const RollupFn& f);
  // Whether `s` has any reading in [from, to) (to tell a cut result from a complete one).
  virtual bool has_data(const SensorRef& s, TimeMs from, TimeMs to) = 0;
};

// Answers `q` from `src`: raw rows or buckets, sensor by sensor (see HistoryReader::run).
// A query with a consumption aggregate (increase, integral, twa, percentiles) reads each
// sensor in time order with the carry-in from before q.from, through ConsumptionBuckets
// (consumption_buckets.h), using a roll-up row only where it can stand for its readings.
// Sets rows, truncated and used_rollups of the result; `cursor` is the caller's to set.
QueryResult run_query(QuerySource& src, const Query& q, const std::function<void(const Row&)>& emit);

}  // namespace sensorpipe::store
