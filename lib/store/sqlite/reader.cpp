// The SQLite HistoryReader: the range reads the query engine asks for, sensor lists, follow.
//
// Queries run in the neutral engine (store/query_plan.h), which splits bucket queries
// into whole hours (rollup_hour), whole minutes (rollup_minute) and raw edges and merges
// them with the same Partial arithmetic the writer uses; this file holds the SQL.
#include <sqlite3.h>

#include <algorithm>
#include <unordered_map>

#include "core/errors.h"
#include "core/pattern.h"
#include "store/query.h"
#include "store/query_plan.h"
#include "store/rollup.h"
#include "store/sqlite/backend.h"
#include "store/sqlite/rollup_rows.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite.h"
#include "store/ts_list.h"

namespace sensorpipe::store::sqlite {

namespace {

struct SensorMeta {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> unit, kind;
  std::optional<TimeMs> first_seen, last_seen;
};

class SqliteReader final : public HistoryReader, private QuerySource {
 public:
  explicit SqliteReader(const std::string& path) { db_ = open_for_reading(path, version_); }

  std::vector<SensorInfo> list_sensors(const std::vector<std::string>& patterns) override {
    sql::Transaction txn(*db_);
    std::vector<SensorInfo> out;
    // Counting raw rows would scan them all; the hour roll-ups hold the same counts (raw
    // rows are only ever deleted in whole hours, and roll-ups outlive them).
    sql::Stmt first(*db_, "SELECT ts FROM readings WHERE sensor_id=?1 ORDER BY ts LIMIT 1");
    sql::Stmt last(*db_, "SELECT ts, value FROM readings WHERE sensor_id=?1 ORDER BY ts DESC LIMIT 1");
    sql::Stmt count(*db_, "SELECT coalesce(sum(count), 0) FROM rollup_hour WHERE sensor_id=?1 AND bucket>=?2");
    for (const auto& s : matching(patterns)) {
      SensorInfo info;
      info.name = s.name;
      info.unit = s.unit;
      info.kind = s.kind;
      first.reset();
      first.bind(1, s.id);
      if (first.step()) {
        info.first_ts = first.column_int(0);
        last.reset();
        last.bind(1, s.id);
        if (last.step()) {
          info.last_ts = last.column_int(0);
          info.last_value = sql::column_value(last, 1);
        }
        count.reset();
        count.bind(1, s.id).bind(2, floor_to(info.first_ts, kHourMs));
        if (count.step()) info.count = static_cast<std::uint64_t>(count.column_int(0));
      } else {
        info.first_ts = s.first_seen.value_or(0);
        info.last_ts = s.last_seen.value_or(0);
      }
      first.reset();
      last.reset();
      count.reset();
      out.push_back(std::move(info));
    }
    txn.commit();
    return out;
  }

  QueryResult run(const Query& q, const std::function<void(const Row&)>& emit) override {
    sql::Transaction txn(*db_);  // one snapshot for the whole answer
    std::uint64_t cursor = 0;
    if (version_ >= 2) {
      sql::Stmt cur(*db_, "SELECT coalesce(max(seq), 0) FROM changes");
      if (cur.step()) cursor = static_cast<std::uint64_t>(cur.column_int(0));
    }
    QueryResult res = run_query(*this, q, emit);
    res.cursor = cursor;
    txn.commit();
    return res;
  }

  std::uint64_t current_cursor() override {
    require_log();
    sql::Stmt s(*db_, "SELECT coalesce(max(seq), 0) FROM changes");
    return s.step() ? static_cast<std::uint64_t>(s.column_int(0)) : 0;
  }

  std::uint64_t follow(std::uint64_t cursor, const Query& q, const std::function<void(const Row&)>& emit) override {
    require_log();
    sql::Transaction txn(*db_);
    std::unordered_map<std::int64_t, SensorMeta> by_id;
    for (auto& s : matching(q.sensors)) by_id.emplace(s.id, std::move(s));
    sql::Stmt log(*db_, "SELECT seq, sensor_id, ts_list FROM changes WHERE seq>?1 ORDER BY seq");
    sql::Stmt rows(*db_,
                   "SELECT ts, value, extra FROM readings WHERE sensor_id=?1 AND ts>=?2 AND ts<=?3 ORDER BY ts");
    log.bind(1, static_cast<std::int64_t>(cursor));
    std::vector<TimeMs> stamps;
    Row row;
    while (log.step()) {
      cursor = static_cast<std::uint64_t>(log.column_int(0));
      const auto it = by_id.find(log.column_int(1));
      if (it == by_id.end()) continue;
      const auto* blob = static_cast<const char*>(sqlite3_column_blob(log.handle(), 2));
      const auto size = static_cast<std::size_t>(sqlite3_column_bytes(log.handle(), 2));
      if (!decode_ts_list(std::string_view(blob ? blob : "", size), stamps) || stamps.empty()) continue;
      // The stored rows between the first and last stamp, those in the list (both sorted).
      rows.reset();
      rows.bind(1, it->first).bind(2, std::max(stamps.front(), q.from)).bind(3, std::min(stamps.back(), q.to - 1));
      std::size_t k = 0;
      while (rows.step()) {
        const TimeMs ts = rows.column_int(0);
        while (k < stamps.size() && stamps[k] < ts) ++k;
        if (k == stamps.size()) break;
        if (stamps[k] != ts) continue;
        row.set_reading(it->second.name, it->second.unit, it->second.kind, ts, sql::column_value(rows, 1),
                        rows.column_null(2) ? std::string_view() : std::string_view(rows.column_text(2)));
        emit(row);
      }
      rows.reset();
    }
    txn.commit();
    return cursor;
  }

 private:
  void require_log() {
    if (version_ < 2)
      throw RuntimeError(db_->path() + " has schema version " + std::to_string(version_) +
                         ", which cannot be followed; run db-store on it once to upgrade it");
  }

  std::vector<SensorMeta> matching(const std::vector<std::string>& patterns) {
    std::vector<SensorMeta> out;
    sql::Stmt s(*db_, "SELECT id, name, unit, kind, first_seen, last_seen FROM sensors");
    while (s.step()) {
      const std::string_view name = s.column_text(1);
      if (!matches_any(patterns, name)) continue;
      SensorMeta m;
      m.id = s.column_int(0);
      m.name = std::string(name);
      if (!s.column_null(2)) m.unit = std::string(s.column_text(2));
      if (!s.column_null(3)) m.kind = std::string(s.column_text(3));
      if (!s.column_null(4)) m.first_seen = s.column_int(4);
      if (!s.column_null(5)) m.last_seen = s.column_int(5);
      out.push_back(std::move(m));
    }
    std::sort(out.begin(), out.end(), [](const SensorMeta& a, const SensorMeta& b) { return a.name < b.name; });
    return out;
  }

  // QuerySource: range reads of the snapshot run() opened.
  std::vector<SensorRef> sensors(const std::vector<std::string>& patterns) override {
    std::vector<SensorRef> out;
    for (auto& m : matching(patterns)) out.push_back({m.id, std::move(m.name), std::move(m.unit), std::move(m.kind), m.first_seen});
    return out;
  }

  void raw(const SensorRef& s, TimeMs from, TimeMs to, bool descending, const RawFn& f) override {
    sql::Stmt& st = descending ? raw_desc_ : raw_asc_;
    if (!st.handle()) {
      st = sql::Stmt(*db_, std::string("SELECT ts, value, extra FROM readings WHERE sensor_id=?1 AND ts>=?2 AND ts<?3 "
                                       "ORDER BY ts ") +
                               (descending ? "DESC" : "ASC"));
    }
    st.reset();
    st.bind(1, s.id).bind(2, from).bind(3, to);
    while (st.step()) {
      const Value v = sql::column_value(st, 1);
      if (!f(st.column_int(0), v, st.column_null(2) ? std::string_view() : st.column_text(2))) break;
    }
    st.reset();
  }

  bool has_rollups() const override { return true; }

  void rollups(const SensorRef& s, Source table, TimeMs from, TimeMs to, const RollupFn& f) override {
    const bool hour = table == Source::Hour;
    sql::Stmt& st = hour ? hour_range_ : minute_range_;
    if (!st.handle())
      st = sql::Stmt(*db_, std::string("SELECT bucket,") + rollup_columns() + " FROM " +
                               (hour ? "rollup_hour" : "rollup_minute") +
                               " WHERE sensor_id=?1 AND bucket>=?2 AND bucket<?3 ORDER BY bucket");
    st.reset();
    st.bind(1, s.id).bind(2, from).bind(3, to);
    while (st.step()) f(st.column_int(0), read_partial(st, 1));
    st.reset();
  }

  bool has_data(const SensorRef& s, TimeMs from, TimeMs to) override {
    sql::Stmt st(*db_,
                 "SELECT 1 WHERE EXISTS(SELECT 1 FROM readings WHERE sensor_id=?1 AND ts>=?2 AND ts<?3) "
                 "OR EXISTS(SELECT 1 FROM rollup_minute WHERE sensor_id=?1 AND bucket>=?2 AND bucket<?3)");
    st.bind(1, s.id).bind(2, from).bind(3, to);
    return st.step();
  }


  // A file older than schema version 3 has no ordered summary: it reads as unknown (NULL).
  std::string rollup_columns() const {
    std::string cols = kRollupColumns;
    if (version_ < 3) {
      const std::string v3 = ",decreases,tw_sum,tw_ms";
      cols.replace(cols.find(v3), v3.size(), ",NULL,NULL,NULL");
    }
    return cols;
  }

  std::unique_ptr<sql::Db> db_;
  int version_ = 0;
  sql::Stmt raw_asc_, raw_desc_, minute_range_, hour_range_;
};

}  // namespace

std::unique_ptr<HistoryReader> open_reader(const std::string& path) { return std::make_unique<SqliteReader>(path); }

}  // namespace sensorpipe::store::sqlite
