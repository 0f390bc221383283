// Runs the --exec program per alert event on a worker thread, bounded in queue and time.
#include "watch/exec.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "core/json.h"

extern char** environ;

namespace sensorpipe::watch {

std::vector<std::string> event_environment(const std::string& event_json) {
  std::vector<json::Member> members;
  std::string error;
  std::vector<std::string> env;
  if (!json::scan_object(event_json, members, error)) return env;
  for (const auto& m : members) {
    std::string name = "SENSORWATCH_";
    for (char c : m.key) name += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : '_';
    const std::string value = m.type == json::Type::String ? json::unescape_string(m.raw) : std::string(m.raw);
    if (value.find('\0') != std::string::npos) continue;  // cannot be passed in the environment
    env.push_back(name + "=" + value);
  }
  return env;
}

ExecRunner::ExecRunner(ExecOptions opt, std::function<void(const std::string&)> report)
    : opt_(std::move(opt)), report_(std::move(report)) {
  worker_ = std::thread([this] { work(); });
}

ExecRunner::~ExecRunner() { finish(); }

bool ExecRunner::submit(std::string event_json) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (queue_.size() >= opt_.queue) {
      ++totals_.dropped;
      return false;
    }
    queue_.push_back(std::move(event_json));
  }
  cv_.notify_one();
  return true;
}

void ExecRunner::finish() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_ = true;
  }
  cv_.notify_one();
  if (worker_.joinable()) worker_.join();
}

ExecTotals ExecRunner::totals() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return totals_;
}

void ExecRunner::work() {
  for (;;) {
    std::string job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing, and everything queued has run
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    run_one(job);
  }
}

namespace {

// Waits up to `ms` for the child to end; true when it did (status filled in).
bool wait_child(pid_t pid, int pidfd, long long ms, int& status) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return true;
    if (r < 0 && errno != EINTR) return true;  // already reaped: nothing to wait for
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) return false;
    if (pidfd >= 0) {
      pollfd p{pidfd, POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
    } else {
      ::usleep(static_cast<useconds_t>(std::min<long long>(left, 10) * 1000));  // no pidfd (old kernel): poll
    }
  }
}

}  // namespace

void ExecRunner::run_one(const std::string& event_json) {
  const std::string& program = opt_.argv.front();
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, "SENSORWATCH_", 12) != 0) env.emplace_back(*e);
  for (auto& e : event_environment(event_json)) env.push_back(std::move(e));
  std::vector<char*> envp, argv;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = opt_.argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++totals_.failed;
    report_(fmt::format("--exec {}: cannot make a pipe: {}", program, std::strerror(errno)));
    return;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[0], 0);
  posix_spawn_file_actions_adddup2(&actions, 2, 1);  // the program's output is a diagnostic, not data
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults, empty;
  sigemptyset(&empty);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);  // we ignore SIGPIPE; the program gets the usual behaviour
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setpgroup(&attr, 0);  // its own group, so a timeout kills what it started too
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, program.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(fds[0]);
  if (rc != 0) {
    ::close(fds[1]);
    std::lock_guard<std::mutex> lock(mutex_);
    ++totals_.failed;
    report_(fmt::format("--exec {}: cannot run: {}", program, std::strerror(rc)));
    return;
  }
  // The event on its stdin: small (one line), so it fits the pipe; a program that does not
  // read it is not waited for (non-blocking write, then close).
  ::fcntl(fds[1], F_SETFL, O_NONBLOCK);
  const std::string line = event_json + "\n";
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fds[1], line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fds[1]);

  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  int status = 0;
  bool ended = wait_child(pid, pidfd, opt_.timeout, status);
  if (!ended) {
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
    wait_child(pid, pidfd, 60'000, status);
  }
  if (pidfd >= 0) ::close(pidfd);
  std::lock_guard<std::mutex> lock(mutex_);
  ++totals_.ran;
  if (!ended) {
    ++totals_.killed;
    report_(fmt::format("--exec {}: still running after {}, killed", program, format_duration(opt_.timeout)));
  } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    ++totals_.failed;
    report_(fmt::format("--exec {}: exited with status {}", program, WEXITSTATUS(status)));
  } else if (WIFSIGNALED(status)) {
    ++totals_.failed;
    report_(fmt::format("--exec {}: ended by signal {}", program, WTERMSIG(status)));
  }
}

}  // namespace sensorpipe::watch
