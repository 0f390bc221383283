// Command lines to stdout on their own thread (see command_output.h).
#include "web/command_output.h"

#include "core/errors.h"
#include "core/line_writer.h"

namespace sensorpipe::web {

CommandOutput::CommandOutput(int fd, std::size_t capacity, std::function<void()> on_closed,
                             std::function<void(const std::string&)> on_error)
    : fd_(fd), capacity_(capacity), on_closed_(std::move(on_closed)), on_error_(std::move(on_error)),
      thread_([this] { run(); }) {}

CommandOutput::~CommandOutput() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

bool CommandOutput::offer(const std::string& line) {
  {
    std::lock_guard lock(mutex_);
    if (closed_ || queue_.size() >= capacity_) return false;
    queue_.push_back(line);
  }
  cv_.notify_one();
  return true;
}

void CommandOutput::run() {
  LineWriter out(fd_, LineWriter::Policy::Line);
  for (;;) {
    std::string line;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;
      line = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      out.write_line(line);
    } catch (const OutputClosed&) {
      {
        std::lock_guard lock(mutex_);
        closed_ = true;
        queue_.clear();
      }
      on_closed_();
      return;
    } catch (const std::exception& e) {
      on_error_(e.what());
      std::lock_guard lock(mutex_);
      closed_ = true;
      queue_.clear();
      return;
    }
  }
}

}  // namespace sensorpipe::web
