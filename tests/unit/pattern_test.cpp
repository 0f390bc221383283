// Sensor patterns: globs and MQTT wildcards.
#include <catch2/catch.hpp>

#include "core/pattern.h"

using sensorpipe::pattern_matches;

TEST_CASE("exact names and globs") {
  CHECK(pattern_matches("home/kitchen/temperature", "home/kitchen/temperature"));
  CHECK_FALSE(pattern_matches("home/kitchen/temperature", "home/kitchen/temperature2"));
  CHECK(pattern_matches("home/kitchen/*", "home/kitchen/temperature"));
  CHECK(pattern_matches("home/*", "home/kitchen/temperature"));
  CHECK(pattern_matches("*temp*", "home/kitchen/temperature"));
  CHECK(pattern_matches("home/kitchen/t?mperature", "home/kitchen/temperature"));
  CHECK_FALSE(pattern_matches("home/bath/*", "home/kitchen/temperature"));
  CHECK(pattern_matches("*", ""));
}

TEST_CASE("MQTT wildcards") {
  CHECK(pattern_matches("home/+/temperature", "home/kitchen/temperature"));
  CHECK_FALSE(pattern_matches("home/+/temperature", "home/a/b/temperature"));
  CHECK_FALSE(pattern_matches("home/+", "home/kitchen/temperature"));
  CHECK(pattern_matches("home/#", "home/kitchen/temperature"));
  CHECK(pattern_matches("home/#", "home"));
  CHECK(pattern_matches("#", "anything/at/all"));
  CHECK_FALSE(pattern_matches("home/#", "house/x"));
  CHECK(pattern_matches("+/+/humidity", "h1/bath/humidity"));
}
