// Broadcast encoding (see broadcast.h).
#include "web/broadcast.h"

#include "core/pattern.h"

namespace sensorpipe::web {

void append_ws_frame(std::string& out, std::string_view payload) {
  out += static_cast<char>(0x81);  // FIN + text
  const std::size_t n = payload.size();
  if (n < 126) {
    out += static_cast<char>(n);
  } else if (n < 65536) {
    out += static_cast<char>(126);
    out += static_cast<char>((n >> 8) & 0xff);
    out += static_cast<char>(n & 0xff);
  } else {
    out += static_cast<char>(127);
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((static_cast<std::uint64_t>(n) >> shift) & 0xff);
  }
  out.append(payload);
}

void append_sse_event(std::string& out, const Item& item) {
  out += "id: ";
  out += std::to_string(item.seq);
  out += "\ndata: ";
  out += item.line;
  out += "\n\n";
}

bool matches_any(const std::vector<std::string>& patterns, const std::string& sensor) {
  if (patterns.empty()) return true;
  for (const auto& p : patterns) {
    if (pattern_matches(p, sensor)) return true;
  }
  return false;
}

std::string subscription_key(const std::vector<std::string>& patterns) {
  std::string key;
  for (const auto& p : patterns) {  // length-prefixed: no pattern text can fake a boundary
    key += std::to_string(p.size());
    key += ':';
    key += p;
  }
  return key;
}

std::vector<Chunk> encode_chunks(const std::vector<Item>& batch, const std::vector<std::string>& patterns,
                                 Framing framing, std::size_t chunk_bytes) {
  std::vector<Chunk> chunks;
  Chunk cur;
  for (const auto& item : batch) {
    if (!matches_any(patterns, item.sensor)) continue;
    if (framing == Framing::WebSocket) append_ws_frame(cur.bytes, item.line);
    else append_sse_event(cur.bytes, item);
    ++cur.count;
    if (cur.bytes.size() >= chunk_bytes) {
      chunks.push_back(std::move(cur));
      cur = Chunk{};
    }
  }
  if (cur.count) chunks.push_back(std::move(cur));
  return chunks;
}

void ReplayWindow::add(Item item) {
  if (capacity_ == 0) return;
  items_.push_back(std::move(item));
  if (items_.size() > capacity_) items_.pop_front();
}

std::size_t ReplayWindow::append_since(std::string& out, std::uint64_t last_seq,
                                       const std::vector<std::string>& patterns) const {
  std::size_t n = 0;
  for (const auto& item : items_) {
    if (item.seq > last_seq && matches_any(patterns, item.sensor)) {
      append_sse_event(out, item);
      ++n;
    }
  }
  return n;
}

}  // namespace sensorpipe::web
