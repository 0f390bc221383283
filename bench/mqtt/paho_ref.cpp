// A bare Paho MQTT C++ client, the ceiling for any tool built on Paho: bench/mqtt/mqtt.sh
// compares mqtt-ingest and mqtt-publish with it as well as with the mosquitto clients.
//   paho_ref sub URI TOPIC QOS COUNT [CLIENT_ID]  write each payload as a line (flushed),
//                                                  exit after COUNT; CLIENT_ID: persistent session
//   paho_ref pub URI TOPIC QOS                    publish each stdin line; exit when all delivered
// No validation, normalisation, reconnects or queue bounds: only what Paho itself costs.
#include <MQTTAsync.h>
#include <unistd.h>
#include <mqtt/async_client.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: paho_ref sub URI TOPIC QOS COUNT [CLIENT_ID] | pub URI TOPIC QOS\n");
    return 2;
  }
  MQTTAsync_setTraceLevel(MQTTASYNC_TRACE_ERROR);  // as mqtt-ingest and mqtt-publish do
  const std::string mode = argv[1], uri = argv[2], topic = argv[3];
  const int qos = std::stoi(argv[4]);
  const bool persistent = mode == "sub" && argc > 6;
  // Paho's command queue must hold the whole input: the bare client does not pace itself.
  const auto create = mqtt::create_options_builder().max_buffered_messages(10000000).finalize();
  mqtt::async_client client(uri, persistent ? argv[6] : "paho-ref-" + std::to_string(::getpid()), create, nullptr);
  auto opts = mqtt::connect_options_builder().clean_session(!persistent).max_inflight(65535).finalize();
  if (mode == "sub") {
    const long count = std::stol(argv[5]);
    std::atomic<long> got{0};
    client.set_message_callback([&](mqtt::const_message_ptr m) {
      const auto& p = m->get_payload_ref();
      std::fwrite(p.data(), 1, p.size(), stdout);
      std::fputc('\n', stdout);
      std::fflush(stdout);
      ++got;
    });
    client.connect(opts)->wait();
    client.subscribe(topic, qos)->wait();
    while (got < count) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  } else {
    client.connect(opts)->wait();
    std::string line;
    while (std::getline(std::cin, line)) client.publish(topic, line.data(), line.size(), qos, false);
    while (!client.get_pending_delivery_tokens().empty()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  client.disconnect()->wait();
  return 0;
}
