// Prometheus rendering of the counters (see metrics.h).
#include "web/metrics.h"

namespace sensorpipe::web {

namespace {
void metric(std::string& out, const char* name, const char* type, const char* help, const char* labels,
            std::uint64_t value, bool header = true) {
  if (header) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
  }
  out += name;
  out += labels;
  out += ' ';
  out += std::to_string(value);
  out += '\n';
}
std::uint64_t get(const std::atomic<std::uint64_t>& a) { return a.load(std::memory_order_relaxed); }
}  // namespace

std::string Metrics::render() const {
  std::string out;
  metric(out, "sensorpipe_ws_serve_clients", "gauge", "Connected clients by kind.", "{kind=\"websocket\"}",
         get(ws_clients));
  metric(out, "sensorpipe_ws_serve_clients", "gauge", "", "{kind=\"sse\"}", get(sse_clients), false);
  metric(out, "sensorpipe_ws_serve_connections_total", "counter", "Clients accepted since start, by kind.",
         "{kind=\"websocket\"}", get(ws_connections_total));
  metric(out, "sensorpipe_ws_serve_connections_total", "counter", "", "{kind=\"sse\"}", get(sse_connections_total),
         false);
  metric(out, "sensorpipe_ws_serve_messages_in_total", "counter", "Readings read from stdin.", "", get(lines_in));
  metric(out, "sensorpipe_ws_serve_bad_lines_total", "counter", "Stdin lines rejected as bad input.", "",
         get(bad_lines));
  metric(out, "sensorpipe_ws_serve_messages_out_total", "counter", "Readings queued to clients, by kind.",
         "{kind=\"websocket\"}", get(ws_messages_out));
  metric(out, "sensorpipe_ws_serve_messages_out_total", "counter", "", "{kind=\"sse\"}", get(sse_messages_out),
         false);
  metric(out, "sensorpipe_ws_serve_dropped_messages_total", "counter",
         "Readings not delivered because a client's queue was full.", "", get(dropped_messages));
  metric(out, "sensorpipe_ws_serve_dropped_clients_total", "counter", "Clients disconnected for being too slow.", "",
         get(dropped_clients));
  metric(out, "sensorpipe_ws_serve_client_messages_total", "counter", "Messages received from WebSocket clients.",
         "", get(client_messages));
  metric(out, "sensorpipe_ws_serve_client_errors_total", "counter", "Client messages answered with an error.", "",
         get(client_errors));
  metric(out, "sensorpipe_ws_serve_commands_total", "counter", "Commands written to stdout.", "", get(commands));
  metric(out, "sensorpipe_ws_serve_commands_dropped_total", "counter",
         "Commands refused because stdout was not being read.", "", get(commands_dropped));
  metric(out, "sensorpipe_ws_serve_refused_total", "counter", "Requests refused (token, origin, limits).", "",
         get(refused));
  metric(out, "sensorpipe_ws_serve_http_requests_total", "counter", "HTTP requests answered.", "",
         get(http_requests));
  return out;
}

}  // namespace sensorpipe::web
