// The shared -d/--db option (see db_options.h).
#include "cli/db_options.h"

#include "core/errors.h"

namespace sensorpipe::cli {

CLI::Option* add_db_options(CLI::App& app, DbOptions& opts, const std::string& purpose) {
  auto* opt = app.add_option("-d,--db", opts.location, purpose + ": FILE or postgresql:// URL; env SENSORPIPE_DB")
                  ->envname("SENSORPIPE_DB")
                  ->type_name("FILE");
  return opt;
}

const std::string& require_db(const DbOptions& opts) {
  if (opts.location.empty()) throw UsageError("no database: give -d FILE (or -d postgresql://...) or set SENSORPIPE_DB");
  return opts.location;
}

}  // namespace sensorpipe::cli
