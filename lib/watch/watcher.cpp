// sensor-watch's loop: reading, evaluating on input and on the clock, writing, saving state.
#include "watch/watcher.h"

#include <algorithm>

#include "core/errors.h"
#include "core/line_reader.h"
#include "core/reading.h"
#include "watch/state_file.h"

namespace sensorpipe::watch {

Watcher::Watcher(Engine& engine, LineWriter* out, ExecRunner* exec, Diagnostics& diag, WatcherOptions opt)
    : engine_(engine), out_(out), exec_(exec), diag_(diag), opt_(std::move(opt)) {
  if (opt_.state_file) state_.emplace(*opt_.state_file);
}

void Watcher::emit() {
  for (const auto& ev : events_) {
    line_.clear();
    append_reading(line_, ev);
    if (out_) out_->write_line(line_);
    ++totals_.events;
    if (exec_ && !exec_->submit(line_)) {
      ++totals_.exec_dropped;
      diag_.warning("--exec queue full: event " + ev.sensor + " " + value_text(ev.value) +
                    " not passed to the program (it is on stdout)");
    }
  }
  events_.clear();
}

void Watcher::save_if_due(TimeMs wall, bool announced) {
  if (!opt_.state_file || !engine_.dirty()) return;
  urgent_ = urgent_ || announced;
  // After an announcement within 250 ms (an alert storm costs at most four writes a second,
  // not one per event), otherwise within a second.
  if (wall - last_save_ < (urgent_ ? 250 : 1000)) return;
  save_now(wall);
}

void Watcher::save_now(TimeMs wall) {
  if (!state_ || !engine_.dirty()) return;
  state_->save(engine_.save());  // written on the StateWriter's thread
  last_save_ = wall;
  urgent_ = false;
}

bool Watcher::run(int fd) {
  LineReader reader(fd, opt_.max_line_bytes);
  ReadingParser parser;
  Reading r;
  std::string error;
  TimeMs next_tick = 0;
  for (;;) {
    TimeMs wall = now_ms();
    if (wall >= next_tick) {
      engine_.tick(wall, events_);
      const bool had = !events_.empty();
      emit();
      save_if_due(wall, had);
      next_tick = wall + opt_.tick_ms;
    }
    const auto status = reader.next(static_cast<int>(std::max<TimeMs>(1, next_tick - wall)));
    const std::uint64_t n = reader.line_number();
    auto bad = [&](const std::string& reason) {
      try {
        diag_.bad_line(n, reason);
      } catch (const StrictInputError&) {
        save_now(now_ms());
        if (state_) state_->finish();
        throw;
      }
    };
    switch (status) {
      case LineReader::Status::Line: {
        const auto line = reader.line();
        if (line.find_first_not_of(" \t") == std::string_view::npos) break;  // blank lines are not readings
        wall = now_ms();
        if (!parser.parse(line, wall, r, error)) {
          bad(error);
          break;
        }
        ++totals_.readings;
        if (out_ && !opt_.alerts_only) {
          append_reading(out_->buffer(), r);
          out_->end_line();
        }
        engine_.observe(r, wall, events_);
        const bool had = !events_.empty();
        emit();
        save_if_due(wall, had);
        break;
      }
      case LineReader::Status::TooLong:
        bad("line longer than " + std::to_string(reader.max_line_bytes()) + " bytes");
        break;
      case LineReader::Status::Timeout: break;
      case LineReader::Status::Stopped: return false;
      case LineReader::Status::Eof: return true;
    }
  }
}

void Watcher::finish() {
  save_now(now_ms());
  if (state_) state_->finish();  // on disk before the program ends
  if (out_) out_->flush();
}

}  // namespace sensorpipe::watch
