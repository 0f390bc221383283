// The -d database through the shared query engine (see history_db.h).
#include "web/history_db.h"

#include <mutex>

namespace sensorpipe::web {

namespace {
// Opens the reader on first use when the database was not ready at start-up (ws-serve
// started beside the db-store that creates it); until then the database has nothing to say.
class DatabaseHistory final : public HistorySource {
 public:
  DatabaseHistory(std::string location, std::unique_ptr<store::HistoryReader> reader, Interrupt interrupt)
      : location_(std::move(location)), interrupt_(std::move(interrupt)), reader_(std::move(reader)) {}

  std::vector<store::SensorInfo> list_sensors(const std::vector<std::string>& patterns) override {
    return stopping_as_error([&] {
      store::HistoryReader* r = reader();
      return r ? r->list_sensors(patterns) : std::vector<store::SensorInfo>{};
    });
  }
  store::QueryResult run(const store::Query& q, const std::function<void(const store::Row&)>& emit) override {
    return stopping_as_error([&] {
      store::HistoryReader* r = reader();
      return r ? r->run(q, emit) : store::QueryResult{};
    });
  }

 private:
  // An interrupted call closed the reader's connection: the next call opens a new one.
  // Interrupted passes on (the API answers 503 to it).
  template <typename F>
  auto stopping_as_error(F f) -> decltype(f()) {
    try {
      return f();
    } catch (const Interrupted&) {
      std::lock_guard<std::mutex> lock(mutex_);
      reader_.reset();
      throw;  // the API answers 503, as for a query its own stop ended
    }
  }

  store::HistoryReader* reader() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!reader_) {
      try {
        reader_ = store::HistoryReader::open(location_, interrupt_);
      } catch (const store::DatabaseNotReady&) {
        return nullptr;
      }
    }
    return reader_.get();
  }

  std::string location_;
  Interrupt interrupt_;
  std::mutex mutex_;  // guards the lazy open only; calls come from one worker thread
  std::unique_ptr<store::HistoryReader> reader_;
};
}  // namespace

std::unique_ptr<HistorySource> open_database_history(const std::string& location, std::string* not_ready,
                                                     const Interrupt& interrupt) {
  std::unique_ptr<store::HistoryReader> reader;
  try {
    reader = store::HistoryReader::open(location, interrupt);
  } catch (const store::DatabaseNotReady& e) {
    if (not_ready) *not_ready = e.what();
  }
  return std::make_unique<DatabaseHistory>(location, std::move(reader), interrupt);
}

}  // namespace sensorpipe::web
