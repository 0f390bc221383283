// The -d/--db option shared by every tool that opens a sensorpipe database
// (db-store, history-query, ws-serve): a file name, also taken from SENSORPIPE_DB.
#pragma once
#include <CLI/CLI.hpp>

#include <string>

namespace sensorpipe::cli {

struct DbOptions {
  std::string location;  // an SQLite file name (a PostgreSQL URL in a later version)
};

// Adds -d/--db FILE (env SENSORPIPE_DB; the flag wins). `required`: a usage error when neither is given.
CLI::Option* add_db_options(CLI::App& app, DbOptions& opts, bool required = true);

}  // namespace sensorpipe::cli
