//===- MovesTest.cpp - Moving the stored output's lines -------------------===//
//
// moveResults() on a hand-made store: a function of fs/aio.c moved from
// line 10 to line 20, with an edge made in it and a hop at its call.
//
//===----------------------------------------------------------------------===//

#include "db/Moves.h"
#include "llvm/Support/FileSystem.h"
#include "gtest/gtest.h"

using namespace lockgraph;

namespace {

std::string freshPath() {
  llvm::SmallString<128> P;
  llvm::sys::fs::createTemporaryFile("lockgraph-moves", "db", P);
  llvm::sys::fs::remove(P);
  return P.str().str();
}

int64_t integer(Store &S, const char *SQL) {
  auto Q = S.db().prepare(SQL);
  EXPECT_TRUE(bool(Q));
  auto Row = Q->step();
  EXPECT_TRUE(Row && *Row);
  return Q->integer(0);
}

/// aio_read at line Line: mutex_lock at Line + 2.
TUFacts aio(unsigned Line) {
  FunctionFacts F;
  F.Key = F.Name = "aio_read";
  F.File = "fs/aio.c";
  F.Line = Line;
  F.Blocks.resize(2);
  F.Entry = 1;
  F.Exit = 0;
  CallEvent E;
  E.Callee = "mutex_lock";
  E.Line = Line + 2;
  F.Blocks[1].Events = {E};
  F.Blocks[1].Succs = {0};
  TUFacts T;
  T.Functions = {F};
  return T;
}

TURecord tu() {
  TURecord T;
  T.File = "fs/aio.c";
  T.Command = "cc -c fs/aio.c";
  T.Hash = "h";
  return T;
}

/// A store with aio_read at line 10 and one edge made in it, whose witness
/// is its line 12 and, when Stray is set, a line 99 no fact has; then
/// aio_read moved to line 20.
std::unique_ptr<Store> moved(bool Stray) {
  auto S = Store::create(freshPath());
  EXPECT_TRUE(bool(S));
  TUFacts Old = aio(10);
  EXPECT_TRUE(bool((*S)->putTU(tu(), &Old)));
  LockGraph G;
  Edge E;
  E.Held = "kioctx.ring_lock";
  E.Acquired = "mm_struct.mmap_lock";
  E.FunctionId = integer(**S, "SELECT id FROM function");
  E.HeldLine = 12;
  E.Chain = {Hop{"aio_read", "fs/aio.c", 12, "", "mutex_lock"}};
  if (Stray)
    E.Chain.push_back(Hop{"aio_read", "fs/aio.c", 99, "", ""});
  G.Edges = {E};
  EXPECT_FALSE(bool((*S)->putResults(G, {})));
  TUFacts New = aio(20);
  EXPECT_TRUE(bool((*S)->putTU(tu(), &New)));
  EXPECT_FALSE(bool((*S)->begin()));
  return std::move(*S);
}

TEST(Moves, EdgesAndHopsFollowTheirFunction) {
  std::unique_ptr<Store> S = moved(/*Stray=*/false);
  int64_t NewId = integer(*S, "SELECT max(id) FROM function");
  auto M = moveResults(*S);
  ASSERT_TRUE(bool(M)) << llvm::toString(M.takeError());
  ASSERT_TRUE(M->has_value());
  EXPECT_EQ((*M)->Functions, 1u);
  EXPECT_EQ((*M)->Files, 1u);
  EXPECT_EQ((*M)->Rows, 2u) << "the edge and its hop";
  EXPECT_EQ(integer(*S, "SELECT held_line FROM edge"), 22);
  EXPECT_EQ(integer(*S, "SELECT function_id FROM edge"), NewId);
  EXPECT_EQ(integer(*S, "SELECT line FROM edge_hop"), 22);
  EXPECT_EQ(integer(*S, "SELECT count(*) FROM function"), 1) << "old body gone";
}

TEST(Moves, AnOutputLineTheMapLacksDeclinesAndWritesNothing) {
  std::unique_ptr<Store> S = moved(/*Stray=*/true);
  int64_t OldId = integer(*S, "SELECT min(id) FROM function");
  auto M = moveResults(*S);
  ASSERT_TRUE(bool(M)) << llvm::toString(M.takeError());
  EXPECT_FALSE(M->has_value());
  EXPECT_EQ(integer(*S, "SELECT held_line FROM edge"), 12);
  EXPECT_EQ(integer(*S, "SELECT function_id FROM edge"), OldId);
  EXPECT_EQ(integer(*S, "SELECT min(line) FROM edge_hop"), 12);
  EXPECT_EQ(integer(*S, "SELECT max(line) FROM edge_hop"), 99);
  EXPECT_EQ(integer(*S, "SELECT count(*) FROM function"), 2);
  EXPECT_FALSE(bool(S->commit()));
}

} // namespace
