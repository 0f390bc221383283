// The reconnecting MQTT client over Paho async_client (see client.h).
#include "mqtt/client.h"

#include <MQTTAsync.h>
#include <openssl/crypto.h>
#include <unistd.h>

#include <fmt/format.h>
#include <mqtt/async_client.h>

#include <algorithm>
#include <chrono>
#include <random>

#include "core/errors.h"
#include "core/stop_request.h"
#include "core/time.h"
#include "mqtt/tls_probe.h"

namespace sensorpipe::mqtt {

using namespace std::chrono_literals;

// Messages handed to Paho and not yet delivered while connected. Paho C++ keeps a list
// of pending delivery tokens that it searches linearly on every completion, and Paho C
// scans its command queue on every publish, so a long queue inside Paho costs per
// message; 64 in flight keep the socket busy (50k lines at QoS 1: 2000 -> 5.7 s, 64 -> 2.0 s).
constexpr int kWindow = 64;

struct Client::Paho {
  std::unique_ptr<::mqtt::async_client> client;
  std::vector<::mqtt::const_message_ptr> retry;  // failed deliveries to send again (under Client::mutex_)
  ::mqtt::connect_options connect;
};

class Client::Listener : public ::mqtt::iaction_listener {
 public:
  explicit Listener(Client& c) : c_(c) {}
  void on_success(const ::mqtt::token&) override { done(c_.delivered_); }
  // A message whose delivery failed (the connection dropped with it in flight, and a
  // clean session made Paho forget it) is queued again rather than lost.
  void on_failure(const ::mqtt::token& tok) override {
    const auto* dt = dynamic_cast<const ::mqtt::delivery_token*>(&tok);
    if (dt && dt->get_message()) {
      std::lock_guard<std::mutex> lock(c_.mutex_);
      c_.paho_->retry.push_back(dt->get_message());
      c_.has_retries_ = true;
      c_.cv_.notify_all();
      return;
    }
    done(c_.failed_);
  }

 private:
  void done(std::atomic<std::uint64_t>& counter) {
    counter.fetch_add(1, std::memory_order_relaxed);
    if (c_.waiters_.load(std::memory_order_acquire) > 0) {
      std::lock_guard<std::mutex> lock(c_.mutex_);
      c_.cv_.notify_all();
    }
  }
  Client& c_;
};

namespace {
std::string paho_uri(const std::string& broker) {
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"mqtt://", "tcp://"}, {"mqtts://", "ssl://"}}) {
    if (broker.compare(0, from.size(), from) == 0) {
      std::string uri = to + broker.substr(from.size());
      // Paho wants an explicit port; supply the scheme's default.
      const auto host_start = to.size();
      const auto path = uri.find('/', host_start);
      const std::string hostport = uri.substr(host_start, path == std::string::npos ? std::string::npos : path - host_start);
      const bool bracketed = !hostport.empty() && hostport.front() == '[';
      const auto colon = hostport.rfind(':');
      const bool has_port = colon != std::string::npos && (!bracketed || colon > hostport.find(']'));
      if (!has_port) uri = to + hostport + (to == "tcp://" ? ":1883" : ":8883");
      else uri = to + hostport;
      return uri;
    }
  }
  return broker;
}

bool is_tls(const std::string& uri) { return uri.compare(0, 6, "ssl://") == 0 || uri.compare(0, 6, "wss://") == 0; }

std::string made_up_client_id() {
  std::random_device rd;
  return fmt::format("sensorpipe-{}-{:08x}", ::getpid(), rd());
}

// 3.1.1 CONNACK return codes / v5 reason codes after which retrying cannot help.
bool refusal_is_final(int rc, int reason) {
  if (rc >= 1 && rc <= 5 && rc != 3) return true;  // protocol, identifier, credentials, authorisation
  switch (reason) {
    case 0x84: case 0x85: case 0x86: case 0x87: case 0x8A: case 0x8C: return true;
    default: return false;
  }
}

std::string refusal_text(int rc, int reason) {
  switch (rc) {
    case 1: return "unacceptable protocol version";
    case 2: return "client id rejected";
    case 3: return "server unavailable";
    case 4: return "bad user name or password";
    case 5: return "not authorised";
    default: break;
  }
  switch (reason) {
    case 0x84: return "unsupported protocol version";
    case 0x85: return "client id not valid";
    case 0x86: return "bad user name or password";
    case 0x87: return "not authorised";
    case 0x88: return "server unavailable";
    case 0x89: return "server busy";
    case 0x8A: return "banned";
    case 0x8C: return "bad authentication method";
    default: return {};
  }
}
}  // namespace

Client::Client(ClientOptions options, Logger log) : options_(std::move(options)), log_(std::move(log)) {
  // OpenSSL keeps per-thread state (random generators) that a thread frees as it ends. Its
  // atexit clean-up frees the calling thread's and deletes the key of the others, so a
  // thread still ending at that moment loses its state: Paho's threads are detached and
  // can be, so a TLS run's exit sometimes leaked (LSan failed the ASan tests now and then).
  // Without that clean-up a late thread still frees its own state; the process is ending.
  // Must come before anything initialises OpenSSL (Paho does, in the async_client below).
  OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr);
  // Paho C formats every protocol event into an in-memory trace by default: measurably
  // costly per message (about a quarter of mqtt-publish's CPU time), and never read.
  MQTTAsync_setTraceLevel(MQTTASYNC_TRACE_ERROR);
  uri_ = paho_uri(options_.conn.broker);
  client_id_ = options_.conn.client_id.empty() ? made_up_client_id() : options_.conn.client_id;
  const int version = options_.conn.protocol == 5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1;
  auto create = ::mqtt::create_options_builder()
                    .mqtt_version(version)
                    .send_while_disconnected(true, true)
                    .max_buffered_messages(std::max(1, options_.max_queued))
                    .delete_oldest_messages(false)
                    .restore_messages(true)
                    .persist_qos0(true)
                    .finalize();
  paho_ = std::make_unique<Paho>();
  auto& client_ = paho_->client;
  try {
    if (options_.persist_dir.empty())
      client_ = std::make_unique<::mqtt::async_client>(uri_, client_id_, create, nullptr);
    else
      client_ = std::make_unique<::mqtt::async_client>(uri_, client_id_, create, options_.persist_dir);
  } catch (const ::mqtt::exception& e) {
    throw RuntimeError(fmt::format("cannot set up the MQTT client for {}: {}", options_.conn.broker, e.what()));
  }
  listener_ = std::make_unique<Listener>(*this);
}

Client::~Client() {
  stop();
  paho_.reset();
}

void Client::log(const std::string& s) {
  if (log_) log_(s);
}

std::string Client::last_failure() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_failure_;
}

std::string Client::fatal_error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return fatal_;
}

void Client::start() {
  paho_->client->set_connection_lost_handler([this](const std::string& cause) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      connected_ = false;
      cv_.notify_all();
    }
    log(fmt::format("connection to {} lost{}; reconnecting", options_.conn.broker, cause.empty() ? "" : ": " + cause));
  });
  paho_->client->set_disconnected_handler([this](const ::mqtt::properties&, ::mqtt::ReasonCode reason) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      connected_ = false;
      cv_.notify_all();
    }
    log(fmt::format("{} disconnected us (reason {:#x}); reconnecting", options_.conn.broker, static_cast<int>(reason)));
  });
  if (handler_) {
    paho_->client->set_message_callback([this](::mqtt::const_message_ptr m) {
      const auto& payload = m->get_payload_ref();
      handler_(IncomingMessage{m->get_topic(), std::string_view(payload.data(), payload.size()), m->get_qos(),
                               m->is_retained(), m->is_duplicate()});
    });
  }
  manager_ = std::thread([this] { manage(); });
}

bool Client::try_connect(std::string& failure, bool& fatal, std::string& session) {
  const auto& c = options_.conn;
  const bool v5 = c.protocol == 5;
  ::mqtt::connect_options_builder b;
  b.mqtt_version(v5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1)
      .keep_alive_interval(std::chrono::seconds(std::max<std::int64_t>(1, c.keepalive_ms / 1000)))
      .connect_timeout(std::chrono::seconds(std::max<std::int64_t>(1, (c.connect_timeout_ms + 999) / 1000)))
      .automatic_reconnect(false)
      .max_inflight(65535);  // a small window stalls Paho's send thread (measured: 20 -> 300 msg/s)
  if (v5) {
    b.clean_start(options_.clean_session);
    if (!options_.clean_session)
      b.properties({{::mqtt::property::SESSION_EXPIRY_INTERVAL, static_cast<int>(options_.session_expiry_s)}});
  } else {
    b.clean_session(options_.clean_session);
  }
  if (!c.username.empty()) b.user_name(c.username);
  if (c.have_password) b.password(c.password);
  if (!c.will_topic.empty()) b.will(::mqtt::message(c.will_topic, c.will_payload, c.will_qos, c.will_retain));
  if (is_tls(uri_)) {
    ::mqtt::ssl_options_builder ssl;
    if (!c.cafile.empty()) ssl.trust_store(c.cafile);
    if (!c.cert.empty()) ssl.key_store(c.cert);
    if (!c.key.empty()) ssl.private_key(c.key);
    ssl.enable_server_cert_auth(!c.insecure).verify(!c.insecure);
    // No ssl error_handler: Paho 1.2 leaves OpenSSL a pointer to a destroyed copy of
    // the options (ASan: stack-use-after-scope). tls_certificate_problem() explains instead.
    b.ssl(ssl.finalize());
    if (!ever_connected_) {
      const auto hostport = uri_.substr(uri_.find("://") + 3);
      const auto colon = hostport.rfind(':');
      std::string host = hostport.substr(0, colon);
      if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
      const int port = std::atoi(hostport.c_str() + colon + 1);
      if (const auto problem = tls_certificate_problem(host, port, c)) {
        failure = "TLS handshake failed: " + *problem;
        fatal = true;
        return false;
      }
    }
  }
  int rc = 0, reason = 0;
  std::string what;
  try {
    paho_->connect = b.finalize();
    auto tok = paho_->client->connect(paho_->connect);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(c.connect_timeout_ms) + 2s;
    while (!tok->wait_for(100ms)) {
      bool stopping;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping = stopping_;
      }
      if (stopping || std::chrono::steady_clock::now() > deadline) {
        failure = "no answer from the broker";
        return false;
      }
    }
    const auto rsp = tok->get_connect_response();
    session = fmt::format("MQTT {}, {}", v5 ? "5" : "3.1.1",
                          options_.clean_session ? "clean session"
                                                 : (rsp.is_session_present() ? "session resumed" : "new session"));
    return true;
  } catch (const ::mqtt::exception& e) {
    rc = e.get_return_code();
    reason = e.get_reason_code();
    // Paho C++ 1.2 over Paho C 1.3 reports a v5 CONNACK refusal (0x87 not authorised...)
    // as the return code, with no reason code.
    if (v5 && reason == 0 && rc >= 0x80) reason = rc;
    what = e.get_message();
    if (what.empty()) what = e.what();
  }
  const std::string refused = refusal_text(rc, reason);
  if (!refused.empty()) {
    failure = "the broker refused the connection: " + refused;
    fatal = refusal_is_final(rc, reason);
  } else {
    failure = what.empty() ? fmt::format("error {}", rc) : what;
    if (failure.find("TCP/TLS connect failure") != std::string::npos) failure = "cannot reach the broker (TCP/TLS connect failure)";
  }
  return false;
}

void Client::subscribe_all() {
  const auto& c = options_.conn;
  for (const auto& filter : options_.subscriptions) {
    try {
      ::mqtt::token_ptr tok;
      if (c.protocol == 5 && options_.skip_retained_on_subscribe)
        tok = paho_->client->subscribe(filter, c.qos,
                                 ::mqtt::subscribe_options(false, false, ::mqtt::subscribe_options::DONT_SEND_RETAINED));
      else
        tok = paho_->client->subscribe(filter, c.qos);
      if (!tok->wait_for(std::chrono::milliseconds(c.connect_timeout_ms) + 2s)) {
        log(fmt::format("no answer to the subscription to {}; will retry on reconnect", filter));
        continue;
      }
      const auto codes = tok->get_subscribe_response().get_reason_codes();
      if (!codes.empty() && static_cast<int>(codes[0]) >= 0x80) {
        std::lock_guard<std::mutex> lock(mutex_);
        fatal_ = fmt::format("{} refused the subscription to '{}' (reason {:#x})", c.broker, filter,
                             static_cast<int>(codes[0]));
        cv_.notify_all();
        request_stop();
        return;
      }
    } catch (const ::mqtt::exception& e) {
      // Typically the connection dropped meanwhile; the next connect subscribes again.
      if (connected_) {
        std::lock_guard<std::mutex> lock(mutex_);
        fatal_ = fmt::format("cannot subscribe to '{}' on {}: {}", filter, c.broker, e.what());
        cv_.notify_all();
        request_stop();
        return;
      }
    }
  }
}

void Client::manage() {
  auto backoff = 1000ms;
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (connected_) {
      cv_.wait(lock, [&] { return stopping_ || !connected_; });
      continue;
    }
    lock.unlock();
    std::string failure, session;
    bool fatal = false;
    const bool ok = try_connect(failure, fatal, session);
    if (ok) {
      // Subscribed before announcing the connection, so that nothing (a user reading the
      // log, wait_connected()) takes a half-set-up client for a ready one.
      subscribe_all();
      if (fatal_error().empty())
        log(fmt::format("connected to {} as {} ({})", options_.conn.broker, client_id_, session));
    }
    lock.lock();
    if (ok) {
      connected_ = true;
      ever_connected_ = true;
      backoff = 1000ms;
      cv_.notify_all();
      continue;
    }
    if (stopping_) break;
    last_failure_ = failure;
    if (fatal) {
      fatal_ = fmt::format("{}: {}", options_.conn.broker, failure);
      cv_.notify_all();
      request_stop();
      break;
    }
    cv_.notify_all();
    const auto wait = backoff;
    lock.unlock();
    log(fmt::format("cannot connect to {}: {}; retrying in {}s", options_.conn.broker, failure, wait.count() / 1000));
    lock.lock();
    cv_.wait_for(lock, wait, [&] { return stopping_; });
    backoff = std::min<std::chrono::milliseconds>(backoff * 2, 30000ms);
  }
}

bool Client::wait_connected(std::int64_t timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::unique_lock<std::mutex> lock(mutex_);
  while (!connected_ && fatal_.empty() && !stop_requested()) {
    if (timeout_ms >= 0 && std::chrono::steady_clock::now() >= deadline) return false;
    cv_.wait_for(lock, 50ms);
  }
  return connected_;
}

bool Client::resend_failed() {
  std::vector<::mqtt::const_message_ptr> again;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& retry = paho_->retry;
    if (retry.empty() || !connected_) return retry.empty();
    again.swap(retry);
    has_retries_ = false;
  }
  std::size_t i = 0;
  try {
    for (; i < again.size(); ++i) paho_->client->publish(again[i], nullptr, *listener_);
  } catch (const ::mqtt::exception&) {
    // Queue full or disconnected again: keep the rest for the next round.
    std::lock_guard<std::mutex> lock(mutex_);
    paho_->retry.insert(paho_->retry.begin(), again.begin() + static_cast<std::ptrdiff_t>(i), again.end());
    has_retries_ = true;
    return false;
  }
  return true;
}

bool Client::publish(std::string_view topic, std::string_view payload, int qos, bool retain,
                     const std::function<void()>& on_full) {
  bool reported = false;
  if (has_retries_.load(std::memory_order_relaxed)) resend_failed();
  // While connected keep at most kWindow messages inside Paho (see kWindow).
  const std::uint64_t window = static_cast<std::uint64_t>(std::min(options_.max_queued, kWindow));
  while (connected_ && published_.load(std::memory_order_relaxed) -
                               (delivered_.load(std::memory_order_relaxed) + failed_.load(std::memory_order_relaxed)) >=
                           window) {
    if (stop_requested()) break;
    waiters_.fetch_add(1, std::memory_order_acq_rel);
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait_for(lock, 5ms);
    }
    waiters_.fetch_sub(1, std::memory_order_acq_rel);
  }
  while (true) {
    try {
      paho_->client->publish(std::string(topic), payload.data(), payload.size(), qos, retain, nullptr, *listener_);
      published_.fetch_add(1, std::memory_order_relaxed);
      return true;
    } catch (const ::mqtt::exception& e) {
      if (e.get_return_code() != MQTTASYNC_MAX_BUFFERED_MESSAGES && e.get_return_code() != MQTTASYNC_MAX_BUFFERED)
        throw RuntimeError(fmt::format("cannot publish to {} on {}: {}", topic, options_.conn.broker, e.what()));
    }
    // The queue is full: wait for deliveries to make room (back-pressure on our input).
    if (!reported && on_full && !connected_) {
      on_full();
      reported = true;
    }
    if (stop_requested()) return false;
    waiters_.fetch_add(1, std::memory_order_acq_rel);
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait_for(lock, 5ms);
    }
    waiters_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

std::uint64_t Client::pending() const {
  const std::uint64_t done = delivered_.load() + failed_.load();
  const std::uint64_t mine = published_.load() > done ? published_.load() - done : 0;
  const std::uint64_t paho = paho_->client->get_pending_delivery_tokens().size();
  return std::max(mine, paho);
}

std::uint64_t Client::drain(std::int64_t timeout_ms, bool interruptible) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    resend_failed();
    const auto left = pending();
    if (left == 0) return 0;
    if (interruptible && stop_requested()) return left;
    if (!fatal_error().empty()) return left;
    if (timeout_ms >= 0 && std::chrono::steady_clock::now() >= deadline) return left;
    waiters_.fetch_add(1, std::memory_order_acq_rel);
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait_for(lock, 20ms);
    }
    waiters_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

void Client::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (manager_.joinable()) manager_.join();
  if (!paho_->client) return;
  try {
    // Short: publishers drain() before stopping, and a subscriber has nothing in flight
    // worth waiting for (its unacknowledged messages stay with the broker for next time).
    if (paho_->client->is_connected()) paho_->client->disconnect(100)->wait_for(1000ms);
  } catch (const ::mqtt::exception&) {
    // Already gone: nothing left to close.
  }
  connected_ = false;
}

LibraryVersions mqtt_library_versions() {
  LibraryVersions out = core_library_versions();
  out.emplace_back("Paho MQTT C++", fmt::format("{}.{}.{}", ::mqtt::VERSION >> 24, (::mqtt::VERSION >> 16) & 0xff,
                                                (::mqtt::VERSION >> 8) & 0xff));
  for (auto* nv = MQTTAsync_getVersionInfo(); nv && nv->name; ++nv) {
    if (std::string_view(nv->name) == "Version") out.emplace_back("Paho MQTT C", nv->value);
  }
  return out;
}

}  // namespace sensorpipe::mqtt
