//===- RulesTest.cpp - Tests for the rules layer --------------------------===//
//
// Part of lockgraph, a static lock-ordering analyzer for the Linux kernel.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Loads the shipped kernel rules and checks key entries against Linux 6.12,
/// then feeds bad rules files and checks every error names the right file,
/// line and key.
///
//===----------------------------------------------------------------------===//

#include "rules/Rules.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include <cstdlib>

using namespace lockgraph::rules;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

namespace {

/// The error text of E, or "" on success.
std::string errorText(llvm::Error E) {
  if (!E)
    return "";
  return llvm::toString(std::move(E));
}

template <typename T> std::string errorText(llvm::Expected<T> &V) {
  if (V)
    return "";
  return llvm::toString(V.takeError());
}

/// A fresh temporary directory per test, removed afterwards.
class RulesFiles : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("lockgraph-rules", Dir));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(Dir); }

  /// Writes Text to Dir/Name and returns the path.
  std::string write(llvm::StringRef Name, llvm::StringRef Text) {
    llvm::SmallString<256> P(Dir);
    llvm::sys::path::append(P, Name);
    llvm::sys::fs::create_directories(llvm::sys::path::parent_path(P));
    std::error_code EC;
    llvm::raw_fd_ostream OS(P, EC);
    EXPECT_FALSE(EC) << EC.message();
    OS << Text;
    return std::string(P);
  }

  /// Loads one file and returns the error text ("" on success).
  std::string loadError(llvm::StringRef Name, llvm::StringRef Text) {
    std::string P = write(Name, Text);
    llvm::Expected<RuleSet> RS = loadRules({P});
    return errorText(RS);
  }

  llvm::SmallString<256> Dir;
};

//===----------------------------------------------------------------------===//
// Shipped kernel rules
//===----------------------------------------------------------------------===//

class ShippedRules : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    llvm::Expected<RuleSet> Loaded = loadRules({defaultRulesDir()});
    if (!Loaded) {
      LoadError = llvm::toString(Loaded.takeError());
      return;
    }
    RS = new RuleSet(std::move(*Loaded));
  }
  static void TearDownTestSuite() {
    delete RS;
    RS = nullptr;
  }
  void SetUp() override { ASSERT_NE(RS, nullptr) << LoadError; }

  static RuleSet *RS;
  static std::string LoadError;
};

RuleSet *ShippedRules::RS = nullptr;
std::string ShippedRules::LoadError;

TEST(RulesDir, DefaultIsSourceTreeKernelDir) {
  std::string Expected = LOCKGRAPH_SOURCE_DIR "/rules/kernel";
  ASSERT_EQ(::unsetenv("LOCKGRAPH_RULES_DIR"), 0);
  EXPECT_TRUE(llvm::sys::fs::equivalent(defaultRulesDir(), Expected))
      << defaultRulesDir();
}

TEST(RulesDir, EnvironmentOverrides) {
  ASSERT_EQ(::setenv("LOCKGRAPH_RULES_DIR", "/some/where", 1), 0);
  EXPECT_EQ(defaultRulesDir(), "/some/where");
  ASSERT_EQ(::setenv("LOCKGRAPH_RULES_DIR", "", 1), 0);
  EXPECT_NE(defaultRulesDir(), "");
  ASSERT_EQ(::unsetenv("LOCKGRAPH_RULES_DIR"), 0);
}

TEST_F(ShippedRules, LoadsEveryFamilyOnce) {
  std::vector<std::string> Names;
  for (const std::string &F : RS->Files)
    Names.push_back(llvm::sys::path::filename(F).str());
  // Sorted by name, except lockdep.yaml, which journal.yaml includes.
  EXPECT_THAT(Names,
              ElementsAre("alloc.yaml", "bitlock.yaml", "context.yaml", "journal.yaml",
                          "lockdep.yaml", "local_lock.yaml", "mutex.yaml",
                          "nesting.yaml", "percpu-rwsem.yaml", "rwlock.yaml",
                          "rwsem.yaml", "seqlock.yaml", "spinlock.yaml",
                          "uaccess.yaml"));
}

TEST_F(ShippedRules, EveryApiIsWellFormed) {
  for (const auto &E : RS->Apis) {
    const Api &A = E.second;
    SCOPED_TRACE(A.Function);
    EXPECT_EQ(E.first(), A.Function);
    EXPECT_TRUE((A.Arg >= 0) != !A.Lock.empty());
    EXPECT_GT(A.Line, 0u);
    EXPECT_TRUE(llvm::StringRef(A.File).ends_with(".yaml"));
    if (A.Act != Action::Release) {
      EXPECT_TRUE(llvm::is_contained(knownFlavors(), A.Flavor)) << A.Flavor;
    }
  }
  EXPECT_GT(RS->Apis.size(), 150u);
}

TEST_F(ShippedRules, MutexTrylock) {
  const Api *A = RS->api("mutex_trylock");
  ASSERT_NE(A, nullptr);
  EXPECT_EQ(A->Act, Action::Try);
  EXPECT_EQ(A->Arg, 0);
  EXPECT_TRUE(A->SuccessNonzero);
  EXPECT_EQ(A->Flavor, "mutex");
  EXPECT_THAT(A->File, HasSubstr("mutex.yaml"));
}

TEST_F(ShippedRules, MutexVariants) {
  const Api *Nested = RS->api("mutex_lock_nested");
  ASSERT_NE(Nested, nullptr);
  EXPECT_EQ(Nested->Act, Action::Acquire);
  EXPECT_EQ(Nested->SubclassArg, 1);
  const Api *Intr = RS->api("mutex_lock_interruptible_nested");
  ASSERT_NE(Intr, nullptr);
  EXPECT_EQ(Intr->Act, Action::Try);
  EXPECT_FALSE(Intr->SuccessNonzero);
  const Api *Killable = RS->api("mutex_lock_killable");
  ASSERT_NE(Killable, nullptr);
  EXPECT_FALSE(Killable->SuccessNonzero);
  const Api *Unlock = RS->api("mutex_unlock");
  ASSERT_NE(Unlock, nullptr);
  EXPECT_EQ(Unlock->Act, Action::Release);
  // The acquire context of a ww_mutex, the outer lock of *_nest_lock():
  // nest locks; a plain lock has none.
  const Api *WW = RS->api("ww_mutex_lock");
  ASSERT_NE(WW, nullptr);
  EXPECT_EQ(WW->NestArg, 1);
  const Api *NestLock = RS->api("_mutex_lock_nest_lock");
  ASSERT_NE(NestLock, nullptr);
  EXPECT_EQ(NestLock->NestArg, 1);
  EXPECT_EQ(Nested->NestArg, -1);
  ASSERT_NE(RS->api("mutex_lock_io_nested"), nullptr);
  EXPECT_TRUE(RS->LockTypes.contains("mutex"));
}

TEST_F(ShippedRules, LockImplementationsAreInternalAndTheirApisAreRules) {
  EXPECT_EQ(RS->Internal, std::vector<std::string>{"kernel/locking/"});
  // Implemented in kernel/locking/, so they must be rules.
  const Api *WW = RS->api("ww_mutex_lock");
  ASSERT_NE(WW, nullptr);
  EXPECT_EQ(WW->Act, Action::Try);
  EXPECT_TRUE(WW->Blocking);
  EXPECT_FALSE(WW->SuccessNonzero) << "0 when taken, -EDEADLK otherwise";
  const Api *RT = RS->api("rt_mutex_lock_nested");
  ASSERT_NE(RT, nullptr);
  EXPECT_EQ(RT->SubclassArg, 1);
  ASSERT_NE(RS->api("rt_mutex_unlock"), nullptr);
  ASSERT_NE(RS->api("ww_mutex_unlock"), nullptr);
  EXPECT_TRUE(RS->LockTypes.contains("ww_mutex"));
}

TEST_F(ShippedRules, CopyFromUserTouchesMmapLock) {
  const Api *A = RS->api("copy_from_user");
  ASSERT_NE(A, nullptr);
  EXPECT_EQ(A->Act, Action::Touch);
  EXPECT_EQ(A->Lock, "mm_struct.mmap_lock");
  EXPECT_EQ(A->Arg, -1);
  EXPECT_EQ(A->M, Mode::Shared);
  EXPECT_EQ(A->Flavor, "rwsem");
  EXPECT_THAT(A->UnlessHeld, Contains("pagefault_disabled"));
  EXPECT_THAT(A->Tags, Contains("uaccess"));
  EXPECT_THAT(A->Tags, Contains("sleeps"));
  for (const char *F :
       {"_copy_from_user", "__copy_to_user", "strncpy_from_user",
        "__might_fault", "fault_in_iov_iter_readable", "pin_user_pages_fast",
        "copy_page_from_iter", "_copy_to_iter"})
    EXPECT_NE(RS->api(F), nullptr) << F;
}

TEST_F(ShippedRules, GupWithMmapLockHeldIsInert) {
  const Api *A = RS->api("get_user_pages");
  ASSERT_NE(A, nullptr);
  EXPECT_THAT(A->UnlessHeld, Contains("mm_struct.mmap_lock"));
  const Api *Fast = RS->api("get_user_pages_fast");
  ASSERT_NE(Fast, nullptr);
  EXPECT_THAT(Fast->UnlessHeld, ElementsAre("pagefault_disabled"));
}

TEST_F(ShippedRules, NoRuleForNonFaultingCopies) {
  for (const char *F : {"copy_from_user_inatomic", "__copy_from_user_inatomic",
                        "__copy_to_user_inatomic", "copy_from_user_nofault",
                        "copy_to_user_nofault", "copy_page_from_iter_atomic",
                        "get_user_pages_fast_only"})
    EXPECT_EQ(RS->api(F), nullptr) << F;
}

TEST_F(ShippedRules, RwsemNested) {
  const Api *A = RS->api("down_write_nested");
  ASSERT_NE(A, nullptr);
  EXPECT_EQ(A->SubclassArg, 1);
  EXPECT_EQ(A->M, Mode::Exclusive);
  const Api *R = RS->api("down_read");
  ASSERT_NE(R, nullptr);
  EXPECT_EQ(R->M, Mode::Shared);
  const Api *T = RS->api("down_read_trylock");
  ASSERT_NE(T, nullptr);
  EXPECT_EQ(T->Act, Action::Try);
  EXPECT_EQ(T->M, Mode::Shared);
  EXPECT_TRUE(T->SuccessNonzero);
  const Api *K = RS->api("down_write_killable_nested");
  ASSERT_NE(K, nullptr);
  EXPECT_FALSE(K->SuccessNonzero);
  EXPECT_EQ(K->SubclassArg, 1);
  EXPECT_TRUE(RS->LockTypes.contains("rw_semaphore"));
}

TEST_F(ShippedRules, SpinlockInternalNames) {
  const Api *Save = RS->api("_raw_spin_lock_irqsave");
  ASSERT_NE(Save, nullptr);
  EXPECT_EQ(Save->Act, Action::Acquire);
  EXPECT_EQ(Save->Arg, 0);
  EXPECT_EQ(Save->IrqState, Irq::Save);
  EXPECT_EQ(Save->Flavor, "spin");
  // The macro takes (lock, flags, subclass); the function (lock, subclass).
  ASSERT_NE(RS->api("spin_lock_irqsave_nested"), nullptr);
  EXPECT_EQ(RS->api("spin_lock_irqsave_nested")->SubclassArg, 2);
  ASSERT_NE(RS->api("_raw_spin_lock_irqsave_nested"), nullptr);
  EXPECT_EQ(RS->api("_raw_spin_lock_irqsave_nested")->SubclassArg, 1);
  ASSERT_NE(RS->api("spin_lock_bh"), nullptr);
  EXPECT_EQ(RS->api("spin_lock_bh")->IrqState, Irq::Bh);
  ASSERT_NE(RS->api("_raw_spin_lock_irq"), nullptr);
  EXPECT_EQ(RS->api("_raw_spin_lock_irq")->IrqState, Irq::Disable);
  ASSERT_NE(RS->api("_raw_spin_trylock"), nullptr);
  EXPECT_EQ(RS->api("_raw_spin_trylock")->Act, Action::Try);
  ASSERT_NE(RS->api("spin_unlock_irqrestore"), nullptr);
  EXPECT_EQ(RS->api("spin_unlock_irqrestore")->Arg, 0);
  EXPECT_EQ(RS->api("do_raw_spin_lock"), nullptr);
  EXPECT_TRUE(RS->LockTypes.contains("spinlock"));
  EXPECT_TRUE(RS->LockTypes.contains("raw_spinlock"));
}

TEST_F(ShippedRules, RwlockReadersAreRecursive) {
  for (const char *F : {"read_lock", "_raw_read_lock", "_raw_read_lock_irqsave",
                        "_raw_read_trylock"}) {
    const Api *A = RS->api(F);
    ASSERT_NE(A, nullptr) << F;
    EXPECT_EQ(A->M, Mode::RecursiveRead) << F;
    EXPECT_EQ(A->Flavor, "rwlock") << F;
  }
  ASSERT_NE(RS->api("_raw_write_lock"), nullptr);
  EXPECT_EQ(RS->api("_raw_write_lock")->M, Mode::Exclusive);
}

TEST_F(ShippedRules, LockdepAnnotations) {
  const Api *A = RS->api("lock_acquire");
  ASSERT_NE(A, nullptr);
  EXPECT_EQ(A->Arg, 0);
  EXPECT_EQ(A->SubclassArg, 1);
  EXPECT_EQ(A->TryArg, 2);
  EXPECT_EQ(A->ReadArg, 3);
  EXPECT_EQ(A->Flavor, "pseudo");
  EXPECT_EQ(A->modeFor(1), Mode::Shared);
  EXPECT_EQ(A->modeFor(2), Mode::RecursiveRead);
  EXPECT_EQ(A->modeFor(0), Mode::Exclusive);
  EXPECT_EQ(A->modeFor(std::nullopt), Mode::Exclusive);
  const NameApi *N = RS->nameApi("lockdep_init_map");
  ASSERT_NE(N, nullptr);
  EXPECT_EQ(N->Arg, 0);
  EXPECT_EQ(N->NameArg, 1);
  EXPECT_NE(RS->nameApi("lockdep_init_map_type"), nullptr);
  EXPECT_TRUE(RS->LockTypes.contains("lockdep_map"));
}

TEST_F(ShippedRules, PseudoLocks) {
  const Api *J = RS->api("jbd2__journal_start");
  ASSERT_NE(J, nullptr);
  EXPECT_EQ(J->Lock, "jbd2_handle");
  EXPECT_EQ(J->M, Mode::Shared);
  EXPECT_EQ(J->Flavor, "pseudo");
  EXPECT_THAT(J->Tags, Contains("sleeps"));
  ASSERT_NE(RS->api("__ext4_journal_stop"), nullptr);
  EXPECT_EQ(RS->api("__ext4_journal_stop")->Act, Action::Release);
  EXPECT_EQ(RS->api("__ext4_journal_stop")->Lock, "jbd2_handle");
  ASSERT_NE(RS->api("folio_lock"), nullptr);
  EXPECT_EQ(RS->api("folio_lock")->Lock, "PG_locked");
  EXPECT_EQ(RS->api("folio_lock")->Flavor, "bitlock");
  ASSERT_NE(RS->api("__lock_buffer"), nullptr);
  EXPECT_EQ(RS->api("__lock_buffer")->Lock, "BH_Lock");
  ASSERT_NE(RS->api("folio_trylock"), nullptr);
  EXPECT_TRUE(RS->api("folio_trylock")->SuccessNonzero);
  ASSERT_NE(RS->api("pagefault_disable"), nullptr);
  EXPECT_EQ(RS->api("pagefault_disable")->Lock, "pagefault_disabled");
  EXPECT_EQ(RS->api("pagefault_disable")->Flavor, "context");
  EXPECT_EQ(RS->api("pagefault_enable")->Act, Action::Release);
}

TEST_F(ShippedRules, MmapSemAlias) {
  EXPECT_EQ(RS->canonical("mm_struct.mmap_sem"), "mm_struct.mmap_lock");
  EXPECT_EQ(RS->canonical("mm_struct.mmap_lock"), "mm_struct.mmap_lock");
  EXPECT_EQ(RS->canonical("inode.i_rwsem"), "inode.i_rwsem");
}

TEST_F(ShippedRules, SleepUnderSpin) {
  ASSERT_EQ(RS->Nestings.size(), 1u);
  const ForbiddenNesting &F = RS->Nestings[0];
  EXPECT_EQ(F.Name, "sleep-under-spin");
  EXPECT_EQ(F.Message, "sleeping lock acquired while a spinlock is held");
  EXPECT_TRUE(F.Outer.matches("inode.i_lock", "spin", {}));
  EXPECT_TRUE(F.Outer.matches("x", "rwlock", {}));
  EXPECT_FALSE(F.Outer.matches("x", "mutex", {}));
  const Api *Copy = RS->api("copy_from_user");
  EXPECT_TRUE(F.Inner.matches(Copy->Lock, Copy->Flavor, Copy->Tags));
  const Api *Page = RS->api("lock_page");
  EXPECT_TRUE(F.Inner.matches(Page->Lock, Page->Flavor, Page->Tags));
  EXPECT_TRUE(F.Inner.matches("inode.i_rwsem", "rwsem", {}));
  EXPECT_FALSE(F.Inner.matches("inode.i_lock", "spin", {}));
  EXPECT_TRUE(RS->Orders.empty());
}

//===----------------------------------------------------------------------===//
// Loader behaviour
//===----------------------------------------------------------------------===//

TEST_F(RulesFiles, MinimalFileAndDefaults) {
  std::string P = write("a.yaml", "family: test\n"
                                  "apis:\n"
                                  "  - function: my_lock\n"
                                  "    action: acquire\n"
                                  "    arg: 0\n"
                                  "    flavor: mutex\n"
                                  "  - function: my_unlock\n"
                                  "    action: release\n"
                                  "    arg: 0\n");
  llvm::Expected<RuleSet> RS = loadRules({P});
  ASSERT_TRUE(bool(RS)) << errorText(RS);
  const Api *A = RS->api("my_lock");
  ASSERT_NE(A, nullptr);
  EXPECT_EQ(A->Act, Action::Acquire);
  EXPECT_EQ(A->M, Mode::Exclusive);
  EXPECT_EQ(A->IrqState, Irq::None);
  EXPECT_EQ(A->ReadArg, -1);
  EXPECT_EQ(A->SubclassArg, -1);
  EXPECT_EQ(A->TryArg, -1);
  EXPECT_TRUE(A->SuccessNonzero);
  EXPECT_EQ(A->File, P);
  EXPECT_EQ(A->Line, 3u);
  const Api *U = RS->api("my_unlock");
  ASSERT_NE(U, nullptr);
  EXPECT_EQ(U->Line, 7u);
  EXPECT_EQ(U->Flavor, "");
  EXPECT_EQ(RS->api("nope"), nullptr);
  EXPECT_THAT(RS->Files, ElementsAre(P));
}

TEST_F(RulesFiles, AllKeys) {
  std::string P = write(
      "all.yaml",
      "family: all\n"               // 1
      "lock_types: [my_lock_t]\n"   // 2
      "aliases:\n"                  // 3
      "  old.name: new.name\n"      // 4
      "apis:\n"                     // 5
      "  - function: f\n"           // 6
      "    action: try\n"           // 7
      "    arg: 1\n"                // 8
      "    mode: recursive-read\n"  // 9
      "    read_arg: 3\n"           // 10
      "    subclass_arg: 2\n"       // 11
      "    try_arg: 4\n"            // 12
      "    flavor: rwlock\n"        // 13
      "    irq: save\n"             // 14
      "    success: NULL\n"         // 15
      "    tags: [a, b]\n"          // 16
      "    unless_held: old.name\n" // 17
      "  - { function: g, action: touch, lock: old.name, flavor: pseudo }\n"
      "names:\n"                              // 19
      "  - function: init_it\n"               // 20
      "    arg: 2\n"                          // 21
      "    name_arg: 3\n"                     // 22
      "forbid:\n"                             // 23
      "  - name: no-x-in-y\n"                 // 24
      "    outer: { locks: [old.name] }\n"    // 25
      "    inner:\n"                          // 26
      "      tags: [a]\n"                     // 27
      "orders:\n"                             // 28
      "  - name: o\n"                         // 29
      "    before: old.name\n"                // 30
      "    after: other\n"                    // 31
      "    message: \"old before other\"\n"); // 32
  llvm::Expected<RuleSet> RS = loadRules({P});
  ASSERT_TRUE(bool(RS)) << errorText(RS);
  const Api *F = RS->api("f");
  ASSERT_NE(F, nullptr);
  EXPECT_EQ(F->Act, Action::Try);
  EXPECT_EQ(F->Arg, 1);
  EXPECT_EQ(F->M, Mode::RecursiveRead);
  EXPECT_EQ(F->ReadArg, 3);
  EXPECT_EQ(F->SubclassArg, 2);
  EXPECT_EQ(F->TryArg, 4);
  EXPECT_EQ(F->Flavor, "rwlock");
  EXPECT_EQ(F->IrqState, Irq::Save);
  EXPECT_FALSE(F->SuccessNonzero);
  EXPECT_THAT(F->Tags, ElementsAre("a", "b"));
  // loadRules rewrites classes named in rules to their canonical names.
  EXPECT_THAT(F->UnlessHeld, ElementsAre("new.name"));
  const Api *G = RS->api("g");
  ASSERT_NE(G, nullptr);
  EXPECT_EQ(G->Act, Action::Touch);
  EXPECT_EQ(G->Lock, "new.name");
  EXPECT_EQ(G->Line, 18u);
  EXPECT_TRUE(RS->LockTypes.contains("my_lock_t"));
  const NameApi *N = RS->nameApi("init_it");
  ASSERT_NE(N, nullptr);
  EXPECT_EQ(N->Arg, 2);
  EXPECT_EQ(N->NameArg, 3);
  EXPECT_EQ(N->Line, 20u);
  ASSERT_EQ(RS->Nestings.size(), 1u);
  EXPECT_EQ(RS->Nestings[0].Name, "no-x-in-y");
  EXPECT_EQ(RS->Nestings[0].Message, "no-x-in-y"); // defaults to the name
  EXPECT_THAT(RS->Nestings[0].Outer.Locks, ElementsAre("new.name"));
  EXPECT_THAT(RS->Nestings[0].Inner.Tags, ElementsAre("a"));
  EXPECT_EQ(RS->Nestings[0].Line, 24u);
  ASSERT_EQ(RS->Orders.size(), 1u);
  EXPECT_EQ(RS->Orders[0].Before, "new.name");
  EXPECT_EQ(RS->Orders[0].After, "other");
  EXPECT_EQ(RS->Orders[0].Message, "old before other");
  EXPECT_EQ(RS->Orders[0].Line, 29u);
  EXPECT_EQ(RS->Orders[0].File, P);
}

TEST_F(RulesFiles, SuccessSpellings) {
  const char *Yes[] = {"true", "nonzero", "nonnull"};
  const char *No[] = {"false", "0", "NULL"};
  for (const char *S : Yes) {
    std::string P = write("s.yaml", std::string("family: s\napis:\n"
                                                "  - {function: t, action: "
                                                "try, arg: 0, flavor: spin, "
                                                "success: ") +
                                        S + "}\n");
    llvm::Expected<RuleSet> RS = loadRules({P});
    ASSERT_TRUE(bool(RS)) << errorText(RS);
    EXPECT_TRUE(RS->api("t")->SuccessNonzero) << S;
  }
  for (const char *S : No) {
    std::string P = write("s.yaml", std::string("family: s\napis:\n"
                                                "  - {function: t, action: "
                                                "try, arg: 0, flavor: spin, "
                                                "success: ") +
                                        S + "}\n");
    llvm::Expected<RuleSet> RS = loadRules({P});
    ASSERT_TRUE(bool(RS)) << errorText(RS);
    EXPECT_FALSE(RS->api("t")->SuccessNonzero) << S;
  }
}

//===----------------------------------------------------------------------===//
// Errors: file, line and key
//===----------------------------------------------------------------------===//

TEST_F(RulesFiles, UnknownAction) {
  std::string P = write("bad.yaml", "family: x\n"
                                    "apis:\n"
                                    "  - function: f\n"
                                    "    action: aquire\n"
                                    "    arg: 0\n"
                                    "    flavor: spin\n");
  llvm::Expected<RuleSet> RS = loadRules({P});
  EXPECT_EQ(errorText(RS),
            P + ":4: key 'action': unknown action 'aquire' (expected "
                "acquire, release, try, touch)");
}

TEST_F(RulesFiles, UnknownTopLevelKey) {
  std::string P = write("bad.yaml", "family: x\n"
                                    "\n"
                                    "apiss: []\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":3: key 'apiss': unknown top-level key (expected family, "
                "include, lock_types, ignore, opaque, internal, aliases, apis, names, forbid, orders)");
}

TEST_F(RulesFiles, UnknownEntryKey) {
  std::string P = write("bad.yaml", "family: x\n"
                                    "apis:\n"
                                    "  - function: f\n"
                                    "    action: acquire\n"
                                    "    arg: 0\n"
                                    "    flavour: spin\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":6: key 'flavour': unknown key in 'apis' entry (expected "
                "function, action, arg, lock, mode, read_arg, subclass_arg, "
                "try_arg, flavor, irq, success, tags, unless_held, "
                "override, blocking, if_arg, if_mask, nest_arg)");
}

TEST_F(RulesFiles, UnknownSelectorKey) {
  std::string P = write("bad.yaml", "family: x\n"
                                    "forbid:\n"
                                    "  - name: n\n"
                                    "    outer: { flavors: [spin] }\n"
                                    "    inner:\n"
                                    "      lokcs: [a]\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":6: key 'lokcs': unknown key in 'inner' (expected locks, "
                "flavors, tags)");
}

TEST_F(RulesFiles, DuplicateKey) {
  std::string P = write("bad.yaml", "family: x\n"
                                    "apis:\n"
                                    "  - function: f\n"
                                    "    action: acquire\n"
                                    "    action: release\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":5: key 'action': duplicate key");
}

TEST_F(RulesFiles, MissingFamily) {
  std::string P = write("bad.yaml", "# comment\n"
                                    "apis: []\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":2: key 'family': missing required key");
  std::string Empty = write("empty.yaml", "");
  EXPECT_EQ(errorText(loadRules({Empty}).takeError()),
            Empty + ":1: key 'family': missing required key");
}

TEST_F(RulesFiles, MissingRequiredEntryKeys) {
  std::string P = write("bad.yaml", "family: x\n"
                                    "apis:\n"
                                    "  - function: f\n"
                                    "    arg: 0\n"
                                    "    flavor: spin\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":3: key 'action': missing required key");
  P = write("bad.yaml", "family: x\n"
                        "apis:\n"
                        "  - action: acquire\n"
                        "    arg: 0\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":3: key 'function': missing required key");
  P = write("bad.yaml", "family: x\n"
                        "apis:\n"
                        "  - function: f\n"
                        "    action: acquire\n"
                        "    arg: 0\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":3: key 'flavor': missing required key for action "
                "'acquire'");
  P = write("bad.yaml", "family: x\n"
                        "forbid:\n"
                        "  - name: n\n"
                        "    outer: { flavors: [spin] }\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":3: key 'inner': missing required key");
  P = write("bad.yaml", "family: x\n"
                        "orders:\n"
                        "  - name: o\n"
                        "    before: a\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":3: key 'after': missing required key");
  P = write("bad.yaml", "family: x\n"
                        "names:\n"
                        "  - arg: 0\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":3: key 'function': missing required key");
}

TEST_F(RulesFiles, BadEnums) {
  std::string P = write("bad.yaml", "family: x\n"
                                    "apis:\n"
                                    "  - function: f\n"
                                    "    action: acquire\n"
                                    "    arg: 0\n"
                                    "    flavor: spin\n"
                                    "    mode: read\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":7: key 'mode': unknown mode 'read' (expected exclusive, "
                "shared, recursive-read)");
  P = write("bad.yaml", "family: x\n"
                        "apis:\n"
                        "  - function: f\n"
                        "    action: acquire\n"
                        "    arg: 0\n"
                        "    irq: restore\n"
                        "    flavor: spin\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":6: key 'irq': unknown irq 'restore' (expected none, "
                "disable, save, bh)");
  P = write("bad.yaml", "family: x\n"
                        "apis:\n"
                        "  - function: f\n"
                        "    action: try\n"
                        "    arg: 0\n"
                        "    flavor: spin\n"
                        "    success: maybe\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":7: key 'success': unknown success value 'maybe' (expected "
                "true, nonzero, nonnull, false, 0, NULL)");
  P = write("bad.yaml", "family: x\n"
                        "apis:\n"
                        "  - function: f\n"
                        "    action: acquire\n"
                        "    override: sure\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":5: key 'override': expected true or false, got 'sure'");
}

TEST_F(RulesFiles, UnknownFlavor) {
  std::string P = write("bad.yaml", "family: x\n"
                                    "apis:\n"
                                    "  - function: f\n"
                                    "    action: acquire\n"
                                    "    arg: 0\n"
                                    "    flavor: spinlock\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":6: key 'flavor': unknown flavor 'spinlock' (expected spin, "
                "mutex, rwsem, rwlock, percpu-rwsem, seqlock, bitlock, "
                "pseudo, region, context)");
  P = write("bad.yaml", "family: x\n"
                        "forbid:\n"
                        "  - name: n\n"
                        "    outer:\n"
                        "      flavors:\n"
                        "        - spin\n"
                        "        - sleepy\n"
                        "    inner: { tags: [t] }\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":7: key 'flavors': unknown flavor 'sleepy' (expected spin, "
                "mutex, rwsem, rwlock, percpu-rwsem, seqlock, bitlock, "
                "pseudo, region, context)");
}

TEST_F(RulesFiles, ArgAndLock) {
  std::string P = write("bad.yaml", "family: x\n"
                                    "apis:\n"
                                    "  - function: f\n"
                                    "    action: acquire\n"
                                    "    arg: 0\n"
                                    "    lock: fixed\n"
                                    "    flavor: spin\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":6: key 'lock': 'arg' and 'lock' are mutually exclusive "
                "(give exactly one)");
  P = write("bad.yaml", "family: x\n"
                        "apis:\n"
                        "  - function: f\n"
                        "    action: acquire\n"
                        "    flavor: spin\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":3: key 'arg': missing required key (give 'arg' or 'lock')");
}

TEST_F(RulesFiles, SuccessOnlyOnTry) {
  std::string P = write("bad.yaml", "family: x\n"
                                    "apis:\n"
                                    "  - function: f\n"
                                    "    success: 0\n"
                                    "    action: acquire\n"
                                    "    arg: 0\n"
                                    "    flavor: spin\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":4: key 'success': only allowed with action 'try' (action "
                "is 'acquire')");
  P = write("bad.yaml", "family: x\n"
                        "apis:\n"
                        "  - function: ok\n"
                        "    action: try\n"
                        "    arg: 0\n"
                        "    flavor: spin\n"
                        "    success: true\n"
                        "  - function: f\n"
                        "    action: try\n"
                        "    arg: 0\n"
                        "    flavor: spin\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":8: key 'success': missing required key for action 'try'");
}

TEST_F(RulesFiles, BadIndices) {
  std::string P = write("bad.yaml", "family: x\n"
                                    "apis:\n"
                                    "  - function: f\n"
                                    "    action: acquire\n"
                                    "    arg: -1\n"
                                    "    flavor: spin\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":5: key 'arg': index must be non-negative, got -1");
  P = write("bad.yaml", "family: x\n"
                        "apis:\n"
                        "  - function: f\n"
                        "    action: acquire\n"
                        "    arg: 0\n"
                        "    subclass_arg: first\n"
                        "    flavor: spin\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":6: key 'subclass_arg': expected a non-negative integer, "
                "got 'first'");
  P = write("bad.yaml", "family: x\n"
                        "names:\n"
                        "  - function: f\n"
                        "    name_arg: [1]\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":4: key 'name_arg': expected a non-negative integer");
}

TEST_F(RulesFiles, WrongShapes) {
  std::string P = write("bad.yaml", "family: [x]\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":1: key 'family': expected a string");
  P = write("bad.yaml", "family: x\n"
                        "apis:\n"
                        "  function: f\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":2: key 'apis': expected a list of mappings with keys "
                "function, action, arg, lock, mode, read_arg, "
                "subclass_arg, try_arg, flavor, irq, success, tags, "
                "unless_held, override, blocking, if_arg, if_mask, nest_arg");
  P = write("bad.yaml", "family: x\n"
                        "apis:\n"
                        "  - mutex_lock\n");
  EXPECT_THAT(errorText(loadRules({P}).takeError()),
              StartsWith(P + ":3: key 'apis': expected a mapping with keys "
                             "function,"));
  P = write("bad.yaml", "family: x\n"
                        "lock_types:\n"
                        "  - a\n"
                        "  - { b: c }\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":4: key 'lock_types': expected a list of strings");
  P = write("bad.yaml", "- family: x\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":1: expected a mapping at the top level (family, apis, ...)");
  P = write("bad.yaml", "family: x\n"
                        "forbid:\n"
                        "  - name: n\n"
                        "    outer: { locks: [] }\n"
                        "    inner: { tags: [t] }\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":4: key 'outer': at least one of locks, flavors, tags must "
                "be non-empty");
  P = write("bad.yaml", "family: x\n"
                        "apis:\n"
                        "  - function: \"\"\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":3: key 'function': must not be empty");
}

TEST_F(RulesFiles, SyntaxErrors) {
  std::string P = write("bad.yaml", "family: x\n"
                                    "apis:\n"
                                    "  - { function: f, action: acquire\n"
                                    "  - function: g\n");
  std::string Msg = errorText(loadRules({P}).takeError());
  EXPECT_THAT(Msg, StartsWith(P + ":"));
  EXPECT_THAT(Msg, ::testing::Not(HasSubstr("key '")));

  P = write("bad.yaml", "family: x\n"
                        "apis:\n"
                        "\t- function: f\n");
  Msg = errorText(loadRules({P}).takeError());
  EXPECT_THAT(Msg, StartsWith(P + ":3: "));

  P = write("bad.yaml", "family: x\n"
                        "apis: [\n");
  Msg = errorText(loadRules({P}).takeError());
  EXPECT_THAT(Msg, StartsWith(P + ":"));

  P = write("bad.yaml", "family: x\n"
                        "---\n"
                        "family: y\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":3: only one YAML document per rules file");

  P = write("bad.yaml", "family: &f x\n"
                        "include: *f\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":2: key 'include': YAML aliases (*name) are not supported");
}

TEST_F(RulesFiles, GarbageNeverCrashes) {
  const char *Inputs[] = {
      "family: x\napis:\n  - function: f\n    action: [acquire\n",
      "{{{{",
      "]]]",
      "family: \"unterminated\n",
      "? complex key\n: value\n",
      "family: x\napis:\n  - ? [a]\n    : b\n",
      "family: x\naliases: [a, b]\n",
      "family: x\naliases:\n  a:\n",
      "\xff\xfe\x00garbage",
      "family: x\norders:\n  - name: o\n    before: a\n    after: a\n",
      "%YAML 1.2\n---\nfamily: x\n",
      "family: !!str x\n",
      "family: |\n  block\n",
  };
  for (const char *In : Inputs) {
    std::string P = write("g.yaml", In);
    llvm::Expected<RuleSet> RS = loadRules({P});
    std::string Msg = errorText(RS);
    // Whatever happens, no crash, and an error names the file.
    if (!Msg.empty()) {
      EXPECT_THAT(Msg, StartsWith(P + ":")) << In;
    }
  }
  std::string P = write("o.yaml", "family: x\n"
                                  "orders:\n"
                                  "  - name: o\n"
                                  "    before: a\n"
                                  "    after: a\n");
  EXPECT_EQ(errorText(loadRules({P}).takeError()),
            P + ":5: key 'after': same class as 'before' ('a')");
}

TEST_F(RulesFiles, MissingFile) {
  std::string P = std::string(Dir) + "/nope.yaml";
  EXPECT_THAT(errorText(loadRules({P}).takeError()),
              StartsWith(P + ": cannot open rules file: "));
}

//===----------------------------------------------------------------------===//
// Includes, duplicates, directories
//===----------------------------------------------------------------------===//

TEST_F(RulesFiles, MissingInclude) {
  std::string P = write("a.yaml", "family: a\n"
                                  "include:\n"
                                  "  - there.yaml\n"
                                  "  - missing.yaml\n");
  write("there.yaml", "family: there\n");
  std::string Msg = errorText(loadRules({P}).takeError());
  EXPECT_THAT(Msg, StartsWith(P + ":4: key 'include': cannot open "
                                  "'missing.yaml' (resolved to '"));
  EXPECT_THAT(Msg, HasSubstr("missing.yaml'): "));
}

TEST_F(RulesFiles, IncludeCycleLoadsEachFileOnce) {
  std::string A = write("a.yaml", "family: a\n"
                                  "include: [sub/b.yaml]\n"
                                  "apis:\n"
                                  "  - {function: fa, action: touch, lock: "
                                  "x, flavor: pseudo}\n");
  std::string B = write("sub/b.yaml", "family: b\n"
                                      "include: [../a.yaml, c.yaml]\n"
                                      "apis:\n"
                                      "  - {function: fb, action: touch, "
                                      "lock: x, flavor: pseudo}\n");
  write("sub/c.yaml", "family: c\n"
                      "include: b.yaml\n");
  llvm::Expected<RuleSet> RS = loadRules({A, B});
  ASSERT_TRUE(bool(RS)) << errorText(RS);
  ASSERT_EQ(RS->Files.size(), 3u);
  EXPECT_EQ(RS->Files[0], A);
  EXPECT_TRUE(llvm::sys::fs::equivalent(RS->Files[1], B));
  EXPECT_EQ(llvm::sys::path::filename(RS->Files[2]), "c.yaml");
  EXPECT_NE(RS->api("fa"), nullptr);
  EXPECT_NE(RS->api("fb"), nullptr);
}

TEST_F(RulesFiles, SelfInclude) {
  std::string A = write("a.yaml", "family: a\ninclude: [a.yaml]\n");
  llvm::Expected<RuleSet> RS = loadRules({A});
  ASSERT_TRUE(bool(RS)) << errorText(RS);
  EXPECT_EQ(RS->Files.size(), 1u);
}

TEST_F(RulesFiles, DuplicateFunction) {
  std::string A = write("a.yaml", "family: a\n"
                                  "apis:\n"
                                  "  - function: f\n"
                                  "    action: acquire\n"
                                  "    arg: 0\n"
                                  "    flavor: mutex\n");
  std::string B = write("b.yaml", "family: b\n"
                                  "apis:\n"
                                  "  - action: acquire\n"
                                  "    function: f\n"
                                  "    arg: 1\n"
                                  "    flavor: mutex\n");
  EXPECT_EQ(errorText(loadRules({A, B}).takeError()),
            B +
                ":4: key 'function': duplicate function 'f' (first declared "
                "at " +
                A + ":3; add 'override: true' to redefine it)");

  std::string Same = write("same.yaml", "family: s\n"
                                        "apis:\n"
                                        "  - {function: g, action: release, "
                                        "arg: 0}\n"
                                        "  - {function: g, action: release, "
                                        "arg: 0}\n");
  EXPECT_EQ(errorText(loadRules({Same}).takeError()),
            Same +
                ":4: key 'function': duplicate function 'g' (first "
                "declared at " +
                Same + ":3; add 'override: true' to redefine it)");

  std::string N = write("n.yaml", "family: n\n"
                                  "names:\n"
                                  "  - function: lockdep_init_map\n");
  llvm::Expected<RuleSet> Shipped = loadRules({defaultRulesDir()});
  ASSERT_TRUE(bool(Shipped)) << errorText(Shipped);
  const NameApi *Prev = Shipped->nameApi("lockdep_init_map");
  ASSERT_NE(Prev, nullptr);
  EXPECT_EQ(errorText(loadRules({defaultRulesDir(), N}).takeError()),
            N +
                ":3: key 'function': duplicate function 'lockdep_init_map' "
                "(first declared at " +
                Prev->File + ":" + std::to_string(Prev->Line) +
                "; add 'override: true' to redefine it)");
  EXPECT_THAT(Prev->File, HasSubstr("lockdep.yaml"));
}

TEST_F(RulesFiles, OverrideReplaces) {
  std::string A = write("a.yaml", "family: a\n"
                                  "apis:\n"
                                  "  - {function: f, action: acquire, arg: "
                                  "0, flavor: mutex}\n");
  std::string B = write("b.yaml", "family: b\n"
                                  "apis:\n"
                                  "  - function: f\n"
                                  "    action: acquire\n"
                                  "    arg: 1\n"
                                  "    flavor: rwsem\n"
                                  "    override: true\n");
  llvm::Expected<RuleSet> RS = loadRules({A, B});
  ASSERT_TRUE(bool(RS)) << errorText(RS);
  const Api *F = RS->api("f");
  ASSERT_NE(F, nullptr);
  EXPECT_EQ(F->Arg, 1);
  EXPECT_EQ(F->Flavor, "rwsem");
  EXPECT_EQ(F->File, B);
  EXPECT_EQ(F->Line, 3u);

  // A user file overriding a shipped rule.
  std::string U = write("u.yaml", "family: user\n"
                                  "apis:\n"
                                  "  - function: mutex_lock\n"
                                  "    action: acquire\n"
                                  "    arg: 0\n"
                                  "    flavor: mutex\n"
                                  "    tags: [custom]\n"
                                  "    override: true\n");
  RS = loadRules({defaultRulesDir(), U});
  ASSERT_TRUE(bool(RS)) << errorText(RS);
  EXPECT_THAT(RS->api("mutex_lock")->Tags, ElementsAre("custom"));
}

TEST_F(RulesFiles, IncludedFileDeclaresFirst) {
  // The including file's entries come after the included file's, so the
  // including file may override them.
  write("base.yaml", "family: base\n"
                     "apis:\n"
                     "  - {function: f, action: acquire, arg: 0, flavor: "
                     "spin}\n");
  std::string Top = write("top.yaml", "family: top\n"
                                      "include: [base.yaml]\n"
                                      "apis:\n"
                                      "  - {function: f, action: acquire, "
                                      "arg: 2, flavor: spin, override: "
                                      "true}\n");
  llvm::Expected<RuleSet> RS = loadRules({Top});
  ASSERT_TRUE(bool(RS)) << errorText(RS);
  EXPECT_EQ(RS->api("f")->Arg, 2);
}

TEST_F(RulesFiles, DirectoryLoadOrder) {
  std::string Z = write("rules/z.yaml", "family: z\n");
  std::string A = write("rules/a.yaml", "family: a\n");
  std::string M = write("rules/m.yaml", "family: m\n");
  write("rules/notes.txt", "not yaml: [");
  write("rules/sub/deeper.yaml", "family: [broken\n");
  llvm::SmallString<256> D(Dir);
  llvm::sys::path::append(D, "rules");
  llvm::Expected<RuleSet> RS = loadRules({std::string(D)});
  ASSERT_TRUE(bool(RS)) << errorText(RS);
  EXPECT_THAT(RS->Files, ElementsAre(A, M, Z));
  // Loading the same directory again, or a file in it, adds nothing.
  RS = loadRules({std::string(D), A, std::string(D)});
  ASSERT_TRUE(bool(RS)) << errorText(RS);
  EXPECT_THAT(RS->Files, ElementsAre(A, M, Z));
}

TEST_F(RulesFiles, ErrorInIncludedFileNamesThatFile) {
  std::string Top = write("top.yaml", "family: top\n"
                                      "include: inc.yaml\n");
  std::string Inc = write("inc.yaml", "family: inc\n"
                                      "apis:\n"
                                      "  - function: f\n"
                                      "    action: grab\n");
  EXPECT_EQ(errorText(loadRules({Top}).takeError()),
            Inc + ":4: key 'action': unknown action 'grab' (expected "
                  "acquire, release, try, touch)");
}

TEST_F(RulesFiles, LoadRuleFileInto) {
  std::string A = write("a.yaml", "family: a\n"
                                  "aliases: { x.old: x.new }\n"
                                  "apis:\n"
                                  "  - {function: f, action: touch, lock: "
                                  "x.old, flavor: pseudo}\n");
  RuleSet RS;
  ASSERT_FALSE(errorText(loadRuleFile(A, RS)).size());
  EXPECT_THAT(RS.Files, ElementsAre(A));
  // loadRuleFile keeps names as written; canonical() maps them.
  EXPECT_EQ(RS.api("f")->Lock, "x.old");
  EXPECT_EQ(RS.canonical(RS.api("f")->Lock), "x.new");
  // A second load of the same file is a no-op.
  ASSERT_FALSE(errorText(loadRuleFile(A, RS)).size());
  EXPECT_EQ(RS.Files.size(), 1u);
}

TEST_F(RulesFiles, DocumentationExamplesLoad) {
  // Every complete example in docs/rules.md (a block starting with
  // `family:`) is a valid rules file.
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> Doc =
      llvm::MemoryBuffer::getFile(LOCKGRAPH_SOURCE_DIR "/docs/rules.md");
  ASSERT_TRUE(bool(Doc)) << Doc.getError().message();
  llvm::StringRef Rest = (*Doc)->getBuffer();
  unsigned Checked = 0;
  while (true) {
    size_t Start = Rest.find("```yaml\n");
    if (Start == llvm::StringRef::npos)
      break;
    Rest = Rest.drop_front(Start + 8);
    size_t End = Rest.find("```");
    ASSERT_NE(End, llvm::StringRef::npos);
    llvm::StringRef Block = Rest.take_front(End);
    Rest = Rest.drop_front(End + 3);
    if (!Block.starts_with("family:") || Block.contains("include:"))
      continue;
    std::string P = write("doc" + std::to_string(Checked++) + ".yaml", Block);
    llvm::Expected<RuleSet> RS = loadRules({P});
    EXPECT_TRUE(bool(RS)) << errorText(RS) << "\n" << Block.str();
  }
  EXPECT_GE(Checked, 5u);
}

//===----------------------------------------------------------------------===//
// Selector, aliases, names
//===----------------------------------------------------------------------===//

TEST(Selector, Matches) {
  Selector S;
  S.Locks = {"inode.i_lock"};
  S.Flavors = {"spin", "rwlock"};
  S.Tags = {"uaccess"};
  EXPECT_TRUE(S.matches("inode.i_lock", "mutex", {}));
  EXPECT_TRUE(S.matches("other", "spin", {}));
  EXPECT_TRUE(S.matches("other", "rwlock", {}));
  EXPECT_TRUE(S.matches("other", "mutex", {"sleeps", "uaccess"}));
  EXPECT_FALSE(S.matches("other", "mutex", {"sleeps"}));
  EXPECT_FALSE(S.matches("", "", {}));
  Selector Empty;
  EXPECT_FALSE(Empty.matches("inode.i_lock", "spin", {"uaccess"}));
  Selector TagsOnly;
  TagsOnly.Tags = {"sleeps"};
  EXPECT_TRUE(TagsOnly.matches("x", "", {"sleeps"}));
  EXPECT_FALSE(TagsOnly.matches("sleeps", "sleeps", {}));
}

TEST(RuleSet, CanonicalFollowsChainsAndStopsOnCycles) {
  RuleSet RS;
  RS.Aliases["a"] = "b";
  RS.Aliases["b"] = "c";
  RS.Aliases["x"] = "y";
  RS.Aliases["y"] = "x";
  RS.Aliases["self"] = "self";
  EXPECT_EQ(RS.canonical("a"), "c");
  EXPECT_EQ(RS.canonical("b"), "c");
  EXPECT_EQ(RS.canonical("c"), "c");
  EXPECT_EQ(RS.canonical("self"), "self");
  llvm::StringRef Cyc = RS.canonical("x");
  EXPECT_TRUE(Cyc == "x" || Cyc == "y");
  // A chain longer than 8 steps stops after 8.
  RuleSet Long;
  for (int I = 0; I < 12; ++I)
    Long.Aliases["c" + std::to_string(I)] = "c" + std::to_string(I + 1);
  EXPECT_EQ(Long.canonical("c0"), "c8");
}

TEST(RuleSet, LookupsOnEmptySet) {
  RuleSet RS;
  EXPECT_EQ(RS.api("mutex_lock"), nullptr);
  EXPECT_EQ(RS.nameApi("lockdep_init_map"), nullptr);
  EXPECT_EQ(RS.canonical("a.b"), "a.b");
}

TEST(Names, RoundTrip) {
  for (Action A :
       {Action::Acquire, Action::Release, Action::Try, Action::Touch})
    EXPECT_EQ(parseAction(actionName(A)), A);
  for (Mode M : {Mode::Exclusive, Mode::Shared, Mode::RecursiveRead})
    EXPECT_EQ(parseMode(modeName(M)), M);
  for (Irq I : {Irq::None, Irq::Disable, Irq::Save, Irq::Bh})
    EXPECT_EQ(parseIrq(irqName(I)), I);
  EXPECT_EQ(parseAction("aquire"), std::nullopt);
  EXPECT_EQ(knownFlavors().size(), 10u);
}

} // namespace

namespace {
TEST_F(ShippedRules, RcuMapsAreIgnored) {
  EXPECT_TRUE(RS->Ignored.count("rcu_lock_map"));
  EXPECT_TRUE(RS->Ignored.count("rcu_sched_lock_map"));
  EXPECT_FALSE(RS->Ignored.count("mm_struct.mmap_lock"));
}
} // namespace

namespace {
TEST_F(ShippedRules, KillableVariantsAreBlockingConditionalLocks) {
  const lockgraph::rules::Api *K = RS->api("down_write_killable");
  ASSERT_NE(K, nullptr);
  EXPECT_EQ(K->Act, lockgraph::rules::Action::Try);
  EXPECT_TRUE(K->Blocking);
  EXPECT_FALSE(K->SuccessNonzero);
  ASSERT_NE(RS->api("mutex_lock_interruptible"), nullptr);
  EXPECT_TRUE(RS->api("mutex_lock_interruptible")->Blocking);
  EXPECT_FALSE(RS->api("mutex_trylock")->Blocking);
}
} // namespace

namespace {
TEST_F(ShippedRules, AllocationTouchesFsReclaimOnlyWithReclaimFlags) {
  const lockgraph::rules::Api *K = RS->api("kmem_cache_alloc_noprof");
  ASSERT_NE(K, nullptr);
  EXPECT_EQ(K->Act, lockgraph::rules::Action::Touch);
  EXPECT_EQ(K->Lock, "fs_reclaim");
  EXPECT_EQ(K->IfArg, 1);
  EXPECT_EQ(K->IfMask, 0x480u);
  EXPECT_EQ(RS->api("vmalloc_noprof")->IfArg, -1);
}

TEST(RulesFilesCond, IfArgAndIfMaskGoTogether) {
  llvm::SmallString<128> P;
  llvm::sys::fs::createTemporaryFile("cond", "yaml", P);
  {
    std::error_code EC;
    llvm::raw_fd_ostream OS(P, EC);
    OS << "family: x\napis:\n  - function: f\n    action: touch\n"
          "    lock: fs_reclaim\n    flavor: pseudo\n    if_arg: 0\n";
  }
  auto R = lockgraph::rules::loadRules({std::string(P)});
  ASSERT_FALSE(bool(R));
  EXPECT_EQ(llvm::toString(R.takeError()),
            std::string(P) + ":3: key 'if_mask': 'if_arg' and 'if_mask' go together");
}
} // namespace

namespace {
TEST_F(ShippedRules, DowngradeWriteIsOpaque) {
  EXPECT_TRUE(RS->Opaque.count("downgrade_write"));
  EXPECT_EQ(RS->api("downgrade_write"), nullptr);
}

TEST_F(ShippedRules, PanicIsOpaque) {
  EXPECT_TRUE(RS->Opaque.count("panic"));
  EXPECT_EQ(RS->api("panic"), nullptr);
}

TEST_F(ShippedRules, NovalidateKeyIsRecognisedOnLockdepInitMaps) {
  for (const char *F : {"lockdep_init_map", "lockdep_init_map_wait",
                        "lockdep_init_map_waits", "lockdep_init_map_type"}) {
    const lockgraph::rules::NameApi *N = RS->nameApi(F);
    ASSERT_NE(N, nullptr) << F;
    EXPECT_EQ(N->KeyArg, 2) << F;
    EXPECT_EQ(N->NoValidateKey, "__lockdep_no_validate__") << F;
  }
}

TEST(RulesFilesNames, NoValidateKeyNeedsKeyArgAndNameArgMayBeNone) {
  llvm::SmallString<128> P;
  llvm::sys::fs::createTemporaryFile("names", "yaml", P);
  auto Write = [&](const char *Text) {
    std::error_code EC;
    llvm::raw_fd_ostream OS(P, EC);
    OS << Text;
  };
  Write("family: x\nnames:\n  - function: f\n    no_validate_key: k\n");
  auto R = lockgraph::rules::loadRules({std::string(P)});
  ASSERT_FALSE(bool(R));
  EXPECT_EQ(llvm::toString(R.takeError()),
            std::string(P) + ":3: key 'no_validate_key': needs 'key_arg'");
  // A key alone, on a call that does not name the class.
  Write("family: x\nnames:\n  - function: f\n    name_arg: none\n"
        "    key_arg: 2\n");
  R = lockgraph::rules::loadRules({std::string(P)});
  ASSERT_TRUE(bool(R)) << llvm::toString(R.takeError());
  const lockgraph::rules::NameApi *N = R->nameApi("f");
  ASSERT_NE(N, nullptr);
  EXPECT_EQ(N->NameArg, -1);
  EXPECT_EQ(N->KeyArg, 2);
  EXPECT_TRUE(N->NoValidateKey.empty());
}
} // namespace

namespace {
TEST_F(ShippedRules, SeqcountMembersAreLockInternals) {
  EXPECT_TRUE(RS->LockTypes.count("seqcount"));
  EXPECT_TRUE(RS->LockTypes.count("seqcount_spinlock"));
  EXPECT_TRUE(RS->LockTypes.count("lockdep_map"));
}
} // namespace
