// db-store: stores JSON Lines readings in an SQLite database and passes them on.
//
// Sits in the middle of a pipeline: every accepted reading is written to stdout at once
// (or, with --pass-after-commit, once it is durable). A closed stdout ends the pass-through,
// never the storing. Storage, batching, roll-ups and
// retention live in lib/store (StoreWriter, Ingest); this file wires options to them.
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>

#include "cli/db_options.h"
#include "cli/tool.h"
#include "cli/values.h"
#include "core/errors.h"
#include "core/stop_request.h"
#include "store/ingest.h"
#include "store/open.h"
#include "store/writer.h"

using namespace sensorpipe;

namespace {

struct Options {
  cli::DbOptions db;
  cli::InputOptions input;
  cli::OutputOptions output;
  bool quiet = false;
  bool verbose = false;
  bool pass_after_commit = false;
  std::size_t batch_rows = 100'000;
  TimeMs commit_interval = 200;
  std::optional<TimeMs> retain, retain_rollups;
  std::string cache_size;  // empty: the backend's default
  std::optional<TimeMs> busy_timeout;  // none: the backend's default (SQLite 10s)
  std::optional<TimeMs> stop_timeout;  // none: wait until a second signal (or systemd's TimeoutStopSec)
};

// Bulk when every input is a regular file: batch the pass-through instead of a write per line.
bool inputs_are_files(const std::vector<std::string>& files) {
  struct stat st {};
  if (files.empty() || (files.size() == 1 && files[0] == "-")) return ::fstat(0, &st) == 0 && S_ISREG(st.st_mode);
  for (const auto& f : files)
    if (f == "-" && !(::fstat(0, &st) == 0 && S_ISREG(st.st_mode))) return false;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  cli::Tool tool("db-store", "Store JSON Lines readings in an SQLite database and pass them through",
                 store::store_library_versions());
  Options o;
  auto& app = tool.app();
  cli::add_db_options(app, o.db);
  cli::add_input_options(app, o.input, true);
  cli::add_output_options(app, o.output);
  app.add_flag("-q,--quiet", o.quiet, "Do not pass readings through to stdout");
  app.add_flag("--pass-after-commit", o.pass_after_commit,
               "Pass readings through only once they are committed (durable)");
  app.add_option("--batch-rows", o.batch_rows, "Commit after N pending readings (default 100000)")
      ->type_name("N")
      ->check(CLI::PositiveNumber);
  cli::add_duration_option(app, "--commit-interval", o.commit_interval,
                           "Commit at most DURATION after a reading arrived (default 200ms)");
  cli::add_positive_duration_option(app, "--retain", o.retain, "Delete raw readings older than DURATION (e.g. 30d)");
  cli::add_positive_duration_option(app, "--retain-rollups", o.retain_rollups,
                           "Delete roll-ups older than DURATION (e.g. 5y); needs --retain");
  app.add_option("--cache-size", o.cache_size,
                 "SQLite only: page cache size (default 64M); refused for a PostgreSQL database")
      ->type_name("SIZE");
  cli::add_duration_option(app, "--busy-timeout", o.busy_timeout,
                           "SQLite only: wait up to DURATION for another writer's lock (default 10s); refused for "
                           "a PostgreSQL database");
  cli::add_positive_duration_option(app, "--stop-timeout", o.stop_timeout,
                                    "PostgreSQL: after end of input or SIGTERM/SIGINT, wait at most DURATION for an away "
                                    "server to store the pending readings (default: until a second SIGTERM/SIGINT)");
  app.add_flag("-v,--verbose", o.verbose, "Print what was stored at the end (on stderr)");
  if (auto status = tool.parse(argc, argv)) return *status;

  return tool.run([&] {
    std::optional<std::size_t> cache;
    if (!o.cache_size.empty()) {
      cache = cli::parse_size(o.cache_size);
      if (!cache || *cache < (1u << 20)) throw UsageError("--cache-size: expected a size of at least 1M, such as 64M");
    }
    if (o.commit_interval <= 0) throw UsageError("--commit-interval must be positive");
    tool.diag().set_strict(o.input.strict);

    store::WriterOptions wopt;
    wopt.retain = o.retain;
    wopt.retain_rollups = o.retain_rollups;
    if (cache) wopt.cache_mib = static_cast<int>(*cache >> 20);
    if (o.busy_timeout) wopt.busy_timeout_ms = static_cast<int>(*o.busy_timeout);
    // PostgreSQL: one stderr line per connection state change; while the server is away the
    // batch waits (and input with it) until it is back. End of input and SIGTERM/SIGINT
    // ("commit everything") keep waiting: a reading accepted is not dropped because the
    // server restarts while the service stops. A second signal, or --stop-timeout after
    // the first stop, gives up (exit 1, naming how many readings were not stored).
    // On the steady clock: a clock step (NTP just after boot) must not give up at once or never.
    const auto steady_ms = [] {
      using namespace std::chrono;
      return std::max<TimeMs>(1, duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
    };
    std::atomic<TimeMs> stopping_since{0};  // when input ended or a stop came (steady_ms); 0 = still reading
    bool told = false;                      // keep_trying runs on the writer's thread only
    wopt.on_state = [&tool](const std::string& message) { tool.diag().info(message); };
    wopt.keep_trying = [&] {
      if (stop_requests() >= 2) return false;
      TimeMs since = stopping_since.load();
      if (since == 0 && stop_requested()) {
        stopping_since.compare_exchange_strong(since, steady_ms());
        since = stopping_since.load();
      }
      if (since == 0) return true;  // still reading: wait as long as the server is away
      if (!told) {
        told = true;
        tool.diag().info(std::string(stop_requested() ? "stop requested" : "end of input") +
                         " while the database is away: the pending readings are stored once it is back" +
                         (o.stop_timeout ? " (giving up after --stop-timeout or at a second SIGTERM/SIGINT)"
                                         : " (a second SIGTERM/SIGINT gives up)"));
      }
      return !o.stop_timeout || steady_ms() - since < *o.stop_timeout;
    };
    auto writer = store::StoreWriter::open(cli::require_db(o.db), wopt);

    std::optional<LineWriter> out;
    if (!o.quiet) out.emplace(1, o.output.policy(inputs_are_files(o.input.files)));
    store::IngestOptions iopt;
    iopt.batch_rows = o.batch_rows;
    iopt.commit_interval = o.commit_interval;
    iopt.max_line_bytes = o.input.max_line_bytes;
    iopt.pass_after_commit = o.pass_after_commit;
    // A progress line for loads from files when a person watches stderr (not live pipelines or logs).
    bool progress_shown = false;
    if (::isatty(2) && inputs_are_files(o.input.files))
      iopt.progress = [&progress_shown](const store::IngestTotals& t) {
        if (t.lines == 0) return;
        progress_shown = true;
        const std::string line = fmt::format("\rdb-store: {} readings read, {} stored", t.lines,
                                             t.stored.inserted + t.stored.replaced + t.stored.duplicates);
        [[maybe_unused]] auto n = ::write(2, line.data(), line.size());
      };
    // Storing is this program's job: a reader of the pass-through that goes away (`| head`)
    // ends the pass-through only, with one note, and every input line is still stored.
    iopt.output_closed = [&tool] { tool.diag().info("stdout closed: no longer passing readings on; storing goes on"); };
    store::Ingest ingest(*writer, out ? &*out : nullptr, tool.diag(), iopt);

    bool go_on = true;
    const bool several = o.input.files.size() > 1;
    cli::for_each_input(o.input.files, [&](int fd, const std::string& name) {
      if (go_on) go_on = ingest.run(fd, several ? name : std::string());
    });
    TimeMs unset = 0;
    stopping_since.compare_exchange_strong(unset, steady_ms());  // end of input (a stop set it already)
    ingest.finish();
    if (progress_shown) {
      [[maybe_unused]] auto n = ::write(2, "\r\033[K", 4);  // clear the progress line
    }
    tool.diag().summary();
    if (o.verbose) {
      const auto& t = ingest.totals();
      tool.diag().info(fmt::format("{} readings: {} new, {} replaced, {} duplicates, {} older than --retain; {} commits "
                                   "taking {:.2f} s",
                                   t.lines, t.stored.inserted, t.stored.replaced, t.stored.duplicates,
                                   t.stored.expired, t.commits, t.commit_seconds));
    }
    return 0;
  });
}
