// Real-time pacing against an absolute clock: readings are due at fixed offsets
// from the start, so waiting never accumulates drift (a late wake-up shortens the
// next wait instead of shifting every later reading).
//
// Uses CLOCK_MONOTONIC (immune to wall-clock steps) and ppoll with nanosecond
// timeouts. While waiting it watches the stop request, an optional input fd (for
// actuator commands) and the output fd (a reader that went away shows up as
// POLLERR/POLLHUP on a pipe). One Pacer per run, one thread; throws
// std::system_error only if poll itself fails.
#pragma once
#include <cstdint>

namespace sensorpipe::sim {

std::int64_t monotonic_ns();

class Pacer {
 public:
  enum class Wake { Due, Stopped, Input, OutputClosed };

  Pacer();  // the clock starts now
  std::int64_t elapsed_ns() const { return monotonic_ns() - start_; }
  // Waits until `offset_ns` after the start. Returns early with Input when
  // `input_fd` (>= 0) is readable or at end of file, Stopped on a stop request,
  // OutputClosed when `output_fd` (>= 0) is a pipe whose reader has gone.
  Wake wait(std::int64_t offset_ns, int input_fd, int output_fd) const;

 private:
  std::int64_t start_;
};

}  // namespace sensorpipe::sim
