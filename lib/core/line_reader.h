// Reads lines from a file descriptor with bounded memory, for JSON Lines input.
//
// Survives any bytes: a line longer than the maximum is skipped chunk by chunk
// (never held whole in memory) and reported as Status::TooLong; a trailing "\r"
// is removed; a final line without "\n" is still delivered. Blank lines (empty or
// only spaces, tabs and CRs) are skipped silently, the one rule for every tool (as
// jq does); they still count for line_number(). One reader per fd,
// used from one thread. Read errors other than EINTR throw std::system_error.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sensorpipe {

inline constexpr std::size_t kDefaultMaxLineBytes = 1 << 20;  // 1 MiB

class LineReader {
 public:
  enum class Status {
    Line,     // `line()` holds the next line that is not blank
    TooLong,  // a line over the maximum was skipped; `line_number()` is its number
    Timeout,  // no complete line within the timeout
    Stopped,  // a stop was requested (see stop_request.h)
    Eof,
  };

  explicit LineReader(int fd, std::size_t max_line_bytes = kDefaultMaxLineBytes);

  // Next line. timeout_ms < 0 waits for ever; the wait also ends on a stop request.
  Status next(int timeout_ms = -1);

  // Valid until the next call to next().
  std::string_view line() const { return line_; }
  std::uint64_t line_number() const { return line_number_; }
  std::size_t max_line_bytes() const { return max_; }

 private:
  bool fill(int timeout_ms, Status& status);  // false: status says why no data came

  int fd_;
  std::size_t max_;
  std::vector<char> buf_;
  std::size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
  bool skipping_ = false;  // inside an over-long line, discarding until '\n'
  std::uint64_t line_number_ = 0;
  std::string_view line_;
};

}  // namespace sensorpipe
