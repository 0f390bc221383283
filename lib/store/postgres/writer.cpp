// The PostgreSQL StoreWriter: COPY + one upsert per batch, exact roll-ups with several
// writers, weekly partitions made ahead and dropped for retention, reconnection.
//
// One batch is one transaction:
//  1. (before it, autocommitted) new sensor names get ids, the weeks the batch touches get
//     partitions: neither is undone by a failed batch, and neither holds locks for long.
//  2. The rows, sorted by (sensor, ts) with last write wins inside the batch, are COPYed
//     into a temporary staging table with their input position (seq), and one
//     INSERT ... SELECT DISTINCT ON ... ORDER BY sensor_id, ts ... ON CONFLICT DO UPDATE
//     stores them. Every writer locks rows in key order, so writers sharing sensors wait
//     for each other but never deadlock. The update skips identical rows (a replay), and
//     RETURNING tells new rows from replaced ones.
//  3. The days (per sensor) the stored rows fall in are locked (advisory transaction
//     locks, in sorted order; one exclusive lock instead for a batch spanning very many),
//     and the touched minutes and hours recomputed from the raw rows (hours from minutes;
//     rollup_sql.h, with the ordered summary the consumption aggregates read).
//     Under READ COMMITTED each statement sees what other writers committed before it
//     started; holding the bucket's lock until commit means the last writer of a bucket
//     recomputes it after every other writer's rows are visible: the roll-ups are exact.
//  4. The sensor dictionary rows are locked in id order and updated; then, under one
//     database-wide lock, the follow log rows are added, so their sequence numbers follow
//     commit order (a follower never skips a commit that was still open).
// Lock order in every transaction: raw rows, buckets, dictionary rows, follow log.
// Deadlocks and serialization failures (40P01, 40001) are retried; a lost connection is
// reported through WriterOptions::on_state and retried with back-off (the batch is kept).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>
#include <unordered_map>

#include "core/errors.h"
#include "store/batch_plan.h"
#include "store/postgres/backend.h"
#include "store/postgres/pq.h"
#include "store/postgres/rollup_sql.h"
#include "store/postgres/schema.h"
#include "store/rollup.h"
#include "store/ts_list.h"

namespace sensorpipe::store::postgres {

namespace {

constexpr int kMaxRetries = 50;  // deadlock/serialization retries per batch
constexpr TimeMs kChangeLogKeepMs = 60'000;

const char* const kStaging =
    "CREATE TEMP TABLE IF NOT EXISTS sp_staging(sensor_id integer, ts_ms bigint, num double precision, flag boolean, "
    "txt text, extra text, seq integer) ON COMMIT DELETE ROWS";

const char* const kUpsert = R"sql(
INSERT INTO readings AS r (sensor_id, ts, num, flag, txt, extra)
SELECT DISTINCT ON (sensor_id, ts_ms) sensor_id, sensorpipe_ts(ts_ms), num, flag, txt, extra
FROM sp_staging ORDER BY sensor_id, ts_ms, seq DESC
ON CONFLICT (sensor_id, ts) DO UPDATE
  SET num = excluded.num, flag = excluded.flag, txt = excluded.txt, extra = excluded.extra,
      revision = least(r.revision, 2147483646) + 1
  WHERE (r.num, r.flag, r.txt, r.extra) IS DISTINCT FROM (excluded.num, excluded.flag, excluded.txt, excluded.extra)
RETURNING sensor_id, sensorpipe_ms(ts), revision = 0
)sql";

const char* const kLockSensors = "SELECT 1 FROM sensors WHERE id = ANY($1::integer[]) ORDER BY id FOR UPDATE";
const char* const kUpdateSensors = R"sql(
UPDATE sensors s SET unit = coalesce(u.unit, s.unit), kind = coalesce(u.kind, s.kind),
  first_seen = least(s.first_seen, sensorpipe_ts(u.f)), last_seen = greatest(s.last_seen, sensorpipe_ts(u.l))
FROM unnest($1::integer[], $2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS u(id, unit, kind, f, l)
WHERE s.id = u.id
)sql";

// Bucket locks: one bigint key per (sensor, UTC day), covering the day's minutes and hours
// (a live stream touches one day per sensor anyway; a back-fill batch takes few locks).
// A batch that would need more than kMaxBucketLocks takes the writers' lock exclusively
// instead (the lock table of the server is small); every other batch takes it shared
// first. The follow log and schema changes use the two-integer lock space.
constexpr std::size_t kMaxBucketLocks = 512;
constexpr const char* kWritersShared = "SELECT pg_advisory_xact_lock_shared(1397772337, 3)";
constexpr const char* kWritersExclusive = "SELECT pg_advisory_xact_lock(1397772337, 3)";
std::int64_t bucket_key(std::int32_t sid, TimeMs ts) {
  const auto day = static_cast<std::uint32_t>(floor_to(ts, 86'400'000) / 86'400'000);
  return (static_cast<std::int64_t>(sid) << 32) | day;
}

// A PostgreSQL array literal of integers: {1,2,3}.
template <typename T>
std::string int_array(const std::vector<T>& v) {
  std::string s = "{";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) s += ',';
    s += std::to_string(v[i]);
  }
  return s + "}";
}

// A PostgreSQL array literal of optional texts: {"a",NULL}.
std::string text_array(const std::vector<std::optional<std::string>>& v) {
  std::string s = "{";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) s += ',';
    if (!v[i]) {
      s += "NULL";
      continue;
    }
    s += '"';
    for (char ch : *v[i]) {
      if (ch == '"' || ch == '\\') s += '\\';
      s += ch;
    }
    s += '"';
  }
  return s + "}";
}

class PgWriter final : public StoreWriter {
 public:
  PgWriter(const std::string& url, const WriterOptions& opt) : url_(url), opt_(opt) { connect(); }

  WriteStats write(const std::vector<Reading>& batch) override {
    if (batch.empty()) return {};
    int retries = 0;
    for (;;) {
      try {
        if (!conn_) reconnect();
        return write_once(batch);
      } catch (const pq::Error& e) {
        // The cache may hold what the rollback undid (unit, kind, first/last seen).
        if (conn_ && conn_->ok()) load_sensors();
        if (e.connection_lost) {
          lost(e);
          continue;
        }
        if (e.retryable() && ++retries < kMaxRetries) {
          std::this_thread::sleep_for(std::chrono::milliseconds(5 * retries));
          continue;
        }
        throw;
      }
    }
  }

  bool maintain(TimeMs now) override {
    try {
      if (!conn_) return false;  // write() reconnects; retention waits for it
      // Partitions for this week and the next, so live data never waits for one.
      for (const char* table : kPartitioned)
        for (TimeMs w : {partition_start(now), partition_start(now) + kPartitionMs}) have_partition(table, w);
      conn_->exec("DELETE FROM changes WHERE at < now() - $1::bigint * interval '1 millisecond' "
                  "AND seq < (SELECT max(seq) FROM changes)",
                  {std::to_string(kChangeLogKeepMs)});
      // Retention: drop one whole partition per call while any is wholly older than the cut-off.
      for (int t = 0; t < 3; ++t) {
        const auto& keep = t == 0 ? opt_.retain : opt_.retain_rollups;
        if (!keep) continue;
        const TimeMs cut = now - *keep;
        for (TimeMs start : partitions(*conn_, kPartitioned[t])) {
          if (start + kPartitionMs > cut) break;
          drop_partition(*conn_, kPartitioned[t], start);
          known_[t].erase(start);
          return true;
        }
      }
    } catch (const pq::Error& e) {
      if (!e.connection_lost) throw;
      lost(e);  // the next write() reconnects
    }
    return false;
  }

 private:
  void connect() {
    conn_ = std::make_unique<pq::Conn>(url_);
    migrate(*conn_);
    conn_->exec(kStaging);
    for (int t = 0; t < 3; ++t) {
      known_[t].clear();
      for (TimeMs s : partitions(*conn_, kPartitioned[t])) known_[t].insert(s);
    }
    load_sensors();
  }

  void load_sensors() {
    dict_.clear();
    auto r = conn_->exec(
        "SELECT id, name, unit, kind, sensorpipe_ms(first_seen), sensorpipe_ms(last_seen) FROM sensors");
    for (int i = 0; i < r.rows(); ++i) {
      SensorState s;
      s.id = r.int64(i, 0);
      if (!r.null(i, 2)) s.unit = std::string(r.text(i, 2));
      if (!r.null(i, 3)) s.kind = std::string(r.text(i, 3));
      if (!r.null(i, 4)) s.first_seen = r.int64(i, 4);
      if (!r.null(i, 5)) s.last_seen = r.int64(i, 5);
      dict_.load(std::string(r.text(i, 1)), std::move(s));
    }
  }

  void lost(const pq::Error& e) {
    conn_.reset();
    if (opt_.on_state) opt_.on_state("lost the connection to " + pq::redact(url_) + " (" + e.what() + "); retrying");
  }

  // Tries to connect until it works (back-off 0.1 s doubling up to 5 s) or keep_trying says no.
  void reconnect() {
    auto wait = std::chrono::milliseconds(100);
    std::string last_error;
    for (;;) {
      try {
        connect();
        if (opt_.on_state) opt_.on_state("connected to " + pq::redact(url_) + " again");
        return;
      } catch (const pq::Error& e) {
        conn_.reset();
        if (!e.connection_lost && e.sqlstate != "57P03") throw;  // 57P03: the server is starting up
        last_error = e.what();
      }
      // Asked every 100 ms of the back-off, so a give-up (a second signal, a stop timeout)
      // is heard at once rather than after up to 5 s.
      const auto until = std::chrono::steady_clock::now() + wait;
      do {
        if (opt_.keep_trying && !opt_.keep_trying())
          throw RuntimeError("gave up reconnecting to " + pq::redact(url_) + " (" + last_error + ")");
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            std::chrono::milliseconds(100), until - std::chrono::steady_clock::now()));
      } while (std::chrono::steady_clock::now() < until);
      wait = std::min(wait * 2, std::chrono::milliseconds(5000));
    }
  }

  void have_partition(const char* table, TimeMs start) {
    const int t = table == std::string("readings") ? 0 : table == std::string("rollup_minute") ? 1 : 2;
    if (known_[t].count(start)) return;
    ensure_partition(*conn_, table, start);
    known_[t].insert(start);
  }

  // A new name's id (autocommitted: a sensor without rows is harmless, and the insert's
  // lock ends at once instead of at the batch's commit; another writer may add it too).
  std::int64_t resolve(const std::string& name) {
    auto r = conn_->exec(
        "WITH n AS (INSERT INTO sensors(name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id) "
        "SELECT id FROM n UNION ALL SELECT id FROM sensors WHERE name = $1",
        {name});
    if (r.rows() > 0) return r.int64(0, 0);
    // Another writer added it after this statement's snapshot was taken: a new statement sees it.
    r = conn_->exec("SELECT id FROM sensors WHERE name = $1", {name});
    if (r.rows() < 1) throw RuntimeError("sensor dictionary: cannot read back " + name);
    return r.int64(0, 0);
  }

  WriteStats write_once(const std::vector<Reading>& batch) {
    WriteStats st;
    const TimeMs raw_cutoff = opt_.retain ? floor_to(now_ms() - *opt_.retain, kHourMs) : kMinTimeMs;
    // Dictionary (unit/kind as the latest seen), order and last write wins inside the
    // batch: the neutral batch plan, as for SQLite.
    plan_.build(batch, dict_, [this](const std::string& name) { return resolve(name); });
    copy_.clear();
    std::set<TimeMs> weeks;
    std::uint64_t staged = 0;
    plan_.walk(raw_cutoff, dict_, st, [&](std::size_t, const BatchEntry& e, const Reading& r) {
      weeks.insert(partition_start(e.ts));
      ++staged;
      fmt::format_to(std::back_inserter(copy_), "{}\t{}\t", e.sid, e.ts);
      if (e.kind == 0) fmt::format_to(std::back_inserter(copy_), "{}\t\\N\t\\N\t", e.num);
      else if (e.kind == 1) copy_ += e.num != 0 ? "\\N\tt\t\\N\t" : "\\N\tf\t\\N\t";
      else {
        copy_ += "\\N\t\\N\t";
        pq::append_copy_field(copy_, std::get<std::string>(r.value));
        copy_ += '\t';
      }
      if (!e.has_extra) copy_ += "\\N";
      else pq::append_copy_field(copy_, r.extra);
      fmt::format_to(std::back_inserter(copy_), "\t{}\n", e.idx);
    });
    for (TimeMs w : weeks)
      for (const char* table : kPartitioned) have_partition(table, w);

    pq::Transaction txn(*conn_);
    std::vector<std::pair<std::int32_t, TimeMs>> stored;  // (sensor, ts) of rows written
    if (staged > 0) {
      conn_->copy_in("COPY sp_staging FROM STDIN", copy_);
      auto res = conn_->exec(kUpsert);
      stored.reserve(static_cast<std::size_t>(res.rows()));
      for (int i = 0; i < res.rows(); ++i) {
        stored.emplace_back(static_cast<std::int32_t>(res.int64(i, 0)), res.int64(i, 1));
        if (res.boolean(i, 2)) ++st.inserted;
        else ++st.replaced;
      }
      st.duplicates += staged - stored.size();
      std::sort(stored.begin(), stored.end());
    }
    if (!stored.empty()) {
      // The touched buckets, locked in key order, then recomputed.
      std::vector<std::int32_t> msid, hsid;
      std::vector<TimeMs> mb, hb;
      std::vector<std::int64_t> keys;
      for (const auto& [sid, ts] : stored) {
        const TimeMs m = floor_to(ts, kMinuteMs), h = floor_to(ts, kHourMs);
        if (msid.empty() || msid.back() != sid || mb.back() != m) {
          msid.push_back(sid);
          mb.push_back(m);
        }
        if (hsid.empty() || hsid.back() != sid || hb.back() != h) {
          hsid.push_back(sid);
          hb.push_back(h);
        }
        const auto key = bucket_key(sid, ts);
        if (keys.empty() || keys.back() != key) keys.push_back(key);
      }
      keys.erase(std::unique(keys.begin(), keys.end()), keys.end());  // stored is sorted: keys are too
      if (keys.size() > kMaxBucketLocks) {
        conn_->exec(kWritersExclusive);
      } else {
        conn_->exec(kWritersShared);
        conn_->exec(
            "SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT k FROM unnest($1::bigint[]) AS k ORDER BY k OFFSET 0) s",
            {int_array(keys)});
      }
      conn_->exec(upsert_minutes_sql(), {int_array(msid), int_array(mb)});
      conn_->exec(upsert_hours_sql(), {int_array(hsid), int_array(hb)});
    }
    // The dictionary rows that change (first/last seen only grow, so a cache that lags
    // behind another writer never undoes its update), locked in id order.
    std::vector<std::int64_t> ids;
    std::vector<std::optional<std::string>> units, kinds, firsts, lasts;
    std::vector<std::size_t> dirty;
    for (std::size_t i = 0; i < dict_.size(); ++i)
      if (dict_[i].dirty) dirty.push_back(i);
    std::sort(dirty.begin(), dirty.end(), [this](std::size_t a, std::size_t b) { return dict_[a].id < dict_[b].id; });
    auto ms_text = [](const std::optional<TimeMs>& t) {
      return t ? std::optional<std::string>(std::to_string(*t)) : std::nullopt;
    };
    for (auto i : dirty) {
      const auto& s = dict_[i];
      ids.push_back(s.id);
      units.push_back(s.unit);
      kinds.push_back(s.kind);
      firsts.push_back(ms_text(s.first_seen));
      lasts.push_back(ms_text(s.last_seen));
    }
    if (!ids.empty()) {
      const auto id_list = int_array(ids);
      conn_->exec(kLockSensors, {id_list});
      conn_->exec(kUpdateSensors, {id_list, text_array(units), text_array(kinds), text_array(firsts), text_array(lasts)});
    }
    if (!stored.empty()) {
      // The follow log, in commit order (see the top of this file).
      std::string log;
      TsListWriter list;
      auto flush = [&](std::int32_t sid) {
        if (list.empty()) return;
        fmt::format_to(std::back_inserter(log), "{}\t\\\\x", sid);
        static const char* const hex = "0123456789abcdef";
        for (unsigned char ch : list.bytes()) {
          log += hex[ch >> 4];
          log += hex[ch & 15];
        }
        log += '\n';
        list.clear();
      };
      for (std::size_t i = 0; i < stored.size(); ++i) {
        if (i > 0 && stored[i].first != stored[i - 1].first) flush(stored[i - 1].first);
        list.add(stored[i].second);
      }
      flush(stored.back().first);
      conn_->exec("SELECT pg_advisory_xact_lock(1397772337, 2)");
      conn_->copy_in("COPY changes(sensor_id, ts_list) FROM STDIN", log);
    }
    txn.commit();
    for (auto i : dirty) dict_[i].dirty = false;
    return st;
  }

  std::string url_;
  WriterOptions opt_;
  std::unique_ptr<pq::Conn> conn_;
  SensorDictionary dict_;
  BatchPlan plan_;
  std::set<TimeMs> known_[3];  // partition starts that exist, per kPartitioned table
  std::string copy_;           // COPY text of the batch being written
};

}  // namespace

std::unique_ptr<StoreWriter> open_writer(const std::string& url, const WriterOptions& options) {
  return std::make_unique<PgWriter>(url, options);
}

}  // namespace sensorpipe::store::postgres
