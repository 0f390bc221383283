// Command lines to stdout on their own thread, watching it for a close (see command_output.h).
#include "web/command_output.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/errors.h"
#include "core/line_writer.h"

namespace sensorpipe::web {

namespace {
// Only a pipe or a socket reports its reader going away; a file or terminal never does
// (and poll() on a regular file is always "ready"), so those are not watched.
bool watchable(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}
}  // namespace

CommandOutput::CommandOutput(int fd, std::size_t capacity, std::function<void()> on_closed,
                             std::function<void(const std::string&)> on_error)
    : fd_(fd), capacity_(capacity), on_closed_(std::move(on_closed)), on_error_(std::move(on_error)) {
  if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0)
    throw RuntimeError(std::string("cannot create a pipe: ") + std::strerror(errno));
  thread_ = std::thread([this] { run(); });
}

CommandOutput::~CommandOutput() {
  finish();
  ::close(wake_[0]);
  ::close(wake_[1]);
}

void CommandOutput::finish() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake();
  if (thread_.joinable()) thread_.join();
}

void CommandOutput::wake() {
  const char b = 1;
  [[maybe_unused]] auto n = ::write(wake_[1], &b, 1);  // a full pipe already wakes the writer
}

void CommandOutput::offer(std::string line, Done done) {
  std::string refused;
  {
    std::lock_guard lock(mutex_);
    if (closed_) refused = closed_reason_;
    else if (stop_) refused = "ws-serve is stopping";
    else if (queue_.size() >= capacity_) refused = "the output is not being read";
    else queue_.emplace_back(std::move(line), std::move(done));
  }
  if (!refused.empty()) return done(false, refused);
  wake();
}

void CommandOutput::close_output(const std::string& reason) {
  std::deque<std::pair<std::string, Done>> refused;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    closed_reason_ = reason;
    refused.swap(queue_);
  }
  for (auto& [line, done] : refused) done(false, reason);
}

void CommandOutput::run() {
  LineWriter out(fd_, LineWriter::Policy::Line);
  const bool watch = watchable(fd_);
  for (;;) {
    std::pair<std::string, Done> item;
    bool have = false, stopping = false;
    {
      std::lock_guard lock(mutex_);
      if (!queue_.empty()) {
        item = std::move(queue_.front());
        queue_.pop_front();
        have = true;
      }
      stopping = stop_;
    }
    if (!have) {
      if (stopping) return;
      pollfd fds[2] = {{wake_[0], POLLIN, 0}, {watch ? fd_ : -1, 0, 0}};
      if (::poll(fds, 2, -1) < 0 && errno != EINTR) return;
      if (fds[0].revents & POLLIN) {
        char buf[64];
        while (::read(wake_[0], buf, sizeof buf) > 0) {
        }
      }
      if (fds[1].revents & (POLLERR | POLLHUP)) {
        close_output("the output of ws-serve is closed");
        on_closed_();
        return;
      }
      continue;
    }
    try {
      out.write_line(item.first);
      item.second(true, std::string());
    } catch (const OutputClosed&) {
      item.second(false, "the output of ws-serve is closed");
      close_output("the output of ws-serve is closed");
      on_closed_();
      return;
    } catch (const std::exception& e) {
      item.second(false, std::string("cannot write commands: ") + e.what());
      close_output(std::string("cannot write commands: ") + e.what());
      on_error_(e.what());
      return;
    }
  }
}

}  // namespace sensorpipe::web
