// An MQTT client that stays connected: a thin owner of a Paho async_client that
// connects and reconnects with back-off, resubscribes on every connect, queues
// outgoing messages while offline (optionally persisted on disk) and can wait until
// everything published has been delivered.
//
// Threads: the constructor, start(), wait_connected(), await_connection(), publish(),
// drain() and stop() are for one controlling thread. The message handler runs on Paho's
// receive thread, holding Paho's internal lock: it must return promptly and never wait for
// the controlling thread. Paho acknowledges a message (QoS 1/2) when the handler returns,
// so a handler that has written the reading out gives at-least-once delivery; a handler
// that cannot take a message returns Delivery::Held and the client keeps it
// unacknowledged (see Delivery). The logger and on_fatal are called from internal threads.
// Failures: a refused login, a rejected broker certificate or a refused subscription is
// fatal (fatal_error() is set and on_fatal called, no endless retry); the library never
// stops the process itself, the tool decides. A broker that is merely unreachable is
// retried with back-off (1 s doubling to 30 s) for ever.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "mqtt/config.h"

#include "core/library_versions.h"

namespace sensorpipe::mqtt {

struct ClientOptions {
  ConnectionConfig conn;
  // false: a persistent session (3.1.1 clean session off, v5 session expiry
  // `session_expiry_s`) so the broker keeps QoS 1/2 messages while we are away.
  bool clean_session = true;
  std::uint32_t session_expiry_s = 7 * 24 * 3600;
  // Non-empty: Paho keeps outgoing messages in files there until acknowledged.
  std::string persist_dir;
  // Outgoing messages queued (offline or not yet sent) before publish() blocks.
  int max_queued = 100000;
  // Topic filters (re)subscribed at conn.qos on every connect.
  std::vector<std::string> subscriptions;
  bool skip_retained_on_subscribe = false;  // v5: ask the broker not to send retained messages
  // Polled while a call waits (wait_connected, await_connection, a publish() on a full
  // queue, an interruptible drain()): returning true makes the call give up. The tool
  // passes its stop flag. Empty: never.
  std::function<bool()> cancelled;
  // Called once, from an internal thread, when the client gives up for good (fatal_error()
  // is then set). The tool decides what that means for the process, e.g. it stops.
  std::function<void(const std::string&)> on_fatal;
};

// What a message handler did with a message.
//   Taken: written out or deliberately skipped; Paho acknowledges it.
//   Held:  it could not be taken (output closed, count reached) and must not be
//          acknowledged. The client then keeps Paho's receive thread parked on it for
//          the rest of the process, so nothing further is delivered or acknowledged and
//          the broker keeps the message (persistent sessions deliver it next time); the
//          connection closes when the process ends. stop() reports this by returning false.
enum class Delivery { Taken, Held };

struct IncomingMessage {
  std::string_view topic;
  std::string_view payload;
  int qos;
  bool retained;
  bool duplicate;
};

class Client {
 public:
  using MessageHandler = std::function<Delivery(const IncomingMessage&)>;
  using Logger = std::function<void(const std::string&)>;

  // Throws RuntimeError when Paho rejects the settings (bad URL, unusable persistence dir),
  // UsageError when the will topic breaks MQTT's rules (topic_rules.h).
  Client(ClientOptions options, Logger log);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Set before start().
  void on_message(MessageHandler handler) { handler_ = std::move(handler); }

  // Starts connecting in the background; returns at once.
  void start();
  // Waits up to `timeout_ms` (< 0: for ever) for a connection. Returns true when
  // connected; false on timeout, cancellation or fatal error.
  bool wait_connected(std::int64_t timeout_ms);
  // The first connection, as both tools' --connect-timeout means it: waits up to
  // `connect_timeout_ms`, 0 meaning for ever. Returns true when connected, false when
  // cancelled; throws RuntimeError naming the broker and the reason on a fatal error or
  // when the time is up.
  bool await_connection(std::int64_t connect_timeout_ms);
  bool connected() const { return connected_; }
  // Why the last connection attempt failed ("connection refused", ...), for messages.
  std::string last_failure() const;
  // Set when retrying cannot help (login refused, certificate rejected).
  std::string fatal_error() const;
  const std::string& broker() const { return options_.conn.broker; }
  const std::string& client_id() const { return client_id_; }

  // Queues one message. Blocks while `max_queued` messages wait (calling `on_full`
  // once per wait); returns false if cancelled while blocked. The topic and size must
  // pass publish_problem() (topic_rules.h): Paho does not check them.
  bool publish(std::string_view topic, std::string_view payload, int qos, bool retain,
               const std::function<void()>& on_full = {});
  // Messages handed to publish() and not yet delivered (QoS 0: written; 1/2: acknowledged),
  // plus any restored from the persistence directory.
  std::uint64_t pending() const;
  std::uint64_t failed() const { return failed_; }
  // Waits until pending() is 0; gives up on a fatal error, after `timeout_ms` (< 0:
  // never) and, when `interruptible`, when cancelled. Returns pending().
  std::uint64_t drain(std::int64_t timeout_ms, bool interruptible);

  // Stops reconnecting and disconnects cleanly (waiting briefly for in-flight messages).
  // Returns true when closed. Returns false when a message is held (Delivery::Held) or the
  // disconnect did not finish within a few seconds: Paho's threads are then blocked for
  // good and still use this object, so it must outlive them: pass it to keep_until_exit()
  // instead of destroying it, and end the process soon (the connection closes with it).
  bool stop();

  // Keeps an abandoned client (stop() returned false) alive and reachable until the
  // process ends.
  static void keep_until_exit(std::unique_ptr<Client> client);

 private:
  class Listener;
  struct Paho;  // the Paho client, kept out of this header
  void manage();  // the connect/reconnect thread
  // On success `session` describes it ("MQTT 5, session resumed") for the log.
  bool try_connect(std::string& failure, bool& fatal, std::string& session);
  void subscribe_all();
  void log(const std::string& s);
  bool resend_failed();  // publishes retry_ again; false when some remain

  ClientOptions options_;
  Logger log_;
  MessageHandler handler_;
  std::string uri_;
  std::string client_id_;
  std::unique_ptr<Paho> paho_;
  std::unique_ptr<Listener> listener_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::atomic<bool> connected_{false};
  bool stopping_ = false;
  bool ever_connected_ = false;
  std::string last_failure_;
  std::string fatal_;
  std::thread manager_;

  std::atomic<std::uint64_t> published_{0};
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::atomic<int> waiters_{0};  // threads waiting for deliveries (so the listener knows to notify)
  std::atomic<bool> has_retries_{false};  // Paho::retry is not empty
  bool held_ = false;          // a handler returned Delivery::Held (under mutex_)
  bool manager_done_ = true;   // the manager thread has returned (under mutex_)
  bool abandoned_ = false;     // stop() returned false
  bool cancelled() const { return options_.cancelled && options_.cancelled(); }
  void give_up(std::string error);  // sets fatal_ and calls on_fatal; mutex_ not held
};

// The libraries an MQTT tool links (core's plus "Paho MQTT C++ 1.2.0", "Paho MQTT C 1.3.12"), for --version.
LibraryVersions mqtt_library_versions();

}  // namespace sensorpipe::mqtt
