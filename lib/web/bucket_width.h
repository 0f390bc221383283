// Bucket widths ws-serve picks for /api/history when a series is too dense to send raw,
// and their names in the reply. Pure functions, thread-safe, never throw.
#pragma once
#include <string>

#include "core/time.h"

namespace sensorpipe::web {

// A readable, round bucket width at least `min_width` ("1s" .. "30d" steps, then whole days).
TimeMs nice_bucket(TimeMs min_width);
std::string duration_text(TimeMs ms);  // 60000 -> "1m", 1500 -> "1500ms"

}  // namespace sensorpipe::web
