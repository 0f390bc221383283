// Built when the store module is absent: -d is refused with a clear message.
#include "core/errors.h"
#include "web/history.h"

namespace sensorpipe::web {
std::unique_ptr<HistorySource> open_database_history(const std::string& location) {
  throw RuntimeError("cannot open " + location + ": this ws-serve was built without the store module");
}
}  // namespace sensorpipe::web
