// Writes command lines to stdout on a thread of its own, so a slow reader of
// ws-serve's output never stalls the network thread.
//
// offer() is thread-safe and never blocks: it returns false when `capacity` lines
// are already waiting (the caller tells the client its command was not sent). Each
// line is flushed at once (commands are live). When stdout is closed (EPIPE) the
// writer calls `on_closed` once and discards further lines; another write error is
// passed to `on_error`.
#pragma once
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace sensorpipe::web {

class CommandOutput {
 public:
  CommandOutput(int fd, std::size_t capacity, std::function<void()> on_closed,
                std::function<void(const std::string&)> on_error);
  ~CommandOutput();  // writes what is queued, then joins
  CommandOutput(const CommandOutput&) = delete;
  CommandOutput& operator=(const CommandOutput&) = delete;

  bool offer(const std::string& line);

 private:
  void run();
  int fd_;
  std::size_t capacity_;
  std::function<void()> on_closed_;
  std::function<void(const std::string&)> on_error_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  bool stop_ = false, closed_ = false;
  std::thread thread_;
};

}  // namespace sensorpipe::web
