// Versions of the libraries a store tool links (core's plus SQLite), for --version.
#pragma once
#include "core/library_versions.h"

namespace sensorpipe::store {

// core_library_versions() and the SQLite library in use (sqlite3_libversion, which may
// differ from the headers built against). Cannot fail.
LibraryVersions store_library_versions();

}  // namespace sensorpipe::store
