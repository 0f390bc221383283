// Query result formatting (see output.h).
#include "store/output.h"

#include <algorithm>

#include "core/json.h"
#include "core/reading.h"

namespace sensorpipe::store {

namespace {

void append_csv_field(std::string& out, std::string_view f) {
  if (f.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += f;
    return;
  }
  out += '"';
  for (char c : f) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// TSV cannot quote: tabs, newlines and backslashes are escaped as \t \n \r \\.
void append_tsv_field(std::string& out, std::string_view f) {
  for (char c : f) {
    switch (c) {
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\\': out += "\\\\"; break;
      default: out += c;
    }
  }
}

std::string opt_text(const std::optional<Value>& v) { return v ? value_text(*v) : std::string(); }

// UTF-8 code points, for aligning table columns.
std::size_t display_width(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

// Cuts `s` to at most `width` code points, the last one an ellipsis when anything was cut.
std::string fit(std::string s, std::size_t width) {
  if (display_width(s) <= width) return s;
  std::size_t points = 0, cut = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (points == width - 1) {
      cut = i;
      break;
    }
    ++points;
  }
  s.resize(cut);
  s += "\u2026";
  return s;
}

}  // namespace

std::optional<Format> parse_format(std::string_view name) {
  if (name == "jsonl" || name == "json") return Format::Jsonl;
  if (name == "csv") return Format::Csv;
  if (name == "tsv") return Format::Tsv;
  if (name == "table") return Format::Table;
  return std::nullopt;
}

RowFormatter::RowFormatter(Format f, std::vector<Agg> aggs) : format_(f), aggs_(std::move(aggs)) {
  buckets_ = !aggs_.empty();
  if (buckets_) {
    header_ = {"sensor", "ts"};
    for (auto a : aggs_) header_.emplace_back(agg_name(a));
    for (auto a : aggs_) {
      units_ = units_ || is_consumption_agg(a);
      partial_ = partial_ || a == Agg::Increase;
    }
    if (units_) {
      header_.emplace_back("unit");
      for (auto a : aggs_)
        if (a == Agg::Increase || a == Agg::Integral) header_.push_back(std::string(agg_name(a)) + "_unit");
    }
    if (partial_) header_.emplace_back("partial");
  } else {
    header_ = {"sensor", "ts", "value", "unit", "kind"};
  }
}

RowFormatter::RowFormatter(Format f) : format_(f) {
  header_ = {"sensor", "kind", "unit", "count", "first_ts", "last_ts", "last_value"};
}

void RowFormatter::start(std::string& out) {
  if (header_done_) return;
  header_done_ = true;
  if (format_ == Format::Jsonl) return;
  emit_cells(out, header_);
}

void RowFormatter::emit_cells(std::string& out, std::vector<std::string> cells) {
  if (format_ == Format::Table) {
    for (auto& c : cells) c = fit(std::move(c), kTableMaxWidth);  // memory stays bounded too
    if (!width_.empty()) return render_row(out, cells);
    table_.push_back(std::move(cells));
    if (table_.size() > kTableWindow) fix_widths(out);  // the header plus a window of rows
    return;
  }
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i) out += format_ == Format::Csv ? ',' : '\t';
    if (format_ == Format::Csv) append_csv_field(out, cells[i]);
    else append_tsv_field(out, cells[i]);
  }
  out += '\n';
}

void RowFormatter::add(std::string& out, const Row& r) {
  start(out);
  if (format_ == Format::Jsonl) {
    if (r.reading) {
      append_reading(out, *r.reading);
    } else {
      out += "{\"sensor\":";
      json::append_string(out, r.sensor);
      out += ",\"ts\":\"";
      append_rfc3339(out, r.ts);
      out += '"';
      for (std::size_t i = 0; i < aggs_.size() && i < r.aggs.size(); ++i) {
        out += ",\"";
        out += agg_name(aggs_[i]);
        out += "\":";
        if (r.aggs[i]) append_value(out, *r.aggs[i]);
        else out += "null";
      }
      if (units_) {
        if (r.unit) {
          out += ",\"unit\":";
          json::append_string(out, *r.unit);
        }
        for (std::size_t i = 0; i < aggs_.size() && i < r.agg_units.size(); ++i) {
          if ((aggs_[i] != Agg::Increase && aggs_[i] != Agg::Integral) || r.agg_units[i].empty()) continue;
          out += ",\"";
          out += agg_name(aggs_[i]);
          out += "_unit\":";
          json::append_string(out, r.agg_units[i]);
        }
      }
      if (partial_) out += r.partial ? ",\"partial\":true" : ",\"partial\":false";
      out += '}';
    }
    out += '\n';
    return;
  }
  std::vector<std::string> cells{r.sensor, format_rfc3339(r.ts)};
  if (r.reading) {
    cells.push_back(value_text(r.reading->value));
    cells.push_back(r.reading->unit.value_or(""));
    cells.push_back(r.reading->kind.value_or(""));
  } else {
    for (std::size_t i = 0; i < aggs_.size(); ++i) cells.push_back(i < r.aggs.size() ? opt_text(r.aggs[i]) : "");
    if (units_) {
      cells.push_back(r.unit.value_or(""));
      for (std::size_t i = 0; i < aggs_.size(); ++i)
        if (aggs_[i] == Agg::Increase || aggs_[i] == Agg::Integral)
          cells.push_back(i < r.agg_units.size() ? r.agg_units[i] : "");
    }
    if (partial_) cells.emplace_back(r.partial ? "true" : "false");
  }
  emit_cells(out, std::move(cells));
}

void RowFormatter::add(std::string& out, const SensorInfo& s) {
  start(out);
  if (format_ == Format::Jsonl) {
    out += "{\"sensor\":";
    json::append_string(out, s.name);
    if (s.kind) {
      out += ",\"kind\":";
      json::append_string(out, *s.kind);
    }
    if (s.unit) {
      out += ",\"unit\":";
      json::append_string(out, *s.unit);
    }
    out += ",\"count\":" + std::to_string(s.count) + ",\"first_ts\":\"";
    append_rfc3339(out, s.first_ts);
    out += "\",\"last_ts\":\"";
    append_rfc3339(out, s.last_ts);
    out += "\",\"last_value\":";
    if (s.last_value) append_value(out, *s.last_value);
    else out += "null";
    out += "}\n";
    return;
  }
  emit_cells(out, {s.name, s.kind.value_or(""), s.unit.value_or(""), std::to_string(s.count),
                   format_rfc3339(s.first_ts), format_rfc3339(s.last_ts), opt_text(s.last_value)});
}

void RowFormatter::finish(std::string& out) {
  start(out);
  if (format_ == Format::Table && width_.empty()) fix_widths(out);
}

void RowFormatter::fix_widths(std::string& out) {
  for (const auto& row : table_) {
    width_.resize(std::max(width_.size(), row.size()), 0);
    for (std::size_t i = 0; i < row.size(); ++i) width_[i] = std::max(width_[i], display_width(row[i]));
  }
  for (auto& w : width_) w = std::max<std::size_t>(w, 1);
  for (const auto& row : table_) render_row(out, row);
  table_.clear();
  table_.shrink_to_fit();
}

void RowFormatter::render_row(std::string& out, const std::vector<std::string>& row) const {
  std::string line;
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (i) line += "  ";
    const std::size_t w = i < width_.size() ? width_[i] : kTableMaxWidth;
    std::string cell = fit(row[i], w);  // rows after the window may be wider than it
    const std::size_t shown = display_width(cell);
    line += cell;
    if (i + 1 < row.size()) line.append(w - shown, ' ');
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  out += line;
  out += '\n';
}

}  // namespace sensorpipe::store
