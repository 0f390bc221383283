// Saved simulation state (see state.h).
#include "sim/state.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/errors.h"

namespace sensorpipe::sim {
namespace {

constexpr const char* kFormat = "sensor-sim state 1";

std::string describe_errno() { return std::strerror(errno); }

}  // namespace

SavedState capture_state(const Scenario& scenario, TimeMs saved) {
  SavedState state;
  state.saved = saved;
  for (const auto& s : scenario.sensors()) s.signal->save_state(state.sensors[s.reading.sensor]);
  return state;
}

void restore_state(Scenario& scenario, const SavedState& state, const std::string& path) {
  const auto mismatch = [&](const std::string& what) {
    throw RuntimeError(path + " is the state of other sensors (" + what +
                       "): use the options that saved it, or another --state file");
  };
  for (const auto& s : scenario.sensors())
    if (!state.sensors.count(s.reading.sensor)) mismatch("no sensor '" + s.reading.sensor + "' in it");
  if (state.sensors.size() != scenario.sensors().size()) {
    for (const auto& [name, values] : state.sensors) {
      bool found = false;
      for (const auto& s : scenario.sensors()) found = found || s.reading.sensor == name;
      if (!found) mismatch("sensor '" + name + "' is not simulated now");
    }
  }
  for (auto& s : scenario.sensors()) s.signal->restore_state(state.sensors.at(s.reading.sensor));
}

std::optional<SavedState> read_state_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return std::nullopt;
    throw RuntimeError("cannot read " + path + ": " + describe_errno());
  }
  std::ostringstream text;
  text << in.rdbuf();
  const auto bad = [&](const std::string& why) -> RuntimeError {
    return RuntimeError(path + ": not a sensor-sim state file (" + why + ")");
  };
  const nlohmann::json doc = nlohmann::json::parse(text.str(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) throw bad("not a JSON object");
  if (doc.value("format", "") != kFormat) throw bad("no \"format\":\"" + std::string(kFormat) + "\"");
  SavedState state;
  const auto saved = doc.find("saved");
  if (saved == doc.end() || !saved->is_string()) throw bad("no \"saved\" time");
  const auto ts = parse_rfc3339(saved->get<std::string>());
  if (!ts) throw bad("bad \"saved\" time");
  state.saved = *ts;
  const auto sensors = doc.find("sensors");
  if (sensors == doc.end() || !sensors->is_object()) throw bad("no \"sensors\" object");
  for (const auto& [name, values] : sensors->items()) {
    if (!values.is_object()) throw bad("sensor '" + name + "' is not an object");
    SignalState& s = state.sensors[name];
    for (const auto& [key, value] : values.items()) {
      if (!value.is_number()) throw bad("sensor '" + name + "': " + key + " is not a number");
      s[key] = value.get<double>();
    }
  }
  return state;
}

void write_state_file(const std::string& path, const SavedState& state) {
  nlohmann::json doc;
  doc["format"] = kFormat;
  doc["saved"] = format_rfc3339(state.saved);
  nlohmann::json& sensors = doc["sensors"] = nlohmann::json::object();
  for (const auto& [name, values] : state.sensors) {
    nlohmann::json& s = sensors[name] = nlohmann::json::object();
    for (const auto& [key, value] : values) s[key] = value;
  }
  const std::string text = doc.dump(1) + "\n";
  // Same directory, so the rename is atomic; the pid keeps concurrent writers apart.
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw RuntimeError("cannot write " + path + ": " + describe_errno());
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string why = describe_errno();
      ::close(fd);
      ::unlink(tmp.c_str());
      throw RuntimeError("cannot write " + path + ": " + why);
    }
    done += static_cast<std::size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  const std::string sync_error = synced ? "" : describe_errno();
  if (::close(fd) != 0 || !synced) {
    const std::string why = synced ? describe_errno() : sync_error;
    ::unlink(tmp.c_str());
    throw RuntimeError("cannot write " + path + ": " + why);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = describe_errno();
    ::unlink(tmp.c_str());
    throw RuntimeError("cannot replace " + path + ": " + why);
  }
}

}  // namespace sensorpipe::sim
