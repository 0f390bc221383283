// A queue of jobs run in order on one worker thread of its own (ws-serve's API queries).
//
// push() is thread-safe and never blocks on a job. stop() (and the destructor) lets the
// worker finish the jobs already queued, then joins it; jobs pushed after stop() are
// dropped. A job must not throw (the server's jobs catch their own errors); one that does
// ends the program (std::terminate), as any escaping exception on a thread would.
#pragma once
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace sensorpipe::web {

class JobQueue {
 public:
  JobQueue();
  ~JobQueue();
  JobQueue(const JobQueue&) = delete;
  JobQueue& operator=(const JobQueue&) = delete;

  // Returns false (and drops the job) after stop().
  bool push(std::function<void()> job);
  void stop();

 private:
  void run();
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stop_ = false;
  std::thread worker_;  // last: starts once the members above exist
};

}  // namespace sensorpipe::web
