// Tariffs and the dashboard's configuration (see tariff.h).
#include "web/tariff.h"

#include <charconv>
#include <cmath>

#include "core/json.h"

namespace sensorpipe::web {

namespace {
struct UnitRule {
  const char* spelling;   // accepted on the command line
  const char* canonical;  // shown to the page
  Tariff::Quantity quantity;
  double base_per_unit;   // how many base units (kWh, L) one unit is
};
constexpr UnitRule kUnits[] = {
    {"kWh", "kWh", Tariff::Quantity::Energy, 1},     {"Wh", "Wh", Tariff::Quantity::Energy, 0.001},
    {"MWh", "MWh", Tariff::Quantity::Energy, 1000},  {"m3", "m³", Tariff::Quantity::Water, 1000},
    {"m³", "m³", Tariff::Quantity::Water, 1000},     {"L", "L", Tariff::Quantity::Water, 1},
    {"l", "L", Tariff::Quantity::Water, 1},
};
}  // namespace

std::optional<Tariff> parse_tariff(std::string_view text, std::string& reason) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    reason = "expected PRICE/UNIT such as 0.30/kWh or 2.5/m3";
    return std::nullopt;
  }
  const std::string_view number = text.substr(0, slash), unit = text.substr(slash + 1);
  double price = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), price);
  if (number.empty() || ec != std::errc() || end != number.data() + number.size() || !std::isfinite(price) ||
      price < 0) {
    reason = "the price must be a non-negative decimal number such as 0.30";
    return std::nullopt;
  }
  for (const auto& u : kUnits) {
    if (unit == u.spelling) {
      Tariff t;
      t.quantity = u.quantity;
      t.price = price;
      t.unit = u.canonical;
      t.per_base = price / u.base_per_unit;
      return t;
    }
  }
  reason = "the unit must be one of kWh, Wh, MWh (energy) or m3, L (water)";
  return std::nullopt;
}

bool valid_currency(std::string_view code) {
  if (code.size() != 3) return false;
  for (char c : code) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

std::string config_json(const DashboardConfig& config) {
  std::string b = "{\"currency\":";
  json::append_string(b, config.currency);
  b += ",\"tariffs\":[";
  bool first = true;
  for (const auto& t : config.tariffs) {
    if (!first) b += ',';
    first = false;
    const bool energy = t.quantity == Tariff::Quantity::Energy;
    b += energy ? "{\"quantity\":\"energy\"" : "{\"quantity\":\"water\"";
    b += ",\"price\":";
    json::append_number(b, t.price);
    b += ",\"unit\":";
    json::append_string(b, t.unit);
    b += energy ? ",\"base_unit\":\"kWh\"" : ",\"base_unit\":\"L\"";
    b += ",\"per_base\":";
    json::append_number(b, t.per_base);
    b += '}';
  }
  b += "]}";
  return b;
}

}  // namespace sensorpipe::web
