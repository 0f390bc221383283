// The SQLite HistoryReader: raw ranges, buckets from raw rows and roll-ups, sensor lists, follow.
//
// Bucket queries split [from, to) into segments: whole hours read rollup_hour, whole
// minutes rollup_minute, and the unaligned edges raw rows, all merged with the same
// Partial arithmetic the writer uses, so the result equals the raw-row computation.
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <unordered_map>

#include "core/errors.h"
#include "core/pattern.h"
#include "store/consumption_buckets.h"
#include "store/query.h"
#include "store/rollup.h"
#include "store/rollup_rows.h"
#include "store/schema.h"
#include "store/sqlite.h"
#include "store/ts_list.h"

namespace sensorpipe::store {

namespace {

constexpr TimeMs kDayMs = 86'400'000;

struct SensorMeta {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> unit, kind;
  std::optional<TimeMs> first_seen, last_seen;
};

// Local-midnight arithmetic for --tz. The C library keeps the zone in process state, so
// the switch is guarded by a mutex and undone afterwards.
class ZoneScope {
 public:
  explicit ZoneScope(const std::string& tz) : lock_(mutex()) {
    const char* old = std::getenv("TZ");
    had_old_ = old != nullptr;
    if (old) old_ = old;
    ::setenv("TZ", tz.c_str(), 1);
    ::tzset();
  }
  ~ZoneScope() {
    if (had_old_) ::setenv("TZ", old_.c_str(), 1);
    else ::unsetenv("TZ");
    ::tzset();
  }
  // Start (UTC ms) of the `days`-day bucket holding ts, counting local dates from 1970-01-01.
  static TimeMs day_start(TimeMs ts, std::int64_t days) {
    const std::time_t t = static_cast<std::time_t>(floor_to(ts, 1000) / 1000);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    std::int64_t d = days_from_civil(tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1),
                                     static_cast<unsigned>(tm.tm_mday));
    d = floor_to(d, days);
    return local_midnight(d);
  }
  static TimeMs local_midnight(std::int64_t day) {
    std::int64_t y;
    unsigned m, dd;
    civil_from_days(day, y, m, dd);
    std::tm tm{};
    tm.tm_year = static_cast<int>(y - 1900);
    tm.tm_mon = static_cast<int>(m) - 1;
    tm.tm_mday = static_cast<int>(dd);
    tm.tm_isdst = -1;
    return static_cast<TimeMs>(std::mktime(&tm)) * 1000;
  }

 private:
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  std::lock_guard<std::mutex> lock_;
  std::string old_;
  bool had_old_ = false;
};

// Where bucket boundaries fall: every `every` ms from the epoch (UTC), or at local
// midnights every N days (--tz).
struct Bucketing {
  TimeMs every = 0;
  bool zoned = false;
  std::int64_t days = 0;
  TimeMs start_of(TimeMs ts) const { return zoned ? ZoneScope::day_start(ts, days) : floor_to(ts, every); }
  TimeMs next(TimeMs b) const {
    if (!zoned) return b + every;
    // The next boundary is `days` local days on; DST makes it 23-25 h per day.
    return ZoneScope::day_start(b + days * kDayMs + 2 * kHourMs, days);
  }
};

enum class Source { Raw, Minute, Hour };
struct Segment {
  TimeMs from, to;
  Source source;
};

std::vector<Segment> plan(TimeMs from, TimeMs to, bool minutes_ok, bool hours_ok) {
  std::vector<Segment> segs;
  if (from >= to) return segs;
  if (!minutes_ok) return {{from, to, Source::Raw}};
  const TimeMs m_lo = ceil_to(from, kMinuteMs), m_hi = floor_to(to, kMinuteMs);
  if (m_lo >= m_hi) return {{from, to, Source::Raw}};
  if (from < m_lo) segs.push_back({from, m_lo, Source::Raw});
  const TimeMs h_lo = ceil_to(m_lo, kHourMs), h_hi = floor_to(m_hi, kHourMs);
  if (hours_ok && h_lo < h_hi) {
    if (m_lo < h_lo) segs.push_back({m_lo, h_lo, Source::Minute});
    segs.push_back({h_lo, h_hi, Source::Hour});
    if (h_hi < m_hi) segs.push_back({h_hi, m_hi, Source::Minute});
  } else {
    segs.push_back({m_lo, m_hi, Source::Minute});
  }
  if (m_hi < to) segs.push_back({m_hi, to, Source::Raw});
  return segs;
}

// Counts rows against the limit; false once the limit is reached (and marks truncation).
class Emitter {
 public:
  Emitter(const Query& q, const std::function<void(const Row&)>& emit, QueryResult& res)
      : limit_(q.limit), emit_(emit), res_(res) {}
  bool operator()(const Row& row) {
    if (limit_ && res_.rows >= *limit_) {
      res_.truncated = true;
      return false;
    }
    emit_(row);
    ++res_.rows;
    return true;
  }
  bool full() const { return limit_ && res_.rows >= *limit_; }

 private:
  std::optional<std::uint64_t> limit_;
  const std::function<void(const Row&)>& emit_;
  QueryResult& res_;
};

class SqliteReader final : public HistoryReader {
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
    QueryResult res;
    Emitter em(q, emit, res);
    if (q.every && *q.every <= 0) throw UsageError("the bucket width must be positive");
    std::optional<ZoneScope> zone;
    Bucketing bk;
    if (q.every) {
      bk.every = *q.every;
      if (!q.tz.empty() && q.tz != "UTC" && *q.every % kDayMs == 0) {
        check_zone(q.tz);
        zone.emplace(q.tz);
        bk.zoned = true;
        bk.days = *q.every / kDayMs;
      }
    }
    sql::Transaction txn(*db_);  // one snapshot for the whole answer
    if (version_ >= 2) {
      sql::Stmt cur(*db_, "SELECT coalesce(max(seq), 0) FROM changes");
      if (cur.step()) res.cursor = static_cast<std::uint64_t>(cur.column_int(0));
    }
    for (const auto& s : matching(q.sensors)) {
      if (em.full()) {
        // Is anything left that the limit cut?
        if (q.every ? has_rows(s.id, q.from, q.to) || q.fill != Fill::None : has_rows(s.id, q.from, q.to)) {
          res.truncated = true;
          break;
        }
        continue;
      }
      const bool more = !q.every                              ? raw(s, q, em)
                        : ConsumptionBuckets::wanted(q) ? consumption(s, q, bk, em, res)
                                                        : buckets(s, q, bk, em, res);
      if (!more) break;
    }
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
        fill_reading(row, it->second, ts, rows, 1);
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

  static void check_zone(const std::string& tz) {
    struct stat st {};
    const std::string file = "/usr/share/zoneinfo/" + tz;
    if (tz.find("..") != std::string::npos || ::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
      throw UsageError("unknown time zone '" + tz + "' (expected an IANA name such as Europe/Berlin)");
  }

  std::vector<SensorMeta> matching(const std::vector<std::string>& patterns) {
    std::vector<SensorMeta> out;
    sql::Stmt s(*db_, "SELECT id, name, unit, kind, first_seen, last_seen FROM sensors");
    while (s.step()) {
      const std::string_view name = s.column_text(1);
      bool ok = patterns.empty();
      for (const auto& p : patterns) {
        if (pattern_matches(p, name)) {
          ok = true;
          break;
        }
      }
      if (!ok) continue;
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

  bool has_rows(std::int64_t sid, TimeMs from, TimeMs to) {
    sql::Stmt s(*db_,
                "SELECT 1 WHERE EXISTS(SELECT 1 FROM readings WHERE sensor_id=?1 AND ts>=?2 AND ts<?3) "
                "OR EXISTS(SELECT 1 FROM rollup_minute WHERE sensor_id=?1 AND bucket>=?2 AND bucket<?3)");
    s.bind(1, sid).bind(2, from).bind(3, to);
    return s.step();
  }

  static void fill_reading(Row& row, const SensorMeta& s, TimeMs ts, const sql::Stmt& st, int c) {
    row.sensor = s.name;
    row.ts = ts;
    row.aggs.clear();
    if (!row.reading) row.reading.emplace();
    Reading& r = *row.reading;
    r.sensor = s.name;
    r.ts = ts;
    r.value = sql::column_value(st, c);
    r.unit = s.unit;
    r.kind = s.kind;
    r.extra = st.column_null(c + 1) ? std::string() : std::string(st.column_text(c + 1));
  }

  // Returns false when the limit stopped the output.
  bool raw(const SensorMeta& s, const Query& q, Emitter& em) {
    sql::Stmt& st = q.descending ? raw_desc_ : raw_asc_;
    if (!st.handle()) {
      st = sql::Stmt(*db_, std::string("SELECT ts, value, extra FROM readings WHERE sensor_id=?1 AND ts>=?2 AND ts<?3 "
                                       "ORDER BY ts ") +
                               (q.descending ? "DESC" : "ASC"));
    }
    st.reset();
    st.bind(1, s.id).bind(2, q.from).bind(3, q.to);
    Row row;
    bool ok = true;
    while (st.step()) {
      fill_reading(row, s, st.column_int(0), st, 1);
      if (!em(row)) {
        ok = false;
        break;
      }
    }
    st.reset();
    return ok;
  }

  bool buckets(const SensorMeta& s, const Query& q, const Bucketing& bk, Emitter& em, QueryResult& res) {
    bool minutes_ok = bk.every % kMinuteMs == 0;
    bool hours_ok = !bk.zoned && bk.every % kHourMs == 0;
    if (bk.zoned) {  // local midnights must fall on whole minutes to use minute roll-ups
      const TimeMs probe = q.from > kMinTimeMs ? q.from : (s.first_seen ? *s.first_seen : 0);
      minutes_ok = bk.start_of(probe) % kMinuteMs == 0;
    }
    std::vector<std::pair<TimeMs, Partial>> data;
    auto add = [&](TimeMs ts, const Partial& p) {
      const TimeMs b = bk.start_of(ts);
      if (data.empty() || data.back().first != b) data.emplace_back(b, Partial{});
      data.back().second.merge(p);
    };
    for (const auto& seg : plan(q.from, q.to, minutes_ok, hours_ok)) {
      if (seg.source == Source::Raw) {
        sql::Stmt& st = raw_range_;
        if (!st.handle())
          st = sql::Stmt(*db_, "SELECT ts, value FROM readings WHERE sensor_id=?1 AND ts>=?2 AND ts<?3 ORDER BY ts");
        st.reset();
        st.bind(1, s.id).bind(2, seg.from).bind(3, seg.to);
        while (st.step()) {
          Partial p;
          p.add(st.column_int(0), sql::column_value(st, 1));
          add(p.first_ts, p);
        }
        st.reset();
      } else {
        res.used_rollups = true;
        const bool hour = seg.source == Source::Hour;
        sql::Stmt& st = hour ? hour_range_ : minute_range_;
        if (!st.handle())
          st = sql::Stmt(*db_, std::string("SELECT bucket,count,ncount,sum,min,max,first_ts,first,last_ts,last,") +
                                   (version_ >= 3 ? "decreases,tw_sum,tw_ms" : "NULL,NULL,NULL") + " FROM " +
                                   (hour ? "rollup_hour" : "rollup_minute") +
                                   " WHERE sensor_id=?1 AND bucket>=?2 AND bucket<?3 ORDER BY bucket");
        st.reset();
        st.bind(1, s.id).bind(2, seg.from).bind(3, seg.to);
        while (st.step()) add(st.column_int(0), read_partial(st, 1));
        st.reset();
      }
    }
    const auto aggs = q.aggs.empty() ? std::vector<Agg>{Agg::Avg} : q.aggs;
    std::vector<Row> rows;
    auto make_row = [&](TimeMs b, const Partial* p, const Row* prev) {
      Row r;
      r.sensor = s.name;
      r.ts = b;
      if (p) {
        for (auto a : aggs) r.aggs.push_back(p->get(a));
      } else if (prev && q.fill == Fill::Previous) {
        r.aggs = prev->aggs;
      } else {
        r.aggs.assign(aggs.size(), std::nullopt);
      }
      return r;
    };
    if (q.fill == Fill::None) {
      for (const auto& [b, p] : data) rows.push_back(make_row(b, &p, nullptr));
    } else {
      const bool bounded_from = q.from > kMinTimeMs, bounded_to = q.to < kMaxTimeMs;
      if (data.empty() && !(bounded_from && bounded_to)) return true;
      TimeMs b = bounded_from ? bk.start_of(q.from) : data.front().first;
      const TimeMs last = bounded_to ? bk.start_of(q.to - 1) : data.back().first;
      std::size_t i = 0;
      // A run-away fill (a huge range of tiny buckets) is bounded by the limit when one is set.
      for (; b <= last; b = bk.next(b)) {
        while (i < data.size() && data[i].first < b) ++i;
        const Partial* p = i < data.size() && data[i].first == b ? &data[i].second : nullptr;
        rows.push_back(make_row(b, p, rows.empty() ? nullptr : &rows.back()));
        if (q.limit && !q.descending && rows.size() > *q.limit) break;
      }
    }
    if (q.descending) std::reverse(rows.begin(), rows.end());
    for (const auto& r : rows)
      if (!em(r)) return false;
    return true;
  }

  // Consumption aggregates: the rows of one sensor in time order, each a raw reading or a
  // roll-up row standing for its readings (ConsumptionBuckets::can_summarise). A roll-up
  // row that cannot is replaced by its minutes (an hour) or its raw rows.
  struct Item {
    TimeMs ts;     // the reading's ts, or the roll-up bucket
    TimeMs width;  // 0 for a raw reading
    Partial p;
  };

  void raw_items(std::int64_t sid, TimeMs from, TimeMs to, std::vector<Item>& out) {
    sql::Stmt& st = raw_range_;
    if (!st.handle())
      st = sql::Stmt(*db_, "SELECT ts, value FROM readings WHERE sensor_id=?1 AND ts>=?2 AND ts<?3 ORDER BY ts");
    st.reset();
    st.bind(1, sid).bind(2, from).bind(3, to);
    while (st.step()) {
      Item it{st.column_int(0), 0, Partial{}};
      it.p.add(it.ts, sql::column_value(st, 1));
      out.push_back(std::move(it));
    }
    st.reset();
  }

  void rollup_items(std::int64_t sid, bool hour, TimeMs from, TimeMs to, const ConsumptionBuckets& cb,
                    std::vector<Item>& out, QueryResult& res) {
    const TimeMs width = hour ? kHourMs : kMinuteMs;
    std::vector<std::pair<TimeMs, Partial>> rows;
    {
      sql::Stmt st(*db_, std::string("SELECT bucket,count,ncount,sum,min,max,first_ts,first,last_ts,last,") +
                             (version_ >= 3 ? "decreases,tw_sum,tw_ms" : "NULL,NULL,NULL") + " FROM " +
                             (hour ? "rollup_hour" : "rollup_minute") +
                             " WHERE sensor_id=?1 AND bucket>=?2 AND bucket<?3 ORDER BY bucket");
      st.bind(1, sid).bind(2, from).bind(3, to);
      while (st.step()) rows.emplace_back(st.column_int(0), read_partial(st, 1));
    }
    for (auto& [bucket, p] : rows) {
      if (cb.can_summarise(p, width)) {
        res.used_rollups = true;
        out.push_back({bucket, width, std::move(p)});
      } else if (hour) {
        rollup_items(sid, false, bucket, bucket + kHourMs, cb, out, res);
      } else {
        raw_items(sid, bucket, bucket + kMinuteMs, out);
      }
    }
  }

  void items(std::int64_t sid, TimeMs from, TimeMs to, bool minutes_ok, bool hours_ok, const ConsumptionBuckets& cb,
             std::vector<Item>& out, QueryResult& res) {
    for (const auto& seg : plan(from, to, minutes_ok, hours_ok)) {
      if (seg.source == Source::Raw) raw_items(sid, seg.from, seg.to, out);
      else rollup_items(sid, seg.source == Source::Hour, seg.from, seg.to, cb, out, res);
    }
  }

  bool consumption(const SensorMeta& s, const Query& q, const Bucketing& bk, Emitter& em, QueryResult& res) {
    ConsumptionBuckets cb(q, s.unit, s.kind);
    const bool rollups = !ConsumptionBuckets::needs_raw(q);
    bool minutes_ok = rollups && bk.every % kMinuteMs == 0;
    const bool hours_ok = rollups && !bk.zoned && bk.every % kHourMs == 0;
    if (bk.zoned && minutes_ok) {
      const TimeMs probe = q.from > kMinTimeMs ? q.from : (s.first_seen ? *s.first_seen : 0);
      minutes_ok = bk.start_of(probe) % kMinuteMs == 0;
    }
    std::vector<Item> data;
    if (q.from > kMinTimeMs) {
      // The carry-in (baseline, high-water mark, held value) from before the range; roll-ups
      // of any alignment serve here, as no bucket of the answer is cut from them.
      const TimeMs carry_from = q.from - std::min(cb.carry_span(), q.from - kMinTimeMs);
      items(s.id, carry_from, q.from, rollups, rollups, cb, data, res);
      for (const auto& it : data) {
        if (it.width) cb.carry_rollup(it.p);
        else cb.carry(it.ts, it.p.first);
      }
      data.clear();
    }
    items(s.id, q.from, q.to, minutes_ok, hours_ok, cb, data, res);

    const bool bounded_from = q.from > kMinTimeMs, bounded_to = q.to < kMaxTimeMs;
    std::vector<Row> rows;
    if (data.empty() && !bounded_from && cb.covered_until() == kMinTimeMs) return true;
    TimeMs b = bounded_from ? bk.start_of(q.from) : bk.start_of(data.front().ts);
    std::size_t i = 0;
    for (;;) {
      const bool held = cb.covered_until() > b;
      if (q.fill == Fill::None && !held) {
        if (i == data.size()) break;
        b = std::max(b, bk.start_of(data[i].ts));
      }
      if (b >= q.to) break;
      if (!bounded_to && i == data.size() && !held && q.fill != Fill::None) break;
      if (bounded_to && q.fill != Fill::None && b > bk.start_of(q.to - 1)) break;
      const TimeMs e = bk.next(b);
      cb.begin(b, e);
      Partial part;
      for (; i < data.size() && data[i].ts < e; ++i) {
        part.merge(data[i].p);
        if (data[i].width) cb.add_rollup(data[i].p);
        else cb.add(data[i].ts, data[i].p.first);
      }
      Row r;
      r.sensor = s.name;
      r.ts = b;
      for (auto a : q.aggs) r.aggs.push_back(is_consumption_agg(a) ? std::nullopt : part.get(a));
      const bool any = cb.end(r) || !part.empty();
      if (any) {
        rows.push_back(std::move(r));
      } else if (q.fill == Fill::Previous && !rows.empty()) {
        Row prev = rows.back();
        prev.ts = b;
        rows.push_back(std::move(prev));
      } else if (q.fill != Fill::None) {
        r.aggs.assign(q.aggs.size(), std::nullopt);
        rows.push_back(std::move(r));
      }
      if (q.limit && !q.descending && rows.size() > *q.limit) break;
      b = e;
    }
    if (q.descending) std::reverse(rows.begin(), rows.end());
    for (const auto& r : rows)
      if (!em(r)) return false;
    return true;
  }

  std::unique_ptr<sql::Db> db_;
  int version_ = 0;
  sql::Stmt raw_asc_, raw_desc_, raw_range_, minute_range_, hour_range_;
};

}  // namespace

std::unique_ptr<HistoryReader> HistoryReader::open(const std::string& location) {
  if (location.rfind("postgres://", 0) == 0 || location.rfind("postgresql://", 0) == 0)
    throw RuntimeError("PostgreSQL databases are not supported by this build (use an SQLite file)");
  return std::make_unique<SqliteReader>(location);
}

}  // namespace sensorpipe::store
