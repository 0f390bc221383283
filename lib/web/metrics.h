// Counters of a running ws-serve, rendered for GET /metrics (Prometheus text format 0.0.4).
//
// Plain atomics: any thread may increment them without locks; reads are relaxed
// snapshots, which is what a scraper expects.
#pragma once
#include <atomic>
#include <cstdint>
#include <string>

namespace sensorpipe::web {

struct Metrics {
  std::atomic<std::uint64_t> lines_in{0};          // readings read from stdin and accepted
  std::atomic<std::uint64_t> bad_lines{0};         // stdin lines rejected as bad input
  std::atomic<std::uint64_t> ws_messages_out{0};   // readings queued to WebSocket clients
  std::atomic<std::uint64_t> sse_messages_out{0};  // readings queued to SSE clients
  std::atomic<std::uint64_t> dropped_messages{0};  // readings a slow client did not get
  std::atomic<std::uint64_t> dropped_clients{0};   // clients disconnected for being too slow
  std::atomic<std::uint64_t> client_messages{0};   // messages received from WebSocket clients
  std::atomic<std::uint64_t> client_errors{0};     // of those, rejected with an error reply
  std::atomic<std::uint64_t> commands{0};          // commands written to stdout
  std::atomic<std::uint64_t> commands_dropped{0};  // commands refused because stdout was backed up
  std::atomic<std::uint64_t> refused{0};           // requests refused (token, origin, limits)
  std::atomic<std::uint64_t> http_requests{0};
  std::atomic<std::uint64_t> ws_clients{0};        // current
  std::atomic<std::uint64_t> sse_clients{0};       // current
  std::atomic<std::uint64_t> ws_connections_total{0};
  std::atomic<std::uint64_t> sse_connections_total{0};

  std::string render() const;
};

}  // namespace sensorpipe::web
