// Writes command lines to stdout on a thread of its own, so a slow reader of
// ws-serve's output never stalls the network thread, and watches stdout for a close.
//
// offer() is thread-safe and never blocks; it calls `done` exactly once: true once the
// line is written (flushed at once: commands are live), false with a reason when it
// never will be (`capacity` lines already waiting, or the output is closed). So a
// client is never told a command went out that was dropped.
// When the output is a pipe or a socket, the writer also polls it while idle: the
// reader going away (POLLERR/POLLHUP) is noticed at once, not at the next command.
// Either way (or EPIPE on a write) `on_closed` is called once, from the writer thread;
// another write error is passed to `on_error`. Both end the writing.
#pragma once
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

namespace sensorpipe::web {

class CommandOutput {
 public:
  using Done = std::function<void(bool written, const std::string& reason)>;

  // Throws RuntimeError when its wake-up pipe cannot be made.
  CommandOutput(int fd, std::size_t capacity, std::function<void()> on_closed,
                std::function<void(const std::string&)> on_error);
  ~CommandOutput();  // finish()
  CommandOutput(const CommandOutput&) = delete;
  CommandOutput& operator=(const CommandOutput&) = delete;

  void offer(std::string line, Done done);
  // Writes what is queued, then joins the writer; later offers are refused. Idempotent.
  void finish();

 private:
  void run();
  void wake();
  // Ends the writing: every queued line is refused with `reason`.
  void close_output(const std::string& reason);

  int fd_;
  std::size_t capacity_;
  std::function<void()> on_closed_;
  std::function<void(const std::string&)> on_error_;
  int wake_[2] = {-1, -1};  // self-pipe: offer() and finish() wake the polling writer
  std::mutex mutex_;
  std::deque<std::pair<std::string, Done>> queue_;
  bool stop_ = false, closed_ = false;
  std::string closed_reason_;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace sensorpipe::web
