// ws-serve's in-memory recent history over the store's query engine (see memory_history.h).
#include "web/memory_history.h"

#include <algorithm>

#include "core/pattern.h"
#include "store/query_plan.h"

namespace sensorpipe::web {

namespace {
bool matches_any(const std::vector<std::string>& patterns, const std::string& name) {
  if (patterns.empty()) return true;
  for (const auto& p : patterns) {
    if (pattern_matches(p, name)) return true;
  }
  return false;
}
}  // namespace

// The held points as raw readings (no roll-ups): every bucket is computed from them by
// the same engine that answers from a database. Lives for one run(), under the mutex.
class MemoryHistory::Source final : public store::QuerySource {
 public:
  explicit Source(const std::map<std::string, Series>& series) : series_(series) {}

  std::vector<store::SensorRef> sensors(const std::vector<std::string>& patterns) override {
    std::vector<store::SensorRef> out;
    for (const auto& [name, s] : series_) {  // a std::map: sorted by name
      if (!matches_any(patterns, name)) continue;
      by_id_.push_back(&s);
      out.push_back({static_cast<std::int64_t>(by_id_.size() - 1), name, s.info.unit, s.info.kind,
                     s.points.empty() ? std::nullopt : std::optional<TimeMs>(s.points.front().ts)});
    }
    return out;
  }

  void raw(const store::SensorRef& ref, TimeMs from, TimeMs to, bool descending, const RawFn& f) override {
    const Series& s = *by_id_[static_cast<std::size_t>(ref.id)];
    const auto& pts = s.points;
    auto lo = std::lower_bound(pts.begin(), pts.end(), from, [](const Point& p, TimeMs ts) { return p.ts < ts; });
    auto hi = std::lower_bound(lo, pts.end(), to, [](const Point& p, TimeMs ts) { return p.ts < ts; });
    // Only the latest reading kept its extra fields (see memory_history.h).
    auto extra = [&](const Point& p) {
      return p.ts == s.info.last_ts ? std::string_view(s.last_extra) : std::string_view();
    };
    if (descending) {
      for (auto it = hi; it != lo;) {
        --it;
        if (!f(it->ts, it->value, extra(*it))) return;
      }
    } else {
      for (auto it = lo; it != hi; ++it)
        if (!f(it->ts, it->value, extra(*it))) return;
    }
  }

  bool has_data(const store::SensorRef& ref, TimeMs from, TimeMs to) override {
    const auto& pts = by_id_[static_cast<std::size_t>(ref.id)]->points;
    auto lo = std::lower_bound(pts.begin(), pts.end(), from, [](const Point& p, TimeMs ts) { return p.ts < ts; });
    return lo != pts.end() && lo->ts < to;
  }

 private:
  const std::map<std::string, Series>& series_;
  std::vector<const Series*> by_id_;
};

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
    s.last_extra = r.extra;
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
  Source source(series_);
  return store::run_query(source, q, emit);
}

}  // namespace sensorpipe::web
