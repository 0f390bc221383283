// The PostgreSQL backend's entry points, for the factories that pick a backend from -d.
//
// `url` is a postgresql:// or postgres:// URL (libpq conventions: PGPASSWORD, PGPASSFILE,
// ~/.pgpass and the other PG* variables apply). Both throw RuntimeError (pq::Error) when
// the server cannot be reached or the database is not a sensorpipe one; open_reader
// throws DatabaseNotReady when db-store has not created the schema yet.
#pragma once
#include <memory>
#include <string>

#include "store/query.h"
#include "store/writer.h"

namespace sensorpipe::store::pg {

std::unique_ptr<StoreWriter> open_writer(const std::string& url, const WriterOptions& options);
std::unique_ptr<HistoryReader> open_reader(const std::string& url);

}  // namespace sensorpipe::store::pg
