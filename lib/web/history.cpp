// In-memory recent history and bucket helpers (see history.h).
#include "web/history.h"

#include <algorithm>
#include <cmath>

#include "core/pattern.h"

namespace sensorpipe::web {

namespace {
bool matches_any(const std::vector<std::string>& patterns, const std::string& name) {
  if (patterns.empty()) return true;
  for (const auto& p : patterns) {
    if (pattern_matches(p, name)) return true;
  }
  return false;
}
// Booleans count as 1 and 0 in sums and averages, as in the store's engine (store/query.h).
std::optional<double> number(const Value* v) {
  if (const double* d = std::get_if<double>(v)) return *d;
  if (const bool* b = std::get_if<bool>(v)) return *b ? 1.0 : 0.0;
  return std::nullopt;
}
// Builds the optional in place: returning Value(double) temporaries makes GCC 12 under
// ASan warn (falsely) that the variant's string member may be used uninitialised.
std::optional<Value> number_result(double d) {
  std::optional<Value> out;
  out.emplace(std::in_place_type<double>, d);
  return out;
}
}  // namespace

MemoryHistory::MemoryHistory(std::size_t budget, std::size_t max_sensors)
    : budget_(std::max<std::size_t>(budget, 1)), max_sensors_(max_sensors) {}

void MemoryHistory::add(const Reading& r) {
  std::lock_guard lock(mutex_);
  auto it = series_.find(r.sensor);
  if (it == series_.end()) {
    if (series_.size() >= max_sensors_) return;
    it = series_.emplace(r.sensor, Series{}).first;
    it->second.info.name = r.sensor;
  }
  Series& s = it->second;
  // Even share of the budget, but never so small that a chart has nothing to draw.
  const std::size_t cap = std::max<std::size_t>(budget_ / series_.size(), 16);
  while (s.points.size() >= cap) s.points.pop_front();
  if (s.points.empty() || s.points.back().ts <= r.ts) {
    s.points.push_back({r.ts, r.value});
  } else {  // late reading: keep the series sorted
    auto pos = std::upper_bound(s.points.begin(), s.points.end(), r.ts,
                                [](TimeMs ts, const Point& p) { return ts < p.ts; });
    s.points.insert(pos, {r.ts, r.value});
  }
  store::SensorInfo& info = s.info;
  ++info.count;
  if (r.unit) info.unit = r.unit;
  if (r.kind) info.kind = r.kind;
  if (!info.last_value || r.ts >= info.last_ts) {
    info.last_ts = r.ts;
    info.last_value = r.value;
  }
  info.first_ts = s.points.front().ts;
}

std::vector<store::SensorInfo> MemoryHistory::list_sensors(const std::vector<std::string>& patterns) {
  std::lock_guard lock(mutex_);
  std::vector<store::SensorInfo> out;
  for (const auto& [name, s] : series_) {
    if (!matches_any(patterns, name)) continue;
    out.push_back(s.info);
    out.back().count = s.points.size();  // what a query can return
  }
  return out;
}

store::QueryResult MemoryHistory::run(const store::Query& q, const std::function<void(const store::Row&)>& emit) {
  std::lock_guard lock(mutex_);
  store::QueryResult result;
  std::vector<store::Agg> aggs = q.aggs.empty() ? std::vector<store::Agg>{store::Agg::Avg} : q.aggs;
  auto limited = [&] { return q.limit && result.rows >= *q.limit; };
  store::Row row;
  for (const auto& [name, s] : series_) {
    if (!matches_any(q.sensors, name)) continue;
    auto lo = std::lower_bound(s.points.begin(), s.points.end(), q.from,
                               [](const Point& p, TimeMs ts) { return p.ts < ts; });
    auto hi = std::lower_bound(lo, s.points.end(), q.to, [](const Point& p, TimeMs ts) { return p.ts < ts; });
    row.sensor = name;
    if (!q.every) {
      for (auto it = lo; it != hi; ++it) {
        if (limited()) {
          result.truncated = true;
          return result;
        }
        Reading r;
        r.sensor = name;
        r.ts = it->ts;
        r.value = it->value;
        r.unit = s.info.unit;
        r.kind = s.info.kind;
        row.ts = it->ts;
        row.reading = std::move(r);
        emit(row);
        ++result.rows;
      }
      continue;
    }
    const TimeMs every = std::max<TimeMs>(*q.every, 1);
    row.reading.reset();
    std::vector<const Value*> bucket;
    auto floor_div = [&](TimeMs t) { return (t >= 0 ? t / every : -((-t + every - 1) / every)) * every; };
    for (auto it = lo; it != hi;) {
      const TimeMs start = floor_div(it->ts);
      bucket.clear();
      for (; it != hi && it->ts < start + every; ++it) bucket.push_back(&it->value);
      if (limited()) {
        result.truncated = true;
        return result;
      }
      row.ts = start;
      row.aggs.clear();
      for (auto a : aggs) row.aggs.push_back(aggregate(a, bucket));
      emit(row);
      ++result.rows;
    }
  }
  return result;
}

std::optional<Value> aggregate(store::Agg agg, const std::vector<const Value*>& values) {
  using store::Agg;
  if (values.empty()) return std::nullopt;
  switch (agg) {
    case Agg::Count: return number_result(static_cast<double>(values.size()));
    case Agg::First: return *values.front();
    case Agg::Last: return *values.back();
    default: break;
  }
  double sum = 0, mn = INFINITY, mx = -INFINITY;
  std::size_t n = 0;
  for (const Value* v : values) {
    const auto d = number(v);
    if (!d) continue;
    sum += *d;
    mn = std::min(mn, *d);
    mx = std::max(mx, *d);
    ++n;
  }
  if (n == 0) return std::nullopt;
  switch (agg) {
    case Agg::Avg: return number_result(sum / static_cast<double>(n));
    case Agg::Min: return number_result(mn);
    case Agg::Max: return number_result(mx);
    case Agg::Sum: return number_result(sum);
    default: return std::nullopt;
  }
}

std::optional<store::Agg> agg_from_name(std::string_view name) {
  using store::Agg;
  static constexpr std::pair<const char*, Agg> kNames[] = {{"avg", Agg::Avg},     {"min", Agg::Min},
                                                           {"max", Agg::Max},     {"count", Agg::Count},
                                                           {"sum", Agg::Sum},     {"first", Agg::First},
                                                           {"last", Agg::Last}};
  for (const auto& [n, a] : kNames) {
    if (name == n) return a;
  }
  return std::nullopt;
}

const char* name_of_agg(store::Agg agg) {
  using store::Agg;
  switch (agg) {
    case Agg::Avg: return "avg";
    case Agg::Min: return "min";
    case Agg::Max: return "max";
    case Agg::Count: return "count";
    case Agg::Sum: return "sum";
    case Agg::First: return "first";
    case Agg::Last: return "last";
  }
  return "avg";
}

TimeMs nice_bucket(TimeMs min_width) {
  static constexpr TimeMs kSteps[] = {1000,      2000,      5000,      10000,     15000,    30000,     60000,
                                      120000,    300000,    600000,    900000,    1800000,  3600000,   7200000,
                                      10800000,  21600000,  43200000,  86400000,  172800000, 604800000,
                                      2592000000};
  for (TimeMs s : kSteps) {
    if (s >= min_width) return s;
  }
  return ((min_width + 86400000 - 1) / 86400000) * 86400000;
}

std::string duration_text(TimeMs ms) { return format_duration(ms); }

}  // namespace sensorpipe::web
