// The -d/--db option shared by every tool that opens a sensorpipe database
// (db-store, history-query, ws-serve): an SQLite file name or a postgresql:// URL
// (store/open.h decides which), also taken from SENSORPIPE_DB.
#pragma once
#include <CLI/CLI.hpp>

#include <string>

namespace sensorpipe::cli {

struct DbOptions {
  std::string location;  // an SQLite file name or a postgresql:// (postgres://) URL; empty = none given
};

// Adds -d/--db FILE (env SENSORPIPE_DB; the flag wins); `purpose` starts its help line.
// Not marked required in CLI11, so --completion and --help work without it: call
// require_db() in the tool's body when the tool needs a database.
CLI::Option* add_db_options(CLI::App& app, DbOptions& opts, const std::string& purpose = "Database");
// Throws UsageError when neither -d nor SENSORPIPE_DB named a database.
const std::string& require_db(const DbOptions& opts);

}  // namespace sensorpipe::cli
