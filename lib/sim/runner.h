// Runs a scenario: live (real time, paced against an absolute clock) or back-fill
// (history between two instants, as fast as the output takes it), with faults
// and actuator commands read from an input.
//
// The runner writes readings to the LineWriter given (the tool picks its flush
// policy) and reports bad command lines through Diagnostics (which throws
// StrictInputError under --strict). A closed output throws OutputClosed. A stop
// request ends the run normally. One thread.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>

#include "core/diagnostics.h"
#include "core/line_reader.h"
#include "core/line_writer.h"
#include "sim/faults.h"
#include "sim/scenario.h"

namespace sensorpipe::sim {

struct RunOptions {
  bool backfill = false;
  TimeMs from = 0, to = 0;  // back-fill: readings with from <= ts < to
  // Live: the model time of the first reading. The signals' daily cycles follow
  // model time, so a fixed origin makes live values independent of when the run starts.
  TimeMs model_origin = 0;
  std::optional<std::uint64_t> count;  // stop after this many output lines
  std::optional<TimeMs> duration;      // live: stop after this much time
  FaultRates faults;
  std::uint64_t seed = 0;
};

struct RunIo {
  LineWriter* out = nullptr;
  int out_fd = 1;                    // watched while waiting, to notice a closed pipe at once
  Diagnostics* diag = nullptr;
  LineReader* commands = nullptr;    // actuator command lines, or null
  int commands_fd = -1;
  // Back-fill progress: fraction of the span done and lines written so far.
  std::function<void(double fraction, std::uint64_t lines)> progress;
  // Saving the state (--state): called with the ts of the last reading written,
  // every checkpoint_ms of real time in a live run and once when the run ends
  // (also when it ends by an exception; a failure then is ignored so the first
  // error is the one reported). Not called when no reading was written.
  std::function<void(TimeMs last_ts)> checkpoint;
  TimeMs checkpoint_ms = 60000;
};

struct RunResult {
  std::uint64_t lines = 0;
  std::uint64_t commands = 0;  // commands applied
};

RunResult run(Scenario& scenario, const RunOptions& options, RunIo& io);

// Applies one command line (a command {"target":..,"value":..}, or a reading whose
// "sensor" is the target, as mqtt-ingest writes them). False with a reason.
bool apply_command_line(Scenario& scenario, std::string_view line, ReadingParser& parser, std::string& error);

}  // namespace sensorpipe::sim
