// Tool set-up, option groups and exit-status mapping (see tool.h).
#include "cli/tool.h"

#include "cli/values.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "cli/completion.h"
#include "core/errors.h"
#include "core/interrupt.h"
#include "core/stop_request.h"
#include "sensorpipe/version.h"

namespace sensorpipe::cli {

namespace {
std::string version_text(const std::string& name, const LibraryVersions& libs) {
  std::string text = name + " (sensorpipe) " SENSORPIPE_VERSION "\nlibraries:";
  bool first = true;
  for (const auto& [lib, version] : libs) {
    text += first ? " " : ", ";
    text += lib + " " + version;
    first = false;
  }
  return text;
}
}  // namespace

Tool::Tool(std::string name, std::string summary, LibraryVersions libraries)
    : name_(std::move(name)), libraries_(std::move(libraries)), app_(std::move(summary), name_), diag_(name_) {
  libraries_.insert(libraries_.begin(), {"CLI11", CLI11_VERSION});
  app_.set_version_flag("-V,--version", version_text(name_, libraries_), "Print the version and linked libraries, then exit");
  app_.set_help_flag("-h,--help", "Print this help, then exit");
  app_.add_option("--completion", completion_shell_, "Print a shell completion script")->group("");
  app_.get_formatter()->column_width(34);
}

int Tool::usage_error(const std::string& message) {
  std::cerr << name_ << ": error: " << message << "\nTry '" << name_ << " --help' for more information.\n";
  return 2;
}

std::optional<int> Tool::parse(int argc, char** argv) {
  try {
    app_.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app_.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app_.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion& e) {
    std::cout << e.what() << "\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    std::string message = e.what();
    if (!message.empty()) message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
    return usage_error(message);
  }
  if (!completion_shell_.empty()) {
    const auto script = completion_script(app_, name_, completion_shell_);
    if (!script) return usage_error("--completion: expected bash, zsh or fish");
    std::cout << *script;
    return 0;
  }
  return std::nullopt;
}

int Tool::run(const std::function<int()>& body) {
  install_signal_handlers();
  try {
    return body();
  } catch (const OutputClosed&) {
    return 0;
  } catch (const Interrupted&) {  // a wait cut short by the stop the tool asked for
    return 0;
  } catch (const StrictInputError&) {
    diag_.error("stopping at the first bad input (--strict)");
    return 65;
  } catch (const UsageError& e) {
    return usage_error(e.what());
  } catch (const std::exception& e) {
    diag_.error(e.what());
    return 1;
  }
}

void add_output_options(CLI::App& app, OutputOptions& opts) {
  auto* line = app.add_flag("--line-buffered", opts.line_buffered, "Flush output after every line");
  auto* batched = app.add_flag("--buffered", opts.buffered, "Batch output writes even when a live consumer reads");
  line->excludes(batched);
}

void add_input_options(CLI::App& app, InputOptions& opts, bool with_files) {
  app.add_flag("--strict", opts.strict, "Exit with status 65 at the first bad input line");
  add_size_option(app, "--max-line-bytes", opts.max_line_bytes, "Reject input lines longer than SIZE (default 1M)");
  if (with_files) app.add_option("files", opts.files, "Input files ('-' or none: stdin)")->type_name("FILE");
}

void add_bounded_run_options(CLI::App& app, BoundedRunOptions& opts, const std::string& count_flags) {
  app.add_option(count_flags, opts.count, "Stop after N lines")->type_name("N");
  add_duration_option(app, "--duration", opts.duration, "Stop after DURATION (e.g. 10s, 5m, 1h)");
}

namespace {
CLI::Option* add_duration_callback(CLI::App& app, const std::string& flags, std::function<void(TimeMs)> store,
                                   const std::string& help, bool positive = false) {
  return app
      .add_option_function<std::string>(
          flags,
          [store = std::move(store), flags, positive](const std::string& s) {
            const auto d = parse_duration(s);
            if (!d || (positive && *d <= 0))
              throw CLI::ValidationError(flags, std::string(positive ? "expected a duration above zero" : "expected a duration") +
                                                    " such as 500ms, 10s, 5m, 1h, 7d or 1y, got '" + s + "'");
            store(*d);
          },
          help)
      ->type_name("DURATION");
}
}  // namespace

CLI::Option* add_duration_option(CLI::App& app, const std::string& flags, TimeMs& target, const std::string& help) {
  return add_duration_callback(app, flags, [&target](TimeMs d) { target = d; }, help);
}

CLI::Option* add_duration_option(CLI::App& app, const std::string& flags, std::optional<TimeMs>& target,
                                 const std::string& help) {
  return add_duration_callback(app, flags, [&target](TimeMs d) { target = d; }, help);
}

CLI::Option* add_positive_duration_option(CLI::App& app, const std::string& flags, std::optional<TimeMs>& target,
                                          const std::string& help) {
  return add_duration_callback(app, flags, [&target](TimeMs d) { target = d; }, help, true);
}

void for_each_input(const std::vector<std::string>& files, const std::function<void(int, const std::string&)>& fn) {
  if (files.empty()) {
    fn(0, "-");
    return;
  }
  for (const auto& f : files) {
    if (f == "-") {
      fn(0, "-");
      continue;
    }
    const int fd = ::open(f.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw RuntimeError("cannot open " + f + ": " + std::strerror(errno));
    try {
      fn(fd, f);
    } catch (...) {
      ::close(fd);
      throw;
    }
    ::close(fd);
  }
}

}  // namespace sensorpipe::cli
