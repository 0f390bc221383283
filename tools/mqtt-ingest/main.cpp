// mqtt-ingest: subscribe to MQTT topics and write every message as a JSON Lines reading.
//
// Payloads are normalised by mqtt::Normalizer (JSON objects, numbers, booleans, text;
// device objects split into one reading per field, --preset); bad ones are reported on
// stderr and skipped. Each reading is written and flushed
// before Paho acknowledges the message to the broker, so with QoS 1 and --persistent
// nothing is lost across a crash (at-least-once); a message that finds stdout closed or
// arrives after -C was reached is left unacknowledged (mqtt::Delivery::Held). One thread
// writes stdout.
#include <poll.h>

#include <condition_variable>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

#include "cli/mqtt_options.h"
#include "cli/tool.h"
#include "cli/values.h"
#include <fmt/format.h>

#include "core/errors.h"
#include "core/pattern.h"
#include "core/stop_request.h"
#include "mqtt/client.h"
#include "mqtt/normalize.h"
#include "store/zone.h"

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
  std::string preset;
  bool split = false;
  bool keep_case = false;
  std::vector<std::string> drop;
  std::vector<std::string> states;
  std::vector<std::string> units;
  std::vector<std::string> renames;
  std::string mapping;
  std::string payload_tz;
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
  app.add_option("--preset", o.preset,
                 "Read the payloads of NAME devices: zigbee2mqtt, tasmota, shelly or esphome (units, kinds, "
                 "availability)")
      ->type_name("NAME");
  app.add_flag("--split", o.split, "Split every JSON object into one reading per field, even one with \"value\"");
  app.add_option("--drop", o.drop, "Drop payload field NAME or PATH (a/b or a.b) when splitting (repeatable)")
      ->type_name("FIELD");
  app.add_option("--state-field", o.states, "Keep string field NAME as a state reading when splitting (repeatable)")
      ->type_name("NAME");
  app.add_option("--field-unit", o.units,
                 "Give payload field or topic level NAME this UNIT (and KIND), e.g. pm25=ug/m3,pm25 (repeatable)")
      ->type_name("NAME=UNIT[,KIND]");
  app.add_option("--rename", o.renames,
                 "Name sensors FROM (or FROM/...) TO (or TO/...) instead, e.g. zigbee2mqtt/0x0015...=kitchen (repeatable)")
      ->type_name("FROM=TO");
  app.add_option("--mapping", o.mapping, "Read more payload rules from FILE (drop, state-field, field-unit, rename lines)")
      ->type_name("FILE");
  app.add_flag("--keep-case", o.keep_case, "Keep the payload's field names' case in sensor names (default lower case)");
  app.add_option("--payload-tz", o.payload_tz,
                 "Read payload times without an offset (Tasmota's \"Time\") as local time in ZONE, e.g. Europe/Berlin")
      ->type_name("ZONE");
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
    if (!o.preset.empty()) norm.payload.preset = mqtt::preset_from_name(o.preset);
    norm.payload.split_always = o.split;
    norm.payload.keep_case = o.keep_case;
    norm.payload.drop = o.drop;
    norm.payload.states = o.states;
    for (const auto& u : o.units) norm.payload.units.push_back(mqtt::parse_field_rule(u));
    for (const auto& r : o.renames) norm.payload.renames.push_back(mqtt::parse_rename(r));
    if (!o.mapping.empty()) {
      // After the options: a command line's --rename is tried before the file's.
      std::ifstream in(o.mapping, std::ios::binary);
      std::stringstream text;
      if (!(in && text << in.rdbuf())) throw UsageError("--mapping: cannot read " + o.mapping);
      try {
        mqtt::read_mapping(text.str(), norm.payload);
      } catch (const UsageError& e) {
        throw UsageError("--mapping " + o.mapping + ": " + e.what());
      }
    }
    if (!o.payload_tz.empty()) {
      std::shared_ptr<const store::TimeZone> zone;
      try {
        zone = store::TimeZone::load(o.payload_tz);
      } catch (const UsageError& e) {
        throw UsageError(std::string("--payload-tz: ") + e.what());
      }
      norm.payload.local_to_utc = [zone](TimeMs wall) { return zone->to_utc(wall); };
    }

    mqtt::ClientOptions copts;
    copts.conn = o.mqtt.conn;
    copts.clean_session = !o.persistent;
    copts.skip_retained_on_subscribe = o.no_retained;
    for (const auto& t : o.topics) copts.subscriptions.push_back(o.group.empty() ? t : "$share/" + o.group + "/" + t);

    LineWriter out(1, o.output.policy(false));
    mqtt::Normalizer normalizer(std::move(norm));
    std::mutex out_mutex;  // one writer at a time (Paho's thread; main only after closing)
    bool closing = false;  // no more output (-C reached, stdout closed, stopping): take no more messages
    bool output_closed = false;
    std::uint64_t emitted = 0, received = 0;
    std::string line, error;

    copts.cancelled = stop_requested;
    copts.on_fatal = [](const std::string&) { request_stop(); };  // reported below, exit 1
    auto client_ptr = std::make_unique<mqtt::Client>(copts, [&](const std::string& s) { diag.info(s); });
    auto& client = *client_ptr;
    // A message that is not written must stay unacknowledged when the broker keeps it for
    // us (--persistent): Held, so the next run gets it. With a clean session the broker
    // forgets it at our disconnect anyway, so it is dropped and the disconnect stays clean.
    // Either way the handler never waits: Paho calls it holding its own lock.
    const auto unwritten = o.persistent ? mqtt::Delivery::Held : mqtt::Delivery::Taken;
    client.on_message([&](const mqtt::IncomingMessage& m) {
      std::lock_guard<std::mutex> lock(out_mutex);
      if (closing) return unwritten;
      ++received;
      if (o.no_retained && m.retained) return mqtt::Delivery::Taken;
      for (const auto& filter : o.filter_out)
        if (pattern_matches(filter, m.topic)) return mqtt::Delivery::Taken;
      line.clear();
      if (!normalizer.normalize({m.topic, m.payload, m.qos, m.retained}, now_ms(), line, error)) {
        diag.bad_input(fmt::format("message {} on {}", received, m.topic), error);
        return mqtt::Delivery::Taken;
      }
      // One message may give several readings (a split object), one per line.
      for (std::size_t begin = 0; begin <= line.size();) {
        const std::size_t end = std::min(line.find('\n', begin), line.size());
        try {
          out.write_line(std::string_view(line).substr(begin, end - begin));
        } catch (const OutputClosed&) {
          output_closed = closing = true;
          request_stop();
          return unwritten;
        }
        if (o.count && ++emitted >= *o.count) {
          closing = true;
          request_stop();
          return mqtt::Delivery::Taken;
        }
        begin = end + 1;
      }
      return mqtt::Delivery::Taken;
    });
    client.start();
    client.await_connection(o.mqtt.conn.connect_timeout_ms);  // false: stopped meanwhile, see below

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
    // A held message keeps Paho's threads for the rest of the process; the broker keeps the
    // message, and the connection closes when we exit, just below. `client` stays valid.
    if (!client.stop()) mqtt::Client::keep_until_exit(std::move(client_ptr));
    if (!output_closed) out.flush();
    diag.summary("messages");
    if (!client.fatal_error().empty()) throw RuntimeError(client.fatal_error());
    if (timed_out && o.count && emitted < *o.count)
      throw RuntimeError(fmt::format("timed out after {} ms with {} of {} readings", *o.timeout, emitted, *o.count));
    return 0;
  });
}
