// Bounded-memory line reader (see line_reader.h).
#include "core/line_reader.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "core/stop_request.h"

namespace sensorpipe {

namespace {
// Empty, or only JSON whitespace (space, tab, CR): no program reads anything from such a
// line, and jq-like tools pass over it silently, so no caller ever sees one.
bool is_blank(std::string_view line) { return line.find_first_not_of(" \t\r") == std::string_view::npos; }
}  // namespace

LineReader::LineReader(int fd, std::size_t max_line_bytes)
    : fd_(fd), max_(max_line_bytes), buf_(std::max<std::size_t>(max_line_bytes + 1, 1 << 16) + (1 << 16)) {}

bool LineReader::fill(int timeout_ms, Status& status) {
  if (begin_ > 0) {  // make room at the end
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (timeout_ms >= 0 || stop_fd() >= 0) {
    pollfd fds[2] = {{fd_, POLLIN, 0}, {stop_fd(), POLLIN, 0}};
    const nfds_t n = stop_fd() >= 0 ? 2 : 1;
    for (;;) {
      if (stop_requested()) {
        status = Status::Stopped;
        return false;
      }
      const int r = ::poll(fds, n, timeout_ms);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) throw std::system_error(errno, std::generic_category(), "poll");
      if (r == 0) {
        status = Status::Timeout;
        return false;
      }
      if (fds[0].revents) break;
      if (n == 2 && fds[1].revents) {
        status = Status::Stopped;
        return false;
      }
    }
  }
  for (;;) {
    const ssize_t got = ::read(fd_, buf_.data() + end_, buf_.size() - end_);
    if (got > 0) {
      end_ += static_cast<std::size_t>(got);
      return true;
    }
    if (got == 0) {
      eof_ = true;
      return true;
    }
    if (errno == EINTR) {
      if (stop_requested()) {
        status = Status::Stopped;
        return false;
      }
      continue;
    }
    if (errno == EAGAIN) {
      status = Status::Timeout;
      return false;
    }
    throw std::system_error(errno, std::generic_category(), "read");
  }
}

LineReader::Status LineReader::next(int timeout_ms) {
  for (;;) {
    char* base = buf_.data();
    void* nl = std::memchr(base + begin_, '\n', end_ - begin_);
    if (nl) {
      const std::size_t stop = static_cast<std::size_t>(static_cast<char*>(nl) - base);
      const std::size_t start = begin_;
      begin_ = stop + 1;
      if (skipping_) {
        skipping_ = false;
        return Status::TooLong;  // line_number_ was counted when skipping began
      }
      ++line_number_;
      std::size_t len = stop - start;
      if (len > max_) return Status::TooLong;
      if (len > 0 && base[start + len - 1] == '\r') --len;
      line_ = std::string_view(base + start, len);
      if (is_blank(line_)) continue;
      return Status::Line;
    }
    // No newline buffered.
    if (!skipping_ && end_ - begin_ > max_) {
      ++line_number_;
      skipping_ = true;
    }
    if (skipping_) {
      begin_ = end_ = 0;  // discard what we have of the over-long line
    }
    if (eof_) {
      if (skipping_) {
        skipping_ = false;
        return Status::TooLong;
      }
      if (begin_ == end_) return Status::Eof;
      ++line_number_;
      std::size_t len = end_ - begin_;
      if (base[begin_ + len - 1] == '\r') --len;
      line_ = std::string_view(base + begin_, len);
      begin_ = end_;
      if (is_blank(line_)) continue;
      return Status::Line;
    }
    Status status;
    if (!fill(timeout_ms, status)) return status;
  }
}

}  // namespace sensorpipe
