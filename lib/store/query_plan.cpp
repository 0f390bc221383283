// The backend-neutral query engine (see query_plan.h).
#include "store/query_plan.h"

#include <algorithm>

#include "store/consumption_buckets.h"

namespace sensorpipe::store {

Bucketing Bucketing::for_query(const Query& q) {
  if (!q.every || *q.every <= 0) throw UsageError("the bucket width must be positive");
  Bucketing bk;
  bk.every = *q.every;
  if (!q.tz.empty() && q.tz != "UTC") {
    auto zone = TimeZone::load(q.tz);  // also when unused: a misspelt zone never passes silently
    if (*q.every % kDayMs == 0) {
      bk.zone = std::move(zone);
      bk.days = *q.every / kDayMs;
    }
  }
  return bk;
}

TimeMs Bucketing::start_of(TimeMs ts) const {
  if (!zone) return floor_to(ts, every);
  return zone->day_start(floor_to(zone->local_day(ts), days));
}

TimeMs Bucketing::next(TimeMs b) const {
  if (!zone) return b + every;
  // `days` local days on: 2 h past the naive step lands inside the next bucket whatever
  // DST did in between (days are 23-25 h), and start_of finds its beginning.
  return start_of(b + days * kDayMs + 2 * kHourMs);
}

std::vector<Segment> plan(TimeMs from, TimeMs to, bool minutes_ok, bool hours_ok) {
  std::vector<Segment> segs;
  if (from >= to) return segs;
  if (!minutes_ok) return {{from, to, Source::Raw}};
  const TimeMs m_lo = ceil_to(from, kMinuteMs), m_hi = floor_to(to, kMinuteMs);
  if (m_lo >= m_hi) return {{from, to, Source::Raw}};
  if (from < m_lo) segs.push_back({from, m_lo, Source::Raw});
  const TimeMs h_lo = ceil_to(m_lo, kHourMs), h_hi = floor_to(m_hi, kHourMs);
  if (hours_ok && h_lo < h_hi) {
    if (m_lo < h_lo) segs.push_back({m_lo, h_lo, Source::Minute});
    segs.push_back({h_lo, h_hi, Source::Hour});
    if (h_hi < m_hi) segs.push_back({h_hi, m_hi, Source::Minute});
  } else {
    segs.push_back({m_lo, m_hi, Source::Minute});
  }
  if (m_hi < to) segs.push_back({m_hi, to, Source::Raw});
  return segs;
}

std::pair<bool, bool> rollups_usable(const Bucketing& bk, TimeMs from, TimeMs to) {
  if (bk.zoned()) {
    constexpr TimeMs kLongestWalk = 10 * 366 * kDayMs;
    const TimeMs first = bk.start_of(from);
    const bool minutes = first % kMinuteMs == 0;
    bool hours = minutes && to > from && to - from <= kLongestWalk;
    for (TimeMs b = first; hours && b < to; b = bk.next(b)) hours = b % kHourMs == 0;
    return {minutes, hours};
  }
  return {bk.every % kMinuteMs == 0, bk.every % kHourMs == 0};
}

bool Emitter::operator()(const Row& row) {
  if (stop_ && stop_()) {
    res_.stopped = true;
    return false;
  }
  if (limit_ && res_.rows >= *limit_) {
    res_.truncated = true;
    return false;
  }
  emit_(row);
  ++res_.rows;
  return true;
}

// Data arrives in ts order, so most calls land in the last bucket: a zoned start_of (a
// search over the zone's transitions) runs once per bucket, not once per reading.
Partial& BucketSeries::bucket_of(TimeMs ts) {
  if (data_.empty() || ts < data_.back().first || ts >= end_) {
    const TimeMs b = bk_.start_of(ts);
    if (data_.empty() || data_.back().first != b) data_.emplace_back(b, Partial{});
    end_ = bk_.next(b);
  }
  return data_.back().second;
}

void BucketSeries::add(TimeMs ts, const Partial& p) { bucket_of(ts).merge(p); }

void BucketSeries::add(TimeMs ts, const Value& v) { bucket_of(ts).add(ts, v); }

bool bucket_rows(const std::string& sensor, const Query& q, const Bucketing& bk,
                 const std::vector<std::pair<TimeMs, Partial>>& data, const std::function<bool(const Row&)>& emit) {
  const auto aggs = q.aggs.empty() ? std::vector<Agg>{Agg::Avg} : q.aggs;
  std::vector<Row> rows;  // descending order only: all rows, then reversed
  std::optional<Row> last;  // the last row made, for fill=previous
  auto put = [&](TimeMs b, const Partial* p) {
    Row r;
    r.sensor = sensor;
    r.ts = b;
    if (p) {
      for (auto a : aggs) r.aggs.push_back(p->get(a));
    } else if (last && q.fill == Fill::Previous) {
      r.aggs = last->aggs;
    } else {
      r.aggs.assign(aggs.size(), std::nullopt);
    }
    if (q.fill == Fill::Previous) last = r;
    if (!q.descending) return emit(r);
    rows.push_back(std::move(r));
    return true;
  };
  if (q.fill == Fill::None) {
    for (const auto& [b, p] : data)
      if (!put(b, &p)) return false;
  } else {
    const bool bounded_from = q.from > kMinTimeMs, bounded_to = q.to < kMaxTimeMs;
    if (data.empty() && !(bounded_from && bounded_to)) return true;
    TimeMs b = bounded_from ? bk.start_of(q.from) : data.front().first;
    const TimeMs last_bucket = bounded_to ? bk.start_of(q.to - 1) : data.back().first;
    std::size_t i = 0;
    for (; b <= last_bucket; b = bk.next(b)) {
      while (i < data.size() && data[i].first < b) ++i;
      const Partial* p = i < data.size() && data[i].first == b ? &data[i].second : nullptr;
      if (!put(b, p)) return false;
    }
  }
  for (auto it = rows.rbegin(); it != rows.rend(); ++it)
    if (!emit(*it)) return false;
  return true;
}

void QuerySource::rollups(const SensorRef&, Source, TimeMs, TimeMs, const RollupFn&) {}

namespace {

// Returns false when the limit stopped the output.
bool raw_rows(QuerySource& src, const SensorRef& s, const Query& q, Emitter& em) {
  Row row;
  row.sensor = s.name;
  row.reading.emplace();
  Reading& r = *row.reading;
  r.sensor = s.name;
  r.unit = s.unit;
  r.kind = s.kind;
  bool ok = true;
  src.raw(s, q.from, q.to, q.descending, [&](TimeMs ts, const Value& v, std::string_view extra) {
    row.ts = ts;
    r.ts = ts;
    r.value = v;
    r.extra.assign(extra.data(), extra.size());
    ok = em(row);
    return ok;
  });
  return ok;
}

bool buckets(QuerySource& src, const SensorRef& s, const Query& q, const Bucketing& bk, Emitter& em,
             QueryResult& res) {
  bool minutes_ok = false, hours_ok = false;
  if (src.has_rollups()) {
    const TimeMs probe = q.from > kMinTimeMs ? q.from : s.first_seen.value_or(0);
    std::tie(minutes_ok, hours_ok) = rollups_usable(bk, probe, std::min(q.to, q.consumption.end_limit));
  }
  BucketSeries series(bk);
  for (const auto& seg : plan(q.from, q.to, minutes_ok, hours_ok)) {
    if (seg.source == Source::Raw) {
      src.raw(s, seg.from, seg.to, false, [&](TimeMs ts, const Value& v, std::string_view) {
        series.add(ts, v);
        return true;
      });
    } else {
      res.used_rollups = true;
      src.rollups(s, seg.source, seg.from, seg.to, [&](TimeMs b, const Partial& p) { series.add(b, p); });
    }
  }
  return bucket_rows(s.name, q, bk, series.data(), [&](const Row& r) { return em(r); });
}

// Consumption aggregates: one sensor's data in time order, each item a raw reading or a
// roll-up row that stands for its readings (ConsumptionBuckets::can_summarise); a roll-up
// row that cannot is replaced by its minutes (an hour) or its raw rows. Items stream into
// the buckets as they are read, so memory stays at one bucket whatever the range.
// False from an ItemFn ends the read (the answer is complete: a limit or a stop).
using ItemFn = std::function<bool(TimeMs ts, TimeMs width, const Partial& p)>;  // width 0: a raw reading

bool raw_items(QuerySource& src, const SensorRef& s, TimeMs from, TimeMs to, const ItemFn& f) {
  Partial one;
  bool more = true;
  src.raw(s, from, to, false, [&](TimeMs ts, const Value& v, std::string_view) {
    one = Partial{};
    one.add(ts, v);
    return more = f(ts, 0, one);
  });
  return more;
}

bool rollup_items(QuerySource& src, const SensorRef& s, Source table, TimeMs from, TimeMs to,
                  const ConsumptionBuckets& cb, const ItemFn& f, QueryResult& res) {
  const TimeMs width = table == Source::Hour ? kHourMs : kMinuteMs;
  // Read an hour (of minutes, or of hours a day) at a time: no nested reads while one runs.
  const TimeMs base = table == Source::Hour ? 24 * kHourMs : kHourMs;
  std::vector<std::pair<TimeMs, Partial>> rows;
  for (TimeMs lo = from, step = base; lo < to;) {
    const TimeMs hi = to - lo > step ? lo + step : to;
    rows.clear();
    src.rollups(s, table, lo, hi, [&](TimeMs b, const Partial& p) { rows.emplace_back(b, p); });
    lo = hi;
    // An empty stretch (before the first data, after the last, a long gap): look twice as
    // far ahead each time, so an unbounded range (no --from or --to) costs a few dozen
    // reads, not one per hour of the years 0 to 9999. Steps stay whole multiples of `base`.
    step = rows.empty() ? std::min<TimeMs>(step * 2, base << 24) : base;
    for (const auto& [b, p] : rows) {
      bool more = true;
      if (cb.can_summarise(p, width)) {
        res.used_rollups = true;
        more = f(b, width, p);
      } else if (table == Source::Hour) {
        more = rollup_items(src, s, Source::Minute, b, b + kHourMs, cb, f, res);
      } else {
        more = raw_items(src, s, b, b + kMinuteMs, f);
      }
      if (!more) return false;
    }
  }
  return true;
}

bool items(QuerySource& src, const SensorRef& s, TimeMs from, TimeMs to, bool minutes_ok, bool hours_ok,
           const ConsumptionBuckets& cb, const ItemFn& f, QueryResult& res) {
  for (const auto& seg : plan(from, to, minutes_ok, hours_ok)) {
    const bool more = seg.source == Source::Raw ? raw_items(src, s, seg.from, seg.to, f)
                                                : rollup_items(src, s, seg.source, seg.from, seg.to, cb, f, res);
    if (!more) return false;
  }
  return true;
}

// The buckets of one sensor as items arrive: closes each bucket when the data moves past
// it, gives rows to buckets a held value reaches, and fills the others as asked. Rows go to
// the emitter as each bucket closes (a held value can give a row to every bucket of a long
// range: they are never all kept), except in descending order, which needs them all first.
class ConsumptionWalk {
 public:
  ConsumptionWalk(const SensorRef& s, const Query& q, const Bucketing& bk, ConsumptionBuckets& cb, Emitter& em)
      : s_(s), q_(q), bk_(bk), cb_(cb), em_(em) {
    if (q.from > kMinTimeMs) start(bk.start_of(q.from));
  }

  // False once no more rows can be given (the emitter refused one): the read can end.
  bool feed(TimeMs ts, TimeMs width, const Partial& p) {
    if (stopped_) return false;
    if (!open_) start(bk_.start_of(ts));
    while (open_ && ts >= e_) advance(ts);
    if (!open_) return !stopped_;  // past q.to, or the emitter refused a row
    part_.merge(p);
    if (width) cb_.add_rollup(p);
    else cb_.add(ts, p.first);
    return true;
  }

  // Closes the last bucket and whatever follows up to q.to (held time, or fill). False when
  // the emitter refused a row (the limit, or a stop).
  bool finish() {
    while (open_) advance(kMaxTimeMs);
    if (q_.descending) {
      for (auto it = rows_.rbegin(); it != rows_.rend() && !stopped_; ++it)
        if (!em_(*it)) stopped_ = true;
    }
    return !stopped_;
  }

  bool stopped() const { return stopped_; }

 private:
  void start(TimeMs b) {
    b_ = b;
    e_ = bk_.next(b);
    open_ = b_ < q_.to;
    if (open_) cb_.begin(b_, e_);
    part_ = Partial{};
  }

  void put(Row&& r) {
    if (q_.fill == Fill::Previous) last_ = r;
    if (q_.descending) rows_.push_back(std::move(r));
    else if (!em_(r)) stopped_ = true;
  }

  // Closes the current bucket and opens the next one that can have a row before `ts`
  // (the next data), or stops.
  void advance(TimeMs ts) {
    Row r;
    r.sensor = s_.name;
    r.ts = b_;
    for (auto a : q_.aggs) r.aggs.push_back(is_consumption_agg(a) ? std::nullopt : part_.get(a));
    if (cb_.end(r) || !part_.empty()) {
      put(std::move(r));
    } else if (q_.fill == Fill::Previous && last_) {
      Row prev = *last_;
      prev.ts = b_;
      put(std::move(prev));
    } else if (q_.fill != Fill::None) {
      r.aggs.assign(q_.aggs.size(), std::nullopt);
      r.partial = false;
      put(std::move(r));
    }
    open_ = false;
    if (stopped_) return;
    TimeMs next = e_;
    const bool held = cb_.covered_until() > next;
    const bool fill_to_end = q_.fill != Fill::None && (q_.to < kMaxTimeMs || ts < kMaxTimeMs);
    if (!held && !fill_to_end) {
      if (ts == kMaxTimeMs) return;  // no more data, nothing reaches further
      next = std::max(next, bk_.start_of(ts));  // nothing reaches the buckets between
    }
    start(next);
  }

  const SensorRef& s_;
  const Query& q_;
  const Bucketing& bk_;
  ConsumptionBuckets& cb_;
  Emitter& em_;
  TimeMs b_ = 0, e_ = 0;
  bool open_ = false, stopped_ = false;
  Partial part_;
  std::optional<Row> last_;  // the last row, for fill=previous
  std::vector<Row> rows_;    // descending order only
};

bool consumption(QuerySource& src, const SensorRef& s, const Query& q, const Bucketing& bk, Emitter& em,
                 QueryResult& res) {
  ConsumptionBuckets cb(q, s.unit, s.kind);
  const bool rollups = src.has_rollups() && !ConsumptionBuckets::needs_raw(q);
  bool minutes_ok = false, hours_ok = false;
  if (rollups) {
    const TimeMs probe = q.from > kMinTimeMs ? q.from : s.first_seen.value_or(0);
    std::tie(minutes_ok, hours_ok) = rollups_usable(bk, probe, std::min(q.to, q.consumption.end_limit));
  }
  if (q.from > kMinTimeMs) {
    // The carry-in (baseline, high-water mark, held value) from before the range; roll-ups
    // of any alignment serve, as no bucket of the answer is cut from them.
    const TimeMs carry_from = q.from - std::min(cb.carry_span(), q.from - kMinTimeMs);
    items(src, s, carry_from, q.from, rollups, rollups, cb, [&](TimeMs ts, TimeMs width, const Partial& p) {
      if (width) cb.carry_rollup(p);
      else cb.carry(ts, p.first);
      return true;
    }, res);
  }
  // Without a lower bound nothing opens a bucket before the first data, nor after the last
  // unless a held value reaches it; with one and no data, a held value or fill may still.
  if (q.from == kMinTimeMs && !src.has_data(s, q.from, q.to)) return true;
  ConsumptionWalk walk(s, q, bk, cb, em);
  // A refused row (the limit, a stop) ends the read too, not only the output.
  items(src, s, q.from, q.to, minutes_ok, hours_ok, cb, [&](TimeMs ts, TimeMs width, const Partial& p) {
    return walk.feed(ts, width, p);
  }, res);
  return walk.finish();
}

}  // namespace

QueryResult run_query(QuerySource& src, const Query& q, const std::function<void(const Row&)>& emit) {
  QueryResult res;
  Emitter em(q, emit, res);
  std::optional<Bucketing> bk;
  if (q.every) bk = Bucketing::for_query(q);
  else if (!q.tz.empty() && q.tz != "UTC") TimeZone::load(q.tz);  // raw rows: only checked
  for (const auto& s : src.sensors(q.sensors)) {
    if (em.full()) {
      // Is anything left that the limit cut? (Filled buckets always are.)
      if ((bk && q.fill != Fill::None) || src.has_data(s, q.from, q.to)) {
        res.truncated = true;
        break;
      }
      continue;
    }
    const bool more = !bk                           ? raw_rows(src, s, q, em)
                      : ConsumptionBuckets::wanted(q) ? consumption(src, s, q, *bk, em, res)
                                                      : buckets(src, s, q, *bk, em, res);
    if (!more) break;
  }
  return res;
}

}  // namespace sensorpipe::store
