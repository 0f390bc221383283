// The MQTT connection option group (see mqtt_options.h).
#include "cli/mqtt_options.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "cli/tool.h"
#include "cli/values.h"
#include "core/errors.h"

namespace sensorpipe::cli {

namespace {
const char* kGroup = "Connection";

CLI::Option* add_qos(CLI::App& app, const std::string& flags, int& target, const std::string& help) {
  return app.add_option(flags, target, help)->check(CLI::Range(0, 2).description(""))->type_name("0|1|2")->group(kGroup);
}
}  // namespace

void add_mqtt_options(CLI::App& app, MqttOptions& opts, bool with_will) {
  auto& c = opts.conn;
  app.add_option("-b,--broker", c.broker,
                 "Broker URL: mqtt://HOST[:PORT] or mqtts://HOST[:PORT] (default mqtt://127.0.0.1:1883)")
      ->envname("SENSORPIPE_BROKER")
      ->type_name("URL")
      ->group(kGroup);
  app.add_option("-u,--username", c.username, "User name for the broker")->type_name("NAME")->group(kGroup);
  app.add_option("--password-file", opts.password_file,
                 "Read the password from FILE (first line); else $SENSORPIPE_MQTT_PASSWORD")
      ->type_name("FILE")
      ->group(kGroup);
  app.add_option("-i,--client-id", c.client_id, "Client id (default: made up, unique per run)")
      ->type_name("ID")
      ->group(kGroup);
  app.add_option_function<std::string>(
         "--protocol",
         [&c](const std::string& v) {
           if (v == "3.1.1" || v == "311" || v == "4") c.protocol = 4;
           else if (v == "5" || v == "5.0") c.protocol = 5;
           else throw CLI::ValidationError("--protocol", "expected 3.1.1 or 5, got '" + v + "'");
         },
         "MQTT protocol version: 3.1.1 (default) or 5")
      ->type_name("3.1.1|5")
      ->group(kGroup);
  add_qos(app, "-q,--qos", c.qos, "Quality of service 0, 1 (default) or 2");
  app.add_option("--cafile", c.cafile, "Trust the CA certificates in FILE (PEM) for mqtts://")
      ->type_name("FILE")
      ->group(kGroup);
  app.add_option("--cert", c.cert, "Client certificate (PEM) for mqtts://")->type_name("FILE")->group(kGroup);
  app.add_option("--key", c.key, "Client private key (PEM) for mqtts://")->type_name("FILE")->group(kGroup);
  app.add_flag("--insecure", c.insecure, "Do not verify the broker's certificate or host name (testing only)")
      ->group(kGroup);
  add_duration_option(app, "--keepalive", c.keepalive_ms, "Keep-alive interval (default 30s)")->group(kGroup);
  add_duration_option(app, "--connect-timeout", c.connect_timeout_ms,
                      "Give up on the first connection after DURATION (default 10s)")
      ->group(kGroup);
  if (with_will) {
    app.add_option("--will-topic", c.will_topic, "Last will: topic the broker publishes to if we vanish")
        ->type_name("TOPIC")
        ->group(kGroup);
    app.add_option("--will-payload", c.will_payload, "Last will: payload (default empty)")
        ->type_name("TEXT")
        ->group(kGroup);
    add_qos(app, "--will-qos", c.will_qos, "Last will: QoS (default 1)");
    app.add_flag("--will-retain", c.will_retain, "Last will: retain the message")->group(kGroup);
  }
}

void finish_mqtt_options(MqttOptions& opts) {
  auto& c = opts.conn;
  const auto scheme_end = c.broker.find("://");
  if (scheme_end == std::string::npos) {
    // A bare host[:port] is what people type; treat it as mqtt://.
    c.broker = "mqtt://" + c.broker;
  } else {
    const auto scheme = c.broker.substr(0, scheme_end);
    if (scheme != "mqtt" && scheme != "mqtts" && scheme != "tcp" && scheme != "ssl" && scheme != "ws" &&
        scheme != "wss")
      throw UsageError("--broker: expected mqtt://HOST[:PORT] or mqtts://HOST[:PORT], got '" + c.broker + "'");
  }
  if (c.broker.size() <= c.broker.find("://") + 3)
    throw UsageError("--broker: no host in '" + c.broker + "'");
  if (!c.will_payload.empty() && c.will_topic.empty()) throw UsageError("--will-payload needs --will-topic");
  if (!opts.password_file.empty()) {
    c.password = read_secret_file(opts.password_file, "--password-file");
    c.have_password = true;
  } else if (const char* env = std::getenv("SENSORPIPE_MQTT_PASSWORD")) {
    c.password = env;
    c.have_password = true;
  }
}

}  // namespace sensorpipe::cli
