// Query results as text: JSON Lines, CSV (RFC 4180, with a header), TSV, or an aligned table.
//
// history-query prints with it; ws-serve may reuse the JSON form. A RowFormatter is
// plain state, one per output. JSON Lines and CSV/TSV lines are produced one at a time
// (streaming). The table form sizes its columns from the header and a first window of
// kTableWindow rows (held, then printed), and streams every later row with those widths;
// a cell wider than its column, or than kTableMaxWidth code points, is cut with an
// ellipsis, so memory stays bounded whatever the number or size of the rows.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/query.h"

namespace sensorpipe::store {

enum class Format { Jsonl, Csv, Tsv, Table };
std::optional<Format> parse_format(std::string_view name);  // "jsonl", "csv", "tsv", "table"

class RowFormatter {
 public:
  // Raw readings when `aggs` is empty; otherwise bucket rows with one column per aggregate.
  // With a consumption aggregate (query.h) a bucket row also says its sensor's `unit`, the
  // `increase_unit`/`integral_unit` of those aggregates, and `partial` with increase.
  RowFormatter(Format f, std::vector<Agg> aggs);
  // Sensor lists (--list-sensors).
  explicit RowFormatter(Format f);

  // Appends complete lines (each ending in '\n') to `out`: the header before the first row.
  void add(std::string& out, const Row& r);
  void add(std::string& out, const SensorInfo& s);
  // Appends what was held back (the table), or the header alone when there were no rows.
  void finish(std::string& out);

  static constexpr std::size_t kTableWindow = 1000;   // rows that size the table's columns
  static constexpr std::size_t kTableMaxWidth = 64;   // widest table cell, in code points

 private:
  void emit_cells(std::string& out, std::vector<std::string> cells);
  void start(std::string& out);
  void fix_widths(std::string& out);  // sizes the columns from table_, prints and frees it
  void render_row(std::string& out, const std::vector<std::string>& row) const;

  Format format_;
  std::vector<Agg> aggs_;
  bool buckets_ = false;
  bool units_ = false;    // a consumption aggregate is asked: print the units
  bool partial_ = false;  // increase is asked: print partial
  std::vector<std::string> header_;
  bool header_done_ = false;
  std::vector<std::vector<std::string>> table_;  // the window, until the widths are fixed
  std::vector<std::size_t> width_;               // fixed column widths (empty until then)
};

}  // namespace sensorpipe::store
