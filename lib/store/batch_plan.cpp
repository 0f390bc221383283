// The backend-neutral part of writing a batch (see batch_plan.h).
#include "store/batch_plan.h"

#include <algorithm>

namespace sensorpipe::store {

void SensorDictionary::clear() {
  by_name_.clear();
  states_.clear();
}

void SensorDictionary::load(const std::string& name, SensorState s) {
  by_name_.emplace(name, states_.size());
  states_.push_back(std::move(s));
}

std::size_t SensorDictionary::index_of(const std::string& name, const Resolve& resolve) {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) {
    SensorState s;
    s.id = resolve(name);
    it = by_name_.emplace(name, states_.size()).first;
    states_.push_back(std::move(s));
  }
  return it->second;
}

void SensorDictionary::saw(std::size_t index, TimeMs ts) {
  auto& s = states_[index];
  if (!s.first_seen || ts < *s.first_seen) s.first_seen = ts, s.dirty = true;
  if (!s.last_seen || ts > *s.last_seen) s.last_seen = ts, s.dirty = true;
}

void BatchPlan::build(const std::vector<Reading>& batch, SensorDictionary& dict,
                      const SensorDictionary::Resolve& resolve) {
  batch_ = &batch;
  entries_.clear();
  entries_.reserve(batch.size());
  // Dictionary first, in input order, so unit/kind end as the latest seen.
  std::size_t last_index = static_cast<std::size_t>(-1);
  const std::string* last_name = nullptr;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const auto& r = batch[i];
    std::size_t index;
    if (last_name && *last_name == r.sensor) {
      index = last_index;
    } else {
      index = dict.index_of(r.sensor, resolve);
      last_index = index;
      last_name = &r.sensor;
    }
    auto& s = dict[index];
    if (r.unit && r.unit != s.unit) {
      s.unit = r.unit;
      s.dirty = true;
    }
    if (r.kind && r.kind != s.kind) {
      s.kind = r.kind;
      s.dirty = true;
    }
    BatchEntry e{s.id, r.ts, 0.0, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(index),
                 static_cast<std::uint8_t>(r.value.index()), !r.extra.empty()};
    if (const auto* d = std::get_if<double>(&r.value)) e.num = *d;
    else if (const auto* b = std::get_if<bool>(&r.value)) e.num = *b ? 1.0 : 0.0;
    entries_.push_back(e);
  }
  // Grouped by sensor (a counting sort, stable), then by ts within each group (usually
  // sorted already, so the check is cheaper than the sort).
  group_start_.assign(dict.size() + 1, 0);
  for (const auto& e : entries_) ++group_start_[e.sensor + 1];
  for (std::size_t g = 1; g < group_start_.size(); ++g) group_start_[g] += group_start_[g - 1];
  sorted_.resize(entries_.size());
  {
    auto next = group_start_;
    for (const auto& e : entries_) sorted_[next[e.sensor]++] = e;
  }
  entries_.swap(sorted_);
  const auto by_ts = [](const BatchEntry& a, const BatchEntry& b) { return a.ts != b.ts ? a.ts < b.ts : a.idx < b.idx; };
  for (std::size_t g = 0; g + 1 < group_start_.size(); ++g) {
    const auto first = entries_.begin() + static_cast<std::ptrdiff_t>(group_start_[g]);
    const auto last = entries_.begin() + static_cast<std::ptrdiff_t>(group_start_[g + 1]);
    if (!std::is_sorted(first, last, by_ts)) std::sort(first, last, by_ts);
  }
}

BatchPlan::Superseded BatchPlan::superseded(std::size_t k) const {
  const BatchEntry& e = entries_[k];
  if (k + 1 >= entries_.size() || entries_[k + 1].sid != e.sid || entries_[k + 1].ts != e.ts) return Superseded::No;
  const Reading& r = (*batch_)[e.idx];
  const Reading& next = (*batch_)[entries_[k + 1].idx];
  return next.value == r.value && next.extra == r.extra ? Superseded::Duplicate : Superseded::Replaced;
}

void BatchPlan::walk(TimeMs raw_cutoff, SensorDictionary& dict, WriteStats& st, const StoreRow& store) const {
  for (std::size_t k = 0; k < entries_.size(); ++k) {
    const BatchEntry& e = entries_[k];
    switch (superseded(k)) {
      case Superseded::Duplicate: ++st.duplicates; continue;
      case Superseded::Replaced: ++st.replaced; continue;
      case Superseded::No: break;
    }
    if (e.ts < raw_cutoff) {
      ++st.expired;
      continue;
    }
    dict.saw(e.sensor, e.ts);
    store(k, e, (*batch_)[e.idx]);
  }
}

MinuteDelta& RollupDeltas::minute(std::int64_t sid, TimeMs ts) {
  const TimeMs m = floor_to(ts, kMinuteMs);
  if (minutes_.empty() || minutes_.back().sid != sid || minutes_.back().bucket != m)
    minutes_.push_back({sid, m, {}, false});
  return minutes_.back();
}

void RollupDeltas::add_new(const BatchEntry& e, const Value& v) {
  auto& b = minute(e.sid, e.ts);
  if (b.dirty) return;  // recomputed from raw rows anyway
  if (e.kind == 0) b.delta.add_number(e.ts, e.num);
  else b.delta.add(e.ts, v);
}

void RollupDeltas::add_replaced(std::int64_t sid, TimeMs ts) { minute(sid, ts).dirty = true; }

void RollupDeltas::apply(
    const std::function<void(const MinuteDelta&)>& on_minute,
    const std::function<void(std::int64_t sid, TimeMs hour, const Partial& delta, bool dirty)>& on_hour) const {
  std::size_t k = 0;
  while (k < minutes_.size()) {
    const auto sid = minutes_[k].sid;
    const TimeMs h = floor_to(minutes_[k].bucket, kHourMs);
    Partial hour_delta;
    bool hour_dirty = false;
    for (; k < minutes_.size() && minutes_[k].sid == sid && floor_to(minutes_[k].bucket, kHourMs) == h; ++k) {
      const auto& b = minutes_[k];
      on_minute(b);
      if (b.dirty) hour_dirty = true;
      else hour_delta.merge(b.delta);
    }
    if (hour_dirty || !hour_delta.empty()) on_hour(sid, h, hour_delta, hour_dirty);
  }
}

}  // namespace sensorpipe::store
