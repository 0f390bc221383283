// Buffered line output to a file descriptor with an explicit flush policy.
//
// Policy::Line flushes after every line (live consumers read each reading at
// once); Policy::Batched flushes when 64 KiB are pending, on flush() and on
// destruction. EPIPE throws OutputClosed (a quiet exit 0 in the tool); any other
// write error throws RuntimeError. Not thread-safe: one writer per thread, or lock.
#pragma once
#include <string>
#include <string_view>

namespace sensorpipe {

class LineWriter {
 public:
  enum class Policy { Line, Batched };

  explicit LineWriter(int fd, Policy policy = Policy::Line);
  ~LineWriter();
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;

  // Writes `line` plus '\n'.
  void write_line(std::string_view line);
  // Direct access for building a line in place: append text, then end_line().
  std::string& buffer() { return buf_; }
  void end_line();
  void flush();

  Policy policy() const { return policy_; }
  void set_policy(Policy p) { policy_ = p; }

 private:
  int fd_;
  Policy policy_;
  std::string buf_;
};

// The default policy for a program's stdout: Batched when `bulk` (the program knows
// it is producing many lines fast) unless forced with --line-buffered; Line otherwise
// unless forced with --buffered.
LineWriter::Policy choose_policy(bool bulk, bool force_line, bool force_batched);

}  // namespace sensorpipe
