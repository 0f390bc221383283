// db-store's write loop: lines in, readings stored in batches, accepted lines passed on.
//
// Commits when `batch_rows` readings are pending or `commit_interval` after the first
// pending one, whichever comes first; the interval fires even when input is idle
// (the reader waits with a timeout). A commit runs on a worker thread while the next
// batch is parsed (at most one in flight, so commits stay in order); parsing and
// SQLite's B-tree work then use both cores. Maintenance (retention in bounded steps,
// trimming the follow log) runs on the worker too, after a commit: the reading thread
// never waits on SQLite, so passed-through lines are not held up by the database.
// A stop request (SIGINT/SIGTERM) or EOF commits everything (a backend that waits for
// its server keeps waiting then: StoreWriter's keep_trying decides when to give up). A
// failed commit throws RuntimeError naming how many readings were not stored (the failed
// batch and the open one). Bad lines go to
// Diagnostics ("line N: reason") and never stop the loop (except under --strict, where
// Diagnostics throws after the pending batches were committed). A closed output (EPIPE)
// only ends the pass-through: the loop goes on storing its input to the end.
// Called from one thread.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostics.h"
#include "core/line_writer.h"
#include "store/writer.h"

namespace sensorpipe::store {

struct IngestOptions {
  std::size_t batch_rows = 100'000;
  TimeMs commit_interval = 200;
  TimeMs maintain_interval = 1'000;
  std::size_t max_line_bytes = 1 << 20;
  bool pass_after_commit = false;  // hold passed-through lines until their batch is durable
  // Called about once a second with the totals so far (the tool draws a progress line).
  std::function<void(const struct IngestTotals&)> progress;
  // Called once when the output is closed (EPIPE): lines are no longer passed on, but
  // every reading is still stored (storing is the job; the pass-through is a courtesy).
  std::function<void()> output_closed;
};

struct IngestTotals {
  std::uint64_t lines = 0;     // accepted readings
  std::uint64_t commits = 0;
  double commit_seconds = 0;  // spent in StoreWriter::write (on the worker thread)
  WriteStats stored;
};

class Ingest {
 public:
  // `out` may be null (--quiet). Both references must outlive the Ingest.
  Ingest(StoreWriter& writer, LineWriter* out, Diagnostics& diag, const IngestOptions& opt);

  // Reads `fd` until EOF or a stop request. Returns false when stopped (skip further inputs).
  // Bad lines are reported as "line N: reason", or "NAME: line N: reason" when `name` is
  // given (several inputs); line numbers count from 1 in each input.
  bool run(int fd, const std::string& name = "");
  // Commits what is pending and flushes the output; call once at the end.
  void finish();
  // Stops passing lines on (stdout was closed); storing goes on.
  void drop_output() {
    out_ = nullptr;
    held_.clear();
    if (in_flight_) in_flight_->held.clear();
  }
  const IngestTotals& totals() const { return totals_; }

 private:
  // Hands the open batch (and, when `maintain`, a maintenance step after it) to the
  // worker, after the previous job is done.
  void start_commit(bool maintain = false);
  void settle();  // waits for the job in flight; passes on its held lines
  bool in_flight_done() const;
  // Runs an output operation; on OutputClosed drops the output and reports it once.
  template <class Fn>
  void pass_on(Fn&& fn);

  StoreWriter& writer_;
  LineWriter* out_;
  Diagnostics& diag_;
  IngestOptions opt_;
  IngestTotals totals_;
  std::vector<Reading> batch_;  // the open batch
  std::string held_;            // --pass-after-commit: lines of the open batch
  struct InFlight {
    std::vector<Reading> batch;  // empty for a maintenance-only job
    std::string held;
    std::future<std::pair<WriteStats, double>> done;
  };
  std::optional<InFlight> in_flight_;
};

}  // namespace sensorpipe::store
