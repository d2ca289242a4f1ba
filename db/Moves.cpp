//===- Moves.cpp - Carry the global step's output to moved lines ----------===//
//
// Why a line map is enough: the global step reads lines in three places
// only, all within one file (db/Link.cpp, db/Findings.cpp): equal lines of
// one function's events are the same acquisition, the earliest line of a
// held lock wins at a join, and ties between witnesses go to the smaller
// (file, line). A map that is a function of (file, old line) and keeps the
// order of lines within each file therefore changes none of those
// decisions, and the output it rewrites is the output a global step over
// the new facts writes.
//
//===----------------------------------------------------------------------===//

#include "db/Moves.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include <sqlite3.h>

using namespace llvm;

namespace lockgraph {

namespace {

struct Body {
  int64_t Id = 0;
  std::string Key;
  std::string File;
  std::string Shape;
  std::vector<unsigned> Lines;
};

/// The lines of a stored body, in FunctionFacts::lines() order.
Expected<std::vector<unsigned>> linesOf(StringRef Json, unsigned Line) {
  Expected<json::Value> V = json::parse(Json);
  if (!V)
    return V.takeError();
  FunctionFacts F;
  if (Error E = F.bodyFromJSON(*V))
    return std::move(E);
  F.Line = Line;
  return F.lines();
}

Expected<std::vector<Body>> bodies(Database &Db, StringRef Sql,
                                   ArrayRef<StringRef> Binds = {}) {
  auto Q = Db.prepare(Sql);
  if (!Q)
    return Q.takeError();
  for (unsigned I = 0; I < Binds.size(); ++I)
    Q->bind(I + 1, Binds[I]);
  std::vector<Body> Out;
  if (Error E = Q->forEachRow([&]() -> Error {
        Body B;
        B.Id = Q->integer(0);
        B.Key = Q->text(1);
        B.File = Q->text(2);
        B.Shape = Q->text(3);
        Expected<std::vector<unsigned>> L =
            linesOf(Q->text(4), Q->integer(5));
        if (!L)
          return L.takeError();
        B.Lines = std::move(*L);
        Out.push_back(std::move(B));
        return Error::success();
      }))
    return std::move(E);
  return Out;
}

constexpr const char *Columns = "id, key, file, shape, body, line";
constexpr const char *Linked =
    "EXISTS (SELECT 1 FROM tu_function WHERE function_id = f.id)";

} // namespace

Expected<std::optional<LineMoves>> moveResults(Store &S) {
  Database &Db = S.db();
  Expected<std::vector<Body>> Gone =
      bodies(Db, (Twine("SELECT ") + Columns + " FROM function f WHERE NOT " +
                  Linked + " ORDER BY key")
                     .str());
  if (!Gone)
    return Gone.takeError();

  // Each old body pairs with the one linked body of its function that has
  // its shape. Another body of the function (a __weak stub in
  // kernel/sys_ni.c for every syscall) may stay: a key's bodies load in
  // (shape, hash) order, and calls resolve to the first strong one, else
  // the first. The shape includes being weak, so with no other body of
  // that shape the new body takes the old one's place.
  std::vector<std::pair<Body *, Body>> Pairs;
  for (Body &G : *Gone) {
    if (!Pairs.empty() && Pairs.back().first->Key == G.Key)
      return std::nullopt;
    Expected<std::vector<Body>> Now = bodies(
        Db,
        (Twine("SELECT ") + Columns + " FROM function f WHERE key = ?1 AND " +
         Linked)
            .str(),
        {G.Key});
    if (!Now)
      return Now.takeError();
    auto Same = [&](const Body &B) { return B.Shape == G.Shape; };
    if (count_if(*Now, Same) != 1)
      return std::nullopt;
    auto N = find_if(*Now, Same);
    if (N->Lines.size() != G.Lines.size())
      return std::nullopt;
    Pairs.push_back({&G, std::move(*N)});
  }

  // Per file, old line -> new line: the pairs' lines, and the lines of the
  // file's other bodies, which stay.
  StringMap<std::vector<std::pair<unsigned, unsigned>>> Map;
  DenseSet<int64_t> Paired;
  for (auto &[Old, New] : Pairs) {
    Paired.insert(Old->Id);
    Paired.insert(New.Id);
    auto &M = Map[Old->File];
    for (unsigned I = 0; I < Old->Lines.size(); ++I)
      M.push_back({Old->Lines[I], New.Lines[I]});
  }
  // Not a structured binding: StringMapEntry's get<1>() is a copy.
  for (auto &KV : Map) {
    StringRef File = KV.first();
    std::vector<std::pair<unsigned, unsigned>> &M = KV.second;
    Expected<std::vector<Body>> Same = bodies(
        Db, (Twine("SELECT ") + Columns + " FROM function f WHERE file = ?1")
                .str(),
        {File});
    if (!Same)
      return Same.takeError();
    for (const Body &B : *Same)
      if (!Paired.contains(B.Id))
        for (unsigned L : B.Lines)
          M.push_back({L, L});
    sort(M);
    M.erase(std::unique(M.begin(), M.end()), M.end());
    for (unsigned I = 1; I < M.size(); ++I)
      if (M[I].first == M[I - 1].first || M[I].second <= M[I - 1].second)
        return std::nullopt;
  }

  LineMoves Out;
  Out.Functions = count_if(Pairs, [](const auto &P) {
    return P.first->Lines != P.second.Lines;
  });
  if (Error E = Db.exec(
          "CREATE TEMP TABLE IF NOT EXISTS line_move(file TEXT NOT NULL, "
          "old INTEGER NOT NULL, new INTEGER NOT NULL, PRIMARY KEY (file, "
          "old)) WITHOUT ROWID; CREATE TEMP TABLE IF NOT EXISTS "
          "function_move(old INTEGER PRIMARY KEY, new INTEGER NOT NULL, file "
          "TEXT NOT NULL); DELETE FROM line_move; DELETE FROM function_move"))
    return std::move(E);
  auto InsL = Db.prepare("INSERT INTO line_move VALUES (?1, ?2, ?3)");
  auto InsF = Db.prepare("INSERT INTO function_move VALUES (?1, ?2, ?3)");
  if (!InsL)
    return InsL.takeError();
  if (!InsF)
    return InsF.takeError();
  for (auto &KV : Map) {
    StringRef File = KV.first();
    const std::vector<std::pair<unsigned, unsigned>> &M = KV.second;
    if (any_of(M, [](auto P) { return P.first != P.second; }))
      ++Out.Files;
    for (auto [From, To] : M)
      if (Error E = InsL->bind(1, File)
                        .bind(2, int64_t(From))
                        .bind(3, int64_t(To))
                        .run())
        return std::move(E);
  }
  for (auto &[Old, New] : Pairs)
    if (Error E =
            InsF->bind(1, Old->Id).bind(2, New.Id).bind(3, Old->File).run())
      return std::move(E);

  // Every line the output names in those files must be one the map knows:
  // a line it lacks maps to NULL, which `line` and `held_line` refuse
  // (NOT NULL). That undoes both updates and declines, in the same pass
  // over the witness rows that moves them.
  if (Error E = Db.exec("SAVEPOINT move_lines"))
    return std::move(E);
  for (const char *Update :
       {"UPDATE witness SET line = (SELECT new FROM line_move m WHERE m.file "
        "= witness.file AND m.old = witness.line) WHERE file IN (SELECT "
        "file FROM line_move WHERE new != old) AND coalesce((SELECT m.new != "
        "m.old FROM line_move m WHERE m.file = witness.file AND m.old = "
        "witness.line), 1)",
        "UPDATE edge SET held_line = (SELECT m.new FROM function_move f JOIN "
        "line_move m ON m.file = f.file AND m.old = edge.held_line WHERE "
        "f.old = edge.function_id), function_id = (SELECT new FROM "
        "function_move WHERE old = edge.function_id) WHERE function_id IN "
        "(SELECT old FROM function_move)"}) {
    if (Error E = Db.exec(Update)) {
      if (sqlite3_extended_errcode(Db.handle()) != SQLITE_CONSTRAINT_NOTNULL)
        return std::move(E);
      consumeError(std::move(E));
      if (Error E = Db.exec("ROLLBACK TO move_lines; RELEASE move_lines; "
                            "DROP TABLE line_move; DROP TABLE function_move"))
        return std::move(E);
      return std::nullopt;
    }
    Out.Rows += sqlite3_changes(Db.handle());
  }
  if (Error E = Db.exec("RELEASE move_lines"))
    return std::move(E);
  if (Error E = S.collectGarbage())
    return std::move(E);
  if (Error E = Db.exec("DROP TABLE line_move; DROP TABLE function_move"))
    return std::move(E);
  return Out;
}

} // namespace lockgraph
