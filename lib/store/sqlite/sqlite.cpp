// SQLite RAII layer (see sqlite.h).
#include "store/sqlite/sqlite.h"

#include <sqlite3.h>

#include "core/errors.h"

namespace sensorpipe::store::sql {

namespace {
[[noreturn]] void fail(sqlite3* db, const std::string& what) {
  throw RuntimeError(what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

// The URI form of a file name: '%', '?' and '#' must be escaped in the path part.
std::string uri_for(const std::string& path) {
  std::string uri = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      static const char* hex = "0123456789ABCDEF";
      uri += '%';
      uri += hex[(static_cast<unsigned char>(c) >> 4) & 15];
      uri += hex[static_cast<unsigned char>(c) & 15];
    } else {
      uri += c;
    }
  }
  return uri;
}
}  // namespace

Db::Db(const std::string& path, Mode mode) : path_(path) {
  int flags = SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
  std::string name;
  if (mode == Mode::ReadOnly) {
    flags |= SQLITE_OPEN_READONLY;
    name = uri_for(path) + "?mode=ro";
  } else {
    flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    name = uri_for(path);
  }
  if (sqlite3_open_v2(name.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string msg = "cannot open database " + path + ": " + (db_ ? sqlite3_errmsg(db_) : "out of memory");
    sqlite3_close(db_);
    db_ = nullptr;
    throw RuntimeError(msg);
  }
  sqlite3_extended_result_codes(db_, 1);
}

Db::~Db() { sqlite3_close_v2(db_); }

void Db::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    throw RuntimeError(path_ + ": " + msg);
  }
}

std::int64_t Db::changes() const { return sqlite3_changes(db_); }

Stmt::Stmt(Db& db, const std::string& sql) : db_(db.handle()) {
  if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) !=
      SQLITE_OK)
    fail(db_, db.path() + ": cannot prepare statement");
}

Stmt::~Stmt() { sqlite3_finalize(stmt_); }

Stmt::Stmt(Stmt&& o) noexcept : stmt_(o.stmt_), db_(o.db_) { o.stmt_ = nullptr; }
Stmt& Stmt::operator=(Stmt&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(stmt_);
    stmt_ = o.stmt_;
    db_ = o.db_;
    o.stmt_ = nullptr;
  }
  return *this;
}

Stmt& Stmt::bind(int i, std::int64_t v) {
  if (sqlite3_bind_int64(stmt_, i, v) != SQLITE_OK) fail(db_, "cannot bind parameter");
  return *this;
}
Stmt& Stmt::bind(int i, double v) {
  if (sqlite3_bind_double(stmt_, i, v) != SQLITE_OK) fail(db_, "cannot bind parameter");
  return *this;
}
Stmt& Stmt::bind(int i, std::string_view v) {
  if (sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) != SQLITE_OK)
    fail(db_, "cannot bind parameter");
  return *this;
}
Stmt& Stmt::bind_null(int i) {
  if (sqlite3_bind_null(stmt_, i) != SQLITE_OK) fail(db_, "cannot bind parameter");
  return *this;
}

bool Stmt::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const std::string msg = sqlite3_errmsg(db_);
  sqlite3_reset(stmt_);
  throw RuntimeError(std::string(sqlite3_db_filename(db_, "main") ? sqlite3_db_filename(db_, "main") : "database") +
                     ": " + msg);
}

void Stmt::run() {
  while (step()) {
  }
  sqlite3_reset(stmt_);
}

void Stmt::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int Stmt::column_type(int i) const { return sqlite3_column_type(stmt_, i); }
std::int64_t Stmt::column_int(int i) const { return sqlite3_column_int64(stmt_, i); }
double Stmt::column_double(int i) const { return sqlite3_column_double(stmt_, i); }
std::string_view Stmt::column_text(int i) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
  if (!p) return {};
  return {p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i))};
}
bool Stmt::column_null(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }

void bind_value(Stmt& s, int i, const Value& v) {
  if (const auto* d = std::get_if<double>(&v)) s.bind(i, *d);
  else if (const auto* b = std::get_if<bool>(&v)) s.bind(i, static_cast<std::int64_t>(*b ? 1 : 0));
  else s.bind(i, std::string_view(std::get<std::string>(v)));
}

Value column_value(const Stmt& s, int i) {
  switch (s.column_type(i)) {
    case SQLITE_INTEGER: return Value(s.column_int(i) != 0);
    case SQLITE_TEXT: return Value(std::string(s.column_text(i)));
    default: return Value(s.column_double(i));
  }
}

Transaction::Transaction(Db& db, const char* begin) : db_(db) { db_.exec(begin); }
Transaction::~Transaction() {
  if (open_) {
    try {
      db_.exec("ROLLBACK");
    } catch (...) {  // the connection reports the original error; nothing more to do here
    }
  }
}
void Transaction::commit() {
  db_.exec("COMMIT");
  open_ = false;
}

}  // namespace sensorpipe::store::sql
