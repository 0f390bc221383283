// MQTT's limits on a message to publish: the one place that checks them before Paho.
//
// Paho sends whatever it is given: a 70,000-byte topic went out with its length field
// wrapped to 16 bits (a malformed PUBLISH), and a topic the broker rejects closes the
// connection, after which the client reconnects and resends it for ever. So a message
// that breaks a rule is refused here, as bad input of the line that made it.
// Rules (MQTT 3.1.1 and 5 alike): a topic name is 1..65,535 bytes of well-formed UTF-8
// (no overlong forms, surrogates or code points above U+10FFFF), holds neither the
// wildcards '+' and '#' nor U+0000, nor the control characters U+0001..U+001F and
// U+007F..U+009F or the Unicode non-characters, which mosquitto rejects as malformed;
// the whole PUBLISH packet stays within 268,435,455 bytes.
// Pure functions, safe from any thread.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sensorpipe::mqtt {

constexpr std::size_t kMaxTopicBytes = 65535;
// The largest "remaining length" of an MQTT packet.
constexpr std::size_t kMaxPacketBytes = 268435455;

// Why `topic` cannot be published (a one-line reason fit for "line N: ..."), or nullopt.
std::optional<std::string> publish_topic_problem(std::string_view topic);

// Why a message on `topic` with a payload of `payload_bytes` cannot be published, or nullopt.
std::optional<std::string> publish_problem(std::string_view topic, std::size_t payload_bytes);

}  // namespace sensorpipe::mqtt
