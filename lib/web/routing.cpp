// Request decisions of ws-serve (see routing.h).
#include "web/routing.h"

namespace sensorpipe::web {

Route route_request(std::string_view method, std::string_view path) {
  if (method != "GET" && method != "HEAD") return Route::MethodNotAllowed;
  if (path == "/healthz") return Route::Health;
  if (path == "/metrics") return Route::Metrics;
  if (path == "/events") return Route::Events;
  if (path == "/api/sensors") return Route::Sensors;
  if (path == "/api/history") return Route::History;
  if (path == "/api/config") return Route::Config;
  if (path == "/ws") return Route::WebSocketOnly;
  return Route::Static;
}

bool needs_token(std::string_view path) {
  return path == "/metrics" || path == "/events" || path.compare(0, 5, "/api/") == 0;
}

std::optional<Refusal> admission(const AdmissionRequest& r) {
  if (!r.token_ok) return Refusal{401, "missing or wrong token"};
  if (!r.origin_ok) return Refusal{403, "origin " + r.origin + " is not allowed"};
  if (r.stopping) return Refusal{503, "shutting down"};
  if (r.clients >= r.max_clients)
    return Refusal{503, "too many clients (--max-clients " + std::to_string(r.max_clients) + ")"};
  return std::nullopt;
}

}  // namespace sensorpipe::web
