// Query vocabulary: aggregate and fill names (see query.h).
#include "store/query.h"

#include <array>

namespace sensorpipe::store {

namespace {
constexpr std::array<std::pair<Agg, const char*>, 15> kAggs{{{Agg::Avg, "avg"},
                                                             {Agg::Min, "min"},
                                                             {Agg::Max, "max"},
                                                             {Agg::Count, "count"},
                                                             {Agg::Sum, "sum"},
                                                             {Agg::First, "first"},
                                                             {Agg::Last, "last"},
                                                             {Agg::Increase, "increase"},
                                                             {Agg::Integral, "integral"},
                                                             {Agg::Twa, "twa"},
                                                             {Agg::P50, "p50"},
                                                             {Agg::P90, "p90"},
                                                             {Agg::P95, "p95"},
                                                             {Agg::P99, "p99"},
                                                             {Agg::Median, "median"}}};
}  // namespace

const char* agg_names() {
  return "avg, min, max, count, sum, first, last, increase, integral, twa, p50, p90, p95, p99, median";
}

std::optional<double> agg_percentile(Agg a) {
  switch (a) {
    case Agg::P50: return 50.0;
    case Agg::P90: return 90.0;
    case Agg::P95: return 95.0;
    case Agg::P99: return 99.0;
    case Agg::Median: return 50.0;
    default: return std::nullopt;
  }
}

bool is_consumption_agg(Agg a) {
  return a == Agg::Increase || a == Agg::Integral || a == Agg::Twa || agg_percentile(a).has_value();
}

std::optional<Agg> parse_agg(std::string_view name) {
  for (const auto& [a, n] : kAggs)
    if (name == n) return a;
  return std::nullopt;
}

const char* agg_name(Agg a) {
  for (const auto& [x, n] : kAggs)
    if (x == a) return n;
  return "?";
}

std::optional<std::vector<Agg>> parse_agg_list(std::string_view text, std::string& bad) {
  std::vector<Agg> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    const auto name = text.substr(start, end - start);
    const auto a = parse_agg(name);
    if (!a) {
      bad = std::string(name);
      return std::nullopt;
    }
    out.push_back(*a);
    start = end + 1;
  }
  return out;
}

std::optional<Fill> parse_fill(std::string_view name) {
  if (name == "none") return Fill::None;
  if (name == "null") return Fill::Null;
  if (name == "previous") return Fill::Previous;
  return std::nullopt;
}

void Row::set_reading(const std::string& name, const std::optional<std::string>& sensor_unit,
                      const std::optional<std::string>& sensor_kind, TimeMs at, Value value, std::string_view extra) {
  sensor = name;
  ts = at;
  aggs.clear();
  if (!reading) reading.emplace();
  Reading& r = *reading;
  r.sensor = name;
  r.ts = at;
  r.value = std::move(value);
  r.unit = sensor_unit;
  r.kind = sensor_kind;
  r.extra.assign(extra.data(), extra.size());
}

}  // namespace sensorpipe::store
