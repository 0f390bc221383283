// A thin RAII layer over libpq: one connection, results, COPY in, errors with SQLSTATE.
//
// Only parameters carry values into SQL (text format, $1..$n); identifiers spliced into
// statements are made by sensorpipe itself (partition names), never taken from input.
// A Conn and its Results belong to one thread at a time (libpq connections are not
// thread-safe). Every failing call throws pq::Error: the message names the operation and
// the server's reason, `sqlstate` holds the five-character code ("40P01"), and
// `connection_lost` says whether the connection is gone (the caller may reconnect).
// A Conn given an Interrupt (core/interrupt.h) waits for the server in poll() beside the
// interrupt's fd (connecting included), so a stop ends a wait on a server that is stopped,
// slow or unreachable at once: the connection is closed, a cancel request is sent from a
// thread of its own and waited for at most 1 s (PQcancel blocks on a postmaster that does
// not answer, and libpq 15 has no non-blocking cancel), and Interrupted is thrown. COPY is not interruptible.
// Passwords never appear in messages: URLs are shown with the password removed, and
// libpq's own PGPASSWORD, PGPASSFILE, ~/.pgpass and PG* variables work as usual.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/errors.h"
#include "core/interrupt.h"

struct pg_conn;
struct pg_result;

namespace sensorpipe::store::pq {

struct Error : RuntimeError {
  Error(const std::string& message, std::string code, bool lost)
      : RuntimeError(message), sqlstate(std::move(code)), connection_lost(lost) {}
  std::string sqlstate;  // empty when the server sent none (e.g. a client-side failure)
  bool connection_lost = false;
  // Deadlock or serialization failure: the transaction may simply be run again.
  bool retryable() const { return sqlstate == "40P01" || sqlstate == "40001"; }
};

// True for postgresql:// and postgres:// locations.
bool is_url(std::string_view location);
// The URL with any password replaced by "***" (for messages).
std::string redact(std::string_view url);
// libpq's version, "15.18".
std::string library_version();

// Owns one PGresult.
class Result {
 public:
  Result() = default;
  explicit Result(pg_result* r) : r_(r) {}
  ~Result();
  Result(Result&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Result& operator=(Result&& o) noexcept;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;

  int rows() const;
  bool null(int row, int col) const;
  std::string_view text(int row, int col) const;  // "" for NULL
  std::int64_t int64(int row, int col) const;
  double float8(int row, int col) const;
  bool boolean(int row, int col) const;
  pg_result* handle() const { return r_; }

 private:
  pg_result* r_ = nullptr;
};

using Param = std::optional<std::string>;  // nullopt = SQL NULL

class Conn {
 public:
  // Connects to `url` (any libpq connection string); throws Error naming the redacted URL,
  // Interrupted when `interrupt` fires first. libpq's connect_timeout applies as usual.
  explicit Conn(const std::string& url, Interrupt interrupt = {});
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  // Runs one or more statements without parameters; returns the last result.
  Result exec(const std::string& sql);
  // Runs one statement with text parameters.
  Result exec(const std::string& sql, const std::vector<Param>& params);
  // COPY ... FROM STDIN with `data` in COPY text format (rows of tab-separated fields).
  void copy_in(const std::string& copy_sql, std::string_view data);
  // True while the connection is up (as far as libpq knows).
  bool ok() const;
  const std::string& url() const { return shown_; }  // redacted
  pg_conn* handle() const { return c_; }

 private:
  [[noreturn]] void fail(const std::string& what, pg_result* r);
  Result check(const std::string& what, pg_result* r);
  // Waits until the socket is ready for `events` (POLLIN/POLLOUT) or the interrupt fires.
  // `deadline_ms` (steady clock, 0 = none) ends a connect that takes too long.
  void wait_socket(short events, long long deadline_ms = 0);
  [[noreturn]] void interrupted();
  // The results of a query sent with PQsend*: the first error, else the last one.
  pg_result* collect(const std::string& what);
  pg_conn* c_ = nullptr;
  std::string shown_;
  Interrupt interrupt_;
};

// A transaction that rolls back unless committed.
class Transaction {
 public:
  explicit Transaction(Conn& c, const char* begin = "BEGIN");
  ~Transaction();
  void commit();

 private:
  Conn& c_;
  bool open_ = true;
};

// Appends `text` escaped for a COPY text field (backslash, tab, newline, CR).
void append_copy_field(std::string& out, std::string_view text);

}  // namespace sensorpipe::store::pq
