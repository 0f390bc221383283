// The SQLite StoreWriter: batched transactions, last-write-wins rows, exact roll-ups, retention.
//
// The batch plan (dictionary, key order, last write wins inside the batch, roll-up deltas
// and why they stay exact) is the neutral store/batch_plan.h; this file holds the SQL.
// The roll-ups' ordered summary (decreases and value x time held between consecutive
// readings, rollup.h) depends on where a row falls, so a new row older than the sensor's
// newest stored row makes its minute dirty (recomputed from raw rows) like a replacement;
// deltas then only ever append rows after everything stored.
// Identical re-ingested rows change nothing. Retention cuts raw rows at whole hours, so a
// bucket is either wholly kept or wholly gone and the kept ones still equal their rows.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <unordered_map>
#include <vector>

#include "core/errors.h"
#include "store/batch_plan.h"
#include "store/rollup.h"
#include "store/sqlite/backend.h"
#include "store/sqlite/rollup_rows.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite.h"
#include "store/ts_list.h"
#include "store/writer.h"

namespace sensorpipe::store::sqlite {

namespace {

constexpr TimeMs kChangeLogKeepMs = 60'000;  // followers poll about once a second
constexpr std::int64_t kDeleteChunk = 5000;  // rows per retention DELETE
constexpr auto kMaintainBudget = std::chrono::milliseconds(20);
constexpr std::size_t kMultiRows = 64;  // rows per multi-row INSERT (4 parameters each)

// Merging a delta into a stored bucket, column by column as Partial::merge does; the
// ordered summary appends the delta after the stored rows, and becomes unknown (NULL)
// should a delta ever not lie wholly after them.
const char* kMergeSql = R"sql(
INSERT INTO {T}({COLUMNS})
VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)
ON CONFLICT(sensor_id,bucket) DO UPDATE SET
  decreases = CASE WHEN decreases IS NULL OR excluded.decreases IS NULL OR excluded.first_ts <= last_ts THEN NULL
    ELSE decreases + excluded.decreases
         + (typeof(last) IN ('real','integer') AND typeof(excluded.first) IN ('real','integer') AND excluded.first < last) END,
  tw_sum = CASE WHEN tw_sum IS NULL OR excluded.tw_sum IS NULL OR excluded.first_ts <= last_ts THEN NULL
    WHEN typeof(last) IN ('real','integer') THEN tw_sum + excluded.tw_sum + last * (excluded.first_ts - last_ts)
    ELSE tw_sum + excluded.tw_sum END,
  tw_ms = CASE WHEN tw_ms IS NULL OR excluded.tw_ms IS NULL OR excluded.first_ts <= last_ts THEN NULL
    WHEN typeof(last) IN ('real','integer') THEN tw_ms + excluded.tw_ms + (excluded.first_ts - last_ts)
    ELSE tw_ms + excluded.tw_ms END,
  count = count + excluded.count,
  ncount = ncount + excluded.ncount,
  sum = CASE WHEN excluded.sum IS NULL THEN sum WHEN sum IS NULL THEN excluded.sum ELSE sum + excluded.sum END,
  min = CASE WHEN excluded.min IS NULL THEN min WHEN min IS NULL OR excluded.min < min THEN excluded.min ELSE min END,
  max = CASE WHEN excluded.max IS NULL THEN max WHEN max IS NULL OR excluded.max > max THEN excluded.max ELSE max END,
  first = CASE WHEN excluded.first_ts < first_ts THEN excluded.first ELSE first END,
  first_ts = min(first_ts, excluded.first_ts),
  last = CASE WHEN excluded.last_ts > last_ts THEN excluded.last ELSE last END,
  last_ts = max(last_ts, excluded.last_ts)
)sql";

std::string with_table(std::string sql, const char* table) {
  for (auto pos = sql.find("{T}"); pos != std::string::npos; pos = sql.find("{T}")) sql.replace(pos, 3, table);
  const std::string columns = std::string(kRollupKeyColumns) + "," + kRollupColumns;
  for (auto pos = sql.find("{COLUMNS}"); pos != std::string::npos; pos = sql.find("{COLUMNS}"))
    sql.replace(pos, 9, columns);
  return sql;
}

class SqliteWriter final : public StoreWriter {
 public:
  SqliteWriter(const std::string& path, const WriterOptions& opt) : opt_(opt) {
    db_ = open_for_writing(path, opt.cache_mib.value_or(64), opt.busy_timeout_ms.value_or(10'000));
    insert_ = sql::Stmt(*db_, "INSERT OR IGNORE INTO readings(sensor_id,ts,value,extra) VALUES(?1,?2,?3,?4)");
    std::string multi = "INSERT INTO readings(sensor_id,ts,value,extra) VALUES(?,?,?,?)";
    for (std::size_t i = 1; i < kMultiRows; ++i) multi += ",(?,?,?,?)";
    multi_insert_ = sql::Stmt(*db_, multi);
    max_ts_ = sql::Stmt(*db_, "SELECT max(ts) FROM readings WHERE sensor_id=?1");
    select_ = sql::Stmt(*db_, "SELECT value, extra FROM readings WHERE sensor_id=?1 AND ts=?2");
    update_ = sql::Stmt(*db_, "UPDATE readings SET value=?3, extra=?4 WHERE sensor_id=?1 AND ts=?2");
    log_ = sql::Stmt(*db_, "INSERT INTO changes(sensor_id,ts_list) VALUES(?1,?2)");
    raw_bucket_ = sql::Stmt(*db_, "SELECT ts, value FROM readings WHERE sensor_id=?1 AND ts>=?2 AND ts<?3 ORDER BY ts");
    minute_range_ = sql::Stmt(*db_, std::string("SELECT ") + kRollupColumns +
                                        " FROM rollup_minute WHERE sensor_id=?1 AND bucket>=?2 AND bucket<?3 ORDER BY bucket");
    merge_minute_ = sql::Stmt(*db_, with_table(kMergeSql, "rollup_minute"));
    merge_hour_ = sql::Stmt(*db_, with_table(kMergeSql, "rollup_hour"));
    replace_minute_ = sql::Stmt(*db_, with_table("INSERT OR REPLACE INTO {T}({COLUMNS}) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)", "rollup_minute"));
    replace_hour_ = sql::Stmt(*db_, with_table("INSERT OR REPLACE INTO {T}({COLUMNS}) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)", "rollup_hour"));
    new_sensor_ = sql::Stmt(*db_, "INSERT OR IGNORE INTO sensors(name) VALUES(?1)");  // another writer may have added it
    update_sensor_ =
        sql::Stmt(*db_, "UPDATE sensors SET unit=?2, kind=?3, first_seen=?4, last_seen=?5 WHERE id=?1");
    reload_sensors();
    sql::Stmt seq(*db_, "SELECT coalesce(max(seq), 0) FROM changes");
    if (seq.step()) last_seq_ = seq.column_int(0);
  }

  WriteStats write(const std::vector<Reading>& batch) override {
    WriteStats st;
    if (batch.empty()) return st;
    batch_ = &batch;
    const TimeMs raw_cutoff = opt_.retain ? floor_to(now_ms() - *opt_.retain, kHourMs) : kMinTimeMs;
    sql::Transaction txn(*db_, "BEGIN IMMEDIATE");
    try {
      write_batch(raw_cutoff, st);
      txn.commit();
    } catch (...) {
      // The dictionary cache may name rows the rollback removed: reload it on next use.
      reload_sensors_ = true;
      batch_ = nullptr;
      throw;
    }
    batch_ = nullptr;
    commit_seqs_.emplace_back(now_ms(), last_seq_);
    return st;
  }

  bool maintain(TimeMs now) override {
    const auto start = std::chrono::steady_clock::now();
    sql::Transaction txn(*db_, "BEGIN IMMEDIATE");
    // Trim the follow log to what was stored in the last minute, keeping the newest row so
    // sequence numbers never restart.
    std::int64_t threshold = 0;
    while (!commit_seqs_.empty() && commit_seqs_.front().first < now - kChangeLogKeepMs) {
      threshold = commit_seqs_.front().second;
      commit_seqs_.pop_front();
    }
    threshold = std::min(threshold, last_seq_ - 1);
    if (threshold > trimmed_seq_) {
      sql::Stmt trim(*db_, "DELETE FROM changes WHERE seq<=?1");
      trim.bind(1, threshold).run();
      trimmed_seq_ = threshold;
    }
    bool left = false;
    if ((opt_.retain || opt_.retain_rollups) && dict_.size() > 0) {
      const TimeMs raw_cut = opt_.retain ? floor_to(now - *opt_.retain, kHourMs) : kMinTimeMs;
      const TimeMs roll_cut = opt_.retain_rollups ? floor_to(now - *opt_.retain_rollups, kHourMs) : kMinTimeMs;
      // The cut-offs move once an hour; a sweep over every sensor for the same cut-offs is
      // needed only once, since nothing older than them is stored any more.
      if (raw_cut != sweep_raw_cut_ || roll_cut != sweep_roll_cut_) {
        sweep_raw_cut_ = raw_cut;
        sweep_roll_cut_ = roll_cut;
        sweep_visited_ = 0;
      }
      while (sweep_visited_ < dict_.size() && std::chrono::steady_clock::now() - start < kMaintainBudget) {
        const auto sid = dict_[retention_cursor_ % dict_.size()].id;
        bool more = false;
        if (opt_.retain) more |= delete_chunk(0, sid, raw_cut);
        if (opt_.retain_rollups) {
          more |= delete_chunk(1, sid, roll_cut);
          more |= delete_chunk(2, sid, roll_cut);
        }
        if (!more) {
          ++retention_cursor_;
          ++sweep_visited_;
        }
      }
      left = sweep_visited_ < dict_.size();
    }
    txn.commit();
    return left;
  }

 private:
  // Deletes up to kDeleteChunk rows of one sensor older than `cutoff` from table `t`
  // (0 readings, 1 rollup_minute, 2 rollup_hour); true when more remain.
  bool delete_chunk(int t, std::int64_t sid, TimeMs cutoff) {
    static const char* const tables[] = {"readings", "rollup_minute", "rollup_hour"};
    static const char* const columns[] = {"ts", "bucket", "bucket"};
    if (!probe_[t].handle()) {
      const std::string tab = tables[t], col = columns[t];
      probe_[t] = sql::Stmt(*db_, "SELECT " + col + " FROM " + tab + " WHERE sensor_id=?1 AND " + col + "<?2 ORDER BY " +
                                      col + " LIMIT 1 OFFSET " + std::to_string(kDeleteChunk));
      delete_[t] = sql::Stmt(*db_, "DELETE FROM " + tab + " WHERE sensor_id=?1 AND " + col + "<?2");
    }
    auto& probe = probe_[t];
    probe.reset();
    probe.bind(1, sid).bind(2, cutoff);
    TimeMs bound = cutoff;
    bool more = false;
    if (probe.step()) {
      // Cut at a whole hour even mid-way, so no bucket is ever half deleted (readers count
      // raw rows from the hour roll-ups); an hour with more rows than a chunk goes at once.
      bound = floor_to(probe.column_int(0), kHourMs);
      if (t == 0 && bound <= oldest(sid)) bound += kHourMs;
      bound = std::min(bound, cutoff);
      more = bound < cutoff;
    }
    probe.reset();
    delete_[t].reset();
    delete_[t].bind(1, sid).bind(2, bound).run();
    return more;
  }

  TimeMs oldest(std::int64_t sid) {
    sql::Stmt s(*db_, "SELECT ts FROM readings WHERE sensor_id=?1 ORDER BY ts LIMIT 1");
    s.bind(1, sid);
    return s.step() ? s.column_int(0) : kMaxTimeMs;
  }

  // The dictionary id of a sensor this writer has not seen (added when new).
  std::int64_t resolve_sensor(const std::string& name) {
    new_sensor_.reset();
    new_sensor_.bind(1, std::string_view(name)).run();
    sql::Stmt id(*db_, "SELECT id FROM sensors WHERE name=?1");
    id.bind(1, std::string_view(name));
    if (!id.step()) throw RuntimeError("sensor dictionary: cannot read back " + name);
    return id.column_int(0);
  }

  void reload_sensors() {
    dict_.clear();
    sql::Stmt load(*db_, "SELECT id, name, unit, kind, first_seen, last_seen FROM sensors");
    while (load.step()) {
      SensorState s;
      s.id = load.column_int(0);
      if (!load.column_null(2)) s.unit = std::string(load.column_text(2));
      if (!load.column_null(3)) s.kind = std::string(load.column_text(3));
      if (!load.column_null(4)) s.first_seen = load.column_int(4);
      if (!load.column_null(5)) s.last_seen = load.column_int(5);
      dict_.load(std::string(load.column_text(1)), std::move(s));
    }
    reload_sensors_ = false;
  }

  void bind_entry(sql::Stmt& s, int p, const BatchEntry& e) {
    s.bind(p, e.sid).bind(p + 1, e.ts);
    const Reading& r = (*batch_)[e.idx];
    if (e.kind == 0) s.bind(p + 2, e.num);
    else if (e.kind == 1) s.bind(p + 2, static_cast<std::int64_t>(e.num != 0));
    else s.bind(p + 2, std::string_view(std::get<std::string>(r.value)));
    if (e.has_extra) s.bind(p + 3, std::string_view(r.extra));
    else s.bind_null(p + 3);
  }

  void write_batch(TimeMs raw_cutoff, WriteStats& st) {
    if (reload_sensors_) reload_sensors();
    plan_.build(*batch_, dict_, [this](const std::string& name) { return resolve_sensor(name); });
    deltas_.clear();
    fast_.clear();
    std::int64_t max_sid = -1;
    TimeMs stored_max = kMinTimeMs;
    plan_.walk(raw_cutoff, dict_, st, [&](std::size_t k, const BatchEntry& e, const Reading& r) {
      if (e.sid != max_sid) {
        max_sid = e.sid;
        max_ts_.reset();
        max_ts_.bind(1, e.sid);
        stored_max = max_ts_.step() && !max_ts_.column_null(0) ? max_ts_.column_int(0) : kMinTimeMs - 1;
        max_ts_.reset();
      }
      bool replaced = false;
      if (e.ts > stored_max) {
        // Newer than anything stored for the sensor (live data, back-fill): certainly a new
        // row, so it can go in a multi-row INSERT without a conflict check.
        fast_.push_back(k);
        if (fast_.size() == kMultiRows) flush_fast();
        ++st.inserted;
      } else if (insert_one(e.sid, e.ts, r)) {
        ++st.inserted;
        replaced = true;  // older than a stored row: its minute's ordered summary is recomputed
      } else {
        select_.bind(1, e.sid).bind(2, e.ts);
        if (!select_.step()) throw RuntimeError("readings: row vanished during an insert");
        const Value old = sql::column_value(select_, 0);
        const std::string_view old_extra = select_.column_null(1) ? std::string_view() : select_.column_text(1);
        const bool same_value = old.index() == r.value.index() && old == r.value;
        const bool same = same_value && old_extra == r.extra;
        select_.reset();
        if (same) {
          ++st.duplicates;
          return;
        }
        ++st.replaced;
        update_.bind(1, e.sid).bind(2, e.ts);
        sql::bind_value(update_, 3, r.value);
        if (r.extra.empty()) update_.bind_null(4);
        else update_.bind(4, std::string_view(r.extra));
        update_.run();
        if (same_value) {  // only the extra fields changed: the roll-ups are unaffected
          log_change(e.sid, e.ts);
          return;
        }
        replaced = true;
      }
      log_change(e.sid, e.ts);
      if (replaced) deltas_.add_replaced(e.sid, e.ts);
      else deltas_.add_new(e, r.value);
    });
    flush_fast();
    flush_log();
    deltas_.apply(
        [this](const MinuteDelta& m) {
          if (m.dirty) {
            recompute_minute(m.sid, m.bucket);
          } else {
            merge_minute_.reset();
            bind_partial(merge_minute_, m.sid, m.bucket, m.delta);
            merge_minute_.run();
          }
        },
        [this](std::int64_t sid, TimeMs h, const Partial& delta, bool dirty) {
          if (dirty) {
            recompute_hour(sid, h);
          } else {
            merge_hour_.reset();
            bind_partial(merge_hour_, sid, h, delta);
            merge_hour_.run();
          }
        });
    for (auto& s : dict_.states()) {
      if (!s.dirty) continue;
      update_sensor_.reset();
      update_sensor_.bind(1, s.id);
      if (s.unit) update_sensor_.bind(2, std::string_view(*s.unit));
      if (s.kind) update_sensor_.bind(3, std::string_view(*s.kind));
      if (s.first_seen) update_sensor_.bind(4, *s.first_seen);
      if (s.last_seen) update_sensor_.bind(5, *s.last_seen);
      update_sensor_.run();
      s.dirty = false;
    }
  }

  // Plain single-row insert; false when the key was taken.
  bool insert_one(std::int64_t sid, TimeMs ts, const Reading& r) {
    insert_.bind(1, sid).bind(2, ts);
    sql::bind_value(insert_, 3, r.value);
    if (r.extra.empty()) insert_.bind_null(4);
    else insert_.bind(4, std::string_view(r.extra));
    insert_.run();
    return db_->changes() == 1;
  }

  void flush_fast() {
    if (fast_.empty()) return;
    if (fast_.size() == kMultiRows) {
      int p = 1;
      multi_insert_.reset();
      for (auto k : fast_) {
        bind_entry(multi_insert_, p, plan_.entries()[k]);
        p += 4;
      }
      multi_insert_.run();
    } else {
      for (auto k : fast_) {
        insert_.reset();
        bind_entry(insert_, 1, plan_.entries()[k]);
        insert_.run();
        if (db_->changes() != 1) throw RuntimeError("readings: a new row's key was taken");
      }
    }
    fast_.clear();
  }

  void log_change(std::int64_t sid, TimeMs ts) {
    if (sid != log_sid_) flush_log();
    log_sid_ = sid;
    log_list_.add(ts);
  }

  void flush_log() {
    if (!log_list_.empty()) {
      log_.reset();
      log_.bind(1, log_sid_);
      if (sqlite3_bind_blob(log_.handle(), 2, log_list_.bytes().data(), static_cast<int>(log_list_.bytes().size()),
                            SQLITE_STATIC) != SQLITE_OK)
        throw RuntimeError("changes: cannot bind the ts list");
      log_.run();
      last_seq_ = sqlite3_last_insert_rowid(db_->handle());
      log_list_.clear();
    }
    log_sid_ = -1;
  }

  void recompute_minute(std::int64_t sid, TimeMs m) {
    Partial p;
    raw_bucket_.reset();
    raw_bucket_.bind(1, sid).bind(2, m).bind(3, m + kMinuteMs);
    while (raw_bucket_.step()) p.add(raw_bucket_.column_int(0), sql::column_value(raw_bucket_, 1));
    raw_bucket_.reset();
    replace_minute_.reset();
    bind_partial(replace_minute_, sid, m, p);
    replace_minute_.run();
  }

  void recompute_hour(std::int64_t sid, TimeMs h) {
    Partial p;
    minute_range_.reset();
    minute_range_.bind(1, sid).bind(2, h).bind(3, h + kHourMs);
    while (minute_range_.step()) p.merge(read_partial(minute_range_, 0));
    minute_range_.reset();
    replace_hour_.reset();
    bind_partial(replace_hour_, sid, h, p);
    replace_hour_.run();
  }

  WriterOptions opt_;
  std::unique_ptr<sql::Db> db_;
  sql::Stmt multi_insert_, max_ts_;
  std::vector<std::size_t> fast_;  // plan_ entry indexes waiting for a multi-row INSERT
  sql::Stmt insert_, select_, update_, log_, raw_bucket_, minute_range_, merge_minute_, merge_hour_, replace_minute_,
      replace_hour_, new_sensor_, update_sensor_;
  SensorDictionary dict_;
  bool reload_sensors_ = false;
  const std::vector<Reading>* batch_ = nullptr;  // during write()
  BatchPlan plan_;
  RollupDeltas deltas_;
  std::int64_t last_seq_ = 0, trimmed_seq_ = 0;
  std::int64_t log_sid_ = -1;
  TsListWriter log_list_;
  std::deque<std::pair<TimeMs, std::int64_t>> commit_seqs_;
  std::size_t retention_cursor_ = 0, sweep_visited_ = 0;
  TimeMs sweep_raw_cut_ = kMinTimeMs - 1, sweep_roll_cut_ = kMinTimeMs - 1;
  sql::Stmt probe_[3], delete_[3];
};

}  // namespace

std::unique_ptr<StoreWriter> open_writer(const std::string& path, const WriterOptions& options) {
  return std::make_unique<SqliteWriter>(path, options);
}

const char* library_version() { return sqlite3_libversion(); }

}  // namespace sensorpipe::store::sqlite
