// Payload normalisation: one MQTT message in, one or more canonical reading lines out.
//
// Accepted payloads, tried in this order (surrounding whitespace ignored):
//   on a preset's availability topic (PayloadRules, presets.h): online/offline in any
//                     of the ecosystem's forms, one reading of kind "availability"
//                     with the value true (online) or false (offline);
//   a JSON object with "value" (and no --split)
//                     members merged into the reading; "value", "ts", "unit", "kind"
//                     and "sensor" picked up (sensor falls back to the topic; a
//                     "sensor" that is not a non-empty string rejects the message,
//                     sensor_from_member() of core/reading.h);
//   any other JSON object
//                     split: one reading per number, boolean or state string, nested
//                     objects flattened into the sensor name (topic + "/" + path,
//                     lower case: tele/plug1/SENSOR + ENERGY.Total -> tele/plug1/energy/total
//                     with the Tasmota preset), unit and kind from the field's name,
//                     fields dropped by the preset's and the user's lists, a top-level
//                     ts/Time/last_seen/timestamp field as every reading's time;
//   a JSON number     the value (with a preset, unit and kind from the topic's last
//                     level, or ESPHome's <name> in <node>/sensor/<name>/state);
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
#include "mqtt/presets.h"
#include "mqtt/topic_template.h"

namespace sensorpipe::mqtt {

struct NormalizeOptions {
  std::optional<TopicFields> topic_fields;  // --topic-fields
  std::string sensor_field;                 // --sensor-field: the payload member naming the sensor
  bool meta = false;                        // --meta: add "topic", "qos", "retain"
  std::size_t max_payload_bytes = 1 << 20;
  PayloadRules payload;                     // --preset, --split, --drop, --payload-tz ...
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

  // Appends the readings to `out`, separated by '\n' with none after the last (a reading
  // never contains a raw newline), and returns true; or returns false with `error` set to
  // a one-line reason and `out` unchanged. `now` stamps payloads without a time.
  bool normalize(const MessageView& m, TimeMs now, std::string& out, std::string& error);

 private:
  bool from_object(const MessageView& m, std::string& error);
  bool split_object(const MessageView& m, std::string& out, std::string& error);
  bool payload_time(const json::Member& mem, std::string& error);
  void add_meta(const MessageView& m);
  void add_topic_fields(const MessageView& m, bool from_payload);

  NormalizeOptions opts_;
  Reading reading_;
  std::vector<json::Member> members_;
  std::vector<std::pair<std::string, std::string_view>> captures_;
};

}  // namespace sensorpipe::mqtt
