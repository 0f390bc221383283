// A progress bar on stderr for long bulk work (back-fill, imports, exports).
//
// Shown only when stderr is a terminal (never in pipes, logs or tests); coloured
// unless NO_COLOR is set or TERM is "dumb". Redraws at most ten times a second,
// so update() may be called as often as convenient. finish() (or the destructor)
// erases the bar. Not thread-safe: call from the thread doing the work.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace sensorpipe::cli {

class ProgressBar {
 public:
  // `label` starts the line, e.g. the program name. `force` shows the bar even
  // when stderr is not a terminal (tests).
  explicit ProgressBar(std::string label, bool force = false);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  bool enabled() const { return enabled_; }
  // fraction in [0, 1]; detail is shown after the percentage ("1.2M lines").
  void update(double fraction, std::string_view detail);
  void finish();

  // The text of one frame, for tests: "label [#####.....]  50% detail".
  static std::string render(std::string_view label, double fraction, std::string_view detail, bool colour, int width);

 private:
  std::string label_;
  bool enabled_, colour_, drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

// "950", "12.3k", "4.56M": counts for humans.
std::string human_count(std::uint64_t n);

}  // namespace sensorpipe::cli
