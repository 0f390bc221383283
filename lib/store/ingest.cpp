// db-store's write loop (see ingest.h).
#include "store/ingest.h"

#include <time.h>

#include <chrono>

#include "core/errors.h"
#include "core/line_reader.h"
#include "core/stop_request.h"

namespace sensorpipe::store {

namespace {
// The loop looks at the clock once per line: a coarse clock (a few ms resolution, far
// below the commit interval) costs much less than steady_clock at a million lines/s.
struct Clock {
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::time_point<Clock, duration>;
  static time_point now() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return time_point(std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec));
  }
};
// Parsed with this "now", a reading without "ts" is recognisable afterwards, so the real
// clock is read only for those (it is outside the range the parser accepts).
constexpr TimeMs kNoTs = kMinTimeMs - 1;
int ms_until(Clock::time_point t) {
  const auto d = std::chrono::duration_cast<std::chrono::milliseconds>(t - Clock::now()).count();
  return d < 0 ? 0 : static_cast<int>(d);
}
}  // namespace

Ingest::Ingest(StoreWriter& writer, LineWriter* out, Diagnostics& diag, const IngestOptions& opt)
    : writer_(writer), out_(out), diag_(diag), opt_(opt) {}

template <class Fn>
void Ingest::pass_on(Fn&& fn) {
  if (!out_) return;
  try {
    fn(*out_);
  } catch (const OutputClosed&) {
    drop_output();
    if (opt_.output_closed) opt_.output_closed();
  }
}

bool Ingest::in_flight_done() const {
  return in_flight_ && in_flight_->done.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

void Ingest::settle() {
  if (in_flight_) {
    // The worker reads in_flight_->batch in place: wait before touching it.
    std::pair<WriteStats, double> st;
    try {
      st = in_flight_->done.get();  // rethrows the worker's failure here
    } catch (const std::exception& e) {
      // Nothing of the failed batch nor of the open one will be stored: say how much that is.
      const std::uint64_t lost = in_flight_->batch.size() + batch_.size();
      in_flight_.reset();
      if (lost == 0) throw;
      throw RuntimeError(std::string(e.what()) + "; " + std::to_string(lost) + " readings not stored");
    }
    std::string held = std::move(in_flight_->held);
    const bool committed = !in_flight_->batch.empty();
    in_flight_.reset();
    if (committed) {
      totals_.stored.add(st.first);
      totals_.commit_seconds += st.second;
      ++totals_.commits;
    }
    if (out_ && !held.empty()) out_->buffer() += held;
  }
  pass_on([](LineWriter& out) { out.flush(); });
}

void Ingest::start_commit(bool maintain) {
  settle();
  if (batch_.empty() && !maintain) return;
  in_flight_.emplace();
  in_flight_->batch.swap(batch_);
  in_flight_->held.swap(held_);
  if (!in_flight_->batch.empty()) batch_.reserve(std::min<std::size_t>(opt_.batch_rows, 1 << 20));
  StoreWriter* w = &writer_;
  const std::vector<Reading>* b = &in_flight_->batch;
  const TimeMs now = now_ms();
  in_flight_->done = std::async(std::launch::async, [w, b, maintain, now] {
    std::pair<WriteStats, double> result{};
    if (!b->empty()) {
      const auto start = Clock::now();
      result.first = w->write(*b);
      result.second = std::chrono::duration<double>(Clock::now() - start).count();
    }
    if (maintain) w->maintain(now);
    return result;
  });
}

bool Ingest::run(int fd, const std::string& name) {
  LineReader reader(fd, opt_.max_line_bytes);
  ReadingParser parser;
  Reading r;
  std::string error;
  const auto interval = std::chrono::milliseconds(opt_.commit_interval);
  const auto maintain_every = std::chrono::milliseconds(opt_.maintain_interval);
  Clock::time_point deadline{};
  auto next_maintain = Clock::now();
  for (;;) {
    const auto now = Clock::now();
    if (in_flight_done()) settle();
    // Due work waits for the worker instead of blocking the reader: under bulk input
    // commits then run back to back and grow, which is what the B-tree writes best.
    const bool maintain_due = now >= next_maintain;
    if (!in_flight_ && (maintain_due || (!batch_.empty() && now >= deadline))) {
      start_commit(maintain_due);
      if (maintain_due) {
        next_maintain = now + maintain_every;
        if (opt_.progress) opt_.progress(totals_);
      }
    }
    // While the worker is busy, due work waits for it: look again every 5 ms (and pass
    // its held lines on soon after it is done) rather than spin on a timeout of 0.
    int timeout = 5;
    if (!in_flight_) {
      timeout = ms_until(next_maintain);
      if (!batch_.empty()) timeout = std::min(timeout, ms_until(deadline));
    }
    if (batch_.empty() && !in_flight_ && out_ && !out_->buffer().empty())
      pass_on([](LineWriter& out) { out.flush(); });  // idle: nothing lingers
    const auto status = reader.next(timeout);
    const std::uint64_t n = reader.line_number();
    const auto bad = [&](const std::string& reason) {
      if (name.empty()) diag_.bad_line(n, reason);
      else diag_.bad_input(name + ": line " + std::to_string(n), reason);
    };
    switch (status) {
      case LineReader::Status::Line: {
        const auto line = reader.line();
        if (line.find_first_not_of(" \t") == std::string_view::npos) break;  // blank lines are not readings
        if (!parser.parse(line, kNoTs, r, error)) {
          try {
            bad(error);
          } catch (const StrictInputError&) {
            start_commit();  // what came before the bad line is kept
            settle();
            throw;
          }
          break;
        }
        if (r.ts == kNoTs) r.ts = now_ms();
        ++totals_.lines;
        if (out_ && opt_.pass_after_commit) {
          append_reading(held_, r);
          held_ += '\n';
        } else {
          pass_on([&r](LineWriter& out) {
            append_reading(out.buffer(), r);
            out.end_line();
          });
        }
        if (batch_.empty()) deadline = Clock::now() + interval;
        batch_.push_back(std::move(r));
        r = Reading{};
        if (batch_.size() >= opt_.batch_rows) start_commit();
        break;
      }
      case LineReader::Status::TooLong:
        try {
          bad("line longer than " + std::to_string(reader.max_line_bytes()) + " bytes");
        } catch (const StrictInputError&) {
          start_commit();
          settle();
          throw;
        }
        break;
      case LineReader::Status::Timeout:
        if (in_flight_done()) settle();
        break;
      case LineReader::Status::Stopped:
        start_commit();
        settle();
        return false;
      case LineReader::Status::Eof:
        return true;
    }
  }
}

void Ingest::finish() {
  start_commit();
  settle();
  // Finish the retention work a short run started (bounded: a huge backlog goes on next time).
  const auto until = Clock::now() + std::chrono::seconds(2);
  while (writer_.maintain(now_ms()) && Clock::now() < until) {
  }
}

}  // namespace sensorpipe::store
