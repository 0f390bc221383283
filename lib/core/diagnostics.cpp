// Diagnostics (see diagnostics.h).
#include "core/diagnostics.h"

#include <fmt/format.h>
#include <unistd.h>

#include "core/errors.h"

namespace sensorpipe {

Diagnostics::Diagnostics(std::string program, bool strict) : program_(std::move(program)), strict_(strict) {}

void Diagnostics::print(std::string_view text) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string line = program_;
  line += ": ";
  line += text;
  line += '\n';
  std::size_t done = 0;
  while (done < line.size()) {  // stderr is unbuffered: one write per diagnostic keeps lines whole
    const ssize_t n = ::write(2, line.data() + done, line.size() - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
}

void Diagnostics::bad_line(std::uint64_t line, std::string_view reason) {
  ++bad_;
  print(fmt::format("line {}: {}", line, reason));
  if (strict_) throw StrictInputError(fmt::format("line {}: {}", line, reason));
}

void Diagnostics::bad_input(std::string_view where, std::string_view reason) {
  ++bad_;
  print(fmt::format("{}: {}", where, reason));
  if (strict_) throw StrictInputError(fmt::format("{}: {}", where, reason));
}

void Diagnostics::warning(std::string_view message) { print(fmt::format("warning: {}", message)); }
void Diagnostics::error(std::string_view message) { print(fmt::format("error: {}", message)); }
void Diagnostics::info(std::string_view message) {
  if (!quiet_) print(message);
}

void Diagnostics::summary(std::string_view what) {
  const auto n = bad_.load();
  if (n == 0) return;
  if (n == 1 && !what.empty() && what.back() == 's') what.remove_suffix(1);  // "1 bad line skipped"
  print(fmt::format("{} bad {} skipped", n, what));
}

}  // namespace sensorpipe
