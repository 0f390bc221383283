// The prices the dashboard turns consumption into cost with: ws-serve --tariff and
// --currency, parsed into values here and served to the page as GET /api/config.
//
// Plain values and pure functions: no I/O, no state, safe from any thread. A tariff that
// is not one is reported by parse_tariff() as nullopt with the reason; the caller decides
// (ws-serve makes it a usage error naming the flag).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sensorpipe::web {

// One flat price for one quantity. Flat on purpose: time-of-use and tiered tariffs need a
// schedule, which a command-line flag cannot say readably (a settings file could, later).
struct Tariff {
  enum class Quantity { Energy, Water };
  Quantity quantity = Quantity::Energy;
  double price = 0;        // as given, per `unit`
  std::string unit;        // as given, canonical spelling: "kWh", "Wh", "MWh", "m³", "L"
  double per_base = 0;     // the same price per base unit: per kWh (energy) or per L (water)
};

// "0.30/kWh", "0.0003/Wh", "2.5/m3" (or m³), "0.0025/L": a non-negative decimal price,
// a slash, a unit of energy or water volume. nullopt, with `reason` set, for anything else.
std::optional<Tariff> parse_tariff(std::string_view text, std::string& reason);

// What the dashboard is told: the tariffs (at most one per quantity) and the ISO 4217
// currency code the page formats prices in (the browser's Intl picks symbol and placement).
struct DashboardConfig {
  std::vector<Tariff> tariffs;
  std::string currency = "EUR";
};

// A three-letter upper-case code such as EUR, USD, CHF.
bool valid_currency(std::string_view code);

// {"currency":"EUR","tariffs":[{"quantity":"energy","price":0.3,"unit":"kWh",
//  "base_unit":"kWh","per_base":0.3},...]}
std::string config_json(const DashboardConfig& config);

}  // namespace sensorpipe::web
