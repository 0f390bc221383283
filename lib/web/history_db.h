// The -d database as a HistorySource, through the store's engine (store::HistoryReader).
//
// Used from one thread at a time (ws-serve's API worker).
#pragma once
#include <memory>
#include <string>

#include "core/interrupt.h"
#include "web/history.h"

namespace sensorpipe::web {

// Opens `location` (an SQLite file or a PostgreSQL URL, store/open.h) read-only. Throws
// RuntimeError when it cannot be used (not a sensorpipe database, newer schema, backend
// not built). A database that does not exist yet or has no schema yet is opened on
// first use instead (answers are empty until then) and `not_ready`, when given, says why.
// `interrupt` cuts short any wait on a PostgreSQL server (store::HistoryReader::open): the
// first open throws Interrupted; later calls answer with RuntimeError ("stopping"), which
// the API turns into an error reply, so a stopping ws-serve never waits on its database.
std::unique_ptr<HistorySource> open_database_history(const std::string& location, std::string* not_ready = nullptr,
                                                     const Interrupt& interrupt = {});

}  // namespace sensorpipe::web
