// Chart images of query results (history-query -f png|svg|pdf): lines or steps for
// measurements, bars for consumption buckets, a legend, a time axis in local time.
//
// Usage: collect rows with a SeriesBuilder while the query runs, then render() the
// series to the bytes of a PNG, SVG or PDF file; the caller decides where they go.
// Everything here is plain values: no process state, no printing, no files written.
// Different threads may render at the same time. Drawing never fails on the data
// (empty results, one point, huge or negative values, long names, many sensors and
// string states all draw something); render() throws RuntimeError only when cairo
// itself fails (out of memory), UsageError for an unknown time zone.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/library_versions.h"
#include "store/query.h"

namespace sensorpipe::chart {

enum class ImageFormat { Png, Svg, Pdf };
std::optional<ImageFormat> parse_image_format(std::string_view name);  // "png", "svg", "pdf"

enum class Style { Light, Dark };
std::optional<Style> parse_style(std::string_view name);  // "light", "dark"

// How a series is drawn. Auto: bars for consumption aggregates (sum, count, increase,
// integral), lines otherwise.
enum class Mark { Auto, Line, Step, Bars };
std::optional<Mark> parse_mark(std::string_view name);  // "auto", "line", "step", "bars"

// True for aggregates whose buckets are amounts per bucket (drawn as bars by Mark::Auto).
// Keyed on the aggregate's name so that new ones (increase, integral) need no change here.
bool is_amount(store::Agg a);

struct Point {
  TimeMs ts = 0;                 // reading time, or bucket start
  std::optional<Value> value;    // nullopt: no data (a gap)
};

struct Series {
  std::string label;             // the sensor, plus the aggregate when there are several
  std::string unit;              // may be empty
  Mark mark = Mark::Line;        // resolved: never Auto
  std::vector<Point> points;     // in time order
};

struct ChartSpec {
  ImageFormat format = ImageFormat::Png;
  int width = 1000, height = 500;   // pixels (points for PDF); at least 200 x 120
  std::string title;                // empty: no title line
  Style style = Style::Light;
  std::string tz;                   // IANA zone of the time axis; empty = UTC
  std::optional<TimeMs> bucket;     // bucket width when the points are buckets
  std::optional<TimeMs> from, to;   // the queried range, when bounded: the axis covers it
};

// Turns query rows into series: one per sensor, or per sensor and aggregate when the
// query has several aggregates. Units come from `units` (sensor -> unit, e.g. from
// HistoryReader::list_sensors) or, for raw readings, from the readings themselves.
class SeriesBuilder {
 public:
  SeriesBuilder(std::vector<store::Agg> aggs, Mark mark, std::map<std::string, std::string> units);
  void add(const store::Row& row);
  std::vector<Series> take();

 private:
  std::vector<store::Agg> aggs_;
  Mark mark_;
  std::map<std::string, std::string> units_;
  std::vector<Series> series_;
  std::string last_sensor_;
  std::size_t first_of_sensor_ = 0;
};

// The image file's bytes.
std::string render(const ChartSpec& spec, const std::vector<Series>& series);

// cairo and pango, for --version.
LibraryVersions chart_library_versions();

}  // namespace sensorpipe::chart
