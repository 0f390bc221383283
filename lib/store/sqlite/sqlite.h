// A thin RAII layer over the SQLite C API: one connection, prepared statements, errors as RuntimeError.
//
// Only bound parameters carry values into SQL; nothing here splices text into a statement.
// A Db and its Stmts belong to one thread. Every failing call throws RuntimeError whose
// message names the operation and SQLite's reason ("cannot prepare ...: no such table").
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "core/reading.h"

struct sqlite3;
struct sqlite3_stmt;

namespace sensorpipe::store::sql {

class Db {
 public:
  enum class Mode { ReadOnly, ReadWriteCreate };
  // Opens `path` (a plain file name; read-only connections use a mode=ro URI).
  Db(const std::string& path, Mode mode);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }
  // Runs statements without parameters (DDL, PRAGMA, BEGIN/COMMIT).
  void exec(const std::string& sql);
  std::int64_t changes() const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

class Stmt {
 public:
  Stmt() = default;
  Stmt(Db& db, const std::string& sql);
  ~Stmt();
  Stmt(Stmt&& other) noexcept;
  Stmt& operator=(Stmt&& other) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  // Parameters are 1-based as in SQLite.
  Stmt& bind(int i, std::int64_t v);
  Stmt& bind(int i, double v);
  Stmt& bind(int i, std::string_view v);
  Stmt& bind_null(int i);
  // Advances: true while a row is available, false when done.
  bool step();
  // Runs to completion, ignoring any rows.
  void run();
  void reset();  // also clears bindings

  int column_type(int i) const;  // SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_NULL...
  std::int64_t column_int(int i) const;
  double column_double(int i) const;
  std::string_view column_text(int i) const;
  bool column_null(int i) const;
  sqlite3_stmt* handle() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
};

// A transaction that rolls back unless committed (exceptions leave the file as it was).
class Transaction {
 public:
  explicit Transaction(Db& db, const char* begin = "BEGIN");
  ~Transaction();
  void commit();

 private:
  Db& db_;
  bool open_ = true;
};

// Values as stored: numbers REAL, booleans INTEGER 0/1, states TEXT (columns without a
// declared type, so SQLite keeps each as bound).
void bind_value(Stmt& s, int i, const Value& v);
Value column_value(const Stmt& s, int i);

}  // namespace sensorpipe::store::sql
