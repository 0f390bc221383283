// ws-serve: broadcasts the readings on stdin to browsers and scripts (WebSocket /ws,
// Server-Sent Events /events), serves the dashboard and the history API on the same
// port, and writes the commands that clients send as JSON lines on stdout, so that
//   ... | db-store -d home.db | ws-serve -d home.db | mqtt-publish --topic '{target}'
// closes the loop from sensors to browser and back.
//
// Threads: this main thread reads stdin (it never touches the network); the server
// runs its own network and API threads; commands are written by a writer thread, which
// also notices at once when stdout is closed and then stops the program.
#include <poll.h>
#include <unistd.h>

#include <iostream>

#include "cli/db_options.h"
#include "cli/tool.h"
#include "cli/values.h"
#include "core/errors.h"
#include "core/stop_request.h"
#include "sensorpipe/version.h"
#include "web/command_output.h"
#include "web/history_db.h"
#include "web/server.h"
#include "web/static_files.h"

using namespace sensorpipe;

namespace {

struct Options {
  std::string listen = "127.0.0.1:8080";
  cli::DbOptions db;
  std::string www;
  std::string token_file;
  std::string cert, key;
  std::vector<std::string> allow_origin;
  std::vector<std::string> allow_target;
  std::vector<std::string> tariffs;
  std::string currency = "EUR";
  std::size_t max_clients = 1024;
  std::size_t max_message_size = 64 << 10;
  std::size_t client_queue = 8 << 20;
  std::string slow = "drop";
  std::size_t history_points = 500000;
  std::size_t max_points = 2000;
  std::uint64_t max_rows = 1'000'000;
  TimeMs keepalive = 15000;
  bool exit_on_eof = false;
  cli::InputOptions input;
};

// Reads readings until EOF (or a stop request) and hands each to the server.
void pump_stdin(const Options& opts, web::Server& server, web::Metrics& metrics, Diagnostics& diag) {
  LineReader reader(0, opts.input.max_line_bytes);
  ReadingParser parser;
  Reading reading;
  std::string error;
  for (;;) {
    switch (reader.next()) {
      case LineReader::Status::Line:
        if (parser.parse(reader.line(), now_ms(), reading, error)) {
          server.publish(reading);
        } else {
          metrics.bad_lines.fetch_add(1, std::memory_order_relaxed);
          diag.bad_line(reader.line_number(), error);
        }
        continue;
      case LineReader::Status::TooLong:
        metrics.bad_lines.fetch_add(1, std::memory_order_relaxed);
        diag.bad_line(reader.line_number(), "line longer than " + std::to_string(reader.max_line_bytes()) + " bytes");
        continue;
      case LineReader::Status::Timeout:
        continue;
      case LineReader::Status::Stopped:
        return;
      case LineReader::Status::Eof:
        if (opts.exit_on_eof) return;
        // Keep serving what came in until told to stop.
        while (!stop_requested()) {
          pollfd pfd{stop_fd(), POLLIN, 0};
          ::poll(&pfd, 1, 1000);
        }
        return;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  cli::Tool tool("ws-serve", "Broadcast readings to browsers (WebSocket, SSE, dashboard); commands back to stdout",
                 web::web_library_versions());
  Options opts;
  auto& app = tool.app();
  app.add_option("-l,--listen", opts.listen, "Address and port to serve on (0.0.0.0:PORT for every interface)")
      ->type_name("ADDR")
      ->capture_default_str();
  cli::add_db_options(app, opts.db, "Database for /api/history and /api/sensors (read-only)");
  app.add_option("--www", opts.www, "Directory of the dashboard (default: ../share/sensorpipe/www from the binary)")
      ->type_name("DIR");
  app.add_option("--token-file", opts.token_file, "Require the token in this file (Bearer header or ?token=)")
      ->type_name("FILE");
  app.add_option("--cert", opts.cert, "TLS certificate chain (PEM): serve https and wss")->type_name("FILE");
  app.add_option("--key", opts.key, "TLS private key (PEM) for --cert")->type_name("FILE");
  app.add_option("--allow-origin", opts.allow_origin, "Browser origin allowed besides the page's own ('*' = any)")
      ->type_name("ORIGIN");
  app.add_option("--allow-target", opts.allow_target, "Accept commands only for targets matching this pattern")
      ->type_name("PATTERN");
  app.add_option("--max-clients", opts.max_clients, "Most WebSocket and SSE clients at once")
      ->type_name("N")
      ->capture_default_str();
  cli::add_size_option(app, "--max-message-size", opts.max_message_size, "Largest message a client may send")
      ->default_str("64k");
  cli::add_size_option(app, "--client-queue", opts.client_queue, "Bytes that may wait for one client before it is slow")
      ->default_str("8M");
  app.add_option("--slow", opts.slow, "What to do with a slow client: drop it, or skip readings for it")
      ->type_name("MODE")
      ->check(CLI::IsMember({"drop", "skip"}))
      ->capture_default_str();
  app.add_option("--history-points", opts.history_points, "Readings kept in memory for /api/history without -d")
      ->type_name("N")
      ->capture_default_str();
  app.add_option("--max-points", opts.max_points, "Points per series in /api/history before the server buckets")
      ->type_name("N")
      ->capture_default_str();
  app.add_option("--max-rows", opts.max_rows, "Points in one /api/history answer, all series together; more are cut (truncated)")
      ->type_name("N")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--tariff", opts.tariffs,
                 "Price of energy or water for the dashboard's costs: PRICE/UNIT, e.g. 0.30/kWh, 2.5/m3 (repeatable)")
      ->type_name("PRICE/UNIT");
  app.add_option("--currency", opts.currency, "ISO 4217 code the dashboard shows prices in (e.g. EUR, USD, CHF)")
      ->type_name("CODE")
      ->capture_default_str();
  cli::add_duration_option(app, "--keepalive", opts.keepalive, "Interval of SSE keep-alive comments (default 15s)");
  app.add_flag("--exit-on-eof", opts.exit_on_eof, "Stop when stdin ends (default: keep serving)");
  cli::add_input_options(app, opts.input, false);
  if (auto status = tool.parse(argc, argv)) return *status;

  return tool.run([&] {
    Diagnostics& diag = tool.diag();
    diag.set_strict(opts.input.strict);
    web::ServerOptions so;
    if (!web::parse_listen(opts.listen, so.host, so.port))
      throw UsageError("--listen: expected HOST:PORT such as 127.0.0.1:8080, got \"" + opts.listen + "\"");
    so.max_message_size = opts.max_message_size;
    so.client_queue_bytes = opts.client_queue;
    if (opts.max_clients == 0) throw UsageError("--max-clients: must be at least 1");
    so.max_clients = opts.max_clients;
    so.slow = opts.slow == "skip" ? web::SlowPolicy::Skip : web::SlowPolicy::Drop;
    so.max_points = opts.max_points;
    so.max_rows = opts.max_rows;
    so.keepalive_ms = std::max<TimeMs>(opts.keepalive, 100);
    so.allowed_origins = opts.allow_origin;
    so.commands.allowed_targets = opts.allow_target;
    so.version = SENSORPIPE_VERSION;
    for (const auto& text : opts.tariffs) {
      std::string reason;
      auto tariff = web::parse_tariff(text, reason);
      if (!tariff) throw UsageError("--tariff: " + reason + ", got \"" + text + "\"");
      for (const auto& t : so.dashboard.tariffs) {
        if (t.quantity == tariff->quantity)
          throw UsageError("--tariff: one price per quantity (\"" + text + "\" is a second " +
                           (t.quantity == web::Tariff::Quantity::Energy ? "energy" : "water") + " tariff)");
      }
      so.dashboard.tariffs.push_back(*tariff);
    }
    if (!web::valid_currency(opts.currency))
      throw UsageError("--currency: expected an ISO 4217 code such as EUR or USD, got \"" + opts.currency + "\"");
    so.dashboard.currency = opts.currency;
    if (!opts.token_file.empty()) so.token = cli::read_secret_file(opts.token_file, "--token-file");
    if (opts.cert.empty() != opts.key.empty()) throw UsageError("--cert and --key go together");
    so.cert_file = opts.cert;
    so.key_file = opts.key;
    so.www_root = opts.www.empty() ? web::default_www_root() : opts.www;
    if (so.www_root.empty()) diag.warning("no dashboard found next to the binary; use --www DIR (serving the API only)");

    std::unique_ptr<web::HistorySource> database;
    if (!opts.db.location.empty()) {
      std::string not_ready;
      // A PostgreSQL server that is stopped, slow or away never holds up SIGINT/SIGTERM.
      database = web::open_database_history(opts.db.location, &not_ready,
                                            Interrupt{[] { return stop_requested(); }, stop_fd()});
      if (!not_ready.empty()) diag.info(not_ready + "; history will be served once it exists");
    }

    web::Metrics metrics;
    web::MemoryHistory recent(opts.history_points);
    // A closed stdout ends ws-serve quietly and at once, like every program of the toolkit
    // (a supervisor then restarts the pipeline); commands it could not write are answered
    // to their clients with an error.
    web::CommandOutput commands(
        1, 1024, [] { request_stop(); }, [&](const std::string& e) { diag.error("writing commands: " + e); });
    web::Server server(
        so, metrics, recent, std::move(database),
        [&](const std::string& line, web::Server::CommandDone done) { commands.offer(line, std::move(done)); },
        [&](const std::string& message) { diag.info(message); });
    // The writer answers commands through the server: it must finish while the server
    // exists, also when an error (--strict) unwinds this scope.
    struct FinishCommands {
      web::CommandOutput& commands;
      ~FinishCommands() { commands.finish(); }
    } finish_commands{commands};
    server.start();
    const std::string shown_host = so.host.find(':') != std::string::npos ? "[" + so.host + "]" : so.host;
    const char* scheme = so.cert_file.empty() ? "http" : "https";
    diag.info(std::string("serving ") + scheme + "://" + shown_host + ":" + std::to_string(server.port()) +
              "/ (WebSocket /ws, SSE /events)");
    pump_stdin(opts, server, metrics, diag);
    // However the pump ended (a signal, or --exit-on-eof at the end of input), the process is
    // stopping: a history request waiting on a PostgreSQL server must not hold that up.
    request_stop();
    server.stop();
    commands.finish();  // while the server still exists: the last answers are posted to it
    diag.summary();
    return 0;
  });
}
