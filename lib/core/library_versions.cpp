// Library versions of the core module (see library_versions.h).
#include "core/library_versions.h"

#include <fmt/format.h>

namespace sensorpipe {
LibraryVersions core_library_versions() {
  return {{"fmt", fmt::format("{}.{}.{}", FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100)}};
}
}  // namespace sensorpipe
