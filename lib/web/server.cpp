// The server (see server.h): the one translation unit that includes websocketpp.
//
// Broadcast design: the stdin thread appends readings to `pending_`; the I/O thread
// swaps the batch out and encodes it ONCE per distinct subscription into chunks of
// ready-made WebSocket frames (several frames per chunk), wrapped as websocketpp
// "prepared" messages. Every client's send queue then holds pointers to the same
// chunks, so memory grows with the data, not with data x clients, and a batch costs
// one write per client instead of one per reading. SSE clients get the same treatment
// with text/event-stream framing written to the raw socket (websocketpp has no
// streaming HTTP responses; see deps.md section 5).
#include "web/server.h"

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <type_traits>

#include <websocketpp/config/asio.hpp>
#include <websocketpp/server.hpp>
#include <websocketpp/version.hpp>
#include <boost/version.hpp>

#include "core/errors.h"
#include "web/api.h"
#include "web/broadcast.h"
#include "web/http.h"
#include "web/job_queue.h"
#include "web/routing.h"
#include "web/static_files.h"

namespace sensorpipe::web {

namespace {

// websocketpp's asio configs (plain and TLS) with a smaller read buffer (clients send
// little, and 10,000 idle connections should not cost 160 MiB of buffers) and logging
// compiled out. The server below is a template over these two.
struct PlainConfig : websocketpp::config::asio {
  static const std::size_t connection_read_buffer_size = 2048;
  static const websocketpp::log::level elog_level = websocketpp::log::elevel::none;
  static const websocketpp::log::level alog_level = websocketpp::log::alevel::none;
};
struct TlsConfig : websocketpp::config::asio_tls {
  static const std::size_t connection_read_buffer_size = 2048;
  static const websocketpp::log::level elog_level = websocketpp::log::elevel::none;
  static const websocketpp::log::level alog_level = websocketpp::log::alevel::none;
};
// Both configs share websocketpp's core message type, so prepared chunks are config-free.
using Message = websocketpp::config::core::message_type;
using MessagePtr = Message::ptr;
namespace net = websocketpp::lib::asio;
using websocketpp::connection_hdl;

constexpr std::size_t kChunkBytes = 256 * 1024;        // frames per prepared message, at most about this
constexpr std::size_t kMaxPendingBytes = 64 << 20;     // stdin outruns the I/O thread: drop beyond this
constexpr std::size_t kReplayItems = 4096;             // SSE Last-Event-ID catch-up window

struct WsChunk {
  MessagePtr msg;
  std::size_t count = 0;
  std::size_t bytes = 0;
};
struct SseChunk {
  std::shared_ptr<const std::string> text;
  std::size_t count = 0;
};

// Answers to one client's messages go out in the order the messages came, although a
// command's answer waits for its line to be written: a slot per message, sent from the front.
using ReplySlot = std::shared_ptr<std::optional<std::string>>;

template <class ConPtr>
struct WsClient {
  ConPtr con;
  std::string id;
  std::vector<std::string> patterns;
  std::string key;  // subscription_key(patterns): clients with equal keys share chunks
  bool dropped = false;
  std::deque<ReplySlot> replies;  // answers not yet sent, in message order
};

template <class ConPtr>
struct SseClient {
  ConPtr con;
  std::string id;
  std::vector<std::string> patterns;
  std::string key;
  std::deque<std::shared_ptr<const std::string>> queue;
  std::size_t queued_bytes = 0;
  std::vector<std::shared_ptr<const std::string>> writing;  // the buffers of the write in flight
  bool closed = false;
  char read_buf[256];
};

}  // namespace

LibraryVersions web_library_versions() {
  LibraryVersions v = core_library_versions();
  v.emplace_back("websocketpp", std::to_string(websocketpp::major_version) + "." +
                                    std::to_string(websocketpp::minor_version) + "." +
                                    std::to_string(websocketpp::patch_version));
  v.emplace_back("Boost", std::to_string(BOOST_VERSION / 100000) + "." + std::to_string(BOOST_VERSION / 100 % 1000) +
                              "." + std::to_string(BOOST_VERSION % 100));
  return v;
}

bool parse_listen(std::string_view text, std::string& host, std::uint16_t& port) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string_view h = text.substr(0, colon), p = text.substr(colon + 1);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (h.empty() || h == "localhost") h = "127.0.0.1";
  if (p.empty() || p.size() > 5) return false;
  unsigned value = 0;
  for (char c : p) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 65535) return false;
  net::error_code ec;
  net::ip::make_address(std::string(h), ec);
  if (ec) return false;
  host = std::string(h);
  port = static_cast<std::uint16_t>(value);
  return true;
}

struct Server::Impl {
  virtual ~Impl() = default;
  virtual void start() = 0;
  virtual void stop() = 0;
  virtual void publish(const Reading& r) = 0;
  virtual std::uint16_t port() const = 0;
};

namespace {

template <class Cfg>
struct ServerImpl final : Server::Impl {
  using WsServer = websocketpp::server<Cfg>;
  using ConPtr = typename WsServer::connection_ptr;
  using WsClientT = WsClient<ConPtr>;
  using SseClientT = SseClient<ConPtr>;

  ServerOptions opts;
  Metrics& metrics;
  MemoryHistory& recent;
  std::unique_ptr<HistorySource> database;
  Server::CommandSink sink;
  Server::Logger log;
  std::optional<StaticFiles> files;

  WsServer srv;
  std::thread io_thread;
  std::uint16_t bound_port = 0;
  std::unique_ptr<net::steady_timer> keepalive;
  bool running = false;
  // Set first thing in stop(), read by the API worker between rows: a long history query
  // ends there instead of holding the shutdown (stop() joins the worker).
  std::atomic<bool> shutting_down{false};

  // Fed by publish() on the stdin thread.
  std::mutex pending_mutex;
  std::vector<Item> pending;
  std::size_t pending_bytes = 0;
  bool flush_posted = false;
  std::uint64_t next_seq = 1;

  // I/O thread only.
  std::map<void*, WsClientT> ws_clients;
  std::map<void*, std::shared_ptr<SseClientT>> sse_clients;
  // WebSocket handshakes admitted by on_validate but not yet open: they count against
  // --max-clients, or a burst of simultaneous handshakes all pass the check.
  std::set<void*> admitted;
  ReplayWindow replay{kReplayItems};
  std::uint64_t next_client = 1;
  bool stopping = false;

  // API queries, on a worker thread of their own (created at start).
  std::unique_ptr<JobQueue> jobs;

  ServerImpl(ServerOptions o, Metrics& m, MemoryHistory& r, std::unique_ptr<HistorySource> db, Server::CommandSink s,
             Server::Logger l)
      : opts(std::move(o)), metrics(m), recent(r), database(std::move(db)), sink(std::move(s)), log(std::move(l)) {}

  std::size_t client_count() const { return ws_clients.size() + sse_clients.size() + admitted.size(); }
  void init_tls();  // specialised below: nothing for plain, the certificate for TLS

  // ---- one HTTP request and its answer, whoever carries it ---------------------------
  // websocketpp (a WebSocket handshake, SSE, every request over TLS) or, for plain HTTP,
  // the server's own keep-alive connections (see "plain HTTP" below).
  struct Exchange {
    virtual ~Exchange() = default;
    virtual std::string method() const = 0;
    virtual std::string resource() const = 0;
    virtual std::string header(const std::string& name) const = 0;
    virtual std::string remote() const = 0;
    virtual void set_status(int status) = 0;
    virtual void set_header(const std::string& name, const std::string& value) = 0;
    virtual void set_body(std::string body) = 0;
    virtual void defer() = 0;  // the answer is completed later, then send() (I/O thread)
    virtual void send() = 0;
    virtual ConPtr connection() const { return nullptr; }  // websocketpp's, when it carries it
  };
  struct WsppExchange final : Exchange {
    ConPtr con;
    explicit WsppExchange(ConPtr c) : con(std::move(c)) {}
    std::string method() const override { return con->get_request().get_method(); }
    std::string resource() const override { return con->get_resource(); }
    std::string header(const std::string& name) const override { return con->get_request_header(name); }
    std::string remote() const override { return con->get_remote_endpoint(); }
    void set_status(int status) override {
      con->set_status(static_cast<websocketpp::http::status_code::value>(status));
    }
    void set_header(const std::string& name, const std::string& value) override { con->replace_header(name, value); }
    void set_body(std::string body) override { con->set_body(std::move(body)); }
    void defer() override { con->defer_http_response(); }
    void send() override {
      websocketpp::lib::error_code ec;
      con->send_http_response(ec);
    }
    ConPtr connection() const override { return con; }
  };

  // ---- refusals -----------------------------------------------------------------
  void refuse(Exchange& ex, int status, const std::string& what, const std::string& reason) {
    metrics.refused.fetch_add(1, std::memory_order_relaxed);
    log("refused " + what + " from " + ex.remote() + ": " + reason + " (" + std::to_string(status) + ")");
    ex.set_status(status);
    ex.set_header("Content-Type", "application/json");
    ex.set_body(error_reply(status, reason).body + "\n");
  }
  void refuse(const ConPtr& con, int status, const std::string& what, const std::string& reason) {
    WsppExchange ex(con);
    refuse(ex, status, what, reason);
  }

  bool authorized(const std::string& authorization, const Target& target) {
    if (!opts.token) return true;
    return constant_time_equal(request_token(authorization, target), *opts.token);
  }

  // Checks shared by /ws and /events; false after filling in a refusal.
  bool admit(const ConPtr& con, const Target& target, const char* what) {
    AdmissionRequest r;
    r.token_ok = authorized(con->get_request_header("Authorization"), target);
    r.origin = con->get_request_header("Origin");
    r.origin_ok = origin_allowed(r.origin, con->get_request_header("Host"), opts.allowed_origins);
    r.clients = client_count();
    r.max_clients = opts.max_clients;
    r.stopping = stopping;
    const auto refusal = admission(r);
    if (!refusal) return true;
    refuse(con, refusal->status, what, refusal->reason);
    if (refusal->status == 401) con->replace_header("WWW-Authenticate", "Bearer");
    return false;
  }

  // ---- WebSocket ------------------------------------------------------------------
  bool on_validate(connection_hdl hdl) {
    ConPtr con = srv.get_con_from_hdl(hdl);
    Target target = parse_target(con->get_resource());
    if (target.path != "/ws") {
      refuse(con, 404, "websocket", "no WebSocket endpoint at " + target.path + " (use /ws)");
      return false;
    }
    if (!admit(con, target, "websocket")) return false;
    admitted.insert(con.get());
    return true;
  }

  void on_open(connection_hdl hdl) {
    ConPtr con = srv.get_con_from_hdl(hdl);
    admitted.erase(con.get());
    WsClientT c;
    c.con = con;
    c.id = "ws-" + std::to_string(next_client++);
    Target target = parse_target(con->get_resource());
    c.patterns = target.params_of("sensor");  // /ws?sensor=home/# subscribes at connect time
    c.key = subscription_key(c.patterns);
    con->send(hello_message(c.id, opts.version), websocketpp::frame::opcode::text);
    ws_clients.emplace(con.get(), std::move(c));
    metrics.ws_clients.store(ws_clients.size(), std::memory_order_relaxed);
    metrics.ws_connections_total.fetch_add(1, std::memory_order_relaxed);
  }

  void on_close(connection_hdl hdl) {
    ConPtr con = srv.get_con_from_hdl(hdl);
    admitted.erase(con.get());  // a handshake that failed after it was admitted
    ws_clients.erase(con.get());
    metrics.ws_clients.store(ws_clients.size(), std::memory_order_relaxed);
  }

  void reply(WsClientT& c, const std::string& text) {
    c.replies.push_back(std::make_shared<std::optional<std::string>>(text));
    send_replies(c);
  }

  // Sends the answers at the front that are ready; one still waiting holds back those behind it.
  void send_replies(WsClientT& c) {
    while (!c.replies.empty() && c.replies.front()->has_value()) {
      websocketpp::lib::error_code ec;
      srv.send(c.con->get_handle(), **c.replies.front(), websocketpp::frame::opcode::text, ec);
      c.replies.pop_front();
    }
  }

  // A command is acknowledged only once its line is written to stdout; one that cannot be
  // written is answered with an error (never acknowledged, then lost).
  void send_command(WsClientT& c, const ClientMessage& m) {
    auto slot = std::make_shared<std::optional<std::string>>();
    c.replies.push_back(slot);
    std::weak_ptr<void> weak = c.con->get_handle();
    sink(m.line, [this, slot, weak, target = m.target](bool written, const std::string& why) {
      // Any thread (the writer's, or this one when refused at once): answer on the I/O thread.
      net::post(srv.get_io_service(), [this, slot, weak, target, written, why] {
        if (written) {
          metrics.commands.fetch_add(1, std::memory_order_relaxed);
          *slot = ack_message(target);
        } else {
          metrics.commands_dropped.fetch_add(1, std::memory_order_relaxed);
          metrics.client_errors.fetch_add(1, std::memory_order_relaxed);
          *slot = error_message("command not sent: " + why);
        }
        auto alive = weak.lock();
        if (!alive) return;
        auto it = ws_clients.find(alive.get());
        if (it != ws_clients.end()) send_replies(it->second);
      });
    });
  }

  void on_message(connection_hdl hdl, typename WsServer::message_ptr msg) {
    ConPtr con = srv.get_con_from_hdl(hdl);
    auto it = ws_clients.find(con.get());
    if (it == ws_clients.end()) return;
    WsClientT& c = it->second;
    metrics.client_messages.fetch_add(1, std::memory_order_relaxed);
    auto fail = [&](const std::string& why) {
      metrics.client_errors.fetch_add(1, std::memory_order_relaxed);
      reply(c, error_message(why));
    };
    if (msg->get_opcode() != websocketpp::frame::opcode::text) return fail("expected a text message with JSON");
    ClientMessage m;
    std::string error;
    if (!parse_client_message(msg->get_payload(), c.id, now_ms(), opts.commands, m, error)) return fail(error);
    switch (m.kind) {
      case ClientMessage::Kind::Subscribe:
        for (auto& p : m.patterns) {
          if (std::find(c.patterns.begin(), c.patterns.end(), p) == c.patterns.end()) c.patterns.push_back(p);
        }
        break;
      case ClientMessage::Kind::Unsubscribe:
        for (const auto& p : m.patterns) c.patterns.erase(std::remove(c.patterns.begin(), c.patterns.end(), p), c.patterns.end());
        break;
      case ClientMessage::Kind::UnsubscribeAll:
        c.patterns.clear();
        break;
      case ClientMessage::Kind::Command:
        return send_command(c, m);
    }
    if (c.patterns.size() > 256) c.patterns.resize(256);
    c.key = subscription_key(c.patterns);
    reply(c, subscribed_message(c.patterns));
  }

  // ---- broadcast --------------------------------------------------------------------
  void flush() {
    std::vector<Item> batch;
    {
      std::lock_guard lock(pending_mutex);
      batch.swap(pending);
      pending_bytes = 0;
      flush_posted = false;
    }
    if (batch.empty()) return;
    std::map<std::string, std::vector<WsChunk>> ws_chunks;
    std::map<std::string, std::vector<SseChunk>> sse_chunks;
    // Encoded once per distinct subscription, shared by every client that has it.
    auto build_ws = [&](const WsClientT& c) -> const std::vector<WsChunk>& {
      auto found = ws_chunks.find(c.key);
      if (found != ws_chunks.end()) return found->second;
      std::vector<WsChunk>& chunks = ws_chunks[c.key];
      for (auto& chunk : encode_chunks(batch, c.patterns, Framing::WebSocket, kChunkBytes)) {
        WsChunk w;
        w.msg = std::make_shared<Message>(Message::con_msg_man_ptr(), websocketpp::frame::opcode::text, 0);
        w.msg->set_prepared(true);  // ready-made frames: websocketpp writes the bytes as they are
        w.bytes = chunk.bytes.size();
        w.count = chunk.count;
        w.msg->get_raw_payload() = std::move(chunk.bytes);
        chunks.push_back(std::move(w));
      }
      return chunks;
    };
    auto build_sse = [&](const SseClientT& c) -> const std::vector<SseChunk>& {
      auto found = sse_chunks.find(c.key);
      if (found != sse_chunks.end()) return found->second;
      std::vector<SseChunk>& chunks = sse_chunks[c.key];
      for (auto& chunk : encode_chunks(batch, c.patterns, Framing::Sse, kChunkBytes))
        chunks.push_back({std::make_shared<const std::string>(std::move(chunk.bytes)), chunk.count});
      return chunks;
    };

    std::vector<ConPtr> to_drop;
    for (auto& [key, c] : ws_clients) {
      if (c.dropped) continue;
      const auto& chunks = build_ws(c);
      for (const auto& chunk : chunks) {
        if (c.con->get_buffered_amount() + chunk.bytes > opts.client_queue_bytes) {
          metrics.dropped_messages.fetch_add(chunk.count, std::memory_order_relaxed);
          if (opts.slow == SlowPolicy::Drop) {
            c.dropped = true;
            to_drop.push_back(c.con);
            break;
          }
          continue;
        }
        if (!c.con->send(chunk.msg)) metrics.ws_messages_out.fetch_add(chunk.count, std::memory_order_relaxed);
      }
    }
    for (auto& con : to_drop) drop_ws(con);
    for (auto& [key, c] : sse_clients) {
      if (c->closed) continue;
      for (const auto& chunk : build_sse(*c)) {
        if (!sse_enqueue(c, chunk.text, chunk.count)) break;
      }
    }
    for (auto& item : batch) replay.add(std::move(item));
  }

  void drop_ws(const ConPtr& con) {
    auto it = ws_clients.find(con.get());
    if (it == ws_clients.end()) return;
    metrics.dropped_clients.fetch_add(1, std::memory_order_relaxed);
    log("dropped " + it->second.id + " (" + con->get_remote_endpoint() + "): it did not keep up (queue over " +
        std::to_string(opts.client_queue_bytes) + " bytes)");
    // A close frame would wait behind the full queue; cut the connection instead.
    net::error_code ec;
    con->get_raw_socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
    con->get_raw_socket().close(ec);
  }

  // ---- SSE ---------------------------------------------------------------------------
  void start_sse(const ConPtr& con, const Target& target) {
    con->defer_http_response();
    auto c = std::make_shared<SseClientT>();
    c->con = con;
    c->id = "sse-" + std::to_string(next_client++);
    c->patterns = target.params_of("sensor");
    c->key = subscription_key(c->patterns);
    sse_clients.emplace(con.get(), c);
    metrics.sse_clients.store(sse_clients.size(), std::memory_order_relaxed);
    metrics.sse_connections_total.fetch_add(1, std::memory_order_relaxed);
    std::string head =
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
        "Connection: keep-alive\r\nX-Accel-Buffering: no\r\n\r\nretry: 2000\n\n";
    // EventSource reconnects with Last-Event-ID: resend what it missed, if still held.
    std::string last = con->get_request_header("Last-Event-ID");
    if (last.empty()) last = target.param("lastEventId").value_or("");
    std::size_t replayed = 0;
    if (!last.empty()) {
      replayed = replay.append_since(head, std::strtoull(last.c_str(), nullptr, 10), c->patterns);
    }
    sse_enqueue(c, std::make_shared<const std::string>(std::move(head)), replayed);
    sse_watch(c);
  }

  // Reads (and ignores) what the client sends, to notice at once when it goes away.
  void sse_watch(const std::shared_ptr<SseClientT>& c) {
    c->con->get_socket().async_read_some(net::buffer(c->read_buf), [this, c](const net::error_code& ec, std::size_t) {
      if (c->closed) return;
      if (ec) return sse_close(c);
      sse_watch(c);
    });
  }

  bool sse_enqueue(const std::shared_ptr<SseClientT>& c, std::shared_ptr<const std::string> text, std::size_t count) {
    if (c->queued_bytes + text->size() > opts.client_queue_bytes) {
      metrics.dropped_messages.fetch_add(count, std::memory_order_relaxed);
      if (opts.slow == SlowPolicy::Drop) {
        metrics.dropped_clients.fetch_add(1, std::memory_order_relaxed);
        log("dropped " + c->id + ": it did not keep up (queue over " + std::to_string(opts.client_queue_bytes) +
            " bytes)");
        sse_close(c);
        return false;
      }
      return true;
    }
    c->queued_bytes += text->size();
    c->queue.push_back(std::move(text));
    metrics.sse_messages_out.fetch_add(count, std::memory_order_relaxed);
    if (c->writing.empty()) sse_write(c);
    return true;
  }

  void sse_write(const std::shared_ptr<SseClientT>& c) {
    if (c->closed || c->queue.empty()) return;
    std::vector<net::const_buffer> buffers;
    while (!c->queue.empty() && buffers.size() < 64) {
      c->writing.push_back(std::move(c->queue.front()));
      c->queue.pop_front();
      buffers.emplace_back(net::buffer(*c->writing.back()));
    }
    net::async_write(c->con->get_socket(), buffers, [this, c](const net::error_code& ec, std::size_t) {
      for (const auto& w : c->writing) c->queued_bytes -= w->size();
      c->writing.clear();
      if (c->closed) return;
      if (ec) return sse_close(c);
      sse_write(c);
    });
  }

  void sse_close(const std::shared_ptr<SseClientT>& c) {
    if (c->closed) return;
    c->closed = true;
    net::error_code ec;
    c->con->get_raw_socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
    c->con->get_raw_socket().close(ec);
    sse_clients.erase(c->con.get());
    metrics.sse_clients.store(sse_clients.size(), std::memory_order_relaxed);
  }

  void schedule_keepalive() {
    keepalive->expires_after(std::chrono::milliseconds(opts.keepalive_ms));
    keepalive->async_wait([this](const net::error_code& ec) {
      if (ec || stopping) return;
      auto comment = std::make_shared<const std::string>(": keepalive\n\n");
      std::vector<std::shared_ptr<SseClientT>> clients;
      for (auto& [k, c] : sse_clients) clients.push_back(c);
      for (auto& c : clients) {
        if (!c->closed) sse_enqueue(c, comment, 0);
      }
      schedule_keepalive();
    });
  }

  // ---- HTTP ---------------------------------------------------------------------------
  void send_reply(Exchange& ex, const HttpReply& r) {
    ex.set_status(r.status);
    ex.set_header("Content-Type", r.content_type);
    ex.set_header("Cache-Control", "no-store");
    ex.set_body(r.body);
  }

  void on_http(connection_hdl hdl) { handle_http(std::make_shared<WsppExchange>(srv.get_con_from_hdl(hdl))); }

  void handle_http(const std::shared_ptr<Exchange>& ex) {
    metrics.http_requests.fetch_add(1, std::memory_order_relaxed);
    const std::string method = ex->method();
    Target target = parse_target(ex->resource());
    const std::string& path = target.path;
    const Route route = route_request(method, path);
    if (route == Route::MethodNotAllowed) {
      ex->set_header("Allow", "GET, HEAD");
      return send_reply(*ex, error_reply(405, "only GET and HEAD are supported"));
    }
    if (route == Route::Health) {
      HttpReply r;
      r.content_type = "text/plain; charset=utf-8";
      r.body = stopping ? "stopping\n" : "ok\n";
      r.status = stopping ? 503 : 200;
      return send_reply(*ex, r);
    }
    if (needs_token(path) && !authorized(ex->header("Authorization"), target)) {
      refuse(*ex, 401, path, "missing or wrong token");
      ex->set_header("WWW-Authenticate", "Bearer");
      return;
    }
    switch (route) {
      case Route::Metrics: {
        HttpReply r;
        r.content_type = "text/plain; version=0.0.4; charset=utf-8";
        r.body = metrics.render();
        return send_reply(*ex, r);
      }
      case Route::Events: {
        const ConPtr con = ex->connection();  // plain HTTP hands /events to websocketpp
        if (!con) return send_reply(*ex, error_reply(500, "event stream on the wrong connection"));
        if (!admit(con, target, "event stream")) return;
        return start_sse(con, target);
      }
      case Route::Config: {
        HttpReply r;
        r.body = config_json(opts.dashboard);
        return send_reply(*ex, r);
      }
      case Route::Sensors:
      case Route::History:
        ex->defer();
        jobs->push([this, ex, target, route] {
          HttpReply r;
          HistorySource& source = database ? *database : static_cast<HistorySource&>(recent);
          try {
            r = route == Route::Sensors ? sensors_reply(source, &recent, target)
                                        : history_reply(source, target, now_ms(), opts.max_points, opts.max_rows,
                                                        [this] { return shutting_down.load(std::memory_order_relaxed); });
          } catch (const std::exception& e) {
            r = error_reply(500, e.what());
          }
          net::post(srv.get_io_service(), [this, ex, r = std::move(r)] {
            send_reply(*ex, r);
            ex->send();
          });
        });
        return;
      case Route::WebSocketOnly:
        return send_reply(*ex, error_reply(426, "/ws is a WebSocket endpoint"));
      default:
        break;
    }
    std::optional<StaticFile> file;
    if (files) file = files->get(path);
    if (!file) {
      HttpReply r;
      r.status = 404;
      r.content_type = "text/plain; charset=utf-8";
      r.body = "not found\n";
      return send_reply(*ex, r);
    }
    ex->set_header("ETag", file->etag);
    ex->set_header("Cache-Control", file->cache_control);
    ex->set_header("X-Content-Type-Options", "nosniff");
    if (ex->header("If-None-Match") == file->etag) {
      ex->set_status(304);
      return;
    }
    ex->set_status(200);
    ex->set_header("Content-Type", file->content_type);
    if (file->content_type.compare(0, 9, "text/html") == 0) {
      ex->set_header("Content-Security-Policy",
                     "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                     "connect-src 'self' ws: wss:");
    }
    if (method == "HEAD") {
      ex->set_header("Content-Length", std::to_string(file->body.size()));
      return;
    }
    ex->set_body(std::move(file->body));
  }

  // ---- plain HTTP: keep-alive, pipelining, Expect ------------------------------------------
  // websocketpp answers one HTTP request per connection, and reads ahead of the request
  // it parses (pipelined requests would be lost). So on plain (non-TLS) connections the
  // server accepts itself and looks at each request head with MSG_PEEK, consuming nothing
  // it does not answer: a WebSocket upgrade or /events is handed to websocketpp with its
  // bytes still unread; any other request is answered here, in order, on a connection
  // kept open for the next. A request with a body is answered at once (no endpoint takes
  // one, so "Expect: 100-continue" gets its final answer instead of a wait), then the
  // connection is closed after reading what the client still sends.
  struct FrontConn {
    net::ip::tcp::socket sock;
    net::steady_timer timer;
    std::chrono::steady_clock::time_point since;  // when the current request head began
    RequestHead head;
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body, out;
    bool keep = true;
    char discard[4096];
    explicit FrontConn(net::ip::tcp::socket s) : sock(std::move(s)), timer(sock.get_executor()) {}
  };
  struct FrontExchange final : Exchange {
    ServerImpl* server;
    std::shared_ptr<FrontConn> c;
    bool deferred = false;
    FrontExchange(ServerImpl* s, std::shared_ptr<FrontConn> conn) : server(s), c(std::move(conn)) {}
    std::string method() const override { return c->head.method; }
    std::string resource() const override { return c->head.target; }
    std::string header(const std::string& name) const override { return c->head.field(name); }
    std::string remote() const override {
      net::error_code ec;
      const auto ep = c->sock.remote_endpoint(ec);
      return ec ? std::string("?") : ep.address().to_string() + ":" + std::to_string(ep.port());
    }
    void set_status(int status) override { c->status = status; }
    void set_header(const std::string& name, const std::string& value) override {
      for (auto& [k, v] : c->headers)
        if (k == name) {
          v = value;
          return;
        }
      c->headers.emplace_back(name, value);
    }
    void set_body(std::string body) override { c->body = std::move(body); }
    void defer() override { deferred = true; }
    void send() override { server->front_respond(c); }
  };
  static constexpr std::size_t kMaxHead = 16 * 1024;
  static constexpr auto kIdle = std::chrono::seconds(30);      // keep-alive connection without a request
  static constexpr auto kHeadTime = std::chrono::seconds(10);  // to send one request head

  std::unique_ptr<net::ip::tcp::acceptor> front;

  void front_accept() {
    front->async_accept([this](const net::error_code& ec, net::ip::tcp::socket sock) {
      if (stopping) return;
      if (!ec) {
        net::error_code nec;
        sock.set_option(net::ip::tcp::no_delay(true), nec);  // as websocketpp's connections (start())
        auto c = std::make_shared<FrontConn>(std::move(sock));
        c->since = std::chrono::steady_clock::now();
        front_wait(c);
      }
      front_accept();
    });
  }

  void front_wait(const std::shared_ptr<FrontConn>& c) {
    c->timer.expires_after(kIdle);
    c->timer.async_wait([c](const net::error_code& ec) {
      if (ec) return;
      net::error_code cec;
      c->sock.close(cec);  // idle too long: ends the wait below
    });
    c->sock.async_wait(net::socket_base::wait_read, [this, c](const net::error_code& ec) {
      c->timer.cancel();
      if (ec || stopping) return;
      front_peek(c);
    });
  }

  void front_peek(const std::shared_ptr<FrontConn>& c) {
    char buf[kMaxHead];
    const ssize_t n = ::recv(c->sock.native_handle(), buf, sizeof buf, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0) return;  // the client closed: dropping `c` closes the socket
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return front_wait(c);
      return;
    }
    RequestHead head;
    switch (parse_request_head(std::string_view(buf, static_cast<std::size_t>(n)), head)) {
      case HeadStatus::Incomplete:
        if (static_cast<std::size_t>(n) >= kMaxHead) return front_fail(c, 431, "request head too large");
        if (std::chrono::steady_clock::now() - c->since > kHeadTime) return;  // too slow: close
        // The rest of the head is on its way: look again shortly (the bytes stay unread,
        // so waiting for "readable" would return at once).
        c->timer.expires_after(std::chrono::milliseconds(20));
        c->timer.async_wait([this, c](const net::error_code& ec) {
          if (!ec && !stopping) front_peek(c);
        });
        return;
      case HeadStatus::Bad:
        return front_fail(c, 400, "malformed request");
      case HeadStatus::Complete:
        break;
    }
    if (head.websocket_upgrade() || parse_target(head.target).path == "/events") return front_handoff(c);
    // Consume exactly this request's head: the next request stays in the socket.
    std::size_t left = head.head_bytes;
    while (left > 0) {
      const ssize_t r = ::recv(c->sock.native_handle(), buf, left, MSG_DONTWAIT);
      if (r <= 0) return;  // cannot happen: the bytes were peeked
      left -= static_cast<std::size_t>(r);
    }
    c->head = std::move(head);
    c->status = 200;
    c->headers.clear();
    c->body.clear();
    c->keep = c->head.keep_alive() && !c->head.has_body();
    auto ex = std::make_shared<FrontExchange>(this, c);
    handle_http(ex);
    if (!ex->deferred) front_respond(c);
  }

  void front_fail(const std::shared_ptr<FrontConn>& c, int status, const std::string& reason) {
    c->head = RequestHead{};
    c->head.method = "GET";
    c->status = status;
    c->headers = {{"Content-Type", "application/json"}};
    c->body = error_reply(status, reason).body + "\n";
    c->keep = false;
    front_respond(c);
  }

  // Hands the connection, its request still unread, to websocketpp (WebSocket, SSE).
  void front_handoff(const std::shared_ptr<FrontConn>& c) {
    if constexpr (std::is_same_v<Cfg, PlainConfig>) {
      ConPtr con = srv.get_connection();
      if (!con) return;
      con->get_raw_socket() = std::move(c->sock);
      con->start();
    }
  }

  void front_respond(const std::shared_ptr<FrontConn>& c) {
    std::string& out = c->out;
    out.clear();
    out += "HTTP/1.1 " + std::to_string(c->status) + " " + std::string(reason_phrase(c->status)) + "\r\n";
    bool has_length = false;
    for (const auto& [k, v] : c->headers) {
      out += k + ": " + v + "\r\n";
      if (k == "Content-Length") has_length = true;
    }
    const bool bodiless = c->status == 304 || c->status == 204 || c->status < 200;
    if (!has_length && !bodiless) out += "Content-Length: " + std::to_string(c->body.size()) + "\r\n";
    out += "Server: ws-serve (sensorpipe) " + opts.version + "\r\n";
    if (!c->keep) out += "Connection: close\r\n";
    else if (c->head.version == "HTTP/1.0") out += "Connection: keep-alive\r\n";
    out += "\r\n";
    if (c->head.method != "HEAD" && !bodiless) out += c->body;
    net::async_write(c->sock, net::buffer(out), [this, c](const net::error_code& ec, std::size_t) {
      if (ec) return;
      if (c->keep && !stopping) {
        c->since = std::chrono::steady_clock::now();
        return front_wait(c);
      }
      front_linger(c);
    });
  }

  // Closes after the answer without a reset: stop sending, read (and drop) what the
  // client still sends, for a few seconds at most, then close.
  void front_linger(const std::shared_ptr<FrontConn>& c) {
    net::error_code ec;
    c->sock.shutdown(net::ip::tcp::socket::shutdown_send, ec);
    if (ec) return;
    c->timer.expires_after(std::chrono::seconds(5));
    c->timer.async_wait([c](const net::error_code& tec) {
      if (tec) return;
      net::error_code cec;
      c->sock.close(cec);
    });
    front_drain(c);
  }
  void front_drain(const std::shared_ptr<FrontConn>& c) {
    c->sock.async_read_some(net::buffer(c->discard), [this, c](const net::error_code& ec, std::size_t) {
      if (ec) {
        c->timer.cancel();
        return;
      }
      front_drain(c);
    });
  }

  // ---- life cycle -------------------------------------------------------------------
  void start() override {
    if (!opts.www_root.empty()) files.emplace(opts.www_root);
    init_tls();
    // Every client is a file descriptor: allow as many as the hard limit permits.
    struct rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
      rl.rlim_cur = rl.rlim_max;
      ::setrlimit(RLIMIT_NOFILE, &rl);
    }
    srv.clear_access_channels(websocketpp::log::alevel::all);
    srv.clear_error_channels(websocketpp::log::elevel::all);
    srv.init_asio();
    srv.set_reuse_addr(true);
    srv.set_user_agent("ws-serve (sensorpipe) " + opts.version);
    srv.set_listen_backlog(4096);
    srv.set_max_message_size(opts.max_message_size);
    srv.set_validate_handler([this](connection_hdl h) { return on_validate(h); });
    srv.set_open_handler([this](connection_hdl h) { on_open(h); });
    srv.set_close_handler([this](connection_hdl h) { on_close(h); });
    srv.set_fail_handler([this](connection_hdl h) { on_close(h); });
    srv.set_message_handler([this](connection_hdl h, typename WsServer::message_ptr m) { on_message(h, std::move(m)); });
    srv.set_http_handler([this](connection_hdl h) { on_http(h); });
    // Readings are small frames sent as they come: with Nagle's algorithm on, a frame
    // waits for the client's (delayed) ACK of the previous one, which put 30-40 ms stalls
    // into live latency. Batches are already coalesced by flush(), so nothing is lost.
    srv.set_tcp_pre_init_handler([this](connection_hdl h) {
      net::error_code nec;
      srv.get_con_from_hdl(h)->get_raw_socket().set_option(net::ip::tcp::no_delay(true), nec);
    });
    net::error_code aec;
    auto address = net::ip::make_address(opts.host, aec);
    if (aec) throw RuntimeError("cannot listen on " + opts.host + ": not an IP address");
    const net::ip::tcp::endpoint where(address, opts.port);
    if constexpr (std::is_same_v<Cfg, PlainConfig>) {
      // Plain HTTP: the server's own acceptor (keep-alive; see "plain HTTP" above).
      front = std::make_unique<net::ip::tcp::acceptor>(srv.get_io_service());
      net::error_code fec;
      front->open(where.protocol(), fec);
      if (!fec) front->set_option(net::socket_base::reuse_address(true), fec);
      if (!fec) front->bind(where, fec);
      if (!fec) front->listen(4096, fec);
      if (fec) throw RuntimeError("cannot listen on " + opts.host + ":" + std::to_string(opts.port) + ": " + fec.message());
      bound_port = front->local_endpoint(fec).port();
      front_accept();
    } else {
      websocketpp::lib::error_code ec;
      srv.listen(where, ec);
      if (ec) {
        throw RuntimeError("cannot listen on " + opts.host + ":" + std::to_string(opts.port) + ": " + ec.message());
      }
      srv.start_accept(ec);
      if (ec) throw RuntimeError("cannot accept connections: " + ec.message());
      net::error_code lec;
      bound_port = srv.get_local_endpoint(lec).port();
    }
    keepalive = std::make_unique<net::steady_timer>(srv.get_io_service());
    schedule_keepalive();
    jobs = std::make_unique<JobQueue>();
    io_thread = std::thread([this] {
      try {
        srv.run();
      } catch (const std::exception& e) {
        log(std::string("network thread failed: ") + e.what());
      }
    });
    running = true;
  }

  void stop() override {
    if (!running) return;
    running = false;
    shutting_down = true;
    std::promise<void> closed;
    net::post(srv.get_io_service(), [this, &closed] {
      stopping = true;
      websocketpp::lib::error_code ec;
      srv.stop_listening(ec);
      if (front) {
        net::error_code fec;
        front->close(fec);
      }
      keepalive->cancel();
      for (auto& [k, c] : ws_clients) {
        c.con->close(websocketpp::close::status::going_away, "server shutting down", ec);
      }
      std::vector<std::shared_ptr<SseClientT>> sse;
      for (auto& [k, c] : sse_clients) sse.push_back(c);
      for (auto& c : sse) sse_close(c);
      closed.set_value();
    });
    closed.get_future().wait_for(std::chrono::seconds(2));
    // Give clients a moment to answer the close handshake, then stop regardless.
    for (int i = 0; i < 20; ++i) {
      std::promise<std::size_t> count;
      auto f = count.get_future();
      net::post(srv.get_io_service(), [this, &count] { count.set_value(ws_clients.size()); });
      if (f.wait_for(std::chrono::milliseconds(500)) != std::future_status::ready || f.get() == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    srv.stop();
    if (io_thread.joinable()) io_thread.join();
    if (jobs) jobs->stop();
  }

  std::uint16_t port() const override { return bound_port; }

  void publish(const Reading& r) override {
    recent.add(r);
    metrics.lines_in.fetch_add(1, std::memory_order_relaxed);
    std::string line = to_json(r);
    bool post = false;
    {
      std::lock_guard lock(pending_mutex);
      if (pending_bytes + line.size() > kMaxPendingBytes) {
        metrics.dropped_messages.fetch_add(1, std::memory_order_relaxed);
        return;
      }
      pending_bytes += line.size();
      pending.push_back(Item{next_seq++, r.sensor, std::move(line)});
      if (!flush_posted) post = flush_posted = true;
    }
    if (post && running) net::post(srv.get_io_service(), [this] { flush(); });
  }
};

// The TLS context, loaded once at start so that bad files fail there, not per client.
using SslContext = net::ssl::context;
std::shared_ptr<SslContext> make_tls_context(const std::string& cert, const std::string& key) {
  auto ctx = std::make_shared<SslContext>(SslContext::tls_server);
  ctx->set_options(SslContext::default_workarounds | SslContext::no_sslv2 | SslContext::no_sslv3 |
                   SslContext::no_tlsv1 | SslContext::no_tlsv1_1 | SslContext::single_dh_use);
  net::error_code ec;
  ctx->use_certificate_chain_file(cert, ec);
  if (ec) throw RuntimeError("cannot load TLS certificate " + cert + ": " + ec.message());
  ctx->use_private_key_file(key, SslContext::pem, ec);
  if (ec) throw RuntimeError("cannot load TLS key " + key + ": " + ec.message());
  return ctx;
}

template <>
void ServerImpl<PlainConfig>::init_tls() {}

template <>
void ServerImpl<TlsConfig>::init_tls() {
  auto ctx = make_tls_context(opts.cert_file, opts.key_file);
  srv.set_tls_init_handler([ctx](connection_hdl) { return ctx; });
}

}  // namespace

Server::Server(ServerOptions options, Metrics& metrics, MemoryHistory& recent, std::unique_ptr<HistorySource> database,
               CommandSink sink, Logger log) {
  if (options.cert_file.empty() != options.key_file.empty()) throw UsageError("--cert and --key go together");
  if (options.cert_file.empty()) {
    impl_ = std::make_unique<ServerImpl<PlainConfig>>(std::move(options), metrics, recent, std::move(database),
                                                      std::move(sink), std::move(log));
  } else {
    impl_ = std::make_unique<ServerImpl<TlsConfig>>(std::move(options), metrics, recent, std::move(database),
                                                    std::move(sink), std::move(log));
  }
}

Server::~Server() { impl_->stop(); }
void Server::start() { impl_->start(); }
std::uint16_t Server::port() const { return impl_->port(); }
void Server::publish(const Reading& r) { impl_->publish(r); }
void Server::stop() { impl_->stop(); }

}  // namespace sensorpipe::web
