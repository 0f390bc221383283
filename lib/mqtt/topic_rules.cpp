// MQTT's limits on a message to publish (see topic_rules.h).
#include "mqtt/topic_rules.h"

#include <fmt/format.h>

#include <cstdint>

namespace sensorpipe::mqtt {

namespace {
// A topic quoted in a message: long ones are cut, bytes that would garble a terminal escaped.
std::string shown(std::string_view topic) {
  std::string out;
  for (const char c : topic.substr(0, 60)) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) out += fmt::format("\\x{:02x}", u);
    else out += c;
  }
  if (topic.size() > 60) out += "...";
  return out;
}

// Decodes the UTF-8 sequence at s[i]; returns its length, or 0 when it is not well formed
// (truncated, bad continuation, overlong, surrogate, above U+10FFFF).
std::size_t decode(std::string_view s, std::size_t i, std::uint32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t len;
  std::uint32_t min;
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  } else if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (s.size() - i < len) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}
}  // namespace

std::optional<std::string> publish_topic_problem(std::string_view topic) {
  if (topic.empty()) return std::string("the topic is empty");
  if (topic.size() > kMaxTopicBytes)
    return fmt::format("topic of {} bytes is over MQTT's limit of {} bytes", topic.size(), kMaxTopicBytes);
  for (std::size_t i = 0; i < topic.size();) {
    std::uint32_t cp = 0;
    const auto len = decode(topic, i, cp);
    if (len == 0) return fmt::format("topic \"{}\" is not valid UTF-8 (byte {})", shown(topic), i + 1);
    if (cp == '+' || cp == '#')
      return fmt::format("topic \"{}\" contains the wildcard '{}' (not allowed when publishing)", shown(topic),
                         static_cast<char>(cp));
    if (cp == 0) return fmt::format("topic \"{}\" contains a NUL character", shown(topic));
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
      return fmt::format("topic \"{}\" contains the control character U+{:04X}", shown(topic), cp);
    if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE)
      return fmt::format("topic \"{}\" contains the Unicode non-character U+{:04X}", shown(topic), cp);
    i += len;
  }
  return std::nullopt;
}

std::optional<std::string> publish_problem(std::string_view topic, std::size_t payload_bytes) {
  if (auto problem = publish_topic_problem(topic)) return problem;
  // Topic length field (2), packet id (2, QoS 1/2) and v5's property length (1): counted
  // for every QoS and version, so the rule does not depend on them.
  const std::size_t overhead = 2 + topic.size() + 2 + 1;
  if (payload_bytes > kMaxPacketBytes - overhead)
    return fmt::format("payload of {} bytes is over MQTT's limit of {} bytes for this topic", payload_bytes,
                       kMaxPacketBytes - overhead);
  return std::nullopt;
}

}  // namespace sensorpipe::mqtt
