// The household scenario: rooms with climate, motion and light; appliances with
// power, energy and daily usage; water flow and consumption; a dimmable LED and
// a relay-switched heater as actuators; the mains meter.
//
// Sensor names are "<house>/<room-or-device>/<quantity>", e.g.
// "house1/kitchen/temperature"; the house id comes from a prefix template (see
// house_id). Actuator targets follow command_target(): "<house>/led/set",
// "<house>/heater/set".
#pragma once
#include <cstdint>
#include <string>

#include "sim/scenario.h"

namespace sensorpipe::sim {

struct HouseholdOptions {
  int houses = 1;
  // "{n}" is replaced by the house number (1..houses). Without "{n}" the prefix is
  // the id of a single house, and gets the number appended when there are several.
  std::string prefix = "house{n}";
  std::uint64_t seed = 0;
};

std::string house_id(const std::string& prefix, int n, int houses);

// Adds every house's sensors, in a fixed order. Throws UsageError on a bad prefix.
void add_household(Scenario& scenario, const HouseholdOptions& options);

// How many sensors one house has (for tests and --help).
std::size_t sensors_per_house();

}  // namespace sensorpipe::sim
