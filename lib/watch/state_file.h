// sensor-watch's --state file: read whole, replaced atomically (temporary file, fsync, rename).
//
// A reader never sees a half-written state: after a crash the file holds either the old or
// the new state. Functions throw RuntimeError naming the file on failure; no threads involved.
#pragma once
#include <optional>
#include <string>

namespace sensorpipe::watch {

// The file's content, or nullopt when it does not exist (a first start).
std::optional<std::string> read_state_file(const std::string& path);
// Writes `text` to PATH.tmp, flushes it to disk, renames it over PATH and syncs the directory.
void write_state_file(const std::string& path, const std::string& text);

}  // namespace sensorpipe::watch
