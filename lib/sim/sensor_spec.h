// Generic sensors: "NAME:KIND[:PERIOD[:key=value,...]]" from the command line, or
// the same fields from a JSON config file, turned into scenario sensors.
//
// Parsing throws UsageError with a one-line reason (the tool exits 2); nothing
// else is thrown. Kinds and their parameters are listed by sensor_kinds() and in
// man/sensor-sim.1.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.h"
#include "sim/scenario.h"

namespace sensorpipe::sim {

struct SensorSpec {
  std::string name;
  std::string kind;
  TimeMs period_ms = 0;  // 0: the run's --interval
  // Parameters in the order given, values as text ("20", "5m", "°C").
  std::vector<std::pair<std::string, std::string>> params;
};

// "lab/t1:temperature:1s:mean=20,amp=3"
SensorSpec parse_sensor_spec(std::string_view text);

// A JSON array of sensor objects, or an object with a "sensors" array. Each object
// has "name", "kind", optional "period" and any parameter of its kind:
//   {"sensors":[{"name":"lab/t1","kind":"temperature","period":"1s","mean":20}]}
// `origin` names the file in error messages.
std::vector<SensorSpec> parse_sensor_config(std::string_view json_text, const std::string& origin);

// Adds the sensor (and its actuator, for brightness and relay) to the scenario;
// its random streams come from (seed, name).
void add_generic_sensor(Scenario& scenario, const SensorSpec& spec, std::uint64_t seed);

// The kinds a generic sensor may have, for --help and error messages.
const std::vector<std::string>& sensor_kinds();

}  // namespace sensorpipe::sim
