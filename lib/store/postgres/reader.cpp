// The PostgreSQL HistoryReader: the range reads the query engine asks for, sensor lists,
// follow (polling the change log), and the backend's entry points.
//
// Queries run in the neutral engine (store/query_plan.h), exactly as for SQLite, so both
// backends give the same rows for the same data; this file holds the SQL. Every answer
// reads one snapshot (a REPEATABLE READ, READ ONLY transaction). Raw ranges are read in
// pages of kPage rows (keyset: ts after the last one), so an export of millions of rows
// never sits in memory at once. A lost connection is re-opened once per call.
#include <algorithm>
#include <cstdlib>
#include <unordered_map>

#include "core/errors.h"
#include "core/pattern.h"
#include "store/postgres/backend.h"
#include "store/postgres/pq.h"
#include "store/postgres/rollup_sql.h"
#include "store/postgres/schema.h"
#include "store/query.h"
#include "store/query_plan.h"
#include "store/rollup.h"
#include "store/ts_list.h"

namespace sensorpipe::store::postgres {

namespace {

constexpr int kPage = 5000;

struct SensorMeta {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> unit, kind;
  std::optional<TimeMs> first_seen, last_seen;
};

// A raw row's value from its columns c (num), c+1 (flag), c+2 (txt).
Value value_at(const pq::Result& r, int row, int c) {
  if (!r.null(row, c)) return Value(std::in_place_index<0>, r.float8(row, c));
  if (!r.null(row, c + 1)) return Value(std::in_place_index<1>, r.boolean(row, c + 1));
  return Value(std::in_place_index<2>, std::string(r.text(row, c + 2)));
}

// A roll-up's first/last from (jsonb_typeof, #>> '{}') at columns c, c+1.
Value json_value_at(const pq::Result& r, int row, int c) {
  const auto type = r.text(row, c);
  const std::string text(r.text(row, c + 1));
  if (type == "number") return Value(std::in_place_index<0>, std::strtod(text.c_str(), nullptr));
  if (type == "boolean") return Value(std::in_place_index<1>, text == "true");
  return Value(std::in_place_index<2>, text);
}

std::string ms(TimeMs t) { return std::to_string(t); }

class PgReader final : public HistoryReader, private QuerySource {
 public:
  PgReader(const std::string& url, Interrupt interrupt) : url_(url), interrupt_(std::move(interrupt)) { connect(); }

  std::vector<SensorInfo> list_sensors(const std::vector<std::string>& patterns) override {
    return again([&] {
      pq::Transaction txn(*conn_, kSnapshot);
      std::vector<SensorInfo> out;
      for (const auto& s : matching(patterns)) {
        SensorInfo info;
        info.name = s.name;
        info.unit = s.unit;
        info.kind = s.kind;
        // As in SQLite: first and last row by the key, the count from the hour roll-ups
        // (raw rows go only in whole partitions, and roll-ups outlive them).
        auto first = conn_->exec("SELECT sensorpipe_ms(ts) FROM readings WHERE sensor_id = $1 ORDER BY ts LIMIT 1",
                                 {std::to_string(s.id)});
        if (first.rows() > 0) {
          info.first_ts = first.int64(0, 0);
          auto last = conn_->exec(
              "SELECT sensorpipe_ms(ts), num, flag, txt FROM readings WHERE sensor_id = $1 ORDER BY ts DESC LIMIT 1",
              {std::to_string(s.id)});
          if (last.rows() > 0) {
            info.last_ts = last.int64(0, 0);
            info.last_value = value_at(last, 0, 1);
          }
          auto count = conn_->exec(
              "SELECT coalesce(sum(count), 0) FROM rollup_hour WHERE sensor_id = $1 AND bucket >= sensorpipe_ts($2)",
              {std::to_string(s.id), ms(floor_to(info.first_ts, kHourMs))});
          info.count = static_cast<std::uint64_t>(count.int64(0, 0));
        } else {
          info.first_ts = s.first_seen.value_or(0);
          info.last_ts = s.last_seen.value_or(0);
        }
        out.push_back(std::move(info));
      }
      txn.commit();
      return out;
    });
  }

  QueryResult run(const Query& q, const std::function<void(const Row&)>& emit) override {
    // Not retried once rows went out: the caller would see them twice.
    bool emitted = false;
    const std::function<void(const Row&)> counted = [&](const Row& r) {
      emitted = true;
      emit(r);
    };
    for (int attempt = 0;; ++attempt) {
      try {
        if (!conn_) connect();
        pq::Transaction txn(*conn_, kSnapshot);
        const std::uint64_t cursor = max_seq();
        QueryResult res = run_query(*this, q, counted);
        res.cursor = cursor;
        txn.commit();
        return res;
      } catch (const pq::Error& e) {
        if (!e.connection_lost || emitted || attempt > 0) throw;
        conn_.reset();
      }
    }
  }

  std::uint64_t current_cursor() override {
    return again([&] { return max_seq(); });
  }

  std::uint64_t follow(std::uint64_t cursor, const Query& q, const std::function<void(const Row&)>& emit) override {
    return again([&] {
      pq::Transaction txn(*conn_, kSnapshot);
      std::unordered_map<std::int64_t, SensorMeta> by_id;
      for (auto& s : matching(q.sensors)) by_id.emplace(s.id, std::move(s));
      auto log = conn_->exec("SELECT seq, sensor_id, ts_list FROM changes WHERE seq > $1 ORDER BY seq",
                             {std::to_string(cursor)});
      std::vector<TimeMs> stamps;
      std::string bytes;
      Row row;
      std::uint64_t next = cursor;
      for (int i = 0; i < log.rows(); ++i) {
        next = static_cast<std::uint64_t>(log.int64(i, 0));
        const auto it = by_id.find(log.int64(i, 1));
        if (it == by_id.end()) continue;
        if (!unhex(log.text(i, 2), bytes) || !decode_ts_list(bytes, stamps) || stamps.empty()) continue;
        const TimeMs lo = std::max(stamps.front(), q.from), hi = std::min(stamps.back(), q.to - 1);
        if (lo > hi) continue;
        auto rows = conn_->exec(
            "SELECT sensorpipe_ms(ts), num, flag, txt, extra FROM readings WHERE sensor_id = $1 "
            "AND ts >= sensorpipe_ts($2) AND ts <= sensorpipe_ts($3) ORDER BY ts",
            {std::to_string(it->first), ms(lo), ms(hi)});
        std::size_t k = 0;
        for (int j = 0; j < rows.rows(); ++j) {
          const TimeMs ts = rows.int64(j, 0);
          while (k < stamps.size() && stamps[k] < ts) ++k;
          if (k == stamps.size()) break;
          if (stamps[k] != ts) continue;
          row.set_reading(it->second.name, it->second.unit, it->second.kind, ts, value_at(rows, j, 1),
                          rows.null(j, 4) ? std::string_view() : rows.text(j, 4));
          emit(row);
        }
      }
      txn.commit();
      return next;
    });
  }

 private:
  static constexpr const char* kSnapshot = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

  void connect() {
    conn_ = std::make_unique<pq::Conn>(url_, interrupt_);
    const int version = check_schema(*conn_);
    // What a roll-up row is read as: kRollupColumns (one list), times as epoch ms, first and
    // last as (JSON type, text); a version 1 database (not yet migrated by a db-store of
    // this version) has no ordered summary: unknown.
    rollup_select_.clear();
    for (const auto& c : rollup_columns()) {
      if (!rollup_select_.empty()) rollup_select_ += ", ";
      const bool ordered = c == "decreases" || c == "tw_sum" || c == "tw_ms";
      if (ordered && version < 2) rollup_select_ += "NULL";
      else if (c == "first" || c == "last") rollup_select_ += "jsonb_typeof(" + c + "), " + c + " #>> '{}'";
      else if (c.size() > 3 && c.compare(c.size() - 3, 3, "_ts") == 0) rollup_select_ += "sensorpipe_ms(" + c + ")";
      else rollup_select_ += c;
    }
  }

  // Runs `f`, re-opening the connection once if it was lost.
  template <typename F>
  auto again(F f) -> decltype(f()) {
    for (int attempt = 0;; ++attempt) {
      try {
        if (!conn_) connect();
        return f();
      } catch (const pq::Error& e) {
        if (!e.connection_lost || attempt > 0) throw;
        conn_.reset();
      }
    }
  }

  std::uint64_t max_seq() {
    auto r = conn_->exec("SELECT coalesce(max(seq), 0) FROM changes");
    return static_cast<std::uint64_t>(r.int64(0, 0));
  }

  // bytea text output "\x0a1b..." to bytes.
  static bool unhex(std::string_view text, std::string& out) {
    out.clear();
    if (text.size() < 2 || text[0] != '\\' || text[1] != 'x' || text.size() % 2 != 0) return false;
    auto nib = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    for (std::size_t i = 2; i < text.size(); i += 2) out += static_cast<char>(nib(text[i]) << 4 | nib(text[i + 1]));
    return true;
  }

  std::vector<SensorMeta> matching(const std::vector<std::string>& patterns) {
    std::vector<SensorMeta> out;
    auto r = conn_->exec("SELECT id, name, unit, kind, sensorpipe_ms(first_seen), sensorpipe_ms(last_seen) FROM sensors");
    for (int i = 0; i < r.rows(); ++i) {
      const std::string_view name = r.text(i, 1);
      if (!matches_any(patterns, name)) continue;
      SensorMeta m;
      m.id = r.int64(i, 0);
      m.name = std::string(name);
      if (!r.null(i, 2)) m.unit = std::string(r.text(i, 2));
      if (!r.null(i, 3)) m.kind = std::string(r.text(i, 3));
      if (!r.null(i, 4)) m.first_seen = r.int64(i, 4);
      if (!r.null(i, 5)) m.last_seen = r.int64(i, 5);
      out.push_back(std::move(m));
    }
    // Byte order, as std::string compares (the database's collation may differ).
    std::sort(out.begin(), out.end(), [](const SensorMeta& a, const SensorMeta& b) { return a.name < b.name; });
    return out;
  }

  // QuerySource: range reads of the snapshot run() opened.
  std::vector<SensorRef> sensors(const std::vector<std::string>& patterns) override {
    std::vector<SensorRef> out;
    for (auto& m : matching(patterns))
      out.push_back({m.id, std::move(m.name), std::move(m.unit), std::move(m.kind), m.first_seen});
    return out;
  }

  void raw(const SensorRef& s, TimeMs from, TimeMs to, bool descending, const RawFn& f) override {
    const std::string sql = std::string(
                                "SELECT sensorpipe_ms(ts), num, flag, txt, extra FROM readings WHERE sensor_id = $1 "
                                "AND ts >= sensorpipe_ts($2) AND ts < sensorpipe_ts($3) ORDER BY ts ") +
                            (descending ? "DESC" : "ASC") + " LIMIT " + std::to_string(kPage);
    TimeMs lo = from, hi = to;
    for (;;) {
      auto r = conn_->exec(sql, {std::to_string(s.id), ms(lo), ms(hi)});
      for (int i = 0; i < r.rows(); ++i) {
        if (!f(r.int64(i, 0), value_at(r, i, 1), r.null(i, 4) ? std::string_view() : r.text(i, 4))) return;
      }
      if (r.rows() < kPage) return;
      const TimeMs last = r.int64(r.rows() - 1, 0);
      if (descending) hi = last;
      else lo = last + 1;
    }
  }

  bool has_rollups() const override { return true; }

  void rollups(const SensorRef& s, Source table, TimeMs from, TimeMs to, const RollupFn& f) override {
    const bool hour = table == Source::Hour;
    auto r = conn_->exec("SELECT sensorpipe_ms(bucket), " + rollup_select_ + (hour ? " FROM rollup_hour" : " FROM rollup_minute") +
                             " WHERE sensor_id = $1 AND bucket >= sensorpipe_ts($2) AND bucket < sensorpipe_ts($3) "
                             "ORDER BY bucket",
                         {std::to_string(s.id), ms(from), ms(to)});
    // Columns: bucket, then kRollupColumns in order, first/last as two columns each.
    for (int i = 0; i < r.rows(); ++i) {
      Partial p;
      p.count = r.int64(i, 1);
      p.ncount = r.int64(i, 2);
      if (p.ncount > 0) {
        p.sum = r.float8(i, 3);
        p.min = r.float8(i, 4);
        p.max = r.float8(i, 5);
      }
      p.first_ts = r.int64(i, 6);
      p.first = json_value_at(r, i, 7);
      p.last_ts = r.int64(i, 9);
      p.last = json_value_at(r, i, 10);
      // The ordered summary; NULL where unknown (a bucket whose raw rows were gone when
      // schema version 2 added it): consumption then re-reads raw rows or leaves it out.
      p.ordered = !r.null(i, 12);
      if (p.ordered) {
        p.decreases = r.int64(i, 12);
        p.tw_sum = r.float8(i, 13);
        p.tw_ms = r.int64(i, 14);
      }
      f(r.int64(i, 0), p);
    }
  }

  bool has_data(const SensorRef& s, TimeMs from, TimeMs to) override {
    auto r = conn_->exec(
        "SELECT EXISTS(SELECT 1 FROM readings WHERE sensor_id = $1 AND ts >= sensorpipe_ts($2) AND ts < sensorpipe_ts($3)) "
        "OR EXISTS(SELECT 1 FROM rollup_minute WHERE sensor_id = $1 AND bucket >= sensorpipe_ts($2) "
        "AND bucket < sensorpipe_ts($3))",
        {std::to_string(s.id), ms(from), ms(to)});
    return r.boolean(0, 0);
  }


  std::string url_;
  Interrupt interrupt_;
  std::unique_ptr<pq::Conn> conn_;
  std::string rollup_select_;  // the roll-up columns' read expressions (connect())
};

}  // namespace

std::unique_ptr<HistoryReader> open_reader(const std::string& url, const Interrupt& interrupt) {
  return std::make_unique<PgReader>(url, interrupt);
}

std::string library_version() { return pq::library_version(); }

}  // namespace sensorpipe::store::postgres
