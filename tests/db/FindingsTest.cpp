//===- FindingsTest.cpp - Cycles, self-deadlocks, rules, ids ---------------===//
//
// Findings over hand-built lock graphs: no Clang, no database.
//
//===----------------------------------------------------------------------===//

#include "db/Findings.h"
#include "gtest/gtest.h"

using namespace lockgraph;
using rules::Mode;

namespace {

Edge edge(const std::string &H, const std::string &A, Mode HM = Mode::Exclusive,
          Mode AM = Mode::Exclusive, unsigned Line = 10,
          const std::string &Fn = "f") {
  Edge E;
  E.Held = H;
  E.Acquired = A;
  E.HeldMode = HM;
  E.AcquiredMode = AM;
  E.HeldFlavor = E.AcquiredFlavor = "mutex";
  E.Function = Fn;
  E.File = "x.c";
  E.HeldLine = Line;
  E.Chain = {Hop{Fn, "x.c", Line + 1, "", "mutex_lock"}};
  return E;
}

TEST(Inversions, TwoLockCycleIsOneFindingStartingAtSmallestClass) {
  LockGraph G;
  G.Edges = {edge("mm_struct.mmap_lock", "kioctx.ring_lock"),
             edge("kioctx.ring_lock", "mm_struct.mmap_lock")};
  std::vector<Finding> Fs = findInversions(G);
  ASSERT_EQ(Fs.size(), 1u);
  EXPECT_EQ(Fs[0].Locks, (std::vector<std::string>{"kioctx.ring_lock",
                                                   "mm_struct.mmap_lock"}));
  ASSERT_EQ(Fs[0].Edges.size(), 2u);
  EXPECT_EQ(G.Edges[Fs[0].Edges[0]].Held, "kioctx.ring_lock");
  EXPECT_EQ(G.Edges[Fs[0].Edges[1]].Held, "mm_struct.mmap_lock");
}

TEST(Inversions, ThreeLockCycleIsReportedOnceNotPerRotation) {
  LockGraph G;
  G.Edges = {edge("c", "a"), edge("a", "b"), edge("b", "c")};
  std::vector<Finding> Fs = findInversions(G);
  ASSERT_EQ(Fs.size(), 1u);
  EXPECT_EQ(Fs[0].Locks, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(G.Edges[Fs[0].Edges[2]].Held, "c");
  EXPECT_EQ(G.Edges[Fs[0].Edges[2]].Acquired, "a");
}

TEST(Inversions, CycleWithChordIsLeftToItsShorterCycles) {
  // seed 002 with mutex_lock: private_lock -> ring_lock -> mmap_lock ->
  // private_lock has the chord mmap_lock -> ring_lock; only the 2-cycle
  // ring_lock <-> mmap_lock is reported.
  LockGraph G;
  G.Edges = {edge("private_lock", "ring_lock"), edge("ring_lock", "mmap_lock"),
             edge("mmap_lock", "private_lock"), edge("mmap_lock", "ring_lock")};
  std::vector<Finding> Fs = findInversions(G);
  ASSERT_EQ(Fs.size(), 1u);
  EXPECT_EQ(Fs[0].Locks, (std::vector<std::string>{"mmap_lock", "ring_lock"}));
}

TEST(Inversions, ChainWithoutCycleIsNoFinding) {
  LockGraph G;
  G.Edges = {edge("a", "b"), edge("b", "c"), edge("a", "c")};
  EXPECT_TRUE(findInversions(G).empty());
}

TEST(Inversions, RecursiveReaderBreaksCycleAsInLockdep) {
  // write_lock(A); read_lock(B);  ||  read_lock(B); write_lock(A);
  // A -(ER)-> B -(SN)-> A is not a deadlock (lockdep-design.rst).
  LockGraph G;
  G.Edges = {edge("A", "B", Mode::Exclusive, Mode::RecursiveRead),
             edge("B", "A", Mode::RecursiveRead, Mode::Exclusive)};
  EXPECT_TRUE(findInversions(G).empty());
}

TEST(Inversions, NonRecursiveReaderDoesNotBreakCycle) {
  // rwsem readers are not recursive: mmap_lock(write) -> handle(read),
  // handle(read) -> mmap_lock(read) is seed 003's deadlock.
  LockGraph G;
  G.Edges = {edge("mm_struct.mmap_lock", "jbd2_handle", Mode::Exclusive, Mode::Shared),
             edge("jbd2_handle", "mm_struct.mmap_lock", Mode::Shared, Mode::Shared)};
  std::vector<Finding> Fs = findInversions(G);
  ASSERT_EQ(Fs.size(), 1u);
  EXPECT_EQ(Fs[0].Locks,
            (std::vector<std::string>{"jbd2_handle", "mm_struct.mmap_lock"}));
}

TEST(Inversions, RegionsTakeNoPartInCycles) {
  LockGraph G;
  G.Edges = {edge("gup_pin", "m"), edge("m", "gup_pin")};
  G.Edges[0].HeldFlavor = "region";
  G.Edges[1].AcquiredFlavor = "region";
  EXPECT_TRUE(findInversions(G).empty());
}

TEST(SelfDeadlock, SameClassReacquired) {
  LockGraph G;
  G.Edges = {edge("foo.lock", "foo.lock"), edge("foo.m", "foo.m/1")};
  std::vector<Finding> Fs = findSelfDeadlocks(G);
  ASSERT_EQ(Fs.size(), 1u) << "a _nested subclass is another class";
  EXPECT_EQ(Fs[0].Locks, std::vector<std::string>{"foo.lock"});
  EXPECT_EQ(Fs[0].Kind, FindingKind::SelfDeadlock);
}

TEST(SelfDeadlock, NeedsTheLockHeldOnEveryPath) {
  LockGraph G;
  G.Edges = {edge("mm_struct.mmap_lock", "mm_struct.mmap_lock", Mode::Shared,
                  Mode::Shared, 20),
             edge("foo.lock", "foo.lock", Mode::Exclusive, Mode::Exclusive, 30)};
  G.Edges[0].HeldMust = false; // __mm_populate's `if (!locked)` relock
  std::vector<Finding> Fs = findSelfDeadlocks(G);
  ASSERT_EQ(Fs.size(), 1u);
  EXPECT_EQ(Fs[0].Locks, std::vector<std::string>{"foo.lock"});
  EXPECT_EQ(G.Edges[Fs[0].Edges[0]].HeldLine, 30u);
}

TEST(Ranks, EdgeFromALockHeldOnSomePathsRanksLower) {
  LockGraph G;
  G.Edges = {edge("a", "b"), edge("b", "a"), edge("c", "d"), edge("d", "c")};
  G.Edges[2].HeldMust = false;
  std::vector<Finding> Fs = findInversions(G);
  ASSERT_EQ(Fs.size(), 2u);
  EXPECT_EQ(Fs[0].Locks, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(Fs[1].Locks, (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(Fs[0].Rank - Fs[1].Rank, 5);
}

TEST(Ranks, ChainReenteringItsFunctionThroughAPointerRanksLower) {
  // misc_open() holds misc_mtx and calls file->f_op->open, which the ops
  // table resolves to misc_open() itself.
  LockGraph G;
  G.Edges = {edge("misc_mtx", "misc_mtx", Mode::Exclusive, Mode::Exclusive,
                  125, "misc_open"),
             edge("foo.lock", "foo.lock")};
  G.Edges[0].Chain = {Hop{"misc_open", "x.c", 163, "", ""},
                      Hop{"misc_open", "x.c", 125, "file_operations.open",
                          "mutex_lock"}};
  std::vector<Finding> Fs = findSelfDeadlocks(G);
  ASSERT_EQ(Fs.size(), 2u);
  EXPECT_EQ(Fs[0].Locks, std::vector<std::string>{"foo.lock"});
  EXPECT_EQ(Fs[1].Locks, std::vector<std::string>{"misc_mtx"});
  // 100, -2 for the second hop, -5 for the indirect one, -20, -10 (not
  // the same expression).
  EXPECT_EQ(Fs[1].Rank, 63);
}

TEST(SelfDeadlock, RwsemReadReadIsRecursiveLockingButRwlockReadReadIsNot) {
  LockGraph G;
  G.Edges = {edge("a.sem", "a.sem", Mode::Shared, Mode::Shared),
             edge("b.rw", "b.rw", Mode::RecursiveRead, Mode::RecursiveRead)};
  std::vector<Finding> Fs = findSelfDeadlocks(G);
  ASSERT_EQ(Fs.size(), 1u);
  EXPECT_EQ(Fs[0].Locks, std::vector<std::string>{"a.sem"});
}

TEST(Ids, StableAcrossLinesAndDifferentPerClasses) {
  LockGraph G1, G2, G3;
  G1.Edges = {edge("a", "b", Mode::Exclusive, Mode::Exclusive, 10),
              edge("b", "a", Mode::Exclusive, Mode::Exclusive, 20)};
  G2.Edges = {edge("b", "a", Mode::Exclusive, Mode::Exclusive, 99, "g"),
              edge("a", "b", Mode::Exclusive, Mode::Exclusive, 42, "h")};
  G3.Edges = {edge("a", "c"), edge("c", "a")};
  std::string Id1 = findInversions(G1).at(0).Id;
  EXPECT_EQ(Id1, findInversions(G2).at(0).Id);
  EXPECT_NE(Id1, findInversions(G3).at(0).Id);
  EXPECT_EQ(Id1.substr(0, 3), "LG-");
  EXPECT_EQ(Id1.size(), 15u);
}

TEST(Rules, ForbiddenNestingMatchesFlavorAndTags) {
  rules::RuleSet R;
  rules::ForbiddenNesting N;
  N.Name = "sleep-under-spin";
  N.Outer.Flavors = {"spin"};
  N.Inner.Flavors = {"mutex"};
  N.Inner.Tags = {"uaccess"};
  R.Nestings.push_back(N);
  LockGraph G;
  G.Edges = {edge("address_space.private_lock", "kioctx.ring_lock"),
             edge("address_space.private_lock", "mm_struct.mmap_lock"),
             edge("kioctx.completion_lock", "foo.spin")};
  G.Edges[0].HeldFlavor = "spin";
  G.Edges[1].HeldFlavor = "spin";
  G.Edges[1].AcquiredFlavor = "rwsem";
  G.Edges[1].AcquiredTags = {"uaccess"};
  G.Edges[2].HeldFlavor = "spin";
  G.Edges[2].AcquiredFlavor = "spin";
  std::vector<Finding> Fs = findForbiddenNestings(G, R);
  ASSERT_EQ(Fs.size(), 2u);
  EXPECT_EQ(Fs[0].Locks, (std::vector<std::string>{"address_space.private_lock",
                                                   "kioctx.ring_lock"}));
  EXPECT_EQ(Fs[1].Locks, (std::vector<std::string>{"address_space.private_lock",
                                                   "mm_struct.mmap_lock"}));
  EXPECT_EQ(Fs[0].Rule, "sleep-under-spin");
}

TEST(Rules, OrderViolationOnlyForTheReversedPair) {
  rules::RuleSet R;
  rules::Order O;
  O.Name = "mmap-before-handle";
  O.Before = "mm_struct.mmap_lock";
  O.After = "jbd2_handle";
  R.Orders.push_back(O);
  LockGraph G;
  G.Edges = {edge("mm_struct.mmap_lock", "jbd2_handle"),
             edge("jbd2_handle", "mm_struct.mmap_lock/1")};
  std::vector<Finding> Fs = findOrderViolations(G, R);
  ASSERT_EQ(Fs.size(), 1u);
  EXPECT_EQ(Fs[0].Locks,
            (std::vector<std::string>{"jbd2_handle", "mm_struct.mmap_lock/1"}));
}

TEST(Classes, BaseClassStripsOnlyNumericSubclass) {
  EXPECT_EQ(baseClass("mm_struct.mmap_lock/1"), "mm_struct.mmap_lock");
  EXPECT_EQ(baseClass("lock@fs/aio.c"), "lock@fs/aio.c");
  EXPECT_EQ(baseClass("kioctx.ring_lock"), "kioctx.ring_lock");
}

} // namespace
