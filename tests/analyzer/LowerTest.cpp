//===- LowerTest.cpp - Lowering of C functions to call-event CFGs ---------===//
//
// In-memory TUs (clangd's TestTU style): each test names the exact event,
// path and line it expects.
//
//===----------------------------------------------------------------------===//

#include "analyzer/Extract.h"
#include "gtest/gtest.h"

using namespace lockgraph;

namespace {

const char *Prelude = R"c(
struct spinlock { int rlock; };
typedef struct spinlock spinlock_t;
struct mutex { int m; };
void spin_lock(spinlock_t *l);
void spin_unlock(spinlock_t *l);
int mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);
struct kioctx { struct mutex ring_lock; spinlock_t completion_lock; struct { spinlock_t inner; } anon; };
)c";

TUFacts extract(const std::string &Body) {
  llvm::Expected<TUFacts> F =
      extractFromCode(std::string(Prelude) + Body, "t.c", {"-xc"});
  EXPECT_TRUE(bool(F)) << llvm::toString(F.takeError());
  return F ? std::move(*F) : TUFacts();
}

const FunctionFacts *find(const TUFacts &T, llvm::StringRef Name) {
  for (const FunctionFacts &F : T.Functions)
    if (F.Name == Name)
      return &F;
  return nullptr;
}

std::vector<const CallEvent *> events(const FunctionFacts &F,
                                      llvm::StringRef Callee) {
  std::vector<const CallEvent *> Out;
  for (const Block &B : F.Blocks)
    for (const CallEvent &E : B.Events)
      if (E.Callee == Callee)
        Out.push_back(&E);
  return Out;
}

TEST(Lower, MemberLockBecomesParamRootedPath) {
  TUFacts T = extract("void f(struct kioctx *ctx) {\n"
                      "  spin_lock(&ctx->completion_lock);\n"
                      "  spin_unlock(&ctx->completion_lock);\n"
                      "}\n");
  const FunctionFacts *F = find(T, "f");
  ASSERT_NE(F, nullptr);
  auto Locks = events(*F, "spin_lock");
  ASSERT_EQ(Locks.size(), 1u);
  const ArgValue &A = Locks[0]->Args[0];
  EXPECT_EQ(A.K, ArgValue::Kind::Path);
  EXPECT_EQ(A.R, ArgValue::Root::Param);
  EXPECT_EQ(A.Param, 0u);
  EXPECT_EQ(A.Steps, std::vector<std::string>{"kioctx.completion_lock"});
  EXPECT_EQ(Locks[0]->Line, 11u) << "prelude is 9 lines after its leading newline";
}

TEST(Lower, InstanceSpellingKeepsCallArgumentsAndArrayIndices) {
  // unix_state_double_lock(): unix_sk(sk1)->lock and unix_sk(sk2)->lock;
  // unix_table_double_lock(): locks[hash1] and locks[hash2]. One class
  // each, but two instances.
  TUFacts T = extract("struct kioctx *ctx_of(int s);\n"
                      "struct tbl { spinlock_t locks[8]; };\n"
                      "void f(int a, int b, struct tbl *t, int h1, int h2) {\n"
                      "  spin_lock(&ctx_of(a)->completion_lock);\n"
                      "  spin_lock(&ctx_of(b)->completion_lock);\n"
                      "  spin_lock(&t->locks[h1]);\n"
                      "  spin_lock(&t->locks[h2]);\n"
                      "  spin_lock(&t->locks[3]);\n"
                      "}\n");
  const FunctionFacts *F = find(T, "f");
  ASSERT_NE(F, nullptr);
  auto Locks = events(*F, "spin_lock");
  ASSERT_EQ(Locks.size(), 5u);
  EXPECT_EQ(Locks[0]->Args[0].Text, "ctx_of(a)->completion_lock");
  EXPECT_EQ(Locks[1]->Args[0].Text, "ctx_of(b)->completion_lock");
  EXPECT_EQ(Locks[0]->Args[0].Steps, Locks[1]->Args[0].Steps);
  EXPECT_EQ(Locks[2]->Args[0].Text, "t->locks[h1]");
  EXPECT_EQ(Locks[3]->Args[0].Text, "t->locks[h2]");
  EXPECT_EQ(Locks[4]->Args[0].Text, "t->locks[3]");
  EXPECT_EQ(Locks[2]->Args[0].Steps, std::vector<std::string>{"tbl.locks"});
}

TEST(Lower, AnAccessorsResultIsThePathItReturns) {
  // spin_lock_init(&ctx->completion_lock) passes
  // spinlock_check(&ctx->completion_lock), whose whole body returns
  // &lock->rlock: the lock initialised is ctx->completion_lock's rlock. A
  // function doing more than return a member path is not looked through.
  TUFacts T = extract("static inline struct spinlock *check(spinlock_t *lock) "
                      "{ return &*lock; }\n"
                      "struct raw { int r; };\n"
                      "static inline struct raw *inner(struct kioctx *k) { "
                      "return (struct raw *)&k->anon.inner; }\n"
                      "static inline spinlock_t *maybe(struct kioctx *k) { if "
                      "(!k) return 0; return &k->completion_lock; }\n"
                      "void init(struct spinlock *l, const char *n);\n"
                      "void g(void *p);\n"
                      "void f(struct kioctx *ctx) {\n"
                      "  init(check(&ctx->completion_lock), \"c\");\n"
                      "  g(inner(ctx));\n"
                      "  spin_lock(maybe(ctx));\n"
                      "}\n");
  const FunctionFacts *F = find(T, "f");
  ASSERT_NE(F, nullptr);
  auto Inits = events(*F, "init");
  ASSERT_EQ(Inits.size(), 1u);
  const ArgValue &A = Inits[0]->Args[0];
  EXPECT_EQ(A.K, ArgValue::Kind::Path);
  EXPECT_EQ(A.R, ArgValue::Root::Param);
  EXPECT_EQ(A.Param, 0u);
  EXPECT_EQ(A.Steps, std::vector<std::string>{"kioctx.completion_lock"});
  EXPECT_EQ(A.Text, "ctx->completion_lock");
  auto Gs = events(*F, "g");
  ASSERT_EQ(Gs.size(), 1u);
  EXPECT_EQ(Gs[0]->Args[0].Steps,
            (std::vector<std::string>{"kioctx.anon", "kioctx.inner"}));
  EXPECT_EQ(Gs[0]->Args[0].Text, "ctx->anon->inner");
  auto Locks = events(*F, "spin_lock");
  ASSERT_EQ(Locks.size(), 1u);
  EXPECT_EQ(Locks[0]->Args[0].K, ArgValue::Kind::Unknown);
}

TEST(Lower, BranchOnAnUnassignedParameterIsRecorded) {
  TUFacts T = extract("void f(int lock_taken, struct kioctx *c) {\n"
                      "  if (!lock_taken)\n"
                      "    spin_lock(&c->completion_lock);\n"
                      "}\n"
                      "void g(int n, struct kioctx *c) {\n"
                      "  n = n - 1;\n"
                      "  if (n)\n"
                      "    spin_lock(&c->completion_lock);\n"
                      "}\n");
  const FunctionFacts *F = find(T, "f");
  ASSERT_NE(F, nullptr);
  int Branches = 0;
  for (const Block &B : F->Blocks)
    if (B.CondParam >= 0) {
      ++Branches;
      EXPECT_EQ(B.CondParam, 0);
      EXPECT_FALSE(B.TrueIsNonzero) << "the lock is taken when lock_taken is 0";
    }
  EXPECT_EQ(Branches, 1);
  const FunctionFacts *G = find(T, "g");
  ASSERT_NE(G, nullptr);
  ASSERT_EQ(G->Vars, std::vector<std::string>{"n"});
  EXPECT_EQ(G->VarParams, std::vector<int>{0}) << "n is parameter 0";
  int VarBranches = 0, Assigns = 0;
  for (const Block &B : G->Blocks) {
    EXPECT_EQ(B.CondParam, -1) << "n is assigned in the body";
    if (B.CondVar >= 0) {
      ++VarBranches;
      EXPECT_EQ(B.CondVar, 0) << "a branch on the variable n instead";
      EXPECT_TRUE(B.TrueIsNonzero);
    }
    for (const Block::Assign &A : B.Assigns) {
      ++Assigns;
      EXPECT_EQ(A.Var, 0u);
      EXPECT_EQ(A.Value, -1) << "n - 1 is not a constant";
      EXPECT_EQ(A.Before, 0u);
    }
  }
  EXPECT_EQ(VarBranches, 1);
  EXPECT_EQ(Assigns, 1);
}

TEST(Lower, BranchesOnVariablesSwitchesAndErrorCodes) {
  TUFacts T = extract("void fill(int *p);\n"
                      "int get(void);\n"
                      "void f(struct kioctx *c, int event) {\n"
                      "  int stopped = get(), seen = 0, ret;\n"
                      "  fill(&seen);\n"
                      "  if (seen)\n"
                      "    spin_lock(&c->completion_lock);\n"
                      "  if (!stopped)\n"
                      "    spin_lock(&c->completion_lock);\n"
                      "  ret = mutex_trylock(&c->ring_lock);\n"
                      "  if (ret == -35)\n"
                      "    stopped = 0;\n"
                      "  switch (event) {\n"
                      "  case 0: get(); break;\n"
                      "  case 21: get(); break;\n"
                      "  default: break;\n"
                      "  }\n"
                      "}\n");
  const FunctionFacts *F = find(T, "f");
  ASSERT_NE(F, nullptr);
  std::vector<std::string> Vars = F->Vars;
  llvm::sort(Vars);
  EXPECT_EQ(Vars, (std::vector<std::string>{"ret", "stopped"}))
      << "seen escapes through &seen: not tracked";
  int Stopped = llvm::find(F->Vars, "stopped") - F->Vars.begin();
  int Ret = llvm::find(F->Vars, "ret") - F->Vars.begin();
  int OnStopped = 0, OnRet = 0, Switches = 0;
  for (const Block &B : F->Blocks) {
    if (B.CondVar == Stopped) {
      ++OnStopped;
      EXPECT_FALSE(B.TrueIsNonzero);
      EXPECT_FALSE(B.NonzeroOnly);
    }
    if (B.CondVar == Ret) {
      ++OnRet;
      EXPECT_TRUE(B.TrueIsNonzero);
      EXPECT_TRUE(B.NonzeroOnly) << "ret == -35 says ret is non-zero only";
      EXPECT_GE(B.CondEvent, 0) << "and it tests the trylock's result";
    }
    if (!B.CaseFacts.empty()) {
      ++Switches;
      EXPECT_EQ(B.CondParam, 1);
      std::vector<int> Facts = B.CaseFacts;
      llvm::sort(Facts);
      EXPECT_EQ(Facts, (std::vector<int>{-1, 0, 1}));
    }
  }
  EXPECT_EQ(OnStopped, 1);
  EXPECT_EQ(OnRet, 1);
  EXPECT_EQ(Switches, 1);
  unsigned StoppedZero = 0;
  for (const Block &B : F->Blocks)
    for (const Block::Assign &A : B.Assigns)
      StoppedZero += int(A.Var) == Stopped && A.Value == 0;
  EXPECT_EQ(StoppedZero, 1u) << "stopped = 0 after the comparison";
}

TEST(Lower, AnonymousStructFieldNamesEnclosingRecord) {
  TUFacts T = extract("void f(struct kioctx *ctx) { spin_lock(&ctx->anon.inner); }\n");
  auto Locks = events(*find(T, "f"), "spin_lock");
  ASSERT_EQ(Locks.size(), 1u);
  EXPECT_EQ(Locks[0]->Args[0].Steps,
            (std::vector<std::string>{"kioctx.anon", "kioctx.inner"}));
}

TEST(Lower, LocalAliasResolvesToDefinition) {
  TUFacts T = extract("void f(struct kioctx *ctx) {\n"
                      "  spinlock_t *l = &ctx->completion_lock;\n"
                      "  spin_lock(l);\n"
                      "}\n");
  auto Locks = events(*find(T, "f"), "spin_lock");
  ASSERT_EQ(Locks.size(), 1u);
  EXPECT_EQ(Locks[0]->Args[0].Steps,
            std::vector<std::string>{"kioctx.completion_lock"});
}

TEST(Lower, TrylockBranchRecordsTestedCall) {
  TUFacts T = extract("int f(struct kioctx *ctx) {\n"
                      "  if (!mutex_trylock(&ctx->ring_lock))\n"
                      "    return -11;\n"
                      "  mutex_unlock(&ctx->ring_lock);\n"
                      "  return 0;\n"
                      "}\n");
  const FunctionFacts *F = find(T, "f");
  ASSERT_NE(F, nullptr);
  bool Found = false;
  for (const Block &B : F->Blocks)
    if (B.CondEvent >= 0) {
      const CallEvent &E = F->Blocks[B.CondBlock].Events[B.CondEvent];
      EXPECT_EQ(E.Callee, "mutex_trylock");
      EXPECT_FALSE(B.TrueIsNonzero) << "`!trylock` is true when it failed";
      Found = true;
    }
  EXPECT_TRUE(Found);
}

TEST(Lower, LikelyAndUnlikelyAreSeenThrough) {
  TUFacts T = extract("#define likely(x) __builtin_expect(!!(x), 1)\n"
                      "#define unlikely(x) __builtin_expect(!!(x), 0)\n"
                      "int f(struct kioctx *ctx) {\n"
                      "  if (likely(mutex_trylock(&ctx->ring_lock)))\n"
                      "    return 1;\n"
                      "  return 0;\n"
                      "}\n"
                      "int g(struct kioctx *ctx) {\n"
                      "  if (unlikely(!mutex_trylock(&ctx->ring_lock)))\n"
                      "    return 0;\n"
                      "  return 1;\n"
                      "}\n");
  for (const char *Fn : {"f", "g"}) {
    const FunctionFacts *F = find(T, Fn);
    ASSERT_NE(F, nullptr);
    bool Found = false;
    for (const Block &B : F->Blocks)
      if (B.CondEvent >= 0) {
        EXPECT_EQ(F->Blocks[B.CondBlock].Events[B.CondEvent].Callee, "mutex_trylock");
        EXPECT_EQ(B.TrueIsNonzero, std::string(Fn) == "f");
        Found = true;
      }
    EXPECT_TRUE(Found) << Fn;
  }
}

TEST(Lower, WeakDefinitionsAreMarkedAlsoThroughAnEarlierDeclaration) {
  // kernel/sys_ni.c spells __weak on the definition; a header may put it
  // on the declaration only.
  TUFacts T = extract("__attribute__((weak)) long stub(void) { return -38; }\n"
                      "__attribute__((weak)) void hook(struct kioctx *c);\n"
                      "void hook(struct kioctx *c) { }\n"
                      "void strong(struct kioctx *c) { hook(c); }\n");
  for (const char *Fn : {"stub", "hook"}) {
    const FunctionFacts *F = find(T, Fn);
    ASSERT_NE(F, nullptr) << Fn;
    EXPECT_TRUE(F->IsWeak) << Fn;
  }
  const FunctionFacts *S = find(T, "strong");
  ASSERT_NE(S, nullptr);
  EXPECT_FALSE(S->IsWeak);
}

TEST(Lower, AddressArgumentsAreNonNull) {
  TUFacts T =
      extract("struct rcu_head { void *next; };\n"
              "struct obj { struct rcu_head rcu; struct rcu_head *p; };\n"
              "void kvfree_call(struct rcu_head *head, void *ptr);\n"
              "void f(struct obj *o) {\n"
              "  kvfree_call(&o->rcu, o);\n"
              "  kvfree_call(o->p, (void *)&o->rcu);\n"
              "}\n");
  const FunctionFacts *F = find(T, "f");
  ASSERT_NE(F, nullptr);
  std::vector<std::pair<bool, bool>> Seen;
  for (const Block &B : F->Blocks)
    for (const CallEvent &E : B.Events)
      if (E.Callee == "kvfree_call")
        Seen.push_back({E.Args[0].NonNull, E.Args[1].NonNull});
  std::sort(Seen.begin(), Seen.end());
  EXPECT_EQ(Seen,
            (std::vector<std::pair<bool, bool>>{{false, true}, {true, false}}));
  // Stored as "n" and read back.
  ArgValue A;
  A.K = ArgValue::Kind::Path;
  A.NonNull = true;
  ArgValue B;
  llvm::json::Path::Root R;
  ASSERT_TRUE(fromJSON(toJSON(A), B, R));
  EXPECT_TRUE(B.NonNull);
}

TEST(Lower, ReturnOfTrylockIsRecorded) {
  TUFacts T = extract("static inline int try_ring(struct kioctx *ctx) {\n"
                      "  return mutex_trylock(&ctx->ring_lock) != 0;\n"
                      "}\n"
                      "int g(struct kioctx *c) { return try_ring(c); }\n");
  const FunctionFacts *F = find(T, "try_ring");
  ASSERT_NE(F, nullptr);
  EXPECT_TRUE(F->IsStatic);
  EXPECT_EQ(F->Key, "try_ring@t.c");
  bool Found = false;
  for (const Block &B : F->Blocks)
    if (B.RetEvent >= 0) {
      EXPECT_TRUE(B.RetNonzeroIsSuccess);
      Found = true;
    }
  EXPECT_TRUE(Found);
}

TEST(Lower, UnusedStaticFunctionsAreSkipped) {
  TUFacts T = extract("static void unused(struct kioctx *c) { spin_lock(&c->completion_lock); }\n"
                      "void used(void) {}\n");
  EXPECT_EQ(find(T, "unused"), nullptr);
  EXPECT_NE(find(T, "used"), nullptr);
}

TEST(Lower, HeaderInlinesAreLoweredOnlyWhenReached) {
  // A kernel header defines thousands of static inlines that only other
  // unused inlines refer to: only those reached from the TU's own functions
  // (or stored into an ops table) are lowered.
  const char *Header = "struct lk { int x; };\n"
                       "void spin_lock(struct lk *l);\n"
                       "static inline void leaf(struct lk *l) { spin_lock(l); }\n"
                       "static inline void reached(struct lk *l) { leaf(l); }\n"
                       "static inline void orphan_leaf(struct lk *l) { spin_lock(l); }\n"
                       "static inline void orphan(struct lk *l) { orphan_leaf(l); }\n"
                       "static inline int stored(int x) { return x; }\n";
  llvm::Expected<TUFacts> T = extractFromCode(
      "#include \"h.h\"\n"
      "struct ops { int (*op)(int); };\n"
      "const struct ops my_ops = { .op = stored };\n"
      "void entry(struct lk *l) { reached(l); }\n",
      "t.c", {"-xc"}, "", {{"h.h", Header}});
  ASSERT_TRUE(bool(T)) << llvm::toString(T.takeError());
  EXPECT_NE(find(*T, "entry"), nullptr);
  EXPECT_NE(find(*T, "reached"), nullptr);
  EXPECT_NE(find(*T, "leaf"), nullptr) << "reached through reached()";
  EXPECT_NE(find(*T, "stored"), nullptr) << "stored into ops.op";
  EXPECT_EQ(find(*T, "orphan"), nullptr);
  EXPECT_EQ(find(*T, "orphan_leaf"), nullptr)
      << "referenced, but only by an unreached inline";
}

TEST(Lower, OpsTablesAndIndirectCalls) {
  TUFacts T = extract("struct file_operations { int (*mmap)(int); };\n"
                      "struct file { const struct file_operations *f_op; };\n"
                      "static int my_mmap(int x) { return x; }\n"
                      "const struct file_operations my_fops = { .mmap = my_mmap };\n"
                      "int call(struct file *f) { return f->f_op->mmap(1); }\n"
                      "void set(struct file_operations *o) { o->mmap = &my_mmap; }\n");
  ASSERT_EQ(T.Stores.size(), 1u) << "the initializer and the assignment store the same pair";
  EXPECT_EQ(T.Stores[0].Field, "file_operations.mmap");
  EXPECT_EQ(T.Stores[0].Function, "my_mmap@t.c");
  const FunctionFacts *F = find(T, "call");
  ASSERT_NE(F, nullptr);
  bool Found = false;
  for (const Block &B : F->Blocks)
    for (const CallEvent &E : B.Events)
      if (E.Via == "file_operations.mmap") {
        EXPECT_TRUE(E.Callee.empty());
        Found = true;
      }
  EXPECT_TRUE(Found);
}

TEST(Lower, DesignatedInitializerAloneIsAStore) {
  TUFacts T = extract("struct address_space_operations { int (*migratepage)(int); int (*other)(int); };\n"
                      "static int aio_migratepage(int x) { return x; }\n"
                      "static const struct address_space_operations aio_ctx_aops = {\n"
                      "  .migratepage = aio_migratepage,\n"
                      "};\n"
                      "const void *keep = &aio_ctx_aops;\n");
  ASSERT_EQ(T.Stores.size(), 1u);
  EXPECT_EQ(T.Stores[0].Field, "address_space_operations.migratepage");
  EXPECT_EQ(T.Stores[0].Function, "aio_migratepage@t.c");
  EXPECT_EQ(T.Stores[0].Line, 13u);
}

TEST(Lower, GuardCleanupCallsDestructorWithTheLock) {
  TUFacts T = extract(
      "typedef struct mutex *class_mutex_t;\n"
      "void mutex_lock(struct mutex *m);\n"
      "static inline class_mutex_t class_mutex_constructor(struct mutex *m) { mutex_lock(m); return m; }\n"
      "static inline void class_mutex_destructor(class_mutex_t *p) { mutex_unlock(*p); }\n"
      "void f(struct kioctx *ctx) {\n"
      "  class_mutex_t g __attribute__((cleanup(class_mutex_destructor))) = class_mutex_constructor(&ctx->ring_lock);\n"
      "  spin_lock(&ctx->completion_lock);\n"
      "}\n");
  const FunctionFacts *F = find(T, "f");
  ASSERT_NE(F, nullptr);
  auto Dtor = events(*F, "class_mutex_destructor@t.c");
  ASSERT_EQ(Dtor.size(), 1u);
  EXPECT_TRUE(Dtor[0]->Cleanup);
  EXPECT_EQ(Dtor[0]->Args[0].Steps, std::vector<std::string>{"kioctx.ring_lock"});
}

TEST(Lower, GlobalsAndConstants) {
  TUFacts T = extract("spinlock_t big_lock;\n"
                      "static spinlock_t small_lock;\n"
                      "void spin_lock_nested(spinlock_t *l, int sub);\n"
                      "enum { SINGLE_DEPTH_NESTING = 1 };\n"
                      "void f(void) { spin_lock(&big_lock); spin_lock_nested(&small_lock, SINGLE_DEPTH_NESTING); }\n");
  const FunctionFacts *F = find(T, "f");
  ASSERT_NE(F, nullptr);
  auto A = events(*F, "spin_lock");
  ASSERT_EQ(A.size(), 1u);
  EXPECT_EQ(A[0]->Args[0].R, ArgValue::Root::Global);
  EXPECT_EQ(A[0]->Args[0].RootName, "big_lock");
  auto B = events(*F, "spin_lock_nested");
  ASSERT_EQ(B.size(), 1u);
  EXPECT_EQ(B[0]->Args[0].RootName, "small_lock@t.c");
  EXPECT_EQ(B[0]->Args[1].K, ArgValue::Kind::Int);
  EXPECT_EQ(B[0]->Args[1].Int, 1);
}

} // namespace

TEST(Lower, LineMacroArgumentIsNonzeroNotTheLine) {
  // might_sleep() passes __LINE__: as a number the facts would change with
  // every line added above, and a re-scan could not move the output.
  const char *Code = "void __might_sleep(const char *file, int line);\n"
                     "#define might_sleep() __might_sleep(__FILE__, __LINE__)\n"
                     "void g(int n);\n"
                     "#define id(x) x\n"
                     "#define get(x) ({ might_sleep(); x; })\n"
                     "void f(void) {\n"
                     "  might_sleep();\n"
                     "  g(__LINE__);\n"
                     "  g(7);\n"
                     "  g(id(__LINE__));\n"
                     "  if (__builtin_expect(!!(id(get(1))), 0))\n"
                     "    g(id(id(7)));\n"
                     "}\n";
  TUFacts T = extract(Code);
  const FunctionFacts *F = find(T, "f");
  ASSERT_NE(F, nullptr);
  auto Sleeps = events(*F, "__might_sleep");
  ASSERT_EQ(Sleeps.size(), 2u);
  llvm::sort(Sleeps, [](auto *A, auto *B) { return A->Line < B->Line; });
  EXPECT_EQ(Sleeps[0]->Line, 16u);
  EXPECT_EQ(Sleeps[1]->Line, 20u) << "in a statement expression in macro arguments";
  for (const CallEvent *E : Sleeps) {
    const ArgValue &L = E->Args[1];
    EXPECT_EQ(L.K, ArgValue::Kind::Int);
    EXPECT_EQ(L.Int, 1);
    EXPECT_EQ(L.Text, "__LINE__");
  }
  auto Gs = events(*F, "g");
  ASSERT_EQ(Gs.size(), 4u);
  llvm::sort(Gs, [](auto *A, auto *B) { return A->Line < B->Line; });
  EXPECT_EQ(Gs[0]->Args[0].Text, "__LINE__");
  EXPECT_EQ(Gs[1]->Args[0].Int, 7) << "other literals keep their value";
  EXPECT_EQ(Gs[1]->Args[0].Text, "7");
  EXPECT_EQ(Gs[2]->Args[0].Text, "__LINE__") << "a macro argument";
  EXPECT_EQ(Gs[3]->Args[0].Int, 7) << "a literal through two macro arguments";

  // Three lines above: the same facts, on other lines.
  TUFacts Moved = extract(std::string("\n\n\n") + Code);
  const FunctionFacts *G = find(Moved, "f");
  ASSERT_NE(G, nullptr);
  EXPECT_EQ(G->shape(), F->shape());
  EXPECT_NE(G->lines(), F->lines());
  EXPECT_EQ(G->lines()[0], F->lines()[0] + 3);
}
