// Timestamp list encoding for the follow log (see ts_list.h).
#include "store/ts_list.h"

#include <cstdint>

namespace sensorpipe::store {

void TsListWriter::put(std::uint64_t v) {
  while (v >= 0x80) {
    bytes_ += static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  bytes_ += static_cast<char>(v);
}

void TsListWriter::add(TimeMs ts) {
  if (first_) {
    put((static_cast<std::uint64_t>(ts) << 1) ^ static_cast<std::uint64_t>(ts >> 63));
    first_ = false;
  } else {
    put(static_cast<std::uint64_t>(ts - last_));
  }
  last_ = ts;
}

bool decode_ts_list(std::string_view bytes, std::vector<TimeMs>& out) {
  out.clear();
  std::size_t i = 0;
  TimeMs last = 0;
  while (i < bytes.size()) {
    std::uint64_t v = 0;
    int shift = 0;
    for (;;) {
      if (i >= bytes.size() || shift > 63) return false;
      const auto b = static_cast<unsigned char>(bytes[i++]);
      v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) break;
      shift += 7;
    }
    if (out.empty()) last = static_cast<TimeMs>((v >> 1) ^ (~(v & 1) + 1));
    else last = static_cast<TimeMs>(static_cast<std::uint64_t>(last) + v);  // wraps on junk, never UB
    out.push_back(last);
  }
  return true;
}

}  // namespace sensorpipe::store
