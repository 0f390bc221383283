// The -d database through the shared query engine (see history.h).
#include "web/history.h"

namespace sensorpipe::web {

namespace {
class DatabaseHistory final : public HistorySource {
 public:
  explicit DatabaseHistory(std::unique_ptr<store::HistoryReader> reader) : reader_(std::move(reader)) {}
  std::vector<store::SensorInfo> list_sensors(const std::vector<std::string>& patterns) override {
    return reader_->list_sensors(patterns);
  }
  store::QueryResult run(const store::Query& q, const std::function<void(const store::Row&)>& emit) override {
    return reader_->run(q, emit);
  }

 private:
  std::unique_ptr<store::HistoryReader> reader_;
};
}  // namespace

std::unique_ptr<HistorySource> open_database_history(const std::string& location) {
  return std::make_unique<DatabaseHistory>(store::HistoryReader::open(location));
}

}  // namespace sensorpipe::web
