// The backend-neutral query engine (see query_plan.h).
#include "store/query_plan.h"

#include <algorithm>

namespace sensorpipe::store {

Bucketing Bucketing::for_query(const Query& q) {
  if (!q.every || *q.every <= 0) throw UsageError("the bucket width must be positive");
  Bucketing bk;
  bk.every = *q.every;
  if (!q.tz.empty() && q.tz != "UTC" && *q.every % kDayMs == 0) {
    bk.zone = TimeZone::load(q.tz);
    bk.days = *q.every / kDayMs;
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

std::pair<bool, bool> rollups_usable(const Bucketing& bk, TimeMs probe) {
  if (bk.zoned()) return {bk.start_of(probe) % kMinuteMs == 0, false};
  return {bk.every % kMinuteMs == 0, bk.every % kHourMs == 0};
}

bool Emitter::operator()(const Row& row) {
  if (limit_ && res_.rows >= *limit_) {
    res_.truncated = true;
    return false;
  }
  emit_(row);
  ++res_.rows;
  return true;
}

void BucketSeries::add(TimeMs ts, const Partial& p) {
  const TimeMs b = bk_.start_of(ts);
  if (data_.empty() || data_.back().first != b) data_.emplace_back(b, Partial{});
  data_.back().second.merge(p);
}

void BucketSeries::add(TimeMs ts, const Value& v) {
  const TimeMs b = bk_.start_of(ts);
  if (data_.empty() || data_.back().first != b) data_.emplace_back(b, Partial{});
  data_.back().second.add(ts, v);
}

std::vector<Row> bucket_rows(const std::string& sensor, const Query& q, const Bucketing& bk,
                             const std::vector<std::pair<TimeMs, Partial>>& data) {
  const auto aggs = q.aggs.empty() ? std::vector<Agg>{Agg::Avg} : q.aggs;
  std::vector<Row> rows;
  auto make_row = [&](TimeMs b, const Partial* p, const Row* prev) {
    Row r;
    r.sensor = sensor;
    r.ts = b;
    if (p) {
      for (auto a : aggs) r.aggs.push_back(p->get(a));
    } else if (prev && q.fill == Fill::Previous) {
      r.aggs = prev->aggs;
    } else {
      r.aggs.assign(aggs.size(), std::nullopt);
    }
    return r;
  };
  if (q.fill == Fill::None) {
    for (const auto& [b, p] : data) rows.push_back(make_row(b, &p, nullptr));
  } else {
    const bool bounded_from = q.from > kMinTimeMs, bounded_to = q.to < kMaxTimeMs;
    if (data.empty() && !(bounded_from && bounded_to)) return rows;
    TimeMs b = bounded_from ? bk.start_of(q.from) : data.front().first;
    const TimeMs last = bounded_to ? bk.start_of(q.to - 1) : data.back().first;
    std::size_t i = 0;
    // A run-away fill (a huge range of tiny buckets) is bounded by the limit when one is set.
    for (; b <= last; b = bk.next(b)) {
      while (i < data.size() && data[i].first < b) ++i;
      const Partial* p = i < data.size() && data[i].first == b ? &data[i].second : nullptr;
      rows.push_back(make_row(b, p, rows.empty() ? nullptr : &rows.back()));
      if (q.limit && !q.descending && rows.size() > *q.limit) break;
    }
  }
  if (q.descending) std::reverse(rows.begin(), rows.end());
  return rows;
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
    std::tie(minutes_ok, hours_ok) = rollups_usable(bk, probe);
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
  for (const auto& r : bucket_rows(s.name, q, bk, series.data()))
    if (!em(r)) return false;
  return true;
}

}  // namespace

QueryResult run_query(QuerySource& src, const Query& q, const std::function<void(const Row&)>& emit) {
  QueryResult res;
  Emitter em(q, emit, res);
  std::optional<Bucketing> bk;
  if (q.every) bk = Bucketing::for_query(q);
  for (const auto& s : src.sensors(q.sensors)) {
    if (em.full()) {
      // Is anything left that the limit cut? (Filled buckets always are.)
      if ((bk && q.fill != Fill::None) || src.has_data(s, q.from, q.to)) {
        res.truncated = true;
        break;
      }
      continue;
    }
    const bool more = bk ? buckets(src, s, q, *bk, em, res) : raw_rows(src, s, q, em);
    if (!more) break;
  }
  return res;
}

}  // namespace sensorpipe::store
