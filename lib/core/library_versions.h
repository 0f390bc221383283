// Versions of the libraries that sensorpipe::core links, for --version.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace sensorpipe {
using LibraryVersions = std::vector<std::pair<std::string, std::string>>;
LibraryVersions core_library_versions();  // fmt
}  // namespace sensorpipe
