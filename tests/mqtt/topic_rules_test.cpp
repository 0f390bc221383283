// Unit tests of MQTT's publish limits (lib/mqtt/topic_rules): each rule at its edge.
#include <catch2/catch.hpp>

#include <string>

#include "mqtt/topic_rules.h"

using sensorpipe::mqtt::kMaxPacketBytes;
using sensorpipe::mqtt::kMaxTopicBytes;
using sensorpipe::mqtt::publish_problem;
using sensorpipe::mqtt::publish_topic_problem;

namespace {
// The reason given for `topic`, or "ok".
std::string why(std::string_view topic) { return publish_topic_problem(topic).value_or("ok"); }
}  // namespace

TEST_CASE("topic length: 1 to 65535 bytes", "[topic_rules]") {
  CHECK(why("") == "the topic is empty");
  CHECK(why("a") == "ok");
  CHECK(why(std::string(kMaxTopicBytes, 'a')) == "ok");
  CHECK(why(std::string(kMaxTopicBytes + 1, 'a')) == "topic of 65536 bytes is over MQTT's limit of 65535 bytes");
  CHECK(why(std::string(70000, 'a')) == "topic of 70000 bytes is over MQTT's limit of 65535 bytes");
  // Counted in bytes, not characters: 21845 three-byte characters fit, one more does not.
  std::string euro;
  for (int i = 0; i < 21845; ++i) euro += "\xe2\x82\xac";
  CHECK(why(euro) == "ok");
  CHECK(why(euro + "\xe2\x82\xac").rfind("topic of 65538 bytes", 0) == 0);
}

TEST_CASE("no wildcards or NUL in a publish topic", "[topic_rules]") {
  CHECK(why("home/+/t") == "topic \"home/+/t\" contains the wildcard '+' (not allowed when publishing)");
  CHECK(why("home/#") == "topic \"home/#\" contains the wildcard '#' (not allowed when publishing)");
  CHECK(why(std::string_view("a\0b", 3)) == "topic \"a\\x00b\" contains a NUL character");
  // Other MQTT-special characters are allowed in a publish topic.
  CHECK(why("$SYS-like/a b/ü/{x}/") == "ok");
  CHECK(why("/") == "ok");
}

TEST_CASE("topics are well-formed UTF-8 without control characters", "[topic_rules]") {
  CHECK(why("caf\xc3\xa9") == "ok");                // é
  CHECK(why("\xf0\x9f\x8c\xa1") == "ok");           // U+1F321, 4 bytes
  CHECK(why("\xf4\x8f\xbf\xbd") == "ok");           // U+10FFFD, the last usable plane
  CHECK(why("a\xff").rfind("topic \"a\xff\" is not valid UTF-8 (byte 2)", 0) == 0);
  CHECK(why("\xc3").find("not valid UTF-8") != std::string::npos);              // truncated
  CHECK(why("\xc3(").find("not valid UTF-8") != std::string::npos);             // bad continuation
  CHECK(why("\xc0\xaf").find("not valid UTF-8") != std::string::npos);          // overlong '/'
  CHECK(why("\xe0\x80\xaf").find("not valid UTF-8") != std::string::npos);      // overlong, 3 bytes
  CHECK(why("\xed\xa0\x80").find("not valid UTF-8") != std::string::npos);      // U+D800 surrogate
  CHECK(why("\xf4\x90\x80\x80").find("not valid UTF-8") != std::string::npos);  // above U+10FFFF
  CHECK(why("a\tb") == "topic \"a\\x09b\" contains the control character U+0009");
  CHECK(why("a\x7f") == "topic \"a\\x7f\" contains the control character U+007F");
  CHECK(why("a\xc2\x9f").find("control character U+009F") != std::string::npos);
  CHECK(why("a\xc2\xa0") == "ok");  // U+00A0, just past the C1 controls
  CHECK(why("\xef\xbf\xbf").find("non-character U+FFFF") != std::string::npos);
  CHECK(why("\xef\xb7\x90").find("non-character U+FDD0") != std::string::npos);
}

TEST_CASE("the packet stays within MQTT's largest size", "[topic_rules]") {
  // Topic length field 2 + topic 3 + packet id 2 + v5 property length 1.
  const std::size_t most = kMaxPacketBytes - 8;
  CHECK_FALSE(publish_problem("a/b", most));
  REQUIRE(publish_problem("a/b", most + 1));
  CHECK(*publish_problem("a/b", most + 1) ==
        "payload of 268435448 bytes is over MQTT's limit of 268435447 bytes for this topic");
  CHECK_FALSE(publish_problem("a/b", 0));
  // The topic rules apply first.
  CHECK(*publish_problem("a/#", 1) == "topic \"a/#\" contains the wildcard '#' (not allowed when publishing)");
}
