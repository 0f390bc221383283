// The RAII layer over libpq (see pq.h).
#include "store/postgres/pq.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <fmt/format.h>

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
}  // namespace

Conn::Conn(const std::string& url) : shown_(redact(url)) {
  c_ = PQconnectdb(url.c_str());
  if (!c_) throw Error("cannot connect to " + shown_ + ": out of memory", "", true);
  if (PQstatus(c_) != CONNECTION_OK) {
    std::string msg = "cannot connect to " + shown_ + ": " + trimmed(PQerrorMessage(c_));
    PQfinish(c_);
    c_ = nullptr;
    throw Error(msg, "08006", true);
  }
  // Exact float text both ways; UTC so timestamptz text is unambiguous; no chatter.
  exec("SET extra_float_digits = 3; SET TimeZone = 'UTC'; SET client_min_messages = warning");
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

Result Conn::exec(const std::string& sql) {
  if (!c_) throw Error("not connected", "08003", true);
  return check("database", PQexec(c_, sql.c_str()));
}

Result Conn::exec(const std::string& sql, const std::vector<Param>& params) {
  if (!c_) throw Error("not connected", "08003", true);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  return check("database", PQexecParams(c_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                                        nullptr, nullptr, 0));
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
