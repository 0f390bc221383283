// The shared -d/--db option (see db_options.h).
#include "cli/db_options.h"

namespace sensorpipe::cli {

CLI::Option* add_db_options(CLI::App& app, DbOptions& opts, bool required) {
  auto* opt = app.add_option("-d,--db", opts.location, "Database file (SQLite); env SENSORPIPE_DB")
                  ->envname("SENSORPIPE_DB")
                  ->type_name("FILE");
  if (required) opt->required();
  return opt;
}

}  // namespace sensorpipe::cli
