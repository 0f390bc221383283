// sensor-watch's --state file: whole reads and atomic replacement.
#include "watch/state_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "core/errors.h"

namespace sensorpipe::watch {

namespace {
[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw RuntimeError(what + " " + path + ": " + std::strerror(errno));
}
}  // namespace

std::optional<std::string> read_state_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    fail("cannot open", path);
  }
  std::string text;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int saved = errno;
      ::close(fd);
      errno = saved;
      fail("cannot read", path);
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

void write_state_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot write", tmp);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int saved = errno;
      ::close(fd);
      errno = saved;
      fail("cannot write", tmp);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    fail("cannot sync", tmp);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) fail("cannot replace", path);
  // The rename itself is durable only once the directory is synced.
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

StateWriter::StateWriter(std::string path) : path_(std::move(path)) {
  worker_ = std::thread([this] { work(); });
}

StateWriter::~StateWriter() {
  try {
    finish();
  } catch (...) {
    // finish() was not called: the error has no one to go to any more.
  }
}

void StateWriter::rethrow_locked() {
  if (error_.empty()) return;
  std::string e;
  e.swap(error_);
  throw RuntimeError(e);
}

void StateWriter::save(std::string text) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    rethrow_locked();
    pending_ = std::move(text);
  }
  cv_.notify_one();
}

void StateWriter::finish() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_ = true;
  }
  cv_.notify_one();
  if (worker_.joinable()) worker_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  rethrow_locked();
}

void StateWriter::work() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    cv_.wait(lock, [this] { return closing_ || pending_; });
    if (!pending_) return;  // closing, everything written
    std::string text = std::move(*pending_);
    pending_.reset();
    lock.unlock();
    std::string error;
    try {
      write_state_file(path_, text);
    } catch (const std::exception& e) {
      error = e.what();
    }
    lock.lock();
    if (!error.empty()) error_ = error;
  }
}

}  // namespace sensorpipe::watch
