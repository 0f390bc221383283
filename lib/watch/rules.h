// Alert rules of sensor-watch: what each kind means, and reading them from flags and files.
//
// A Rule is plain data, built once at start-up and then only read (any thread may read
// it). Parsing throws UsageError with a reason naming the flag or the rules file and the
// rule, so the tool can print it and exit 2; nothing here prints or exits.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace sensorpipe::watch {

enum class Kind {
  Above,    // value > limit sets the alert; value <= clear (default: limit) clears it
  Below,    // value < limit sets; value >= clear (default: limit) clears
  Rate,     // |change per `per`| between consecutive readings > limit
  Counter,  // a cumulative counter that goes back (decreased) or stays flat for `stop` (stopped)
  Leak,     // value > limit (default 0) without a break for `for` (water flowing for 2 h)
  Stale,    // no reading arrived for `after` (evaluated on the clock)
  Consumption,  // what a counter counted, or a rate integrates to, within the last `period` > limit
};
const char* kind_name(Kind k);

struct Rule {
  std::string name;     // unique; part of the alert's sensor name "alerts/<name>/<sensor>"
  Kind kind = Kind::Above;
  std::string pattern;  // sensor pattern (core/pattern.h)
  double limit = 0;
  std::optional<double> clear;  // hysteresis: Above/Below only
  TimeMs for_ms = 0;    // the condition must hold this long before the alert fires
  TimeMs repeat_ms = 0; // announce a still-firing alert again after this long (0: never)
  TimeMs per_ms = 60'000;  // Rate: the limit is a change per this duration
  TimeMs stop_ms = 0;      // Counter: flat for this long counts as stopped (0: only decreases)
  TimeMs after_ms = 0;     // Stale: silent for this long
  TimeMs period_ms = 0;    // Consumption: the sliding window
  std::optional<std::string> as;    // Consumption: "counter" or "rate" when kind/unit do not say
  std::optional<std::string> unit;  // Consumption of a rate: the integral's unit (kWh, Wh, L, ...)
  std::optional<std::string> message;  // a text for people (mail subject); default made from the rule

  // The value at which the alert clears (Above/Below/Leak/Consumption).
  double clear_at() const { return clear ? *clear : limit; }
};

// Global defaults a rule takes when it does not say otherwise.
struct RuleDefaults {
  TimeMs repeat_ms = 0;
};

// One rule from a command-line flag: `kind` is the flag's kind, `spec` its value,
// "PATTERN=ARG[,key=value...]". ARG is the limit (Above, Below, Leak's duration, Stale's
// duration, Rate's and Consumption's "LIMIT/PER", Counter's stop duration or "0"). Keys:
// name, clear, for, repeat, min (Leak's limit), as and unit (Consumption), message. `index` (1-based) names the rule when no name= is
// given ("above-1").
Rule parse_rule_flag(Kind kind, std::string_view spec, int index, const RuleDefaults& defaults);

// Rules from a JSON file: {"rules":[{...}]} or a bare array; each object has "kind",
// "sensor", and the keys of the flags ("limit", "clear", "for", "repeat", "per", "stop",
// "after", "period", "as", "unit", "name", "message"); durations as strings ("10m") or numbers of seconds.
std::vector<Rule> parse_rules_json(std::string_view text, const std::string& source, int first_index,
                                   const RuleDefaults& defaults);
std::vector<Rule> load_rules_file(const std::string& path, int first_index, const RuleDefaults& defaults);

// Throws UsageError when two rules share a name or no rule was given.
void check_rules(const std::vector<Rule>& rules);

// One line describing a rule, as --list-rules prints it.
std::string describe(const Rule& r);

}  // namespace sensorpipe::watch
