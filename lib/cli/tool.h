// One way to build a sensorpipe command line: CLI11 set-up, --help/--version,
// exit-status mapping, and the option groups every tool shares.
//
// A tool's main() creates a Tool, adds its options (own ones plus shared groups),
// calls parse(), then run() with its body. run() maps exceptions to the exit
// statuses of SPEC: OutputClosed 0, RuntimeError 1, UsageError 2, StrictInputError 65.
#pragma once
#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostics.h"
#include "core/library_versions.h"
#include "core/line_reader.h"
#include "core/line_writer.h"
#include "core/time.h"

namespace sensorpipe::cli {

class Tool {
 public:
  // `libraries`: what this tool links, shown by --version.
  Tool(std::string name, std::string summary, LibraryVersions libraries);

  CLI::App& app() { return app_; }
  Diagnostics& diag() { return diag_; }
  const std::string& name() const { return name_; }

  // Parses argv. Returns the exit status when the program should end now
  // (0 after --help/--version/--completion, 2 on a usage error), nullopt to go on.
  std::optional<int> parse(int argc, char** argv);

  // Installs signal handlers, runs `body`, maps exceptions to exit statuses (OutputClosed and
  // Interrupted: 0; StrictInputError: 65; UsageError: 2; any other: 1 with "prog: error: ...").
  int run(const std::function<int()>& body);

  // Prints "prog: error: message" and the --help hint; returns 2.
  int usage_error(const std::string& message);

 private:
  std::string name_;
  LibraryVersions libraries_;
  CLI::App app_;
  Diagnostics diag_;
  std::string completion_shell_;
};

// --line-buffered / --buffered
struct OutputOptions {
  bool line_buffered = false;
  bool buffered = false;
  LineWriter::Policy policy(bool bulk) const { return choose_policy(bulk, line_buffered, buffered); }
};
void add_output_options(CLI::App& app, OutputOptions& opts);

// --strict, --max-line-bytes, and input files ("-" = stdin)
struct InputOptions {
  bool strict = false;
  std::size_t max_line_bytes = kDefaultMaxLineBytes;
  std::vector<std::string> files;
};
void add_input_options(CLI::App& app, InputOptions& opts, bool with_files);

// -n/--count and --duration: bounded runs for scripts, cron and tests.
struct BoundedRunOptions {
  std::optional<std::uint64_t> count;
  std::optional<TimeMs> duration;
};
void add_bounded_run_options(CLI::App& app, BoundedRunOptions& opts, const std::string& count_flags = "-n,--count");

// An option whose value is a duration ("500ms", "10s", "5m", "1h", "7d", "1y"): core/time.h
// parse_duration, so every tool takes the same units. Bad text is a usage error (exit 2).
CLI::Option* add_duration_option(CLI::App& app, const std::string& flags, TimeMs& target, const std::string& help);
CLI::Option* add_duration_option(CLI::App& app, const std::string& flags, std::optional<TimeMs>& target,
                                 const std::string& help);
// The same, rejecting zero (periods such as retention, where 0 means nothing useful).
CLI::Option* add_positive_duration_option(CLI::App& app, const std::string& flags, std::optional<TimeMs>& target,
                                          const std::string& help);

// Calls `fn(file_descriptor, display_name)` for each input ("-" or none = stdin).
// Files that cannot be opened throw RuntimeError.
void for_each_input(const std::vector<std::string>& files, const std::function<void(int, const std::string&)>& fn);

}  // namespace sensorpipe::cli
