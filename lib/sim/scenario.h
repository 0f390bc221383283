// A scenario: the simulated sensors (each a reading template plus a signal) and
// the actuators that commands can set.
//
// Scenario owns its sensors and models. Built once (household.h, sensor_spec.h),
// then driven by one thread (runner.h); not thread-safe. Sensor names are unique:
// adding a duplicate throws UsageError.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/reading.h"
#include "sim/signals.h"

namespace sensorpipe::sim {

struct Sensor {
  Reading reading;             // sensor, unit and kind fixed; ts and value set per sample
  std::int64_t period_ns = 0;  // 0: the scenario's default interval
  int decimals = -1;           // numbers are rounded to this many decimals; -1: not rounded
  std::shared_ptr<Signal> signal;

  // Sets reading.value to the signal's value at model time t.
  void sample(TimeMs t);

  // Appends the reading as append_reading() would, from the constant parts
  // prepared by prepare_format() and a ts already formatted by append_rfc3339
  // (sensors due together share one). Back-fill spends most of its time here.
  void prepare_format();
  void append_fast(std::string& out, std::string_view ts_text) const;

 private:
  std::string head_, tail_;  // '{"sensor":"...","ts":"' and ',"unit":...}'
};

class Scenario {
 public:
  void add(Sensor sensor);
  // Commands to `target` go to `actuator`. Every actuator is reachable under the
  // target made by command_target(sensor) and under "<sensor>/set".
  void add_actuator(const std::string& sensor, std::shared_ptr<Actuator> actuator);

  std::vector<Sensor>& sensors() { return sensors_; }
  const std::vector<Sensor>& sensors() const { return sensors_; }
  // Gives every sensor without its own period this one.
  void set_default_period(std::int64_t period_ns);

  // Applies a command. False with a one-line reason for an unknown target or a bad value.
  bool command(const Command& command, std::string& error);
  // The main command target of every actuator, in the order they were added.
  const std::vector<std::string>& targets() const { return targets_; }

 private:
  std::vector<Sensor> sensors_;
  std::set<std::string> names_;
  std::map<std::string, std::shared_ptr<Actuator>, std::less<>> actuators_;
  std::vector<std::string> targets_;
};

// The command target of an actuator sensor: its name with the last part replaced
// by "set" ("home/led/brightness" -> "home/led/set"), so one MQTT filter such as
// "home/+/set" reaches every actuator of a house.
std::string command_target(std::string_view sensor);

}  // namespace sensorpipe::sim
