// The storage interface db-store writes through, and its options.
//
// A StoreWriter makes a batch of readings durable in one transaction (write): raw rows
// keyed by (sensor, ts) with last write wins, the sensor dictionary, and the per-minute
// and per-hour roll-ups, which always equal what the raw rows give. maintain() applies
// retention in small steps so the write loop never stalls on it. Each backend is a
// subclass (lib/store/sqlite/, ...) chosen by open() from the location (store/open.h);
// the work that is no SQL is shared (store/batch_plan.h). The PostgreSQL writer survives
// a lost connection: write() keeps its batch, reconnects with back-off and tries again
// (see on_state, keep_trying). Calls must not overlap, but may come from different threads
// one after the other (db-store commits on a worker thread while it parses the next batch).
// Failures throw RuntimeError; a failed write leaves the database as it was before it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/reading.h"
#include "core/time.h"

namespace sensorpipe::store {

struct WriterOptions {
  std::optional<TimeMs> retain;          // raw rows older than this are deleted (cut at whole hours)
  std::optional<TimeMs> retain_rollups;  // roll-up buckets older than this are deleted
  // SQLite only: page cache in MiB (none = 64); bigger batches of interleaved sensors need
  // more. open() refuses it for a backend that has no such setting.
  std::optional<int> cache_mib;
  // SQLite only: how long to wait for another writer's lock on the file (none = 10 s).
  // open() refuses it for PostgreSQL, whose writers wait for each other's row and bucket
  // locks by design (rows locked in key order: no deadlock, no time-out needed).
  std::optional<int> busy_timeout_ms;
  // PostgreSQL: told each change of the connection's state ("lost the connection ...",
  // "connected again ..."), on the thread calling write(); the tool prints it. May be empty.
  std::function<void(const std::string&)> on_state;
  // PostgreSQL: asked between reconnection attempts while the server is away (at least
  // every 100 ms), on the thread calling write(); false makes write() give up and throw
  // (the batch is then not stored). Empty = keep trying.
  std::function<bool()> keep_trying;
};

// What one commit (or a whole run) did.
struct WriteStats {
  std::uint64_t inserted = 0;    // new (sensor, ts) rows
  std::uint64_t replaced = 0;    // same (sensor, ts) with another value or fields: last write wins
  std::uint64_t duplicates = 0;  // identical to what was stored: nothing written
  std::uint64_t expired = 0;     // older than --retain when they arrived: not stored
  void add(const WriteStats& o) {
    inserted += o.inserted;
    replaced += o.replaced;
    duplicates += o.duplicates;
    expired += o.expired;
  }
};

class StoreWriter {
 public:
  virtual ~StoreWriter() = default;
  // Opens or creates the database at `location`: an SQLite file name or a PostgreSQL URL
  // (store/open.h). Throws UsageError for options the backend does not have, RuntimeError
  // when the database cannot be used or the backend is not built.
  static std::unique_ptr<StoreWriter> open(const std::string& location, const WriterOptions& options);

  // Makes every reading of `batch` durable (later entries win over earlier ones with the
  // same sensor and ts). The batch is left unchanged; an empty batch is a no-op.
  virtual WriteStats write(const std::vector<Reading>& batch) = 0;
  // One bounded step (about 20 ms) of retention and log trimming; `now` is wall-clock
  // time. Returns true while old rows remain to be deleted.
  virtual bool maintain(TimeMs now) = 0;
};

}  // namespace sensorpipe::store
