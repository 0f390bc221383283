// The simulation loop (see runner.h).
#include "sim/runner.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <vector>

#include "core/errors.h"
#include "core/signals.h"
#include "sim/pacing.h"

namespace sensorpipe::sim {
namespace {

// Which sensor is due next: a min-heap of (offset from the start, sensor index).
// Offsets are k x period (no summed rounding errors); ties go to the lower index,
// so the order of lines is fixed by the options alone.
class Schedule {
 public:
  explicit Schedule(const std::vector<Sensor>& sensors) : periods_(sensors.size()), k_(sensors.size(), 0) {
    for (std::size_t i = 0; i < sensors.size(); ++i) {
      periods_[i] = sensors[i].period_ns;
      heap_.emplace_back(0, i);
    }
    std::make_heap(heap_.begin(), heap_.end(), std::greater<>());
  }
  bool empty() const { return heap_.empty(); }
  std::int64_t next_offset() const { return heap_.front().first; }
  std::size_t pop() {  // returns the due sensor and schedules its next reading
    std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
    const std::size_t i = heap_.back().second;
    heap_.back().first = static_cast<std::int64_t>(++k_[i]) * periods_[i];
    std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
    return i;
  }

 private:
  std::vector<std::int64_t> periods_;
  std::vector<std::uint64_t> k_;
  std::vector<std::pair<std::int64_t, std::size_t>> heap_;
};

class Loop {
 public:
  Loop(Scenario& scenario, const RunOptions& options, RunIo& io)
      : sc_(scenario), opt_(options), io_(io), faults_(options.faults, options.seed, scenario.sensors().size()) {}

  RunResult run() {
    auto& sensors = sc_.sensors();
    for (const auto& s : sensors)
      if (s.period_ns <= 0) throw UsageError("sensor '" + s.reading.sensor + "' has no period");
    Schedule schedule(sensors);
    const TimeMs ts_origin = opt_.backfill ? opt_.from : now_ms();
    const TimeMs model_origin = opt_.backfill ? opt_.from : opt_.model_origin;
    const double span = opt_.backfill ? static_cast<double>(opt_.to - opt_.from) : 0.0;
    const std::int64_t duration_ns =
        opt_.duration ? *opt_.duration * 1000000 : std::numeric_limits<std::int64_t>::max();
    const bool faulty = faults_.active();
    std::vector<std::string> lines;
    std::uint64_t since_check = 0;

    while (!schedule.empty() && !done()) {
      const std::int64_t offset = schedule.next_offset();
      const TimeMs delta = offset / 1000000;
      if (opt_.backfill) {
        if (ts_origin + delta >= opt_.to) break;
        if (++since_check == 4096) {  // cheap enough to not matter, often enough to feel live
          since_check = 0;
          if (stop_requested()) break;
          poll_commands();
          if (io_.progress) io_.progress(static_cast<double>(delta) / span, result_.lines);
        }
      } else {
        if (offset >= duration_ns) break;
        if (!wait(offset)) break;
      }
      const std::size_t i = schedule.pop();
      Sensor& s = sensors[i];
      s.reading.ts = ts_origin + delta;
      s.sample(model_origin + delta);
      if (!faulty) {
        append_reading(io_.out->buffer(), s.reading);
        io_.out->end_line();
        ++result_.lines;
        continue;
      }
      lines.clear();
      faults_.process(i, s.reading, lines);
      write(lines);
    }
    if (faulty && !done()) {
      lines.clear();
      faults_.drain(lines);
      write(lines);
    }
    if (io_.progress && opt_.backfill) io_.progress(1.0, result_.lines);
    io_.out->flush();
    return result_;
  }

 private:
  bool done() const { return opt_.count && result_.lines >= *opt_.count; }

  void write(const std::vector<std::string>& lines) {
    for (const auto& l : lines) {
      if (done()) return;
      io_.out->write_line(l);
      ++result_.lines;
    }
  }

  // Live: sleeps until the reading at `offset` is due, applying commands meanwhile.
  bool wait(std::int64_t offset) {
    for (;;) {
      const int input = io_.commands && commands_open_ ? io_.commands_fd : -1;
      switch (pacer_.wait(offset, input, io_.out_fd)) {
        case Pacer::Wake::Due: return true;
        case Pacer::Wake::Stopped: return false;
        case Pacer::Wake::OutputClosed: throw OutputClosed();
        case Pacer::Wake::Input: poll_commands(); break;
      }
    }
  }

  // Applies every command line that is available now, without blocking.
  void poll_commands() {
    if (!io_.commands || !commands_open_) return;
    for (;;) {
      switch (io_.commands->next(0)) {
        case LineReader::Status::Line: {
          const std::string_view line = io_.commands->line();
          if (line.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank lines are not commands
          if (apply_command_line(sc_, line, parser_, error_)) ++result_.commands;
          else io_.diag->bad_line(io_.commands->line_number(), error_);
          continue;
        }
        case LineReader::Status::TooLong:
          io_.diag->bad_line(io_.commands->line_number(),
                             "line longer than " + std::to_string(io_.commands->max_line_bytes()) + " bytes");
          continue;
        case LineReader::Status::Eof: commands_open_ = false; return;
        case LineReader::Status::Timeout:
        case LineReader::Status::Stopped: return;
      }
    }
  }

  Scenario& sc_;
  const RunOptions& opt_;
  RunIo& io_;
  FaultInjector faults_;
  Pacer pacer_;
  ReadingParser parser_;
  std::string error_;
  bool commands_open_ = true;
  RunResult result_;
};

}  // namespace

bool apply_command_line(Scenario& scenario, std::string_view line, ReadingParser& parser, std::string& error) {
  Command command;
  if (!parser.parse_command(line, command, error)) {
    // mqtt-ingest turns a message on "home/led/set" into a reading with that sensor.
    Reading reading;
    std::string reading_error;
    if (!parser.parse(line, 0, reading, reading_error)) return false;
    command.target = std::move(reading.sensor);
    command.value = std::move(reading.value);
  }
  return scenario.command(command, error);
}

RunResult run(Scenario& scenario, const RunOptions& options, RunIo& io) {
  Loop loop(scenario, options, io);
  return loop.run();
}

}  // namespace sensorpipe::sim
