// Unit tests of the backend-neutral query engine: segments, bucketing, fill, order, limit, sources.
#include <catch2/catch.hpp>

#include <map>

#include "store/query_plan.h"

using namespace sensorpipe;
using namespace sensorpipe::store;

TEST_CASE("plan() reads whole hours and minutes from roll-ups and only the edges raw", "[store]") {
  const TimeMs from = 30'000, to = 2 * kHourMs + 90'000;
  const auto segs = plan(from, to, true, true);
  const std::vector<Segment> want{{30'000, kMinuteMs, Source::Raw},
                                  {kMinuteMs, kHourMs, Source::Minute},
                                  {kHourMs, 2 * kHourMs, Source::Hour},
                                  {2 * kHourMs, 2 * kHourMs + kMinuteMs, Source::Minute},
                                  {2 * kHourMs + kMinuteMs, to, Source::Raw}};
  CHECK(segs == want);
  CHECK(plan(from, to, false, false) == std::vector<Segment>{{from, to, Source::Raw}});
  CHECK(plan(0, 2 * kHourMs, true, false) == std::vector<Segment>{{0, 2 * kHourMs, Source::Minute}});
  CHECK(plan(10, 10, true, true).empty());
}

TEST_CASE("bucketing: UTC multiples, and which roll-ups may answer", "[store]") {
  Query q;
  q.every = 90'000;
  auto bk = Bucketing::for_query(q);
  CHECK_FALSE(bk.zoned());
  CHECK(bk.start_of(-1) == -90'000);
  CHECK(bk.next(0) == 90'000);
  CHECK(rollups_usable(bk, 0, kDayMs) == std::pair<bool, bool>{false, false});
  q.every = 7 * kHourMs;
  CHECK(rollups_usable(Bucketing::for_query(q), 0, kDayMs) == std::pair<bool, bool>{true, true});
  q.every = 0;
  CHECK_THROWS_AS(Bucketing::for_query(q), UsageError);
  q.every = kDayMs;
  q.tz = "No/Such_Zone";
  CHECK_THROWS_AS(Bucketing::for_query(q), UsageError);
  q.every = kHourMs;
  CHECK_THROWS_AS(Bucketing::for_query(q), UsageError);  // unused, still checked
  q.tz = "Europe/Berlin";
  CHECK_FALSE(Bucketing::for_query(q).zoned());  // hours are not local days
  q.every = 2 * kDayMs;
  CHECK(Bucketing::for_query(q).zoned());
  q.tz = "UTC";
  CHECK_FALSE(Bucketing::for_query(q).zoned());
}

TEST_CASE("local days read hour roll-ups when every midnight of the range is a whole UTC hour", "[store]") {
  Query q;
  q.every = kDayMs;
  const TimeMs dec1 = 1'764'547'200'000;  // 2025-12-01T00:00:00Z
  const TimeMs month = 31 * kDayMs, year = 365 * kDayMs;
  auto usable = [&](const char* zone, TimeMs from, TimeMs to) {
    q.tz = zone;
    return rollups_usable(Bucketing::for_query(q), from, to);
  };
  using P = std::pair<bool, bool>;
  CHECK(usable("Europe/Berlin", dec1, dec1 + year) == P{true, true});        // 23:00 or 22:00 UTC
  CHECK(usable("Pacific/Kiritimati", dec1, dec1 + month) == P{true, true});  // 10:00 UTC
  CHECK(usable("Asia/Kolkata", dec1, dec1 + month) == P{true, false});       // 18:30 UTC
  // Lord Howe Island moves its clocks by half an hour: midnight is 13:00 UTC in summer
  // (December), 13:30 UTC in winter.
  CHECK(usable("Australia/Lord_Howe", dec1, dec1 + month) == P{true, true});
  CHECK(usable("Australia/Lord_Howe", dec1, dec1 + year) == P{true, false});
  // Unbounded or very long ranges are not walked: minutes only.
  CHECK(usable("Europe/Berlin", dec1, kMaxTimeMs) == P{true, false});
  CHECK(usable("Europe/Berlin", dec1, dec1 + 20 * year) == P{true, false});
}

namespace {
// Raw readings in memory as a source (no roll-ups), as ws-serve's memory history is.
class Points final : public QuerySource {
 public:
  std::map<std::string, std::vector<std::pair<TimeMs, Value>>> data;
  std::size_t delivered = 0;  // raw readings handed to the engine
  std::vector<SensorRef> sensors(const std::vector<std::string>&) override {
    std::vector<SensorRef> out;
    for (const auto& [name, pts] : data) out.push_back({static_cast<std::int64_t>(out.size()), name, {}, {}, {}});
    return out;
  }
  void raw(const SensorRef& s, TimeMs from, TimeMs to, bool descending, const RawFn& f) override {
    auto pts = data.at(s.name);
    if (descending) std::reverse(pts.begin(), pts.end());
    for (const auto& [ts, v] : pts) {
      if (ts < from || ts >= to) continue;
      ++delivered;
      if (!f(ts, v, "")) return;
    }
  }
  bool has_data(const SensorRef& s, TimeMs from, TimeMs to) override {
    for (const auto& [ts, v] : data.at(s.name))
      if (ts >= from && ts < to) return true;
    return false;
  }
};

std::vector<Row> run(QuerySource& src, const Query& q, QueryResult* res = nullptr) {
  std::vector<Row> rows;
  const auto r = run_query(src, q, [&](const Row& row) { rows.push_back(row); });
  if (res) *res = r;
  return rows;
}
}  // namespace

TEST_CASE("run_query: buckets with fill previous, descending, and the limit", "[store]") {
  Points src;
  src.data["a"] = {{0, Value(1.0)}, {500, Value(3.0)}, {2'500, Value(5.0)}};
  src.data["b"] = {{100, Value(std::string("on"))}};
  Query q;
  q.every = 1'000;
  q.aggs = {Agg::Avg, Agg::Count};
  q.from = 0;
  q.to = 3'000;
  q.fill = Fill::Previous;
  auto rows = run(src, q);
  REQUIRE(rows.size() == 6);
  CHECK(rows[0].sensor == "a");
  CHECK(std::get<double>(*rows[0].aggs[0]) == 2.0);
  CHECK(rows[1].ts == 1'000);
  CHECK(std::get<double>(*rows[1].aggs[1]) == 2.0);  // carried from the bucket before
  CHECK(std::get<double>(*rows[2].aggs[0]) == 5.0);
  CHECK(rows[3].sensor == "b");
  CHECK_FALSE(rows[3].aggs[0]);  // a string state has no average
  q.fill = Fill::Null;
  q.descending = true;
  rows = run(src, q);
  CHECK(rows[0].ts == 2'000);
  CHECK_FALSE(rows[4].aggs[1]);  // b's empty middle bucket
  q.limit = 2;
  QueryResult res;
  rows = run(src, q, &res);
  CHECK(rows.size() == 2);
  CHECK(res.truncated);
  CHECK_FALSE(res.used_rollups);
}

TEST_CASE("run_query: raw rows in either order; a limit met exactly is not a cut", "[store]") {
  Points src;
  src.data["a"] = {{1, Value(1.0)}, {2, Value(2.0)}};
  Query q;
  q.descending = true;
  QueryResult res;
  auto rows = run(src, q, &res);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].ts == 2);
  CHECK(std::get<double>(rows[0].reading->value) == 2.0);
  q.limit = 2;
  rows = run(src, q, &res);
  CHECK_FALSE(res.truncated);
}

TEST_CASE("run_query: rows stream out as buckets close, so a stop or a limit ends a run-away range at once", "[store]") {
  // A held value (twa) or a fill gives a row to every 1 ms bucket of 10^12 ms: were the
  // rows gathered before being emitted, this would never end (and fill the memory).
  Points src;
  src.data["a"] = {{0, Value(1.0)}, {1'000'000'000'000, Value(2.0)}};
  Query q;
  q.every = 1;
  q.from = 0;
  q.to = 2'000'000'000'000;
  q.consumption.gap = 2'000'000'000'000;  // the first value is held until the second
  q.consumption.lookback = q.consumption.gap;
  q.consumption.end_limit = q.to;
  for (const auto& aggs : {std::vector<Agg>{Agg::Twa}, std::vector<Agg>{Agg::Avg}}) {
    q.aggs = aggs;
    q.fill = aggs[0] == Agg::Avg ? Fill::Null : Fill::None;
    int asked = 0;
    q.stop = [&] { return ++asked > 5; };
    QueryResult res;
    auto rows = run(src, q, &res);
    CHECK(rows.size() == 5);
    CHECK(res.stopped);
    q.stop = nullptr;
    q.limit = 3;
    rows = run(src, q, &res);
    REQUIRE(rows.size() == 3);
    CHECK(res.truncated);
    CHECK(rows[2].ts == 2);
    q.limit.reset();
  }
}

TEST_CASE("run_query: consumption stops reading when the limit or a stop ends the answer", "[store]") {
  Points src;
  for (int i = 0; i < 10'000; ++i) src.data["a"].emplace_back(i * 1'000, Value(static_cast<double>(i)));
  Query q;
  q.every = 1'000;
  q.from = 0;
  q.to = 10'000'000;
  q.consumption.end_limit = q.to;
  q.aggs = {Agg::Twa, Agg::Increase};
  q.limit = 5;
  QueryResult res;
  auto rows = run(src, q, &res);
  CHECK(rows.size() == 5);
  CHECK(res.truncated);
  CHECK(src.delivered < 20);  // not the 10,000 readings of the range
  src.delivered = 0;
  q.limit.reset();
  int asked = 0;
  q.stop = [&] { return ++asked > 3; };
  rows = run(src, q, &res);
  CHECK(res.stopped);
  CHECK(src.delivered < 20);
}
