// ws-serve's server: one port for the dashboard, the HTTP API, WebSocket (/ws) and
// Server-Sent Events (/events) broadcast of readings, and commands from clients.
//
// Threads: the network runs on one I/O thread inside the server; API queries on one
// worker thread (the database reader lives there); the caller feeds readings with
// publish() from its own thread. publish() never blocks on the network: it appends
// to a batch that the I/O thread turns into frames shared by every client. Each
// client's queue is bounded (ServerOptions::client_queue_bytes); a client that
// falls behind is dropped (or skipped) and counted in Metrics. Commands go to the
// CommandSink on the I/O thread; the sink must not block (see CommandOutput), and the
// client's acknowledgement waits until the sink reports the line written (answers to one
// client's messages keep their order). --max-clients counts WebSocket handshakes from the
// moment they are admitted, so it holds however many arrive at once.
// The plain C++ parts are in broadcast.h (framing, chunks, replay), routing.h (endpoints,
// admission) and job_queue.h (the API worker).
// Errors at start (address in use, bad TLS files) throw RuntimeError; a certificate
// without a key (or the reverse) throws UsageError.
// The websocketpp machinery is confined to server.cpp (it is costly to compile).
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/library_versions.h"
#include "core/reading.h"
#include "web/client_message.h"
#include "web/history.h"
#include "web/memory_history.h"
#include "web/metrics.h"
#include "web/tariff.h"

namespace sensorpipe::web {

enum class SlowPolicy { Drop, Skip };

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 = any free port (see Server::port())
  std::string www_root;       // empty: no static files (404)
  std::optional<std::string> token;
  std::vector<std::string> allowed_origins;
  std::size_t max_clients = 1024;             // WebSocket + SSE together
  std::size_t max_message_size = 64 * 1024;   // largest client message; larger closes with 1009
  std::size_t client_queue_bytes = 8 << 20;   // bytes waiting per client before it counts as slow
  SlowPolicy slow = SlowPolicy::Drop;
  std::size_t max_points = 2000;              // per series in /api/history before the server buckets
  std::uint64_t max_rows = 1'000'000;         // points in one /api/history answer; more are cut
  std::int64_t keepalive_ms = 15000;          // SSE comment interval
  std::string version = "0";                  // for the hello message
  std::string cert_file, key_file;            // both set: TLS (https, wss) with this PEM chain and key
  CommandPolicy commands;
  DashboardConfig dashboard;                  // served as /api/config
};

// websocketpp and Boost versions, for --version.
LibraryVersions web_library_versions();

// "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:80", "localhost:8080", ":8080" (loopback).
bool parse_listen(std::string_view text, std::string& host, std::uint16_t& port);

class Server {
 public:
  // Called exactly once per command line, from any thread: written, or not with the reason.
  using CommandDone = std::function<void(bool written, const std::string& reason)>;
  // Takes a command line for stdout; must not block; calls `done` when it knows the outcome.
  using CommandSink = std::function<void(const std::string& line, CommandDone done)>;
  // Receives one-line notes for stderr (refusals, dropped clients); called from server threads.
  using Logger = std::function<void(const std::string& message)>;

  Server(ServerOptions options, Metrics& metrics, MemoryHistory& recent, std::unique_ptr<HistorySource> database,
         CommandSink sink, Logger log);
  ~Server();  // stops if still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void start();                  // binds and starts the threads; throws RuntimeError
  std::uint16_t port() const;    // the bound port
  void publish(const Reading& r);  // any thread; never blocks on the network
  void stop();                   // closes every client (WebSocket close 1001) and joins the threads

  struct Impl;  // in server.cpp (plain and TLS variants)

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace sensorpipe::web
