// ws-serve's bounded in-memory recent history (used for /api/history without -d): the
// last readings of each sensor, answered by the store's query engine (store/query_plan.h)
// as raw points, so buckets, fill, order, zones and the limit work exactly as they do on
// a database.
//
// Thread-safe: fed from the stdin thread while the API worker queries it (one mutex;
// a query holds it while it runs).
#pragma once
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/reading.h"
#include "web/history.h"

namespace sensorpipe::web {

// At most about `budget` points in all (the budget is shared evenly between sensors, so a
// new sensor makes room for itself), and at most `max_sensors` sensors (later ones are
// not kept). Readings keep their value; only each sensor's latest reading keeps its extra
// fields (what the dashboard asks for: an alert's message), so the budget stays a count of
// small points.
class MemoryHistory final : public HistorySource {
 public:
  explicit MemoryHistory(std::size_t budget = 500000, std::size_t max_sensors = 10000);
  void add(const Reading& r);
  std::vector<store::SensorInfo> list_sensors(const std::vector<std::string>& patterns) override;
  // Throws UsageError for a query the engine refuses (non-positive width, unknown zone).
  store::QueryResult run(const store::Query& q, const std::function<void(const store::Row&)>& emit) override;

 private:
  struct Point {
    TimeMs ts;
    Value value;
  };
  struct Series {
    store::SensorInfo info;  // count = readings seen; first_ts/last_ts over what is held
    std::deque<Point> points;  // sorted by ts
    std::string last_extra;    // the extra fields of the reading at info.last_ts
  };
  class Source;  // the series as a store::QuerySource
  std::mutex mutex_;
  std::map<std::string, Series> series_;
  std::size_t budget_, max_sensors_;
};

}  // namespace sensorpipe::web
