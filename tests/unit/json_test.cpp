// The validating JSON scanner: valid objects, hostile bytes, escapes, writers.
#include <catch2/catch.hpp>

#include <string>

#include "core/json.h"

using namespace sensorpipe;

TEST_CASE("members are listed in order with their raw text") {
  std::vector<json::Member> m;
  std::string err;
  REQUIRE(json::scan_object(R"( {"a":1, "b" : [1,{"x":null}], "c\u0041":"s\"q"} )", m, err));
  REQUIRE(m.size() == 3);
  CHECK(m[0].key == "a");
  CHECK(m[0].raw == "1");
  CHECK(m[1].type == json::Type::Array);
  CHECK(m[1].raw == R"([1,{"x":null}])");
  CHECK(m[2].key == "cA");
  CHECK(json::unescape_string(m[2].raw) == "s\"q");
}

TEST_CASE("non-objects and malformed text give a reason") {
  std::vector<json::Member> m;
  std::string err;
  CHECK_FALSE(json::scan_object("[1,2]", m, err));
  CHECK(err == "expected an object, got an array");
  CHECK_FALSE(json::scan_object("42", m, err));
  CHECK(err == "expected an object, got a number");
  for (std::string bad : {std::string("{"), std::string("{\"a\":}"), std::string("{\"a\":1,}"), std::string("{a:1}"),
                          std::string("{\"a\":01}"), std::string("{\"a\":1} x"), std::string("{\"a\":\"\x01\"}"),
                          std::string("{\"a\":\"\xff\"}"), std::string("{\"a\":\"\xc0\xaf\"}"),
                          std::string("{\"a\":\"\xed\xa0\x80\"}"), std::string("{\"a\":\"x\0y\"}", 11),
                          std::string("{\"a\":NaN}"), std::string("{\"a\":tru}"), std::string("")}) {
    INFO(bad);
    CHECK_FALSE(json::scan_object(bad, m, err));
    CHECK_FALSE(err.empty());
  }
}

TEST_CASE("deep nesting is refused, not a stack overflow") {
  std::string deep = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  std::vector<json::Member> m;
  std::string err;
  CHECK_FALSE(json::scan_object(deep, m, err));
  CHECK(err.find("nested too deeply") != std::string::npos);
}

TEST_CASE("unicode escapes decode to UTF-8, surrogate pairs included") {
  CHECK(json::unescape_string(R"("\u00b0C")") == "\xc2\xb0" "C");
  CHECK(json::unescape_string(R"("\ud83d\ude00")") == "\xf0\x9f\x98\x80");
  CHECK(json::unescape_string(R"("\ud83d")") == "\xef\xbf\xbd");
}

TEST_CASE("writers escape what JSON needs and numbers round-trip") {
  std::string out;
  json::append_string(out, std::string("a\"b\\c\nd\x01", 8));
  CHECK(out == R"("a\"b\\c\nd\u0001")");
  out.clear();
  json::append_number(out, 21.37);
  CHECK(out == "21.37");
  out.clear();
  json::append_number(out, 5.0);
  CHECK(out == "5");
  out.clear();
  json::append_number(out, 0.1 + 0.2);
  CHECK(json::number_value(out) == 0.1 + 0.2);
}
