// Runs a program per alert event (sensor-watch --exec) without ever holding up the stream.
//
// submit() only queues (bounded: when `queue` events wait, the event is refused and
// counted, never waited for); one worker thread runs the program for each queued event,
// one at a time, in order: argv as given (PATH lookup, never a shell), the event's JSON
// line on its stdin, each top-level field as an environment variable SENSORWATCH_<FIELD>
// (upper case: SENSORWATCH_RULE, SENSORWATCH_SUBJECT, SENSORWATCH_STATE, ...), its stdout
// sent to our stderr (never into the data stream), in its own process group. A program
// still running after `timeout` is killed with its group (SIGKILL). Problems (cannot start,
// non-zero exit, killed) go to the `report` callback, called on the worker thread.
// submit() is called from one thread; finish() (also run by the destructor) runs what is
// queued, each still bounded by the timeout, and joins the worker.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/time.h"

namespace sensorpipe::watch {

struct ExecOptions {
  std::vector<std::string> argv;  // program and its arguments
  TimeMs timeout = 30'000;
  std::size_t queue = 100;
};

struct ExecTotals {
  std::uint64_t ran = 0, failed = 0, killed = 0, dropped = 0;
};

class ExecRunner {
 public:
  ExecRunner(ExecOptions opt, std::function<void(const std::string&)> report);
  ~ExecRunner();
  ExecRunner(const ExecRunner&) = delete;
  ExecRunner& operator=(const ExecRunner&) = delete;

  // Queues the program's run for one event (a JSON object line). False when the queue
  // is full: the event is dropped for the program (it still went to stdout).
  bool submit(std::string event_json);
  void finish();
  ExecTotals totals() const;

 private:
  void work();
  void run_one(const std::string& event_json);

  ExecOptions opt_;
  std::function<void(const std::string&)> report_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  bool closing_ = false;
  ExecTotals totals_;
  std::thread worker_;
};

// The environment entries "SENSORWATCH_<FIELD>=value" for an event line (strings
// unescaped, other values as their JSON text).
std::vector<std::string> event_environment(const std::string& event_json);

}  // namespace sensorpipe::watch
