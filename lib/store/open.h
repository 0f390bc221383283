// Which storage backend a database location (-d) names, and what a store tool reports
// for --version. The factories StoreWriter::open and HistoryReader::open (writer.h,
// query.h) are defined beside these in open.cpp: the one place that picks a backend.
//
// Pure functions, thread-safe, never throw.
#pragma once
#include <string>

#include "core/library_versions.h"

namespace sensorpipe::store {

enum class Backend { Sqlite, Postgres };

// A location starting with "postgresql://" or "postgres://" (libpq's URL forms; an empty
// URL "postgresql://" takes everything from PGHOST, PGDATABASE, ...) is PostgreSQL;
// anything else is an SQLite file name. libpq's "key=value" form is not accepted: it
// could not be told apart from a file name, and the URL form says everything it can.
Backend backend_of(const std::string& location);

// Whether this build can open locations of `b`.
bool backend_built(Backend b);

// The libraries a store tool links (core's plus each backend's, the versions in use).
LibraryVersions store_library_versions();

}  // namespace sensorpipe::store
