// A worker thread running queued jobs in order (see job_queue.h).
#include "web/job_queue.h"

namespace sensorpipe::web {

JobQueue::JobQueue() : worker_([this] { run(); }) {}

JobQueue::~JobQueue() { stop(); }

bool JobQueue::push(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    if (stop_) return false;
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

void JobQueue::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable() && worker_.get_id() != std::this_thread::get_id()) worker_.join();
}

void JobQueue::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopped and drained
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

}  // namespace sensorpipe::web
