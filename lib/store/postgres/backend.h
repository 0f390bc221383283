// The PostgreSQL backend's entry points, for the factories in store/open.cpp (the only caller).
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

namespace sensorpipe::store::postgres {

std::unique_ptr<StoreWriter> open_writer(const std::string& url, const WriterOptions& options);
// `interrupt` cuts short every wait on the server (HistoryReader::open).
std::unique_ptr<HistoryReader> open_reader(const std::string& url, const Interrupt& interrupt = {});
// The libpq in use ("15.18"), for --version.
std::string library_version();

}  // namespace sensorpipe::store::postgres
