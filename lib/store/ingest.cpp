// db-store's write loop (see ingest.h).
#include "store/ingest.h"

#include <chrono>

#include "core/errors.h"
#include "core/line_reader.h"
#include "core/signals.h"

namespace sensorpipe::store {

namespace {
using Clock = std::chrono::steady_clock;
int ms_until(Clock::time_point t) {
  const auto d = std::chrono::duration_cast<std::chrono::milliseconds>(t - Clock::now()).count();
  return d < 0 ? 0 : static_cast<int>(d);
}
}  // namespace

Ingest::Ingest(StoreWriter& writer, LineWriter* out, Diagnostics& diag, const IngestOptions& opt)
    : writer_(writer), out_(out), diag_(diag), opt_(opt) {}

void Ingest::commit() {
  if (writer_.pending() > 0) {
    totals_.stored.add(writer_.commit());
    ++totals_.commits;
  }
  if (out_) {
    if (!held_.empty()) {
      out_->buffer() += held_;
      held_.clear();
    }
    out_->flush();
  }
}

bool Ingest::run(int fd) {
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
    if (writer_.pending() > 0 && now >= deadline) commit();
    if (now >= next_maintain) {
      writer_.maintain(now_ms());
      next_maintain = Clock::now() + maintain_every;
    }
    int timeout = ms_until(next_maintain);
    if (writer_.pending() > 0) timeout = std::min(timeout, ms_until(deadline));
    else if (out_ && out_->buffer().size() > 0) out_->flush();  // idle: nothing may linger
    const auto status = reader.next(timeout);
    const std::uint64_t n = line_base_ + reader.line_number();
    switch (status) {
      case LineReader::Status::Line: {
        const auto line = reader.line();
        if (line.find_first_not_of(" \t") == std::string_view::npos) break;  // blank lines are not readings
        if (!parser.parse(line, now_ms(), r, error)) {
          try {
            diag_.bad_line(n, error);
          } catch (const StrictInputError&) {
            commit();  // what came before the bad line is kept
            throw;
          }
          break;
        }
        ++totals_.lines;
        if (out_) {
          std::string& dest = opt_.pass_after_commit ? held_ : out_->buffer();
          append_reading(dest, r);
          if (opt_.pass_after_commit) dest += '\n';
          else out_->end_line();
        }
        if (writer_.pending() == 0) deadline = Clock::now() + interval;
        writer_.add(std::move(r));
        r = Reading{};
        if (writer_.pending() >= opt_.batch_rows) commit();
        break;
      }
      case LineReader::Status::TooLong:
        try {
          diag_.bad_line(n, "line longer than " + std::to_string(reader.max_line_bytes()) + " bytes");
        } catch (const StrictInputError&) {
          commit();
          throw;
        }
        break;
      case LineReader::Status::Timeout:
        break;
      case LineReader::Status::Stopped:
        line_base_ = n;
        commit();
        return false;
      case LineReader::Status::Eof:
        line_base_ = n;
        return true;
    }
  }
}

void Ingest::finish() {
  commit();
  // Finish the retention work a short run started (bounded: a huge backlog goes on next time).
  const auto until = Clock::now() + std::chrono::seconds(2);
  while (writer_.maintain(now_ms()) && Clock::now() < until) {
  }
}

}  // namespace sensorpipe::store
