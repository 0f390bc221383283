// The simulation loop (see runner.h).
#include "sim/runner.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <vector>

#include "core/errors.h"
#include "core/stop_request.h"
#include "sim/pacing.h"

namespace sensorpipe::sim {
namespace {

// Which sensors are due next. Sensors with the same period are always due
// together, so they form one group, emitted in the order they were defined; a
// min-heap orders the groups by (offset from the start, first sensor). Offsets are
// k x period (no summed rounding errors), so the order of lines is fixed by the
// options alone.
class Schedule {
 public:
  explicit Schedule(const std::vector<Sensor>& sensors) {
    std::map<std::int64_t, std::size_t> by_period;
    for (std::size_t i = 0; i < sensors.size(); ++i) {
      const auto [it, fresh] = by_period.emplace(sensors[i].period_ns, groups_.size());
      if (fresh) groups_.push_back(Group{sensors[i].period_ns, 0, {}});
      groups_[it->second].members.push_back(i);
    }
    for (std::size_t g = 0; g < groups_.size(); ++g) heap_.push_back(Entry{0, groups_[g].members.front(), g});
    std::make_heap(heap_.begin(), heap_.end(), std::greater<>());
  }
  std::int64_t next_offset() const { return heap_.front().offset; }
  // The sensors of the group due next; schedules its next tick.
  const std::vector<std::size_t>& pop() {
    std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
    Group& g = groups_[heap_.back().group];
    heap_.back().offset = static_cast<std::int64_t>(++g.k) * g.period;
    std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
    return g.members;
  }

 private:
  struct Group {
    std::int64_t period;
    std::uint64_t k;
    std::vector<std::size_t> members;
  };
  struct Entry {
    std::int64_t offset;
    std::size_t first, group;
    bool operator>(const Entry& o) const { return offset != o.offset ? offset > o.offset : first > o.first; }
  };
  std::vector<Group> groups_;
  std::vector<Entry> heap_;
};

class Loop {
 public:
  Loop(Scenario& scenario, const RunOptions& options, RunIo& io)
      : sc_(scenario), opt_(options), io_(io), faults_(options.faults, options.seed, scenario.sensors().size()) {}

  RunResult run() {
    try {
      loop();
    } catch (...) {
      if (io_.checkpoint && written_) {
        try {
          io_.checkpoint(last_ts_);
        } catch (...) {  // the error that ended the run is the one to report
        }
      }
      throw;
    }
    if (io_.checkpoint && written_) io_.checkpoint(last_ts_);
    return result_;
  }

 private:
  void loop() {
    auto& sensors = sc_.sensors();
    if (sensors.empty()) return;
    for (auto& s : sensors) {
      if (s.period_ns <= 0) throw UsageError("sensor '" + s.reading.sensor + "' has no period");
      s.prepare_format();
    }
    const std::uint64_t limit = opt_.count ? *opt_.count : 0;  // 0: no limit (lines is never 0 here)
    Schedule schedule(sensors);
    const TimeMs ts_origin = opt_.backfill ? opt_.from : now_ms();
    const TimeMs model_origin = opt_.backfill ? opt_.from : opt_.model_origin;
    const double span = opt_.backfill ? static_cast<double>(opt_.to - opt_.from) : 0.0;
    const std::int64_t duration_ns =
        opt_.duration ? *opt_.duration * 1000000 : std::numeric_limits<std::int64_t>::max();
    const bool faulty = faults_.active();
    std::string line, text;  // the fault path's scratch: one reading, the lines it became
    std::uint64_t since_check = 0;

    std::string ts_text;
    while (!done()) {
      const std::int64_t offset = schedule.next_offset();
      const TimeMs delta = offset / 1000000;
      if (opt_.backfill) {
        if (ts_origin + delta >= opt_.to) break;
        if (++since_check == 256) {  // about every 10k lines: often enough to feel live
          since_check = 0;
          if (stop_requested()) break;
          poll_commands();
          if (io_.progress) io_.progress(static_cast<double>(delta) / span, result_.lines);
        }
      } else {
        if (offset >= duration_ns) {  // the run lasts the whole duration, like mosquitto_sub -W
          wait(duration_ns);
          break;
        }
        if (!wait(offset)) break;
      }
      const TimeMs ts = ts_origin + delta;
      ts_text.clear();
      append_rfc3339(ts_text, ts);
      for (const std::size_t i : schedule.pop()) {
        Sensor& s = sensors[i];
        s.reading.ts = ts;
        s.sample(model_origin + delta);
        if (!faulty) {
          s.append_fast(io_.out->buffer(), ts_text);
          io_.out->end_line();
          if (++result_.lines == limit) break;
          continue;
        }
        faults_.alter(i, s.reading);
        line.clear();
        s.append_fast(line, ts_text);
        text.clear();
        write(text, faults_.emit(s.reading, line, text));
        if (done()) break;
      }
      // Models have advanced to ts even when --count cut the group short.
      written_ = true;
      last_ts_ = ts;
      if (!opt_.backfill && io_.checkpoint) {
        const TimeMs wall = now_ms();
        if (last_checkpoint_ == 0) last_checkpoint_ = wall;
        if (wall - last_checkpoint_ >= io_.checkpoint_ms) {
          last_checkpoint_ = wall;
          io_.checkpoint(ts);
        }
      }
    }
    if (faulty && !done()) {
      text.clear();
      write(text, faults_.drain(text));
    }
    if (io_.progress && opt_.backfill) io_.progress(1.0, result_.lines);
    io_.out->flush();
  }

  bool done() const { return opt_.count && result_.lines >= *opt_.count; }

  // Writes `n` lines ('\n'-terminated, in `text`), fewer if --count is reached first.
  void write(std::string_view text, std::size_t n) {
    if (n == 0) return;
    if (opt_.count && result_.lines + n > *opt_.count) {
      n = *opt_.count - result_.lines;
      std::size_t end = 0;
      for (std::size_t i = 0; i < n; ++i) end = text.find('\n', end) + 1;
      text = text.substr(0, end);
    }
    if (n == 0) return;
    io_.out->buffer().append(text.data(), text.size() - 1);  // end_line() adds the last '\n'
    io_.out->end_line();
    result_.lines += n;
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
  bool written_ = false;
  TimeMs last_ts_ = 0, last_checkpoint_ = 0;
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
