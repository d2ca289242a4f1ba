//===- Sqlite.h - Thin RAII wrapper over the SQLite C API -------*- C++ -*-===//
//
// Prepared statements bound by position, errors as llvm::Error carrying
// SQLite's message. No SQL is ever built by concatenating values.
//
//===----------------------------------------------------------------------===//

#ifndef LOCKGRAPH_DB_SQLITE_H
#define LOCKGRAPH_DB_SQLITE_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace lockgraph {

class Statement;

/// An open SQLite connection.
class Database {
public:
  enum class OpenMode { ReadOnly, ReadWrite, Create };
  static llvm::Expected<std::unique_ptr<Database>> open(llvm::StringRef Path,
                                                        OpenMode Mode);
  ~Database();

  llvm::Error exec(llvm::StringRef SQL);
  llvm::Expected<Statement> prepare(llvm::StringRef SQL);
  int64_t lastInsertId() const;
  sqlite3 *handle() const { return Db; }
  const std::string &path() const { return Path; }
  llvm::Error error(llvm::StringRef What) const;

private:
  Database(sqlite3 *Db, std::string Path) : Db(Db), Path(std::move(Path)) {}
  sqlite3 *Db;
  std::string Path;
};

/// A prepared statement. step() returns true while a row is available.
class Statement {
public:
  Statement(const Database &Db, sqlite3_stmt *S) : Db(&Db), S(S) {}
  Statement(Statement &&O) : Db(O.Db), S(O.S) { O.S = nullptr; }
  Statement &operator=(Statement &&O);
  ~Statement();

  Statement &bind(int I, int64_t V);
  Statement &bind(int I, double V);
  Statement &bind(int I, llvm::StringRef V);
  Statement &bind(int I, const char *V) { return bind(I, llvm::StringRef(V)); }
  Statement &bindNull(int I);
  /// Binds V without copying it: it must outlive the next run() or reset().
  Statement &bindUncopied(int I, llvm::StringRef V);
  llvm::Expected<bool> step();
  /// step() until done; for INSERT/UPDATE/DELETE.
  llvm::Error run();
  /// Calls Fn for each row, stopping at the first error; resets after.
  llvm::Error forEachRow(llvm::function_ref<llvm::Error()> Fn);
  void reset();

  int64_t integer(int Col) const;
  double real(int Col) const;
  std::string text(int Col) const;
  bool isNull(int Col) const;
  int columnCount() const;
  std::string columnName(int Col) const;

private:
  const Database *Db;
  sqlite3_stmt *S;
};

} // namespace lockgraph

#endif
