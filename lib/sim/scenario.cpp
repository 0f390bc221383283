// Scenario: sensors and actuators (see scenario.h).
#include "sim/scenario.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "core/errors.h"

namespace sensorpipe::sim {
namespace {
constexpr double kPow10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
}

void Sensor::sample(TimeMs t) {
  signal->sample(t, reading.value);
  if (decimals >= 0 && decimals <= 9) {
    if (double* d = std::get_if<double>(&reading.value)) {
      const double scale = kPow10[decimals];
      *d = std::round(*d * scale) / scale;
      if (*d == 0) *d = 0;  // no "-0"
    }
  }
}

void Sensor::prepare_format() {
  // Format a reading with a marker value and keep what surrounds ts and value.
  Reading probe = reading;
  probe.ts = 0;
  probe.value = 0.0;
  std::string text;
  append_reading(text, probe);
  const std::string ts_text = "\"" + format_rfc3339(0) + "\",\"value\":0";
  const auto at = text.find(ts_text);
  head_ = text.substr(0, at + 1);
  tail_ = text.substr(at + ts_text.size());
}

void Sensor::append_fast(std::string& out, std::string_view ts_text) const {
  static constexpr std::string_view kValue = "\",\"value\":";
  const double* d = std::get_if<double>(&reading.value);
  char buf[512];
  if (d && head_.size() + ts_text.size() + kValue.size() + tail_.size() + 32 <= sizeof buf) {
    // One append per line: most lines are a number between constant parts.
    char* p = buf;
    for (std::string_view part : {std::string_view(head_), ts_text, kValue}) {
      std::memcpy(p, part.data(), part.size());
      p += part.size();
    }
    p = std::to_chars(p, buf + sizeof buf, *d).ptr;  // as json::append_number
    std::memcpy(p, tail_.data(), tail_.size());
    p += tail_.size();
    out.append(buf, static_cast<std::size_t>(p - buf));
    return;
  }
  out += head_;
  out += ts_text;
  out += "\",\"value\":";
  append_value(out, reading.value);
  out += tail_;
}

void Scenario::add(Sensor sensor) {
  if (!names_.insert(sensor.reading.sensor).second)
    throw UsageError("sensor '" + sensor.reading.sensor + "' is defined twice");
  sensors_.push_back(std::move(sensor));
}

void Scenario::add_actuator(const std::string& sensor, std::shared_ptr<Actuator> actuator) {
  const std::string target = command_target(sensor);
  targets_.push_back(target);
  actuators_[target] = actuator;
  actuators_[sensor + "/set"] = actuator;
}

void Scenario::set_default_period(std::int64_t period_ns) {
  for (auto& s : sensors_)
    if (s.period_ns <= 0) s.period_ns = period_ns;
}

bool Scenario::command(const Command& command, std::string& error) {
  const auto it = actuators_.find(command.target);
  if (it == actuators_.end()) {
    error = "unknown target \"" + command.target + "\"";
    if (!targets_.empty()) error += " (known: " + targets_.front() + (targets_.size() > 1 ? ", ...)" : ")");
    return false;
  }
  if (it->second->command(command.value, error)) return true;
  error = command.target + ": " + error;
  return false;
}

std::string command_target(std::string_view sensor) {
  const auto slash = sensor.rfind('/');
  if (slash == std::string_view::npos) return std::string(sensor) + "/set";
  return std::string(sensor.substr(0, slash)) + "/set";
}

}  // namespace sensorpipe::sim
