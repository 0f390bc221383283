// Readings and commands: validation reasons, canonical output, extra fields kept.
#include <catch2/catch.hpp>

#include "core/reading.h"

using namespace sensorpipe;

namespace {
std::string parse_error(const std::string& line) {
  ReadingParser p;
  Reading r;
  std::string err;
  if (p.parse(line, 0, r, err)) return "";
  return err;
}
}  // namespace

TEST_CASE("a full reading parses and serialises canonically") {
  ReadingParser p;
  Reading r;
  std::string err;
  REQUIRE(p.parse(R"({"room":"kitchen","value":21.37,"ts":"2026-11-22T12:46:07.123+01:00","sensor":"home/kitchen/temperature","unit":"°C","kind":"temperature","seq":[1,2]})",
                  0, r, err));
  CHECK(r.sensor == "home/kitchen/temperature");
  CHECK(std::get<double>(r.value) == 21.37);
  CHECK(to_json(r) ==
        R"({"sensor":"home/kitchen/temperature","ts":"2026-11-22T11:46:07.123Z","value":21.37,"unit":"°C","kind":"temperature","room":"kitchen","seq":[1,2]})");
}

TEST_CASE("values may be numbers, booleans or strings; ts may be epoch s or ms or missing") {
  ReadingParser p;
  Reading r;
  std::string err;
  REQUIRE(p.parse(R"({"sensor":"s","value":true,"ts":1795347967.5})", 0, r, err));
  CHECK(std::get<bool>(r.value));
  CHECK(r.ts == 1795347967500LL);
  REQUIRE(p.parse(R"({"sensor":"s","value":"on","ts":1795347967123})", 0, r, err));
  CHECK(std::get<std::string>(r.value) == "on");
  CHECK(r.ts == 1795347967123LL);
  REQUIRE(p.parse(R"({"sensor":"s","value":1})", 4242, r, err));
  CHECK(r.ts == 4242);
}

TEST_CASE("invalid readings are rejected with the reason") {
  CHECK(parse_error(R"({"value":1})") == "missing \"sensor\"");
  CHECK(parse_error(R"({"sensor":"","value":1})") == "\"sensor\" must be a non-empty string");
  CHECK(parse_error(R"({"sensor":5,"value":1})") == "\"sensor\" must be a non-empty string");
  CHECK(parse_error(R"({"sensor":"s"})") == "missing \"value\"");
  CHECK(parse_error(R"({"sensor":"s","value":{"a":1}})") == "\"value\" must be a number, boolean or string");
  CHECK(parse_error(R"({"sensor":"s","value":null})") == "\"value\" must be a number, boolean or string");
  CHECK(parse_error(R"({"sensor":"s","value":1e999})") == "\"value\" must be a finite number");
  CHECK(parse_error(R"({"sensor":"s","value":1,"ts":"yesterday"})").rfind("\"ts\" is not an RFC 3339 time", 0) == 0);
  CHECK(parse_error(R"({"sensor":"s","value":1,"ts":1e300})").rfind("\"ts\" is out of range", 0) == 0);
  CHECK(parse_error(R"({"sensor":"s","value":1,"unit":3})") == "\"unit\" must be a string, got a number");
  CHECK(parse_error("[1]") == "expected an object, got an array");
}

TEST_CASE("commands need a target and a value") {
  ReadingParser p;
  Command c;
  std::string err;
  REQUIRE(p.parse_command(R"({"target":"home/led/set","value":0.9,"client":"c1"})", c, err));
  CHECK(c.target == "home/led/set");
  std::string out;
  append_command(out, c);
  CHECK(out == R"({"target":"home/led/set","value":0.9,"client":"c1"})");
  CHECK_FALSE(p.parse_command(R"({"value":1})", c, err));
  CHECK(err == "missing \"target\"");
}
