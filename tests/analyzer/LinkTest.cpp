//===- LinkTest.cpp - Summaries and edges from in-memory C -----------------===//
//
// C code -> facts (Clang) -> lock graph (global step) with a small rule set
// built in the test, so each test states the exact edge, line and chain.
//
//===----------------------------------------------------------------------===//

#include "analyzer/Extract.h"
#include "db/Findings.h"
#include "db/Link.h"
#include "llvm/ADT/StringExtras.h"
#include "gtest/gtest.h"

using namespace lockgraph;

namespace {

const char *Prelude = R"c(struct spinlock { int rlock; };
typedef struct spinlock spinlock_t;
struct mutex { int m; };
struct rw_semaphore { int s; };
void spin_lock(spinlock_t *l);
void spin_unlock(spinlock_t *l);
void mutex_lock(struct mutex *m);
void mutex_lock_nested(struct mutex *m, int sub);
int mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);
void down_read(struct rw_semaphore *s);
void up_read(struct rw_semaphore *s);
unsigned long copy_from_user(void *to, const void *from, unsigned long n);
void pagefault_disable(void);
void pagefault_enable(void);
struct foo { struct mutex a; struct mutex b; spinlock_t s; struct rw_semaphore sem; };
)c"; // 16 lines

rules::RuleSet testRules() {
  rules::RuleSet R;
  auto Add = [&](const char *Fn, rules::Action Act, int Arg, const char *Flavor,
                 rules::Mode M = rules::Mode::Exclusive) {
    rules::Api A;
    A.Function = Fn;
    A.Act = Act;
    A.Arg = Arg;
    A.Flavor = Flavor;
    A.M = M;
    R.Apis[Fn] = A;
    return &R.Apis[Fn];
  };
  Add("spin_lock", rules::Action::Acquire, 0, "spin");
  Add("spin_unlock", rules::Action::Release, 0, "");
  Add("mutex_lock", rules::Action::Acquire, 0, "mutex");
  Add("mutex_lock_nested", rules::Action::Acquire, 0, "mutex")->SubclassArg = 1;
  Add("mutex_trylock", rules::Action::Try, 0, "mutex");
  Add("mutex_unlock", rules::Action::Release, 0, "");
  Add("ww_lock", rules::Action::Acquire, 0, "mutex")->NestArg = 1;
  rules::Api *K = Add("mutex_lock_killable", rules::Action::Try, 0, "mutex");
  K->SuccessNonzero = false;
  K->Blocking = true;
  Add("down_read", rules::Action::Acquire, 0, "rwsem", rules::Mode::Shared);
  Add("up_read", rules::Action::Release, 0, "");
  rules::Api *U = Add("copy_from_user", rules::Action::Touch, -1, "rwsem",
                      rules::Mode::Shared);
  U->Lock = "mm_struct.mmap_lock";
  U->Tags = {"uaccess"};
  U->UnlessHeld = {"pagefault_disabled"};
  rules::Api *P = Add("pagefault_disable", rules::Action::Acquire, -1, "context");
  P->Lock = "pagefault_disabled";
  Add("pagefault_enable", rules::Action::Release, -1, "")->Lock =
      "pagefault_disabled";
  rules::Api *LA = Add("lock_acquire", rules::Action::Acquire, 0, "pseudo");
  LA->ReadArg = 3;
  Add("lock_release", rules::Action::Release, 0, "");
  R.Ignored.insert("rcu_lock_map");
  rules::Api *FR = Add("fs_reclaim_acquire", rules::Action::Touch, -1, "pseudo");
  FR->Lock = "fs_reclaim";
  FR->IfArg = 0;
  FR->IfMask = 0x480;
  R.LockTypes.insert("spinlock");
  R.LockTypes.insert("mutex");
  R.LockTypes.insert("rw_semaphore");
  return R;
}

struct Result {
  LockGraph G;
  std::vector<Finding> Fs;
};

Result link(const std::vector<std::string> &TUs,
            const rules::RuleSet &R = testRules()) {
  std::vector<StoredFunction> Fns;
  std::vector<StoredFieldStore> Stores;
  int64_t Id = 0;
  for (size_t T = 0; T < TUs.size(); ++T) {
    std::string Name = "tu" + std::to_string(T) + ".c";
    llvm::Expected<TUFacts> F =
        extractFromCode(std::string(Prelude) + TUs[T], Name, {"-xc"});
    EXPECT_TRUE(bool(F)) << llvm::toString(F.takeError());
    if (!F)
      return {};
    for (FunctionFacts &FF : F->Functions)
      Fns.push_back(StoredFunction{++Id, {int64_t(T + 1)}, std::move(FF)});
    for (FieldStore &S : F->Stores)
      Stores.push_back(StoredFieldStore{int64_t(T + 1), std::move(S)});
  }
  Result Out;
  Out.G = buildLockGraph(std::move(Fns), Stores, R);
  Out.Fs = findAll(Out.G, R);
  return Out;
}

const Edge *find(const LockGraph &G, llvm::StringRef H, llvm::StringRef A) {
  for (const Edge &E : G.Edges)
    if (E.Held == H && E.Acquired == A)
      return &E;
  return nullptr;
}

std::string chain(const LockGraph &G, const Edge &E) {
  std::string S;
  for (const Hop *H : G.hopsOf(E))
    S += (S.empty() ? "" : " > ") + H->Function + ":" +
         std::to_string(H->Line) + (H->Via.empty() ? "" : " via " + H->Via);
  return S;
}

/// R has exactly one finding: a self-deadlock on Lock.
testing::AssertionResult onlySelfDeadlock(const Result &R,
                                          const std::string &Lock) {
  if (R.Fs.size() != 1)
    return testing::AssertionFailure() << R.Fs.size() << " findings";
  if (R.Fs[0].Kind != FindingKind::SelfDeadlock)
    return testing::AssertionFailure() << "not a self-deadlock";
  if (R.Fs[0].Locks != std::vector<std::string>{Lock})
    return testing::AssertionFailure()
           << "on " << llvm::join(R.Fs[0].Locks, ", ");
  return testing::AssertionSuccess();
}

/// A callee that may release four classes, a caller's lock among them,
/// as callees in the large SCC do (10 lines: 17 to 26 after the prelude).
const char *MayReleaseFour = "struct hc { spinlock_t lock; };\n"
                             "int status(void);\n"
                             "static void junk(struct foo *x, struct hc *h) {\n"
                             "  if (status()) {\n"
                             "    spin_unlock(&x->s);\n"
                             "    mutex_unlock(&x->b);\n"
                             "    up_read(&x->sem);\n"
                             "    spin_unlock(&h->lock);\n"
                             "  }\n"
                             "}\n";

TEST(Link, ChainsEndingAlikeShareTheirWitnessRows) {
  // foo.s -> foo.a and foo.b -> foo.a end in the same call of lock_it;
  // foo.s -> foo.b is another chain.
  Result R = link({"static void lock_it(struct mutex *m) {\n"      // 17
                   "  mutex_lock(m); mutex_unlock(m); }\n"         // 18
                   "void mid(struct foo *x) { lock_it(&x->a); }\n" // 19
                   "void f(struct foo *x) {\n"                     // 20
                   "  spin_lock(&x->s);\n"                         // 21
                   "  mid(x);\n"                                   // 22
                   "  mutex_lock(&x->b);\n"                        // 23
                   "  mid(x);\n"                                   // 24
                   "}\n"});
  const Edge *SA = find(R.G, "foo.s", "foo.a");
  const Edge *BA = find(R.G, "foo.b", "foo.a");
  const Edge *SB = find(R.G, "foo.s", "foo.b");
  ASSERT_NE(SA, nullptr);
  ASSERT_NE(BA, nullptr);
  ASSERT_NE(SB, nullptr);
  EXPECT_EQ(chain(R.G, *SA), "f:22 > mid:19 > lock_it:18");
  EXPECT_EQ(chain(R.G, *BA), "f:24 > mid:19 > lock_it:18");
  EXPECT_EQ(chain(R.G, *SB), "f:23");
  std::vector<const Hop *> A = R.G.hopsOf(*SA), B = R.G.hopsOf(*BA);
  EXPECT_NE(A[0], B[0]);
  EXPECT_EQ(A[1], B[1]);
  EXPECT_EQ(A[2], B[2]);
  EXPECT_EQ(A[2]->Api, "mutex_lock");
  EXPECT_EQ(R.G.Witnesses.size(), 5u);
}

TEST(Link, WrapperThroughParameterIsInstantiatedPerCall) {
  Result R = link({"static void lock_it(struct mutex *m) { mutex_lock(m); }\n" // 17
                   "void f(struct foo *x) {\n"                                 // 18
                   "  spin_lock(&x->s);\n"                                     // 19
                   "  lock_it(&x->a);\n"                                       // 20
                   "}\n"});
  const Edge *E = find(R.G, "foo.s", "foo.a");
  ASSERT_NE(E, nullptr);
  EXPECT_EQ(E->Function, "f");
  EXPECT_EQ(E->HeldLine, 19u);
  EXPECT_EQ(chain(R.G, *E), "f:20 > lock_it:17");
  EXPECT_EQ(R.G.Edges.size(), 1u);
}

TEST(Link, LockHeldAcrossReturnAndReleasedByCallee) {
  Result R = link({"static void take(struct foo *x) { mutex_lock(&x->a); }\n"   // 17
                   "static void drop(struct foo *x) { mutex_unlock(&x->a); }\n" // 18
                   "void f(struct foo *x) {\n"                                   // 19
                   "  take(x);\n"                                                // 20
                   "  spin_lock(&x->s);\n"                                       // 21
                   "  spin_unlock(&x->s);\n"                                     // 22
                   "  drop(x);\n"                                                // 23
                   "  mutex_lock(&x->b);\n"                                      // 24
                   "}\n"});
  const Edge *E = find(R.G, "foo.a", "foo.s");
  ASSERT_NE(E, nullptr);
  EXPECT_EQ(E->HeldLine, 20u) << "held since the call that returned holding it";
  EXPECT_EQ(find(R.G, "foo.a", "foo.b"), nullptr) << "drop() released it";
}

TEST(Link, GotoLadderReleasesOnEveryPath) {
  Result R = link({"int f(struct foo *x, int c) {\n" // 17
                   "  int err = 0;\n"
                   "  mutex_lock(&x->a);\n"           // 19
                   "  if (c) { err = -1; goto out; }\n"
                   "  spin_lock(&x->s);\n"            // 21
                   "  spin_unlock(&x->s);\n"
                   "out:\n"
                   "  mutex_unlock(&x->a);\n"
                   "  mutex_lock(&x->b);\n"           // 25
                   "  mutex_unlock(&x->b);\n"
                   "  return err;\n"
                   "}\n"});
  ASSERT_NE(find(R.G, "foo.a", "foo.s"), nullptr);
  EXPECT_EQ(find(R.G, "foo.a", "foo.b"), nullptr);
  EXPECT_EQ(find(R.G, "foo.s", "foo.b"), nullptr);
}

TEST(Link, TrylockHoldsOnSuccessButAddsNoEdgeIntoIt) {
  Result R = link({"int f(struct foo *x) {\n"          // 17
                   "  spin_lock(&x->s);\n"              // 18
                   "  if (!mutex_trylock(&x->a)) {\n"   // 19
                   "    spin_unlock(&x->s);\n"
                   "    return -11;\n"
                   "  }\n"
                   "  mutex_lock(&x->b);\n"             // 23
                   "  return 0;\n"
                   "}\n"});
  EXPECT_EQ(find(R.G, "foo.s", "foo.a"), nullptr);
  const Edge *E = find(R.G, "foo.a", "foo.b");
  ASSERT_NE(E, nullptr);
  EXPECT_TRUE(E->HeldTry);
  EXPECT_EQ(E->HeldLine, 19u);
  EXPECT_NE(find(R.G, "foo.s", "foo.b"), nullptr);
}

TEST(Link, KillableLockOrdersLikeALockButIsHeldOnlyOnSuccess) {
  // mmap_write_lock_killable(): blocking, held when it returns 0.
  Result R = link({"int mutex_lock_killable(struct mutex *m);\n"   // 17
                   "static inline int lock_k(struct foo *x) {\n"  // 18
                   "  int ret = mutex_lock_killable(&x->a);\n"   // 19
                   "  return ret;\n"
                   "}\n"
                   "int f(struct foo *x) {\n"                      // 22
                   "  spin_lock(&x->s);\n"                         // 23
                   "  if (lock_k(x))\n"                            // 24
                   "    return -4;\n"
                   "  mutex_lock(&x->b);\n"                        // 26
                   "  return 0;\n"
                   "}\n"});
  const Edge *Into = find(R.G, "foo.s", "foo.a");
  ASSERT_NE(Into, nullptr) << "a killable lock waits: it is ordered";
  EXPECT_EQ(chain(R.G, *Into), "f:24 > lock_k:19");
  const Edge *From = find(R.G, "foo.a", "foo.b");
  ASSERT_NE(From, nullptr);
  EXPECT_EQ(From->HeldLine, 24u);
  EXPECT_FALSE(From->HeldTry);
}

TEST(Link, LockThatReturnedAnErrorCodeIsNotHeld) {
  // drivers/dma-buf/dma-resv.c: `ret = dma_resv_lock(obj, &ctx); if (ret
  // == -EDEADLK) dma_resv_lock_slow(obj, &ctx);` ww_mutex_lock() returns
  // 0 when it took the lock: equal to -EDEADLK, it did not, and the slow
  // path is no self-deadlock (also drm_mode_config.c, where ret is
  // assigned many times). Unequal says nothing: the lock may be held.
  Result R = link({"int mutex_lock_killable(struct mutex *m);\n"     // 17
                   "void prime(struct foo *x) {\n"                    // 18
                   "  int ret = mutex_lock_killable(&x->a);\n"        // 19
                   "  if (ret == -35)\n"
                   "    mutex_lock(&x->a);\n"                         // 21
                   "  mutex_lock(&x->b);\n"                           // 22
                   "}\n"
                   "void other(struct foo *x) {\n"                    // 24
                   "  int ret = mutex_lock_killable(&x->b);\n"        // 25
                   "  if (-35 != ret)\n"
                   "    mutex_lock(&x->b);\n"                         // 27
                   "}\n"
                   "struct mutex gm;\n"
                   "void init(struct foo *x) {\n"                     // 30
                   "  int ret = mutex_lock_killable(&x->b);\n"
                   "  if (ret == -35)\n"
                   "    ret = 0;\n"
                   "  ret = mutex_lock_killable(&gm);\n"
                   "  if (ret == -35)\n"
                   "    mutex_lock(&gm);\n"                           // 36
                   "}\n"});
  EXPECT_EQ(find(R.G, "foo.a", "foo.a"), nullptr);
  EXPECT_EQ(find(R.G, "gm", "gm"), nullptr)
      << "ret is assigned many times, last by the lock the test follows";
  const Edge *AB = find(R.G, "foo.a", "foo.b");
  ASSERT_NE(AB, nullptr);
  EXPECT_EQ(AB->Function, "prime");
  EXPECT_EQ(AB->HeldLine, 19u) << "the first lock, where it succeeded";
  EXPECT_EQ(chain(R.G, *AB), "prime:22");
  const Edge *BB = find(R.G, "foo.b", "foo.b");
  ASSERT_NE(BB, nullptr);
  EXPECT_EQ(BB->Function, "other");
  EXPECT_EQ(chain(R.G, *BB), "other:27");
  ASSERT_TRUE(onlySelfDeadlock(R, "foo.b"));
}

TEST(Link, UserCopyIsMmapLockUnlessPagefaultsDisabled) {
  Result R = link({"void w(struct foo *x, void *u) {\n" // 17
                   "  mutex_lock(&x->a);\n"             // 18
                   "  copy_from_user(0, u, 1);\n"       // 19
                   "  pagefault_disable();\n"
                   "  mutex_lock(&x->b);\n"             // 21
                   "  copy_from_user(0, u, 1);\n"       // 22
                   "  pagefault_enable();\n"
                   "}\n"});
  const Edge *E = find(R.G, "foo.a", "mm_struct.mmap_lock");
  ASSERT_NE(E, nullptr);
  EXPECT_EQ(chain(R.G, *E), "w:19");
  EXPECT_EQ(E->AcquiredMode, rules::Mode::Shared);
  EXPECT_EQ(find(R.G, "foo.b", "mm_struct.mmap_lock"), nullptr);
  EXPECT_EQ(find(R.G, "pagefault_disabled", "foo.b"), nullptr)
      << "contexts make no edges";
}

TEST(Link, IndirectCallThroughOpsTableAcrossTUs) {
  Result R = link({"struct ops { void (*run)(struct foo *); };\n"        // 17
                   "void caller(struct foo *x, const struct ops *o) {\n" // 18
                   "  mutex_lock(&x->a);\n"                              // 19
                   "  o->run(x);\n"                                      // 20
                   "  mutex_unlock(&x->a);\n"
                   "}\n",
                   "struct ops { void (*run)(struct foo *); };\n"   // 17
                   "static void impl(struct foo *x) {\n"           // 18
                   "  spin_lock(&x->s);\n"                         // 19
                   "}\n"
                   "const struct ops my_ops = { .run = impl };\n"});
  const Edge *E = find(R.G, "foo.a", "foo.s");
  ASSERT_NE(E, nullptr);
  EXPECT_EQ(chain(R.G, *E), "caller:20 > impl:19 via ops.run");
}

TEST(Link, StrongDefinitionReplacesAWeakOneWhicheverLoadsFirst) {
  // kernel/sys_ni.c's __weak stub of a syscall, kernel/sched/idle.c's
  // generic arch_cpu_idle(): the build's other definition is the one run.
  const char *Weak = "__attribute__((weak)) void hook(struct foo *x) {\n" // 17
                     "  mutex_lock(&x->b);\n"                             // 18
                     "}\n";
  const char *Strong = "void hook(struct foo *x) {\n" // 17
                       "  spin_lock(&x->s);\n"        // 18
                       "}\n";
  const char *Caller = "void hook(struct foo *x);\n"    // 17
                       "void caller(struct foo *x) {\n" // 18
                       "  mutex_lock(&x->a);\n"         // 19
                       "  hook(x);\n"                   // 20
                       "}\n";
  for (bool WeakFirst : {true, false}) {
    Result R =
        WeakFirst ? link({Weak, Strong, Caller}) : link({Strong, Weak, Caller});
    const Edge *E = find(R.G, "foo.a", "foo.s");
    ASSERT_NE(E, nullptr) << WeakFirst;
    EXPECT_EQ(chain(R.G, *E), "caller:20 > hook:18");
    EXPECT_EQ(R.G.hopsOf(*E).back()->File, WeakFirst ? "tu1.c" : "tu0.c");
    EXPECT_EQ(find(R.G, "foo.a", "foo.b"), nullptr) << WeakFirst;
  }
  // Two weak definitions and no strong one: the first, as before.
  Result R = link({Weak, std::string(Weak) + "// other\n", Caller});
  const Edge *E = find(R.G, "foo.a", "foo.b");
  ASSERT_NE(E, nullptr);
  EXPECT_EQ(R.G.hopsOf(*E).back()->File, "tu0.c");
}

TEST(Link, ChainsThroughMoreThanTwoOpsCallsAreCut) {
  Result R = link({"struct ops { void (*f)(struct foo *); };\n"
                   "extern const struct ops *o1, *o2, *o3;\n"
                   "static void leaf(struct foo *x) { spin_lock(&x->s); }\n"
                   "static void l3(struct foo *x) { mutex_lock(&x->b); o3->f(x); }\n"
                   "static void l2(struct foo *x) { o2->f(x); }\n"
                   "const struct ops t3 = { .f = leaf };\n"
                   "struct ops2 { void (*g)(struct foo *); };\n"
                   "struct ops3 { void (*h)(struct foo *); };\n"
                   "extern const struct ops2 *p2; extern const struct ops3 *p3;\n"
                   "static void m2(struct foo *x) { p3->h(x); }\n"
                   "static void m1(struct foo *x) { p2->g(x); }\n"
                   "const struct ops2 t2 = { .g = m2 };\n"
                   "const struct ops3 t4 = { .h = l3 };\n"
                   "void top(struct foo *x, const struct ops *o) {\n"
                   "  mutex_lock(&x->a);\n"
                   "  m1(x);\n"
                   "}\n"});
  // top -> m1 -[ops2.g]-> m2 -[ops3.h]-> l3: foo.b is two ops calls deep;
  // l3 -[ops.f]-> leaf: foo.s would be the third.
  EXPECT_NE(find(R.G, "foo.a", "foo.b"), nullptr);
  EXPECT_NE(find(R.G, "foo.b", "foo.s"), nullptr) << "one ops call from l3";
  EXPECT_EQ(find(R.G, "foo.a", "foo.s"), nullptr);
  EXPECT_GE(R.G.Stats.CutIndirect, 1u);
}

TEST(Link, RecursionReachesFixpoint) {
  Result R = link({"void h(struct foo *x, int n);\n"                        // 17
                   "void g(struct foo *x, int n) { if (n) h(x, n - 1); }\n" // 18
                   "void h(struct foo *x, int n) {\n"                       // 19
                   "  g(x, n);\n"                                           // 20
                   "  mutex_lock(&x->b);\n"                                 // 21
                   "  mutex_unlock(&x->b);\n"
                   "}\n"
                   "void top(struct foo *x) {\n"                            // 24
                   "  mutex_lock(&x->a);\n"                                 // 25
                   "  g(x, 3);\n"                                           // 26
                   "}\n"
                   "void other(struct foo *x) {\n"
                   "  mutex_lock(&x->b);\n"
                   "  mutex_lock(&x->a);\n"
                   "}\n"});
  const Edge *E = find(R.G, "foo.a", "foo.b");
  ASSERT_NE(E, nullptr);
  EXPECT_EQ(chain(R.G, *E), "top:26 > g:18 > h:21");
  ASSERT_EQ(R.Fs.size(), 1u);
  EXPECT_EQ(R.Fs[0].Kind, FindingKind::Inversion);
  EXPECT_EQ(R.Fs[0].Locks, (std::vector<std::string>{"foo.a", "foo.b"}));
}

TEST(Link, AFixpointRecordsEachAcquisitionOnce) {
  // r() takes 100 classes (lines 19 to 118) and calls itself: each pass of
  // the fixpoint finds the same 100 acquisitions again, which must land on
  // the entries of the pass before (the summary's index is rebuilt for
  // each pass). Appended instead, they would never stop changing and pass
  // the 2,048 a summary keeps.
  std::string Code = "struct big {";
  for (int I = 0; I < 100; ++I)
    Code += " struct mutex m" + std::to_string(I) + ";";
  Code += " };\nvoid r(struct big *b, int n) {\n";
  for (int I = 0; I < 100; ++I)
    Code += "  mutex_lock(&b->m" + std::to_string(I) + "); mutex_unlock(&b->m" +
            std::to_string(I) + ");\n";
  Code += "  if (n)\n"         // 119
          "    r(b, n - 1);\n" // 120
          "}\n"
          "void top(struct big *b, struct foo *x) {\n" // 122
          "  mutex_lock(&x->a);\n"                     // 123
          "  r(b, 2);\n"                               // 124
          "}\n"
          // The same for an edge from a parameter's lock: w() records it
          // again on each pass, and top2() instantiates it.
          "void w(struct mutex *m, struct foo *x, int n) {\n" // 126
          "  mutex_lock(m);\n"                                // 127
          "  mutex_lock(&x->b);\n"                            // 128
          "  mutex_unlock(&x->b);\n"
          "  mutex_unlock(m);\n"
          "  if (n)\n"
          "    w(m, x, n - 1);\n"
          "}\n"
          "void top2(struct foo *x) { w(&x->a, x, 1); }\n"; // 134
  Result R = link({Code});
  EXPECT_EQ(R.G.Stats.TruncatedSummaries, 0u);
  EXPECT_EQ(R.G.Stats.UnconvergedSccs, 0u);
  const Edge *E = find(R.G, "foo.a", "big.m99");
  ASSERT_NE(E, nullptr);
  EXPECT_EQ(chain(R.G, *E), "top:124 > r:118");
  const Edge *AB = find(R.G, "foo.a", "foo.b");
  ASSERT_NE(AB, nullptr);
  EXPECT_EQ(AB->Function, "w");
  EXPECT_EQ(AB->HeldLine, 127u);
  EXPECT_EQ(chain(R.G, *AB), "w:128");
  EXPECT_EQ(R.G.Edges.size(), 101u);
  EXPECT_TRUE(R.Fs.empty());
}

TEST(Link, AFixpointConvergesWhenAPassRecordsTwoDroppedLists) {
  // Two calls of g() on line 21, the first after f() dropped its caller's
  // foo.a, the second after it took it again: each pass over the recursive
  // f() records g()'s acquisition twice, with and without foo.a dropped.
  // Only what both drop counts, and the pass changes nothing once that is
  // recorded (misrouted_irq()'s and follower_update()'s cycles never
  // converged when the last recording replaced the earlier).
  Result R = link({"void g(struct foo *x) { mutex_lock(&x->b); "
                   "mutex_unlock(&x->b); }\n"                 // 17
                   "void f(struct foo *x, int n) {\n"         // 18
                   "  mutex_unlock(&x->a);\n"                 // 19
                   "  if (n)\n"                               // 20
                   "    { g(x); mutex_lock(&x->a); g(x); }\n" // 21
                   "  if (n > 1)\n"
                   "    f(x, n - 1);\n" // 23
                   "}\n"
                   "void top(struct foo *x) {\n" // 25
                   "  mutex_lock(&x->a);\n"      // 26
                   "  f(x, 3);\n"                // 27
                   "}\n"});
  EXPECT_EQ(R.G.Stats.UnconvergedSccs, 0u);
  const Edge *E = find(R.G, "foo.a", "foo.b");
  ASSERT_NE(E, nullptr);
  EXPECT_EQ(E->Function, "f");
  EXPECT_EQ(chain(R.G, *E), "f:21 > g:17");
}

TEST(Link, NestedSubclassIsNoSelfDeadlockButPlainReacquireIs) {
  Result R = link({"void ok(struct foo *x, struct foo *y) {\n"
                   "  mutex_lock(&x->a);\n"
                   "  mutex_lock_nested(&y->a, 1);\n"
                   "}\n"
                   "static void helper(struct foo *x) { spin_lock(&x->s); }\n"
                   "void bad(struct foo *x) {\n"
                   "  spin_lock(&x->s);\n"
                   "  helper(x);\n"
                   "}\n"});
  ASSERT_NE(find(R.G, "foo.a", "foo.a/1"), nullptr);
  ASSERT_TRUE(onlySelfDeadlock(R, "foo.s"));
  EXPECT_TRUE(R.G.Edges[R.Fs[0].Edges[0]].SameInstance);
}

TEST(Link, ReleaseAndRetakeOfCallersLockIsANoOp) {
  // fs/inode.c: __wait_on_freeing_inode() drops inode_hash_lock when the
  // caller holds it and takes it again; find_inode_fast() may loop on it.
  Result R = link({"static void wait_free(struct foo *x, int locked) {\n"      // 17
                   "  if (!x) return;\n"
                   "  if (locked) spin_unlock(&x->s);\n"
                   "  if (locked) spin_lock(&x->s);\n"
                   "}\n"
                   "static void find(struct foo *x, int locked) {\n"           // 22
                   "  while (x) wait_free(x, locked);\n"
                   "}\n"
                   "void get(struct foo *x) {\n"                               // 25
                   "  find(x, 0);\n"                                            // 26
                   "  mutex_lock(&x->a);\n"                                     // 27
                   "  mutex_unlock(&x->a);\n"
                   "  spin_lock(&x->s);\n"                                      // 29
                   "  find(x, 1);\n"
                   "  mutex_lock(&x->b);\n"                                     // 31
                   "}\n"});
  EXPECT_EQ(find(R.G, "foo.s", "foo.a"), nullptr)
      << "find() does not return holding a lock it only may take";
  const Edge *E = find(R.G, "foo.s", "foo.b");
  ASSERT_NE(E, nullptr) << "find() gives the caller's lock back";
  EXPECT_EQ(E->HeldLine, 29u);
}

TEST(Link, ConditionalLockIsNotReturnedHeld) {
  Result R = link({"static void maybe(struct foo *x, int c) { if (c) mutex_lock(&x->a); }\n"
                   "void f(struct foo *x) {\n"
                   "  maybe(x, 0);\n"
                   "  mutex_lock(&x->b);\n"
                   "}\n"});
  EXPECT_EQ(find(R.G, "foo.a", "foo.b"), nullptr);
}

TEST(Link, IgnoredClassesAreNoLocks) {
  Result R = link({"struct lockdep_map { int x; };\n"
                   "extern struct lockdep_map rcu_lock_map, other_map;\n"
                   "void lock_acquire(struct lockdep_map *l, int s, int t, int r, int c, void *n, unsigned long ip);\n"
                   "void lock_release(struct lockdep_map *l, unsigned long ip);\n"
                   "void f(struct foo *x) {\n"
                   "  lock_acquire(&rcu_lock_map, 0, 0, 2, 0, 0, 0);\n"
                   "  lock_acquire(&other_map, 0, 0, 2, 0, 0, 0);\n"
                   "  mutex_lock(&x->a);\n"
                   "}\n"});
  EXPECT_EQ(find(R.G, "rcu_lock_map", "foo.a"), nullptr);
  const Edge *E = find(R.G, "other_map", "foo.a");
  ASSERT_NE(E, nullptr);
  EXPECT_EQ(E->HeldMode, rules::Mode::RecursiveRead);
}

TEST(Link, UnlockReleasesTheInstanceItNames) {
  // Two inodes' locks of one class: unlocking b keeps a held.
  Result R = link({"void f(struct foo *a, struct foo *b) {\n" // 17
                   "  mutex_lock(&a->a);\n"                   // 18
                   "  mutex_lock_nested(&b->a, 1);\n"         // 19
                   "  mutex_unlock(&b->a);\n"
                   "  spin_lock(&a->s);\n"                    // 21
                   "}\n"});
  const Edge *E = find(R.G, "foo.a", "foo.s");
  ASSERT_NE(E, nullptr);
  EXPECT_EQ(E->HeldLine, 18u);
}

TEST(Link, CallsThroughLocalPointersAreCountedUnresolved) {
  Result R = link({"void f(struct foo *x, void (*cb)(struct foo *)) {\n"
                   "  mutex_lock(&x->a);\n"
                   "  cb(x);\n"
                   "}\n"});
  EXPECT_EQ(R.G.Stats.IndirectCalls, 1u);
  EXPECT_EQ(R.G.Stats.UnresolvedIndirectCalls, 1u);
}

TEST(Link, FsReclaimOnlyForAllocationsThatMayReclaim) {
  // might_alloc(gfp) -> fs_reclaim_acquire(gfp): GFP_KERNEL (0xcc0)
  // reclaims, GFP_NOFS (0xc40) and GFP_ATOMIC (0x820) do not take
  // fs_reclaim; the mask is decided where the constant is passed.
  Result R = link({"void fs_reclaim_acquire(unsigned gfp);\n"
                   "static inline void might_alloc(unsigned gfp) { fs_reclaim_acquire(gfp); }\n"
                   "static void *my_alloc(unsigned long size, unsigned gfp) { might_alloc(gfp); return 0; }\n"
                   "void f(struct foo *x) {\n"
                   "  mutex_lock(&x->a);\n"
                   "  my_alloc(8, 0xcc0);\n"
                   "}\n"
                   "void g(struct foo *x) {\n"
                   "  mutex_lock(&x->b);\n"
                   "  my_alloc(8, 0xc40);\n"
                   "  spin_lock(&x->s);\n"
                   "  my_alloc(8, 0x820);\n"
                   "}\n"});
  const Edge *E = find(R.G, "foo.a", "fs_reclaim");
  ASSERT_NE(E, nullptr);
  EXPECT_EQ(chain(R.G, *E), "f:22 > my_alloc:19 > might_alloc:18");
  EXPECT_EQ(find(R.G, "foo.b", "fs_reclaim"), nullptr);
  EXPECT_EQ(find(R.G, "foo.s", "fs_reclaim"), nullptr);
}

TEST(Link, NoEdgeFromACallersLockTheCalleeDroppedFirst) {
  // kernel/exit.c: wait_task_zombie() is called with tasklist_lock held,
  // drops it, then release_task() takes other locks.
  Result R = link({"static void reap(struct foo *x) {\n"  // 17
                   "  spin_unlock(&x->s);\n"              // 18
                   "  mutex_lock(&x->a);\n"               // 19
                   "  mutex_unlock(&x->a);\n"
                   "  spin_lock(&x->s);\n"                // 21
                   "  mutex_lock(&x->b);\n"               // 22
                   "  mutex_unlock(&x->b);\n"
                   "}\n"
                   "void wait(struct foo *x) {\n"         // 25
                   "  spin_lock(&x->s);\n"                // 26
                   "  reap(x);\n"                         // 27
                   "  spin_unlock(&x->s);\n"
                   "}\n"});
  EXPECT_EQ(find(R.G, "foo.s", "foo.a"), nullptr)
      << "reap() took foo.a after dropping the caller's foo.s";
  const Edge *E = find(R.G, "foo.s", "foo.b");
  ASSERT_NE(E, nullptr) << "foo.b is taken after reap() took foo.s again";
  EXPECT_EQ(chain(R.G, *E), "reap:22");
}

TEST(Link, CallersLockTakenAgainAndDroppedAgainIsNotHeld) {
  // fs/jbd2/checkpoint.c: __jbd2_log_wait_for_space() is called with
  // j_state_lock held. Each step of its loop drops it, takes it again for
  // a check, drops it again around checkpointing and takes it back. The
  // second unlock drops the caller's lock as much as the first did.
  Result R = link({"static void wait_space(struct foo *x, int n) {\n" // 17
                   "  while (n--) {\n"
                   "    spin_unlock(&x->s);\n"                       // 19
                   "    mutex_lock(&x->a);\n"                        // 20
                   "    spin_lock(&x->s);\n"                         // 21
                   "    mutex_lock(&x->b);\n"                        // 22
                   "    mutex_unlock(&x->b);\n"
                   "    if (n == 2) {\n"
                   "      mutex_unlock(&x->a);\n"
                   "      continue;\n"
                   "    }\n"
                   "    spin_unlock(&x->s);\n"                       // 28
                   "    mutex_unlock(&x->a);\n"
                   "    spin_lock(&x->s);\n"                         // 30
                   "  }\n"
                   "}\n"
                   "void add_credits(struct foo *x) {\n"             // 33
                   "  spin_lock(&x->s);\n"                           // 34
                   "  wait_space(x, 3);\n"                           // 35
                   "  spin_unlock(&x->s);\n"
                   "}\n"});
  EXPECT_EQ(find(R.G, "foo.s", "foo.s"), nullptr)
      << "line 30 follows the unlock at line 28";
  const Edge *SB = find(R.G, "foo.s", "foo.b");
  ASSERT_NE(SB, nullptr) << "the lock taken again is held";
  EXPECT_EQ(SB->Function, "wait_space");
  EXPECT_EQ(SB->HeldLine, 21u);
  const Edge *AS = find(R.G, "foo.a", "foo.s");
  ASSERT_NE(AS, nullptr);
  EXPECT_EQ(AS->HeldLine, 20u);
  EXPECT_TRUE(R.Fs.empty());
}

TEST(Link, UnlockAndRelockUnderOneParameterValueIsNoSelfDeadlock) {
  // fs/inode.c: __wait_on_freeing_inode(inode, is_inode_hash_locked) does
  // `if (is_inode_hash_locked) spin_unlock(&inode_hash_lock);`, sleeps,
  // then `if (is_inode_hash_locked) spin_lock(&inode_hash_lock);`;
  // inode_insert5() holds the lock and passes true through find_inode().
  // Under another parameter the relock is a self-deadlock.
  Result R = link({"static void wait_free(struct foo *x, int locked) {\n" // 17
                   "  if (locked)\n"
                   "    spin_unlock(&x->s);\n"                          // 19
                   "  mutex_lock(&x->b);\n"                             // 20
                   "  mutex_unlock(&x->b);\n"
                   "  if (locked)\n"
                   "    spin_lock(&x->s);\n"                            // 23
                   "}\n"
                   "static void find(struct foo *x, int locked) {\n"    // 25
                   "  wait_free(x, locked);\n"
                   "}\n"
                   "void insert(struct foo *x) {\n"                     // 28
                   "  spin_lock(&x->s);\n"                              // 29
                   "  find(x, 1);\n"                                    // 30
                   "  spin_unlock(&x->s);\n"
                   "}\n"
                   "static void relock(struct foo *x, int locked, int again) {\n" // 33
                   "  if (locked)\n"
                   "    mutex_unlock(&x->a);\n"
                   "  if (again)\n"
                   "    mutex_lock(&x->a);\n"                           // 37
                   "}\n"
                   "void other(struct foo *x) {\n"                      // 39
                   "  mutex_lock(&x->a);\n"                             // 40
                   "  relock(x, 0, 1);\n"                               // 41
                   "  mutex_unlock(&x->a);\n"
                   "}\n"});
  EXPECT_EQ(find(R.G, "foo.s", "foo.s"), nullptr);
  const Edge *AA = find(R.G, "foo.a", "foo.a");
  ASSERT_NE(AA, nullptr);
  EXPECT_EQ(AA->Function, "other");
  EXPECT_EQ(AA->HeldLine, 40u);
  EXPECT_EQ(chain(R.G, *AA), "other:41 > relock:37");
  ASSERT_TRUE(onlySelfDeadlock(R, "foo.a"));
}

TEST(Link, CorrelatedBranchesOnALocalMakeNoSelfDeadlock) {
  // drivers/usb/host/ohci-hub.c: ohci_rh_resume() is called with
  // ohci->lock held, copies `autostopped = ohci->autostop`, drops the lock
  // only `if (!autostopped)` and takes it back under the same test: no
  // self-deadlock. Once the variable is assigned again between the tests,
  // the relock may follow no unlock.
  Result R = link({"struct hc { spinlock_t lock; int autostop; };\n"    // 17
                   "int status(void);\n"
                   "static void resume(struct hc *h, struct foo *x) {\n" // 19
                   "  int stopped = h->autostop;\n"
                   "  if (stopped)\n"
                   "    goto skip;\n"
                   "  spin_unlock(&h->lock);\n"                         // 23
                   "  mutex_lock(&x->a);\n"                             // 24
                   "  mutex_unlock(&x->a);\n"
                   "skip:\n"
                   "  mutex_lock(&x->b);\n"                             // 27
                   "  mutex_unlock(&x->b);\n"
                   "  if (!stopped)\n"
                   "    spin_lock(&h->lock);\n"                         // 30
                   "}\n"
                   "void irq(struct hc *h, struct foo *x) {\n"          // 32
                   "  spin_lock(&h->lock);\n"                           // 33
                   "  resume(h, x);\n"                                  // 34
                   "  spin_unlock(&h->lock);\n"
                   "}\n"
                   "static void again(struct hc *h) {\n"                // 37
                   "  int stopped = h->autostop;\n"
                   "  if (stopped)\n"
                   "    goto skip;\n"
                   "  spin_unlock(&h->lock);\n"
                   "skip:\n"
                   "  stopped = status();\n"
                   "  if (!stopped)\n"
                   "    spin_lock(&h->lock);\n"                         // 45
                   "}\n"
                   "void irq2(struct hc *h) {\n"                        // 47
                   "  spin_lock(&h->lock);\n"                           // 48
                   "  again(h);\n"                                      // 49
                   "  spin_unlock(&h->lock);\n"
                   "}\n"});
  EXPECT_EQ(find(R.G, "hc.lock", "foo.a"), nullptr)
      << "foo.a is taken after the unlock at line 23";
  const Edge *HB = find(R.G, "hc.lock", "foo.b");
  ASSERT_NE(HB, nullptr) << "when stopped, irq() still holds the lock";
  EXPECT_EQ(HB->Function, "irq");
  EXPECT_EQ(chain(R.G, *HB), "irq:34 > resume:27");
  const Edge *HH = find(R.G, "hc.lock", "hc.lock");
  ASSERT_NE(HH, nullptr);
  EXPECT_EQ(HH->Function, "irq2");
  EXPECT_EQ(HH->HeldLine, 48u);
  EXPECT_EQ(chain(R.G, *HH), "irq2:49 > again:45");
  ASSERT_TRUE(onlySelfDeadlock(R, "hc.lock"));
}

TEST(Link, DropUnderAVariableIsNotCrowdedOutByCalleeReleases) {
  // ohci_rh_resume() calls msleep() between `if (!autostopped)` and the
  // relock. In the large SCC msleep() may release hundreds of classes,
  // the caller's among them: that must not replace the drop under the
  // variable's value, nor push it past the MaxDropped kept.
  Result R = link({"struct hc { spinlock_t lock; int autostop; };\n"    // 17
                   "int status(void);\n"
                   "static void sleepy(struct hc *h, struct foo *x) {\n" // 19
                   "  if (status()) {\n"
                   "    spin_unlock(&x->s);\n"
                   "    mutex_unlock(&x->a);\n"
                   "    mutex_unlock(&x->b);\n"
                   "    up_read(&x->sem);\n"
                   "    spin_unlock(&h->lock);\n"
                   "  }\n"
                   "}\n"
                   "static void resume(struct hc *h, struct foo *x) {\n" // 28
                   "  int stopped = h->autostop;\n"
                   "  if (!stopped)\n"
                   "    spin_unlock(&h->lock);\n"                       // 31
                   "  if (!stopped) {\n"
                   "    sleepy(h, x);\n"                                 // 33
                   "    spin_lock(&h->lock);\n"                         // 34
                   "  }\n"
                   "}\n"
                   "void irq(struct hc *h, struct foo *x) {\n"          // 37
                   "  spin_lock(&h->lock);\n"                           // 38
                   "  resume(h, x);\n"                                  // 39
                   "  spin_unlock(&h->lock);\n"
                   "}\n"});
  EXPECT_EQ(find(R.G, "hc.lock", "hc.lock"), nullptr)
      << "line 34 follows the unlock at line 31 under the same value";
  EXPECT_TRUE(R.Fs.empty());
}

TEST(Link, ReleaseUnderAParameterValueIsCertainForACallerPassingIt) {
  // drivers/md/md.c: stop_sync_thread(mddev, locked) unlocks the caller's
  // reconfig_mutex on every path when locked is false (`if (!locked)
  // mddev_unlock()` on one, unlock and `if (locked)` relock on the
  // other). md_set_readonly() passes false and relocks: no self-deadlock
  // for its caller, even after callees that may release other classes.
  // Passing true, the relock follows no release.
  Result R = link({std::string(MayReleaseFour) +
                   "static void stop(struct foo *x, int locked) {\n"    // 27
                   "  if (!status()) {\n"
                   "    if (!locked)\n"
                   "      mutex_unlock(&x->a);\n"
                   "    return;\n"
                   "  }\n"
                   "  mutex_unlock(&x->a);\n"
                   "  if (locked)\n"
                   "    mutex_lock(&x->a);\n"                           // 35
                   "}\n"
                   "static void readonly(struct foo *x, struct hc *h) {\n" // 37
                   "  junk(x, h);\n"
                   "  stop(x, 0);\n"
                   "  mutex_lock(&x->a);\n"                             // 40
                   "}\n"
                   "static void keep(struct foo *x, struct hc *h) {\n"   // 42
                   "  junk(x, h);\n"
                   "  stop(x, 1);\n"
                   "  mutex_lock(&x->a);\n"                             // 45
                   "}\n"
                   "void ioctl(struct foo *x, struct hc *h) {\n"         // 47
                   "  mutex_lock(&x->a);\n"                             // 48
                   "  readonly(x, h);\n"                                // 49
                   "}\n"
                   "void ioctl2(struct foo *x, struct hc *h) {\n"        // 51
                   "  mutex_lock(&x->a);\n"                             // 52
                   "  keep(x, h);\n"                                    // 53
                   "}\n"});
  const Edge *AA = find(R.G, "foo.a", "foo.a");
  ASSERT_NE(AA, nullptr);
  EXPECT_EQ(AA->Function, "ioctl2");
  EXPECT_EQ(AA->HeldLine, 52u);
  EXPECT_EQ(chain(R.G, *AA), "ioctl2:53 > keep:45");
  ASSERT_TRUE(onlySelfDeadlock(R, "foo.a"));
}

TEST(Link, CalleeReleasesUnderAValueDoNotCrowdOutOwnUnlocks) {
  // kernel/signal.c: ptrace_stop() unlocks the caller's siglock, calls
  // into the large SCC with constant arguments, and locks it again. What
  // callees may release on the paths of one argument value is no unlock
  // of theirs: applied as certain, it pushed ptrace_stop()'s own unlock
  // out of the dropped-lock list.
  Result R = link({std::string(MayReleaseFour) +
                   "static void notify(struct foo *x, struct hc *h, int f) {\n" // 27
                   "  if (f)\n"
                   "    junk(x, h);\n"
                   "}\n"
                   "static void stop(struct foo *x, struct hc *h) {\n"   // 31
                   "  mutex_unlock(&x->a);\n"
                   "  notify(x, h, 1);\n"
                   "  mutex_lock(&x->a);\n"                             // 34
                   "}\n"
                   "void notify_stop(struct foo *x, struct hc *h) {\n"   // 36
                   "  mutex_lock(&x->a);\n"
                   "  stop(x, h);\n"
                   "  mutex_unlock(&x->a);\n"
                   "}\n"});
  EXPECT_EQ(find(R.G, "foo.a", "foo.a"), nullptr)
      << "line 34 follows stop()'s own unlock at line 32";
  EXPECT_TRUE(R.Fs.empty());
}

TEST(Link, ConstantArgumentDecidesTheArmsOfASwitch) {
  // net/ipv6/addrconf.c: manage_tempaddrs() holds idev->lock and calls
  // ipv6_ifa_notify(0, ift); only `case RTM_DELADDR:` of
  // __ipv6_ifa_notify()'s `switch (event)` takes the lock again. A caller
  // passing RTM_DELADDR gets the acquisition.
  Result R = link({"static void notify(struct foo *x, int event) {\n" // 17
                   "  switch (event) {\n"
                   "  case 21:\n"
                   "    mutex_lock(&x->a);\n"                          // 20
                   "    mutex_unlock(&x->a);\n"
                   "    break;\n"
                   "  case 0:\n"
                   "  default:\n"
                   "    mutex_lock(&x->b);\n"                          // 25
                   "    mutex_unlock(&x->b);\n"
                   "  }\n"
                   "}\n"
                   "void manage(struct foo *x) {\n"                    // 29
                   "  mutex_lock(&x->a);\n"                            // 30
                   "  notify(x, 0);\n"                                 // 31
                   "  mutex_unlock(&x->a);\n"
                   "}\n"
                   "void del(struct foo *x) {\n"                       // 34
                   "  spin_lock(&x->s);\n"                             // 35
                   "  notify(x, 21);\n"                                // 36
                   "  spin_unlock(&x->s);\n"
                   "}\n"});
  EXPECT_EQ(find(R.G, "foo.a", "foo.a"), nullptr);
  const Edge *AB = find(R.G, "foo.a", "foo.b");
  ASSERT_NE(AB, nullptr) << "the default arm is taken for 0";
  EXPECT_EQ(chain(R.G, *AB), "manage:31 > notify:25");
  const Edge *SA = find(R.G, "foo.s", "foo.a");
  ASSERT_NE(SA, nullptr);
  EXPECT_EQ(SA->Function, "del");
  EXPECT_EQ(SA->HeldLine, 35u);
  EXPECT_EQ(chain(R.G, *SA), "del:36 > notify:20");
  EXPECT_TRUE(R.Fs.empty());
}

TEST(Link, OpaqueFunctionsAreNotFollowed) {
  // rules/kernel/lockdep.yaml makes panic() opaque: it never returns and
  // turns lockdep off before it takes anything.
  const char *Code = "struct foo g;\n"                  // 17
                     "void panic(const char *m) {\n"    // 18
                     "  mutex_lock(&g.b);\n"            // 19
                     "  mutex_unlock(&g.b);\n"
                     "}\n"
                     "void warn(struct foo *x) {\n"     // 22
                     "  mutex_lock(&x->a);\n"           // 23
                     "  panic(\"x\");\n"                // 24
                     "  mutex_unlock(&x->a);\n"
                     "}\n";
  Result Followed = link({Code});
  const Edge *E = find(Followed.G, "foo.a", "foo.b");
  ASSERT_NE(E, nullptr);
  EXPECT_EQ(chain(Followed.G, *E), "warn:24 > panic:19");
  rules::RuleSet R = testRules();
  R.Opaque.insert("panic");
  Result Opaque = link({Code}, R);
  EXPECT_EQ(find(Opaque.G, "foo.a", "foo.b"), nullptr);
  EXPECT_EQ(Opaque.G.Edges.size(), 0u);
}

TEST(Link, LoopReleasesBeforeNextIteration) {
  Result R = link({"void f(struct foo *x, int n) {\n"
                   "  for (int i = 0; i < n; i++) {\n"
                   "    mutex_lock(&x->a);\n"
                   "    mutex_unlock(&x->a);\n"
                   "  }\n"
                   "  mutex_lock(&x->b);\n"
                   "}\n"});
  EXPECT_TRUE(R.G.Edges.empty());
}

TEST(Link, FlagGuardedRelockIsNoSelfDeadlockButItsEdgesStay) {
  // __mm_populate(): `if (!locked) { locked = 1; mmap_read_lock(mm); }` in a
  // loop whose body may drop the lock. The lock is held on some paths to
  // the re-acquisition only, which is no self-deadlock; an edge from a lock
  // held on some paths is kept, marked as such.
  Result R = link({"int cond(void);\n"
                   "void populate(struct foo *x, int n) {\n" // line 18
                   "  int locked = 0;\n"
                   "  for (int i = 0; i < n; i++) {\n"
                   "    if (!locked) {\n"
                   "      locked = 1;\n"
                   "      mutex_lock(&x->a);\n" // 23
                   "    }\n"
                   "    if (cond()) {\n"
                   "      mutex_unlock(&x->a);\n"
                   "      locked = 0;\n"
                   "    }\n"
                   "    mutex_lock(&x->b);\n" // 29
                   "    mutex_unlock(&x->b);\n"
                   "  }\n"
                   "  if (locked)\n"
                   "    mutex_unlock(&x->a);\n"
                   "}\n"
                   "void twice(struct foo *x) {\n" // 35
                   "  mutex_lock(&x->b);\n"
                   "  mutex_lock(&x->b);\n"
                   "}\n"});
  const Edge *AA = find(R.G, "foo.a", "foo.a");
  ASSERT_NE(AA, nullptr);
  EXPECT_FALSE(AA->HeldMust);
  const Edge *AB = find(R.G, "foo.a", "foo.b");
  ASSERT_NE(AB, nullptr);
  EXPECT_FALSE(AB->HeldMust) << "the loop's back edge arrives unlocked";
  EXPECT_EQ(AB->HeldLine, 23u);
  EXPECT_EQ(chain(R.G, *AB), "populate:29");
  const Edge *BB = find(R.G, "foo.b", "foo.b");
  ASSERT_NE(BB, nullptr);
  EXPECT_TRUE(BB->HeldMust);
  ASSERT_TRUE(onlySelfDeadlock(R, "foo.b"));
  EXPECT_EQ(R.G.hopsOf(R.G.Edges[R.Fs[0].Edges[0]]).back()->Line, 37u);
}

TEST(Link, LargeCallCycleIsAnalysedInRoundsNotToAFixpoint) {
  // 70 functions in one cycle, more than a fixpoint is run on (lines 17
  // to 86 declare them): f10 holds foo.a across its call of f11, and f50,
  // forty calls further, takes
  // foo.b. The rounds in callees-first order still find the edge.
  std::string Code;
  for (int I = 0; I < 70; ++I)
    Code += "void f" + std::to_string(I) + "(struct foo *x);\n";
  for (int I = 0; I < 70; ++I) {
    std::string Next = "f" + std::to_string((I + 1) % 70);
    Code += "void f" + std::to_string(I) + "(struct foo *x) {\n";
    if (I == 10)
      Code += "  mutex_lock(&x->a);\n  " + Next + "(x);\n  mutex_unlock(&x->a);\n";
    else if (I == 50)
      Code += "  mutex_lock(&x->b);\n  mutex_unlock(&x->b);\n  " + Next + "(x);\n";
    else
      Code += "  " + Next + "(x);\n";
    Code += "}\n";
  }
  Result R = link({Code});
  EXPECT_EQ(R.G.Stats.LargeSccs, 1u);
  EXPECT_EQ(R.G.Stats.LargestScc, 70u);
  const Edge *AB = find(R.G, "foo.a", "foo.b");
  ASSERT_NE(AB, nullptr);
  EXPECT_EQ(AB->Function, "f10");
  std::vector<const Hop *> Hops = R.G.hopsOf(*AB);
  EXPECT_EQ(Hops.size(), 41u) << chain(R.G, *AB);
  EXPECT_EQ(Hops.back()->Function, "f50");
  EXPECT_EQ(Hops.back()->Api, "mutex_lock");
}

TEST(Link, ALargeCycleKeepsOnlyTheLastRoundsGuardedEdges) {
  // 70 functions in one cycle, analysed in two rounds, f69 first and f0
  // last; each passes its b on. f5, under b, takes foo.s, calls f0(x, 0),
  // which may release it, and takes it again (get_init_console_seq()
  // around console_flush_all()). In the first round f0's summary is still
  // empty, so the retake looks like a self-deadlock under b, which waits
  // for the callers as a guarded edge. The last round knows better and
  // does not record it again: top(), outside the cycle, passes an unknown
  // b to f4 and must not make it.
  std::string Code = "int status(void);\n";
  for (int I = 0; I < 70; ++I)
    Code += "void f" + std::to_string(I) + "(struct foo *x, int b);\n";
  for (int I = 0; I < 70; ++I) {
    std::string Next = "f" + std::to_string((I + 1) % 70);
    Code += "void f" + std::to_string(I) + "(struct foo *x, int b) {\n";
    if (I == 0)
      Code += "  if (status()) spin_unlock(&x->s);\n";
    if (I == 5)
      Code += "  if (b) {\n    spin_lock(&x->s);\n    f0(x, 0);\n"
              "    spin_lock(&x->s);\n    spin_unlock(&x->s);\n  }\n";
    Code += "  " + Next + "(x, b);\n}\n";
  }
  Code += "void top(struct foo *x) { f4(x, status()); }\n";
  Result R = link({Code});
  EXPECT_EQ(R.G.Stats.LargestScc, 70u);
  for (const Edge &E : R.G.Edges)
    EXPECT_FALSE(E.Held == "foo.s" && E.Acquired == "foo.s" && E.HeldMust)
        << chain(R.G, E);
  EXPECT_TRUE(R.Fs.empty());
}

TEST(Link, SubclassComputedAtRunTimeIsNoSelfDeadlock) {
  // ep_loop_check_proc(): mutex_lock_nested(&ep->mtx, depth + 1) in a
  // recursion over different eventpolls. The subclass is unknown ("/?"):
  // no self-deadlock, while a constant subclass 0 re-taken still is one.
  Result R = link({"void walk(struct foo *x, int depth) {\n" // line 17
                   "  mutex_lock_nested(&x->a, depth + 1);\n"
                   "  walk(x, depth + 1);\n"
                   "  mutex_unlock(&x->a);\n"
                   "}\n"
                   "void twice(struct foo *x) {\n"
                   "  mutex_lock_nested(&x->b, 0);\n"
                   "  mutex_lock_nested(&x->b, 0);\n" // 24
                   "}\n"});
  const Edge *AA = find(R.G, "foo.a/?", "foo.a/?");
  ASSERT_NE(AA, nullptr);
  EXPECT_EQ(AA->Function, "walk");
  EXPECT_EQ(AA->HeldLine, 18u);
  ASSERT_TRUE(onlySelfDeadlock(R, "foo.b"));
  EXPECT_EQ(R.G.hopsOf(R.G.Edges[R.Fs[0].Edges[0]]).back()->Line, 24u);
}

TEST(Link, CalleesUncertainReleaseOfAnOwnLockKeepsItHeldOnSomePaths) {
  // junk() may release foo.b, which caller() took itself on every path:
  // acquisitions after the call are under foo.b on some paths, and
  // caller()'s own unlock pairs with its own lock, so caller() does not
  // pass on a release of its callers' foo.b.
  std::string Caller = std::string(MayReleaseFour) +
                       "void caller(struct foo *x, struct hc *h) {\n" // 27
                       "  mutex_lock(&x->b);\n"                       // 28
                       "  junk(x, h);\n"                              // 29
                       "  mutex_lock(&x->a);\n"                       // 30
                       "  mutex_unlock(&x->a);\n"                     // 31
                       "  mutex_unlock(&x->b);\n"                     // 32
                       "}\n";                                         // 33
  Result R = link({Caller});
  const Edge *E = find(R.G, "foo.b", "foo.a");
  ASSERT_NE(E, nullptr);
  EXPECT_EQ(chain(R.G, *E), "caller:30");
  EXPECT_EQ(E->HeldLine, 28u);
  EXPECT_FALSE(E->HeldMust);
  EXPECT_TRUE(R.Fs.empty());

  // One level up: top() still holds its foo.b after caller() returns.
  R = link({Caller +
            "void top(struct foo *x, struct foo *y, struct hc *h) {\n" // 34
            "  mutex_lock(&y->b);\n"                                   // 35
            "  caller(x, h);\n"                                        // 36
            "  spin_lock(&y->s);\n"                                    // 37
            "}\n"});
  E = find(R.G, "foo.b", "foo.s");
  ASSERT_NE(E, nullptr);
  EXPECT_EQ(chain(R.G, *E), "top:37");
  EXPECT_TRUE(E->HeldMust);
  // Taken twice, on every path: a self-deadlock through caller():28.
  EXPECT_TRUE(onlySelfDeadlock(R, "foo.b"));
}

TEST(Link, CalleeRetakingAMaybeReleasedLockIsNoSelfDeadlock) {
  // The pattern of a helper that may drop the caller's lock, then the
  // caller taking it again: held on some paths only when retaken.
  Result R = link({std::string(MayReleaseFour) +
                   "void caller(struct foo *x, struct hc *h) {\n" // 27
                   "  spin_lock(&x->s);\n"                        // 28
                   "  junk(x, h);\n"                              // 29
                   "  spin_lock(&x->s);\n"                        // 30
                   "  spin_lock(&h->lock);\n"                     // 31
                   "}\n"});
  const Edge *Self = find(R.G, "foo.s", "foo.s");
  ASSERT_NE(Self, nullptr);
  EXPECT_FALSE(Self->HeldMust);
  // After the retake the lock is held for certain.
  const Edge *E = find(R.G, "foo.s", "hc.lock");
  ASSERT_NE(E, nullptr);
  EXPECT_EQ(chain(R.G, *E), "caller:31");
  EXPECT_TRUE(E->HeldMust);
  EXPECT_TRUE(R.Fs.empty());

  // The same under a parameter's guard, as in get_init_console_seq(newcon,
  // bootcon_registered): `if (bootcon_registered)`, console_lock(),
  // console_flush_all() that may drop it, `if (handover) console_lock()`.
  // The retake's edges wait for the callers and stay held on some paths.
  R = link({std::string(MayReleaseFour) +
            "int seq(struct foo *x, struct hc *h, int boot) {\n" // 27
            "  if (boot) {\n"                                    // 28
            "    spin_lock(&x->s);\n"                            // 29
            "    junk(x, h);\n"                                  // 30
            "    spin_lock(&x->s);\n"                            // 31
            "    spin_unlock(&x->s);\n"                          // 32
            "  }\n"                                              // 33
            "  return 0;\n"                                      // 34
            "}\n"                                                // 35
            "void reg(struct foo *x, struct hc *h) {\n"          // 36
            "  seq(x, h, status());\n"                           // 37
            "}\n"});
  Self = find(R.G, "foo.s", "foo.s");
  ASSERT_NE(Self, nullptr);
  EXPECT_EQ(chain(R.G, *Self), "seq:31");
  EXPECT_FALSE(Self->HeldMust);
  EXPECT_TRUE(R.Fs.empty());
}

TEST(Link, AnEdgeGuardedByAParameterIsDecidedByTheCallers) {
  // gen6_ppgtt_pin(ppgtt, ww) holds dma_resv and calls i915_ggtt_pin(vma,
  // ww), which opens an acquire context only `if (!ww)`; in the kernel three
  // callers up, here two, `ww` is `&ww`. The edge is made in pin_all(), where `ww` is still a
  // parameter: it waits for the callers.
  std::string Code = "static void ggtt_pin(struct foo *x, void *ww) {\n" // 17
                     "  if (!ww) {\n"                                    // 18
                     "    mutex_lock(&x->b);\n"                          // 19
                     "    mutex_unlock(&x->b);\n"                        // 20
                     "  }\n"                                             // 21
                     "}\n"                                               // 22
                     "static void pin_all(struct foo *x, void *ww) {\n"  // 23
                     "  mutex_lock(&x->a);\n"                            // 24
                     "  ggtt_pin(x, ww);\n"                              // 25
                     "  mutex_unlock(&x->a);\n"                          // 26
                     "}\n"                                               // 27
                     "static void pre_pin(struct foo *x, void *ww) {\n"  // 28
                     "  pin_all(x, ww);\n"                               // 29
                     "}\n";                                              // 30
  Result Decided = link({Code + "void do_pin(struct foo *x) {\n"         // 31
                                "  int ww;\n"                            // 32
                                "  pre_pin(x, &ww);\n"                   // 33
                                "}\n"});
  EXPECT_EQ(find(Decided.G, "foo.a", "foo.b"), nullptr);
  // A NULL context, or one the caller cannot tell: the edge, witnessed
  // where the lock is held.
  for (const char *Arg : {"0", "p"}) {
    std::string Call = std::string("  pre_pin(x, ") + Arg + ");\n";
    Result R =
        link({Code + "void do_pin(struct foo *x, void *p) {\n" + Call + "}\n"});
    const Edge *E = find(R.G, "foo.a", "foo.b");
    ASSERT_NE(E, nullptr) << Arg;
    EXPECT_EQ(E->Function, "pin_all");
    EXPECT_EQ(E->HeldLine, 24u);
    EXPECT_EQ(chain(R.G, *E), "pin_all:25 > ggtt_pin:19");
  }
  // No caller at all: nothing decides the guard, the edge stays.
  Result Uncalled = link({Code});
  const Edge *E = find(Uncalled.G, "foo.a", "foo.b");
  ASSERT_NE(E, nullptr);
  EXPECT_EQ(chain(Uncalled.G, *E), "pin_all:25 > ggtt_pin:19");
  // Callers that disagree: the edge, from the one that passes NULL.
  Result Mixed =
      link({Code + "void one(struct foo *x) { int w; pre_pin(x, &w); }\n"
                   "void two(struct foo *x) { pre_pin(x, 0); }\n"});
  EXPECT_NE(find(Mixed.G, "foo.a", "foo.b"), nullptr);
}

TEST(Link, OwnUnlockOfCallersLockIsNotCrowdedOutByCalleeReleases) {
  // ptrace_stop(): after callees whose summaries may release many locks
  // (schedule() in a large SCC), the function unlocks the caller's siglock
  // and takes it again, through the header wrapper spin_unlock_irq(). Its
  // own unlock must be among the dropped locks an acquisition remembers,
  // also one level up (ptrace_do_notify(), whose callees release as much),
  // or the caller sees a self-deadlock.
  Result R = link({"struct mutex g0, g1, g2, g3, g4, g5, g6, g7, g8;\n"
                   "int busy(void);\n"
                   "static void drop_all(void) {\n"
                   "  if (busy()) mutex_unlock(&g0);\n"
                   "  if (busy()) mutex_unlock(&g1);\n"
                   "  if (busy()) mutex_unlock(&g2);\n"
                   "  if (busy()) mutex_unlock(&g3);\n"
                   "  if (busy()) mutex_unlock(&g4);\n"
                   "  if (busy()) mutex_unlock(&g5);\n"
                   "  if (busy()) mutex_unlock(&g6);\n"
                   "  if (busy()) mutex_unlock(&g7);\n"
                   "  if (busy()) mutex_unlock(&g8);\n"
                   "}\n"
                   "static void unlock_it(struct mutex *m) { mutex_unlock(m); }\n"
                   "static void cycle(struct foo *x) {\n"
                   "  drop_all();\n"
                   "  unlock_it(&x->a);\n"
                   "  mutex_lock(&x->a);\n"
                   "}\n"
                   "static void mid(struct foo *x) {\n"
                   "  drop_all();\n"
                   "  cycle(x);\n"
                   "}\n"
                   "void caller(struct foo *x) {\n"
                   "  mutex_lock(&x->a);\n"
                   "  mid(x);\n"
                   "  mutex_unlock(&x->a);\n"
                   "}\n"});
  EXPECT_EQ(find(R.G, "foo.a", "foo.a"), nullptr);
  EXPECT_TRUE(R.Fs.empty());
}

TEST(Link, CalleeThatUnlocksOnEveryPathUnlocksLikeAnApi) {
  // kernel/cgroup/rstat.c: cgroup_rstat_flush_locked() is called with the
  // global cgroup_rstat_lock held and drops it through the static wrapper
  // __cgroup_rstat_unlock() before retaking it with __cgroup_rstat_lock(),
  // whose acquisition already carries locks its tracepoints may release.
  // The wrapper's unlock is as certain as spin_unlock() itself.
  Result R = link({"struct mutex g0, g1, g2, g3;\n"              // 17
                   "spinlock_t big;\n"
                   "int busy(void);\n"
                   "static void noisy(void) {\n"                 // 20
                   "  if (busy()) mutex_unlock(&g0);\n"
                   "  if (busy()) mutex_unlock(&g1);\n"
                   "  if (busy()) mutex_unlock(&g2);\n"
                   "  if (busy()) mutex_unlock(&g3);\n"
                   "}\n"
                   "static void big_unlock(void) { spin_unlock(&big); }\n" // 26
                   "static void big_lock(void) { noisy(); spin_lock(&big); }\n" // 27
                   "static void flush_locked(void) {\n"          // 28
                   "  noisy();\n"
                   "  big_unlock();\n"
                   "  big_lock();\n"                             // 31
                   "}\n"
                   "void flush(void) {\n"                        // 33
                   "  spin_lock(&big);\n"                        // 34
                   "  flush_locked();\n"                         // 35
                   "  spin_unlock(&big);\n"
                   "}\n"});
  EXPECT_EQ(find(R.G, "big", "big"), nullptr);
  EXPECT_TRUE(R.Fs.empty());
}

TEST(Link, ConstantArgumentDecidesALockGuardedByAParameter) {
  // netlink_dump(sk, lock_taken): `if (!lock_taken) mutex_lock(...)`.
  // __netlink_dump_start() holds the mutex and passes true: no
  // re-acquisition. A caller passing 0 gets the acquisition.
  Result R = link({"static void dump(struct foo *x, int lock_taken) {\n" // 17
                   "  if (!lock_taken)\n"
                   "    mutex_lock(&x->a);\n"                            // 19
                   "  mutex_lock(&x->b);\n"                              // 20
                   "  mutex_unlock(&x->b);\n"
                   "  if (!lock_taken)\n"
                   "    mutex_unlock(&x->a);\n"
                   "}\n"
                   "void start(struct foo *x) {\n"                       // 25
                   "  mutex_lock(&x->a);\n"
                   "  dump(x, 1);\n"                                     // 27
                   "  mutex_unlock(&x->a);\n"
                   "}\n"
                   "void other(struct foo *x) {\n"                       // 30
                   "  spin_lock(&x->s);\n"
                   "  dump(x, 0);\n"                                     // 32
                   "  spin_unlock(&x->s);\n"
                   "}\n"});
  EXPECT_EQ(find(R.G, "foo.a", "foo.a"), nullptr);
  const Edge *AB = find(R.G, "foo.a", "foo.b");
  ASSERT_NE(AB, nullptr);
  const Edge *SA = find(R.G, "foo.s", "foo.a");
  ASSERT_NE(SA, nullptr);
  EXPECT_EQ(SA->Function, "other");
  EXPECT_EQ(chain(R.G, *SA), "other:32 > dump:19");
  EXPECT_TRUE(R.Fs.empty());
}

TEST(Link, ConstantArgumentDecidesAVariableDefinedFromTheParameter) {
  // net/sched/cls_api.c: tcf_proto_destroy() takes RTNL under
  // `bool not_lockless = !rtnl_held && ...; if (not_lockless)`; callers
  // holding RTNL pass rtnl_held = true.
  Result R = link({"int status(void);\n"                                // 17
                   "static void destroy(struct foo *x, int rtnl_held) {\n" // 18
                   "  int not_lockless = !rtnl_held && !status();\n"
                   "  if (not_lockless)\n"
                   "    mutex_lock(&x->a);\n"                             // 21
                   "  mutex_lock(&x->b);\n"                               // 22
                   "  mutex_unlock(&x->b);\n"
                   "  if (not_lockless)\n"
                   "    mutex_unlock(&x->a);\n"
                   "}\n"
                   "void put(struct foo *x) {\n"                          // 27
                   "  mutex_lock(&x->a);\n"                               // 28
                   "  destroy(x, 1);\n"                                   // 29
                   "  mutex_unlock(&x->a);\n"
                   "}\n"
                   "void put_unlocked(struct foo *x) {\n"                 // 32
                   "  spin_lock(&x->s);\n"                                // 33
                   "  destroy(x, 0);\n"                                   // 34
                   "  spin_unlock(&x->s);\n"
                   "}\n"});
  EXPECT_EQ(find(R.G, "foo.a", "foo.a"), nullptr);
  const Edge *SA = find(R.G, "foo.s", "foo.a");
  ASSERT_NE(SA, nullptr);
  EXPECT_EQ(SA->Function, "put_unlocked");
  EXPECT_EQ(chain(R.G, *SA), "put_unlocked:34 > destroy:21");
  const Edge *AB = find(R.G, "foo.a", "foo.b");
  ASSERT_NE(AB, nullptr);
  EXPECT_TRUE(R.Fs.empty());
}

TEST(Link, ConstantArgumentDecidesASignTestOfAParameter) {
  // fs/btrfs/ctree.c: setup_nodes_for_search() calls balance_level(),
  // which locks tree nodes, only `if (ins_len < 0)`;
  // btrfs_lookup_extent_info() searches with ins_len = 0. `ins_len < 0`
  // false says nothing: `>= 0` may be non-zero.
  Result R = link({"static void setup(struct foo *x, int ins_len) {\n" // 17
                   "  if (ins_len < 0)\n"
                   "    mutex_lock(&x->a);\n"                          // 19
                   "  else\n"
                   "    mutex_lock(&x->b);\n"                          // 21
                   "}\n"
                   "void lookup(struct foo *x) {\n"                    // 23
                   "  mutex_lock(&x->a);\n"                            // 24
                   "  setup(x, 0);\n"                                  // 25
                   "}\n"
                   "void del(struct foo *x) {\n"                       // 27
                   "  spin_lock(&x->s);\n"                             // 28
                   "  setup(x, -1);\n"                                 // 29
                   "}\n"
                   "void ins(struct foo *x) {\n"                       // 31
                   "  mutex_lock(&x->b);\n"                            // 32
                   "  setup(x, 1);\n"                                  // 33
                   "}\n"});
  EXPECT_EQ(find(R.G, "foo.a", "foo.a"), nullptr);
  const Edge *AB = find(R.G, "foo.a", "foo.b");
  ASSERT_NE(AB, nullptr);
  EXPECT_EQ(chain(R.G, *AB), "lookup:25 > setup:21");
  const Edge *SA = find(R.G, "foo.s", "foo.a");
  ASSERT_NE(SA, nullptr);
  EXPECT_EQ(chain(R.G, *SA), "del:29 > setup:19");
  const Edge *BB = find(R.G, "foo.b", "foo.b");
  ASSERT_NE(BB, nullptr) << "1 >= 0 too: the else branch is possible";
  EXPECT_EQ(chain(R.G, *BB), "ins:33 > setup:21");
}

TEST(Link, CallersKnownValueDecidesALockGuardedByAParameter) {
  // block/blk-cgroup.c: blkg_create(.., new_blkg) allocates, taking
  // pcpu_alloc_mutex, only `if (!new_blkg)`; blkg_conf_prep() returns
  // first when its new_blkg is NULL, then calls it under queue_lock.
  Result R = link({"int status(void);\n"                                 // 17
                   "static void create(struct foo *x, int nb) {\n"       // 18
                   "  if (!nb)\n"
                   "    mutex_lock(&x->a);\n"                           // 20
                   "}\n"
                   "void prep(struct foo *x) {\n"                       // 22
                   "  int nb = status();\n"
                   "  if (!nb)\n"
                   "    return;\n"
                   "  spin_lock(&x->s);\n"
                   "  create(x, nb);\n"
                   "}\n"
                   "void prep_param(struct foo *x, int nb) {\n"         // 29
                   "  if (!nb)\n"
                   "    return;\n"
                   "  spin_lock(&x->s);\n"
                   "  create(x, nb);\n"
                   "}\n"
                   "void prep_unchecked(struct foo *x) {\n"             // 35
                   "  int nb = status();\n"
                   "  spin_lock(&x->s);\n"                              // 37
                   "  create(x, nb);\n"                                 // 38
                   "}\n"});
  const Edge *SA = find(R.G, "foo.s", "foo.a");
  ASSERT_NE(SA, nullptr) << "nb may be 0 in prep_unchecked()";
  EXPECT_EQ(SA->Function, "prep_unchecked");
  EXPECT_EQ(SA->HeldLine, 37u);
  EXPECT_EQ(chain(R.G, *SA), "prep_unchecked:38 > create:20");
}

TEST(Link, InstancesTakenUnderANestLockAreNoSelfDeadlock) {
  // drivers/gpu/drm/i915/gt/intel_context.c: two objects' dma_resv
  // ww_mutexes under one acquire context, through a wrapper passing the
  // context on (dma_resv_lock()). With a NULL context a ww_mutex is a
  // plain mutex.
  Result R = link({"struct ctx { int x; };\n"                           // 17
                   "void ww_lock(struct mutex *m, struct ctx *c);\n"
                   "static void obj_lock(struct mutex *m, struct ctx *c) {\n" // 19
                   "  ww_lock(m, c);\n"                                 // 20
                   "}\n"
                   "void pin(struct foo *x, struct foo *y, struct ctx *c) {\n" // 22
                   "  obj_lock(&x->a, c);\n"
                   "  obj_lock(&y->a, c);\n"
                   "}\n"
                   "void single(struct foo *x, struct foo *y) {\n"      // 26
                   "  obj_lock(&x->a, 0);\n"                            // 27
                   "  obj_lock(&y->a, 0);\n"                            // 28
                   "}\n"});
  const Edge *AA = find(R.G, "foo.a", "foo.a");
  ASSERT_NE(AA, nullptr);
  EXPECT_EQ(AA->Function, "single");
  EXPECT_EQ(AA->HeldLine, 27u);
  EXPECT_EQ(chain(R.G, *AA), "single:28 > obj_lock:20");
  ASSERT_TRUE(onlySelfDeadlock(R, "foo.a"));
}

TEST(Link, BranchOnAParameterBeforeItIsAssignedIsTheCallersValue) {
  // block/blk-cgroup.c: blkg_create(.., new_blkg) does `if (!new_blkg)
  // new_blkg = blkg_alloc(..)`, which takes pcpu_alloc_mutex: a caller
  // passing a blkg it checked takes nothing. After the assignment, a
  // branch on the parameter is no longer on the caller's value.
  Result R = link({"int status(void);\n"                                  // 17
                   "static void create(struct foo *x, int nb) {\n"        // 18
                   "  if (!nb) {\n"
                   "    mutex_lock(&x->a);\n"                            // 20
                   "    nb = status();\n"
                   "  }\n"
                   "  if (nb)\n"
                   "    mutex_lock(&x->b);\n"                            // 24
                   "}\n"
                   "void prep(struct foo *x) {\n"                        // 26
                   "  spin_lock(&x->s);\n"                               // 27
                   "  create(x, 1);\n"                                   // 28
                   "}\n"});
  EXPECT_EQ(find(R.G, "foo.s", "foo.a"), nullptr);
  const Edge *SB = find(R.G, "foo.s", "foo.b");
  ASSERT_NE(SB, nullptr);
  EXPECT_EQ(chain(R.G, *SB), "prep:28 > create:24");
  const Edge *AB = find(R.G, "foo.a", "foo.b");
  ASSERT_NE(AB, nullptr) << "nb was assigned: the second test is no guard";
  EXPECT_EQ(chain(R.G, *AB), "create:24");
}

TEST(Link, InternalFilesAreNotAnalysed) {
  // __mutex_lock_common() in kernel/locking/mutex.c takes its own
  // wait_lock and annotates dep_map; with `internal: [kernel/locking/]`
  // its body (here: tu1.c) contributes nothing, callers included.
  std::vector<std::string> TUs = {
      "void impl(struct foo *x);\n"
      "void user(struct foo *x) { mutex_lock(&x->a); impl(x); mutex_unlock(&x->a); }\n",
      "void impl(struct foo *x) { spin_lock(&x->s); mutex_lock(&x->b); }\n"};
  Result Without = link(TUs);
  EXPECT_NE(find(Without.G, "foo.a", "foo.s"), nullptr);
  EXPECT_NE(find(Without.G, "foo.s", "foo.b"), nullptr);
  rules::RuleSet R = testRules();
  R.Internal = {"tu1"};
  EXPECT_TRUE(link(TUs, R).G.Edges.empty());
}

TEST(Link, NestingAnnotationsMakeNoSelfDeadlock) {
  // lock_set_cmp_fn() (unix sockets locked in address order) and a
  // non-zero subclass set at initialisation (a pty slave's legacy_mutex)
  // tell lockdep how two instances nest; a subclass 0 tells it nothing.
  rules::RuleSet R = testRules();
  rules::NameApi Cmp;
  Cmp.Function = "lockdep_set_lock_cmp_fn";
  Cmp.Nests = true;
  R.Names["lockdep_set_lock_cmp_fn"] = Cmp;
  rules::NameApi Init;
  Init.Function = "lockdep_init_map_type";
  Init.SubclassArg = 3;
  R.Names["lockdep_init_map_type"] = Init;
  Result Out = link(
      {"void lockdep_set_lock_cmp_fn(void *lock, void *cmp, void *print);\n"
       "void lockdep_init_map_type(void *lock, const char *n, void *key, int sub);\n"
       "void init(struct foo *x) {\n"
       "  lockdep_set_lock_cmp_fn(&x->a, 0, 0);\n"
       "  lockdep_init_map_type(&x->s, \"s\", 0, 1);\n"
       "  lockdep_init_map_type(&x->b, \"b\", 0, 0);\n"
       "}\n"
       "void twice(struct foo *x, struct foo *y) {\n"
       "  mutex_lock(&x->a); mutex_lock(&y->a);\n"
       "  spin_lock(&x->s); spin_lock(&y->s);\n"
       "  mutex_lock(&x->b); mutex_lock(&y->b);\n"
       "}\n"},
      R);
  // lockdep_init_map_type() also names the class after its name argument.
  EXPECT_EQ(Out.G.MayNest, (std::set<std::string>{"foo.a", "s"}));
  std::vector<Finding> Fs = findSelfDeadlocks(Out.G);
  ASSERT_EQ(Fs.size(), 1u);
  EXPECT_EQ(Fs[0].Locks, std::vector<std::string>{"b"});
}

TEST(Link, ALockdepNameNamesAClassOnlyWhenItIsItsOneName) {
  // lockdep_init_map(&j->map, "jbd2_handle", ..) is the one initialisation
  // of its class: the class is jbd2_handle. task_struct.pi_lock is
  // initialised by raw_spin_lock_init(), which names nothing, and set to
  // &stop_pi_lock for the stopper threads only: it keeps its field name.
  // btrfs's per-state maps are one field given four names: the field too.
  rules::RuleSet R = testRules();
  rules::NameApi Init;
  Init.Function = "lockdep_init_map";
  Init.KeyArg = 2;
  R.Names["lockdep_init_map"] = Init;
  rules::NameApi Raw;
  Raw.Function = "__raw_spin_lock_init";
  Raw.NameArg = -1;
  Raw.KeyArg = 2;
  R.Names["__raw_spin_lock_init"] = Raw;
  Result Out = link(
      {"struct lock_class_key { int k; };\n"
       "struct lockdep_map { int m; };\n"
       "struct jr { struct lockdep_map map; };\n"
       "struct task { spinlock_t pi_lock; struct lockdep_map st; };\n"
       "void lockdep_init_map(struct lockdep_map *m, const char *n, struct "
       "lock_class_key *k, int sub);\n"
       "void __raw_spin_lock_init(spinlock_t *l, const char *n, struct "
       "lock_class_key *k, int w);\n"
       "void lock_acquire(struct lockdep_map *l, int s, int t, int r, int c, "
       "void *n, unsigned long ip);\n"
       "static struct lock_class_key jkey, stop_key, k1, k2;\n"
       "void jinit(struct jr *j) {\n"
       "  lockdep_init_map(&j->map, \"jbd2_handle\", &jkey, 0);\n"
       "}\n"
       "void fork_(struct task *p) {\n"
       "  static struct lock_class_key __key;\n"
       "  __raw_spin_lock_init(&p->pi_lock, \"&p->pi_lock\", &__key, 0);\n"
       "}\n"
       "void stopper(struct task *p) {\n"
       "  lockdep_init_map((struct lockdep_map *)&p->pi_lock, "
       "\"&stop_pi_lock\", "
       "&stop_key, 0);\n"
       "}\n"
       "void states(struct task *p) {\n"
       "  lockdep_init_map(&p->st, \"btrfs_trans_commit_prep\", &k1, 0);\n"
       "  lockdep_init_map(&p->st, \"btrfs_trans_completed\", &k2, 0);\n"
       "}\n"
       "void use(struct jr *j, struct task *p, struct foo *x) {\n"
       "  mutex_lock(&x->a);\n"
       "  lock_acquire(&j->map, 0, 0, 0, 0, 0, 0);\n"
       "  spin_lock(&p->pi_lock);\n"
       "  lock_acquire(&p->st, 0, 0, 0, 0, 0, 0);\n"
       "}\n"},
      R);
  std::set<std::string> Acquired;
  for (const Edge &E : Out.G.Edges)
    if (E.Held == "foo.a")
      Acquired.insert(E.Acquired);
  EXPECT_EQ(Acquired,
            (std::set<std::string>{"jbd2_handle", "task.pi_lock", "task.st"}));
}

TEST(Link, ASleepingLockRetakenUnderASpinlockIsAlsoAForbiddenNesting) {
  // Lockdep reports the recursion; might_sleep() still reports the mutex
  // under the spinlock. So the edge that a forbid rule names stays, and
  // only that one: foo.b -> foo.a is still left out.
  rules::RuleSet Rules = testRules();
  rules::ForbiddenNesting N;
  N.Name = "sleep-under-spin";
  N.Outer.Flavors = {"spin"};
  N.Inner.Flavors = {"mutex"};
  Rules.Nestings.push_back(N);
  Result R =
      link({"static void take_a(struct foo *x) { mutex_lock(&x->a); }\n" // 17
            "void g(struct foo *x) {\n"                                  // 18
            "  mutex_lock(&x->a);\n"                                     // 19
            "  spin_lock(&x->s);\n"                                      // 20
            "  mutex_lock(&x->b);\n"                                     // 21
            "  take_a(x);\n"                                             // 22
            "}\n"},
           Rules);
  const Edge *SA = find(R.G, "foo.s", "foo.a");
  ASSERT_NE(SA, nullptr);
  EXPECT_EQ(chain(R.G, *SA), "g:22 > take_a:17");
  EXPECT_EQ(find(R.G, "foo.b", "foo.a"), nullptr);
  std::set<std::string> Kinds;
  for (const Finding &F : R.Fs)
    Kinds.insert(std::string(kindName(F.Kind)) + " " + F.Locks.back());
  EXPECT_EQ(Kinds, (std::set<std::string>{"forbidden-nesting foo.a",
                                          "forbidden-nesting foo.b",
                                          "self-deadlock foo.a"}));
}

TEST(Link, RetakingAHeldLockIsOneSelfDeadlockNotAlsoAnInversion) {
  // Lockdep reports the recursion and records no b -> a: the inversion
  // a -> b -> a would only repeat the self-deadlock.
  Result R =
      link({"static void take_a(struct foo *x) { mutex_lock(&x->a); }\n" // 17
            "void f(struct foo *x) {\n"                                  // 18
            "  mutex_lock(&x->a);\n"                                     // 19
            "  mutex_lock(&x->b);\n"                                     // 20
            "  mutex_lock(&x->a);\n"                                     // 21
            "}\n"
            "void g(struct foo *x) {\n" // 23
            "  mutex_lock(&x->a);\n"    // 24
            "  spin_lock(&x->s);\n"     // 25
            "  take_a(x);\n"            // 26
            "}\n"});
  EXPECT_EQ(find(R.G, "foo.b", "foo.a"), nullptr);
  EXPECT_EQ(find(R.G, "foo.s", "foo.a"), nullptr) << "nor through a callee";
  const Edge *Self = find(R.G, "foo.a", "foo.a");
  ASSERT_NE(Self, nullptr);
  EXPECT_EQ(chain(R.G, *Self), "f:21");
  EXPECT_NE(find(R.G, "foo.a", "foo.b"), nullptr);
  EXPECT_TRUE(onlySelfDeadlock(R, "foo.a"));

  // Held on some paths only, or another subclass: not recursive locking
  // (no self-deadlock either), so the edges into it stay.
  R = link({"int cond(void);\n"                  // 17
            "void f(struct foo *x) {\n"          // 18
            "  if (cond()) mutex_lock(&x->a);\n" // 19
            "  mutex_lock(&x->b);\n"             // 20
            "  mutex_lock(&x->a);\n"             // 21
            "}\n"
            "void g(struct foo *x) {\n"        // 23
            "  mutex_lock(&x->a);\n"           // 24
            "  spin_lock(&x->s);\n"            // 25
            "  mutex_lock_nested(&x->a, 1);\n" // 26
            "}\n"});
  const Edge *E = find(R.G, "foo.b", "foo.a");
  ASSERT_NE(E, nullptr);
  EXPECT_EQ(chain(R.G, *E), "f:21");
  E = find(R.G, "foo.s", "foo.a/1");
  ASSERT_NE(E, nullptr);
  EXPECT_EQ(chain(R.G, *E), "g:26");
}

/// Callee, then `void NAME(struct foo *x, struct obj *o)` that holds x->s
/// and calls `kvfree_call(ARGS)`, three lines on from the callee's end.
Result underSpin(const std::string &Callee, const char *Name,
                 const char *Args) {
  return link({Callee + "void " + Name + "(struct foo *x, struct obj *o) {\n" +
               "  spin_lock(&x->s);\n" + "  kvfree_call(" + Args + ");\n" +
               "}\n"});
}

TEST(Link, ABranchOnAVariableRecallsTheParameterItWasSetUnder) {
  // kvfree_call_rcu(): `success` is false at the inline synchronize_rcu()
  // only on the path where `head` is NULL; kfree_rcu(p, rcu) passes
  // &p->rcu, never NULL. Only the one-argument form sleeps.
  std::string Callee =
      "struct rcu_head { void *next; };\n"                       // 17
      "struct obj { struct rcu_head rcu; };\n"                   // 18
      "struct mutex exp_mutex;\n"                                // 19
      "int bulk_add(void *p);\n"                                 // 20
      "static void sync_rcu(void) { mutex_lock(&exp_mutex); }\n" // 21
      "void kvfree_call(struct rcu_head *head, void *ptr) {\n"   // 22
      "  int success;\n"                                         // 23
      "  success = bulk_add(ptr);\n"                             // 24
      "  if (!success) {\n"                                      // 25
      "    if (head == 0)\n"                                     // 26
      "      goto unlock_return;\n"                              // 27
      "    success = 1;\n"                                       // 28
      "  }\n"                                                    // 29
      "unlock_return:\n"                                         // 30
      "  if (!success)\n"                                        // 31
      "    sync_rcu();\n"                                        // 32
      "}\n";                                                     // 33
  // The caller's lines: 34 to 37.
  EXPECT_EQ(
      find(underSpin(Callee, "two", "&o->rcu, o").G, "foo.s", "exp_mutex"),
      nullptr);
  Result One = underSpin(Callee, "one", "0, o");
  const Edge *E = find(One.G, "foo.s", "exp_mutex");
  ASSERT_NE(E, nullptr);
  EXPECT_EQ(chain(One.G, *E), "one:36 > kvfree_call:32 > sync_rcu:21");
  // A pointer that may be NULL decides nothing.
  EXPECT_NE(find(underSpin(Callee, "maybe", "o->rcu.next, 0").G, "foo.s",
                 "exp_mutex"),
            nullptr);
}

TEST(Link, AnAcquisitionWithItsOwnGuardTakesTheCallersToo) {
  // kvfree_call_rcu() calls kvfree(ptr) where `head` is NULL, and vfree()
  // locks only `if (addr)`: the acquisition carries both guards, and a
  // caller passing a non-NULL head decides it even with an unknown ptr.
  std::string Callee = "struct mutex purge;\n"                       // 17
                       "static void vfree_(void *addr) {\n"          // 18
                       "  if (!addr) return;\n"                      // 19
                       "  mutex_lock(&purge);\n"                     // 20
                       "}\n"                                         // 21
                       "void kvfree_call(void *head, void *ptr) {\n" // 22
                       "  if (!head)\n"                              // 23
                       "    vfree_(ptr);\n"                          // 24
                       "}\n"                                         // 25
                       "struct obj { int rcu; };\n";                 // 26
  // The caller's lines: 27 to 30.
  EXPECT_EQ(find(underSpin(Callee, "two", "&o->rcu, o").G, "foo.s", "purge"),
            nullptr);
  Result One = underSpin(Callee, "one", "0, o");
  const Edge *E = find(One.G, "foo.s", "purge");
  ASSERT_NE(E, nullptr);
  EXPECT_EQ(chain(One.G, *E), "one:29 > kvfree_call:24 > vfree_:20");
  // Both guards decided by the one call: NULL ptr, no lock either.
  EXPECT_EQ(find(underSpin(Callee, "none", "0, 0").G, "foo.s", "purge"),
            nullptr);
}

TEST(Link, ClassesLockdepKeysApartRankLowerAsSelfDeadlocks) {
  // mutex_init() is __mutex_init(m, #m, &__key) with a static key of its
  // call site. intel_wakeref_init() passes each caller's own key through
  // __intel_wakeref_init(): engine and GT wakeref mutexes are two lockdep
  // classes, and the field is one class here. Two static keys split a
  // class too; one does not.
  rules::RuleSet R = testRules();
  rules::NameApi Init;
  Init.Function = "__mutex_init";
  Init.NameArg = -1;
  Init.KeyArg = 2;
  R.Names["__mutex_init"] = Init;
  Result Out = link(
      {"struct lock_class_key { int k; };\n" // 17
       "void __mutex_init(struct mutex *m, const char *n, struct "
       "lock_class_key *k);\n"
       "struct wf { struct mutex mutex; };\n"
       "void wf_init(struct wf *w, struct lock_class_key *key) {\n" // 20
       "  __mutex_init(&w->mutex, \"wakeref.mutex\", key);\n"       // 21
       "}\n"
       "void init_a(struct foo *x) {\n"
       "  static struct lock_class_key __key;\n"
       "  __mutex_init(&x->a, \"&x->a\", &__key);\n" // 25
       "}\n"
       "void init_b(struct foo *x) {\n"
       "  static struct lock_class_key __key;\n"
       "  __mutex_init(&x->b, \"&x->b\", &__key);\n" // 29
       "}\n"
       "void init_b_again(struct foo *x) {\n"
       "  static struct lock_class_key __key;\n"
       "  __mutex_init(&x->b, \"&x->b\", &__key);\n" // 33
       "}\n"
       "void same(struct foo *x) { mutex_lock(&x->b); mutex_lock(&x->b); }\n"
       "void nest(struct wf *v, struct wf *w, struct foo *x, struct foo *y) {\n"
       "  mutex_lock(&v->mutex); mutex_lock(&w->mutex);\n" // 37
       "  mutex_lock(&x->a); mutex_lock(&y->a);\n"         // 38
       "  mutex_lock(&x->b); mutex_lock(&y->b);\n"         // 39
       "}\n"},
      R);
  EXPECT_EQ(
      Out.G.SplitByLockdep,
      (std::map<std::string, std::string>{
          {"wf.mutex", "lockdep keys it at run time: wf_init (tu0.c:21)"},
          {"foo.b", "lockdep keys it by 2 static keys: init_b (tu0.c:29), "
                    "init_b_again (tu0.c:33)"}}));
  std::map<std::string, const Finding *> Self;
  for (const Finding &F : Out.Fs)
    if (F.Kind == FindingKind::SelfDeadlock)
      Self[F.Locks[0]] = &F;
  ASSERT_EQ(Self.size(), 3u);
  // foo.a: one static key, two expressions: 100 - 10.
  EXPECT_EQ(Self["foo.a"]->Rank, 90);
  EXPECT_EQ(Self["foo.a"]->Message,
            "possible recursive locking: foo.a acquired while already held");
  // wf.mutex: 10 lower still, and the message says why.
  EXPECT_EQ(Self["wf.mutex"]->Rank, 80);
  EXPECT_EQ(Self["wf.mutex"]->Message,
            "possible recursive locking: wf.mutex acquired while already "
            "held; lockdep keys it at run time: wf_init (tu0.c:21), so the "
            "two may be different lockdep classes");
  // foo.b's witness is the same expression twice (same(), first in the
  // file): one instance, one key, not lowered.
  EXPECT_EQ(Self["foo.b"]->Rank, 100);
  EXPECT_EQ(Self["foo.b"]->Message, "possible recursive locking: foo.b "
                                    "acquired while already held (same "
                                    "expression)");

  // The same spelling in a callee may be another object: lowered too.
  Out = link({"struct lock_class_key { int k; };\n" // 17
              "void __mutex_init(struct mutex *m, const char *n, struct "
              "lock_class_key *k);\n"
              "struct wf { struct mutex mutex; };\n"
              "void wf_init(struct wf *w, struct lock_class_key *key) {\n" // 20
              "  __mutex_init(&w->mutex, \"wakeref.mutex\", key);\n"       // 21
              "}\n"
              "extern struct wf *cur;\n"
              "static void inner(void) { mutex_lock(&cur->mutex); }\n"     // 24
              "void outer(void) { mutex_lock(&cur->mutex); inner(); }\n"}, // 25
             R);
  ASSERT_EQ(Out.Fs.size(), 1u);
  EXPECT_EQ(Out.Fs[0].Locks, std::vector<std::string>{"wf.mutex"});
  EXPECT_EQ(Out.Fs[0].Rank, 98);
  EXPECT_EQ(Out.Fs[0].Message,
            "possible recursive locking: wf.mutex acquired while already "
            "held (same expression); lockdep keys it at run time: wf_init "
            "(tu0.c:21), so the two may be different lockdep classes");
}

TEST(Link, ClassesLockdepDoesNotValidateOrderNothing) {
  // lockdep_set_novalidate_class(&dev->mutex) in device_initialize() is
  // lockdep_init_map_type(.., "&dev->mutex", &__lockdep_no_validate__, 0):
  // lockdep checks no order into or out of that class. Another key
  // validates as usual.
  rules::RuleSet R = testRules();
  rules::NameApi Init;
  Init.Function = "lockdep_init_map_type";
  Init.SubclassArg = 3;
  Init.KeyArg = 2;
  Init.NoValidateKey = "__lockdep_no_validate__";
  R.Names["lockdep_init_map_type"] = Init;
  Result Out = link(
      {"struct lock_class_key { int k; };\n"                              // 17
       "struct lock_class_key __lockdep_no_validate__, other_key;\n"
       "void lockdep_init_map_type(void *lock, const char *n, void *key, int sub);\n"
       "static void lock_it(struct mutex *m) { mutex_lock(m); }\n"        // 20
       "void init(struct foo *x) {\n"
       "  lockdep_init_map_type(&x->a, \"&dev->mutex\", &__lockdep_no_validate__, 0);\n"
       "  lockdep_init_map_type(&x->b, \"b\", &other_key, 0);\n"
       "}\n"
       "void nest(struct foo *x, struct foo *y) {\n"                     // 25
       "  mutex_lock(&x->a); mutex_lock(&y->a);\n"                       // 26
       "  mutex_lock(&x->b);\n"                                          // 27
       "  spin_lock(&x->s);\n"                                           // 28
       "  lock_it(&y->a);\n"                                             // 29
       "}\n"},
      R);
  EXPECT_EQ(find(Out.G, "&dev->mutex", "&dev->mutex"), nullptr);
  EXPECT_EQ(find(Out.G, "&dev->mutex", "b"), nullptr);
  EXPECT_EQ(find(Out.G, "foo.s", "&dev->mutex"), nullptr)
      << "nor through a wrapper's parameter";
  const Edge *E = find(Out.G, "b", "foo.s");
  ASSERT_NE(E, nullptr);
  EXPECT_EQ(E->HeldLine, 27u);
  EXPECT_TRUE(Out.Fs.empty());
}

TEST(Link, ReturnedLockResultIsNoTrylockWrapperWhenTheLockIsReleased) {
  // input_register_handle(): `error = mutex_lock_interruptible(m); if
  // (error) return error; ... mutex_unlock(m); return 0;` returns without
  // the lock on both paths. A plain wrapper returning the result does
  // return with it held on success.
  Result R = link({"int mutex_lock_killable(struct mutex *m);\n"
                   "int reg(struct foo *x) {\n"                 // 18
                   "  int error = mutex_lock_killable(&x->a);\n"
                   "  if (error)\n"
                   "    return error;\n"
                   "  mutex_unlock(&x->a);\n"
                   "  return 0;\n"
                   "}\n"
                   "void conn(struct foo *x) {\n"                // 25
                   "  if (reg(x))\n"
                   "    return;\n"
                   "  spin_lock(&x->s);\n"
                   "}\n"
                   "int lk(struct foo *x) { return mutex_lock_killable(&x->b); }\n" // 30
                   "void use(struct foo *x) {\n"
                   "  if (lk(x))\n"                              // 32
                   "    return;\n"
                   "  spin_lock(&x->s);\n"
                   "}\n"});
  EXPECT_EQ(find(R.G, "foo.a", "foo.s"), nullptr);
  const Edge *BS = find(R.G, "foo.b", "foo.s");
  ASSERT_NE(BS, nullptr);
  EXPECT_EQ(BS->Function, "use");
  EXPECT_EQ(BS->HeldLine, 32u);
}

TEST(Link, LockGuardStructsHoldTheGuardedLock) {
  // DEFINE_LOCK_GUARD_1(spinlock, spinlock_t, spin_lock(_T->lock),
  // spin_unlock(_T->lock)) as cleanup.h expands it: the guard class keeps
  // the lock in .lock. Nested scoped_guard(spinlock) on two different locks
  // were a self-deadlock of one class class_spinlock_t.lock.
  Result R = link({"typedef struct { spinlock_t *lock; } class_spinlock_t;\n"
                   "static inline void class_spinlock_destructor(class_spinlock_t *_T)\n"
                   "{ if (_T->lock) { spin_unlock(_T->lock); } }\n"
                   "static inline class_spinlock_t class_spinlock_constructor(spinlock_t *l)\n"
                   "{ class_spinlock_t _t = { .lock = l }, *_T = &_t; spin_lock(_T->lock); return _t; }\n"
                   "void f(struct foo *x) {\n"                                   // 22
                   "  {\n"
                   "    class_spinlock_t g __attribute__((cleanup(class_spinlock_destructor))) =\n"
                   "        class_spinlock_constructor(&x->s);\n"               // 25
                   "    mutex_lock(&x->a);\n"                                    // 26
                   "  }\n"
                   "  mutex_lock(&x->b);\n"
                   "}\n"});
  for (const Edge &E : R.G.Edges) {
    EXPECT_EQ(llvm::StringRef(E.Held).find("class_"), llvm::StringRef::npos) << E.Held;
    EXPECT_EQ(llvm::StringRef(E.Acquired).find("class_"), llvm::StringRef::npos);
  }
  const Edge *SA = find(R.G, "foo.s", "foo.a");
  ASSERT_NE(SA, nullptr);
  EXPECT_EQ(SA->Function, "f");
  EXPECT_EQ(chain(R.G, *SA), "f:26");
  EXPECT_EQ(find(R.G, "foo.s", "foo.b"), nullptr) << "the destructor released it";
}

} // namespace
