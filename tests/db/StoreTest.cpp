//===- StoreTest.cpp - The SQLite store: schema, sharing, round trips -----===//

#include "db/Store.h"
#include "llvm/Support/FileSystem.h"
#include "gtest/gtest.h"

using namespace lockgraph;

namespace {

std::string freshPath() {
  llvm::SmallString<128> Dir;
  llvm::sys::fs::createUniqueDirectory("lockgraph-store", Dir);
  return (Dir + "/t.db").str();
}

int64_t count(Store &S, const char *SQL) {
  auto Q = S.db().prepare(SQL);
  EXPECT_TRUE(bool(Q));
  if (!Q)
    return -1;
  llvm::Expected<bool> Row = Q->step();
  EXPECT_TRUE(Row && *Row);
  return Row && *Row ? Q->integer(0) : -1;
}

FunctionFacts inlineFn(unsigned Line) {
  FunctionFacts F;
  F.Key = "mmap_read_lock@include/linux/mmap_lock.h";
  F.Name = "mmap_read_lock";
  F.File = "include/linux/mmap_lock.h";
  F.Line = Line;
  F.IsStatic = true;
  F.Blocks.resize(2);
  F.Entry = 1;
  F.Exit = 0;
  CallEvent E;
  E.Callee = "down_read";
  ArgValue A = ArgValue::param(0, "mm");
  A.Steps = {"mm_struct.mmap_lock"};
  E.Args = {A};
  E.Line = Line + 2;
  F.Blocks[1].Events = {E};
  F.Blocks[1].Succs = {0};
  return F;
}

TURecord tu(const char *File) {
  TURecord T;
  T.File = File;
  T.Directory = "/src";
  T.Command = "cc -c";
  T.Hash = "h";
  return T;
}

/// A new store holding fs/aio.c with inlineFn(10); Fn is its function id.
std::unique_ptr<Store> withOneFunction(int64_t &Fn) {
  auto S = Store::create(freshPath());
  if (!S) {
    ADD_FAILURE() << llvm::toString(S.takeError());
    return nullptr;
  }
  TUFacts A;
  A.Functions = {inlineFn(10)};
  if (auto Id = (*S)->putTU(tu("fs/aio.c"), &A); !Id) {
    ADD_FAILURE() << llvm::toString(Id.takeError());
    return nullptr;
  }
  auto Fns = (*S)->loadFunctions();
  if (!Fns || Fns->size() != 1) {
    ADD_FAILURE() << (Fns ? "not one function"
                          : llvm::toString(Fns.takeError()));
    return nullptr;
  }
  Fn = (*Fns)[0].Id;
  return std::move(*S);
}

TEST(Store, SchemaVersionAndStrictTables) {
  std::string P = freshPath();
  auto S = Store::create(P);
  ASSERT_TRUE(bool(S)) << llvm::toString(S.takeError());
  EXPECT_EQ(count(**S, "PRAGMA user_version"), SchemaVersion);
  EXPECT_EQ(
      count(**S,
            "SELECT count(*) FROM pragma_table_list WHERE "
            "schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND strict = 0"),
      0);
  auto Again = Store::create(P);
  ASSERT_FALSE(bool(Again));
  EXPECT_EQ(llvm::toString(Again.takeError()), P + ": already exists");
}

TEST(Store, BodyJsonKeepsBranchesOnParametersAndCalls) {
  FunctionFacts F = inlineFn(10);
  F.Blocks[1].CondParam = 1;
  F.Blocks[1].TrueIsNonzero = false;
  F.Blocks[0].CondBlock = 1;
  F.Blocks[0].CondEvent = 0;
  FunctionFacts G;
  ASSERT_FALSE(bool(G.bodyFromJSON(F.bodyToJSON())));
  ASSERT_EQ(G.Blocks.size(), 2u);
  EXPECT_EQ(G.Blocks[1].CondParam, 1);
  EXPECT_FALSE(G.Blocks[1].TrueIsNonzero);
  EXPECT_EQ(G.Blocks[1].CondEvent, -1);
  EXPECT_EQ(G.Blocks[0].CondParam, -1);
  EXPECT_EQ(G.Blocks[0].CondBlock, 1);
  EXPECT_EQ(G.Blocks[0].CondEvent, 0);
}

TEST(Store, BodyJsonKeepsVariablesSwitchesAssignmentsAndImpliedFacts) {
  FunctionFacts F = inlineFn(10);
  F.Vars = {"autostopped", "ret"};
  F.VarParams = {-1, 2};
  F.Blocks[0].CondVar = 1;
  F.Blocks[0].TrueIsNonzero = false;
  F.Blocks[0].Assigns = {{0, 1, 0}, {1, -1, 1}};
  F.Blocks[0].NonzeroOnly = true;
  F.Blocks[0].Implies = {{0, false, true}};
  F.Blocks[1].CondParam = 0;
  F.Blocks[1].Succs = {0, 1, -1};
  F.Blocks[1].CaseFacts = {1, 0, -1};
  FunctionFacts G;
  ASSERT_FALSE(bool(G.bodyFromJSON(F.bodyToJSON())));
  EXPECT_EQ(G.Vars, F.Vars);
  EXPECT_EQ(G.VarParams, F.VarParams);
  EXPECT_EQ(G.Blocks[0].CondVar, 1);
  EXPECT_FALSE(G.Blocks[0].TrueIsNonzero);
  ASSERT_EQ(G.Blocks[0].Assigns.size(), 2u);
  EXPECT_EQ(G.Blocks[0].Assigns[0].Var, 0u);
  EXPECT_EQ(G.Blocks[0].Assigns[0].Value, 1);
  EXPECT_EQ(G.Blocks[0].Assigns[1].Value, -1);
  EXPECT_EQ(G.Blocks[0].Assigns[1].Before, 1u);
  EXPECT_TRUE(G.Blocks[0].NonzeroOnly);
  ASSERT_EQ(G.Blocks[0].Implies.size(), 1u);
  EXPECT_EQ(G.Blocks[0].Implies[0].Param, 0u);
  EXPECT_FALSE(G.Blocks[0].Implies[0].Value);
  EXPECT_TRUE(G.Blocks[0].Implies[0].WhenNonzero);
  EXPECT_FALSE(G.Blocks[1].NonzeroOnly);
  EXPECT_EQ(G.Blocks[1].CondVar, -1);
  EXPECT_EQ(G.Blocks[1].CaseFacts, (std::vector<int>{1, 0, -1}));
  // A stored body naming a variable it does not list is malformed.
  F.Vars.pop_back();
  F.VarParams.pop_back();
  llvm::Error E = G.bodyFromJSON(F.bodyToJSON());
  ASSERT_TRUE(bool(E));
  EXPECT_EQ(llvm::toString(std::move(E)),
            "malformed body of : variable out of range");
}

TEST(Store, BodyJsonSaysWeakOnlyForWeakDefinitions) {
  FunctionFacts F = inlineFn(10);
  std::string Plain;
  llvm::raw_string_ostream(Plain) << F.bodyToJSON();
  EXPECT_EQ(Plain.find("weak"), std::string::npos);
  FunctionFacts G;
  ASSERT_FALSE(bool(G.bodyFromJSON(F.bodyToJSON())));
  EXPECT_FALSE(G.IsWeak);
  F.IsWeak = true;
  ASSERT_FALSE(bool(G.bodyFromJSON(F.bodyToJSON())));
  EXPECT_TRUE(G.IsWeak);
  // Weak or not is part of the shape: a move never trades one for the other.
  FunctionFacts Strong = inlineFn(10);
  EXPECT_NE(F.shape(), Strong.shape());
}

TEST(Store, HeaderFunctionsAreStoredOncePerDistinctBody) {
  auto S = Store::create(freshPath());
  ASSERT_TRUE(bool(S));
  TUFacts A, B, C;
  A.Functions = {inlineFn(10)};
  B.Functions = {inlineFn(10)};
  C.Functions = {inlineFn(12)}; // another body (another config of the header)
  ASSERT_TRUE(bool((*S)->putTU(tu("fs/aio.c"), &A)));
  ASSERT_TRUE(bool((*S)->putTU(tu("mm/mmap.c"), &B)));
  ASSERT_TRUE(bool((*S)->putTU(tu("mm/gup.c"), &C)));
  EXPECT_EQ(count(**S, "SELECT count(*) FROM function"), 2);
  EXPECT_EQ(count(**S, "SELECT count(*) FROM tu_function"), 3);
  EXPECT_EQ(count(**S, "SELECT count(*) FROM call"), 2);

  auto Fns = (*S)->loadFunctions();
  ASSERT_TRUE(bool(Fns));
  ASSERT_EQ(Fns->size(), 2u);
  size_t Shared = (*Fns)[0].TUs.size() == 2 ? 0 : 1;
  EXPECT_EQ((*Fns)[Shared].TUs.size(), 2u);
  EXPECT_EQ((*Fns)[Shared].Facts.Blocks[1].Events[0].Args[0].Steps,
            std::vector<std::string>{"mm_struct.mmap_lock"});

  // Replacing or removing TUs keeps shared bodies while one TU has them.
  ASSERT_FALSE(bool((*S)->removeTU("fs/aio.c")));
  ASSERT_FALSE(bool((*S)->removeTU("mm/gup.c")));
  ASSERT_FALSE(bool((*S)->collectGarbage()));
  EXPECT_EQ(count(**S, "SELECT count(*) FROM function"), 1);
  EXPECT_EQ(count(**S, "SELECT count(*) FROM function WHERE line = 10"), 1);
}

TEST(Store, BodiesOfOneKeyLoadByShapeThenHash) {
  // Which of a key's bodies loads first decides what calls resolve to
  // (a __weak stub and the real function): an edit that only moves one
  // body's lines (another hash, the same shape) must not change it.
  FunctionFacts Other = inlineFn(10);
  Other.Blocks[1].Events.push_back(Other.Blocks[1].Events[0]);
  ASSERT_NE(Other.shape(), inlineFn(10).shape());
  std::vector<bool> MovedFirst;
  for (unsigned Line : {10u, 11u, 500u, 20000u, 123456u}) {
    auto S = Store::create(freshPath());
    ASSERT_TRUE(bool(S));
    TUFacts A, B;
    A.Functions = {inlineFn(Line)};
    B.Functions = {Other};
    ASSERT_TRUE(bool((*S)->putTU(tu("fs/aio.c"), &A)));
    ASSERT_TRUE(bool((*S)->putTU(tu("mm/gup.c"), &B)));
    auto Fns = (*S)->loadFunctions();
    ASSERT_TRUE(bool(Fns));
    ASSERT_EQ(Fns->size(), 2u);
    MovedFirst.push_back((*Fns)[0].Facts.Line == Line);
  }
  EXPECT_EQ(MovedFirst, std::vector<bool>(5, inlineFn(10).shape() < Other.shape()));
}

TEST(Store, ResultsRoundTrip) {
  int64_t Fn = 0;
  std::unique_ptr<Store> S = withOneFunction(Fn);
  ASSERT_TRUE(S);
  LockGraph G;
  Edge E;
  E.Held = "kioctx.ring_lock";
  E.Acquired = "mm_struct.mmap_lock";
  E.AcquiredMode = rules::Mode::Shared;
  E.HeldFlavor = "mutex";
  E.AcquiredFlavor = "rwsem";
  E.AcquiredTags = {"uaccess", "sleeps"};
  E.FunctionId = Fn;
  E.HeldLine = 7;
  E.HeldTry = true;
  E.Chain = {Hop{"mmap_read_lock", "include/linux/mmap_lock.h", 12, "vm_operations_struct.fault", "down_read"}};
  // An edge in no finding: its witness is read only when asked for.
  Edge Other = E;
  Other.Held = "mm_struct.mmap_lock";
  Other.Acquired = "jbd2_handle";
  Other.Chain = {Hop{"ext4_dirty_inode", "fs/ext4/inode.c", 6163, "", "start_this_handle"}};
  G.Edges = {E, Other};
  Finding F;
  F.Id = "LG-000000000001";
  F.Kind = FindingKind::SelfDeadlock;
  F.Locks = {"kioctx.ring_lock"};
  F.Message = "m";
  F.Edges = {0};
  F.Rank = 42;
  ASSERT_FALSE(bool(S->putResults(G, {F})));
  LockGraph G2;
  std::vector<Finding> F2;
  ASSERT_FALSE(bool(S->loadResults(G2, F2)));
  ASSERT_EQ(G2.Edges.size(), 2u);
  EXPECT_EQ(G2.Edges[1].Acquired, "jbd2_handle");
  EXPECT_TRUE(G2.Edges[1].Chain.empty());
  EXPECT_EQ(G2.Edges[0].Acquired, "mm_struct.mmap_lock");
  EXPECT_EQ(G2.Edges[0].AcquiredMode, rules::Mode::Shared);
  EXPECT_EQ(G2.Edges[0].AcquiredTags, (std::vector<std::string>{"uaccess", "sleeps"}));
  EXPECT_EQ(G2.Edges[0].Function, "mmap_read_lock");
  EXPECT_TRUE(G2.Edges[0].HeldTry);
  ASSERT_EQ(G2.Edges[0].Chain.size(), 1u);
  EXPECT_EQ(G2.Edges[0].Chain[0].Via, "vm_operations_struct.fault");
  EXPECT_EQ(G2.Edges[0].Chain[0].Api, "down_read");
  ASSERT_EQ(F2.size(), 1u);
  EXPECT_EQ(F2[0].Kind, FindingKind::SelfDeadlock);
  EXPECT_EQ(F2[0].Rank, 42);
  EXPECT_EQ(F2[0].Edges, std::vector<size_t>{0});
  // Long chains are written many rows per statement: 150 hops make two
  // full batches and a remainder, each hop back in its place.
  std::vector<Hop> Long;
  for (unsigned I = 0; I < 150; ++I)
    Long.push_back(Hop{"f" + std::to_string(I), "fs/aio.c", 1000 + I,
                       I % 7 ? "" : "file_operations.mmap",
                       I == 149 ? "down_read" : ""});
  G.Edges[0].Chain = Long;
  ASSERT_FALSE(bool(S->clearGlobal()));
  ASSERT_FALSE(bool(S->putResults(G, {F})));
  LockGraph G4;
  std::vector<Finding> F4;
  ASSERT_FALSE(bool(S->loadResults(G4, F4)));
  ASSERT_EQ(G4.Edges[0].Chain.size(), 150u);
  for (unsigned I = 0; I < 150; ++I) {
    EXPECT_EQ(G4.Edges[0].Chain[I].Function, "f" + std::to_string(I));
    EXPECT_EQ(G4.Edges[0].Chain[I].Line, 1000 + I);
    EXPECT_EQ(G4.Edges[0].Chain[I].Via, Long[I].Via);
    EXPECT_EQ(G4.Edges[0].Chain[I].Api, Long[I].Api);
  }
  LockGraph G3;
  std::vector<Finding> F3;
  ASSERT_FALSE(bool(S->loadResults(G3, F3, Store::Chains::All)));
  ASSERT_EQ(G3.Edges.size(), 2u);
  ASSERT_EQ(G3.Edges[0].Chain.size(), 150u);
  ASSERT_EQ(G3.Edges[1].Chain.size(), 1u);
  EXPECT_EQ(G3.Edges[1].Chain[0].Function, "ext4_dirty_inode");
  EXPECT_EQ(G3.Edges[1].Chain[0].Line, 6163u);
  // A report reads the chains of the findings it shows only.
  LockGraph G5;
  std::vector<Finding> F5;
  ASSERT_FALSE(bool(S->loadResults(G5, F5, Store::Chains::None)));
  ASSERT_EQ(G5.Edges.size(), 2u);
  EXPECT_TRUE(G5.Edges[0].Chain.empty());
  EXPECT_TRUE(G5.Edges[1].Chain.empty());
  EXPECT_EQ(G5.Edges[1].Id, 2);
  ASSERT_FALSE(bool(S->loadChains(G5, {1})));
  EXPECT_TRUE(G5.Edges[0].Chain.empty());
  ASSERT_EQ(G5.Edges[1].Chain.size(), 1u);
  EXPECT_EQ(G5.Edges[1].Chain[0].Function, "ext4_dirty_inode");
  EXPECT_EQ(G5.Edges[1].Chain[0].Api, "start_this_handle");
  ASSERT_FALSE(bool(S->loadChains(G5, {0, 1})));
  ASSERT_EQ(G5.Edges[0].Chain.size(), 150u);
  EXPECT_EQ(G5.Edges[0].Chain[149].Api, "down_read");
  EXPECT_EQ(G5.Edges[1].Chain.size(), 1u) << "not read twice";
}

TEST(Store, ChainsShareTheRowsOfTheirCommonTail) {
  int64_t Fn = 0;
  std::unique_ptr<Store> S = withOneFunction(Fn);
  ASSERT_TRUE(S);
  // vm_mmap_pgoff and ksys_mmap_pgoff reach ext4's journal through the
  // same three hops; a third edge ends at another line of the last one.
  Hop Mmap{"do_mmap", "mm/mmap.c", 1423, "", ""};
  Hop Ext4{"ext4_file_mmap", "fs/ext4/file.c", 817, "file_operations.mmap", ""};
  Hop Start{"ext4_journal_start", "fs/ext4/ext4_jbd2.h", 242, "",
            "start_this_handle"};
  Edge E;
  E.Held = "mm_struct.mmap_lock";
  E.Acquired = "jbd2_handle";
  E.HeldFlavor = "rwsem";
  E.AcquiredFlavor = "pseudo";
  E.FunctionId = Fn;
  E.Chain = {Hop{"vm_mmap_pgoff", "mm/util.c", 575, "", ""}, Mmap, Ext4, Start};
  Edge Other = E;
  Other.Held = "sb_writers";
  Other.Chain = {Hop{"ksys_mmap_pgoff", "mm/mmap.c", 1502, "", ""}, Mmap, Ext4,
                 Start};
  Edge Third = E;
  Third.Held = "inode.i_rwsem";
  Third.Chain = {Mmap, Ext4, Start};
  Third.Chain.back().Line = 243;
  LockGraph G;
  G.Edges = {E, Other, Third};
  ASSERT_FALSE(bool(S->putResults(G, {})));
  // 4 + 1 + 3 rows, not 4 + 4 + 3.
  EXPECT_EQ(count(*S, "SELECT count(*) FROM witness"), 8);
  EXPECT_EQ(count(*S, "SELECT count(DISTINCT witness_id) FROM edge"), 3);
  EXPECT_EQ(count(*S, "SELECT count(*) FROM witness WHERE function = "
                      "'ext4_journal_start'"),
            2);
  EXPECT_EQ(count(*S, "SELECT sum(hops) FROM edge"), 11);
  LockGraph G2;
  std::vector<Finding> F2;
  ASSERT_FALSE(bool(S->loadResults(G2, F2, Store::Chains::All)));
  ASSERT_EQ(G2.Edges.size(), 3u);
  for (unsigned I = 0; I < 3; ++I) {
    ASSERT_EQ(G2.Edges[I].Chain.size(), G.Edges[I].Chain.size()) << I;
    for (unsigned J = 0; J < G.Edges[I].Chain.size(); ++J) {
      const Hop &X = G2.Edges[I].Chain[J], &Y = G.Edges[I].Chain[J];
      EXPECT_EQ(std::tie(X.Function, X.File, X.Line, X.Via, X.Api),
                std::tie(Y.Function, Y.File, Y.Line, Y.Via, Y.Api))
          << I << " " << J;
    }
  }
  // The edge_hop view lists every hop of every edge, as one row each.
  EXPECT_EQ(count(*S, "SELECT count(*) FROM edge_hop"), 11);
  EXPECT_EQ(count(*S, "SELECT line FROM edge_hop WHERE edge_id = 2 AND "
                      "seq = 3"),
            242);
  EXPECT_EQ(count(*S, "SELECT line FROM edge_hop WHERE edge_id = 3 AND "
                      "seq = 2"),
            243);
  EXPECT_EQ(count(*S, "SELECT count(*) FROM edge_hop WHERE edge_id = 1 AND "
                      "via = 'file_operations.mmap' AND seq = 2"),
            1);
  // An edge without a chain is refused, not written without a witness.
  ASSERT_FALSE(bool(S->clearGlobal()));
  G.Edges[1].Chain.clear();
  llvm::Error Err = S->putResults(G, {});
  ASSERT_TRUE(bool(Err));
  EXPECT_EQ(llvm::toString(std::move(Err)),
            "edge sb_writers -> jbd2_handle in  has no witness chain");
}

TEST(Store, Version3DatabaseKeepsItsFactsAndLosesItsOutput) {
  std::string P = freshPath();
  {
    auto S = Store::create(P);
    ASSERT_TRUE(bool(S));
    TUFacts A;
    A.Functions = {inlineFn(10)};
    ASSERT_TRUE(bool((*S)->putTU(tu("fs/aio.c"), &A)));
    ASSERT_FALSE(bool((*S)->setMeta("global_input", "x")));
    // Version 3's output tables, with one edge.
    ASSERT_FALSE(bool((*S)->db().exec(
        "DROP VIEW edge_hop; DROP TABLE finding_edge; DROP TABLE finding; "
        "DROP TABLE edge; DROP TABLE witness; DROP TABLE lock_class; "
        "CREATE TABLE lock_class(id INTEGER PRIMARY KEY, name TEXT); "
        "CREATE TABLE edge(id INTEGER PRIMARY KEY, held_id INTEGER); "
        "CREATE TABLE edge_hop(edge_id INTEGER, seq INTEGER); "
        "CREATE TABLE finding(id TEXT PRIMARY KEY); CREATE TABLE "
        "finding_edge(finding_id TEXT); INSERT INTO edge VALUES (1, 1); "
        "PRAGMA user_version = 3")));
  }
  auto Old = Store::open(P, /*ReadOnly=*/true);
  ASSERT_FALSE(bool(Old));
  EXPECT_EQ(llvm::toString(Old.takeError()),
            P + ": schema version 3, this lockgraph reads version 4; re-scan "
                "into a new database");
  ASSERT_FALSE(bool(Store::upgrade(P)));
  auto S = Store::open(P, /*ReadOnly=*/false);
  ASSERT_TRUE(bool(S)) << llvm::toString(S.takeError());
  EXPECT_EQ(count(**S, "SELECT count(*) FROM tu"), 1);
  EXPECT_EQ(count(**S, "SELECT count(*) FROM function"), 1);
  EXPECT_EQ(count(**S, "SELECT count(*) FROM edge"), 0);
  EXPECT_EQ(count(**S, "SELECT count(*) FROM pragma_table_list WHERE name = "
                       "'edge_hop' AND type = 'view'"),
            1);
  auto In = (*S)->meta("global_input");
  ASSERT_TRUE(bool(In));
  EXPECT_EQ(*In, "");
  // Upgrading twice, or a version-4 database, changes nothing.
  ASSERT_FALSE(bool(Store::upgrade(P)));
  EXPECT_EQ(count(**S, "PRAGMA user_version"), 4);
}

} // namespace
