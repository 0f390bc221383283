// Where /api/sensors and /api/history get their answers: the interface both the -d
// database (web/history_db.h) and the in-memory recent history (web/memory_history.h)
// implement, with the store's query vocabulary (store/query.h).
//
// An implementation says whether it may be called from more than one thread; failures
// throw RuntimeError (UsageError for a query the engine refuses, such as an unknown zone).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "store/query.h"

namespace sensorpipe::web {

class HistorySource {
 public:
  virtual ~HistorySource() = default;
  // As store::HistoryReader::list_sensors and run.
  virtual std::vector<store::SensorInfo> list_sensors(const std::vector<std::string>& patterns) = 0;
  virtual store::QueryResult run(const store::Query& q, const std::function<void(const store::Row&)>& emit) = 0;
};

}  // namespace sensorpipe::web
