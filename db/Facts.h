//===- Facts.h - Per-TU lock facts: the analyzer's output -------*- C++ -*-===//
//
// The contract between the Clang side (analyzer/) and the stored-facts side
// (db/). The analyzer lowers every function definition to a small control
// flow graph whose only events are calls; which calls acquire or release
// locks is decided later, from the rules, by the global step. Lock arguments
// travel as access paths (a root plus "record.field" steps), so the class of
// a lock and its instantiation through parameters are computed without Clang.
//
// Nothing in this header depends on Clang.
//
//===----------------------------------------------------------------------===//

#ifndef LOCKGRAPH_DB_FACTS_H
#define LOCKGRAPH_DB_FACTS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include <cstdint>
#include <string>
#include <vector>

namespace lockgraph {

/// The value of a call argument, as far as lock analysis cares.
///
/// A path is a root (parameter, global, local) followed by member steps, each
/// "record.field" naming the innermost named struct that declares the field.
/// Dereferences, address-of and array subscripts are dropped: `&a[i]->b.c`
/// and `a->b.c` are the same path.
struct ArgValue {
  enum class Kind : uint8_t { Unknown, Path, Int, String };
  enum class Root : uint8_t { None, Param, Global, Local };

  Kind K = Kind::Unknown;
  Root R = Root::None;
  /// Root::Param: the parameter index.
  unsigned Param = 0;
  /// Root::Global: the variable name, "name@file" for file-static ones.
  /// Root::Local: "function:var".
  std::string RootName;
  /// Member steps, outermost first ("kioctx.ring_lock").
  std::vector<std::string> Steps;
  /// Kind::Int.
  int64_t Int = 0;
  /// Kind::String.
  std::string Str;
  /// Source spelling, for display and same-instance comparison.
  std::string Text;
  /// The argument is an address (`&p->rcu`, `&key`): never NULL. A path
  /// does not say so by itself, as it names the object either way.
  bool NonNull = false;

  static ArgValue unknown() { return {}; }
  static ArgValue integer(int64_t V);
  static ArgValue string(llvm::StringRef S);
  static ArgValue param(unsigned I, llvm::StringRef Text = "");
  static ArgValue global(llvm::StringRef Name);
  bool isPath() const { return K == Kind::Path; }
};

/// One call in a function body: direct (Callee set) or through a struct
/// function-pointer field (Via = "file_operations.mmap").
struct CallEvent {
  /// Function key: the name for external functions, "name@file" for static.
  std::string Callee;
  /// "record.field" for a call through a function-pointer member.
  std::string Via;
  std::vector<ArgValue> Args;
  unsigned Line = 0;
  unsigned Col = 0;
  /// Implicit call of a cleanup function at scope exit (guard()).
  bool Cleanup = false;
};

/// A basic block: events in order, then successors. A block whose
/// terminator branches on the result of a call records which event and
/// which successor is taken when that result is non-zero.
struct Block {
  std::vector<CallEvent> Events;
  /// Successor block indices; -1 marks an unreachable successor.
  std::vector<int> Succs;
  /// Branch on the result of an event: (block, index) of that event, and
  /// whether Succs[0] is taken when the result is non-zero.
  int CondBlock = -1;
  int CondEvent = -1;
  /// Or a branch on a parameter the function never assigns
  /// (`if (!lock_taken)`): its index. TrueIsNonzero applies as for events.
  int CondParam = -1;
  /// Or a branch on a tracked variable (FunctionFacts::Vars): a local, or a
  /// parameter the function assigns, whose address is never taken
  /// (`if (autostopped)`). Branches on one variable are correlated until
  /// it is assigned again.
  int CondVar = -1;
  bool TrueIsNonzero = true;
  /// The test is `== C` or `!= C` for a non-zero constant C
  /// (`ret == -EDEADLK`): only the successor where the value is non-zero
  /// knows anything.
  bool NonzeroOnly = false;
  /// What a branch on CondVar says about parameters the function never
  /// assigns, from the variable's only definition
  /// (`not_lockless = !rtnl_held && ...`: where it is non-zero, rtnl_held
  /// is zero): when the variable is non-zero (WhenNonzero) or zero,
  /// parameter Param is non-zero (Value) or zero.
  struct Implied {
    unsigned Param = 0;
    bool Value = false;
    bool WhenNonzero = true;
  };
  std::vector<Implied> Implies;
  /// A switch on CondParam or CondVar: per successor, whether its case
  /// label says the value is zero (0), non-zero (1), or nothing (-1:
  /// default, a range across zero, the block after the switch).
  std::vector<int> CaseFacts;
  /// Assignments to tracked variables in this block, in order: the value
  /// becomes zero (0), non-zero (1) or unknown (-1) after the first Before
  /// events of the block.
  struct Assign {
    unsigned Var = 0;
    int Value = -1;
    unsigned Before = 0;
  };
  std::vector<Assign> Assigns;
  /// This block returns the result of an event (`return trylock(x);`).
  int RetBlock = -1;
  int RetEvent = -1;
  bool RetNonzeroIsSuccess = true;
};

/// One function definition, lowered.
struct FunctionFacts {
  std::string Key;
  std::string Name;
  std::string File;
  unsigned Line = 0;
  bool IsStatic = false;
  /// Defined `__weak`: another definition of the key, if the build has
  /// one, replaces it at link time (kernel/sys_ni.c's syscall stubs, the
  /// generic arch_*() hooks).
  bool IsWeak = false;
  std::vector<std::string> Params;
  /// Names of the tracked variables Block::CondVar and Block::Assigns
  /// number.
  std::vector<std::string> Vars;
  /// Per tracked variable, the parameter it is (-1: a local). Until the
  /// function assigns it, a branch on it is a branch on the caller's value.
  std::vector<int> VarParams;
  /// Blocks[Entry] is the entry, Blocks[Exit] the exit.
  std::vector<Block> Blocks;
  unsigned Entry = 0;
  unsigned Exit = 0;

  llvm::json::Value bodyToJSON() const;
  llvm::Error bodyFromJSON(const llvm::json::Value &V);

  /// Every line the facts name, in a fixed order: the definition's, then
  /// each event's, block by block.
  std::vector<unsigned> lines() const;
  /// A digest of everything but the lines(): two definitions with the same
  /// shape are the same facts, moved to other lines (an edit above them,
  /// a comment, a reflowed statement).
  std::string shape() const;
};

/// A function stored into a struct function-pointer field, by designated
/// initializer or by assignment: `.mmap = ext4_file_mmap`.
struct FieldStore {
  std::string Field;
  std::string Function;
  std::string File;
  unsigned Line = 0;
};

/// Everything one translation unit contributes.
struct TUFacts {
  std::string MainFile;
  std::vector<FunctionFacts> Functions;
  std::vector<FieldStore> Stores;
  /// Every file the TU read (main file and headers), for incremental hashing.
  std::vector<std::string> Inputs;
};

llvm::json::Value toJSON(const ArgValue &A);
llvm::json::Value toJSON(const TUFacts &T);
llvm::Expected<TUFacts> tuFactsFromJSON(const llvm::json::Value &V);
bool fromJSON(const llvm::json::Value &V, ArgValue &A, llvm::json::Path P);

} // namespace lockgraph

#endif
