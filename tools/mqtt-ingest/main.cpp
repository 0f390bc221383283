// mqtt-ingest: subscribe to MQTT topics and write every message as a JSON Lines reading.
//
// Payloads are normalised by mqtt::Normalizer (JSON objects, numbers, booleans, text);
// bad ones are reported on stderr and skipped. Each reading is written and flushed
// before Paho acknowledges the message to the broker, so with QoS 1 and --persistent
// nothing is lost across a crash (at-least-once). One thread writes stdout.
#include <poll.h>

#include <condition_variable>
#include <mutex>

#include "cli/mqtt_options.h"
#include "cli/tool.h"
#include "cli/values.h"
#include <fmt/format.h>

#include "core/errors.h"
#include "core/pattern.h"
#include "core/stop_request.h"
#include "mqtt/client.h"
#include "mqtt/normalize.h"

using namespace sensorpipe;

namespace {
struct Options {
  cli::MqttOptions mqtt;
  cli::OutputOptions output;
  std::vector<std::string> topics;
  std::vector<std::string> filter_out;
  bool persistent = false;
  std::string group;
  bool no_retained = false;
  std::optional<std::uint64_t> count;
  std::optional<TimeMs> timeout;
  std::string topic_fields;
  std::string sensor_field;
  bool meta = false;
  std::size_t max_payload = 1 << 20;
};

}  // namespace

int main(int argc, char** argv) {
  cli::Tool tool("mqtt-ingest", "Subscribe to MQTT topics and write each message as a JSON Lines reading", mqtt::mqtt_library_versions());
  Options o;
  auto& app = tool.app();
  app.add_option("-t,--topic", o.topics, "Subscribe to TOPIC (required, repeatable; + and # wildcards)")
      ->type_name("TOPIC");
  app.add_option("-T,--filter-out", o.filter_out,
                 "Skip messages whose topic matches FILTER (repeatable; + and # wildcards)")
      ->type_name("FILTER");
  cli::add_mqtt_options(app, o.mqtt);
  app.add_flag("--persistent", o.persistent,
               "Keep the session on the broker while we are away (needs --client-id; QoS 1/2 messages wait for us)");
  app.add_option("--group", o.group, "Share the subscriptions with other ingesters of group NAME ($share/NAME/...)")
      ->type_name("NAME");
  app.add_flag("--no-retained", o.no_retained, "Skip retained messages (stale values sent on subscribe)");
  app.add_option("-C,--count", o.count, "Exit after N readings")->type_name("N");
  cli::add_duration_option(app, "-W,--timeout", o.timeout, "Exit after DURATION (exit 1 if -C was not reached)");
  app.add_option("--topic-fields", o.topic_fields, "Turn topic levels into fields, e.g. 'home/{room}/{kind}'")
      ->type_name("PATTERN");
  app.add_option("--sensor-field", o.sensor_field, "Take the sensor id from payload field NAME instead of the topic")
      ->type_name("NAME");
  app.add_flag("--meta", o.meta, "Add \"topic\", \"qos\" and \"retain\" fields");
  cli::add_size_option(app, "--max-payload", o.max_payload, "Skip payloads larger than SIZE (default 1M)");
  cli::add_output_options(app, o.output);
  if (auto status = tool.parse(argc, argv)) return *status;

  return tool.run([&] {
    // Checked here rather than by CLI11 so that --completion works without it.
    if (o.topics.empty()) throw UsageError("-t/--topic is required");
    cli::finish_mqtt_options(o.mqtt);
    auto& diag = tool.diag();
    if (o.persistent && o.mqtt.conn.client_id.empty())
      throw UsageError("--persistent needs a fixed --client-id (the broker keeps the session under that id)");
    if (o.mqtt.conn.qos == 0 && o.persistent)
      diag.warning("--persistent with --qos 0: the broker does not keep QoS 0 messages for us");
    mqtt::NormalizeOptions norm;
    if (!o.topic_fields.empty()) norm.topic_fields.emplace(o.topic_fields);
    norm.sensor_field = o.sensor_field;
    norm.meta = o.meta;
    norm.max_payload_bytes = o.max_payload;

    mqtt::ClientOptions copts;
    copts.conn = o.mqtt.conn;
    copts.clean_session = !o.persistent;
    copts.skip_retained_on_subscribe = o.no_retained;
    for (const auto& t : o.topics) copts.subscriptions.push_back(o.group.empty() ? t : "$share/" + o.group + "/" + t);

    LineWriter out(1, o.output.policy(false));
    mqtt::Normalizer normalizer(std::move(norm));
    std::mutex out_mutex;  // one writer at a time (Paho's thread; main only after it stopped)
    std::condition_variable gate;
    bool closing = false;      // no more output: hold further messages unacknowledged
    bool output_closed = false;
    std::uint64_t emitted = 0, received = 0;
    std::string line, error;

    mqtt::Client client(copts, [&](const std::string& s) { diag.info(s); });
    client.on_message([&](const mqtt::IncomingMessage& m) {
      std::unique_lock<std::mutex> lock(out_mutex);
      // After the stop, returning would acknowledge a message we never wrote: hold it
      // until the client has disconnected, so the broker keeps it for the next run.
      if (closing) {
        gate.wait(lock, [&] { return !closing; });
        return;
      }
      ++received;
      if (o.no_retained && m.retained) return;
      for (const auto& filter : o.filter_out)
        if (pattern_matches(filter, m.topic)) return;
      line.clear();
      if (!normalizer.normalize({m.topic, m.payload, m.qos, m.retained}, now_ms(), line, error)) {
        diag.bad_input(fmt::format("message {} on {}", received, m.topic), error);
        return;
      }
      try {
        out.write_line(line);
      } catch (const OutputClosed&) {
        output_closed = closing = true;
        request_stop();
        return;
      }
      if (o.count && ++emitted >= *o.count) {
        closing = true;
        request_stop();
      }
    });
    client.start();
    if (!client.wait_connected(o.mqtt.conn.connect_timeout_ms)) {
      if (!client.fatal_error().empty()) throw RuntimeError(client.fatal_error());
      if (stop_requested()) return 0;
      const auto why = client.last_failure();
      throw RuntimeError(fmt::format("cannot connect to {} within {} ms{}", client.broker(),
                                     o.mqtt.conn.connect_timeout_ms, why.empty() ? "" : ": " + why));
    }

    // Wait for a stop (signal, -C reached, closed output, fatal error) or -W.
    const TimeMs deadline = o.timeout ? now_ms() + *o.timeout : 0;
    bool timed_out = false;
    while (!stop_requested()) {
      int wait = -1;
      if (o.timeout) {
        const TimeMs left = deadline - now_ms();
        if (left <= 0) {
          timed_out = true;
          break;
        }
        wait = static_cast<int>(std::min<TimeMs>(left, 1000));
      }
      pollfd p{stop_fd(), POLLIN, 0};
      ::poll(&p, 1, wait);
    }
    {
      std::lock_guard<std::mutex> lock(out_mutex);
      closing = true;
    }
    client.stop();
    {
      std::lock_guard<std::mutex> lock(out_mutex);
      closing = false;
    }
    gate.notify_all();
    if (!output_closed) out.flush();
    diag.summary("messages");
    if (!client.fatal_error().empty()) throw RuntimeError(client.fatal_error());
    if (timed_out && o.count && emitted < *o.count)
      throw RuntimeError(fmt::format("timed out after {} ms with {} of {} readings", *o.timeout, emitted, *o.count));
    return 0;
  });
}
