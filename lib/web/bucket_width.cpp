// Bucket widths for /api/history (see bucket_width.h).
#include "web/bucket_width.h"

namespace sensorpipe::web {

TimeMs nice_bucket(TimeMs min_width) {
  static constexpr TimeMs kSteps[] = {1000,      2000,      5000,      10000,     15000,    30000,     60000,
                                      120000,    300000,    600000,    900000,    1800000,  3600000,   7200000,
                                      10800000,  21600000,  43200000,  86400000,  172800000, 604800000,
                                      2592000000};
  for (TimeMs s : kSteps) {
    if (s >= min_width) return s;
  }
  return ((min_width + 86400000 - 1) / 86400000) * 86400000;
}

std::string duration_text(TimeMs ms) { return format_duration(ms); }

}  // namespace sensorpipe::web
