// Diagnostics on stderr: "prog: line N: reason", counted, with --strict and a summary.
//
// One Diagnostics per program, created by the tool; library code receives it by
// reference when it handles input lines. Thread-safe (a mutex around stderr).
#pragma once
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace sensorpipe {

class Diagnostics {
 public:
  explicit Diagnostics(std::string program, bool strict = false);

  const std::string& program() const { return program_; }
  void set_strict(bool strict) { strict_ = strict; }
  bool strict() const { return strict_; }
  void set_quiet(bool quiet) { quiet_ = quiet; }  // suppresses info() only

  // A bad input line: prints "prog: line N: reason" and counts it. Under --strict
  // throws StrictInputError (exit 65).
  void bad_line(std::uint64_t line, std::string_view reason);
  // A bad item that is not a numbered line (an MQTT message, a client frame).
  void bad_input(std::string_view where, std::string_view reason);
  void warning(std::string_view message);  // "prog: warning: message"
  void error(std::string_view message);    // "prog: error: message"
  void info(std::string_view message);     // "prog: message" (state changes, progress)

  std::uint64_t bad_count() const { return bad_; }
  // "prog: 3 bad lines skipped" when any; call at the end of the program.
  // `what` names the items in the plural ("lines", "messages").
  void summary(std::string_view what = "lines");

 private:
  void print(std::string_view text);

  std::string program_;
  bool strict_;
  bool quiet_ = false;
  std::atomic<std::uint64_t> bad_{0};
  std::mutex mutex_;
};

}  // namespace sensorpipe
