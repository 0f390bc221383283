// The backend-neutral part of writing a batch: the sensor dictionary cache, the batch in
// key order with last write wins inside it, and the minute/hour roll-up deltas.
//
// A backend's StoreWriter::write() builds a BatchPlan, walks it (walk(): the entries that
// are not superseded nor expired, deciding new/replaced/duplicate against what it has
// stored), feeds the
// stored ones to RollupDeltas and then writes the roll-ups RollupDeltas::apply() hands
// it. How roll-ups stay exact: a new row adds to its minute's delta (merging adds counts
// and sums and compares min/max/first/last, exact since a new row removes nothing); a
// row that replaced another value could have been a minute's min, max, first or last, so
// its minute is marked dirty and must be recomputed from the raw rows, and an hour with
// a dirty minute from its minutes.
// Plain values owned by one writer; not thread-safe. Nothing here throws except what the
// dictionary's resolve callback throws.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/reading.h"
#include "store/rollup.h"
#include "store/writer.h"

namespace sensorpipe::store {

// What a writer knows of one sensor: its key in the backend and the dictionary columns.
struct SensorState {
  std::int64_t id = 0;
  std::optional<std::string> unit, kind;
  std::optional<TimeMs> first_seen, last_seen;
  bool dirty = false;  // the dictionary row needs an update at commit
};

// The writer's cache of the sensor dictionary, by name.
class SensorDictionary {
 public:
  // Returns the backend's id of a sensor not cached yet, adding it to the database
  // when it is new (another writer may have added it meanwhile).
  using Resolve = std::function<std::int64_t(const std::string& name)>;

  void clear();
  void load(const std::string& name, SensorState s);  // from the database
  // The index of `name`, calling `resolve` once for a name not cached yet.
  std::size_t index_of(const std::string& name, const Resolve& resolve);
  SensorState& operator[](std::size_t i) { return states_[i]; }
  std::vector<SensorState>& states() { return states_; }
  std::size_t size() const { return states_.size(); }
  // A row of the sensor at ts was stored: widens first_seen/last_seen.
  void saw(std::size_t index, TimeMs ts);

 private:
  std::unordered_map<std::string, std::size_t> by_name_;
  std::vector<SensorState> states_;
};

// One reading of the batch, with what the hot path needs copied in, so the sorted pass
// reads entries sequentially instead of jumping around the batch.
struct BatchEntry {
  std::int64_t sid;      // the sensor's id in the backend
  TimeMs ts;
  double num;            // the value when kind is 0 (number) or 1 (boolean: 1/0)
  std::uint32_t idx;     // position in the batch (later wins)
  std::uint32_t sensor;  // index into the SensorDictionary
  std::uint8_t kind;     // Value's alternative: 0 number, 1 boolean, 2 string
  bool has_extra;
};

class BatchPlan {
 public:
  // Updates the dictionary (unit and kind end as the latest seen, in input order; new
  // names go through `resolve`) and orders the batch by (sensor, ts, input position):
  // rows then go into a B-tree sensor by sensor in key order, and equal keys are adjacent
  // with the latest input last. Sensors with lower dictionary index come first.
  void build(const std::vector<Reading>& batch, SensorDictionary& dict, const SensorDictionary::Resolve& resolve);
  const std::vector<BatchEntry>& entries() const { return entries_; }

  // Whether a later entry of the batch has the same key as entry k (it wins, so entry k
  // is not stored): Duplicate when it carries the same value and extra fields.
  enum class Superseded { No, Duplicate, Replaced };
  Superseded superseded(std::size_t k) const;

  // The walk every backend makes over the built plan, in key order: entries superseded
  // inside the batch are counted (duplicates, replaced) and skipped, so are entries older
  // than `raw_cutoff` (expired, --retain); for each of the others the sensor's first/last
  // seen is widened in `dict` and `store(k, entry, reading)` is called. The backend's
  // callback decides new/replaced/duplicate against what is stored and counts that in `st`.
  using StoreRow = std::function<void(std::size_t k, const BatchEntry& e, const Reading& r)>;
  void walk(TimeMs raw_cutoff, SensorDictionary& dict, WriteStats& st, const StoreRow& store) const;

 private:
  const std::vector<Reading>* batch_ = nullptr;
  std::vector<BatchEntry> entries_, sorted_;
  std::vector<std::size_t> group_start_;
};

// A change to one minute bucket of one sensor.
struct MinuteDelta {
  std::int64_t sid;
  TimeMs bucket;
  Partial delta;       // the new rows' aggregate (when not dirty)
  bool dirty = false;  // a value was replaced: recompute the minute from raw rows
};

// The roll-up changes of one batch. Feed stored rows in (sensor, ts) order.
class RollupDeltas {
 public:
  void clear() { minutes_.clear(); }
  // A new row: adds to its minute.
  void add_new(const BatchEntry& e, const Value& v);
  // A row whose value was replaced by another: its minute is recomputed.
  void add_replaced(std::int64_t sid, TimeMs ts);
  bool empty() const { return minutes_.empty(); }

  // Hands over every minute, then once per (sensor, hour) the merged delta of its clean
  // minutes and whether any of its minutes was dirty (then recompute the hour from its
  // minutes instead of merging), in (sensor, time) order.
  void apply(const std::function<void(const MinuteDelta&)>& on_minute,
             const std::function<void(std::int64_t sid, TimeMs hour, const Partial& delta, bool dirty)>& on_hour) const;

 private:
  MinuteDelta& minute(std::int64_t sid, TimeMs ts);
  std::vector<MinuteDelta> minutes_;
};

}  // namespace sensorpipe::store
