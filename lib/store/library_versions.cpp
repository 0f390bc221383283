// Versions of the libraries a store tool links (see library_versions.h).
#include "store/library_versions.h"

#include <sqlite3.h>

namespace sensorpipe::store {

LibraryVersions store_library_versions() {
  auto libs = core_library_versions();
  libs.emplace_back("SQLite", sqlite3_libversion());
  return libs;
}

}  // namespace sensorpipe::store
