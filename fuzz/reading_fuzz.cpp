// Fuzz target: any bytes as a reading or command line. Parsing must never crash, and
// whatever parses must serialise to text that parses again to the same reading.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/reading.h"

using namespace sensorpipe;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  static ReadingParser parser;
  Reading r, again;
  std::string error;
  if (parser.parse(line, 0, r, error)) {
    const std::string text = to_json(r);
    if (!parser.parse(text, 0, again, error) || to_json(again) != text) std::abort();
  }
  Command c;
  if (parser.parse_command(line, c, error)) {
    std::string text;
    append_command(text, c);
    if (!parser.parse_command(text, c, error)) std::abort();
  }
  json::Type type;
  json::validate(line, type, error);
  return 0;
}
