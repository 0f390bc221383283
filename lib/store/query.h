// The history query engine's contract, shared by history-query and ws-serve's
// /api/history and /api/sensors. Each backend (lib/store/sqlite/, ...) implements it over
// the one neutral engine (store/query_plan.h), chosen by open() from the location.
//
// A HistoryReader opens a database read-only; it is used from one thread at a time
// (ws-serve keeps one per worker thread). Each run()/list_sensors() call reads one
// consistent snapshot, even while db-store writes (WAL). Failures (missing file, not a
// sensorpipe database, SQL errors) throw RuntimeError with a message fit for
// "prog: error: ..."; an unknown Query::tz or a non-positive `every` throws UsageError;
// a query that matches nothing is not an error (zero rows).
//
// Aggregates over a bucket: count counts every reading; sum/avg/min/max take numbers
// and booleans (true = 1, false = 0) and skip string states (nullopt when a bucket has
// no numeric reading); first/last are the values with the earliest/latest ts, of any type.
// Results are the same whether they come from raw rows or roll-ups (sum and avg up to
// floating-point rounding, since additions happen in a different order).
// Consumption and statistics (definitions in store/consumption.h and history-query(1)):
// increase (counters; of a rate sensor, its integral: what it consumed), integral, twa
// (time-weighted, LOCF), and exact percentiles p50/p90/p95/p99/median of the raw values.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/errors.h"
#include "core/interrupt.h"
#include "core/reading.h"
#include "core/time.h"
#include "store/consumption.h"

namespace sensorpipe::store {

enum class Agg { Avg, Min, Max, Count, Sum, First, Last, Increase, Integral, Twa, P50, P90, P95, P99, Median };
enum class Fill { None, Null, Previous };

std::optional<Agg> parse_agg(std::string_view name);  // "avg", "min", ...
const char* agg_name(Agg a);
// The names parse_agg() knows, comma-separated, for messages and help texts.
const char* agg_names();
std::optional<double> agg_percentile(Agg a);  // 95 for P95, 50 for Median; nullopt for others
// Aggregates computed by the consumption rules, in time order per sensor (not Partial's).
bool is_consumption_agg(Agg a);
// "avg,min,max" -> list; nullopt (with the bad name in `bad`) on an unknown name.
std::optional<std::vector<Agg>> parse_agg_list(std::string_view text, std::string& bad);
std::optional<Fill> parse_fill(std::string_view name);  // "none", "null", "previous"

struct Query {
  std::vector<std::string> sensors;  // patterns (core/pattern.h); empty = every sensor
  TimeMs from = kMinTimeMs;          // inclusive
  TimeMs to = kMaxTimeMs;            // exclusive
  std::optional<TimeMs> every;       // bucket width (> 0); none = raw readings
  std::vector<Agg> aggs;             // with `every`; empty means {Avg}
  Fill fill = Fill::None;            // empty buckets between from and to (or first and last data when unbounded)
  std::optional<std::uint64_t> limit;  // at most this many rows in total
  bool descending = false;
  std::string tz;                    // IANA zone: buckets of whole days start at local midnight; empty = UTC
  // Asked before each row is emitted (run() only); true ends the run there, with
  // QueryResult::stopped. The caller decides what a stop is (history-query: a signal).
  std::function<bool()> stop;
  // increase/integral/twa: reset ratio, lookback, gap, and the end limit (the caller's
  // "now": a held value is not carried past it).
  ConsumptionOptions consumption;
  std::optional<std::string> integral_unit;  // e.g. "Wh"; none = the rate's natural unit (kWh, L)
};

// One output row: a raw reading, or one bucket of one sensor.
struct Row {
  std::string sensor;
  TimeMs ts = 0;                          // reading time, or bucket start
  std::optional<Reading> reading;         // raw rows only (unit/kind are the sensor's current ones)
  std::vector<std::optional<Value>> aggs; // bucket rows: one per Query::aggs, nullopt = no data (fill null)
  // Bucket rows with a consumption aggregate: the sensor's unit, the unit of each aggregate
  // (one per Query::aggs; empty = the sensor's or none), and whether `increase` lacked a
  // baseline (see store/consumption.h).
  std::optional<std::string> unit;
  std::vector<std::string> agg_units;
  bool partial = false;

  // Makes this a raw row of one reading (reusing its storage): every backend's raw and
  // --follow rows are built here, so they cannot differ.
  void set_reading(const std::string& name, const std::optional<std::string>& sensor_unit,
                   const std::optional<std::string>& sensor_kind, TimeMs at, Value value, std::string_view extra);
};

struct SensorInfo {
  std::string name;
  std::optional<std::string> unit, kind;
  std::uint64_t count = 0;           // raw readings stored now
  TimeMs first_ts = 0, last_ts = 0;  // of the stored raw readings (of all ever stored when none are left)
  std::optional<Value> last_value;
};

struct QueryResult {
  std::uint64_t rows = 0;
  bool truncated = false;  // the limit cut the result
  bool stopped = false;    // Query::stop ended the run early
  bool used_rollups = false;
  std::uint64_t cursor = 0;  // the follow position of the snapshot this answer was read from
};

// Thrown by HistoryReader::open when the database does not exist yet or has no schema
// yet (db-store is creating it): a reader that starts beside db-store may try again later.
struct DatabaseNotReady : RuntimeError {
  using RuntimeError::RuntimeError;
};

class HistoryReader {
 public:
  virtual ~HistoryReader() = default;
  // Opens `location` read-only: an SQLite file name or a PostgreSQL URL (store/open.h).
  // `interrupt` (core/interrupt.h) cuts short any wait on a PostgreSQL server, this open
  // included, by throwing Interrupted (a stopped, slow or unreachable server would
  // otherwise hold the caller); SQLite never waits on a peer and ignores it.
  static std::unique_ptr<HistoryReader> open(const std::string& location, const Interrupt& interrupt = {});

  // Sensors whose name matches any pattern (all when empty), sorted by name.
  virtual std::vector<SensorInfo> list_sensors(const std::vector<std::string>& patterns) = 0;
  // Streams rows in order (sensor, then ts; ts descending with Query::descending).
  virtual QueryResult run(const Query& q, const std::function<void(const Row&)>& emit) = 0;

  // Following new readings (history-query --follow, ws-serve live catch-up):
  // current_cursor() marks "now"; follow() emits raw rows stored (or replaced) after
  // `cursor` that match q.sensors and [q.from, q.to), commit by commit (within one commit
  // by sensor, then ts), and returns the cursor to pass next time. Call it about once a second: the database keeps
  // its log of recent stores for at least a minute.
  virtual std::uint64_t current_cursor() = 0;
  virtual std::uint64_t follow(std::uint64_t cursor, const Query& q, const std::function<void(const Row&)>& emit) = 0;
};

}  // namespace sensorpipe::store
