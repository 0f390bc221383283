// Progress bar on stderr (see progress.h).
#include "cli/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace sensorpipe::cli {

ProgressBar::ProgressBar(std::string label, bool force) : label_(std::move(label)) {
  enabled_ = force || ::isatty(2) == 1;
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  colour_ = !(no_color && *no_color) && !(term && std::strcmp(term, "dumb") == 0) && ::isatty(2) == 1;
}

ProgressBar::~ProgressBar() { finish(); }

std::string ProgressBar::render(std::string_view label, double fraction, std::string_view detail, bool colour,
                                int width) {
  fraction = std::clamp(std::isfinite(fraction) ? fraction : 0.0, 0.0, 1.0);
  const int filled = static_cast<int>(fraction * width);
  std::string line(label);
  line += " [";
  if (colour) line += "\x1b[32m";
  line.append(static_cast<std::size_t>(filled), '#');
  if (colour) line += "\x1b[0m";
  line.append(static_cast<std::size_t>(width - filled), '.');
  char pct[16];
  std::snprintf(pct, sizeof pct, "] %3d%% ", static_cast<int>(fraction * 100));
  line += pct;
  line += detail;
  return line;
}

void ProgressBar::update(double fraction, std::string_view detail) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && fraction < 1.0 && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  int columns = 80;
  winsize ws{};
  if (::ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) columns = ws.ws_col;
  const int width = std::clamp(columns - static_cast<int>(label_.size() + detail.size()) - 10, 10, 50);
  const std::string line = "\r" + render(label_, fraction, detail, colour_, width) + "\x1b[K";
  (void)!::write(2, line.data(), line.size());
  drawn_ = true;
}

void ProgressBar::finish() {
  if (!drawn_) return;
  drawn_ = false;
  static const char kClear[] = "\r\x1b[K";
  (void)!::write(2, kClear, sizeof kClear - 1);
}

std::string human_count(std::uint64_t n) {
  char buf[32];
  if (n < 1000) std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(n));
  else if (n < 1000000) std::snprintf(buf, sizeof buf, "%.1fk", static_cast<double>(n) / 1e3);
  else if (n < 1000000000) std::snprintf(buf, sizeof buf, "%.2fM", static_cast<double>(n) / 1e6);
  else std::snprintf(buf, sizeof buf, "%.2fG", static_cast<double>(n) / 1e9);
  return buf;
}

}  // namespace sensorpipe::cli
