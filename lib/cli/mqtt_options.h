// The MQTT connection option group shared by mqtt-publish and mqtt-ingest.
//
// Binds -b/--broker, credentials, client id, protocol, QoS, TLS, keep-alive,
// connect timeout and last will to the plain mqtt::ConnectionConfig (header-only,
// so lib/cli links no MQTT library). Flags win over SENSORPIPE_BROKER and
// SENSORPIPE_MQTT_PASSWORD. Passwords are never taken from the command line itself.
#pragma once
#include <CLI/CLI.hpp>

#include <string>

#include "mqtt/config.h"

namespace sensorpipe::cli {

struct MqttOptions {
  mqtt::ConnectionConfig conn;
  std::string password_file;
};

// Adds the options to `app` (group "Connection"). `with_will`: --will-* too.
void add_mqtt_options(CLI::App& app, MqttOptions& opts, bool with_will = true);

// Call after parsing: checks the broker URL (UsageError) and loads the password from
// --password-file or SENSORPIPE_MQTT_PASSWORD (RuntimeError if the file is unreadable).
void finish_mqtt_options(MqttOptions& opts);

}  // namespace sensorpipe::cli
