// The RAII layer over libpq (see pq.h).
#include "store/postgres/pq.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>

namespace sensorpipe::store::pq {

bool is_url(std::string_view location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::string redact(std::string_view url) {
  std::string out(url);
  // user:password@ in the authority part
  const auto scheme = out.find("://");
  if (scheme != std::string::npos) {
    const auto start = scheme + 3;
    const auto end = out.find_first_of("/?", start);
    const auto at = out.rfind('@', end == std::string::npos ? out.size() : end);
    if (at != std::string::npos && at >= start) {
      const auto colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // password=... as a URL parameter or a conninfo keyword
  for (std::size_t pos = out.find("password="); pos != std::string::npos; pos = out.find("password=", pos + 1)) {
    const auto v = pos + 9;
    auto e = out.find_first_of("& ", v);
    if (e == std::string::npos) e = out.size();
    out.replace(v, e - v, "***");
  }
  return out;
}

std::string library_version() {
  const int v = PQlibVersion();  // 150018 for 15.18 (major * 10000 + minor since PostgreSQL 10)
  return fmt::format("{}.{}", v / 10000, v % 10000);
}

Result::~Result() {
  if (r_) PQclear(r_);
}

Result& Result::operator=(Result&& o) noexcept {
  if (this != &o) {
    if (r_) PQclear(r_);
    r_ = o.r_;
    o.r_ = nullptr;
  }
  return *this;
}

int Result::rows() const { return r_ ? PQntuples(r_) : 0; }
bool Result::null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
std::string_view Result::text(int row, int col) const {
  return std::string_view(PQgetvalue(r_, row, col), static_cast<std::size_t>(PQgetlength(r_, row, col)));
}
std::int64_t Result::int64(int row, int col) const { return std::strtoll(PQgetvalue(r_, row, col), nullptr, 10); }
double Result::float8(int row, int col) const {
  // The session sets extra_float_digits=3, so the text is the shortest exact form.
  return std::strtod(PQgetvalue(r_, row, col), nullptr);
}
bool Result::boolean(int row, int col) const { return PQgetvalue(r_, row, col)[0] == 't'; }

namespace {
std::string trimmed(const char* msg) {
  std::string s = msg ? msg : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  // libpq prefixes server messages with "ERROR:  "; the program adds its own prefix.
  for (const char* p : {"ERROR:  ", "FATAL:  "})
    if (s.rfind(p, 0) == 0) s.erase(0, std::char_traits<char>::length(p));
  const auto nl = s.find('\n');  // keep the first line; DETAIL/HINT lines follow it
  if (nl != std::string::npos) s.erase(nl);
  return s;
}

constexpr int kCancelWaitMs = 1000;  // how long an interrupt waits for its cancel request to go out

long long steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// libpq's connect_timeout (seconds; libpq treats 1 as 2), which PQconnectPoll leaves to
// its caller; 0 = none. Applied to the whole connect rather than per host.
long long connect_timeout_ms(pg_conn* c) {
  long long ms = 0;
  if (PQconninfoOption* opts = PQconninfo(c)) {
    for (const PQconninfoOption* o = opts; o->keyword; ++o)
      if (std::strcmp(o->keyword, "connect_timeout") == 0 && o->val && *o->val) {
        const long t = std::strtol(o->val, nullptr, 10);
        if (t > 0) ms = std::max(t, 2L) * 1000;
      }
    PQconninfoFree(opts);
  }
  return ms;
}
}  // namespace

Conn::Conn(const std::string& url, Interrupt interrupt) : shown_(redact(url)), interrupt_(std::move(interrupt)) {
  // Connect without blocking, so that the interrupt is heard while a server that does not
  // answer (stopped, or a lost network) keeps the connect waiting.
  c_ = PQconnectStart(url.c_str());
  if (!c_) throw Error("cannot connect to " + shown_ + ": out of memory", "", true);
  try {
    const long long timeout = connect_timeout_ms(c_);
    const long long deadline = timeout ? steady_ms() + timeout : 0;
    PostgresPollingStatusType st = PQstatus(c_) == CONNECTION_BAD ? PGRES_POLLING_FAILED : PGRES_POLLING_WRITING;
    while (st != PGRES_POLLING_OK) {
      if (st == PGRES_POLLING_FAILED) throw Error("cannot connect to " + shown_ + ": " + trimmed(PQerrorMessage(c_)), "08006", true);
      wait_socket(st == PGRES_POLLING_READING ? POLLIN : POLLOUT, deadline);
      st = PQconnectPoll(c_);
    }
    // Exact float text both ways; UTC so timestamptz text is unambiguous; no chatter.
    exec("SET extra_float_digits = 3; SET TimeZone = 'UTC'; SET client_min_messages = warning");
  } catch (...) {
    if (c_) PQfinish(c_);
    c_ = nullptr;
    throw;
  }
}

Conn::~Conn() {
  if (c_) PQfinish(c_);
}

bool Conn::ok() const { return c_ && PQstatus(c_) == CONNECTION_OK; }

void Conn::fail(const std::string& what, pg_result* r) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string code = state ? state : "";
  std::string msg = trimmed(r ? PQresultErrorMessage(r) : nullptr);
  if (msg.empty()) msg = trimmed(PQerrorMessage(c_));
  if (r) PQclear(r);
  const bool lost = PQstatus(c_) != CONNECTION_OK || code.rfind("08", 0) == 0 || code == "57P01" ||
                    code == "57P02" || code == "57P03";
  throw Error(what + ": " + (msg.empty() ? "connection lost" : msg), code, lost);
}

Result Conn::check(const std::string& what, pg_result* r) {
  const auto st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_COPY_IN) fail(what, r);
  return Result(r);
}

void Conn::wait_socket(short events, long long deadline_ms) {
  for (;;) {
    if (interrupt_.requested && interrupt_.requested()) interrupted();
    const int sock = PQsocket(c_);
    if (sock < 0) throw Error("database: connection lost", "08006", true);
    pollfd fds[2] = {{sock, events, 0}, {interrupt_.fd, POLLIN, 0}};
    const nfds_t n = interrupt_.fd >= 0 ? 2 : 1;
    // Without an fd to wake on, the interrupt is asked again every 100 ms.
    int timeout = interrupt_.requested && interrupt_.fd < 0 ? 100 : -1;
    if (deadline_ms) {
      const long long left = deadline_ms - steady_ms();
      if (left <= 0) throw Error("cannot connect to " + shown_ + ": timeout expired (connect_timeout)", "08006", true);
      timeout = timeout < 0 ? static_cast<int>(std::min(left, 60'000LL)) : std::min<int>(timeout, static_cast<int>(left));
    }
    const int r = ::poll(fds, n, timeout);
    if (r < 0 && errno != EINTR) throw Error(std::string("database: poll: ") + std::strerror(errno), "", true);
    if (r > 0 && fds[0].revents != 0) return;
  }
}

void Conn::interrupted() {
  if (c_) {
    // A query still running on the server is cancelled, so it stops holding locks and
    // work there. PQcancel blocks until the postmaster answers, which a stopped one never
    // does: it runs on its own thread, waited for at most kCancelWaitMs, then left behind
    // (the caller is on its way out).
    if (PQstatus(c_) == CONNECTION_OK && PQtransactionStatus(c_) == PQTRANS_ACTIVE) {
      if (PGcancel* cancel = PQgetCancel(c_)) {
        struct Done {
          std::mutex m;
          std::condition_variable cv;
          bool done = false;
        };
        auto done = std::make_shared<Done>();
        bool started = false;
        try {
          std::thread([cancel, done] {
            char err[256];
            PQcancel(cancel, err, sizeof err);
            PQfreeCancel(cancel);
            std::lock_guard<std::mutex> lock(done->m);
            done->done = true;
            done->cv.notify_all();
          }).detach();
          started = true;
        } catch (const std::system_error&) {  // no thread: no cancel, the connection still closes
          PQfreeCancel(cancel);
        }
        if (started) {
          std::unique_lock<std::mutex> lock(done->m);
          done->cv.wait_for(lock, std::chrono::milliseconds(kCancelWaitMs), [&] { return done->done; });
        }
      }
    }
    PQfinish(c_);
    c_ = nullptr;
  }
  throw Interrupted("interrupted while waiting for " + shown_);
}

pg_result* Conn::collect(const std::string& what) {
  pg_result* keep = nullptr;
  const auto is_error = [](pg_result* r) {
    const auto st = PQresultStatus(r);
    return st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE;
  };
  try {
    for (;;) {
      while (PQisBusy(c_)) {
        wait_socket(POLLIN);
        if (!PQconsumeInput(c_)) {
          if (keep) PQclear(keep);
          keep = nullptr;
          fail(what, nullptr);
        }
      }
      pg_result* r = PQgetResult(c_);
      if (!r) break;
      const auto st = PQresultStatus(r);
      if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) {  // as PQexec: the caller goes on
        if (keep) PQclear(keep);
        return r;
      }
      if (keep && is_error(keep)) {  // as PQexec: the first error is the answer
        PQclear(r);
        continue;
      }
      if (keep) PQclear(keep);
      keep = r;
    }
  } catch (...) {
    if (keep) PQclear(keep);
    throw;
  }
  return keep;  // null only when the connection broke (check() reports it)
}

Result Conn::exec(const std::string& sql) {
  if (!c_) throw Error("not connected", "08003", true);
  if (!PQsendQuery(c_, sql.c_str())) fail("database", nullptr);
  return check("database", collect("database"));
}

Result Conn::exec(const std::string& sql, const std::vector<Param>& params) {
  if (!c_) throw Error("not connected", "08003", true);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  if (!PQsendQueryParams(c_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0))
    fail("database", nullptr);
  return check("database", collect("database"));
}

void Conn::copy_in(const std::string& copy_sql, std::string_view data) {
  if (!c_) throw Error("not connected", "08003", true);
  Result start = check("COPY", PQexec(c_, copy_sql.c_str()));
  constexpr std::size_t kChunk = 1 << 20;
  for (std::size_t off = 0; off < data.size(); off += kChunk) {
    const auto n = std::min(kChunk, data.size() - off);
    if (PQputCopyData(c_, data.data() + off, static_cast<int>(n)) != 1) fail("COPY", nullptr);
  }
  if (PQputCopyEnd(c_, nullptr) != 1) fail("COPY", nullptr);
  check("COPY", PQgetResult(c_));
  while (pg_result* extra = PQgetResult(c_)) PQclear(extra);
}

Transaction::Transaction(Conn& c, const char* begin) : c_(c) { c_.exec(begin); }

Transaction::~Transaction() {
  if (open_ && c_.ok()) {
    try {
      c_.exec("ROLLBACK");
    } catch (...) {  // the connection broke: the server rolls back on its own
    }
  }
}

void Transaction::commit() {
  c_.exec("COMMIT");
  open_ = false;
}

void append_copy_field(std::string& out, std::string_view text) {
  for (char ch : text) {
    switch (ch) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += ch;
    }
  }
}

}  // namespace sensorpipe::store::pq
