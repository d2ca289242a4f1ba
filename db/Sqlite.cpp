//===- Sqlite.cpp - Thin RAII wrapper over the SQLite C API ---------------===//

#include "db/Sqlite.h"
#include <sqlite3.h>

using namespace llvm;

namespace lockgraph {

Expected<std::unique_ptr<Database>> Database::open(StringRef Path,
                                                   OpenMode Mode) {
  int Flags = Mode == OpenMode::ReadOnly ? SQLITE_OPEN_READONLY
              : Mode == OpenMode::ReadWrite
                  ? SQLITE_OPEN_READWRITE
                  : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  sqlite3 *Db = nullptr;
  int RC = sqlite3_open_v2(Path.str().c_str(), &Db, Flags | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (RC != SQLITE_OK) {
    std::string Msg = Db ? sqlite3_errmsg(Db) : sqlite3_errstr(RC);
    sqlite3_close(Db);
    return createStringError(inconvertibleErrorCode(), "cannot open %s: %s",
                             Path.str().c_str(), Msg.c_str());
  }
  sqlite3_extended_result_codes(Db, 1);
  // A reader waits out a re-scan's in-place transaction (seconds on the
  // whole kernel) instead of failing with "database is locked".
  sqlite3_busy_timeout(Db, 60000);
  std::unique_ptr<Database> D(new Database(Db, Path.str()));
  if (Error E = D->exec("PRAGMA foreign_keys = ON"))
    return std::move(E);
  return std::move(D);
}

Database::~Database() { sqlite3_close(Db); }

Error Database::error(StringRef What) const {
  return createStringError(inconvertibleErrorCode(), "%s: %s: %s", Path.c_str(),
                           What.str().c_str(), sqlite3_errmsg(Db));
}

Error Database::exec(StringRef SQL) {
  char *Msg = nullptr;
  if (sqlite3_exec(Db, SQL.str().c_str(), nullptr, nullptr, &Msg) !=
      SQLITE_OK) {
    std::string M = Msg ? Msg : "unknown error";
    sqlite3_free(Msg);
    return createStringError(inconvertibleErrorCode(), "%s: %s", Path.c_str(),
                             M.c_str());
  }
  return Error::success();
}

Expected<Statement> Database::prepare(StringRef SQL) {
  sqlite3_stmt *S = nullptr;
  if (sqlite3_prepare_v2(Db, SQL.data(), SQL.size(), &S, nullptr) != SQLITE_OK)
    return error("cannot prepare statement");
  return Statement(*this, S);
}

int64_t Database::lastInsertId() const { return sqlite3_last_insert_rowid(Db); }

Statement &Statement::operator=(Statement &&O) {
  if (this != &O) {
    sqlite3_finalize(S);
    Db = O.Db;
    S = O.S;
    O.S = nullptr;
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(S); }

Statement &Statement::bind(int I, int64_t V) {
  sqlite3_bind_int64(S, I, V);
  return *this;
}

Statement &Statement::bind(int I, double V) {
  sqlite3_bind_double(S, I, V);
  return *this;
}

Statement &Statement::bind(int I, StringRef V) {
  sqlite3_bind_text(S, I, V.data(), V.size(), SQLITE_TRANSIENT);
  return *this;
}

Statement &Statement::bindUncopied(int I, StringRef V) {
  sqlite3_bind_text(S, I, V.data(), V.size(), SQLITE_STATIC);
  return *this;
}

Statement &Statement::bindNull(int I) {
  sqlite3_bind_null(S, I);
  return *this;
}

Expected<bool> Statement::step() {
  int RC = sqlite3_step(S);
  if (RC == SQLITE_ROW)
    return true;
  if (RC == SQLITE_DONE)
    return false;
  return Db->error("statement failed");
}

Error Statement::run() {
  while (true) {
    Expected<bool> Row = step();
    if (!Row)
      return Row.takeError();
    if (!*Row)
      break;
  }
  reset();
  return Error::success();
}

Error Statement::forEachRow(function_ref<Error()> Fn) {
  while (true) {
    Expected<bool> Row = step();
    if (!Row)
      return Row.takeError();
    if (!*Row)
      break;
    if (Error E = Fn())
      return E;
  }
  reset();
  return Error::success();
}

void Statement::reset() {
  sqlite3_reset(S);
  sqlite3_clear_bindings(S);
}

int64_t Statement::integer(int Col) const {
  return sqlite3_column_int64(S, Col);
}

double Statement::real(int Col) const { return sqlite3_column_double(S, Col); }

std::string Statement::text(int Col) const {
  const unsigned char *T = sqlite3_column_text(S, Col);
  return T ? std::string(reinterpret_cast<const char *>(T),
                         sqlite3_column_bytes(S, Col))
           : std::string();
}

int Statement::columnCount() const { return sqlite3_column_count(S); }

std::string Statement::columnName(int Col) const {
  const char *N = sqlite3_column_name(S, Col);
  return N ? N : "";
}

bool Statement::isNull(int Col) const {
  return sqlite3_column_type(S, Col) == SQLITE_NULL;
}

} // namespace lockgraph
