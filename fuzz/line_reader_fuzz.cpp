// Fuzz target: any bytes through the line reader with a small maximum. It must
// never crash, never return a line over the maximum or containing '\n', never return a
// blank or whitespace-only line (those are skipped), and must count lines consistently
// (numbers only grow; a skipped line still counts).
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <thread>

#include "core/line_reader.h"

using namespace sensorpipe;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  int fds[2];
  if (pipe(fds) != 0) return 0;
  std::thread writer([&] {
    std::size_t done = 0;
    while (done < size) {
      const ssize_t n = write(fds[1], data + done, size - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    close(fds[1]);
  });
  const std::size_t max = size > 0 ? 1 + data[0] % 64 : 8;
  LineReader reader(fds[0], max);
  std::uint64_t last = 0;
  for (;;) {
    const auto status = reader.next();
    if (status == LineReader::Status::Eof) break;
    if (reader.line_number() <= last) std::abort();
    last = reader.line_number();
    if (status == LineReader::Status::Line &&
        (reader.line().size() > max || reader.line().find('\n') != std::string_view::npos ||
         reader.line().find_first_not_of(" \t\r") == std::string_view::npos))
      std::abort();
  }
  writer.join();
  close(fds[0]);
  return 0;
}
