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
  CHECK(norm("a", R"({"note":"x","list":[1]})") ==
        R"(ERROR: JSON payload has no "value" and no number, boolean or state field to split)");
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

namespace {
NormalizeOptions preset(sensorpipe::mqtt::Preset p) {
  NormalizeOptions o;
  o.payload.preset = p;
  return o;
}
using sensorpipe::mqtt::Preset;
// Berlin in November: UTC+1, as a fixed wall-clock converter (the zone code has its own tests).
TimeMs berlin_winter(TimeMs wall) { return wall - 3'600'000; }
}  // namespace

TEST_CASE("an object without value splits into one reading per field", "[normalize][split]") {
  CHECK(norm("home/k", R"({"temp":1,"on":true,"label":"x","inner":{"Deep":2.5}})") ==
        R"({"sensor":"home/k/temp","ts":"2026-11-18T11:06:40.000Z","value":1})"
        "\n"
        R"({"sensor":"home/k/on","ts":"2026-11-18T11:06:40.000Z","value":true})"
        "\n"
        R"({"sensor":"home/k/inner/deep","ts":"2026-11-18T11:06:40.000Z","value":2.5})");
  NormalizeOptions o;
  o.payload.split_always = true;
  o.payload.keep_case = true;
  o.payload.drop = {"inner.Deep"};
  o.payload.states = {"label"};
  CHECK(norm("home/k", R"({"value":3,"label":"x","inner":{"Deep":2.5,"B":1}})", o) ==
        R"({"sensor":"home/k/value","ts":"2026-11-18T11:06:40.000Z","value":3})"
        "\n"
        R"({"sensor":"home/k/label","ts":"2026-11-18T11:06:40.000Z","value":"x"})"
        "\n"
        R"({"sensor":"home/k/inner/B","ts":"2026-11-18T11:06:40.000Z","value":1})");
  // The user's units win over the tables, for fields and (even without a preset) plain values.
  NormalizeOptions u;
  u.payload.units = {sensorpipe::mqtt::parse_field_rule("pm25=µg/m³,pm25"),
                     sensorpipe::mqtt::parse_field_rule("temperature=K")};
  CHECK(norm("air", R"({"pm25":12,"temperature":293.1})", u) ==
        R"({"sensor":"air/pm25","ts":"2026-11-18T11:06:40.000Z","value":12,"unit":"µg/m³","kind":"pm25"})"
        "\n"
        R"({"sensor":"air/temperature","ts":"2026-11-18T11:06:40.000Z","value":293.1,"unit":"K","kind":"temperature"})");
  CHECK(norm("home/air/outdoor_pm25", "7", u).find(R"("unit":"µg/m³","kind":"pm25")") != std::string::npos);
  CHECK(norm("home/air/humidity", "7", u).find("unit") == std::string::npos);
  CHECK_THROWS_AS(sensorpipe::mqtt::parse_field_rule("pm25"), UsageError);
  CHECK_THROWS_AS(sensorpipe::mqtt::parse_field_rule("pm25=ug,"), UsageError);
  // A sensor member names the readings, under the data contract's rule.
  CHECK(norm("t", R"({"sensor":"dev7","a":1})") == R"({"sensor":"dev7/a","ts":"2026-11-18T11:06:40.000Z","value":1})");
  CHECK(norm("t", R"({"sensor":5,"a":1})") == R"(ERROR: "sensor" must be a non-empty string)");
  // --topic-fields: a {sensor} level names the readings, other levels are fields of each.
  NormalizeOptions tf;
  tf.topic_fields.emplace("zigbee2mqtt/{room}/{sensor}");
  CHECK(norm("zigbee2mqtt/hall/th", R"({"temperature":20,"battery":90})", tf) ==
        R"({"sensor":"th/temperature","ts":"2026-11-18T11:06:40.000Z","value":20,"unit":"°C","kind":"temperature","room":"hall"})"
        "\n"
        R"({"sensor":"th/battery","ts":"2026-11-18T11:06:40.000Z","value":90,"unit":"%","kind":"battery","room":"hall"})");
  // A time field with an offset or an epoch number is every reading's time.
  CHECK(norm("d", R"({"a":1,"timestamp":1795000060})") ==
        R"({"sensor":"d/a","ts":"2026-11-18T11:07:40.000Z","value":1})");
  CHECK(norm("d", R"({"a":1,"time":"soon"})") == R"(ERROR: "time" is not an RFC 3339 time: "soon")");
}

TEST_CASE("renames and mapping files", "[normalize][mapping]") {
  NormalizeOptions o;
  o.payload.preset = Preset::Zigbee2mqtt;
  sensorpipe::mqtt::read_mapping("# the hall sensor by its address\n"
                                 "rename zigbee2mqtt/0x00158d0001a2b3c4=hall/th\n"
                                 "\n"
                                 "  drop battery  \n"
                                 "field-unit voltage=mV\n"
                                 "state-field mode\n",
                                 o.payload);
  CHECK(norm("zigbee2mqtt/0x00158d0001a2b3c4", R"({"temperature":20,"battery":90,"voltage":3025,"mode":"eco"})", o) ==
        R"({"sensor":"hall/th/temperature","ts":"2026-11-18T11:06:40.000Z","value":20,"unit":"°C","kind":"temperature"})"
        "\n"
        R"({"sensor":"hall/th/voltage","ts":"2026-11-18T11:06:40.000Z","value":3025,"unit":"mV","kind":"voltage"})"
        "\n"
        R"({"sensor":"hall/th/mode","ts":"2026-11-18T11:06:40.000Z","value":"eco"})");
  CHECK(norm("zigbee2mqtt/0x00158d0001a2b3c4/availability", "offline", o) ==
        R"({"sensor":"hall/th/availability","ts":"2026-11-18T11:06:40.000Z","value":false,"kind":"availability"})");
  // Only whole levels match: 0x00158d0001a2b3c45 is another device.
  CHECK(norm("zigbee2mqtt/0x00158d0001a2b3c45", R"({"temperature":20})", o).rfind(R"({"sensor":"zigbee2mqtt/0x00158d0001a2b3c45/)", 0) == 0);
  NormalizeOptions plain;
  plain.payload.renames = {sensorpipe::mqtt::parse_rename("home/old=home/new")};
  CHECK(norm("home/old", "1", plain).rfind(R"({"sensor":"home/new",)", 0) == 0);
  sensorpipe::mqtt::PayloadRules r;
  CHECK_THROWS_WITH(sensorpipe::mqtt::read_mapping("drop a\nunits x=y\n", r),
                    "line 2: expected drop, state-field, field-unit or rename, got 'units'");
  CHECK_THROWS_WITH(sensorpipe::mqtt::read_mapping("rename a\n", r), "line 1: --rename: expected FROM=TO, got 'a'");
  CHECK_THROWS_WITH(sensorpipe::mqtt::read_mapping("drop\n", r), "line 1: 'drop' needs an argument");
}

TEST_CASE("zigbee2mqtt device messages and availability", "[normalize][zigbee2mqtt]") {
  const auto o = preset(Preset::Zigbee2mqtt);
  // The issue's example and Aqara WSDCGQ11LM as its device page documents it.
  CHECK(norm("zigbee2mqtt/kitchen_sensor", R"({"temperature":21.5,"humidity":40.2,"battery":90,"linkquality":120})",
             o) ==
        R"({"sensor":"zigbee2mqtt/kitchen_sensor/temperature","ts":"2026-11-18T11:06:40.000Z","value":21.5,"unit":"°C","kind":"temperature"})"
        "\n"
        R"({"sensor":"zigbee2mqtt/kitchen_sensor/humidity","ts":"2026-11-18T11:06:40.000Z","value":40.2,"unit":"%","kind":"humidity"})"
        "\n"
        R"({"sensor":"zigbee2mqtt/kitchen_sensor/battery","ts":"2026-11-18T11:06:40.000Z","value":90,"unit":"%","kind":"battery"})");
  CHECK(norm("zigbee2mqtt/hall",
             R"({"battery":100,"humidity":49.7,"linkquality":52,"pressure":1012.3,"temperature":25.44,"voltage":3025,)"
             R"("last_seen":"2026-11-30T12:00:00+01:00"})",
             o) ==
        R"({"sensor":"zigbee2mqtt/hall/battery","ts":"2026-11-30T11:00:00.000Z","value":100,"unit":"%","kind":"battery"})"
        "\n"
        R"({"sensor":"zigbee2mqtt/hall/humidity","ts":"2026-11-30T11:00:00.000Z","value":49.7,"unit":"%","kind":"humidity"})"
        "\n"
        R"({"sensor":"zigbee2mqtt/hall/pressure","ts":"2026-11-30T11:00:00.000Z","value":1012.3,"unit":"hPa","kind":"pressure"})"
        "\n"
        R"({"sensor":"zigbee2mqtt/hall/temperature","ts":"2026-11-30T11:00:00.000Z","value":25.44,"unit":"°C","kind":"temperature"})"
        "\n"
        R"({"sensor":"zigbee2mqtt/hall/voltage","ts":"2026-11-30T11:00:00.000Z","value":3025,"kind":"voltage"})");
  // A plug: the relay's state kept as a state, power a rate, energy a counter; update info dropped.
  CHECK(norm("zigbee2mqtt/plug",
             R"({"state":"ON","power":45.2,"energy":1.23,"current":0.2,"update":{"state":"idle"},"update_available":false})",
             o) ==
        R"({"sensor":"zigbee2mqtt/plug/state","ts":"2026-11-18T11:06:40.000Z","value":"ON"})"
        "\n"
        R"({"sensor":"zigbee2mqtt/plug/power","ts":"2026-11-18T11:06:40.000Z","value":45.2,"unit":"W","kind":"power"})"
        "\n"
        R"({"sensor":"zigbee2mqtt/plug/energy","ts":"2026-11-18T11:06:40.000Z","value":1.23,"unit":"kWh","kind":"energy"})"
        "\n"
        R"({"sensor":"zigbee2mqtt/plug/current","ts":"2026-11-18T11:06:40.000Z","value":0.2,"unit":"A","kind":"current"})");
  // last_seen as epoch milliseconds (advanced.last_seen: epoch).
  CHECK(norm("zigbee2mqtt/door", R"({"contact":false,"last_seen":1795000000123})", o) ==
        R"({"sensor":"zigbee2mqtt/door/contact","ts":"2026-11-18T11:06:40.123Z","value":false})");
  const std::string online =
      R"({"sensor":"zigbee2mqtt/plug/availability","ts":"2026-11-18T11:06:40.000Z","value":true,"kind":"availability"})";
  CHECK(norm("zigbee2mqtt/plug/availability", R"({"state":"online"})", o) == online);
  CHECK(norm("zigbee2mqtt/plug/availability", "online", o) == online);
  CHECK(norm("zigbee2mqtt/plug/availability", R"({"state":"offline"})", o).find(R"("value":false,"kind":"availability")") !=
        std::string::npos);
  CHECK(norm("zigbee2mqtt/plug/availability", "maybe", o) == "ERROR: availability payload is neither online nor offline");
}

TEST_CASE("tasmota SENSOR, STATE and LWT", "[normalize][tasmota]") {
  auto o = preset(Preset::Tasmota);
  const std::string sensor_payload =
      R"({"Time":"2026-11-30T11:00:00","ENERGY":{"TotalStartTime":"2026-01-01T00:00:00","Total":12.5,)"
      R"("Yesterday":0.4,"Today":0.2,"Period":0,"Power":45,"ApparentPower":50,"ReactivePower":20,"Factor":0.9,)"
      R"("Voltage":230,"Current":0.195}})";
  // Without --payload-tz the local Time is not guessed: the receive time stands.
  CHECK(norm("tele/plug1/SENSOR", sensor_payload, o).find(R"({"sensor":"tele/plug1/energy/total","ts":"2026-11-18T11:06:40.000Z","value":12.5,"unit":"kWh","kind":"energy"})") != std::string::npos);
  o.payload.local_to_utc = berlin_winter;
  CHECK(norm("tele/plug1/SENSOR", sensor_payload, o) ==
        R"({"sensor":"tele/plug1/energy/total","ts":"2026-11-30T10:00:00.000Z","value":12.5,"unit":"kWh","kind":"energy"})"
        "\n"
        R"({"sensor":"tele/plug1/energy/yesterday","ts":"2026-11-30T10:00:00.000Z","value":0.4,"unit":"kWh","kind":"energy"})"
        "\n"
        R"({"sensor":"tele/plug1/energy/today","ts":"2026-11-30T10:00:00.000Z","value":0.2,"unit":"kWh","kind":"energy"})"
        "\n"
        R"({"sensor":"tele/plug1/energy/power","ts":"2026-11-30T10:00:00.000Z","value":45,"unit":"W","kind":"power"})"
        "\n"
        R"({"sensor":"tele/plug1/energy/apparentpower","ts":"2026-11-30T10:00:00.000Z","value":50,"unit":"VA","kind":"apparent_power"})"
        "\n"
        R"({"sensor":"tele/plug1/energy/reactivepower","ts":"2026-11-30T10:00:00.000Z","value":20,"unit":"var","kind":"reactive_power"})"
        "\n"
        R"({"sensor":"tele/plug1/energy/factor","ts":"2026-11-30T10:00:00.000Z","value":0.9})"
        "\n"
        R"({"sensor":"tele/plug1/energy/voltage","ts":"2026-11-30T10:00:00.000Z","value":230,"unit":"V","kind":"voltage"})"
        "\n"
        R"({"sensor":"tele/plug1/energy/current","ts":"2026-11-30T10:00:00.000Z","value":0.195,"unit":"A","kind":"current"})");
  CHECK(norm("tele/th/SENSOR",
             R"({"Time":"2026-11-30T11:00:00","AM2301":{"Temperature":22.1,"Humidity":45.3,"DewPoint":9.7},"TempUnit":"C"})",
             o) ==
        R"({"sensor":"tele/th/am2301/temperature","ts":"2026-11-30T10:00:00.000Z","value":22.1,"unit":"°C","kind":"temperature"})"
        "\n"
        R"({"sensor":"tele/th/am2301/humidity","ts":"2026-11-30T10:00:00.000Z","value":45.3,"unit":"%","kind":"humidity"})"
        "\n"
        R"({"sensor":"tele/th/am2301/dewpoint","ts":"2026-11-30T10:00:00.000Z","value":9.7})");
  CHECK(norm("tele/plug1/STATE",
             R"({"Time":"2026-11-30T11:00:00","Uptime":"0T01:00:14","UptimeSec":3614,"Heap":25,"SleepMode":"Dynamic",)"
             R"("Sleep":50,"LoadAvg":19,"MqttCount":1,"POWER":"ON","Wifi":{"AP":1,"SSId":"home",)"
             R"("BSSId":"AA:BB:CC:DD:EE:FF","Channel":6,"Mode":"11n","RSSI":76,"Signal":-62,"LinkCount":1,)"
             R"("Downtime":"0T00:00:06"}})",
             o) ==
        R"({"sensor":"tele/plug1/uptimesec","ts":"2026-11-30T10:00:00.000Z","value":3614})"
        "\n"
        R"({"sensor":"tele/plug1/power","ts":"2026-11-30T10:00:00.000Z","value":"ON"})"
        "\n"
        R"({"sensor":"tele/plug1/wifi/rssi","ts":"2026-11-30T10:00:00.000Z","value":76})"
        "\n"
        R"({"sensor":"tele/plug1/wifi/signal","ts":"2026-11-30T10:00:00.000Z","value":-62})");
  CHECK(norm("tele/plug1/LWT", "Online", o) ==
        R"({"sensor":"tele/plug1/LWT","ts":"2026-11-18T11:06:40.000Z","value":true,"kind":"availability"})");
  CHECK(norm("tele/plug1/LWT", "Offline", o).find(R"("value":false,"kind":"availability")") != std::string::npos);
  // stat/.../POWER is the relay: on/off as ever.
  CHECK(norm("stat/plug1/POWER", "ON", o) == R"({"sensor":"stat/plug1/POWER","ts":"2026-11-18T11:06:40.000Z","value":true})");
}

TEST_CASE("shelly gen1 values and gen2 status objects", "[normalize][shelly]") {
  const auto o = preset(Preset::Shelly);
  CHECK(norm("shellies/shellyplug-s-C45BBE/relay/0/power", "45.21", o) ==
        R"({"sensor":"shellies/shellyplug-s-C45BBE/relay/0/power","ts":"2026-11-18T11:06:40.000Z","value":45.21,"unit":"W","kind":"power"})");
  CHECK(norm("shellies/shellyplug-s-C45BBE/relay/0/energy", "1234", o) ==
        R"({"sensor":"shellies/shellyplug-s-C45BBE/relay/0/energy","ts":"2026-11-18T11:06:40.000Z","value":1234,"unit":"Wmin","kind":"energy"})");
  CHECK(norm("shellies/shellyplug-s-C45BBE/relay/0", "on", o).find(R"("value":true})") != std::string::npos);
  CHECK(norm("shellies/shellyplug-s-C45BBE/online", "true", o) ==
        R"({"sensor":"shellies/shellyplug-s-C45BBE/online","ts":"2026-11-18T11:06:40.000Z","value":true,"kind":"availability"})");
  CHECK(norm("shellies/shellyplug-s-C45BBE/online", "false", o).find(R"("value":false,"kind":"availability")") != std::string::npos);
  CHECK(norm("shellyplus1pm-a8032ab12345/status/switch:0",
             R"({"id":0,"source":"init","output":true,"apower":45.2,"voltage":230.1,"current":0.196,)"
             R"("aenergy":{"total":1234.567,"by_minute":[0.000,0.000,0.000],"minute_ts":1795000000},)"
             R"("temperature":{"tC":42.1,"tF":107.8}})",
             o) ==
        R"({"sensor":"shellyplus1pm-a8032ab12345/status/switch:0/output","ts":"2026-11-18T11:06:40.000Z","value":true})"
        "\n"
        R"({"sensor":"shellyplus1pm-a8032ab12345/status/switch:0/apower","ts":"2026-11-18T11:06:40.000Z","value":45.2,"unit":"W","kind":"power"})"
        "\n"
        R"({"sensor":"shellyplus1pm-a8032ab12345/status/switch:0/voltage","ts":"2026-11-18T11:06:40.000Z","value":230.1,"unit":"V","kind":"voltage"})"
        "\n"
        R"({"sensor":"shellyplus1pm-a8032ab12345/status/switch:0/current","ts":"2026-11-18T11:06:40.000Z","value":0.196,"unit":"A","kind":"current"})"
        "\n"
        R"({"sensor":"shellyplus1pm-a8032ab12345/status/switch:0/aenergy/total","ts":"2026-11-18T11:06:40.000Z","value":1234.567,"unit":"Wh","kind":"energy"})"
        "\n"
        R"({"sensor":"shellyplus1pm-a8032ab12345/status/switch:0/temperature/tc","ts":"2026-11-18T11:06:40.000Z","value":42.1,"unit":"°C","kind":"temperature"})");
}

TEST_CASE("shelly pro em channels", "[normalize][shelly]") {
  CHECK(norm("shellyproem50-a0dd6c9ef474/status/em1:1",
             R"({"id":1,"current":2.598,"voltage":234.9,"act_power":501.8,"aprt_power":612.4,"pf":0.84,"freq":50,)"
             R"("calibration":"factory"})",
             preset(Preset::Shelly)) ==
        R"({"sensor":"shellyproem50-a0dd6c9ef474/status/em1:1/current","ts":"2026-11-18T11:06:40.000Z","value":2.598,"unit":"A","kind":"current"})"
        "\n"
        R"({"sensor":"shellyproem50-a0dd6c9ef474/status/em1:1/voltage","ts":"2026-11-18T11:06:40.000Z","value":234.9,"unit":"V","kind":"voltage"})"
        "\n"
        R"({"sensor":"shellyproem50-a0dd6c9ef474/status/em1:1/act_power","ts":"2026-11-18T11:06:40.000Z","value":501.8,"unit":"W","kind":"power"})"
        "\n"
        R"({"sensor":"shellyproem50-a0dd6c9ef474/status/em1:1/aprt_power","ts":"2026-11-18T11:06:40.000Z","value":612.4,"unit":"VA","kind":"apparent_power"})"
        "\n"
        R"({"sensor":"shellyproem50-a0dd6c9ef474/status/em1:1/pf","ts":"2026-11-18T11:06:40.000Z","value":0.84})"
        "\n"
        R"({"sensor":"shellyproem50-a0dd6c9ef474/status/em1:1/freq","ts":"2026-11-18T11:06:40.000Z","value":50,"unit":"Hz","kind":"frequency"})");
}

TEST_CASE("esphome states and status", "[normalize][esphome]") {
  const auto o = preset(Preset::Esphome);
  CHECK(norm("livingroom/sensor/temperature/state", "21.50", o) ==
        R"({"sensor":"livingroom/sensor/temperature/state","ts":"2026-11-18T11:06:40.000Z","value":21.5,"unit":"°C","kind":"temperature"})");
  CHECK(norm("livingroom/sensor/desk_humidity/state", "40.3", o).find(R"("unit":"%","kind":"humidity")") !=
        std::string::npos);
  CHECK(norm("livingroom/binary_sensor/motion/state", "ON", o).find(R"("value":true})") != std::string::npos);
  CHECK(norm("livingroom/status", "online", o) ==
        R"({"sensor":"livingroom/status","ts":"2026-11-18T11:06:40.000Z","value":true,"kind":"availability"})");
  CHECK(norm("livingroom/status", "offline", o).find(R"("value":false,"kind":"availability")") != std::string::npos);
  // Without a preset a plain number gets no unit, and a status topic is just text.
  CHECK(norm("livingroom/sensor/temperature/state", "21.50").find("unit") == std::string::npos);
  CHECK(norm("livingroom/status", "offline").find("availability") == std::string::npos);
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
