// Drawing query results with cairo (PNG, SVG, PDF surfaces) and pango for text (see chart.h).
#include "chart/chart.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <memory>
#include <set>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <fmt/format.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

#include "chart/axes.h"
#include "core/errors.h"

namespace sensorpipe::chart {

std::optional<ImageFormat> parse_image_format(std::string_view name) {
  if (name == "png") return ImageFormat::Png;
  if (name == "svg") return ImageFormat::Svg;
  if (name == "pdf") return ImageFormat::Pdf;
  return std::nullopt;
}

std::optional<Style> parse_style(std::string_view name) {
  if (name == "light") return Style::Light;
  if (name == "dark") return Style::Dark;
  return std::nullopt;
}

std::optional<Mark> parse_mark(std::string_view name) {
  if (name == "auto") return Mark::Auto;
  if (name == "line") return Mark::Line;
  if (name == "step") return Mark::Step;
  if (name == "bars") return Mark::Bars;
  return std::nullopt;
}

bool is_amount(store::Agg a) {
  const std::string_view n = store::agg_name(a);
  return n == "sum" || n == "count" || n == "increase" || n == "integral";
}

SeriesBuilder::SeriesBuilder(std::vector<store::Agg> aggs, Mark mark, std::map<std::string, std::string> units)
    : aggs_(std::move(aggs)), mark_(mark), units_(std::move(units)) {}

void SeriesBuilder::add(const store::Row& row) {
  const std::size_t per_sensor = aggs_.empty() ? 1 : aggs_.size();
  if (series_.empty() || row.sensor != last_sensor_) {
    last_sensor_ = row.sensor;
    first_of_sensor_ = series_.size();
    const auto unit = units_.find(row.sensor);
    for (std::size_t i = 0; i < per_sensor; ++i) {
      Series s;
      s.label = row.sensor;
      if (aggs_.size() > 1) s.label += std::string(" ") + store::agg_name(aggs_[i]);
      if (unit != units_.end()) s.unit = unit->second;
      if (row.reading && row.reading->unit) s.unit = *row.reading->unit;
      s.mark = mark_ != Mark::Auto ? mark_ : (!aggs_.empty() && is_amount(aggs_[i])) ? Mark::Bars : Mark::Line;
      series_.push_back(std::move(s));
    }
  }
  for (std::size_t i = 0; i < per_sensor; ++i) {
    Point p;
    p.ts = row.ts;
    if (row.reading) p.value = row.reading->value;
    else if (i < row.aggs.size()) p.value = row.aggs[i];
    series_[first_of_sensor_ + i].points.push_back(std::move(p));
  }
}

std::vector<Series> SeriesBuilder::take() {
  for (auto& s : series_)  // descending queries come newest first
    std::stable_sort(s.points.begin(), s.points.end(), [](const Point& a, const Point& b) { return a.ts < b.ts; });
  return std::move(series_);
}

LibraryVersions chart_library_versions() {
  return {{"cairo", cairo_version_string()}, {"pango", pango_version_string()}};
}

namespace {

struct Rgb {
  double r, g, b;
};
constexpr Rgb hex(unsigned v) { return {((v >> 16) & 255) / 255.0, ((v >> 8) & 255) / 255.0, (v & 255) / 255.0}; }

// Tableau 20, strong colours first; after 20 series the colours repeat with dashes.
constexpr Rgb kSeriesColors[] = {
    hex(0x4e79a7), hex(0xf28e2b), hex(0xe15759), hex(0x59a14f), hex(0xb6992d), hex(0x499894), hex(0x79706e),
    hex(0xd37295), hex(0xb07aa1), hex(0x9d7660), hex(0xa0cbe8), hex(0xffbe7d), hex(0xff9d9a), hex(0x8cd17d),
    hex(0xf1ce63), hex(0x86bcb6), hex(0xbab0ac), hex(0xfabfd2), hex(0xd4a6c8), hex(0xd7b5a6)};
constexpr std::size_t kColorCount = sizeof kSeriesColors / sizeof kSeriesColors[0];

struct Theme {
  Rgb background, text, muted, grid, frame;
};
Theme theme(Style s) {
  if (s == Style::Dark) return {hex(0x1b1d23), hex(0xe8e8ea), hex(0xa0a3ab), hex(0x33363f), hex(0x60636b)};
  return {hex(0xffffff), hex(0x222222), hex(0x666666), hex(0xe6e6e6), hex(0x9a9a9a)};
}

void set_color(cairo_t* cr, Rgb c, double alpha = 1) { cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha); }

// fontconfig 2.14 loses a few hundred bytes parsing its configuration, once per process
// (pango would do it on a thread of its own). Loading it here first, on the caller's thread,
// lets an AddressSanitizer build ignore exactly that one-time allocation; FcInit() is
// thread-safe and does nothing once the configuration is loaded.
void load_fontconfig() {
#ifdef __SANITIZE_ADDRESS__
  __lsan_disable();
#endif
  FcInit();
#ifdef __SANITIZE_ADDRESS__
  __lsan_enable();
#endif
}

// Text through one pango layout: fixed font (DejaVu Sans, which Debian installs with
// fontconfig), no hinting, so the same input draws the same glyphs on every machine.
//
// Each Text has its own font map rather than pango's per-thread default one, so a render
// leaves no font state behind (and leak checkers find none) and renders share nothing.
class Text {
 public:
  explicit Text(cairo_t* cr) : cr_(cr), fonts_((load_fontconfig(), pango_cairo_font_map_new())) {
    context_ = pango_font_map_create_context(fonts_);
    pango_cairo_update_context(cr, context_);
    cairo_font_options_t* fo = cairo_font_options_create();
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(context_, fo);
    cairo_font_options_destroy(fo);
    layout_ = pango_layout_new(context_);
    pango_layout_set_single_paragraph_mode(layout_, TRUE);
  }
  ~Text() {
    g_object_unref(layout_);
    g_object_unref(context_);
    g_object_unref(fonts_);
  }
  Text(const Text&) = delete;
  Text& operator=(const Text&) = delete;

  // Sets the text; width > 0 ellipsizes (by default in the middle, where long sensor paths
  // differ least). Returns the extent (width, height) in user units.
  std::pair<double, double> set(const std::string& text, double px, bool bold = false, double width = 0,
                                PangoEllipsizeMode mode = PANGO_ELLIPSIZE_MIDDLE) {
    gchar* valid = g_utf8_make_valid(text.c_str(), static_cast<gssize>(text.size()));
    PangoFontDescription* fd = pango_font_description_from_string("DejaVu Sans");
    pango_font_description_set_absolute_size(fd, px * PANGO_SCALE);
    if (bold) pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(layout_, fd);
    pango_font_description_free(fd);
    pango_layout_set_text(layout_, valid, -1);
    g_free(valid);
    pango_layout_set_width(layout_, width > 0 ? static_cast<int>(width * PANGO_SCALE) : -1);
    pango_layout_set_ellipsize(layout_, width > 0 ? mode : PANGO_ELLIPSIZE_NONE);
    int w = 0, h = 0;
    pango_layout_get_pixel_size(layout_, &w, &h);
    return {w, h};
  }
  // Draws the text last set with its top-left at (x, y).
  void draw(double x, double y) {
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, layout_);
  }
  std::pair<double, double> show(const std::string& text, double px, double x, double y, bool bold = false,
                                 double width = 0, PangoEllipsizeMode mode = PANGO_ELLIPSIZE_MIDDLE) {
    auto size = set(text, px, bold, width, mode);
    draw(x, y);
    return size;
  }

 private:
  cairo_t* cr_;
  PangoFontMap* fonts_;
  PangoContext* context_ = nullptr;
  PangoLayout* layout_ = nullptr;
};

// A series as numbers: booleans are 1/0, string states are numbered in sorted order
// (the legend names them), gaps stay gaps.
struct Numeric {
  const Series* series;
  std::string label;
  std::vector<std::pair<TimeMs, std::optional<double>>> points;
  Rgb color;
  bool dashed;
};

Numeric to_numeric(const Series& s, std::size_t index) {
  Numeric n{&s, s.label, {}, kSeriesColors[index % kColorCount], index >= kColorCount};
  std::set<std::string> states;
  for (const auto& p : s.points)
    if (p.value && std::holds_alternative<std::string>(*p.value)) states.insert(std::get<std::string>(*p.value));
  std::vector<std::string> order(states.begin(), states.end());
  for (const auto& p : s.points) {
    std::optional<double> v;
    if (p.value) {
      if (const auto* d = std::get_if<double>(&*p.value)) v = *d;
      else if (const auto* b = std::get_if<bool>(&*p.value)) v = *b ? 1.0 : 0.0;
      else v = static_cast<double>(std::lower_bound(order.begin(), order.end(), std::get<std::string>(*p.value)) -
                                   order.begin());
    }
    n.points.emplace_back(p.ts, v);
  }
  if (!order.empty()) {
    std::string key;
    for (std::size_t i = 0; i < order.size() && i < 6; ++i) key += fmt::format("{}{}={}", i ? ", " : "", i, order[i]);
    if (order.size() > 6) key += ", ...";
    n.label += " (" + key + ")";
  }
  return n;
}

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

struct Layout {
  double x0, x1, y0, y1;  // plot area
};

class Renderer {
 public:
  Renderer(const ChartSpec& spec, const std::vector<Series>& series, cairo_t* cr)
      : spec_(spec), cr_(cr), text_(cr), theme_(theme(spec.style)), zone_(spec.tz.empty() || spec.tz == "UTC" ? store::TimeZone::utc() : store::TimeZone::load(spec.tz)) {
    for (std::size_t i = 0; i < series.size(); ++i) numeric_.push_back(to_numeric(series[i], i));
    s_ = std::clamp(std::min(spec.width / 1000.0, spec.height / 500.0), 0.6, 4.0);
    font_ = std::max(9.0, 12 * s_);
  }

  void draw() {
    set_color(cr_, theme_.background);
    cairo_paint(cr_);
    const double pad = 14 * s_;
    double top = pad;
    if (!spec_.title.empty()) {
      set_color(cr_, theme_.text);
      top += text_.show(spec_.title, font_ * 1.35, pad, top, true, spec_.width - 2 * pad, PANGO_ELLIPSIZE_END).second +
             6 * s_;
    }
    compute_ranges();
    const double legend_h = legend_height(spec_.width - 2 * pad);
    const double bottom = spec_.height - pad - legend_h - (legend_h > 0 ? 8 * s_ : 0);

    // The value axis: its labels set the plot's left edge; the unit sits above it.
    const auto [unit_w, unit_h] = text_.set(units_text(), font_);
    (void)unit_w;
    const double plot_top = top + unit_h + 6 * s_;
    const double time_label_h = 2 * font_ * 1.25 + 6 * s_;
    const double plot_bottom = std::max(plot_top + 20, bottom - time_label_h);
    const int value_ticks = std::max(2, static_cast<int>((plot_bottom - plot_top) / (45 * s_)));
    axis_ = value_axis(ylo_, yhi_, value_ticks);
    double label_w = 0;
    for (const auto& l : axis_.labels) label_w = std::max(label_w, text_.set(l, font_).first);
    Layout L{pad + label_w + 8 * s_, spec_.width - pad - 6 * s_, plot_top, plot_bottom};
    if (L.x1 - L.x0 < 40) L.x0 = L.x1 - 40;
    plot_ = L;

    set_color(cr_, theme_.muted);
    text_.show(units_text(), font_, pad, top);
    draw_grid();
    if (has_data_) {
      cairo_save(cr_);
      cairo_rectangle(cr_, L.x0, L.y0, L.x1 - L.x0, L.y1 - L.y0);
      cairo_clip(cr_);
      draw_bars();
      draw_lines();
      cairo_restore(cr_);
    } else {
      set_color(cr_, theme_.muted);
      const auto [w, h] = text_.set("no data", font_ * 1.2);
      text_.draw((L.x0 + L.x1 - w) / 2, (L.y0 + L.y1 - h) / 2);
    }
    set_color(cr_, theme_.frame);
    cairo_set_line_width(cr_, 1);
    cairo_rectangle(cr_, std::round(L.x0) + 0.5, std::round(L.y0) + 0.5, std::round(L.x1 - L.x0),
                    std::round(L.y1 - L.y0));
    cairo_stroke(cr_);
    draw_legend(pad, spec_.height - pad - legend_h, spec_.width - 2 * pad);
  }

 private:
  std::string units_text() const {
    std::vector<std::string> units;
    for (const auto& n : numeric_)
      if (!n.series->unit.empty() && std::find(units.begin(), units.end(), n.series->unit) == units.end())
        units.push_back(n.series->unit);
    std::string t;
    for (std::size_t i = 0; i < units.size() && i < 4; ++i) t += (i ? ", " : "") + units[i];
    if (units.size() > 4) t += ", ...";
    return t;
  }

  std::vector<const Numeric*> bar_series() const {
    std::vector<const Numeric*> b;
    for (const auto& n : numeric_)
      if (n.series->mark == Mark::Bars) b.push_back(&n);
    return b;
  }

  // The width of one bar slot in time: the bucket, or the smallest gap between raw points.
  TimeMs slot() const {
    if (spec_.bucket && *spec_.bucket > 0) return *spec_.bucket;
    TimeMs best = 0;
    for (const auto& n : numeric_)
      for (std::size_t i = 1; i < n.points.size(); ++i) {
        const TimeMs d = n.points[i].first - n.points[i - 1].first;
        if (d > 0 && (best == 0 || d < best)) best = d;
      }
    return best > 0 ? best : 3600000;
  }

  void compute_ranges() {
    TimeMs tmin = kMaxTimeMs, tmax = kMinTimeMs;
    double lo = DBL_MAX, hi = -DBL_MAX;
    const TimeMs width = slot();
    for (const auto& n : numeric_)
      for (const auto& [t, v] : n.points) {
        tmin = std::min(tmin, t);
        tmax = std::max(tmax, n.series->mark == Mark::Bars || spec_.bucket ? t + width : t);
        if (!v) continue;
        has_data_ = true;
        lo = std::min(lo, *v);
        hi = std::max(hi, *v);
      }
    // The queried range when it is bounded, otherwise the data's; and all of every bucket.
    const bool from_set = spec_.from && *spec_.from > kMinTimeMs, to_set = spec_.to && *spec_.to < kMaxTimeMs;
    tfrom_ = from_set ? *spec_.from : tmin;
    tto_ = to_set ? *spec_.to : tmax;
    if (tmin <= tmax) {  // whole buckets: --since 7d --every 1d starts inside the first day
      tfrom_ = std::min(tfrom_, tmin);
      tto_ = std::max(tto_, tmax);
    }
    if (tfrom_ >= tto_ && tfrom_ <= kMaxTimeMs && tfrom_ >= kMinTimeMs) {  // one instant: half an hour either side
      tfrom_ -= 1800000;
      tto_ += 1800000;
    }
    time_ok_ = tfrom_ < tto_ && tfrom_ >= kMinTimeMs && tto_ <= kMaxTimeMs;
    if (!time_ok_) tfrom_ = 0, tto_ = 1;

    const auto bars = bar_series();
    if (!bars.empty() && has_data_) {
      lo = std::min(lo, 0.0);
      hi = std::max(hi, 0.0);
      if (stacked()) {  // stacked bars reach the sums of a bucket's positives and negatives
        std::map<TimeMs, std::pair<double, double>> sums;
        for (const auto* n : bars)
          for (const auto& [t, v] : n->points)
            if (v) (*v >= 0 ? sums[t].first : sums[t].second) += *v;
        for (const auto& [t, ps] : sums) {
          hi = std::max(hi, std::isfinite(ps.first) ? ps.first : DBL_MAX);
          lo = std::min(lo, std::isfinite(ps.second) ? ps.second : -DBL_MAX);
        }
      }
    }
    if (!has_data_) lo = 0, hi = 1;
    ylo_ = lo;
    yhi_ = hi;
  }

  // Grouped bars side by side while each gets at least 3 px, stacked otherwise (a year
  // of daily buckets for 20 appliances: the stack shows each day's total and its parts).
  bool stacked() const {
    const auto n = bar_series().size();
    if (n <= 1) return false;
    const double px = static_cast<double>(slot()) * (spec_.width * 0.85) / std::max<double>(1, double(tto_ - tfrom_));
    return px * 0.8 / static_cast<double>(n) < 3 * s_;
  }

  double x_of(TimeMs t) const {
    return plot_.x0 + static_cast<double>(t - tfrom_) / static_cast<double>(tto_ - tfrom_) * (plot_.x1 - plot_.x0);
  }
  double y_of(double v) const {
    const double f = (v / 2 - axis_.lo / 2) / (axis_.hi / 2 - axis_.lo / 2);
    return plot_.y1 - std::clamp(f, -1.0, 2.0) * (plot_.y1 - plot_.y0);
  }

  void draw_grid() {
    cairo_set_line_width(cr_, 1);
    for (std::size_t i = 0; i < axis_.ticks.size(); ++i) {
      const double y = std::round(y_of(axis_.ticks[i])) + 0.5;
      set_color(cr_, axis_.ticks[i] == 0 ? theme_.frame : theme_.grid);
      cairo_move_to(cr_, plot_.x0, y);
      cairo_line_to(cr_, plot_.x1, y);
      cairo_stroke(cr_);
      set_color(cr_, theme_.muted);
      const auto [w, h] = text_.set(axis_.labels[i], font_);
      text_.draw(plot_.x0 - 6 * s_ - w, y - h / 2);
    }
    if (!time_ok_) return;
    const int max_ticks = std::max(1, static_cast<int>((plot_.x1 - plot_.x0) / (80 * s_)));
    double last_right = -1e9;
    for (const auto& tick : time_ticks(tfrom_, tto_, *zone_, max_ticks)) {
      const double x = std::round(x_of(tick.at)) + 0.5;
      set_color(cr_, theme_.grid);
      cairo_move_to(cr_, x, plot_.y0);
      cairo_line_to(cr_, x, plot_.y1);
      cairo_stroke(cr_);
      set_color(cr_, theme_.frame);
      cairo_move_to(cr_, x, plot_.y1);
      cairo_line_to(cr_, x, plot_.y1 + 4 * s_);
      cairo_stroke(cr_);
      auto [w, h] = text_.set(tick.label, font_);
      double lx = std::clamp(x - w / 2, 2.0, spec_.width - w - 2);
      if (lx < last_right + 4 * s_) continue;  // never overlap labels
      set_color(cr_, theme_.muted);
      text_.draw(lx, plot_.y1 + 6 * s_);
      last_right = lx + w;
      if (!tick.context.empty()) {
        set_color(cr_, theme_.text);
        const auto [cw, ch] = text_.set(tick.context, font_, true);
        (void)ch;
        const double cx = std::clamp(x - cw / 2, 2.0, spec_.width - cw - 2);
        text_.draw(cx, plot_.y1 + 6 * s_ + h);
        last_right = std::max(last_right, cx + cw);
      }
    }
  }

  void draw_bars() {
    const auto bars = bar_series();
    if (bars.empty()) return;
    const TimeMs width = slot();
    const bool stack = stacked();
    const double slot_px = x_of(tfrom_ + width) - x_of(tfrom_);
    const double group = std::max(slot_px * 0.8, 1.0);
    const double each = stack ? group : group / static_cast<double>(bars.size());
    std::map<TimeMs, std::pair<double, double>> base;  // stacked: the running positive and negative tops
    for (std::size_t i = 0; i < bars.size(); ++i) {
      set_color(cr_, bars[i]->color);
      for (const auto& [t, v] : bars[i]->points) {
        if (!v || *v == 0) continue;  // nothing to draw (and no empty path in an SVG)
        double from = 0, to = *v;
        if (stack) {
          auto& b = base[t];
          double& top = *v >= 0 ? b.first : b.second;
          from = top;
          top += *v;
          to = top;
        }
        const double x = x_of(t) + (slot_px - group) / 2 + (stack ? 0 : each * static_cast<double>(i));
        const double ya = y_of(from), yb = y_of(to);
        cairo_rectangle(cr_, x, std::min(ya, yb), std::max(each, 0.5), std::fabs(ya - yb));
        cairo_fill(cr_);
      }
    }
  }

  void draw_lines() {
    const double half_slot = spec_.bucket ? static_cast<double>(*spec_.bucket) / 2 : 0;
    for (const auto& n : numeric_) {
      if (n.series->mark == Mark::Bars) continue;
      const bool step = n.series->mark == Mark::Step;
      set_color(cr_, n.color);
      cairo_set_line_width(cr_, 1.6 * s_);
      cairo_set_line_join(cr_, CAIRO_LINE_JOIN_ROUND);
      if (n.dashed) {
        const double dash[] = {6 * s_, 3 * s_};
        cairo_set_dash(cr_, dash, 2, 0);
      }
      // Buckets are drawn at their middle (steps from their start); runs between gaps
      // are paths, and a point alone gets a dot.
      std::vector<std::pair<double, double>> run;
      auto flush = [&](double end_x) {
        if (!step) thin(run);
        if (run.size() == 1 && !step) {
          cairo_arc(cr_, run[0].first, run[0].second, std::max(3.0, 3 * s_), 0, 2 * M_PI);
          cairo_fill(cr_);
        } else if (!run.empty()) {
          cairo_move_to(cr_, run[0].first, run[0].second);
          for (std::size_t i = 1; i < run.size(); ++i) {
            if (step) cairo_line_to(cr_, run[i].first, run[i - 1].second);
            cairo_line_to(cr_, run[i].first, run[i].second);
          }
          if (step) cairo_line_to(cr_, end_x, run.back().second);
          cairo_stroke(cr_);
        }
        run.clear();
      };
      for (const auto& [t, v] : n.points) {
        const double x = x_of(t) + (step ? 0 : x_of(tfrom_ + static_cast<TimeMs>(half_slot)) - x_of(tfrom_));
        if (!v) {
          flush(x);
          continue;
        }
        run.emplace_back(x, y_of(*v));
      }
      const double end = run.empty() ? 0 : step && spec_.bucket ? x_of(n.points.back().first + *spec_.bucket)
                                                                : run.back().first + 2.5 * s_;
      flush(end);
      cairo_set_dash(cr_, nullptr, 0, 0);
    }
  }

  // A line of many more points than pixel columns (a week of 1 s readings) is drawn through
  // each column's first, lowest, highest and last point, in time order: the same picture
  // (every extreme is kept), a fraction of the path, so SVG and PDF files stay small.
  void thin(std::vector<std::pair<double, double>>& run) const {
    if (run.size() <= static_cast<std::size_t>(4 * (plot_.x1 - plot_.x0))) return;
    std::vector<std::pair<double, double>> out;
    for (std::size_t i = 0; i < run.size();) {
      const double column = std::floor(run[i].first);
      std::size_t j = i, lo = i, hi = i;
      for (; j < run.size() && std::floor(run[j].first) == column; ++j) {
        if (run[j].second > run[lo].second) lo = j;  // larger y is lower on the image
        if (run[j].second < run[hi].second) hi = j;
      }
      const std::size_t keep[4] = {i, std::min(lo, hi), std::max(lo, hi), j - 1};
      for (std::size_t k = 0; k < 4; ++k)
        if (k == 0 || keep[k] != keep[k - 1]) out.push_back(run[keep[k]]);
      i = j;
    }
    run.swap(out);
  }

  // Legend entries in columns under the plot; when they would take more than a third of
  // the image, the last visible entry says how many are left out.
  double entry_width(double avail) {
    double w = 0;
    for (const auto& n : numeric_) w = std::max(w, text_.set(n.label, font_).first);
    w = std::min(w, std::min(230 * s_, avail - 30 * s_));  // longer names are shortened
    return w + 30 * s_;
  }
  double legend_height(double avail) {
    if (numeric_.empty()) return 0;
    const double ew = entry_width(avail);
    cols_ = std::max<std::size_t>(1, static_cast<std::size_t>(avail / ew));
    const std::size_t rows = (numeric_.size() + cols_ - 1) / cols_;
    row_h_ = font_ * 1.45;
    max_rows_ = std::max<std::size_t>(1, static_cast<std::size_t>(spec_.height / 3.0 / row_h_));
    return static_cast<double>(std::min(rows, max_rows_)) * row_h_;
  }
  void draw_legend(double x, double y, double avail) {
    if (numeric_.empty()) return;
    const double ew = avail / static_cast<double>(cols_);
    const std::size_t room = cols_ * max_rows_;
    const bool cut = numeric_.size() > room;
    const std::size_t shown = cut ? room - 1 : numeric_.size();
    for (std::size_t i = 0; i < shown; ++i) {
      const auto& n = numeric_[i];
      const double ex = x + static_cast<double>(i % cols_) * ew, ey = y + static_cast<double>(i / cols_) * row_h_;
      const double mid = ey + row_h_ / 2;
      set_color(cr_, n.color);
      if (n.series->mark == Mark::Bars) {  // a rounded swatch, unlike the plain bars
        const double r = 2.5 * s_, sx = ex, sy = mid - 5 * s_, sw = 14 * s_, sh = 10 * s_;
        cairo_new_sub_path(cr_);
        cairo_arc(cr_, sx + sw - r, sy + r, r, -M_PI / 2, 0);
        cairo_arc(cr_, sx + sw - r, sy + sh - r, r, 0, M_PI / 2);
        cairo_arc(cr_, sx + r, sy + sh - r, r, M_PI / 2, M_PI);
        cairo_arc(cr_, sx + r, sy + r, r, M_PI, 3 * M_PI / 2);
        cairo_close_path(cr_);
        cairo_fill(cr_);
      } else {
        cairo_set_line_width(cr_, 2.5 * s_);
        if (n.dashed) {
          const double dash[] = {4 * s_, 2 * s_};
          cairo_set_dash(cr_, dash, 2, 0);
        }
        cairo_move_to(cr_, ex, mid);
        cairo_line_to(cr_, ex + 14 * s_, mid);
        cairo_stroke(cr_);
        cairo_set_dash(cr_, nullptr, 0, 0);
      }
      set_color(cr_, theme_.text);
      const auto [w, h] = text_.set(n.label, font_, false, ew - 26 * s_);
      (void)w;
      text_.draw(ex + 20 * s_, mid - h / 2);
    }
    if (cut) {
      const std::size_t i = shown;
      set_color(cr_, theme_.muted);
      const auto [w, h] = text_.set(fmt::format("+{} more", numeric_.size() - shown), font_);
      (void)w;
      text_.draw(x + static_cast<double>(i % cols_) * ew + 20 * s_,
                 y + static_cast<double>(i / cols_) * row_h_ + row_h_ / 2 - h / 2);
    }
  }

  const ChartSpec& spec_;
  cairo_t* cr_;
  Text text_;
  Theme theme_;
  std::shared_ptr<const store::TimeZone> zone_;  // never null
  std::vector<Numeric> numeric_;
  double s_ = 1, font_ = 12;
  double ylo_ = 0, yhi_ = 1;
  TimeMs tfrom_ = 0, tto_ = 1;
  bool has_data_ = false, time_ok_ = false;
  ValueAxis axis_;
  Layout plot_{};
  std::size_t cols_ = 1, max_rows_ = 1;
  double row_h_ = 16;
};

void check(cairo_status_t status) {
  if (status != CAIRO_STATUS_SUCCESS)
    throw RuntimeError(std::string("drawing the chart failed: ") + cairo_status_to_string(status));
}

}  // namespace

std::string render(const ChartSpec& spec_in, const std::vector<Series>& series) {
  ChartSpec spec = spec_in;
  spec.width = std::clamp(spec.width, 200, 20000);
  spec.height = std::clamp(spec.height, 120, 20000);
  std::string bytes;
  cairo_surface_t* surface = nullptr;
  switch (spec.format) {
    case ImageFormat::Png:
      surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, spec.width, spec.height);
      break;
    case ImageFormat::Svg:
      surface = cairo_svg_surface_create_for_stream(append_bytes, &bytes, spec.width, spec.height);
      cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PX);
      break;
    case ImageFormat::Pdf:
      surface = cairo_pdf_surface_create_for_stream(append_bytes, &bytes, spec.width, spec.height);
      // A fixed creation date (cairo would write the clock's), so the same data gives the same file.
      cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z");
      if (!spec.title.empty()) cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, spec.title.c_str());
      cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "sensorpipe history-query");
      break;
  }
  cairo_t* cr = cairo_create(surface);
  try {
    Renderer(spec, series, cr).draw();
  } catch (...) {
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
    throw;
  }
  const cairo_status_t drawn = cairo_status(cr);
  cairo_destroy(cr);
  if (spec.format == ImageFormat::Png && drawn == CAIRO_STATUS_SUCCESS)
    check(cairo_surface_write_to_png_stream(surface, append_bytes, &bytes));
  cairo_surface_finish(surface);
  const cairo_status_t finished = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  check(drawn);
  check(finished);
  return bytes;
}

}  // namespace sensorpipe::chart
