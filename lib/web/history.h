// Where /api/sensors and /api/history get their answers: the database given with -d
// (the shared query engine, store/query.h), or a bounded in-memory recent history
// of what came in on stdin (when there is no database).
//
// A HistorySource is used from one thread at a time (ws-serve's API worker), except
// MemoryHistory, which is also fed from the stdin thread and locks internally.
// Failures throw RuntimeError.
#pragma once
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/reading.h"
#include "store/query.h"

namespace sensorpipe::web {

class HistorySource {
 public:
  virtual ~HistorySource() = default;
  virtual std::vector<store::SensorInfo> list_sensors(const std::vector<std::string>& patterns) = 0;
  virtual store::QueryResult run(const store::Query& q, const std::function<void(const store::Row&)>& emit) = 0;
};

// The last readings of each sensor, at most about `budget` points in all (the budget
// is shared evenly between sensors, so a new sensor makes room for itself), and at
// most `max_sensors` sensors. Thread-safe.
class MemoryHistory final : public HistorySource {
 public:
  explicit MemoryHistory(std::size_t budget = 500000, std::size_t max_sensors = 10000);
  void add(const Reading& r);
  std::vector<store::SensorInfo> list_sensors(const std::vector<std::string>& patterns) override;
  store::QueryResult run(const store::Query& q, const std::function<void(const store::Row&)>& emit) override;

 private:
  struct Point {
    TimeMs ts;
    Value value;
  };
  struct Series {
    store::SensorInfo info;  // count = readings seen; first_ts/last_ts over what is held
    std::deque<Point> points;
  };
  std::mutex mutex_;
  std::map<std::string, Series> series_;
  std::size_t budget_, max_sensors_;
};

// The -d database through the shared engine (store::HistoryReader), opened read-only.
// Throws RuntimeError when the file cannot be used (not a sensorpipe database, newer
// schema). A database that does not exist yet or has no schema yet is opened on first
// use instead (answers are empty until then) and `not_ready`, when given, says why.
std::unique_ptr<HistorySource> open_database_history(const std::string& location, std::string* not_ready = nullptr);

// Aggregates values of one bucket, as history-query does: numbers and booleans (1/0),
// skipping string states, except count/first/last which take any value. nullopt when the bucket has nothing to aggregate.
std::optional<Value> aggregate(store::Agg agg, const std::vector<const Value*>& values);
std::optional<store::Agg> agg_from_name(std::string_view name);
const char* name_of_agg(store::Agg agg);

// A readable, round bucket width at least `min_width` ("1s" .. "30d" steps).
TimeMs nice_bucket(TimeMs min_width);
std::string duration_text(TimeMs ms);  // 60000 -> "1m", 1500 -> "1500ms"

}  // namespace sensorpipe::web
