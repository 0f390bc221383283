// Payload normalisation: one MQTT message in, one canonical reading line out.
//
// Accepted payloads, tried in this order (surrounding whitespace ignored):
//   a JSON object     members merged into the reading; "value", "ts", "unit", "kind"
//                     and "sensor" picked up (sensor falls back to the topic; a
//                     "sensor" that is not a non-empty string rejects the message,
//                     sensor_from_member() of core/reading.h);
//   a JSON number     the value;
//   true/false/on/off (any case) a boolean value;
//   a JSON string     its text as a string value;
//   other UTF-8 text  the text as a string value.
// Rejected with a reason: empty, over the size limit, not UTF-8 or containing control
// bytes (binary), invalid JSON that starts like an object or array, arrays, null.
// A Normalizer keeps scratch buffers: one per thread.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.h"
#include "core/reading.h"
#include "core/time.h"
#include "mqtt/topic_template.h"

namespace sensorpipe::mqtt {

struct NormalizeOptions {
  std::optional<TopicFields> topic_fields;  // --topic-fields
  std::string sensor_field;                 // --sensor-field: the payload member naming the sensor
  bool meta = false;                        // --meta: add "topic", "qos", "retain"
  std::size_t max_payload_bytes = 1 << 20;
};

struct MessageView {
  std::string_view topic;
  std::string_view payload;
  int qos = 0;
  bool retained = false;
};

class Normalizer {
 public:
  explicit Normalizer(NormalizeOptions options) : opts_(std::move(options)) {}

  // Appends the reading (no newline) to `out` and returns true; or returns false with
  // `error` set to a one-line reason and `out` unchanged. `now` stamps payloads without "ts".
  bool normalize(const MessageView& m, TimeMs now, std::string& out, std::string& error);

 private:
  bool from_object(const MessageView& m, std::string_view text, std::string& error);
  void add_topic_fields(const MessageView& m, bool from_payload);

  NormalizeOptions opts_;
  Reading reading_;
  std::vector<json::Member> members_;
  std::vector<std::pair<std::string, std::string_view>> captures_;
};

}  // namespace sensorpipe::mqtt
