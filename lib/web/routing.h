// ws-serve's request decisions as pure functions: which endpoint a request is for, whether
// it needs the token, and whether a new streaming client (WebSocket or SSE) is admitted.
//
// No I/O and no state: the server gathers the facts, these decide. Thread-safe.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sensorpipe::web {

enum class Route {
  MethodNotAllowed,  // anything but GET and HEAD
  Health,            // /healthz
  Metrics,           // /metrics
  Events,            // /events (SSE)
  Sensors,           // /api/sensors
  History,           // /api/history
  Config,            // /api/config (the dashboard's tariffs and currency)
  WebSocketOnly,     // /ws without an upgrade
  Static,            // everything else: a file of the dashboard, or 404
};

// The endpoint of a plain HTTP request (`path` as in Target::path).
Route route_request(std::string_view method, std::string_view path);

// Whether a request for `path` must carry the token (when one is set): the data endpoints
// (/metrics, /events, /api/...), never the dashboard's files or /healthz; a WebSocket
// handshake is checked by admission().
bool needs_token(std::string_view path);

// What the server knows when a WebSocket handshake or an SSE request asks to stream.
struct AdmissionRequest {
  bool token_ok = true;
  bool origin_ok = true;
  std::string origin;             // the Origin header, for the reason
  std::size_t clients = 0;        // streaming clients now, counting handshakes already admitted
  std::size_t max_clients = 0;
  bool stopping = false;
};

struct Refusal {
  int status = 0;  // HTTP status of the refusal
  std::string reason;
};

// nullopt: admit. Otherwise the status and reason of the refusal, checked in this order:
// token (401), origin (403), shutting down (503), client limit (503).
std::optional<Refusal> admission(const AdmissionRequest& request);

}  // namespace sensorpipe::web
