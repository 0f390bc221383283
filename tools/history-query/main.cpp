// history-query: reads stored readings back: ranges, downsampled buckets, sensor lists, follow.
//
// The query engine is lib/store (HistoryReader, shared with ws-serve); this file maps
// options to a Query, prints rows with RowFormatter, and runs the --follow poll loop.
// A stop request (SIGINT/SIGTERM) ends an export at a row boundary, through Query::stop.
// Chart formats (png, svg, pdf) collect the rows into lib/chart's series and write one image.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include <fmt/format.h>

#include "chart/chart.h"
#include "cli/db_options.h"
#include "cli/tool.h"
#include "core/errors.h"
#include "core/stop_request.h"
#include "store/output.h"
#include "store/query.h"
#include "store/open.h"

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
  // Chart images (-f png|svg|pdf).
  std::string image_file, title, style = "light", chart_type = "auto";
  int width = 1000, height = 500;
  std::optional<TimeMs> lookback, gap;
  std::optional<double> reset_ratio;
  std::string integral_unit;
};

constexpr int kFollowPollMs = 250;

// SIGINT/SIGTERM end a wait on the database too (PostgreSQL), as the export's rows do.
Interrupt stop_interrupt() { return Interrupt{[] { return stop_requested(); }, stop_fd()}; }

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
    if (!aggs) throw UsageError("--agg: unknown aggregate '" + bad + "' (expected " + store::agg_names() + ")");
    q.aggs = *aggs;
  }
  q.consumption.end_limit = now;  // a held value is not carried into the future
  if (o.lookback) q.consumption.lookback = *o.lookback;
  if (o.gap) q.consumption.gap = *o.gap;
  if (o.reset_ratio) q.consumption.reset_ratio = *o.reset_ratio;
  if (o.lookback && *o.lookback <= 0) throw UsageError("--lookback must be positive");
  if (o.gap && *o.gap <= 0) throw UsageError("--gap must be positive");
  if (o.reset_ratio && !(*o.reset_ratio > 0 && *o.reset_ratio < 1))
    throw UsageError("--reset-ratio must be between 0 and 1 (exclusive), e.g. 0.1");
  if (!o.integral_unit.empty()) {
    static const char* const kUnits[] = {"Wh", "kWh", "MWh", "J", "kJ", "MJ", "L", "mL", "m³", "m3", "gal"};
    bool known = false;
    for (const char* u : kUnits) known = known || o.integral_unit == u;
    if (!known) throw UsageError("--integral-unit: expected Wh, kWh, MWh, J, kJ, MJ, L, mL, m³ or gal, got '" + o.integral_unit + "'");
    q.integral_unit = o.integral_unit;
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

// -f png|svg|pdf: the whole result becomes one image, written to -o FILE or stdout.
int write_chart(const Options& o, chart::ImageFormat format, const store::Query& q, store::HistoryReader& reader,
                Diagnostics& diag) {
  if (o.follow || o.list)
    throw UsageError("-f " + o.format + " draws one image: it cannot be combined with --follow or --list-sensors");
  const auto style = chart::parse_style(o.style);
  if (!style) throw UsageError("--style: expected light or dark");
  const auto mark = chart::parse_mark(o.chart_type);
  if (!mark) throw UsageError("--chart: expected auto, line, step or bars");
  if (o.width < 200 || o.width > 20000) throw UsageError("--width: expected 200 to 20000 pixels");
  if (o.height < 120 || o.height > 20000) throw UsageError("--height: expected 120 to 20000 pixels");
  const bool to_stdout = o.image_file.empty() || o.image_file == "-";
  if (to_stdout && ::isatty(1)) throw UsageError("-f " + o.format + " writes an image: use -o FILE or redirect stdout");
  std::map<std::string, std::string> units;
  for (const auto& s : reader.list_sensors(q.sensors))
    if (s.unit) units[s.name] = *s.unit;
  chart::SeriesBuilder series(q.every ? q.aggs : std::vector<store::Agg>{}, *mark, std::move(units));
  const auto res = reader.run(q, [&](const store::Row& row) { series.add(row); });
  if (res.truncated) diag.info(fmt::format("chart limited to {} rows by --limit; more rows match", *q.limit));
  chart::ChartSpec spec;
  spec.format = format;
  spec.width = o.width;
  spec.height = o.height;
  spec.title = o.title;
  spec.style = *style;
  spec.tz = o.tz;
  spec.bucket = q.every;
  spec.from = q.from;
  spec.to = q.to;
  const std::string image = chart::render(spec, series.take());
  int fd = 1;
  if (!to_stdout) {
    fd = ::open(o.image_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) throw RuntimeError(o.image_file + ": " + std::strerror(errno));
  }
  {
    LineWriter out(fd, LineWriter::Policy::Batched);
    out.buffer() = image;
    out.flush();
  }
  if (fd != 1 && ::close(fd) != 0) throw RuntimeError(o.image_file + ": " + std::strerror(errno));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  cli::Tool tool("history-query", "Query stored readings: ranges, downsampling, sensor lists, follow",
                 [] {
                   auto libs = store::store_library_versions();
                   for (auto& lib : chart::chart_library_versions()) libs.push_back(std::move(lib));
                   return libs;
                 }());
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
  app.add_option("--agg", o.agg,
                 "Aggregates per bucket: avg,min,max,count,sum,first,last, increase,integral,twa, "
                 "p50,p90,p95,p99,median (default avg)")
      ->type_name("LIST");
  cli::add_duration_option(app, "--lookback", o.lookback,
                           "increase: a step across a longer silence does not count (default 24h)");
  cli::add_duration_option(app, "--gap", o.gap, "integral, twa: carry a value at most this long (default 1h)");
  app.add_option("--reset-ratio", o.reset_ratio,
                 "increase: a drop of more than this fraction below the high-water mark is a reset (default 0.1)")
      ->type_name("R");
  app.add_option("--integral-unit", o.integral_unit, "integral: energy or volume unit of the result (default kWh, or the rate's volume unit)")
      ->type_name("UNIT");
  app.add_option("--fill", o.fill, "Empty buckets: none, null or previous (default none)")->type_name("MODE");
  app.add_option("--limit", o.limit, "Print at most N rows (a notice on stderr says when this cut the result)")
      ->type_name("N");
  app.add_option("--order", o.order, "Time order within a sensor: asc or desc (default asc)")->type_name("ORDER");
  app.add_option("-f,--format", o.format, "Output: jsonl, csv, tsv, table, or a chart: png, svg, pdf (default jsonl)")
      ->type_name("FORMAT");
  app.add_option("--tz", o.tz, "Align day buckets to local midnight in ZONE (e.g. Europe/Berlin); charts' time axis too")
      ->type_name("ZONE");
  app.add_flag("--list-sensors", o.list, "List sensors: kind, unit, count, first/last time, last value");
  app.add_flag("--follow", o.follow, "After the history, keep printing readings as they are stored");
  app.add_option("-o,--output", o.image_file, "Charts: write the image to FILE (- = stdout, the default)")->type_name("FILE");
  app.add_option("--width", o.width, "Charts: image width in pixels, 200-20000 (default 1000)")->type_name("PX");
  app.add_option("--height", o.height, "Charts: image height in pixels, 120-20000 (default 500)")->type_name("PX");
  app.add_option("--title", o.title, "Charts: a title above the chart")->type_name("TEXT");
  app.add_option("--style", o.style, "Charts: light or dark (default light)")->type_name("STYLE");
  app.add_option("--chart", o.chart_type,
                 "Charts: auto (bars for sum/count/increase/integral, lines otherwise), line, step or bars")
      ->type_name("TYPE");
  cli::add_output_options(app, o.output);
  if (auto status = tool.parse(argc, argv)) return *status;

  return tool.run([&] {
    if (const auto image = chart::parse_image_format(o.format)) {
      const store::Query q = build_query(o);
      return write_chart(o, *image, q, *store::HistoryReader::open(cli::require_db(o.db), stop_interrupt()),
                         tool.diag());
    }
    const auto format = store::parse_format(o.format);
    if (!format) throw UsageError("--format: expected jsonl, csv, tsv, table, png, svg or pdf");
    if (!o.image_file.empty()) throw UsageError("-o writes chart images (-f png, svg or pdf); redirect standard output instead");
    if (o.follow && *format == store::Format::Table) throw UsageError("--follow cannot print a table; use jsonl, csv or tsv");
    if (o.list && o.follow) throw UsageError("--list-sensors cannot be combined with --follow");
    store::Query q = build_query(o);
    // SIGINT/SIGTERM end a long export at the next row (output flushed up to it, exit 0).
    q.stop = [] { return stop_requested(); };
    // A server that is stopped, slow or away does not hold a SIGINT/SIGTERM up either.
    auto reader = store::HistoryReader::open(cli::require_db(o.db), stop_interrupt());
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
    if (!o.follow || res.stopped) return 0;

    std::uint64_t cursor = res.cursor;
    while (!wait_or_stop(kFollowPollMs)) cursor = reader->follow(cursor, q, print);
    out.flush();
    return 0;
  });
}
