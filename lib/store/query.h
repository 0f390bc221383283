// The history query engine's contract, shared by history-query and ws-serve's
// /api/history and /api/sensors. Implemented in lib/store (SQLite now; PostgreSQL
// later behind the same interface).
//
// A HistoryReader opens a database read-only; it is used from one thread at a time
// (ws-serve keeps one per worker thread). Failures (missing file, not a sensorpipe
// database, SQL errors) throw RuntimeError with a message fit for "prog: error: ...".
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/reading.h"
#include "core/time.h"

namespace sensorpipe::store {

enum class Agg { Avg, Min, Max, Count, Sum, First, Last };
enum class Fill { None, Null, Previous };

std::optional<Agg> parse_agg(std::string_view name);  // "avg", "min", ...
const char* agg_name(Agg a);

struct Query {
  std::vector<std::string> sensors;  // patterns (core/pattern.h); empty = every sensor
  TimeMs from = kMinTimeMs;          // inclusive
  TimeMs to = kMaxTimeMs;            // exclusive
  std::optional<TimeMs> every;       // bucket width; none = raw readings
  std::vector<Agg> aggs;             // with `every`; empty means {Avg}
  Fill fill = Fill::None;            // empty buckets between from and to
  std::optional<std::uint64_t> limit;
  bool descending = false;
  std::string tz;                    // IANA zone: day-multiple buckets start at local midnight
};

// One output row: a raw reading, or one bucket of one sensor.
struct Row {
  std::string sensor;
  TimeMs ts = 0;                          // reading time, or bucket start
  std::optional<Reading> reading;         // raw rows only
  std::vector<std::optional<Value>> aggs; // bucket rows: one per Query::aggs, nullopt = no data (fill null)
};

struct SensorInfo {
  std::string name;
  std::optional<std::string> unit, kind;
  std::uint64_t count = 0;
  TimeMs first_ts = 0, last_ts = 0;
  std::optional<Value> last_value;
};

struct QueryResult {
  std::uint64_t rows = 0;
  bool truncated = false;  // the limit cut the result
  bool used_rollups = false;
};

class HistoryReader {
 public:
  virtual ~HistoryReader() = default;
  // Opens `location` ("FILE" for SQLite) read-only.
  static std::unique_ptr<HistoryReader> open(const std::string& location);

  virtual std::vector<SensorInfo> list_sensors(const std::vector<std::string>& patterns) = 0;
  // Streams rows in order (sensor, then ts; ts descending with Query::descending).
  virtual QueryResult run(const Query& q, const std::function<void(const Row&)>& emit) = 0;
  // Readings stored after the cursor (for --follow and live catch-up); returns the new cursor.
  virtual std::uint64_t follow(std::uint64_t cursor, const Query& q, const std::function<void(const Row&)>& emit) = 0;
};

}  // namespace sensorpipe::store
