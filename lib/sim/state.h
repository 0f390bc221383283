// Saved simulation state (sensor-sim --state): what every cumulative model
// (energy and water totals, counters, daily usage, LED and relay) continues
// from in a later run, and the state file it is kept in.
//
// The file is JSON: {"format":"sensor-sim state 1","saved":"<RFC 3339>",
// "sensors":{"<sensor>":{"<key>":number,...},...}} and lists every sensor of the
// run that saved it, so a run with other sensors can tell. Writes are atomic
// (a temporary file in the same directory, fsync, rename): a run killed at any
// moment leaves the previous or the new state, never a partial file.
// Functions throw RuntimeError with a message naming the file; nothing here prints.
#pragma once
#include <map>
#include <optional>
#include <string>

#include "sim/scenario.h"

namespace sensorpipe::sim {

struct SavedState {
  TimeMs saved = 0;                               // ts of the last reading of the run that saved it
  std::map<std::string, SignalState> sensors;     // every sensor, empty for stateless ones
};

// The current state of every sensor of the scenario.
SavedState capture_state(const Scenario& scenario, TimeMs saved);

// Continues the scenario's models from `state` (call before the run). The state
// must list exactly the scenario's sensors; otherwise throws RuntimeError naming
// `path` and a sensor that differs (a file saved with other --house, --prefix,
// --sensor or --config options is a mistake, not something to half-apply).
void restore_state(Scenario& scenario, const SavedState& state, const std::string& path);

// Reads a state file; nullopt when it does not exist. Throws on an unreadable or malformed file.
std::optional<SavedState> read_state_file(const std::string& path);

// Writes the state file atomically (see above).
void write_state_file(const std::string& path, const SavedState& state);

}  // namespace sensorpipe::sim
