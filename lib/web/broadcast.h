// Broadcast encoding for ws-serve: WebSocket frames, SSE events, per-subscription chunks, the SSE replay window.
//
// Plain C++ (no websocketpp, no I/O), so it can be unit-tested; the server wraps the
// chunks in websocketpp prepared messages or writes them to SSE sockets as they are.
// Pure functions are thread-safe; a ReplayWindow is not (the server's I/O thread owns it).
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace sensorpipe::web {

// One reading to broadcast: its sequence number (the SSE event id), sensor and canonical JSON line.
struct Item {
  std::uint64_t seq = 0;
  std::string sensor;
  std::string line;  // canonical JSON: never contains a newline
};

// Appends an unmasked, final WebSocket text frame holding `payload` (RFC 6455 5.2).
void append_ws_frame(std::string& out, std::string_view payload);
// Appends "id: SEQ\ndata: LINE\n\n".
void append_sse_event(std::string& out, const Item& item);

// A subscription is a list of sensor patterns (core/pattern.h); an empty list takes every sensor.
bool matches_any(const std::vector<std::string>& patterns, const std::string& sensor);
// Equal for equal pattern lists: clients with the same key share the encoded chunks.
std::string subscription_key(const std::vector<std::string>& patterns);

enum class Framing { WebSocket, Sse };

// Encoded readings ready to write: `count` readings framed back to back in `bytes`.
struct Chunk {
  std::string bytes;
  std::size_t count = 0;
};

// The readings of `batch` that match `patterns`, framed, split into chunks of about
// `chunk_bytes` (a chunk ends after the frame that reaches it). Empty when none match.
std::vector<Chunk> encode_chunks(const std::vector<Item>& batch, const std::vector<std::string>& patterns,
                                 Framing framing, std::size_t chunk_bytes);

// The last `capacity` readings, so an EventSource that reconnects with Last-Event-ID gets
// what it missed while that is still held. Not thread-safe.
class ReplayWindow {
 public:
  explicit ReplayWindow(std::size_t capacity) : capacity_(capacity) {}
  void add(Item item);
  // Appends the SSE events of the held readings after `last_seq` that match `patterns`;
  // returns how many.
  std::size_t append_since(std::string& out, std::uint64_t last_seq, const std::vector<std::string>& patterns) const;
  std::size_t size() const { return items_.size(); }

 private:
  std::size_t capacity_;
  std::deque<Item> items_;
};

}  // namespace sensorpipe::web
