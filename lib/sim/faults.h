// Fault injection for testing consumers: dropped readings, spikes, stuck sensors,
// malformed lines of many kinds, duplicates and readings out of order.
//
// Probabilities are per reading, 0..1. Decisions come from their own random
// stream (seeded from the run's seed), so a faulty run is as reproducible as a
// clean one. One FaultInjector per run, used by one thread.
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "core/reading.h"
#include "sim/rng.h"

namespace sensorpipe::sim {

struct FaultRates {
  double drop = 0, spike = 0, stuck = 0, bad_lines = 0, duplicates = 0, out_of_order = 0;
  bool any() const { return drop > 0 || spike > 0 || stuck > 0 || bad_lines > 0 || duplicates > 0 || out_of_order > 0; }
};

class FaultInjector {
 public:
  FaultInjector(FaultRates rates, std::uint64_t seed, std::size_t sensors);

  bool active() const { return rates_.any(); }

  // Step 1: alters the value of `reading` (sensor number `sensor`) for spikes and
  // stuck sensors.
  void alter(std::size_t sensor, Reading& reading);
  // Step 2: given the reading's canonical line (formatted after alter()), appends
  // the lines to write to `out`, each ending in '\n': none when dropped, two when
  // duplicated, a malformed line instead of the reading, lines held back from
  // before. Returns how many lines it appended. No allocation unless held back.
  std::size_t emit(const Reading& reading, std::string_view line, std::string& out);
  // Appends the lines still held back for out-of-order delivery (at the end of a run).
  std::size_t drain(std::string& out);

  // Both steps, one line per vector element (for tests and simple callers).
  void process(std::size_t sensor, Reading& reading, std::vector<std::string>& out);
  void drain(std::vector<std::string>& out);

  // One malformed line derived from a reading; `kind` selects which (any number,
  // taken modulo the number of kinds). Exposed for tests.
  static std::string bad_line(const Reading& r, std::uint64_t kind, Rng& rng);
  static constexpr std::uint64_t kBadKinds = 14;

 private:
  struct Stuck {
    std::uint64_t remaining = 0;
    Value value;
  };
  struct Held {
    std::string line;
    std::uint64_t release_after;  // lines still to pass it
  };

  std::size_t put(std::string_view line, std::string& out);
  static void split_lines(const std::string& text, std::vector<std::string>& out);

  FaultRates rates_;
  Rng rng_;
  std::vector<Stuck> stuck_;
  std::deque<Held> held_;
  std::string scratch_;
};

}  // namespace sensorpipe::sim
