// Fuzzes sensor-sim's own parsing: actuator command lines (both line forms and the
// LED/relay value rules) and generic sensor specs, sampled once.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/errors.h"
#include "sim/household.h"
#include "sim/runner.h"
#include "sim/sensor_spec.h"

using namespace sensorpipe;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static sim::Scenario* scenario = [] {
    auto* s = new sim::Scenario;
    sim::add_household(*s, {1, "home", 1});
    sim::add_generic_sensor(*s, sim::parse_sensor_spec("lab/pump/relay:relay:1s"), 1);
    sim::add_generic_sensor(*s, sim::parse_sensor_spec("lab/lamp/brightness:brightness:1s"), 1);
    return s;
  }();
  static ReadingParser parser;
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string error;
  sim::apply_command_line(*scenario, text, parser, error);
  try {
    sim::Scenario one;
    sim::add_generic_sensor(one, sim::parse_sensor_spec(text), 1);
    one.set_default_period(1000000000);
    for (auto& sensor : one.sensors()) {
      sensor.prepare_format();
      for (TimeMs t = 0; t < 5 * 3600000; t += 3600000) sensor.sample(1767225600000 + t);
    }
  } catch (const UsageError&) {
  }
  return 0;
}
