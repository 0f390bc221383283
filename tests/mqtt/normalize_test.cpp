// Unit tests of payload normalisation and topic templates.
#include <catch2/catch.hpp>

#include "core/errors.h"
#include "mqtt/normalize.h"
#include "mqtt/topic_template.h"

using namespace sensorpipe;
using sensorpipe::mqtt::Normalizer;
using sensorpipe::mqtt::NormalizeOptions;

namespace {
constexpr TimeMs kNow = 1795000000000;  // 2026-11-18T...
std::string norm(std::string_view topic, std::string_view payload, NormalizeOptions o = {}) {
  Normalizer n(std::move(o));
  std::string out, error;
  if (!n.normalize({topic, payload, 1, false}, kNow, out, error)) return "ERROR: " + error;
  return out;
}
}  // namespace

TEST_CASE("bare payloads become values", "[normalize]") {
  CHECK(norm("home/t", "21.5") == R"({"sensor":"home/t","ts":"2026-11-18T11:06:40.000Z","value":21.5})");
  CHECK(norm("home/t", " -3e2\n") == R"({"sensor":"home/t","ts":"2026-11-18T11:06:40.000Z","value":-300})");
  CHECK(norm("a", "ON").find(R"("value":true)") != std::string::npos);
  CHECK(norm("a", "off").find(R"("value":false)") != std::string::npos);
  CHECK(norm("a", "true").find(R"("value":true)") != std::string::npos);
  CHECK(norm("a", "open door").find(R"("value":"open door")") != std::string::npos);
  CHECK(norm("a", R"("quoted \"x\"")").find(R"("value":"quoted \"x\"")") != std::string::npos);
  CHECK(norm("a", "21.5 °C").find(R"("value":"21.5 °C")") != std::string::npos);
}

TEST_CASE("JSON objects are merged", "[normalize]") {
  CHECK(norm("home/k", R"({"value":1,"ts":"2026-11-22T10:00:00+01:00","unit":"C","room":"k"})") ==
        R"({"sensor":"home/k","ts":"2026-11-22T09:00:00.000Z","value":1,"unit":"C","room":"k"})");
  CHECK(norm("home/k", R"({"sensor":"mine","value":"on","ts":1795000000})") ==
        R"({"sensor":"mine","ts":"2026-11-18T11:06:40.000Z","value":"on"})");
  NormalizeOptions o;
  o.sensor_field = "id";
  CHECK(norm("t", R"({"id":"dev7","value":2,"sensor":"ignored"})", o) ==
        R"({"sensor":"dev7","ts":"2026-11-18T11:06:40.000Z","value":2,"id":"dev7"})");
}

TEST_CASE("topic fields and meta", "[normalize]") {
  NormalizeOptions o;
  o.topic_fields.emplace("home/{room}/{kind}");
  o.meta = true;
  CHECK(norm("home/kitchen/temperature", "20", o) ==
        R"({"sensor":"home/kitchen/temperature","ts":"2026-11-18T11:06:40.000Z","value":20,"kind":"temperature",)"
        R"("room":"kitchen","topic":"home/kitchen/temperature","qos":1,"retain":false})");
  // The payload's own field wins over the topic's.
  CHECK(norm("home/kitchen/t", R"({"value":1,"room":"hall"})", o).find(R"("room":"hall")") != std::string::npos);
  // A topic that does not match gets no fields.
  CHECK(norm("other/x", "1", o).find("room") == std::string::npos);
}

TEST_CASE("bad payloads are rejected with a reason", "[normalize]") {
  CHECK(norm("a", "") == "ERROR: empty payload");
  CHECK(norm("a", std::string_view("\x00\x01\x02", 3)) == "ERROR: binary payload (3 bytes) skipped");
  CHECK(norm("a", "\xff\xfe") == "ERROR: binary payload (2 bytes) skipped");
  CHECK(norm("a", R"({"value":)").rfind("ERROR: invalid JSON payload", 0) == 0);
  CHECK(norm("a", R"({"temp":1})") == R"(ERROR: JSON payload has no "value")");
  CHECK(norm("a", "[1,2]") == "ERROR: a JSON array is not a reading");
  CHECK(norm("a", "null") == "ERROR: null payload");
  CHECK(norm("a", R"({"value":[1]})").rfind(R"(ERROR: "value" must be)", 0) == 0);
  // A sensor id is a non-empty string, as everywhere in the pipeline (db-store refuses others).
  CHECK(norm("a", R"({"sensor":5,"value":1})") == R"(ERROR: "sensor" must be a non-empty string)");
  CHECK(norm("a", R"({"sensor":"","value":1})") == R"(ERROR: "sensor" must be a non-empty string)");
  CHECK(norm("a", R"({"sensor":null,"value":1})") == R"(ERROR: "sensor" must be a non-empty string)");
  NormalizeOptions by_id;
  by_id.sensor_field = "id";
  CHECK(norm("a", R"({"id":7,"value":1})", by_id) == R"(ERROR: "id" must be a non-empty string)");
  NormalizeOptions o;
  o.max_payload_bytes = 4;
  CHECK(norm("a", "12345", o).rfind("ERROR: payload of 5 bytes", 0) == 0);
}

TEST_CASE("topic templates fill from fields", "[topic]") {
  std::vector<json::Member> members;
  std::string error, topic;
  REQUIRE(json::scan_object(R"({"sensor":"home/led","n":3,"on":true,"o":{}})", members, error));
  CHECK(sensorpipe::mqtt::TopicTemplate("x/{sensor}/{n}/{on}").fill(members, topic, error));
  CHECK(topic == "x/home/led/3/true");
  CHECK_FALSE(sensorpipe::mqtt::TopicTemplate("{missing}").fill(members, topic, error));
  CHECK(error == R"(no "missing" field for --topic '{missing}')");
  CHECK_FALSE(sensorpipe::mqtt::TopicTemplate("{o}").fill(members, topic, error));
  REQUIRE(json::scan_object(R"({"t":"a/+/b"})", members, error));
  CHECK_FALSE(sensorpipe::mqtt::TopicTemplate("{t}").fill(members, topic, error));
  CHECK_THROWS_AS(sensorpipe::mqtt::TopicTemplate("home/{sensor"), UsageError);
  CHECK_THROWS_AS(sensorpipe::mqtt::TopicTemplate("home/#"), UsageError);
  CHECK(sensorpipe::mqtt::TopicTemplate("home/x").literal());
}

TEST_CASE("topic field patterns", "[topic]") {
  std::vector<std::pair<std::string, std::string_view>> out;
  sensorpipe::mqtt::TopicFields f("home/{room}/+/{kind}");
  REQUIRE(f.match("home/hall/x/light", out));
  REQUIRE(out.size() == 2);
  CHECK(out[0].second == "hall");
  CHECK(out[1].second == "light");
  CHECK_FALSE(f.match("home/hall/x", out));
  CHECK_FALSE(f.match("home/hall/x/light/extra", out));
  CHECK_FALSE(f.match("work/hall/x/light", out));
  sensorpipe::mqtt::TopicFields rest("{site}/#");
  CHECK(rest.match("plant/a/b", out));
  CHECK(out[0].second == "plant");
}
