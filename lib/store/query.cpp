// Query vocabulary: aggregate and fill names (see query.h).
#include "store/query.h"

#include <array>

namespace sensorpipe::store {

namespace {
constexpr std::array<std::pair<Agg, const char*>, 7> kAggs{{{Agg::Avg, "avg"},
                                                            {Agg::Min, "min"},
                                                            {Agg::Max, "max"},
                                                            {Agg::Count, "count"},
                                                            {Agg::Sum, "sum"},
                                                            {Agg::First, "first"},
                                                            {Agg::Last, "last"}}};
}  // namespace

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

}  // namespace sensorpipe::store
