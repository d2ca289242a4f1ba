//===- Store.cpp - The SQLite database of facts and findings --------------===//

#include "db/Store.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Parallel.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/xxhash.h"
#include <map>
#include <sqlite3.h>

using namespace llvm;

namespace lockgraph {

static const char *const Schema = R"sql(
CREATE TABLE meta(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
CREATE TABLE tu(
  id INTEGER PRIMARY KEY,
  file TEXT NOT NULL UNIQUE,
  directory TEXT NOT NULL,
  command TEXT NOT NULL,
  hash TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
  error TEXT,
  parse_seconds REAL NOT NULL DEFAULT 0,
  peak_kb INTEGER NOT NULL DEFAULT 0,
  inputs TEXT NOT NULL DEFAULT '[]'
) STRICT;
CREATE TABLE function(
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  name TEXT NOT NULL,
  file TEXT NOT NULL,
  line INTEGER NOT NULL,
  is_static INTEGER NOT NULL,
  hash TEXT NOT NULL,
  shape TEXT NOT NULL,
  body TEXT NOT NULL,
  UNIQUE (key, hash)
) STRICT;
CREATE INDEX function_name ON function(name);
CREATE TABLE tu_function(
  tu_id INTEGER NOT NULL REFERENCES tu(id) ON DELETE CASCADE,
  function_id INTEGER NOT NULL REFERENCES function(id),
  PRIMARY KEY (tu_id, function_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX tu_function_function ON tu_function(function_id);
CREATE TABLE call(
  function_id INTEGER NOT NULL REFERENCES function(id) ON DELETE CASCADE,
  callee TEXT,
  via TEXT,
  line INTEGER NOT NULL
) STRICT;
CREATE INDEX call_function ON call(function_id);
CREATE INDEX call_callee ON call(callee);
CREATE TABLE field_store(
  tu_id INTEGER NOT NULL REFERENCES tu(id) ON DELETE CASCADE,
  field TEXT NOT NULL,
  function TEXT NOT NULL,
  file TEXT NOT NULL,
  line INTEGER NOT NULL
) STRICT;
CREATE INDEX field_store_field ON field_store(field);
)sql";

/// The global step's output: dropped and made again when a version-3
/// database is upgraded (its facts stay).
static const char *const OutputSchema = R"sql(
CREATE TABLE lock_class(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  flavor TEXT NOT NULL
) STRICT;
CREATE TABLE edge(
  id INTEGER PRIMARY KEY,
  held_id INTEGER NOT NULL REFERENCES lock_class(id),
  held_mode TEXT NOT NULL,
  acquired_id INTEGER NOT NULL REFERENCES lock_class(id),
  acquired_mode TEXT NOT NULL,
  tags TEXT NOT NULL,
  held_try INTEGER NOT NULL,
  irq TEXT NOT NULL,
  function_id INTEGER NOT NULL REFERENCES function(id),
  held_line INTEGER NOT NULL,
  hops INTEGER NOT NULL,
  indirect INTEGER NOT NULL,
  same_instance INTEGER NOT NULL,
  held_must INTEGER NOT NULL,
  witness_id INTEGER NOT NULL REFERENCES witness(id)
) STRICT;
CREATE TABLE witness(
  id INTEGER PRIMARY KEY,
  next INTEGER REFERENCES witness(id),
  function TEXT NOT NULL,
  file TEXT NOT NULL,
  line INTEGER NOT NULL,
  via TEXT,
  api TEXT
) STRICT;
CREATE VIEW edge_hop(edge_id, seq, function, file, line, via, api) AS
  WITH RECURSIVE h(edge_id, seq, witness_id) AS (
    SELECT id, 0, witness_id FROM edge
    UNION ALL
    SELECT h.edge_id, h.seq + 1, w.next FROM h JOIN witness w
      ON w.id = h.witness_id WHERE w.next IS NOT NULL)
  SELECT h.edge_id, h.seq, w.function, w.file, w.line, w.via, w.api
    FROM h JOIN witness w ON w.id = h.witness_id;
CREATE TABLE finding(
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('inversion', 'self-deadlock',
                                     'forbidden-nesting', 'order-violation')),
  rule TEXT,
  rank INTEGER NOT NULL,
  locks TEXT NOT NULL,
  message TEXT NOT NULL,
  suppressed INTEGER NOT NULL DEFAULT 0,
  suppression_reason TEXT
) STRICT;
CREATE TABLE finding_edge(
  finding_id TEXT NOT NULL REFERENCES finding(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  edge_id INTEGER NOT NULL REFERENCES edge(id),
  PRIMARY KEY (finding_id, seq)
) STRICT;
)sql";

Expected<std::unique_ptr<Store>> Store::create(StringRef Path) {
  if (sys::fs::exists(Path))
    return createStringError(inconvertibleErrorCode(), "%s: already exists",
                             Path.str().c_str());
  auto Db = Database::open(Path, Database::OpenMode::Create);
  if (!Db)
    return Db.takeError();
  std::unique_ptr<Store> S(new Store(std::move(*Db)));
  if (Error E = S->db().exec("PRAGMA journal_mode = WAL; BEGIN"))
    return std::move(E);
  if (Error E = S->db().exec(Schema))
    return std::move(E);
  if (Error E = S->db().exec(OutputSchema))
    return std::move(E);
  if (Error E = S->db().exec(
          formatv("PRAGMA user_version = {0}; COMMIT", SchemaVersion).str()))
    return std::move(E);
  return std::move(S);
}

/// A scan interrupted while it updated a database in place leaves a hot
/// journal, which only a writer can roll back (a reader gets
/// SQLITE_READONLY_ROLLBACK): the first read of a writer does. Without
/// write access the reader's open reports the error.
static void rollBackHotJournal(StringRef Path) {
  auto W = Database::open(Path, Database::OpenMode::ReadWrite);
  if (!W) {
    consumeError(W.takeError());
    return;
  }
  auto Q = (*W)->prepare("PRAGMA user_version");
  if (!Q) {
    consumeError(Q.takeError());
    return;
  }
  consumeError(Q->step().takeError());
}

Error Store::upgrade(StringRef Path) {
  if (!sys::fs::exists(Path))
    return Error::success();
  auto Db = Database::open(Path, Database::OpenMode::ReadWrite);
  if (!Db) {
    // open() reports it.
    consumeError(Db.takeError());
    return Error::success();
  }
  auto Q = (*Db)->prepare("PRAGMA user_version");
  if (!Q) {
    consumeError(Q.takeError());
    return Error::success();
  }
  Expected<bool> Row = Q->step();
  if (!Row) {
    consumeError(Row.takeError());
    return Error::success();
  }
  if (!*Row || Q->integer(0) != 3)
    return Error::success();
  Q->reset();
  // Version 4 stores witness chains as shared rows (witness) instead of
  // one row per hop and edge (edge_hop); the facts are as in version 3.
  if (Error E = (*Db)->exec(
          "BEGIN IMMEDIATE; DROP TABLE finding_edge; DROP TABLE finding; "
          "DROP TABLE edge_hop; DROP TABLE edge; DROP TABLE lock_class; "
          "DELETE FROM meta WHERE key IN ('global_input', 'global_shape', "
          "'global_result')"))
    return E;
  if (Error E = (*Db)->exec(OutputSchema))
    return E;
  return (*Db)->exec(
      formatv("PRAGMA user_version = {0}; COMMIT", SchemaVersion).str());
}

Expected<std::unique_ptr<Store>> Store::open(StringRef Path, bool ReadOnly) {
  if (!sys::fs::exists(Path))
    return createStringError(inconvertibleErrorCode(), "%s: no such database",
                             Path.str().c_str());
  if (ReadOnly && sys::fs::exists(Path + "-journal"))
    rollBackHotJournal(Path);
  auto Db = Database::open(Path, ReadOnly ? Database::OpenMode::ReadOnly
                                          : Database::OpenMode::ReadWrite);
  if (!Db)
    return Db.takeError();
  auto Q = (*Db)->prepare("PRAGMA user_version");
  if (!Q)
    return createStringError(inconvertibleErrorCode(),
                             "%s: not a lockgraph database",
                             Path.str().c_str());
  Expected<bool> Row = Q->step();
  if (!Row) {
    consumeError(Row.takeError());
    return createStringError(inconvertibleErrorCode(),
                             "%s: not a lockgraph database",
                             Path.str().c_str());
  }
  int64_t V = *Row ? Q->integer(0) : 0;
  if (V != SchemaVersion)
    return createStringError(
        inconvertibleErrorCode(),
        "%s: schema version %lld, this lockgraph reads version %d; re-scan "
        "into a new database",
        Path.str().c_str(), (long long)V, SchemaVersion);
  return std::unique_ptr<Store>(new Store(std::move(*Db)));
}

Error Store::begin() { return Db->exec("BEGIN IMMEDIATE"); }
Error Store::commit() { return Db->exec("COMMIT"); }
Error Store::rollback() { return Db->exec("ROLLBACK"); }

Error Store::removeTU(StringRef File) {
  auto Q = Db->prepare("DELETE FROM tu WHERE file = ?1");
  if (!Q)
    return Q.takeError();
  return Q->bind(1, File).run();
}

Expected<int64_t> Store::putTU(const TURecord &TU, const TUFacts *Facts) {
  // A replaced TU keeps its id: a body shared by several TUs resolves its
  // static callees in the one with the smallest id, which a re-scan must
  // not change.
  auto Old = Db->prepare("SELECT id FROM tu WHERE file = ?1");
  if (!Old)
    return Old.takeError();
  Expected<bool> HadRow = Old->bind(1, TU.File).step();
  if (!HadRow)
    return HadRow.takeError();
  std::optional<int64_t> OldId;
  if (*HadRow)
    OldId = Old->integer(0);
  Old->reset();
  if (Error E = removeTU(TU.File))
    return std::move(E);
  auto Ins = Db->prepare("INSERT INTO tu(file, directory, command, hash, "
                         "status, error, parse_seconds, inputs, peak_kb, id) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!Ins)
    return Ins.takeError();
  if (OldId)
    Ins->bind(10, *OldId);
  else
    Ins->bindNull(10);
  Ins->bind(1, TU.File)
      .bind(2, TU.Directory)
      .bind(3, TU.Command)
      .bind(4, TU.Hash)
      .bind(5, TU.Ok ? "ok" : "failed");
  if (TU.Error.empty())
    Ins->bindNull(6);
  else
    Ins->bind(6, TU.Error);
  Ins->bind(7, TU.ParseSeconds);
  std::string Inputs;
  raw_string_ostream(Inputs) << json::Value(json::Array(TU.Inputs));
  Ins->bind(8, Inputs);
  Ins->bind(9, int64_t(TU.PeakKB));
  if (Error E = Ins->run())
    return std::move(E);
  int64_t Id = Db->lastInsertId();
  if (!Facts)
    return Id;

  // A function is stored once per distinct body: the static inline
  // functions of a header are shared by every TU that includes it.
  auto Fn = Db->prepare(
      "INSERT INTO function(key, name, file, line, is_static, hash, shape, "
      "body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  auto Find =
      Db->prepare("SELECT id FROM function WHERE key = ?1 AND hash = ?2");
  auto Link = Db->prepare(
      "INSERT OR IGNORE INTO tu_function(tu_id, function_id) VALUES (?1, ?2)");
  auto Call = Db->prepare("INSERT INTO call(function_id, callee, via, line) "
                          "VALUES (?1, ?2, ?3, ?4)");
  auto St = Db->prepare("INSERT INTO field_store(tu_id, field, function, file, "
                        "line) VALUES (?1, ?2, ?3, ?4, ?5)");
  for (auto *Q : {&Fn, &Find, &Link, &Call, &St})
    if (!*Q)
      return Q->takeError();
  for (const FunctionFacts &F : Facts->Functions) {
    std::string Body;
    raw_string_ostream OS(Body);
    OS << F.bodyToJSON();
    OS.flush();
    std::string Hash = utohexstr(
        xxh3_64bits(F.File + "\n" + std::to_string(F.Line) + "\n" + Body));
    // Most bodies are already stored (headers): look first, and digest the
    // shape of new ones only.
    Find->bind(1, F.Key).bind(2, Hash);
    Expected<bool> Found = Find->step();
    if (!Found)
      return Found.takeError();
    bool New = !*Found;
    int64_t FnId = New ? 0 : Find->integer(0);
    Find->reset();
    if (New) {
      Fn->bind(1, F.Key)
          .bind(2, F.Name)
          .bind(3, F.File)
          .bind(4, int64_t(F.Line))
          .bind(5, int64_t(F.IsStatic))
          .bind(6, Hash)
          .bind(7, F.shape())
          .bind(8, Body);
      if (Error E = Fn->run())
        return std::move(E);
      FnId = Db->lastInsertId();
    }
    if (Error E = Link->bind(1, Id).bind(2, FnId).run())
      return std::move(E);
    if (!New)
      continue;
    for (const Block &B : F.Blocks)
      for (const CallEvent &E : B.Events) {
        Call->bind(1, FnId);
        if (E.Callee.empty())
          Call->bindNull(2);
        else
          Call->bind(2, E.Callee);
        if (E.Via.empty())
          Call->bindNull(3);
        else
          Call->bind(3, E.Via);
        Call->bind(4, int64_t(E.Line));
        if (Error Err = Call->run())
          return std::move(Err);
      }
  }
  for (const FieldStore &S : Facts->Stores) {
    St->bind(1, Id)
        .bind(2, S.Field)
        .bind(3, S.Function)
        .bind(4, S.File)
        .bind(5, int64_t(S.Line));
    if (Error E = St->run())
      return std::move(E);
  }
  return Id;
}

Expected<std::vector<TURecord>> Store::loadTUs(bool WithInputs) {
  auto Q = Db->prepare(std::string("SELECT file, directory, command, hash, "
                                   "status, error, parse_seconds, ") +
                       (WithInputs ? "inputs" : "'[]'") +
                       ", peak_kb FROM tu ORDER BY file");
  if (!Q)
    return Q.takeError();
  std::vector<TURecord> Out;
  if (Error E = Q->forEachRow([&]() -> Error {
        TURecord T;
        T.File = Q->text(0);
        T.Directory = Q->text(1);
        T.Command = Q->text(2);
        T.Hash = Q->text(3);
        T.Ok = Q->text(4) == "ok";
        T.Error = Q->text(5);
        T.ParseSeconds = Q->real(6);
        T.PeakKB = Q->integer(8);
        if (Expected<json::Value> In = json::parse(Q->text(7))) {
          if (const json::Array *A = In->getAsArray())
            for (const json::Value &V : *A)
              T.Inputs.push_back(V.getAsString().value_or("").str());
        } else {
          return In.takeError();
        }
        Out.push_back(std::move(T));
        return Error::success();
      }))
    return std::move(E);
  return Out;
}

Error Store::collectGarbage() {
  return Db->exec("DELETE FROM function WHERE NOT EXISTS (SELECT 1 FROM "
                  "tu_function WHERE function_id = function.id)");
}

Expected<std::vector<StoredFunction>> Store::loadFunctions() {
  // Sorted by key, not by id: ids depend on the order parallel workers
  // finished, results must not. A key's several bodies (a header expanded
  // differently, a __weak stub) by shape before hash: an edit that only
  // moves lines keeps their order, which decides what calls resolve to.
  auto Q = Db->prepare("SELECT id, key, name, file, line, is_static, body FROM "
                       "function ORDER BY key, shape, hash");
  auto L = Db->prepare("SELECT tf.function_id, tf.tu_id FROM tu_function tf "
                       "JOIN tu ON tu.id = tf.tu_id WHERE tu.status = 'ok' "
                       "ORDER BY tf.tu_id");
  if (!Q)
    return Q.takeError();
  if (!L)
    return L.takeError();
  std::vector<StoredFunction> Out;
  std::vector<std::string> Bodies;
  std::map<int64_t, size_t> Index;
  if (Error E = Q->forEachRow([&]() -> Error {
        StoredFunction F;
        F.Id = Q->integer(0);
        F.Facts.Key = Q->text(1);
        F.Facts.Name = Q->text(2);
        F.Facts.File = Q->text(3);
        F.Facts.Line = Q->integer(4);
        F.Facts.IsStatic = Q->integer(5);
        Bodies.push_back(Q->text(6));
        Index[F.Id] = Out.size();
        Out.push_back(std::move(F));
        return Error::success();
      }))
    return std::move(E);
  // Parsing the bodies is most of the load (the whole kernel has 112,000):
  // on every core.
  std::vector<std::string> Errors(Out.size());
  parallelFor(0, Out.size(), [&](size_t I) {
    Expected<json::Value> Body = json::parse(Bodies[I]);
    Error E = Body ? Out[I].Facts.bodyFromJSON(*Body) : Body.takeError();
    if (E)
      Errors[I] = Out[I].Facts.Key + ": " + toString(std::move(E));
    std::string().swap(Bodies[I]);
  });
  for (const std::string &E : Errors)
    if (!E.empty())
      return createStringError(inconvertibleErrorCode(), "%s", E.c_str());
  if (Error E = L->forEachRow([&]() -> Error {
        auto It = Index.find(L->integer(0));
        if (It != Index.end())
          Out[It->second].TUs.push_back(L->integer(1));
        return Error::success();
      }))
    return std::move(E);
  // Bodies only failed or removed TUs had.
  llvm::erase_if(Out, [](const StoredFunction &F) { return F.TUs.empty(); });
  return Out;
}

Expected<std::vector<StoredFieldStore>> Store::loadFieldStores() {
  auto Q = Db->prepare("SELECT s.tu_id, s.field, s.function, s.file, s.line "
                       "FROM field_store s JOIN tu ON tu.id = s.tu_id WHERE "
                       "tu.status = 'ok' ORDER BY s.rowid");
  if (!Q)
    return Q.takeError();
  std::vector<StoredFieldStore> Out;
  if (Error E = Q->forEachRow([&]() -> Error {
        StoredFieldStore S;
        S.TU = Q->integer(0);
        S.Store.Field = Q->text(1);
        S.Store.Function = Q->text(2);
        S.Store.File = Q->text(3);
        S.Store.Line = Q->integer(4);
        Out.push_back(std::move(S));
        return Error::success();
      }))
    return std::move(E);
  return Out;
}

/// Adds the field stores of the ok TUs to H, with or without their lines.
static Error addFieldStores(Database &Db, SHA256 &H, bool Lines) {
  auto Sts = Db.prepare(
      "SELECT t.file, s.field, s.function, s.file, s.line FROM field_store s "
      "JOIN tu t ON t.id = s.tu_id WHERE t.status = 'ok' ORDER BY t.file, "
      "s.field, s.function, s.file, s.line");
  if (!Sts)
    return Sts.takeError();
  auto Add = [&](StringRef S) {
    H.update(S);
    H.update(StringRef("\0", 1));
  };
  return Sts->forEachRow([&]() -> Error {
    for (int C = 0; C < 4; ++C)
      Add(Sts->text(C));
    if (Lines)
      Add(std::to_string(Sts->integer(4)));
    return Error::success();
  });
}

Expected<std::string> Store::factsDigest() {
  SHA256 H;
  auto Add = [&](StringRef S) {
    H.update(S);
    H.update(StringRef("\0", 1));
  };
  auto Fns = Db->prepare(
      "SELECT t.file, tf.function_id FROM tu_function tf JOIN tu t ON t.id = "
      "tf.tu_id WHERE t.status = 'ok' ORDER BY t.file, tf.function_id");
  if (!Fns)
    return Fns.takeError();
  if (Error E = Fns->forEachRow([&]() -> Error {
        Add(Fns->text(0));
        Add(std::to_string(Fns->integer(1)));
        return Error::success();
      }))
    return std::move(E);
  if (Error E = addFieldStores(*Db, H, /*Lines=*/true))
    return std::move(E);
  return toHex(H.final(), /*LowerCase=*/true);
}

Expected<std::string> Store::shapeDigest() {
  // One string per stored body, sorted: ids are not part of the shape.
  auto Fns = Db->prepare(
      "SELECT tf.function_id, f.key, f.shape, t.file FROM tu_function tf "
      "JOIN tu t ON t.id = tf.tu_id JOIN function f ON f.id = tf.function_id "
      "WHERE t.status = 'ok' ORDER BY tf.function_id, t.file");
  if (!Fns)
    return Fns.takeError();
  std::vector<std::string> Bodies;
  int64_t Last = -1;
  if (Error E = Fns->forEachRow([&]() -> Error {
        if (Fns->integer(0) != Last) {
          Last = Fns->integer(0);
          Bodies.push_back(Fns->text(1) + '\0' + Fns->text(2));
        }
        Bodies.back() += '\0' + Fns->text(3);
        return Error::success();
      }))
    return std::move(E);
  sort(Bodies);
  SHA256 H;
  for (const std::string &B : Bodies) {
    H.update(B);
    H.update(StringRef("\n", 1));
  }
  if (Error E = addFieldStores(*Db, H, /*Lines=*/false))
    return std::move(E);
  return toHex(H.final(), /*LowerCase=*/true);
}

Error Store::clearGlobal() {
  // Without foreign keys, SQLite empties each table at once instead of row
  // by row (children go first, so nothing dangles). The pragma is a no-op
  // inside a transaction, where the row-by-row delete stays correct.
  return Db->exec("PRAGMA foreign_keys = OFF; "
                  "DELETE FROM finding_edge; DELETE FROM finding; "
                  "DELETE FROM edge; DELETE FROM witness; "
                  "DELETE FROM lock_class; DELETE FROM meta WHERE key IN "
                  "('global_input', 'global_shape', 'global_result'); "
                  "PRAGMA foreign_keys = ON;");
}

Error Store::withoutForeignKeys(function_ref<Error()> Fn) {
  if (Error E = commit())
    return E;
  if (Error E = Db->exec("PRAGMA foreign_keys = OFF; BEGIN IMMEDIATE"))
    return E;
  if (Error E = Fn())
    return E;
  if (Error E = commit())
    return E;
  return Db->exec("PRAGMA foreign_keys = ON; BEGIN IMMEDIATE");
}

Error Store::setMeta(StringRef Key, StringRef Value) {
  auto Q =
      Db->prepare("INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)");
  if (!Q)
    return Q.takeError();
  return Q->bind(1, Key).bind(2, Value).run();
}

Expected<std::string> Store::meta(StringRef Key) {
  auto Q = Db->prepare("SELECT value FROM meta WHERE key = ?1");
  if (!Q)
    return Q.takeError();
  Q->bind(1, Key);
  Expected<bool> Row = Q->step();
  if (!Row)
    return Row.takeError();
  return *Row ? Q->text(0) : std::string();
}

static rules::Mode modeFromName(StringRef N) {
  return N == "read"             ? rules::Mode::Shared
         : N == "recursive-read" ? rules::Mode::RecursiveRead
                                 : rules::Mode::Exclusive;
}

static std::vector<std::string> splitTags(StringRef S) {
  SmallVector<StringRef, 4> Parts;
  S.split(Parts, ',', -1, /*KeepEmpty=*/false);
  return std::vector<std::string>(Parts.begin(), Parts.end());
}

namespace {
/// The rows of the witness table: the global step's witness rows
/// (LockGraph::Witnesses), then the rows of edges that carry their hops
/// themselves (made by hand, or read from a database), each distinct chain
/// tail once. Those chains are added from their last hop (the lock-API
/// call) back to their first, each row pointing at the next hop's, and a
/// hop whose row and tail exist already reuses that row.
class WitnessRows {
public:
  explicit WitnessRows(const LockGraph &G) {
    for (const WitnessRow &R : G.Witnesses)
      Rows.push_back({&R.H, R.Next + 1});
  }
  /// The row of E's first hop, adding the rows its chain lacks.
  int64_t add(const Edge &E) {
    int64_t Next = 0;
    for (const Hop &H : llvm::reverse(E.Chain))
      Next = row(H, Next);
    return Next;
  }
  /// (hop, next row or 0), in row id order from 1.
  const std::vector<std::pair<const Hop *, int64_t>> &rows() const {
    return Rows;
  }

private:
  int64_t row(const Hop &H, int64_t Next) {
    uint64_t Hash = hash(H);
    SmallVector<int64_t, 1> &Ids = Known[{Hash, Next}];
    for (int64_t Id : Ids)
      if (same(*Rows[Id - 1].first, H))
        return Id;
    Rows.push_back({&H, Next});
    Ids.push_back(Rows.size());
    return Rows.size();
  }
  static uint64_t hash(const Hop &H) {
    uint64_t Words[5] = {xxh3_64bits(H.Function), xxh3_64bits(H.File),
                         xxh3_64bits(H.Via), xxh3_64bits(H.Api), H.Line};
    return xxh3_64bits(ArrayRef<uint8_t>(
        reinterpret_cast<const uint8_t *>(Words), sizeof(Words)));
  }
  static bool same(const Hop &A, const Hop &B) {
    return A.Line == B.Line && A.Function == B.Function && A.File == B.File &&
           A.Via == B.Via && A.Api == B.Api;
  }
  std::vector<std::pair<const Hop *, int64_t>> Rows;
  DenseMap<std::pair<uint64_t, int64_t>, SmallVector<int64_t, 1>> Known;
};
} // namespace

Error Store::putResults(const LockGraph &G, const std::vector<Finding> &Fs) {
  auto Cls =
      Db->prepare("INSERT INTO lock_class(name, flavor) VALUES (?1, ?2)");
  auto Ed = Db->prepare(
      "INSERT INTO edge(id, held_id, held_mode, acquired_id, acquired_mode, "
      "tags, irq, function_id, held_line, hops, indirect, same_instance, "
      "held_try, held_must, witness_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
      "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
  // Witness rows go RowBatch rows per statement: running a statement costs
  // more than a row.
  constexpr unsigned RowBatch = 64;
  auto RowInsert = [&](unsigned Rows) {
    std::string Sql = "INSERT INTO witness(id, next, function, file, line, "
                      "via, api) VALUES ";
    for (unsigned I = 0; I < Rows; ++I)
      Sql += formatv("{0}(?{1}, ?{2}, ?{3}, ?{4}, ?{5}, ?{6}, ?{7})",
                     I ? ", " : "", 7 * I + 1, 7 * I + 2, 7 * I + 3, 7 * I + 4,
                     7 * I + 5, 7 * I + 6, 7 * I + 7)
                 .str();
    return Db->prepare(Sql);
  };
  auto Wr = RowInsert(1);
  auto WrBatch = RowInsert(RowBatch);
  auto Fd = Db->prepare("INSERT INTO finding(id, kind, rule, rank, locks, "
                        "message, suppressed, suppression_reason) VALUES "
                        "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  auto FE = Db->prepare(
      "INSERT INTO finding_edge(finding_id, seq, edge_id) VALUES (?1, ?2, ?3)");
  for (auto *S : {&Cls, &Ed, &Wr, &WrBatch, &Fd, &FE})
    if (!*S)
      return S->takeError();

  WitnessRows W(G);
  std::vector<int64_t> EdgeRow;
  EdgeRow.reserve(G.Edges.size());
  for (const Edge &E : G.Edges) {
    if (E.Witness < 0 && E.Chain.empty())
      return createStringError(
          inconvertibleErrorCode(), "edge %s -> %s in %s has no witness chain",
          E.Held.c_str(), E.Acquired.c_str(), E.Function.c_str());
    EdgeRow.push_back(E.Witness >= 0 ? E.Witness + 1 : W.add(E));
  }
  // G outlives the statements' runs: its strings are bound uncopied.
  auto BindRow = [](Statement &St, int B, int64_t Id, const Hop &P,
                    int64_t Next) {
    St.bind(B + 1, Id);
    if (Next)
      St.bind(B + 2, Next);
    else
      St.bindNull(B + 2);
    St.bindUncopied(B + 3, P.Function)
        .bindUncopied(B + 4, P.File)
        .bind(B + 5, int64_t(P.Line));
    if (P.Via.empty())
      St.bindNull(B + 6);
    else
      St.bindUncopied(B + 6, P.Via);
    if (P.Api.empty())
      St.bindNull(B + 7);
    else
      St.bindUncopied(B + 7, P.Api);
  };
  const auto &Rows = W.rows();
  size_t Id = 0;
  for (; Id + RowBatch <= Rows.size(); Id += RowBatch) {
    for (unsigned I = 0; I < RowBatch; ++I)
      BindRow(*WrBatch, 7 * I, Id + I + 1, *Rows[Id + I].first,
              Rows[Id + I].second);
    if (Error Err = WrBatch->run())
      return Err;
  }
  // The last rows one by one.
  WrBatch->reset();
  for (; Id < Rows.size(); ++Id) {
    BindRow(*Wr, 0, Id + 1, *Rows[Id].first, Rows[Id].second);
    if (Error Err = Wr->run())
      return Err;
  }

  std::map<std::string, int64_t> ClassId;
  auto ClassOf = [&](const std::string &Name,
                     const std::string &Flavor) -> Expected<int64_t> {
    auto It = ClassId.find(Name);
    if (It != ClassId.end())
      return It->second;
    Cls->bind(1, Name).bind(2, Flavor);
    if (Error E = Cls->run())
      return std::move(E);
    return ClassId[Name] = Db->lastInsertId();
  };
  for (size_t I = 0; I < G.Edges.size(); ++I) {
    const Edge &E = G.Edges[I];
    Expected<int64_t> H = ClassOf(E.Held, E.HeldFlavor);
    if (!H)
      return H.takeError();
    Expected<int64_t> A = ClassOf(E.Acquired, E.AcquiredFlavor);
    if (!A)
      return A.takeError();
    Ed->bind(1, int64_t(I + 1))
        .bind(2, *H)
        .bind(3, modeLabel(E.HeldMode))
        .bind(4, *A)
        .bind(5, modeLabel(E.AcquiredMode))
        .bind(6, join(E.AcquiredTags, ","))
        .bind(7, E.HeldIrq)
        .bind(8, E.FunctionId)
        .bind(9, int64_t(E.HeldLine))
        .bind(10, int64_t(G.hopsOf(E).size()))
        .bind(11, int64_t(G.indirectHops(E)))
        .bind(12, int64_t(E.SameInstance))
        .bind(13, int64_t(E.HeldTry))
        .bind(14, int64_t(E.HeldMust))
        .bind(15, EdgeRow[I]);
    if (Error Err = Ed->run())
      return Err;
  }
  for (const Finding &F : Fs) {
    json::Array Locks;
    for (const std::string &L : F.Locks)
      Locks.push_back(L);
    std::string LocksJSON;
    raw_string_ostream(LocksJSON) << json::Value(std::move(Locks));
    Fd->bind(1, F.Id).bind(2, kindName(F.Kind));
    if (F.Rule.empty())
      Fd->bindNull(3);
    else
      Fd->bind(3, F.Rule);
    Fd->bind(4, int64_t(F.Rank)).bind(5, LocksJSON).bind(6, F.Message);
    Fd->bind(7, int64_t(F.Suppressed));
    if (F.Suppressed)
      Fd->bind(8, F.SuppressionReason);
    else
      Fd->bindNull(8);
    if (Error Err = Fd->run())
      return Err;
    for (size_t S = 0; S < F.Edges.size(); ++S) {
      FE->bind(1, F.Id).bind(2, int64_t(S)).bind(3, int64_t(F.Edges[S] + 1));
      if (Error Err = FE->run())
        return Err;
    }
  }
  return Error::success();
}

Error Store::loadResults(LockGraph &G, std::vector<Finding> &Fs,
                         Chains Which) {
  auto Ed = Db->prepare(
      "SELECT e.id, h.name, e.held_mode, h.flavor, a.name, e.acquired_mode, "
      "a.flavor, e.tags, e.irq, e.function_id, f.name, f.file, e.held_line, "
      "e.same_instance, e.held_try, e.held_must, e.witness_id FROM edge e JOIN "
      "lock_class h ON "
      "h.id = e.held_id "
      "JOIN lock_class a ON a.id = e.acquired_id JOIN function f ON "
      "f.id = e.function_id ORDER BY e.id");
  if (!Ed)
    return Ed.takeError();
  std::map<int64_t, size_t> Index;
  std::vector<int64_t> WitnessOf;
  if (Error E = Ed->forEachRow([&]() -> Error {
        Edge E;
        E.Held = Ed->text(1);
        E.HeldMode = modeFromName(Ed->text(2));
        E.HeldFlavor = Ed->text(3);
        E.Acquired = Ed->text(4);
        E.AcquiredMode = modeFromName(Ed->text(5));
        E.AcquiredFlavor = Ed->text(6);
        E.AcquiredTags = splitTags(Ed->text(7));
        E.HeldIrq = Ed->text(8);
        E.FunctionId = Ed->integer(9);
        E.Function = Ed->text(10);
        E.File = Ed->text(11);
        E.HeldLine = Ed->integer(12);
        E.SameInstance = Ed->integer(13);
        E.HeldTry = Ed->integer(14);
        E.HeldMust = Ed->integer(15);
        E.Id = Ed->integer(0);
        Index[E.Id] = G.Edges.size();
        WitnessOf.push_back(Ed->integer(16));
        G.Classes[E.Held] = E.HeldFlavor;
        G.Classes[E.Acquired] = E.AcquiredFlavor;
        G.Edges.push_back(std::move(E));
        return Error::success();
      }))
    return E;
  if (Which != Chains::None) {
    // Every witness row, then each chain by following `next`.
    struct Row {
      Hop H;
      int64_t Next = 0;
    };
    std::vector<Row> Rows;
    auto Wr = Db->prepare("SELECT id, next, function, file, line, via, api "
                          "FROM witness ORDER BY id");
    if (!Wr)
      return Wr.takeError();
    if (Error E = Wr->forEachRow([&]() -> Error {
          if (Wr->integer(0) != int64_t(Rows.size()) + 1)
            return createStringError(inconvertibleErrorCode(),
                                     "witness ids are not 1..N");
          Rows.push_back(
              {Hop{Wr->text(2), Wr->text(3), unsigned(Wr->integer(4)),
                   Wr->text(5), Wr->text(6)},
               Wr->integer(1)});
          return Error::success();
        }))
      return E;
    DenseSet<int64_t> InFindings;
    if (Which == Chains::Findings) {
      auto FE = Db->prepare("SELECT DISTINCT edge_id FROM finding_edge");
      if (!FE)
        return FE.takeError();
      if (Error E = FE->forEachRow([&]() -> Error {
            InFindings.insert(FE->integer(0));
            return Error::success();
          }))
        return E;
    }
    for (size_t I = 0; I < G.Edges.size(); ++I) {
      Edge &E = G.Edges[I];
      if (Which == Chains::Findings && !InFindings.contains(E.Id))
        continue;
      for (int64_t N = WitnessOf[I]; N > 0; N = Rows[N - 1].Next) {
        if (N > int64_t(Rows.size()) || E.Chain.size() > Rows.size())
          return createStringError(inconvertibleErrorCode(),
                                   "edge %lld: broken witness chain",
                                   (long long)E.Id);
        E.Chain.push_back(Rows[N - 1].H);
      }
    }
  }
  auto Fd = Db->prepare("SELECT id, kind, rule, rank, locks, message, "
                        "suppressed, suppression_reason FROM finding ORDER BY "
                        "rank DESC, id");
  auto FE = Db->prepare(
      "SELECT edge_id FROM finding_edge WHERE finding_id = ?1 ORDER BY seq");
  if (!Fd)
    return Fd.takeError();
  if (!FE)
    return FE.takeError();
  if (Error E = Fd->forEachRow([&]() -> Error {
        Finding F;
        F.Id = Fd->text(0);
        std::string K = Fd->text(1);
        for (FindingKind C :
             {FindingKind::Inversion, FindingKind::SelfDeadlock,
              FindingKind::ForbiddenNesting, FindingKind::OrderViolation})
          if (K == kindName(C))
            F.Kind = C;
        F.Rule = Fd->text(2);
        F.Rank = Fd->integer(3);
        if (Expected<json::Value> L = json::parse(Fd->text(4))) {
          if (const json::Array *A = L->getAsArray())
            for (const json::Value &V : *A)
              F.Locks.push_back(V.getAsString().value_or("").str());
        } else {
          return L.takeError();
        }
        F.Message = Fd->text(5);
        F.Suppressed = Fd->integer(6);
        F.SuppressionReason = Fd->text(7);
        FE->bind(1, F.Id);
        while (true) {
          Expected<bool> R = FE->step();
          if (!R)
            return R.takeError();
          if (!*R)
            break;
          F.Edges.push_back(Index[FE->integer(0)]);
        }
        FE->reset();
        Fs.push_back(std::move(F));
        return Error::success();
      }))
    return E;
  return Error::success();
}

Error Store::loadChains(LockGraph &G, ArrayRef<size_t> Edges) {
  auto Hp = Db->prepare(
      "WITH RECURSIVE c(id, seq) AS (SELECT witness_id, 0 FROM edge WHERE id "
      "= ?1 UNION ALL SELECT w.next, c.seq + 1 FROM c JOIN witness w ON w.id "
      "= c.id WHERE w.next IS NOT NULL) SELECT w.function, w.file, w.line, "
      "w.via, w.api FROM c JOIN witness w ON w.id = c.id ORDER BY c.seq");
  if (!Hp)
    return Hp.takeError();
  for (size_t I : Edges) {
    Edge &E = G.Edges[I];
    if (!E.Chain.empty())
      continue;
    Hp->bind(1, E.Id);
    if (Error Err = Hp->forEachRow([&]() -> Error {
          E.Chain.push_back(Hop{Hp->text(0), Hp->text(1),
                                unsigned(Hp->integer(2)), Hp->text(3),
                                Hp->text(4)});
          return Error::success();
        }))
      return Err;
  }
  return Error::success();
}

} // namespace lockgraph
