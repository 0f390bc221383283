// sensor-watch's --state file: read whole, replaced atomically (temporary file, fsync, rename).
//
// A reader never sees a half-written state: after a crash the file holds either the old or
// the new state. Functions throw RuntimeError naming the file on failure.
#pragma once
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace sensorpipe::watch {

// The file's content, or nullopt when it does not exist (a first start).
std::optional<std::string> read_state_file(const std::string& path);
// Writes `text` to PATH.tmp, flushes it to disk, renames it over PATH and syncs the directory.
void write_state_file(const std::string& path, const std::string& text);

// Writes the state on its own thread, so fsync never holds up the stream. save() hands
// over the newest text (a text not yet written is replaced: only the latest state
// matters) and returns at once; a failed write is thrown (RuntimeError) from the next
// save() or from finish(). finish() writes what is pending and joins; the destructor
// calls it and swallows errors. save() and finish() are called from one thread.
class StateWriter {
 public:
  explicit StateWriter(std::string path);
  ~StateWriter();
  StateWriter(const StateWriter&) = delete;
  StateWriter& operator=(const StateWriter&) = delete;

  void save(std::string text);
  void finish();

 private:
  void work();
  void rethrow_locked();

  std::string path_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::optional<std::string> pending_;
  std::string error_;
  bool closing_ = false;
  std::thread worker_;
};

}  // namespace sensorpipe::watch
