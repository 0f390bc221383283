// sensor-watch's loop: readings in, passed through, alert events out, on a clock.
//
// Reads one input with a short timeout so the clock-driven rules (staleness, `for` running
// out between readings, repeats, flapping that settles) are evaluated about four times a
// second even when no reading comes. Each accepted reading is written on (unless
// alerts_only), then the alert events it caused; every event also goes to the --exec
// runner when there is one (a full queue is a warning, never a wait). With a state file,
// the state is handed to a StateWriter (its own thread: fsync never holds up the stream)
// within about 250 ms after an event (an event may come again after a crash, it is never
// lost; a storm of events costs at most four writes a second), otherwise at most once a
// second when it changed, and at the end (written before finish() returns).
// Bad lines go to Diagnostics ("line N: reason") and the loop goes on; under --strict the
// state is saved before the StrictInputError leaves. One thread; the references passed
// in must outlive the Watcher.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "core/diagnostics.h"
#include "core/line_writer.h"
#include "watch/engine.h"
#include "watch/exec.h"
#include "watch/state_file.h"

namespace sensorpipe::watch {

struct WatcherOptions {
  std::size_t max_line_bytes = 1 << 20;
  bool alerts_only = false;
  std::optional<std::string> state_file;
  TimeMs tick_ms = 250;
};

struct WatcherTotals {
  std::uint64_t readings = 0, events = 0, exec_dropped = 0;
};

class Watcher {
 public:
  // `out` may be null (stdout closed); `exec` may be null (no --exec).
  Watcher(Engine& engine, LineWriter* out, ExecRunner* exec, Diagnostics& diag, WatcherOptions opt);

  // Reads `fd` until EOF (true) or a stop request (false).
  bool run(int fd);
  // Saves the state (if any) and flushes the output; call once at the end.
  void finish();
  void drop_output() { out_ = nullptr; }
  const WatcherTotals& totals() const { return totals_; }

 private:
  void emit();
  void save_if_due(TimeMs wall, bool announced);
  void save_now(TimeMs wall);

  Engine& engine_;
  LineWriter* out_;
  ExecRunner* exec_;
  Diagnostics& diag_;
  WatcherOptions opt_;
  WatcherTotals totals_;
  std::vector<Reading> events_;
  std::string line_;
  TimeMs last_save_ = 0;
  bool urgent_ = false;  // an announcement is not saved yet
  std::optional<StateWriter> state_;
};

}  // namespace sensorpipe::watch
