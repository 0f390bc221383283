// Picking the storage backend from the location, in one place (see open.h).
//
// A new backend is one more case here. PostgreSQL (lib/store/postgres, built when
// SENSORPIPE_WITH_POSTGRES) plugs in below: store/postgres/backend.h declares
// postgres::open_writer, open_reader and library_version, like store/sqlite/backend.h.
#include "store/open.h"

#include "core/errors.h"
#include "store/query.h"
#include "store/sqlite/backend.h"
#include "store/writer.h"
#ifdef SENSORPIPE_WITH_POSTGRES
#include "store/postgres/backend.h"
#endif

namespace sensorpipe::store {

namespace {
bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

#ifndef SENSORPIPE_WITH_POSTGRES
[[noreturn]] void postgres_not_built() {
  throw RuntimeError("PostgreSQL support not built: this sensorpipe was compiled without libpq "
                     "(give -d an SQLite file, or rebuild with PostgreSQL support)");
}
#endif
}  // namespace

Backend backend_of(const std::string& location) {
  return starts_with(location, "postgresql://") || starts_with(location, "postgres://") ? Backend::Postgres
                                                                                       : Backend::Sqlite;
}

bool backend_built(Backend b) {
#ifdef SENSORPIPE_WITH_POSTGRES
  (void)b;
  return true;
#else
  return b == Backend::Sqlite;
#endif
}

LibraryVersions store_library_versions() {
  auto libs = core_library_versions();
  libs.emplace_back("SQLite", sqlite::library_version());
#ifdef SENSORPIPE_WITH_POSTGRES
  libs.emplace_back("libpq", postgres::library_version());
#endif
  return libs;
}

std::unique_ptr<StoreWriter> StoreWriter::open(const std::string& location, const WriterOptions& options) {
  if (options.retain_rollups && (!options.retain || *options.retain > *options.retain_rollups))
    throw UsageError("--retain-rollups needs a --retain no longer than it (roll-ups must outlive raw rows)");
  switch (backend_of(location)) {
    case Backend::Postgres:
      if (options.cache_mib)
        throw UsageError("--cache-size is an SQLite option; a PostgreSQL server sizes its own cache (shared_buffers)");
      if (options.busy_timeout_ms)
        throw UsageError("--busy-timeout is an SQLite option (the wait for another writer's lock on the file); "
                         "PostgreSQL writers wait for each other's row locks and never time out");
#ifdef SENSORPIPE_WITH_POSTGRES
      return postgres::open_writer(location, options);
#else
      postgres_not_built();
#endif
    case Backend::Sqlite: break;
  }
  return sqlite::open_writer(location, options);
}

std::unique_ptr<HistoryReader> HistoryReader::open(const std::string& location, const Interrupt& interrupt) {
  switch (backend_of(location)) {
    case Backend::Postgres:
#ifdef SENSORPIPE_WITH_POSTGRES
      return postgres::open_reader(location, interrupt);
#else
      (void)interrupt;
      postgres_not_built();
#endif
    case Backend::Sqlite: break;
  }
  return sqlite::open_reader(location);
}

}  // namespace sensorpipe::store
