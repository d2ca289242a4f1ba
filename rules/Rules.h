//===- Rules.h - Lock APIs and constraints, as data -------------*- C++ -*-===//
//
// Rules say which functions acquire, release or try-acquire which lock, in
// which mode, and which nestings and orders are forbidden. They are YAML
// files, one family per file (spinlock.yaml, mutex.yaml, ...), parsed with
// llvm::yaml; an error names the file, the line and the key.
//
// Nothing here depends on Clang: the global step applies rules to stored
// facts.
//
//===----------------------------------------------------------------------===//

#ifndef LOCKGRAPH_RULES_RULES_H
#define LOCKGRAPH_RULES_RULES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lockgraph::rules {

enum class Action {
  Acquire, ///< the lock is held after the call
  Release, ///< the lock is no longer held after the call
  Try,     ///< held after the call when the result meets `success`
  Touch,   ///< acquired and released inside the call (might_lock, uaccess)
};

/// Lockdep's modes: exclusive, shared (non-recursive read, rwsem readers),
/// recursive read (rwlock readers).
enum class Mode : uint8_t { Exclusive, Shared, RecursiveRead };

/// Interrupt state change made by the API (recorded on acquisitions).
enum class Irq : uint8_t { None, Disable, Save, Bh };

/// One lock API: `function` acquires/releases the lock named by argument
/// `arg` (or the fixed class `lock` for pseudo-locks).
struct Api {
  std::string Function;
  Action Act = Action::Acquire;
  /// Index of the lock argument; -1 when Lock names a fixed class.
  int Arg = -1;
  /// Fixed class for pseudo-locks ("jbd2_handle", "mm_struct.mmap_lock").
  std::string Lock;
  Mode M = Mode::Exclusive;
  /// Lockdep-style `read` argument (0 exclusive, 1 shared, 2 recursive);
  /// overrides M when >= 0.
  int ReadArg = -1;
  /// Argument holding the lockdep subclass (`_nested` variants).
  int SubclassArg = -1;
  /// Argument that, when non-zero, makes the acquisition a trylock.
  int TryArg = -1;
  /// Argument naming a nest lock (ww_mutex_lock()'s ww_acquire_ctx,
  /// mutex_lock_nest_lock()'s outer lock): unless it is NULL, lockdep lets
  /// several instances of the class be held at once, so the acquisition
  /// is no self-deadlock with another of its class.
  int NestArg = -1;
  /// The API acts only when argument IfArg has every bit of IfMask set
  /// (fs_reclaim_acquire(gfp) takes fs_reclaim only for __GFP_FS |
  /// __GFP_DIRECT_RECLAIM); when the value is not a known constant, it acts.
  int IfArg = -1;
  uint64_t IfMask = 0;
  /// spin, mutex, rwsem, rwlock, percpu-rwsem, seqlock, bitlock, pseudo,
  /// region (a section with constraints), context (pagefault_disable).
  std::string Flavor;
  Irq IrqState = Irq::None;
  /// For Try: acquired when the result is non-zero (true, nonzero, nonnull)
  /// or zero (false, 0, NULL).
  bool SuccessNonzero = true;
  /// For Try: the call waits for the lock and fails only on a signal
  /// (the _killable and _interruptible variants). It is held only when it
  /// succeeded, like a trylock, but orders like a plain acquisition.
  bool Blocking = false;
  /// Free-form tags matched by constraints ("uaccess", "sleeps").
  std::vector<std::string> Tags;
  /// The API is inert while any of these classes is held
  /// (uaccess under "pagefault_disabled").
  std::vector<std::string> UnlessHeld;
  /// Where it was declared.
  std::string File;
  unsigned Line = 0;

  /// The mode of one call: M, or the mode lockdep gives the value of the
  /// ReadArg argument (0 exclusive, 1 shared, 2 recursive read) when the
  /// API has a ReadArg and the value is known.
  Mode modeFor(std::optional<int64_t> ReadValue) const;
};

/// A call that gives a lock class its lockdep name:
/// `lockdep_init_map(&j->j_trans_commit_map, "jbd2_handle", ...)`.
struct NameApi {
  std::string Function;
  int Arg = 0;
  /// -1 (`name_arg: none`): the call keys the class but does not name it
  /// (`__mutex_init(lock, #lock, &__key)` spells the source expression).
  int NameArg = 1;
  /// A call annotates the class so that two of its instances may nest
  /// (lock_set_cmp_fn()); with SubclassArg, only when that argument is a
  /// non-zero constant (lockdep_set_subclass() at initialisation).
  bool Nests = false;
  int SubclassArg = -1;
  /// The lock_class_key argument. Lockdep keys a class by it: a class
  /// given a key computed at run time (a parameter's, `&ks->keys[level]`)
  /// or two different static keys is several lockdep classes. A call
  /// whose KeyArg is `&NoValidateKey` (lockdep_set_novalidate_class()
  /// passes &__lockdep_no_validate__) makes a class lockdep never
  /// validates: it orders nothing, as if it were ignored.
  int KeyArg = -1;
  std::string NoValidateKey;
  std::string File;
  unsigned Line = 0;
};

/// Matches a lock acquisition by class name, flavor or tag (any of them).
struct Selector {
  std::vector<std::string> Locks;
  std::vector<std::string> Flavors;
  std::vector<std::string> Tags;
  bool matches(llvm::StringRef Class, llvm::StringRef Flavor,
               llvm::ArrayRef<std::string> Tags) const;
};

/// Acquiring something matching Inner while something matching Outer is
/// held is a finding.
struct ForbiddenNesting {
  std::string Name;
  std::string Message;
  Selector Outer;
  Selector Inner;
  std::string File;
  unsigned Line = 0;
};

/// Documented order: Before must be taken before After; acquiring Before
/// while After is held is a finding.
struct Order {
  std::string Name;
  std::string Before;
  std::string After;
  std::string Message;
  std::string File;
  unsigned Line = 0;
};

/// All rules in force for one scan.
struct RuleSet {
  llvm::StringMap<Api> Apis;
  llvm::StringMap<NameApi> Names;
  /// Record names whose members are lock internals and are stripped from
  /// class names (`spinlock.rlock`, `mutex.dep_map`).
  llvm::StringSet<> LockTypes;
  /// Classes that are not locks for ordering (RCU's lockdep maps): their
  /// acquisitions and releases are ignored.
  llvm::StringSet<> Ignored;
  /// Functions whose calls are not followed and have no lock effect (lock
  /// implementation internals such as downgrade_write()).
  llvm::StringSet<> Opaque;
  /// Path prefixes of lock implementations (`kernel/locking/`): the bodies
  /// of functions defined there are not analysed, since their lockdep
  /// annotations and internal locks (`mutex.dep_map` and `mutex.wait_lock`
  /// inside __mutex_lock_common()) are not ordering of their callers.
  std::vector<std::string> Internal;
  /// Class renames applied before anything else, so old and new kernel
  /// names meet: "mm_struct.mmap_sem" -> "mm_struct.mmap_lock".
  llvm::StringMap<std::string> Aliases;
  std::vector<ForbiddenNesting> Nestings;
  std::vector<Order> Orders;
  /// Every file loaded, in load order (includes resolved).
  std::vector<std::string> Files;

  const Api *api(llvm::StringRef Function) const;
  const NameApi *nameApi(llvm::StringRef Function) const;
  /// The canonical class for Class (itself when no alias applies).
  llvm::StringRef canonical(llvm::StringRef Class) const;
};

/// Loads one rules file (and what it includes) into Into. A function
/// declared twice is an error unless the later file says `override: true`
/// on that entry. Errors read "FILE:LINE: key 'KEY': what is wrong".
llvm::Error loadRuleFile(llvm::StringRef Path, RuleSet &Into);

/// Loads every path in order; a directory loads its *.yaml sorted by name.
llvm::Expected<RuleSet> loadRules(llvm::ArrayRef<std::string> Paths);

/// The spelling used in rules files: "acquire", "shared", "save", ...
llvm::StringRef actionName(Action A);
llvm::StringRef modeName(Mode M);
llvm::StringRef irqName(Irq I);

/// Parses the spelling used in rules files; std::nullopt when unknown.
std::optional<Action> parseAction(llvm::StringRef S);
std::optional<Mode> parseMode(llvm::StringRef S);
std::optional<Irq> parseIrq(llvm::StringRef S);

/// The flavors a rules file may name, in documentation order.
llvm::ArrayRef<llvm::StringLiteral> knownFlavors();

/// The directory of the shipped kernel rules (rules/kernel in the source
/// tree, or the installed copy).
std::string defaultRulesDir();

} // namespace lockgraph::rules

#endif
