// Fuzz target: any bytes as JSON Lines into the SQLite writer (an in-memory database),
// written in two batches so replacements and duplicates hit stored rows; then the same
// bytes as a packed ts list. Nothing may crash, and the writer may not fail on any
// reading the parser accepted.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/reading.h"
#include "store/ts_list.h"
#include "store/writer.h"

using namespace sensorpipe;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ReadingParser parser;
  std::vector<Reading> batch;
  std::string error;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    Reading r;
    if (parser.parse(text.substr(start, end - start), 1'795'341'600'000, r, error)) batch.push_back(std::move(r));
    start = end + 1;
  }
  try {
    auto writer = store::StoreWriter::open(":memory:", store::WriterOptions{});
    std::vector<Reading> first(batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(batch.size() / 2));
    writer->write(first);
    writer->write(batch);
    writer->write(batch);  // a replay: all duplicates
    writer->maintain(0);
  } catch (...) {
    std::abort();
  }
  std::vector<TimeMs> stamps, again;
  if (store::decode_ts_list(text, stamps)) {
    store::TsListWriter w;
    bool ascending = true;
    for (std::size_t i = 0; i < stamps.size(); ++i) {
      if (i && stamps[i] <= stamps[i - 1]) ascending = false;
    }
    if (ascending) {
      for (auto t : stamps) w.add(t);
      if (!store::decode_ts_list(w.bytes(), again) || again != stamps) std::abort();
    }
  }
  return 0;
}
