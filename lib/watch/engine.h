// The alert engine of sensor-watch: per rule and sensor state machines fed by readings and a clock.
//
// States per (rule, sensor): ok -> pending (the condition holds, waiting for `for`) ->
// firing -> resolved (announced, then ok again). A stale rule's alert is "stale" instead
// of firing: a silent sensor never resolves anything, it holds the value alerts of that
// sensor as they are (a pending one does not fire, a firing one stays firing) until it
// reports again. Every announcement is an alert event: a Reading of the data contract
// (sensor "alerts/<rule>/<sensor>", value = state, kind "alert", plus rule, subject,
// state, reading, since, id, message), so every stage takes it unchanged.
//
// Time: conditions (`for`, rate, counter) are measured in reading time (the readings'
// ts), so a replay gives the same alerts as the live run; silence is measured on the
// caller's clock (`wall`, the arrival of the last reading), so a device with a wrong
// clock or a replay of old readings does not look silent. Between readings a sensor's
// time is taken to run with the clock (last ts + time since it arrived): that is how a
// pending alert of a sensor that reports only on change still fires on time.
//
// Flapping: more than `flap_limit` announcements of one alert within `flap_window` give
// one "flapping" event, then silence until the alert has not changed for a whole window;
// then its state is announced once more.
//
// Not thread-safe: one thread calls observe() and tick(). save()/load() give the state
// as JSON text for --state; load() throws RuntimeError on a file it cannot use.
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <utility>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/reading.h"
#include "store/consumption.h"
#include "watch/rules.h"

namespace sensorpipe::watch {

struct EngineOptions {
  int flap_limit = 6;             // announcements per window; 0: no flap detection
  TimeMs flap_window = 3'600'000;
  TimeMs startup_grace = 0;       // no stale alert before this long after start
};

enum class State { Ok, Pending, Firing };

class Engine {
 public:
  // `wall` is the caller's clock at start-up (for the grace period, and for sensors
  // named literally by stale rules, which are expected even if they never report).
  Engine(std::vector<Rule> rules, EngineOptions opt, TimeMs wall);

  // Evaluates one reading that arrived at `wall`; appends the alert events it causes.
  // Alert events themselves (kind "alert") are not evaluated.
  void observe(const Reading& r, TimeMs wall, std::vector<Reading>& events);
  // Clock-driven work: staleness, pending alerts whose `for` ran out between readings,
  // repeats, flapping that settled.
  void tick(TimeMs wall, std::vector<Reading>& events);

  // The state as JSON text, and back. load() keeps only alerts of rules that still exist
  // (by name); sensors it knows count as having reported at `wall` (they get a full
  // `after` to report before they are stale).
  std::string save();  // also marks the state saved (dirty() false)
  void load(std::string_view json, TimeMs wall);
  // True when the state changed since the last save().
  bool dirty() const { return dirty_; }

  // Counts for the end-of-run summary.
  std::uint64_t events_emitted() const { return emitted_; }
  std::size_t firing_count() const;
  const std::vector<Rule>& rules() const { return rules_; }

 private:
  struct Entry {
    State state = State::Ok;
    TimeMs since = 0;        // start of the current episode (condition first held / last reading of a stale sensor)
    TimeMs last_ts = 0;      // ts of the last reading evaluated
    double last_value = 0;   // its numeric value (rate, counter)
    bool has_value = false;
    Value reading = 0.0;     // the last reading's value, reported in events
    TimeMs last_change = 0;  // Counter: ts of the last increase
    TimeMs notified = 0;     // last announcement (for repeats)
    std::string reason;      // Counter: "decreased" or "stopped"
    std::deque<TimeMs> announcements;  // within the flap window
    bool flapping = false;
    bool condition = false;  // the last evaluation set the condition (pending may fire on the clock)
    // Consumption: store::SeriesAccumulator applies the query engine's counter and integral
    // rules per reading; what each reading counted stays in `window` for the rule's period.
    std::optional<store::SeriesAccumulator> acc;
    TimeMs acc_pos = 0;      // the accumulator has integrated up to here
    int series = -1;         // store::SeriesClass once known
    double factor = 1;       // integral: value·ms -> unit
    std::string unit;        // of the sum
    std::deque<std::pair<TimeMs, double>> window;
    double window_sum = 0;
  };
  struct Subject {
    TimeMs last_ts = 0;
    TimeMs arrival = 0;  // on the caller's clock
    bool seen = false;   // has reported since start (or was known from the state file)
    bool matched = false;  // `rules` computed
    std::vector<std::size_t> rules;  // the rules whose pattern matches this sensor
  };

  enum class Cond { Set, Clear, Hold, Skip };
  Cond evaluate(const Rule& rule, Entry& e, const Reading& r);
  Cond evaluate_consumption(const Rule& rule, Entry& e, const Reading& r);
  // Moves `e` on with the outcome of an evaluation at reading time `ts`.
  void step(std::size_t ri, const std::string& subject, Entry& e, Cond c, TimeMs ts, std::vector<Reading>& events);
  void announce(std::size_t ri, const std::string& subject, Entry& e, const std::string& state, TimeMs ts,
                std::vector<Reading>& events, bool repeat = false);
  // A change of state: announced, unless the alert is flapping (then counted, silent).
  void transition(std::size_t ri, const std::string& subject, Entry& e, const std::string& state, TimeMs ts,
                  std::vector<Reading>& events);
  // Ends flapping that has been quiet for a whole window, announcing the state; true when it did.
  bool settle_if_due(std::size_t ri, const std::string& subject, Entry& e, TimeMs now, std::vector<Reading>& events);
  bool is_stale(const std::string& subject) const;
  TimeMs sensor_now(const Subject& s, TimeMs wall) const;

  std::vector<Rule> rules_;
  EngineOptions opt_;
  TimeMs started_;
  std::vector<std::map<std::string, Entry>> entries_;  // per rule, by sensor (ordered: stable output)
  std::unordered_map<std::string, Subject> subjects_;
  bool dirty_ = false;
  std::uint64_t emitted_ = 0;
};

// The id of an alert episode: FNV-1a 64 of rule, sensor and the episode's start, in hex (stable
// across repeats, resolution and restarts).
std::string alert_id(const std::string& rule, const std::string& subject, TimeMs since);

}  // namespace sensorpipe::watch
