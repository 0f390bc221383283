// mqtt-publish: publish each JSON line to an MQTT topic made from its fields.
//
// Lines are queued in the client (bounded by --queue, optionally persisted with
// --persist) and sent while connected; while the broker is away they wait, in order.
// At EOF, or on SIGINT/SIGTERM, everything outstanding is delivered (QoS 1/2:
// acknowledged) before the exit, so `mqtt-publish < file` loses nothing.
#include <unistd.h>

#include "cli/mqtt_options.h"
#include "cli/tool.h"
#include <fmt/format.h>

#include "core/errors.h"
#include "core/stop_request.h"
#include "mqtt/client.h"
#include "mqtt/topic_rules.h"
#include "mqtt/topic_template.h"

using namespace sensorpipe;

namespace {
struct Options {
  cli::MqttOptions mqtt;
  cli::InputOptions input;
  std::string topic;
  std::string payload = "line";
  bool retain = false;
  int queue = 100000;
  std::string persist;
  TimeMs drain_timeout = 10000;
};


enum class PayloadMode { Line, Value, Field };
}  // namespace

int main(int argc, char** argv) {
  cli::Tool tool("mqtt-publish", "Publish JSON lines to MQTT topics made from their fields", mqtt::mqtt_library_versions());
  Options o;
  auto& app = tool.app();
  app.add_option("--topic", o.topic, "Topic TEMPLATE (required); {field} is replaced by the line's field, e.g. 'home/{sensor}'")
      ->type_name("TEMPLATE");
  app.add_option("--payload", o.payload, "What to send: line (default, the whole line), value, or field:NAME")
      ->type_name("line|value|field:NAME");
  app.add_flag("-r,--retain", o.retain, "Ask the broker to retain each message (the latest per topic)");
  app.add_option("--queue", o.queue, "Queue at most N messages (offline or in flight); when full, stop reading input")
      ->type_name("N")
      ->check(CLI::Range(1, 10000000).description(""));
  app.add_option("--persist", o.persist, "Keep queued messages in directory DIR so a restart loses nothing")
      ->type_name("DIR");
  cli::add_duration_option(app, "--drain-timeout", o.drain_timeout,
                           "After SIGINT/SIGTERM, wait at most DURATION for delivery (default 10s)");
  cli::add_mqtt_options(app, o.mqtt);
  cli::add_input_options(app, o.input, true);
  if (auto status = tool.parse(argc, argv)) return *status;

  return tool.run([&] {
    // Checked here rather than by CLI11 so that --completion works without it.
    if (o.topic.empty()) throw UsageError("--topic is required");
    cli::finish_mqtt_options(o.mqtt);
    auto& diag = tool.diag();
    diag.set_strict(o.input.strict);
    const mqtt::TopicTemplate topic_template(o.topic);
    PayloadMode mode = PayloadMode::Line;
    std::string payload_field;
    if (o.payload == "value") {
      mode = PayloadMode::Value;
      payload_field = "value";
    } else if (o.payload.compare(0, 6, "field:") == 0 && o.payload.size() > 6) {
      mode = PayloadMode::Field;
      payload_field = o.payload.substr(6);
    } else if (o.payload != "line") {
      throw UsageError("--payload: expected line, value or field:NAME, got '" + o.payload + "'");
    }
    const bool parse_lines = !topic_template.literal() || mode != PayloadMode::Line;

    mqtt::ClientOptions copts;
    copts.conn = o.mqtt.conn;
    copts.max_queued = o.queue;
    if (!o.persist.empty()) {
      // Paho keeps the queue under DIR keyed by client id and broker, so both must be
      // the same next time: derive a stable id when none is given.
      copts.persist_dir = o.persist;
      if (copts.conn.client_id.empty()) copts.conn.client_id = "mqtt-publish-" + std::to_string(std::hash<std::string>{}(o.persist) % 1000000007);
      copts.clean_session = false;
    }
    copts.cancelled = stop_requested;
    copts.on_fatal = [](const std::string&) { request_stop(); };  // reported below, exit 1
    auto client_ptr = std::make_unique<mqtt::Client>(copts, [&](const std::string& s) { diag.info(s); });
    auto& client = *client_ptr;
    client.start();
    // The first connection decides whether the broker is usable at all (auth, TLS, typo in
    // the URL); after that, outages are ridden out by queueing. A stop meanwhile goes on to
    // the drain below with nothing read.
    client.await_connection(o.mqtt.conn.connect_timeout_ms);

    std::vector<json::Member> members;
    std::string topic, payload, error;
    std::uint64_t sent = 0;
    auto on_full = [&] {
      diag.warning(fmt::format("queue full ({} messages) while {} is unreachable: input paused until it is back",
                               o.queue, client.broker()));
    };
    bool stopped = stop_requested();
    cli::for_each_input(o.input.files, [&](int fd, const std::string& name) {
      if (stopped) return;
      LineReader reader(fd, o.input.max_line_bytes);
      while (true) {
        const auto st = reader.next();
        if (st == LineReader::Status::Eof) return;
        if (st == LineReader::Status::Stopped) {
          stopped = true;
          return;
        }
        auto bad = [&](const std::string& reason) {
          if (name == "-") diag.bad_line(reader.line_number(), reason);
          else diag.bad_input(fmt::format("{}: line {}", name, reader.line_number()), reason);
        };
        if (st == LineReader::Status::TooLong) {
          bad(fmt::format("line longer than {} bytes", o.input.max_line_bytes));
          continue;
        }
        if (st != LineReader::Status::Line) continue;
        const auto text = reader.line();
        std::string_view body = text;
        if (parse_lines) {
          if (!json::scan_object(text, members, error) || !topic_template.fill(members, topic, error)) {
            bad(error);
            continue;
          }
          if (mode != PayloadMode::Line) {
            const json::Member* m = nullptr;
            for (const auto& mem : members)
              if (mem.key == payload_field) m = &mem;
            if (!m) {
              bad(fmt::format("no \"{}\" field for --payload", payload_field));
              continue;
            }
            payload = m->type == json::Type::String ? json::unescape_string(m->raw) : std::string(m->raw);
            body = payload;
          }
        } else {
          topic = topic_template.text();
        }
        if (auto problem = mqtt::publish_problem(topic, body.size())) {
          bad(*problem);
          continue;
        }
        if (!client.publish(topic, body, o.mqtt.conn.qos, o.retain, on_full)) {
          stopped = true;
          return;
        }
        ++sent;
        if (!client.fatal_error().empty()) throw RuntimeError(client.fatal_error());
      }
    });
    // Deliver what is outstanding: until done at EOF (interrupted by a signal), then
    // for at most --drain-timeout once a stop was requested.
    std::uint64_t left = stopped ? client.pending() : client.drain(-1, true);
    if (left > 0 && client.fatal_error().empty()) left = client.drain(o.drain_timeout, false);
    // `client` stays valid either way: kept, it lives until the exit.
    if (!client.stop()) mqtt::Client::keep_until_exit(std::move(client_ptr));  // Paho is stuck: leave it to the exit
    diag.summary("lines");
    if (!client.fatal_error().empty()) throw RuntimeError(client.fatal_error());
    if (left > 0) {
      if (!o.persist.empty()) {
        diag.warning(fmt::format("{} messages not yet delivered to {}; kept in {} for the next run", left,
                                 client.broker(), o.persist));
        return 0;
      }
      throw RuntimeError(fmt::format("{} of {} messages were not delivered to {} (lost)", left, sent, client.broker()));
    }
    if (client.failed() > 0)
      throw RuntimeError(fmt::format("{} of {} messages failed to be delivered to {}", client.failed(), sent, client.broker()));
    return 0;
  });
}
