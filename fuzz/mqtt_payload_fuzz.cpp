// Fuzz target: any MQTT message (first line: topic, rest: payload) through payload
// normalisation. It must never crash, and every reading it produces (one per line: a split
// object gives several) must be a valid canonical reading line (parses again and
// serialises to the same text).
#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <string>

#include "core/reading.h"
#include "mqtt/normalize.h"

using namespace sensorpipe;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto nl = input.find('\n');
  const std::string_view topic = nl == std::string_view::npos ? std::string_view("fuzz/t") : input.substr(0, nl);
  const std::string_view payload = nl == std::string_view::npos ? input : input.substr(nl + 1);
  if (!json::valid_utf8(topic) || topic.empty()) return 0;  // brokers reject such topics
  static mqtt::Normalizer plain{mqtt::NormalizeOptions{}};
  static mqtt::Normalizer rich = [] {
    mqtt::NormalizeOptions o;
    o.topic_fields.emplace("{site}/+/{kind}/#");
    o.sensor_field = "id";
    o.meta = true;
    o.max_payload_bytes = 4096;
    return mqtt::Normalizer(std::move(o));
  }();
  static ReadingParser parser;
  for (auto* n : {&plain, &rich}) {
    std::string out, error;
    if (!n->normalize({topic, payload, 1, false}, 1795000000000, out, error)) {
      if (error.empty()) std::abort();
      continue;
    }
    if (out.empty()) std::abort();
    for (std::size_t begin = 0; begin <= out.size();) {
      const std::size_t end = std::min(out.find('\n', begin), out.size());
      const std::string line = out.substr(begin, end - begin);
      Reading r;
      if (!parser.parse(line, 0, r, error) || to_json(r) != line) std::abort();
      begin = end + 1;
    }
  }
  return 0;
}
