// Absolute-deadline pacing (see pacing.h).
#include "sim/pacing.h"

#include <poll.h>
#include <time.h>

#include <cerrno>
#include <system_error>

#include "core/stop_request.h"

namespace sensorpipe::sim {

std::int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

Pacer::Pacer() : start_(monotonic_ns()) {}

Pacer::Wake Pacer::wait(std::int64_t offset_ns, int input_fd, int output_fd) const {
  const std::int64_t deadline = start_ + offset_ns;
  for (;;) {  // output_fd is set to -1 below when it is not pollable, so it cannot spin
    if (stop_requested()) return Wake::Stopped;
    const std::int64_t left = deadline - monotonic_ns();
    if (left <= 0) return Wake::Due;
    pollfd fds[3];
    nfds_t n = 0;
    const int stop = stop_fd();
    int at_stop = -1, at_input = -1, at_output = -1;
    if (stop >= 0) at_stop = static_cast<int>(n), fds[n++] = {stop, POLLIN, 0};
    if (input_fd >= 0) at_input = static_cast<int>(n), fds[n++] = {input_fd, POLLIN, 0};
    if (output_fd >= 0) at_output = static_cast<int>(n), fds[n++] = {output_fd, 0, 0};
    const timespec timeout{static_cast<time_t>(left / 1000000000), static_cast<long>(left % 1000000000)};
    const int r = ::ppoll(fds, n, &timeout, nullptr);
    if (r < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "poll");
    }
    if (r == 0) continue;  // timed out: re-check the clock
    if (at_stop >= 0 && fds[at_stop].revents) return Wake::Stopped;
    if (at_output >= 0 && (fds[at_output].revents & (POLLERR | POLLHUP))) return Wake::OutputClosed;
    if (at_output >= 0 && (fds[at_output].revents & POLLNVAL)) output_fd = -1;
    if (at_input >= 0 && fds[at_input].revents) return Wake::Input;
  }
}

}  // namespace sensorpipe::sim
