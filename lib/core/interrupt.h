// How a library call that waits on a peer (a database server) is cut short by the program.
//
// The tool decides what a stop is (history-query: SIGINT/SIGTERM) and hands it down as an
// Interrupt; the library only looks at it while it waits and throws Interrupted, so it
// never reads process state on its own. Plain value; the predicate is called from the
// thread that waits and must be thread-safe if the tool shares it.
#pragma once
#include <functional>
#include <stdexcept>

namespace sensorpipe {

struct Interrupt {
  std::function<bool()> requested;  // true: stop waiting now; empty: never interrupted
  int fd = -1;                      // readable once requested() turns true (a self-pipe), or -1
  explicit operator bool() const { return static_cast<bool>(requested); }
};

// A wait was cut short by its Interrupt. Tools end as after any stop request: quietly, with
// the stop's usual exit status (0), since the user asked for it.
struct Interrupted : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace sensorpipe
