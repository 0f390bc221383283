// The roll-up SQL of the PostgreSQL backend (see rollup_sql.h).
#include "store/postgres/rollup_sql.h"

#include <fmt/format.h>

#include "store/rollup.h"

namespace sensorpipe::store::postgres {

namespace {

// A raw row's value as a JSON scalar (a roll-up's first/last may hold any value type);
// float8 text is exact with extra_float_digits = 3 (pq::Conn sets it).
constexpr const char* kJsonValue =
    "CASE WHEN num IS NOT NULL THEN num::text::jsonb WHEN flag IS NOT NULL THEN to_jsonb(flag) ELSE to_jsonb(txt) END";

// numeric_value() of a roll-up's first/last: numbers as they are, booleans 0/1, strings NULL.
std::string json_number(const std::string& j) {
  return fmt::format("CASE jsonb_typeof({0}) WHEN 'number' THEN ({0})::float8 WHEN 'boolean' THEN ({0})::boolean::integer::float8 END", j);
}

// The minute of sensor `sid` starting at epoch ms `b` (SQL expressions), from its raw rows,
// one row with every column of kRollupColumns under its own name (count 0 when no rows).
// v: the numeric value (NULL for strings); dt: the time to the bucket's next reading
// (NULL for the last one); nv: the next reading's numeric value.
std::string minute_of(const std::string& sid, const std::string& b) {
  return fmt::format(R"sql(
  SELECT count(*) AS count, count(v) AS ncount, sum(v ORDER BY ts) AS sum, min(v) AS min, max(v) AS max,
         min(ts) AS first_ts, (array_agg(j ORDER BY ts))[1] AS first,
         max(ts) AS last_ts, (array_agg(j ORDER BY ts DESC))[1] AS last,
         count(*) FILTER (WHERE nv < v) AS decreases,
         coalesce(sum(v * dt::float8 ORDER BY ts) FILTER (WHERE v IS NOT NULL AND dt IS NOT NULL), 0) + 0::float8 AS tw_sum,
         coalesce(sum(dt) FILTER (WHERE v IS NOT NULL AND dt IS NOT NULL), 0)::bigint AS tw_ms
  FROM (SELECT ts, v, j, lead(v) OVER w AS nv, lead(t) OVER w - t AS dt
        FROM (SELECT ts, sensorpipe_ms(ts) AS t, coalesce(num, flag::integer) AS v, {2} AS j
              FROM readings WHERE sensor_id = {0} AND ts >= sensorpipe_ts({1}) AND ts < sensorpipe_ts({1} + 60000)) r
        WINDOW w AS (ORDER BY ts)) x)sql",
                     sid, b, kJsonValue);
}

// The hour of sensor `sid` starting at epoch ms `b`, merged from its minutes in time order.
// Every minute gives two terms, ordered (bucket, o): o = 0 its own tw_sum, o = 1 the step
// from the previous minute's last reading to its first (NULL for the hour's first minute
// and after a string), which is Partial::merge's order of additions.
std::string hour_of(const std::string& sid, const std::string& b) {
  const std::string pl = json_number("pl"), first = json_number("first");
  return fmt::format(R"sql(
  SELECT sum(count) FILTER (WHERE o = 0)::bigint AS count, sum(ncount) FILTER (WHERE o = 0)::bigint AS ncount,
         sum(sum ORDER BY bucket) FILTER (WHERE o = 0) AS sum, min(min) AS min, max(max) AS max,
         min(first_ts) AS first_ts, (array_agg(first ORDER BY bucket))[1] AS first,
         max(last_ts) AS last_ts, (array_agg(last ORDER BY bucket DESC))[1] AS last,
         CASE WHEN bool_and(known) THEN (sum(decreases) FILTER (WHERE o = 0)
              + count(*) FILTER (WHERE o = 1 AND {2} < {3}))::bigint END AS decreases,
         CASE WHEN bool_and(known) THEN sum(x ORDER BY bucket, o) END AS tw_sum,
         CASE WHEN bool_and(known) THEN (sum(tw_ms) FILTER (WHERE o = 0)
              + coalesce(sum(step) FILTER (WHERE o = 1 AND {3} IS NOT NULL), 0))::bigint END AS tw_ms
  FROM (SELECT bucket, count, ncount, sum, min, max, first_ts, first, last_ts, last, decreases, tw_sum, tw_ms,
               decreases IS NOT NULL AS known, lag(last) OVER w AS pl,
               sensorpipe_ms(first_ts) - sensorpipe_ms(lag(last_ts) OVER w) AS step
        FROM rollup_minute WHERE sensor_id = {0} AND bucket >= sensorpipe_ts({1}) AND bucket < sensorpipe_ts({1} + 3600000)
        WINDOW w AS (ORDER BY bucket)) y
  CROSS JOIN LATERAL (VALUES (0, y.tw_sum), (1, {3} * y.step::float8)) t(o, x))sql",
                     sid, b, first, pl);
}

// The columns joined by `sep`, each as prefix + name, or as "name = excluded.name".
std::string joined(const std::string& prefix, const std::string& sep, bool assign = false) {
  std::string s;
  for (const auto& c : rollup_columns()) {
    if (!s.empty()) s += sep;
    s += assign ? c + " = excluded." + c : prefix + c;
  }
  return s;
}

std::string upsert(const char* table, const std::string& of) {
  return fmt::format(R"sql(
INSERT INTO {0} AS m ({1},{2})
SELECT k.sid, sensorpipe_ts(k.b), {3}
FROM unnest($1::integer[], $2::bigint[]) AS k(sid, b)
CROSS JOIN LATERAL ({4}) a
WHERE a.count > 0
ON CONFLICT (sensor_id, bucket) DO UPDATE SET {5}
)sql",
                     table, kRollupKeyColumns, joined("", ","), joined("a.", ", "), of, joined("", ", ", true));
}

std::string fill(const char* table, const std::string& of) {
  return fmt::format(R"sql(
UPDATE {0} m SET (decreases, tw_sum, tw_ms) =
  (SELECT a.decreases, a.tw_sum, a.tw_ms FROM ({1}) a WHERE a.count = m.count)
)sql",
                     table, of);
}

}  // namespace

const std::vector<std::string>& rollup_columns() {
  static const std::vector<std::string> columns = [] {
    std::vector<std::string> out;
    std::string c;
    for (const char* p = kRollupColumns;; ++p) {
      if (*p == ',' || *p == '\0') {
        out.push_back(c);
        c.clear();
        if (*p == '\0') break;
      } else {
        c += *p;
      }
    }
    return out;
  }();
  return columns;
}

const std::string& upsert_minutes_sql() {
  static const std::string sql = upsert("rollup_minute", minute_of("k.sid", "k.b"));
  return sql;
}

const std::string& upsert_hours_sql() {
  static const std::string sql = upsert("rollup_hour", hour_of("k.sid", "k.b"));
  return sql;
}

const std::string& fill_minute_summary_sql() {
  static const std::string sql = fill("rollup_minute", minute_of("m.sensor_id", "sensorpipe_ms(m.bucket)"));
  return sql;
}

const std::string& fill_hour_summary_sql() {
  static const std::string sql = fill("rollup_hour", hour_of("m.sensor_id", "sensorpipe_ms(m.bucket)"));
  return sql;
}

}  // namespace sensorpipe::store::postgres
