// How to reach an MQTT broker: the plain settings shared by mqtt-publish and mqtt-ingest.
//
// Header-only and free of Paho so that lib/cli can bind command-line options to it
// without linking the MQTT library. Filled by cli/mqtt_options, consumed by mqtt::Client.
#pragma once
#include <cstdint>
#include <string>

namespace sensorpipe::mqtt {

struct ConnectionConfig {
  // mqtt://host[:port] (plain, 1883), mqtts://host[:port] (TLS, 8883); tcp:// and ssl:// also accepted.
  std::string broker = "mqtt://127.0.0.1:1883";
  std::string username;
  std::string password;        // never printed; read from a file or the environment
  bool have_password = false;  // an empty password is still a password
  std::string client_id;       // empty: a unique one is made up
  int protocol = 4;            // 4 = MQTT 3.1.1, 5 = MQTT 5
  int qos = 1;
  // TLS (mqtts://)
  std::string cafile;
  std::string cert;
  std::string key;
  bool insecure = false;  // skip certificate and host name checks (tests only)
  // Timers, in milliseconds.
  std::int64_t keepalive_ms = 30000;
  std::int64_t connect_timeout_ms = 10000;
  // Last will: published by the broker if this client vanishes without disconnecting.
  std::string will_topic;
  std::string will_payload;
  int will_qos = 1;
  bool will_retain = false;
};

}  // namespace sensorpipe::mqtt
