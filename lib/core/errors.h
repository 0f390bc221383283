// Error types that tools map to exit statuses (see cli/app.h for the mapping).
#pragma once
#include <stdexcept>
#include <string>

namespace sensorpipe {

// Stdout was closed by the reader (EPIPE): a quiet, successful end.
struct OutputClosed : std::exception {
  const char* what() const noexcept override { return "output closed"; }
};

// A runtime failure the user must hear about: exit 1 with "prog: error: <what>".
struct RuntimeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A usage error found after option parsing (bad flag value combinations): exit 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Bad input under --strict: exit 65; the diagnostic was already printed.
struct StrictInputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace sensorpipe
