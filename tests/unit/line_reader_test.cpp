// The line reader on hostile input: long lines, CRLF, NUL, no final newline.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <string>
#include <thread>

#include "core/line_reader.h"

using namespace sensorpipe;

namespace {
// Feeds `data` through a pipe from a thread (so inputs larger than the pipe buffer work).
struct PipeFeed {
  int fds[2];
  std::thread writer;
  explicit PipeFeed(std::string data) {
    REQUIRE(pipe(fds) == 0);
    writer = std::thread([this, d = std::move(data)] {
      std::size_t done = 0;
      while (done < d.size()) {
        const ssize_t n = write(fds[1], d.data() + done, d.size() - done);
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
      }
      close(fds[1]);
    });
  }
  ~PipeFeed() {
    writer.join();
    close(fds[0]);
  }
};
}  // namespace

TEST_CASE("lines come with their numbers, CRLF handled, last line without newline") {
  PipeFeed feed("a\r\nb\nlast");
  LineReader r(feed.fds[0]);
  REQUIRE(r.next() == LineReader::Status::Line);
  CHECK(r.line() == "a");
  CHECK(r.line_number() == 1);
  REQUIRE(r.next() == LineReader::Status::Line);
  CHECK(r.line() == "b");
  REQUIRE(r.next() == LineReader::Status::Line);
  CHECK(r.line() == "last");
  CHECK(r.line_number() == 3);
  CHECK(r.next() == LineReader::Status::Eof);
}

TEST_CASE("blank and whitespace-only lines are skipped but keep their line numbers") {
  PipeFeed feed("\na\n \t \n\r\n  x \n\t");
  LineReader r(feed.fds[0]);
  REQUIRE(r.next() == LineReader::Status::Line);
  CHECK(r.line() == "a");
  CHECK(r.line_number() == 2);
  REQUIRE(r.next() == LineReader::Status::Line);
  CHECK(r.line() == "  x ");  // not blank: kept whole, the parser decides
  CHECK(r.line_number() == 5);
  CHECK(r.next() == LineReader::Status::Eof);  // a final whitespace-only line without newline too
  CHECK(r.line_number() == 6);
}

TEST_CASE("NUL bytes are kept inside a line") {
  PipeFeed feed(std::string("a\0b\n", 4));
  LineReader r(feed.fds[0]);
  REQUIRE(r.next() == LineReader::Status::Line);
  CHECK(r.line() == std::string_view("a\0b", 3));
}

TEST_CASE("an over-long line is skipped without holding it, the stream goes on") {
  std::string big(5 * 1024 * 1024, 'x');
  PipeFeed feed("first\n" + big + "\nafter\n" + big);
  LineReader r(feed.fds[0], 1024);
  REQUIRE(r.next() == LineReader::Status::Line);
  CHECK(r.line() == "first");
  REQUIRE(r.next() == LineReader::Status::TooLong);
  CHECK(r.line_number() == 2);
  REQUIRE(r.next() == LineReader::Status::Line);
  CHECK(r.line() == "after");
  CHECK(r.line_number() == 3);
  REQUIRE(r.next() == LineReader::Status::TooLong);
  CHECK(r.line_number() == 4);
  CHECK(r.next() == LineReader::Status::Eof);
}

TEST_CASE("a line of exactly the maximum is accepted") {
  PipeFeed feed(std::string(1024, 'y') + "\n" + std::string(1025, 'z') + "\n");
  LineReader r(feed.fds[0], 1024);
  REQUIRE(r.next() == LineReader::Status::Line);
  CHECK(r.line().size() == 1024);
  CHECK(r.next() == LineReader::Status::TooLong);
  CHECK(r.next() == LineReader::Status::Eof);
}

TEST_CASE("a timeout returns when no complete line arrives") {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  REQUIRE(write(fds[1], "part", 4) == 4);
  LineReader r(fds[0]);
  CHECK(r.next(50) == LineReader::Status::Timeout);
  REQUIRE(write(fds[1], "ial\n", 4) == 4);
  REQUIRE(r.next(50) == LineReader::Status::Line);
  CHECK(r.line() == "partial");
  close(fds[1]);
  close(fds[0]);
}
