// Line output with flush policy (see line_writer.h).
#include "core/line_writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/errors.h"

namespace sensorpipe {
namespace {
constexpr std::size_t kBatchBytes = 64 * 1024;
}

LineWriter::LineWriter(int fd, Policy policy) : fd_(fd), policy_(policy) { buf_.reserve(kBatchBytes * 2); }

LineWriter::~LineWriter() {
  try {
    flush();
  } catch (...) {  // destructor: the tool already reported or is exiting on EPIPE
  }
}

void LineWriter::write_line(std::string_view line) {
  buf_.append(line.data(), line.size());
  end_line();
}

void LineWriter::end_line() {
  buf_ += '\n';
  if (policy_ == Policy::Line || buf_.size() >= kBatchBytes) flush();
}

void LineWriter::flush() {
  std::size_t done = 0;
  while (done < buf_.size()) {
    const ssize_t n = ::write(fd_, buf_.data() + done, buf_.size() - done);
    if (n >= 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    buf_.clear();
    if (errno == EPIPE) throw OutputClosed();
    throw RuntimeError(std::string("cannot write to output: ") + std::strerror(errno));
  }
  buf_.clear();
}

LineWriter::Policy choose_policy(bool bulk, bool force_line, bool force_batched) {
  if (force_line) return LineWriter::Policy::Line;
  if (force_batched) return LineWriter::Policy::Batched;
  return bulk ? LineWriter::Policy::Batched : LineWriter::Policy::Line;
}

}  // namespace sensorpipe
