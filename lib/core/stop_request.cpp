// The stop request: SIGINT/SIGTERM handling and the flag and self-pipe (see stop_request.h).
#include "core/stop_request.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>

namespace sensorpipe {
namespace {
std::atomic<bool> g_stop{false};
std::atomic<unsigned> g_requests{0};  // lock-free on every target we build for
int g_pipe[2] = {-1, -1};

void on_signal(int) {
  request_stop();
}
}  // namespace

void request_stop() {
  g_requests.fetch_add(1);
  const bool was = g_stop.exchange(true);
  if (!was && g_pipe[1] >= 0) {
    const char c = 's';
    [[maybe_unused]] const ssize_t n = ::write(g_pipe[1], &c, 1);  // async-signal-safe
  }
}

void install_signal_handlers() {
  if (g_pipe[0] < 0 && ::pipe(g_pipe) == 0) {
    for (int fd : g_pipe) {
      ::fcntl(fd, F_SETFD, FD_CLOEXEC);
      ::fcntl(fd, F_SETFL, O_NONBLOCK);
    }
  }
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: blocking reads return EINTR and see the flag
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

bool stop_requested() { return g_stop.load(std::memory_order_relaxed); }
int stop_fd() { return g_pipe[0]; }
unsigned stop_requests() { return g_requests.load(); }

}  // namespace sensorpipe
