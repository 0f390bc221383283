// history-query: reads stored readings back: ranges, downsampled buckets, sensor lists, follow.
//
// The query engine is lib/store (HistoryReader, shared with ws-serve); this file maps
// options to a Query, prints rows with RowFormatter, and runs the --follow poll loop.
#include <poll.h>

#include <fmt/format.h>

#include "cli/db_options.h"
#include "cli/tool.h"
#include "core/errors.h"
#include "core/stop_request.h"
#include "store/library_versions.h"
#include "store/output.h"
#include "store/query.h"

using namespace sensorpipe;

namespace {

struct Options {
  cli::DbOptions db;
  cli::OutputOptions output;
  std::vector<std::string> sensors;
  std::optional<TimeMs> since, every;
  std::string from, to, agg, fill = "none", order = "asc", format = "jsonl", tz;
  std::optional<std::uint64_t> limit;
  bool list = false, follow = false;
};

constexpr int kFollowPollMs = 250;

// Waits up to `ms` for a stop request; true when the program should end (stop, or
// nobody reads stdout any more).
bool wait_or_stop(int ms) {
  pollfd fds[2] = {{stop_fd(), POLLIN, 0}, {1, 0, 0}};
  ::poll(fds, 2, ms);
  return stop_requested() || (fds[1].revents & (POLLERR | POLLHUP)) != 0;
}

store::Query build_query(const Options& o) {
  store::Query q;
  q.sensors = o.sensors;
  const TimeMs now = now_ms();
  if (o.since) q.from = now - *o.since;
  if (!o.from.empty()) {
    const auto t = parse_time_point(o.from, now);
    if (!t) throw UsageError("--from: expected an RFC 3339 time, a relative time such as -2h, or now; got '" + o.from + "'");
    q.from = *t;
  }
  if (!o.to.empty()) {
    const auto t = parse_time_point(o.to, now);
    if (!t) throw UsageError("--to: expected an RFC 3339 time, a relative time such as -2h, or now; got '" + o.to + "'");
    q.to = *t;
  }
  q.every = o.every;
  if (q.every && *q.every <= 0) throw UsageError("--every must be positive");
  if (!o.agg.empty()) {
    if (!q.every) throw UsageError("--agg needs --every");
    std::string bad;
    const auto aggs = store::parse_agg_list(o.agg, bad);
    if (!aggs) throw UsageError("--agg: unknown aggregate '" + bad + "' (expected avg, min, max, count, sum, first, last)");
    q.aggs = *aggs;
  }
  if (q.every && q.aggs.empty()) q.aggs = {store::Agg::Avg};
  const auto fill = store::parse_fill(o.fill);
  if (!fill) throw UsageError("--fill: expected none, null or previous");
  if (*fill != store::Fill::None && !q.every) throw UsageError("--fill needs --every");
  q.fill = *fill;
  if (o.order != "asc" && o.order != "desc") throw UsageError("--order: expected asc or desc");
  q.descending = o.order == "desc";
  q.limit = o.limit;
  q.tz = o.tz;
  if (o.follow && (q.every || !o.to.empty() || q.descending))
    throw UsageError("--follow emits raw readings in time order: it cannot be combined with --every, --to or --order desc");
  return q;
}

}  // namespace

int main(int argc, char** argv) {
  cli::Tool tool("history-query", "Query stored readings: ranges, downsampling, sensor lists, follow",
                 store::store_library_versions());
  Options o;
  auto& app = tool.app();
  cli::add_db_options(app, o.db);
  app.add_option("-s,--sensor", o.sensors, "Sensor name or pattern (* ? and MQTT + #); repeatable")
      ->type_name("PATTERN");
  auto* since = cli::add_duration_option(app, "--since", o.since, "Readings of the last DURATION (e.g. 1h, 7d)");
  auto* from = app.add_option("--from", o.from, "Start time, inclusive (RFC 3339, -2h, now)")->type_name("TIME");
  app.add_option("--to", o.to, "End time, exclusive (RFC 3339, -2h, now)")->type_name("TIME");
  since->excludes(from);
  cli::add_duration_option(app, "--every", o.every, "Bucket width: aggregate per DURATION (e.g. 5m, 1h, 1d)");
  app.add_option("--agg", o.agg, "Aggregates per bucket: avg,min,max,count,sum,first,last (default avg)")
      ->type_name("LIST");
  app.add_option("--fill", o.fill, "Empty buckets: none, null or previous (default none)")->type_name("MODE");
  app.add_option("--limit", o.limit, "Print at most N rows (a notice on stderr says when this cut the result)")
      ->type_name("N");
  app.add_option("--order", o.order, "Time order within a sensor: asc or desc (default asc)")->type_name("ORDER");
  app.add_option("-f,--format", o.format, "Output: jsonl, csv, tsv or table (default jsonl)")->type_name("FORMAT");
  app.add_option("--tz", o.tz, "Align day buckets to local midnight in ZONE (e.g. Europe/Berlin)")->type_name("ZONE");
  app.add_flag("--list-sensors", o.list, "List sensors: kind, unit, count, first/last time, last value");
  app.add_flag("--follow", o.follow, "After the history, keep printing readings as they are stored");
  cli::add_output_options(app, o.output);
  if (auto status = tool.parse(argc, argv)) return *status;

  return tool.run([&] {
    const auto format = store::parse_format(o.format);
    if (!format) throw UsageError("--format: expected jsonl, csv, tsv or table");
    if (o.follow && *format == store::Format::Table) throw UsageError("--follow cannot print a table; use jsonl, csv or tsv");
    if (o.list && o.follow) throw UsageError("--list-sensors cannot be combined with --follow");
    const store::Query q = build_query(o);
    auto reader = store::HistoryReader::open(cli::require_db(o.db));
    LineWriter out(1, o.output.policy(!o.follow));

    if (o.list) {
      store::RowFormatter fmt(*format);
      for (const auto& s : reader->list_sensors(q.sensors)) fmt.add(out.buffer(), s);
      fmt.finish(out.buffer());
      out.flush();
      return 0;
    }
    store::RowFormatter fmt(*format, q.every ? q.aggs : std::vector<store::Agg>{});
    auto print = [&](const store::Row& row) {
      fmt.add(out.buffer(), row);
      if (out.policy() == LineWriter::Policy::Line || out.buffer().size() >= 65536) out.flush();
    };
    const auto res = reader->run(q, print);
    fmt.finish(out.buffer());
    out.flush();
    if (res.truncated)
      tool.diag().info(fmt::format("output limited to {} rows by --limit; more rows match", *q.limit));
    if (!o.follow) return 0;

    std::uint64_t cursor = res.cursor;
    while (!wait_or_stop(kFollowPollMs)) cursor = reader->follow(cursor, q, print);
    out.flush();
    return 0;
  });
}
