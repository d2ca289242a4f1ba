//===- Link.cpp - The global step: facts to lock graph --------------------===//
//
// Algorithm.
//
// 1. Linking. External functions are found by name (a strong definition
//    before a __weak one), static ones by name and file within their TU. A
//    call through a struct field ("via") resolves to every function stored
//    into that field anywhere. Calls to functions the rules name
//    (mutex_lock, copy_from_user, ...) are lock events, not calls, even
//    when the tree also has their bodies.
//
// 2. Lock references. A lock argument's access path is reduced to a class:
//    trailing members of lock types (spinlock.rlock, mutex.dep_map) are
//    stripped, the last remaining member step names the class
//    ("kioctx.ring_lock"), a global names itself, and a bare parameter stays
//    symbolic (Param i) until a caller instantiates it. Rule aliases and
//    lockdep names picked from lockdep_init_map() calls are applied.
//
// 3. Summaries, bottom-up over the call graph's SCCs (Tarjan), iterating
//    each recursive SCC to a fixpoint. For each function a may-held dataflow
//    over its CFG (union at joins, each entry marked when it is held on
//    every path) gives the held set at every call. The
//    summary records what the function may acquire (each entry linked to the
//    callee entry it came from, so witnesses are rebuilt by following links,
//    always towards a strictly shorter chain), what it returns holding on
//    every path, what it releases without having taken (unless it takes it
//    again before returning), what it try-acquires as its return
//    value, and edges whose ends are still parameters.
//
// 4. Edges. Every acquisition (direct, or from a callee summary) made while
//    some lock is held yields an edge held -> acquired, unless the
//    acquisition is a trylock or either side is a context (pagefault
//    disabled), or the acquired lock's class is itself held on every path
//    (recursive locking: only its self-edge, as lockdep records no other
//    dependency there). Per (held, acquired, modes, tags) one witness is kept:
//    held on every path beats held on some paths, then the shortest; ties go to
//    the smaller file and line, so output is deterministic.
//
//===----------------------------------------------------------------------===//

#include "db/Link.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/StringSaver.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"
#include <chrono>
#include <cstdlib>
#include <deque>
#include <optional>
#include <tuple>

using namespace llvm;

namespace lockgraph {

const char *modeLabel(rules::Mode M) {
  switch (M) {
  case rules::Mode::Exclusive:
    return "write";
  case rules::Mode::Shared:
    return "read";
  case rules::Mode::RecursiveRead:
    return "recursive-read";
  }
  return "write";
}

std::vector<const Hop *> LockGraph::hopsOf(const Edge &E) const {
  std::vector<const Hop *> Out;
  if (E.Witness < 0) {
    for (const Hop &H : E.Chain)
      Out.push_back(&H);
    return Out;
  }
  for (int R = E.Witness; R >= 0; R = Witnesses[R].Next)
    Out.push_back(&Witnesses[R].H);
  return Out;
}

unsigned LockGraph::indirectHops(const Edge &E) const {
  return count_if(hopsOf(E), [](const Hop *H) { return !H->Via.empty(); });
}

namespace {

/// A string saved by the linker's UniqueStringSaver, which keeps one
/// NUL-terminated copy of each distinct text: its first character's address
/// is all there is to store and compare. 8 bytes, not a StringRef's 16, in
/// each of the tens of millions of LockRefs the summaries hold.
class SavedStr {
  const char *P = nullptr;

public:
  SavedStr() = default;
  /// S must be saved by the linker's UniqueStringSaver (or be empty).
  SavedStr(StringRef S) : P(S.empty() ? nullptr : S.data()) {
    assert((S.empty() || S.data()[S.size()] == '\0') && "not a saved string");
  }
  operator StringRef() const { return P ? StringRef(P) : StringRef(); }
  const char *data() const { return P; }
  bool empty() const { return !P; }
  std::string str() const { return StringRef(*this).str(); }
  bool operator==(const SavedStr &O) const { return P == O.P; }
};

/// A lock as the dataflow sees it: a class, or a parameter of the function
/// being analysed.
struct LockRef {
  enum Kind : uint8_t { Unknown, Class, Param } K = Unknown;
  unsigned Index = 0; // Param: parameter index
  SavedStr Name;      // Class: canonical class name, from className()
  SavedStr Instance;  // source spelling, for same-instance checks

  bool valid() const { return K != Unknown; }
  bool operator==(const LockRef &O) const {
    return K == O.K && Index == O.Index && Name == O.Name;
  }
};

/// A subclass: a constant, a parameter to instantiate, or unknown (an
/// expression such as eventpoll's `depth + 1`: some subclass, not known
/// to equal any other).
struct SubRef {
  int64_t Value = 0;
  int Param = -1;
  bool Unknown = false;
  bool operator==(const SubRef &O) const {
    return Value == O.Value && Param == O.Param && Unknown == O.Unknown;
  }
};

/// Everything about one acquisition but where it happened.
/// Summaries hold millions of these (in AcqEntry, HeldEntry): the flags
/// come last, packed.
struct LockInfo {
  LockRef Lock;
  SubRef Sub;
  const rules::Api *Api = nullptr;
  /// The acquisition happens only if this parameter has every bit of the
  /// API's IfMask set; decided when a caller passes a constant.
  int CondParam = -1;
  /// The acquisition happens only when this parameter is non-zero
  /// (GuardNonzero) or zero: it sits under `if (!lock_taken)`. A caller
  /// passing a constant decides it.
  int GuardParam = -1;
  /// A second guard: a caller's fact on an acquisition that already
  /// carries its callee's own guard (kvfree_call_rcu()'s `head` is NULL
  /// around kvfree(ptr), whose vfree() is under `if (addr)`).
  int Guard2Param = -1;
  /// Taken with a nest lock that is not NULL (ww_mutex_lock() with an
  /// acquire context): other instances of its class may be held, so it
  /// makes no edge from its own class (Nest). NestParam: the nest lock is
  /// this parameter, decided by callers.
  int NestParam = -1;
  rules::Mode M = rules::Mode::Exclusive;
  rules::Irq Irq = rules::Irq::None;
  /// A trylock: adds no ordering edge into the lock.
  bool Try = false;
  /// Held only when the call's result says so (trylocks and the
  /// killable/interruptible variants).
  bool Conditional = false;
  bool GuardNonzero = true;
  bool Guard2Nonzero = true;
  bool Nest = false;
};

struct HeldEntry {
  LockInfo L;
  unsigned Line = 0;
  /// Held on every path to this point, not only on some.
  bool Must = true;
  /// Taken by this function (or a callee given it as an argument), not
  /// returned held by a callee on its own account.
  bool Direct = true;
  /// A caller's lock this function dropped and took again: unlocking it
  /// drops the caller's lock once more (__jbd2_log_wait_for_space()
  /// drops and retakes the caller's j_state_lock around each step).
  bool Retaken = false;
  /// Taken here on every path, then maybe released by a callee whose
  /// summary releases its class without taking it (a helper that unlocks
  /// on an error path, or the large SCC's over-approximation: kfree()
  /// "releases" hundreds of classes there). Still held for edges, but not
  /// on every path; still this function's own for its unlock.
  bool MayDropped = false;
};

struct AcqEntry {
  LockInfo L;
  unsigned Line = 0;
  /// The witness node of this acquisition, once it is kept somewhere
  /// (a summary, an edge); -1 until then.
  int Node = -1;
  /// The callee's node this acquisition came from; -1 for a lock API
  /// called here.
  int Parent = -1;
  /// The field called through to reach Parent, an index into the linker's
  /// ViaNames (0: a direct call).
  unsigned Via = 0;
  unsigned Depth = 1;
  /// Caller's locks released on every path before this acquisition
  /// (wait_task_zombie() drops tasklist_lock before release_task()): no
  /// edge from them. An index into the linker's interned lists (0: none):
  /// summaries hold millions of entries and few distinct lists.
  unsigned DroppedBefore = 0;
  /// Calls through function-pointer fields on the way down (at most
  /// MaxIndirect).
  uint8_t Indirect = 0;
};

/// An edge with a parameter at one end, kept for the callers.
/// One step of a witness chain. Nodes outlive the summaries they were
/// made for: a summary is freed once all its callers are analysed, and the
/// chains of the edges are rebuilt from nodes at the end.
struct WitnessNode {
  int Fn;
  unsigned Line;
  int Parent;
  /// The field called through to reach Parent, an index into the linker's
  /// ViaNames (0: a direct call). The whole kernel makes tens of millions
  /// of nodes: 16 bytes each, not 32.
  unsigned Via;
};

struct PEdge {
  HeldEntry H;
  AcqEntry A;
  int Fn = -1;
  bool RetakeOnly = false;
  /// Recorded in an earlier round over a large SCC: the next recording
  /// knows the callees better and replaces it (the held lock a callee
  /// may release, which the first round did not know yet).
  bool Stale = false;
};

/// Both ends are classes: the edge waits for its callers only for the
/// acquisition's guard.
bool guardedEdge(const PEdge &P) {
  return P.H.L.Lock.K == LockRef::Class && P.A.L.Lock.K == LockRef::Class &&
         !(P.A.L.NestParam >= 0 && P.H.L.Lock == P.A.L.Lock);
}

struct TryRet {
  LockInfo L;
  bool SuccessNonzero = true;
};

/// Most acquisitions one summary keeps.
constexpr size_t MaxAcquisitions = 2048;
/// Most callers' locks an acquisition remembers as dropped before it.
constexpr size_t MaxDropped = 4;
/// Acquisitions reached through more calls through function-pointer
/// fields than this are not passed on to callers: every ops-table call
/// fans out to all implementations, and chains of three or more make the
/// kernel's lock graph nearly complete (docs/design.md).
constexpr unsigned MaxIndirect = 2;
/// SCCs larger than this get no fixpoint but LargeSccRounds passes.
constexpr size_t MaxFixpointScc = 64;
constexpr unsigned LargeSccRounds = 2;
/// Passes over a smaller SCC before its fixpoint is given up on.
constexpr unsigned MaxFixpointPasses = 32;

/// What tells a summary's acquisitions apart: the lock, subclass, mode,
/// conditions (what keyTo() spells), trylock and the API's tags. A struct,
/// not a string: summaries are probed once per acquisition per call site.
struct AcqKey {
  unsigned Ref = 0;  // Linker::refId()
  unsigned Tags = 0; // Linker::TagIds
  int64_t SubValue = 0;
  int SubParam = -1;
  int CondParam = -1;
  int GuardParam = -1;
  int Guard2Param = -1;
  int NestParam = -1;
  uint8_t Mode = 0;
  bool SubUnknown = false, GuardNonzero = false, Guard2Nonzero = false,
       Try = false, Nest = false;
  bool operator==(const AcqKey &O) const {
    return std::tie(Ref, Tags, SubValue, SubParam, CondParam, GuardParam,
                    Guard2Param, NestParam, Mode, SubUnknown, GuardNonzero,
                    Guard2Nonzero, Try, Nest) ==
           std::tie(O.Ref, O.Tags, O.SubValue, O.SubParam, O.CondParam,
                    O.GuardParam, O.Guard2Param, O.NestParam, O.Mode,
                    O.SubUnknown, O.GuardNonzero, O.Guard2Nonzero, O.Try,
                    O.Nest);
  }
};

struct AcqKeyInfo {
  static AcqKey getEmptyKey() {
    AcqKey K;
    K.Ref = ~0u;
    return K;
  }
  static AcqKey getTombstoneKey() {
    AcqKey K;
    K.Ref = ~0u - 1;
    return K;
  }
  // The global step's most frequent hash: four words through xxh3, not
  // hash_combine() of twelve fields.
  static unsigned getHashValue(const AcqKey &K) {
    auto Half = [](int V) { return uint64_t(uint16_t(V)); };
    uint64_t Words[4] = {uint64_t(K.Ref) << 32 | K.Tags, uint64_t(K.SubValue),
                         Half(K.SubParam) | Half(K.CondParam) << 16 |
                             Half(K.GuardParam) << 32 | Half(K.NestParam) << 48,
                         uint64_t(K.Mode) | uint64_t(K.SubUnknown) << 8 |
                             uint64_t(K.GuardNonzero) << 9 |
                             uint64_t(K.Try) << 10 | uint64_t(K.Nest) << 11 |
                             uint64_t(K.Guard2Nonzero) << 12 |
                             Half(K.Guard2Param) << 16};
    return xxh3_64bits(ArrayRef<uint8_t>(
        reinterpret_cast<const uint8_t *>(Words), sizeof(Words)));
  }
  static bool isEqual(const AcqKey &A, const AcqKey &B) { return A == B; }
};

struct Summary {
  bool Truncated = false;
  std::vector<AcqEntry> Acqs;
  DenseMap<AcqKey, unsigned, AcqKeyInfo> AcqIndex;
  std::vector<HeldEntry> ExitHeld;
  /// Callers' locks released, and whether by this function's own unlock
  /// on every path (then as certain for the caller as an unlock API).
  std::vector<std::pair<LockRef, bool>> Released;
  std::vector<TryRet> TryRets;
  /// Callers' locks released on every path where a parameter has a value
  /// (stop_sync_thread(mddev, locked): `if (!locked) mddev_unlock(mddev)`
  /// on one path, unlock and `if (locked)` relock on the other): certain
  /// for a caller passing that value.
  struct CondRelease {
    LockRef R;
    unsigned Param;
    bool Value;
  };
  std::vector<CondRelease> CondReleased;
  std::vector<PEdge> PEdges;
  StringMap<unsigned> PEdgeIndex;
  StringSet<> Keys; // dedupe of ExitHeld/TryRets
};

/// The callers' locks an acquisition remembers as dropped before it.
using DropList = SmallVector<LockRef, MaxDropped>;

struct Pending {
  unsigned Event;
  HeldEntry H;
  bool SuccessNonzero;
};

struct State {
  bool Reached = false;
  SmallVector<HeldEntry, 4> Held;
  SmallVector<Pending, 1> Pend;
  /// Locks this function released without holding them (its callers'),
  /// on every path to here, and not taken again since, by reference id
  /// (Linker::refId()).
  SmallVector<unsigned, 4> Dropped;
  /// Which ids are on Dropped. In the large SCC callees' summaries release
  /// hundreds of classes each, too many to search a list for every one.
  SmallVector<uint64_t, 0> DroppedBits;
  /// The first OwnDropped of Dropped were unlocked by this function itself
  /// (or a callee given the lock as an argument); the rest were released
  /// according to callees' summaries, which in the large SCC are
  /// over-approximations.
  unsigned OwnDropped = 0;
  /// Locks this function released on every path where a parameter has a
  /// value (`if (is_inode_hash_locked) spin_unlock(&inode_hash_lock);`):
  /// dropped again wherever that value is known.
  struct CondDrop {
    unsigned R; // reference id
    unsigned Param;
    bool Value;
    bool operator==(const CondDrop &O) const {
      return R == O.R && Param == O.Param && Value == O.Value;
    }
  };
  SmallVector<CondDrop, 1> CondDropped;
  bool isDropped(unsigned R) const {
    return R / 64 < DroppedBits.size() && (DroppedBits[R / 64] >> (R % 64)) & 1;
  }
  void mark(unsigned R, bool On) {
    if (R / 64 >= DroppedBits.size())
      DroppedBits.resize(R / 64 + 1);
    if (On)
      DroppedBits[R / 64] |= uint64_t(1) << (R % 64);
    else
      DroppedBits[R / 64] &= ~(uint64_t(1) << (R % 64));
  }
  /// This function's own unlock: before what callees released.
  void dropOwn(unsigned R) {
    undrop(R);
    Dropped.insert(Dropped.begin(), R);
    ++OwnDropped;
    mark(R, true);
  }
  /// A lock a callee's summary releases: after this function's own.
  void dropCallees(unsigned R) {
    if (isDropped(R))
      return;
    Dropped.push_back(R);
    mark(R, true);
  }
  /// Takes R off Dropped, keeping OwnDropped right; false if not there.
  bool undrop(unsigned R) {
    if (!isDropped(R))
      return false;
    auto It = find(Dropped, R);
    if (unsigned(It - Dropped.begin()) < OwnDropped)
      --OwnDropped;
    Dropped.erase(It);
    mark(R, false);
    return true;
  }
  /// Parameters, and tracked variables (VarBase + their number), known
  /// zero (false) or non-zero (true) on every path to here, from branches
  /// on them and assignments of constants.
  SmallVector<std::pair<unsigned, bool>, 1> Facts;
  /// Parameters this function assigned on some path to here: a branch on
  /// one says nothing more about the caller's value.
  SmallVector<unsigned, 1> Reassigned;
  /// On every path to here, variable Var (VarBase + its number) having
  /// VarValue implies parameter Param having ParamValue: what a join keeps
  /// of two paths' facts where the facts themselves are lost.
  /// kvfree_call_rcu() ends with `if (!success) synchronize_rcu()`, and
  /// `success` is false there only on the path where `head` is NULL.
  struct Implication {
    unsigned Var;
    bool VarValue;
    unsigned Param;
    bool ParamValue;
    bool operator==(const Implication &O) const {
      return Var == O.Var && VarValue == O.VarValue && Param == O.Param &&
             ParamValue == O.ParamValue;
    }
  };
  SmallVector<Implication, 0> Imps;
  /// A tracked variable is assigned: what was known about it, which locks
  /// were dropped under its value, and what it implied, no longer holds.
  void forget(unsigned Key) {
    erase_if(Facts, [&](const std::pair<unsigned, bool> &F) {
      return F.first == Key;
    });
    erase_if(CondDropped, [&](const CondDrop &C) { return C.Param == Key; });
    erase_if(Imps, [&](const Implication &I) {
      return I.Var == Key || I.Param == Key;
    });
  }
};

/// Facts and conditional drops key a tracked variable V as VarBase + V,
/// apart from parameter indices.
constexpr unsigned VarBase = 1u << 20;

struct Function {
  const StoredFunction *S = nullptr;
  /// Per block, per event: resolved targets (function indices) or none.
  std::vector<std::vector<SmallVector<int, 1>>> Targets;
  std::vector<std::vector<const rules::Api *>> Apis;
  DenseSet<unsigned> Tested;
  Summary Sum;
};

/// An acquisition made under a branch on a parameter is guarded by it.
/// One that already carries a guard of its own from the callee keeps it
/// and takes this one as its second.
void guardBy(const State &S, LockInfo &L) {
  if (L.Guard2Param >= 0)
    return;
  // Facts on variables mean nothing to callers.
  for (auto [Key, Nonzero] : S.Facts) {
    if (Key >= VarBase || int(Key) == L.GuardParam)
      continue;
    if (L.GuardParam < 0) {
      L.GuardParam = Key;
      L.GuardNonzero = Nonzero;
    } else {
      L.Guard2Param = Key;
      L.Guard2Nonzero = Nonzero;
    }
    return;
  }
}

unsigned eventId(unsigned Block, unsigned Index) {
  return (Block << 16) | Index;
}

class Linker {
public:
  Linker(std::vector<StoredFunction> Fns,
         const std::vector<StoredFieldStore> &Stores,
         const rules::RuleSet &Rules)
      : Rules(Rules), Saver(Alloc), Owned(std::move(Fns)) {
    for (StoredFunction &F : Owned) {
      // A lock implementation's body: an empty one, taking nothing.
      if (any_of(Rules.Internal, [&](const std::string &P) {
            return StringRef(F.Facts.File).starts_with(P);
          })) {
        F.Facts.Blocks.assign(1, Block());
        F.Facts.Entry = F.Facts.Exit = 0;
      }
      Functions.emplace_back().S = &F;
    }
    index(Stores);
  }

  LockGraph run();

private:
  // Setup.
  void index(const std::vector<StoredFieldStore> &Stores);
  int lookup(int64_t TU, StringRef Key) const;
  void collectNames();
  std::vector<std::vector<int>> sccs() const;
  std::vector<int> postOrder(const std::vector<int> &C,
                             const std::vector<int> &Comp) const;

  // Locks.
  StringRef className(StringRef Raw);
  LockRef normalize(const ArgValue &A);
  SubRef subOf(const ArgValue &A) const;
  LockRef instantiate(const LockRef &R, ArrayRef<ArgValue> Args);
  /// Known: per argument, what the caller knows of its value at the call
  /// (0 zero, 1 non-zero, -1 nothing), which decides guards like a
  /// constant does.
  LockInfo instantiate(const LockInfo &L, ArrayRef<ArgValue> Args,
                       ArrayRef<int8_t> Known = {});
  /// What state S knows of each argument of E: a parameter or tracked
  /// variable of this function with a fact.
  SmallVector<int8_t, 8> knownArgs(const CallEvent &E, const State &S) const;
  void keyTo(raw_ostream &OS, const LockRef &R) const;
  void keyTo(raw_ostream &OS, const LockInfo &L) const;
  std::string key(const LockRef &R) const;
  std::string key(const LockInfo &L) const;
  void fullNameTo(raw_ostream &OS, const LockInfo &L) const;
  std::string fullName(const LockInfo &L) const;

  // Dataflow.
  void analyze(int Fn, bool &Changed);
  void event(int Fn, unsigned B, unsigned I, State &S, bool Record,
             bool &Changed);
  void apiEvent(int Fn, const CallEvent &E, const rules::Api &R, unsigned Id,
                State &S, bool Record, bool &Changed);
  void hold(int Fn, State &S, const LockInfo &L, unsigned Line, unsigned Id,
            bool SuccessNonzero, bool Direct);
  /// Direct: this function's own unlock (an API, a callee given the lock
  /// as an argument, or a callee that unlocks it itself on every path).
  void release(int Fn, State &S, const LockRef &R, bool Direct, bool Record,
               bool &Changed);
  bool suppressed(const State &S, const LockInfo &L) const;
  bool retaken(const State &S, const LockInfo &L) const;
  bool forbidden(const LockInfo &Held, const LockInfo &Acquired) const;
  void addAcq(int Fn, AcqEntry &A, bool &Changed);
  /// A summary's indexes serve only the analysis of its own function
  /// (addAcq(), emitEdge()): built when it starts, dropped when it ends.
  /// The large SCC keeps 34,343 summaries alive at once, and their indexes
  /// were a third of the global step's memory.
  void indexSummary(Summary &Sum);
  void dropIndex(Summary &Sum);
  void pedgeKey(const LockInfo &H, const LockInfo &A, SmallString<96> &K);
  /// RetakeOnly: A retakes a lock held on every path, and the edge is
  /// made only for a `forbid` rule (forbidden()).
  void emitEdge(int Fn, const HeldEntry &H, AcqEntry &A, int WitnessFn,
                bool Record, bool &Changed, bool RetakeOnly = false);
  static bool join(State &Into, const State &From);

  /// The interned list of Refs (without instance spellings, which dropped
  /// locks are not compared by), and back.
  unsigned intern(ArrayRef<LockRef> Refs);
  ArrayRef<LockRef> dropped(unsigned Id) const { return DropLists[Id]; }
  bool droppedHas(unsigned Id, const LockRef &R) const {
    return is_contained(DropLists[Id], R);
  }
  /// The locks both lists hold.
  unsigned droppedBoth(unsigned A, unsigned B);
  /// The dropped locks a new acquisition in state S carries: this
  /// function's own unlocks, those under a parameter value known here,
  /// then Extra (the callee's), then what callees released.
  unsigned droppedAt(const State &S, ArrayRef<LockRef> Extra = {});

  /// The guarded edges of Fn, which no function calls, as class edges:
  /// no caller decides their guards.
  void emitUndecided(int Fn);

  // Output.
  /// Witness rows by (function, line, field reached through, API on the
  /// last hop, next row).
  using RowIndex =
      DenseMap<std::tuple<int, unsigned, unsigned, const rules::Api *, int>,
               int>;
  /// Witness node, field it was reached through and API (on the last hop)
  /// -> its row.
  using NodeRows = DenseMap<std::tuple<int, unsigned, const rules::Api *>, int>;
  /// The first row of A's chain in Rows, adding the rows it lacks.
  int witness(const AcqEntry &A, std::vector<WitnessRow> &Rows, RowIndex &Index,
              NodeRows &Done) const;
  /// The witness node of A, an acquisition seen in Fn, made on first use.
  int node(int Fn, AcqEntry &A);
  void dump(int Fn) const;
  void trace(unsigned B, const CallEvent &E, const State &S) const;

  const rules::RuleSet &Rules;
  BumpPtrAllocator Alloc;
  UniqueStringSaver Saver;
  /// The stored functions; a body is freed once its SCC is analysed.
  std::vector<StoredFunction> Owned;
  std::vector<Function> Functions;
  StringMap<int> Extern;
  /// Static functions by (TU, key id).
  StringMap<unsigned> KeyIds;
  DenseMap<std::pair<int64_t, unsigned>, int> Static;
  StringMap<std::vector<std::pair<int, std::string>>> FieldTargets;
  StringMap<std::string> LockdepNames;
  std::set<std::string> MayNest;
  std::map<std::string, std::string> SplitByLockdep;
  StringMap<StringRef> ClassCache;
  /// Classes that order nothing: the rules' `ignore` (found when
  /// className() makes the name) and the classes lockdep does not validate
  /// (lockdep_set_novalidate_class()). By their interned characters, since
  /// ignored() runs for every edge.
  DenseSet<const char *> Ignored;
  /// Also when reached through a wrapper's parameter.
  bool ignored(const LockRef &R) const {
    return R.K == LockRef::Class && Ignored.contains(R.Name.data());
  }

  struct Witness {
    int Fn;
    HeldEntry H;
    AcqEntry A;
    /// Every recording was RetakeOnly.
    bool RetakeOnly = false;
  };
  StringMap<Witness> Edges;
  std::map<std::string, std::string> ClassFlavor;
  GraphStats Stats;
  /// A deque: growing it never copies what is there.
  std::deque<WitnessNode> Nodes;
  std::vector<StringRef> ViaNames{StringRef()};
  StringMap<unsigned> ViaIds;
  /// Off during all but the last round over a large SCC: its summaries
  /// change between rounds, its class edges are made again in the last.
  bool ClassEdges = true;
  /// Locks released by the function being recorded that it may not hold
  /// (the first release's spelling), and their reference ids.
  std::vector<LockRef> ReleaseCandidates;
  DenseSet<unsigned> CandidateIds;
  /// Every lock the function being recorded releases, by reference id.
  DenseSet<unsigned> ReleasedHere;
  /// Dense ids of lock references (class or parameter; not the instance
  /// spelling, which LockRef's == ignores too), and back.
  unsigned refId(const LockRef &R);
  /// The key of an acquisition in a summary's index.
  AcqKey acqKey(const LockInfo &L);
  /// Dense ids of APIs' tag lists (0: none), by their spelling.
  DenseMap<const rules::Api *, unsigned> TagIds;
  StringMap<unsigned> TagSets;
  DenseMap<std::pair<const char *, uint64_t>, unsigned> RefIds;
  std::vector<LockRef> Refs;
  /// Dropped-lock lists by index; a deque, so references stay valid.
  std::deque<DropList> DropLists{DropList()};
  StringMap<unsigned> DropIndex;
  const char *TraceNames = getenv("LOCKGRAPH_DEBUG_TRACE");
  /// The tracked variables of the function being analysed, by name (-1: a
  /// name two of them share).
  StringMap<int> VarByName;
  int CurFn = -1;
  /// The summary acquisitions the current pass over CurFn recorded again at
  /// the same call, with their dropped locks before the pass (~0u: added by
  /// the pass).
  DenseMap<unsigned, unsigned> PassDropped;
  /// The per-block states of the function being analysed, kept between
  /// functions: allocating them anew costs more than the analysis of most.
  std::vector<State> In;
};

unsigned Linker::droppedAt(const State &S, ArrayRef<LockRef> Extra) {
  DropList D;
  auto Add = [&](const LockRef &R) {
    if (D.size() < MaxDropped && !is_contained(D, R))
      D.push_back(R);
  };
  for (unsigned I = 0; I < S.OwnDropped; ++I)
    Add(Refs[S.Dropped[I]]);
  for (const State::CondDrop &C : S.CondDropped)
    if (is_contained(S.Facts, std::make_pair(C.Param, C.Value)))
      Add(Refs[C.R]);
  for (const LockRef &R : Extra)
    Add(R);
  for (unsigned I = S.OwnDropped; I < S.Dropped.size() && D.size() < MaxDropped;
       ++I)
    Add(Refs[S.Dropped[I]]);
  return intern(D);
}

unsigned Linker::refId(const LockRef &R) {
  // Class names are interned: their characters identify them.
  std::pair<const char *, uint64_t> K{R.Name.data(),
                                      (uint64_t(R.K) << 32) | R.Index};
  auto [It, New] = RefIds.try_emplace(K, Refs.size());
  if (New) {
    Refs.push_back(R);
    Refs.back().Instance = StringRef();
  }
  return It->second;
}

unsigned Linker::intern(ArrayRef<LockRef> Refs) {
  if (Refs.empty())
    return 0;
  SmallString<64> K;
  for (const LockRef &R : Refs) {
    K.push_back(char(R.K));
    K.append(
        StringRef(reinterpret_cast<const char *>(&R.Index), sizeof(R.Index)));
    const char *P = R.Name.data();
    K.append(StringRef(reinterpret_cast<const char *>(&P), sizeof(P)));
  }
  auto [It, New] = DropIndex.try_emplace(K, DropLists.size());
  if (New) {
    DropList &L = DropLists.emplace_back();
    for (const LockRef &R : Refs) {
      L.push_back(R);
      L.back().Instance = StringRef();
    }
  }
  return It->second;
}

void Linker::index(const std::vector<StoredFieldStore> &Stores) {
  for (int I = 0, N = Functions.size(); I < N; ++I) {
    const StoredFunction &F = *Functions[I].S;
    if (!F.Facts.IsStatic) {
      // As the linker does: a strong definition replaces a __weak one
      // (kernel/sys_ni.c's stub of every syscall, the generic arch_*()
      // hooks), whichever loaded first. Between equals, the first.
      auto [It, New] = Extern.try_emplace(F.Facts.Key, I);
      if (!New && !F.Facts.IsWeak && Functions[It->second].S->Facts.IsWeak)
        It->second = I;
      continue;
    }
    unsigned K = KeyIds.try_emplace(F.Facts.Key, KeyIds.size()).first->second;
    for (int64_t TU : F.TUs)
      Static.try_emplace({TU, K}, I);
  }
  for (const StoredFieldStore &S : Stores) {
    int Fn = lookup(S.TU, S.Store.Function);
    if (Fn < 0)
      continue;
    auto &V = FieldTargets[S.Store.Field];
    if (!is_contained(V, std::make_pair(Fn, std::string())))
      V.push_back({Fn, std::string()});
  }
  for (auto &KV : FieldTargets)
    sort(KV.second);

  for (Function &F : Functions) {
    const FunctionFacts &FF = F.S->Facts;
    F.Targets.resize(FF.Blocks.size());
    F.Apis.resize(FF.Blocks.size());
    for (unsigned B = 0; B < FF.Blocks.size(); ++B) {
      const Block &Bl = FF.Blocks[B];
      F.Targets[B].resize(Bl.Events.size());
      F.Apis[B].resize(Bl.Events.size());
      if (Bl.CondEvent >= 0)
        F.Tested.insert(eventId(Bl.CondBlock, Bl.CondEvent));
      if (Bl.RetEvent >= 0)
        F.Tested.insert(eventId(Bl.RetBlock, Bl.RetEvent));
      for (unsigned I = 0; I < Bl.Events.size(); ++I) {
        const CallEvent &E = Bl.Events[I];
        ++Stats.Calls;
        if (E.Callee.empty() && E.Via.empty()) {
          // Through a local, a parameter or a global function pointer.
          ++Stats.IndirectCalls;
          ++Stats.UnresolvedIndirectCalls;
          continue;
        }
        if (!E.Via.empty()) {
          ++Stats.IndirectCalls;
          auto It = FieldTargets.find(E.Via);
          if (It == FieldTargets.end()) {
            ++Stats.UnresolvedIndirectCalls;
            continue;
          }
          for (auto &T : It->second)
            F.Targets[B][I].push_back(T.first);
          continue;
        }
        StringRef Name = StringRef(E.Callee).split('@').first;
        if (Rules.Opaque.count(Name))
          continue;
        if (const rules::Api *R = Rules.api(Name)) {
          F.Apis[B][I] = R;
          continue;
        }
        // A body shared by several TUs resolves its static callees in the
        // first of them: they all saw the same headers.
        int T = lookup(F.S->TUs.front(), E.Callee);
        if (T >= 0)
          F.Targets[B][I].push_back(T);
      }
    }
  }
}

int Linker::lookup(int64_t TU, StringRef Key) const {
  if (Key.contains('@')) {
    auto K = KeyIds.find(Key);
    if (K == KeyIds.end())
      return -1;
    auto It = Static.find({TU, K->second});
    return It == Static.end() ? -1 : It->second;
  }
  auto It = Extern.find(Key);
  return It == Extern.end() ? -1 : It->second;
}

/// Lockdep names: lockdep_init_map(&j->j_trans_commit_map, "jbd2_handle",..)
/// renames class journal_s.j_trans_commit_map to jbd2_handle.
void Linker::collectNames() {
  struct NameCall {
    const rules::NameApi *N;
    const CallEvent *E;
    const FunctionFacts *F;
  };
  std::vector<NameCall> Calls;
  for (const Function &F : Functions)
    for (const Block &B : F.S->Facts.Blocks)
      for (const CallEvent &E : B.Events)
        if (!E.Callee.empty())
          if (const rules::NameApi *N =
                  Rules.nameApi(StringRef(E.Callee).split('@').first))
            if (N->Arg < (int)E.Args.size())
              Calls.push_back({N, &E, &F.S->Facts});
  // A class takes a lockdep name only when that is the one name its
  // initialisations give it: one that names nothing (raw_spin_lock_init()
  // in copy_process()) or another name means the name is some instances'
  // only (lockdep_set_class(&stop->pi_lock, &stop_pi_lock) for the
  // stopper threads), and the class keeps its own.
  StringMap<std::set<std::string>> Given;
  StringSet<> Unnamed;
  for (auto [N, E, F] : Calls) {
    LockRef R = normalize(E->Args[N->Arg]);
    if (R.K != LockRef::Class)
      continue;
    const ArgValue *Name = N->NameArg >= 0 && N->NameArg < (int)E->Args.size()
                               ? &E->Args[N->NameArg]
                               : nullptr;
    if (Name && Name->K == ArgValue::Kind::String && !Name->Str.empty())
      Given[R.Name].insert(Name->Str);
    else if (N->KeyArg >= 0)
      Unnamed.insert(R.Name);
  }
  for (const auto &KV : Given)
    if (KV.second.size() == 1 && !Unnamed.contains(KV.first()))
      LockdepNames.try_emplace(KV.first(), *KV.second.begin());
  ClassCache.clear();
  // Per class, the static keys its initialisations pass, and the first
  // that passes one computed at run time.
  std::map<std::string, std::set<std::string>> StaticKeys;
  std::map<std::string, std::string> Sites;
  // Nesting annotations and keys, once the names are known.
  for (auto [N, E, F] : Calls) {
    bool Nests = N->Nests;
    if (N->SubclassArg >= 0 && N->SubclassArg < (int)E->Args.size()) {
      const ArgValue &S = E->Args[N->SubclassArg];
      Nests |= S.K == ArgValue::Kind::Int && S.Int != 0;
    }
    if (N->KeyArg >= 0 && N->KeyArg < (int)E->Args.size()) {
      const ArgValue &K = E->Args[N->KeyArg];
      bool Static =
          K.isPath() && K.R == ArgValue::Root::Global && K.Steps.empty();
      LockRef R = normalize(E->Args[N->Arg]);
      if (R.K == LockRef::Class) {
        std::string Site =
            (Twine(F->Name) + " (" + F->File + ":" + Twine(E->Line) + ")")
                .str();
        if (!Static)
          SplitByLockdep.try_emplace(R.Name.str(),
                                     "lockdep keys it at run time: " + Site);
        else if (K.RootName == N->NoValidateKey)
          Ignored.insert(R.Name.data());
        else if (StaticKeys[R.Name.str()].insert(K.RootName).second)
          Sites[R.Name.str()] +=
              (Sites[R.Name.str()].empty() ? "" : ", ") + Site;
      }
    }
    if (!Nests)
      continue;
    LockRef R = normalize(E->Args[N->Arg]);
    if (R.K == LockRef::Class)
      MayNest.insert(R.Name.str());
  }
  for (const auto &[Class, Keys] : StaticKeys)
    if (Keys.size() > 1)
      SplitByLockdep.try_emplace(Class, "lockdep keys it by " +
                                            std::to_string(Keys.size()) +
                                            " static keys: " + Sites[Class]);
}

StringRef Linker::className(StringRef Raw) {
  auto It = ClassCache.find(Raw);
  if (It != ClassCache.end())
    return It->second;
  StringRef C = Rules.canonical(Raw);
  auto N = LockdepNames.find(C);
  StringRef Out = Saver.save(N != LockdepNames.end() ? StringRef(N->second) : C);
  ClassCache[Raw] = Out;
  if (Rules.Ignored.count(Out))
    Ignored.insert(Out.data());
  return Out;
}

LockRef Linker::normalize(const ArgValue &A) {
  LockRef R;
  if (!A.isPath())
    return R;
  size_t N = A.Steps.size();
  while (N > 0 && Rules.LockTypes.count(StringRef(A.Steps[N - 1]).split('.').first))
    --N;
  R.Instance = Saver.save(A.Text);
  if (N > 0) {
    R.K = LockRef::Class;
    R.Name = className(A.Steps[N - 1]);
    return R;
  }
  if (A.R == ArgValue::Root::Param) {
    R.K = LockRef::Param;
    R.Index = A.Param;
  } else if (A.R == ArgValue::Root::Global) {
    R.K = LockRef::Class;
    R.Name = className(A.RootName);
  }
  return R;
}

SubRef Linker::subOf(const ArgValue &A) const {
  SubRef S;
  if (A.K == ArgValue::Kind::Int)
    S.Value = A.Int;
  else if (A.isPath() && A.R == ArgValue::Root::Param && A.Steps.empty())
    S.Param = A.Param;
  else
    S.Unknown = true;
  return S;
}

LockRef Linker::instantiate(const LockRef &R, ArrayRef<ArgValue> Args) {
  if (R.K != LockRef::Param)
    return R;
  if (R.Index >= Args.size())
    return LockRef();
  return normalize(Args[R.Index]);
}

/// The nest lock argument of an acquisition: a parameter to instantiate,
/// NULL, or anything else (taken to be a lock).
static void nestOf(const ArgValue &A, LockInfo &L) {
  if (A.isPath() && A.R == ArgValue::Root::Param && A.Steps.empty())
    L.NestParam = A.Param;
  else
    L.Nest = !(A.K == ArgValue::Kind::Int && A.Int == 0);
}

SmallVector<int8_t, 8> Linker::knownArgs(const CallEvent &E,
                                         const State &S) const {
  SmallVector<int8_t, 8> Known(E.Args.size(), -1);
  // An address is never NULL: kfree_rcu(p, rcu) passes &p->rcu.
  for (unsigned I = 0; I < E.Args.size(); ++I)
    if (E.Args[I].NonNull)
      Known[I] = 1;
  if (S.Facts.empty())
    return Known;
  for (unsigned I = 0; I < E.Args.size(); ++I) {
    const ArgValue &A = E.Args[I];
    if (!A.isPath() || !A.Steps.empty() || A.NonNull)
      continue;
    unsigned Key;
    if (A.R == ArgValue::Root::Param) {
      Key = A.Param;
    } else if (A.R == ArgValue::Root::Local) {
      auto It = VarByName.find(StringRef(A.RootName).rsplit(':').second);
      if (It == VarByName.end() || It->second < 0)
        continue;
      Key = VarBase + It->second;
    } else {
      continue;
    }
    for (auto [K, V] : S.Facts)
      if (K == Key)
        Known[I] = V;
  }
  return Known;
}

LockInfo Linker::instantiate(const LockInfo &L, ArrayRef<ArgValue> Args,
                             ArrayRef<int8_t> Known) {
  LockInfo Out = L;
  if (L.CondParam >= 0) {
    Out.CondParam = -1;
    if (L.CondParam < (int)Args.size()) {
      const ArgValue &A = Args[L.CondParam];
      if (A.K == ArgValue::Kind::Int &&
          (uint64_t(A.Int) & L.Api->IfMask) != L.Api->IfMask)
        return LockInfo(); // the condition is false: no acquisition
      if (A.isPath() && A.R == ArgValue::Root::Param && A.Steps.empty())
        Out.CondParam = A.Param;
    }
  }
  // Each guard: decided by the call (false: no acquisition), passed on as
  // the caller's parameter, or dropped.
  auto Guard = [&](int Param, bool Nonzero, int &OutParam) {
    OutParam = -1;
    if (Param < 0 || Param >= (int)Args.size())
      return true;
    const ArgValue &A = Args[Param];
    if (A.K == ArgValue::Kind::Int && (A.Int != 0) != Nonzero)
      return false; // netlink_dump(sk, true): no lock
    // blkg_create(.., new_blkg) after `if (!new_blkg) return`: the caller
    // knows the value as well as if it were a constant.
    int8_t V = Param < (int)Known.size() ? Known[Param] : -1;
    if (V >= 0 && (V != 0) != Nonzero)
      return false;
    if (V < 0 && A.isPath() && A.R == ArgValue::Root::Param && A.Steps.empty())
      OutParam = A.Param;
    return true;
  };
  if (!Guard(L.GuardParam, L.GuardNonzero, Out.GuardParam) ||
      !Guard(L.Guard2Param, L.Guard2Nonzero, Out.Guard2Param))
    return LockInfo();
  if (Out.Guard2Param >= 0 && Out.Guard2Param == Out.GuardParam) {
    if (L.GuardNonzero != L.Guard2Nonzero)
      return LockInfo(); // a parameter both zero and non-zero
    Out.Guard2Param = -1;
  }
  if (Out.GuardParam < 0) {
    Out.GuardParam = Out.Guard2Param;
    Out.GuardNonzero = L.Guard2Nonzero;
    Out.Guard2Param = -1;
  }
  if (L.NestParam >= 0) {
    Out.NestParam = -1;
    if (L.NestParam < (int)Args.size())
      nestOf(Args[L.NestParam], Out);
  }
  Out.Lock = instantiate(L.Lock, Args);
  if (L.Sub.Param >= 0)
    Out.Sub = L.Sub.Param < (int)Args.size() ? subOf(Args[L.Sub.Param])
                                             : SubRef();
  return Out;
}

// Keys are built on the stack: the summary and edge maps are probed once per
// acquisition per call site, the global step's innermost loop.
void Linker::keyTo(raw_ostream &OS, const LockRef &R) const {
  switch (R.K) {
  case LockRef::Class:
    OS << R.Name;
    return;
  case LockRef::Param:
    OS << '$' << R.Index;
    return;
  case LockRef::Unknown:
    break;
  }
  OS << '?';
}

void Linker::keyTo(raw_ostream &OS, const LockInfo &L) const {
  keyTo(OS, L.Lock);
  if (L.Sub.Param >= 0)
    OS << "/$" << L.Sub.Param;
  else if (L.Sub.Unknown)
    OS << "/?";
  else if (L.Sub.Value)
    OS << '/' << L.Sub.Value;
  OS << (L.M == rules::Mode::Exclusive ? ":w"
         : L.M == rules::Mode::Shared  ? ":r"
                                       : ":rr");
  if (L.CondParam >= 0)
    OS << "?$" << L.CondParam;
  if (L.GuardParam >= 0)
    OS << "!$" << L.GuardParam << (L.GuardNonzero ? "=1" : "=0");
  if (L.Guard2Param >= 0)
    OS << "!$" << L.Guard2Param << (L.Guard2Nonzero ? "=1" : "=0");
  if (L.Nest)
    OS << "~n";
  else if (L.NestParam >= 0)
    OS << "~$" << L.NestParam;
}

std::string Linker::key(const LockRef &R) const {
  std::string S;
  raw_string_ostream OS(S);
  keyTo(OS, R);
  return S;
}

std::string Linker::key(const LockInfo &L) const {
  std::string S;
  raw_string_ostream OS(S);
  keyTo(OS, L);
  return S;
}

/// Same lock, subclass, mode and condition: what key() tells apart.
static bool sameKey(const LockInfo &A, const LockInfo &B) {
  return A.Lock == B.Lock && A.Sub == B.Sub && A.M == B.M &&
         A.CondParam == B.CondParam;
}

void Linker::fullNameTo(raw_ostream &OS, const LockInfo &L) const {
  OS << L.Lock.Name;
  if (L.Sub.Param < 0 && L.Sub.Unknown)
    OS << "/?";
  else if (L.Sub.Param < 0 && L.Sub.Value)
    OS << '/' << L.Sub.Value;
}

std::string Linker::fullName(const LockInfo &L) const {
  std::string N;
  raw_string_ostream OS(N);
  fullNameTo(OS, L);
  return N;
}

static StringRef flavorOf(const LockInfo &L) {
  return L.Api ? StringRef(L.Api->Flavor) : StringRef();
}

/// L's class and subclass are already held on every path, and taking it
/// again would be a self-deadlock finding (a lock flavor, no nesting
/// annotation, not a recursive read under a read). Lockdep reports such
/// recursive locking and stops there, adding no dependency from the other
/// locks held: edges from them into L would only repeat the self-deadlock
/// as inversions (trace_array_get_by_name() takes event_mutex, then
/// trace_types_lock, then event_mutex again in trace_early_triggers()).
static bool sameClass(const LockInfo &A, const LockInfo &B) {
  return A.Lock == B.Lock && A.Sub == B.Sub;
}

/// Held -> Acquired is a nesting a `forbid` rule names (a sleeping lock
/// under a spinlock): lockdep's recursion report does not replace the
/// might_sleep() splat, so such an edge stays when Acquired is retaken.
bool Linker::forbidden(const LockInfo &Held, const LockInfo &Acquired) const {
  ArrayRef<std::string> HT, AT;
  if (Held.Api)
    HT = Held.Api->Tags;
  if (Acquired.Api)
    AT = Acquired.Api->Tags;
  return any_of(Rules.Nestings, [&](const rules::ForbiddenNesting &N) {
    return N.Outer.matches(Held.Lock.Name, flavorOf(Held), HT) &&
           N.Inner.matches(Acquired.Lock.Name, flavorOf(Acquired), AT);
  });
}

bool Linker::retaken(const State &S, const LockInfo &L) const {
  if (L.Lock.K != LockRef::Class || L.Try || L.Nest || L.NestParam >= 0 ||
      L.Sub.Param >= 0 || L.Sub.Unknown)
    return false;
  for (const HeldEntry &H : S.Held)
    if (H.Must && !H.MayDropped && sameClass(H.L, L) &&
        !(L.M == rules::Mode::RecursiveRead &&
          H.L.M != rules::Mode::Exclusive)) {
      StringRef F = flavorOf(L);
      return F != "region" && F != "context" &&
             !MayNest.count(L.Lock.Name.str());
    }
  return false;
}

bool Linker::suppressed(const State &S, const LockInfo &L) const {
  if (!L.Api || L.Api->UnlessHeld.empty())
    return false;
  for (const HeldEntry &H : S.Held)
    if (H.L.Lock.K == LockRef::Class && is_contained(L.Api->UnlessHeld, StringRef(H.L.Lock.Name)))
      return true;
  return false;
}

AcqKey Linker::acqKey(const LockInfo &L) {
  AcqKey K;
  K.Ref = refId(L.Lock);
  if (L.Api && !L.Api->Tags.empty()) {
    auto [It, New] = TagIds.try_emplace(L.Api, 0);
    if (New)
      It->second =
          TagSets.try_emplace(llvm::join(L.Api->Tags, "#"), TagSets.size() + 1)
              .first->second;
    K.Tags = It->second;
  }
  // As keyTo() spells it: a parameter subclass, else unknown, else a value.
  if (L.Sub.Param >= 0)
    K.SubParam = L.Sub.Param;
  else if (L.Sub.Unknown)
    K.SubUnknown = true;
  else
    K.SubValue = L.Sub.Value;
  K.Mode = uint8_t(L.M);
  K.CondParam = L.CondParam;
  if (L.GuardParam >= 0) {
    K.GuardParam = L.GuardParam;
    K.GuardNonzero = L.GuardNonzero;
  }
  if (L.Guard2Param >= 0) {
    K.Guard2Param = L.Guard2Param;
    K.Guard2Nonzero = L.Guard2Nonzero;
  }
  K.Try = L.Try;
  K.Nest = L.Nest;
  K.NestParam = L.NestParam;
  return K;
}

void Linker::pedgeKey(const LockInfo &H, const LockInfo &A,
                      SmallString<96> &K) {
  raw_svector_ostream OS(K);
  OS << 'E';
  keyTo(OS, H);
  OS << '>';
  keyTo(OS, A);
}

void Linker::indexSummary(Summary &Sum) {
  if (Sum.AcqIndex.empty())
    for (unsigned I = 0, E = Sum.Acqs.size(); I < E; ++I)
      Sum.AcqIndex.try_emplace(acqKey(Sum.Acqs[I].L), I);
  if (Sum.PEdgeIndex.empty())
    for (unsigned I = 0, E = Sum.PEdges.size(); I < E; ++I) {
      SmallString<96> K;
      pedgeKey(Sum.PEdges[I].H.L, Sum.PEdges[I].A.L, K);
      Sum.PEdgeIndex.try_emplace(K, I);
    }
}

void Linker::dropIndex(Summary &Sum) {
  Sum.AcqIndex = decltype(Sum.AcqIndex)();
  Sum.PEdgeIndex = StringMap<unsigned>();
}

void Linker::addAcq(int Fn, AcqEntry &A, bool &Changed) {
  Summary &Sum = Functions[Fn].Sum;
  AcqKey K = acqKey(A.L);
  auto It = Sum.AcqIndex.find(K);
  if (It == Sum.AcqIndex.end()) {
    // Functions near the top of the kernel's call graph reach thousands of
    // acquisitions; beyond MaxAcquisitions a summary keeps what it has.
    if (Sum.Acqs.size() >= MaxAcquisitions) {
      if (!Sum.Truncated) {
        Sum.Truncated = true;
        ++Stats.TruncatedSummaries;
      }
      return;
    }
    PassDropped[Sum.Acqs.size()] = ~0u;
    Sum.AcqIndex.try_emplace(K, Sum.Acqs.size());
    node(Fn, A);
    Sum.Acqs.push_back(A);
    Changed = true;
    return;
  }
  AcqEntry &Old = Sum.Acqs[It->second];
  if (A.Depth < Old.Depth) {
    PassDropped.try_emplace(It->second, ~0u);
    node(Fn, A);
    Old = A;
    Changed = true;
    return;
  }
  if (A.Depth != Old.Depth || A.Line != Old.Line || A.Parent != Old.Parent)
    return;
  // The same acquisition recorded again. In a later pass (a later round
  // over a large SCC, a later fixpoint iteration) it knows its callees
  // better: its dropped locks replace the earlier pass's. Within one pass
  // (reached on several paths) only locks dropped on all of them count.
  // Whether the pass changed them is decided at its end (analyze()): a
  // change at each recording would make a pass that records two lists
  // change every time (handle_irq_event()'s cycle never converged).
  auto [P, First] = PassDropped.try_emplace(It->second, Old.DroppedBefore);
  Old.DroppedBefore =
      First ? A.DroppedBefore : droppedBoth(Old.DroppedBefore, A.DroppedBefore);
}

unsigned Linker::droppedBoth(unsigned A, unsigned B) {
  if (A == B || !A || !B)
    return A == B ? A : 0;
  DropList Both;
  for (const LockRef &R : DropLists[A])
    if (droppedHas(B, R))
      Both.push_back(R);
  return intern(Both);
}

void Linker::emitEdge(int Fn, const HeldEntry &Held, AcqEntry &A, int WitnessFn,
                      bool Record, bool &Changed, bool RetakeOnly) {
  if (!Record || A.L.Try || droppedHas(A.DroppedBefore, Held.L.Lock) ||
      ignored(Held.L.Lock) || ignored(A.L.Lock))
    return;
  // Maybe released by a callee on the way: not held on every path. A copy
  // only then: this runs for every held lock at every acquisition.
  std::optional<HeldEntry> Weak;
  if (Held.MayDropped) {
    Weak = Held;
    Weak->Must = false;
    Weak->MayDropped = false;
  }
  const HeldEntry &H = Weak ? *Weak : Held;
  StringRef HF = flavorOf(H.L), AF = flavorOf(A.L);
  if (HF == "context" || AF == "context")
    return;
  // Under a nest lock, instances of one class are held together by design
  // (the ww_mutexes of one acquire context).
  if (A.L.Nest && H.L.Lock == A.L.Lock)
    return;
  // Whether the nest lock is NULL is for the callers to say, as is which
  // lock a parameter is, and whether an acquisition guarded by a
  // parameter happens at all: gen6_ppgtt_pin(ppgtt, ww) holds dma_resv
  // and calls i915_ggtt_pin(vma, ww), which opens an acquire context only
  // `if (!ww)`; its callers pass one. Functions no one calls emit their
  // guarded edges at the end (emitUndecided()).
  if (H.L.Lock.K == LockRef::Param || A.L.Lock.K == LockRef::Param ||
      (A.L.NestParam >= 0 && H.L.Lock == A.L.Lock) || A.L.GuardParam >= 0 ||
      A.L.CondParam >= 0) {
    Summary &Sum = Functions[Fn].Sum;
    SmallString<96> K;
    pedgeKey(H.L, A.L, K);
    auto [It, New] = Sum.PEdgeIndex.try_emplace(K, Sum.PEdges.size());
    if (New || Sum.PEdges[It->second].Stale) {
      node(WitnessFn, A);
      PEdge P{H, A, WitnessFn, RetakeOnly};
      if (New)
        Sum.PEdges.push_back(std::move(P));
      else
        Sum.PEdges[It->second] = std::move(P);
      Changed = true;
    }
    return;
  }
  if (!ClassEdges)
    return;
  SmallString<128> K;
  raw_svector_ostream OS(K);
  fullNameTo(OS, H.L);
  OS << '|' << modeLabel(H.L.M) << '|';
  fullNameTo(OS, A.L);
  OS << '|' << modeLabel(A.L.M);
  if (A.L.Api)
    for (const std::string &T : A.L.Api->Tags)
      OS << '|' << T;
  const StoredFunction &W = *Functions[WitnessFn].S;
  auto Better = [&](const Witness &Old) {
    const StoredFunction &O = *Functions[Old.Fn].S;
    // A witness where the held lock is held on every path beats one where
    // it is held on some only.
    return std::make_tuple(!H.Must, A.Depth, W.Facts.File, A.Line, H.Line) <
           std::make_tuple(!Old.H.Must, Old.A.Depth, O.Facts.File, Old.A.Line,
                           Old.H.Line);
  };
  auto It = Edges.find(K);
  if (It == Edges.end()) {
    node(WitnessFn, A);
    Edges.try_emplace(K, Witness{WitnessFn, H, A, RetakeOnly});
    ClassFlavor.try_emplace(fullName(H.L), HF.str());
    ClassFlavor.try_emplace(fullName(A.L), AF.str());
  } else {
    bool Only = It->second.RetakeOnly && RetakeOnly;
    if (Better(It->second)) {
      node(WitnessFn, A);
      It->second = Witness{WitnessFn, H, A};
    }
    It->second.RetakeOnly = Only;
  }
}

void Linker::hold(int Fn, State &S, const LockInfo &L, unsigned Line,
                  unsigned Id, bool SuccessNonzero, bool Direct) {
  if (ignored(L.Lock))
    return;
  HeldEntry H{L, Line, /*Must=*/true, Direct, /*Retaken=*/false};
  // A caller's lock taken again by this function (or by a callee given it
  // as an argument) is no longer dropped. A lock of the same class that a
  // callee returns holding on its own account is another instance, or the
  // large SCC's over-approximation: ptrace_stop() drops the caller's
  // siglock, then calls schedule(), whose summary may return holding one.
  if (Direct) {
    unsigned Id = refId(L.Lock);
    H.Retaken = S.undrop(Id);
    erase_if(S.CondDropped, [&](const State::CondDrop &C) {
      if (C.R != Id)
        return false;
      H.Retaken |= is_contained(S.Facts, std::make_pair(C.Param, C.Value));
      return true;
    });
  }
  if (L.Conditional && Functions[Fn].Tested.count(Id)) {
    S.Pend.push_back({Id, H, SuccessNonzero});
    return;
  }
  for (HeldEntry &Old : S.Held)
    if (sameKey(Old.L, L)) {
      // Taken again after a callee maybe released it: held for certain.
      if (Direct)
        Old.MayDropped = false;
      return;
    }
  S.Held.push_back(H);
}

void Linker::release(int Fn, State &S, const LockRef &R, bool Direct,
                     bool Record, bool &Changed) {
  if (!R.valid())
    return;
  // The very expression that was locked if it is held (mutex_unlock(&b->m)
  // releases b->m, not a->m of the same class), else the whole class.
  bool Exact = !R.Instance.empty() &&
               any_of(S.Held, [&](const HeldEntry &H) {
                 return H.L.Lock == R && H.L.Lock.Instance == R.Instance;
               });
  auto Matches = [&](const HeldEntry &H) {
    return H.L.Lock == R && (!Exact || H.L.Lock.Instance == R.Instance);
  };
  // Held because a callee's summary says it returns holding a lock of
  // this class (the large SCC's over-approximation, or another instance):
  // an unlock here may still be of the caller's lock. So is the unlock of
  // a caller's lock this function took again.
  auto Own = [](const HeldEntry &H) {
    return H.Must && H.Direct && !H.Retaken;
  };
  bool Found = false, Must = false;
  for (const HeldEntry &H : S.Held)
    if (Matches(H)) {
      Found = true;
      Must |= Own(H);
    }
  // A callee's uncertain release of a lock this function certainly holds
  // does not end it: otherwise the function's own unlock after such a call
  // pairs with nothing, and its summary says it releases its callers' lock
  // on every path.
  if (!Direct && Must) {
    for (HeldEntry &H : S.Held)
      if (Matches(H) && Own(H))
        H.MayDropped = true;
    erase_if(S.Held, [&](const HeldEntry &H) { return Matches(H) && !Own(H); });
  } else {
    erase_if(S.Held, Matches);
  }
  // Only the first MaxDropped reach the acquisitions after this point, so
  // a lock this function unlocks itself goes before those its callees'
  // summaries say they release: ptrace_stop()'s unlock of the caller's
  // siglock must not be crowded out by what schedule() may release.
  unsigned Id = refId(R);
  if (!Found || !Must) {
    if (Direct) {
      // Also when a callee "released" it earlier: this unlock is certain,
      // and so on every path, not only under a value.
      erase_if(S.CondDropped,
               [&](const State::CondDrop &C) { return C.R == Id; });
      S.dropOwn(Id);
    } else {
      // A callee's release does not replace a drop under a value, which
      // goes before what callees release: msleep() in the large SCC may
      // release hundreds of classes, and only MaxDropped are kept.
      S.dropCallees(Id);
    }
  }
  // Released while possibly not taken here: the caller's lock. Whether the
  // caller sees a release or a no-op (released and taken again) is decided
  // at the exit.
  if (Record && (!Found || !Must) && CandidateIds.insert(Id).second)
    ReleaseCandidates.push_back(R);
  if (Record)
    ReleasedHere.insert(Id);
}

void Linker::apiEvent(int Fn, const CallEvent &E, const rules::Api &R,
                      unsigned Id, State &S, bool Record, bool &Changed) {
  ++Stats.LockEvents;
  LockInfo L;
  L.Api = &R;
  if (R.Arg >= 0)
    L.Lock = R.Arg < (int)E.Args.size() ? normalize(E.Args[R.Arg]) : LockRef();
  else {
    L.Lock.K = LockRef::Class;
    L.Lock.Name = className(R.Lock);
    // A fixed class (lock_page(), journal start) says nothing about which
    // instance: two of them are not known to be the same.
  }
  if (!L.Lock.valid()) {
    if (Record && R.Act != rules::Action::Release)
      ++Stats.UnresolvedLocks;
    return;
  }
  if (ignored(L.Lock))
    return;
  if (R.IfArg >= 0 && R.IfArg < (int)E.Args.size()) {
    const ArgValue &A = E.Args[R.IfArg];
    if (A.K == ArgValue::Kind::Int && (uint64_t(A.Int) & R.IfMask) != R.IfMask)
      return;
    if (A.isPath() && A.R == ArgValue::Root::Param && A.Steps.empty())
      L.CondParam = A.Param;
  }
  if (R.SubclassArg >= 0 && R.SubclassArg < (int)E.Args.size())
    L.Sub = subOf(E.Args[R.SubclassArg]);
  if (R.NestArg >= 0 && R.NestArg < (int)E.Args.size())
    nestOf(E.Args[R.NestArg], L);
  L.M = R.M;
  if (R.ReadArg >= 0 && R.ReadArg < (int)E.Args.size() &&
      E.Args[R.ReadArg].K == ArgValue::Kind::Int)
    L.M = E.Args[R.ReadArg].Int == 0   ? rules::Mode::Exclusive
          : E.Args[R.ReadArg].Int == 1 ? rules::Mode::Shared
                                       : rules::Mode::RecursiveRead;
  L.Conditional = R.Act == rules::Action::Try;
  L.Try = L.Conditional && !R.Blocking;
  if (R.TryArg >= 0 && R.TryArg < (int)E.Args.size() &&
      E.Args[R.TryArg].K == ArgValue::Kind::Int && E.Args[R.TryArg].Int)
    L.Try = true;
  L.Irq = R.IrqState;

  if (R.Act == rules::Action::Release) {
    release(Fn, S, L.Lock, /*Direct=*/true, Record, Changed);
    return;
  }
  if (suppressed(S, L))
    return;
  guardBy(S, L);
  AcqEntry A{L, E.Line, -1, -1, 0, 1, droppedAt(S)};
  if (Record) {
    if (!L.Try)
      addAcq(Fn, A, Changed);
    bool Again = retaken(S, L);
    for (const HeldEntry &H : S.Held)
      if (!Again || sameClass(H.L, L))
        emitEdge(Fn, H, A, Fn, Record, Changed);
      else if (forbidden(H.L, L))
        emitEdge(Fn, H, A, Fn, Record, Changed, /*RetakeOnly=*/true);
  }
  if (R.Act == rules::Action::Touch)
    return;
  hold(Fn, S, L, E.Line, Id, R.SuccessNonzero, /*Direct=*/true);
}

void Linker::event(int Fn, unsigned B, unsigned I, State &S, bool Record,
                   bool &Changed) {
  Function &F = Functions[Fn];
  const CallEvent &E = F.S->Facts.Blocks[B].Events[I];
  unsigned Id = eventId(B, I);
  if (const rules::Api *R = F.Apis[B][I]) {
    apiEvent(Fn, E, *R, Id, S, Record, Changed);
    return;
  }
  const auto &Targets = F.Targets[B][I];
  if (Targets.empty())
    return;
  unsigned Via = 0;
  if (!E.Via.empty()) {
    auto [It, New] = ViaIds.try_emplace(E.Via, ViaNames.size());
    if (New)
      ViaNames.push_back(It->first());
    Via = It->second;
  }
  // Acquisitions and parameter edges first, with the held set before the
  // call; then the call's effect on the held set.
  // What the acquisitions below remember as dropped, unless their callee
  // dropped more: one lookup per call, not per acquisition.
  unsigned DroppedHere = Record ? droppedAt(S) : 0;
  SmallVector<int8_t, 8> Known = knownArgs(E, S);
  for (int G : Targets) {
    const Summary &SG = Functions[G].Sum;
    SmallVector<LockRef, 2> Local;
    // The fixpoint pass needs only the call's effect on the held set.
    for (unsigned K = 0; Record && K < SG.Acqs.size(); ++K) {
      const AcqEntry &CA = SG.Acqs[K];
      LockInfo L = instantiate(CA.L, E.Args, Known);
      if (!L.Lock.valid() || ignored(L.Lock) || suppressed(S, L))
        continue;
      guardBy(S, L);
      unsigned Indirect = CA.Indirect + (Via ? 1 : 0);
      if (Indirect > MaxIndirect) {
        if (Record)
          ++Stats.CutIndirect;
        continue;
      }
      // What the callee dropped is this function's lock when it holds it
      // here (then it matters only for edges made here), else a lock of
      // this function's callers, which the summary passes on.
      DropList Passed;
      for (const LockRef &D : dropped(CA.DroppedBefore)) {
        LockRef I = instantiate(D, E.Args);
        if (!I.valid())
          continue;
        if (any_of(S.Held, [&](const HeldEntry &H) { return H.L.Lock == I; }))
          Local.push_back(I);
        else
          Passed.push_back(I);
      }
      AcqEntry A{L,
                 E.Line,
                 -1,
                 CA.Node,
                 Via,
                 CA.Depth + 1,
                 Passed.empty() ? DroppedHere : droppedAt(S, Passed),
                 uint8_t(Indirect)};
      if (Record) {
        addAcq(Fn, A, Changed);
        // Not when the callee dropped it first (then took it again).
        bool Again = !is_contained(Local, L.Lock) && retaken(S, L);
        for (const HeldEntry &H : S.Held) {
          if (is_contained(Local, H.L.Lock))
            continue;
          if (!Again || sameClass(H.L, L))
            emitEdge(Fn, H, A, Fn, Record, Changed);
          else if (forbidden(H.L, L))
            emitEdge(Fn, H, A, Fn, Record, Changed, /*RetakeOnly=*/true);
        }
      }
      Local.clear();
    }
    if (Record)
      for (const PEdge &P : SG.PEdges) {
        if (P.Stale && guardedEdge(P))
          continue;
        HeldEntry H = P.H;
        H.L = instantiate(P.H.L, E.Args, Known);
        AcqEntry A = P.A;
        A.L = instantiate(P.A.L, E.Args, Known);
        DropList Dropped;
        for (const LockRef &D : dropped(P.A.DroppedBefore))
          if (LockRef I = instantiate(D, E.Args); I.valid())
            Dropped.push_back(I);
        A.DroppedBefore = intern(Dropped);
        if (H.L.Lock.valid() && A.L.Lock.valid())
          emitEdge(Fn, H, A, P.Fn, Record, Changed, P.RetakeOnly);
      }
  }
  for (int G : Targets) {
    // Callees in the large SCC release hundreds of classes: one allocation.
    S.Dropped.reserve(S.Dropped.size() + Functions[G].Sum.Released.size());
    for (auto [R, Own] : Functions[G].Sum.Released)
      // A parameter of the callee is a lock this function names in the
      // call (spin_unlock_irq(&current->sighand->siglock) through its
      // header wrapper), and a lock the callee unlocks itself on every
      // path (__cgroup_rstat_unlock() of the global cgroup_rstat_lock):
      // as direct as an unlock API.
      release(Fn, S, instantiate(R, E.Args),
              /*Direct=*/Own || R.K == LockRef::Param, Record, Changed);
    // After those, so that a certain release goes first among the drops.
    for (const Summary::CondRelease &C : Functions[G].Sum.CondReleased) {
      LockRef R = instantiate(C.R, E.Args);
      if (!R.valid() || C.Param >= E.Args.size())
        continue;
      const ArgValue &A = E.Args[C.Param];
      if (A.K == ArgValue::Kind::Int && (A.Int != 0) == C.Value) {
        release(Fn, S, R, /*Direct=*/true, Record, Changed);
      } else if (A.isPath() && A.R == ArgValue::Root::Param &&
                 A.Steps.empty() && none_of(S.Held, [&](const HeldEntry &H) {
                   return H.L.Lock == R;
                 })) {
        // Passed on: dropped where this function's parameter has the value.
        State::CondDrop D{refId(R), A.Param, C.Value};
        if (!is_contained(S.CondDropped, D))
          S.CondDropped.push_back(D);
      }
    }
  }
  for (int G : Targets) {
    const Summary &SG = Functions[G].Sum;
    for (const HeldEntry &H : SG.ExitHeld) {
      LockInfo L = instantiate(H.L, E.Args, Known);
      // Held on every path out of the callee: unconditionally the caller's.
      L.Conditional = false;
      if (L.Lock.valid())
        hold(Fn, S, L, E.Line, Id, true, H.L.Lock.K == LockRef::Param);
    }
    for (const TryRet &T : SG.TryRets) {
      LockInfo L = instantiate(T.L, E.Args, Known);
      L.Conditional = true;
      if (L.Lock.valid())
        hold(Fn, S, L, E.Line, Id, T.SuccessNonzero,
             T.L.Lock.K == LockRef::Param);
    }
  }
}

/// Old = New, both lists of distinct elements in any order; true if that
/// changed the set.
template <typename T> static bool replaceSet(T &Old, T New) {
  if (New.size() == Old.size() &&
      all_of(New, [&](const auto &X) { return is_contained(Old, X); }))
    return false;
  Old = std::move(New);
  return true;
}

bool Linker::join(State &Into, const State &From) {
  if (!From.Reached)
    return false;
  if (!Into.Reached) {
    Into = From;
    return true;
  }
  bool Changed = false;
  // A lock this function dropped on one side only, where that side knows
  // a parameter's or variable's value the other side knows the opposite
  // of, stays dropped under that value; a conditional drop stays where the
  // other side agrees with it.
  SmallVector<State::CondDrop, 1> Cond;
  auto AddCond = [&](const State::CondDrop &C) {
    if (!is_contained(Cond, C))
      Cond.push_back(C);
  };
  auto OneSide = [&](const State &A, const State &B) {
    // Only this function's own unlocks: what callees may release (hundreds
    // of classes in the large SCC) would crowd the real ones out of the
    // dropped-lock lists once certain under a value, and out of the
    // releases under a parameter value that callers apply.
    for (unsigned X : ArrayRef(A.Dropped).take_front(A.OwnDropped)) {
      if (B.isDropped(X))
        continue;
      for (auto [P, V] : A.Facts)
        if (is_contained(B.Facts, std::make_pair(P, !V))) {
          AddCond({X, P, V});
          break;
        }
    }
    for (const State::CondDrop &C : A.CondDropped)
      if (is_contained(B.CondDropped, C) || B.isDropped(C.R) ||
          is_contained(B.Facts, std::make_pair(C.Param, !C.Value)))
        AddCond(C);
  };
  OneSide(Into, From);
  OneSide(From, Into);
  Changed |= replaceSet(Into.CondDropped, std::move(Cond));
  for (unsigned P : From.Reassigned)
    if (!is_contained(Into.Reassigned, P)) {
      Into.Reassigned.push_back(P);
      Changed = true;
    }
  // Relations of a variable to a parameter that hold on both sides: kept
  // from either, or made from one side's two facts where the other side
  // contradicts the premise or knows the conclusion. Not where both
  // sides know both facts: those stay facts.
  auto Knows = [](const State &S, unsigned Key, bool V) {
    return is_contained(S.Facts, std::make_pair(Key, V));
  };
  auto Holds = [&](const State &S, const State::Implication &I) {
    return Knows(S, I.Var, !I.VarValue) || Knows(S, I.Param, I.ParamValue) ||
           is_contained(S.Imps, I);
  };
  SmallVector<State::Implication, 0> Imps;
  auto AddImps = [&](const State &A, const State &B) {
    for (const State::Implication &I : A.Imps)
      if (Holds(B, I) && !is_contained(Imps, I))
        Imps.push_back(I);
    for (auto [V, VV] : A.Facts)
      for (auto [P, PV] : A.Facts) {
        State::Implication I{V, VV, P, PV};
        if (V >= VarBase && P < VarBase &&
            !(Knows(B, V, VV) && Knows(B, P, PV)) && Holds(B, I) &&
            !is_contained(Imps, I))
          Imps.push_back(I);
      }
  };
  AddImps(Into, From);
  AddImps(From, Into);
  Changed |= replaceSet(Into.Imps, std::move(Imps));
  size_t FactsBefore = Into.Facts.size();
  erase_if(Into.Facts, [&](const std::pair<unsigned, bool> &F) {
    return !is_contained(From.Facts, F);
  });
  Changed |= Into.Facts.size() != FactsBefore;
  size_t DroppedBefore = Into.Dropped.size();
  unsigned Own = 0, Kept = 0;
  for (unsigned I = 0; I < DroppedBefore; ++I) {
    unsigned X = Into.Dropped[I];
    if (From.isDropped(X)) {
      Own += I < Into.OwnDropped;
      Into.Dropped[Kept++] = X;
    } else {
      Into.mark(X, false);
    }
  }
  Into.Dropped.truncate(Kept);
  Into.OwnDropped = Own;
  Changed |= Kept != DroppedBefore;
  auto Same = [](const HeldEntry &A, const HeldEntry &B) {
    return A.L.Lock == B.L.Lock && A.L.Sub == B.L.Sub && A.L.M == B.L.M;
  };
  for (HeldEntry &Old : Into.Held)
    if (Old.Must && none_of(From.Held, [&](const HeldEntry &H) { return Same(H, Old); })) {
      Old.Must = false;
      Changed = true;
    }
  for (const HeldEntry &H : From.Held) {
    auto It = find_if(Into.Held, [&](const HeldEntry &Old) { return Same(H, Old); });
    if (It == Into.Held.end()) {
      Into.Held.push_back(H);
      Into.Held.back().Must = false;
      Changed = true;
      continue;
    }
    if (It->Must && !H.Must) {
      It->Must = false;
      Changed = true;
    }
    if (It->Direct && !H.Direct) {
      It->Direct = false;
      Changed = true;
    }
    if (!It->Retaken && H.Retaken) {
      It->Retaken = true;
      Changed = true;
    }
    if (!It->MayDropped && H.MayDropped) {
      It->MayDropped = true;
      Changed = true;
    }
    if (H.Line < It->Line) {
      It->Line = H.Line;
      Changed = true;
    }
  }
  for (const Pending &P : From.Pend)
    if (none_of(Into.Pend, [&](const Pending &O) { return O.Event == P.Event; })) {
      Into.Pend.push_back(P);
      Changed = true;
    }
  return Changed;
}

void Linker::analyze(int Fn, bool &Changed) {
  Function &F = Functions[Fn];
  const FunctionFacts &FF = F.S->Facts;
  CurFn = Fn;
  indexSummary(F.Sum);
  PassDropped.clear();
  auto paramOf = [&](unsigned Var) {
    return Var < FF.VarParams.size() ? FF.VarParams[Var] : -1;
  };
  VarByName.clear();
  for (unsigned V = 0; V < FF.Vars.size(); ++V) {
    auto [It, New] = VarByName.try_emplace(FF.Vars[V], int(V));
    if (!New)
      It->second = -1;
  }
  In.clear();
  In.resize(FF.Blocks.size());
  In[FF.Entry].Reached = true;

  bool Trace = false;
  auto Successors = [&](unsigned B, State S, bool Record, bool &Ch,
                        auto &&Visit) {
    const Block &Bl = FF.Blocks[B];
    // Assignments to tracked variables, in order with the events.
    unsigned NextAssign = 0;
    auto AssignUpTo = [&](unsigned Events) {
      for (; NextAssign < Bl.Assigns.size() &&
             Bl.Assigns[NextAssign].Before <= Events;
           ++NextAssign) {
        const Block::Assign &A = Bl.Assigns[NextAssign];
        S.forget(VarBase + A.Var);
        if (A.Value >= 0)
          S.Facts.push_back({VarBase + A.Var, A.Value != 0});
        // A parameter assigned: its value is no longer the caller's. What
        // was known of that stays true of the caller's value, but is no
        // fact about the variable any more.
        if (int P = paramOf(A.Var); P >= 0) {
          erase_if(S.Facts, [&](const std::pair<unsigned, bool> &F) {
            return F.first == unsigned(P);
          });
          erase_if(S.Imps, [&](const State::Implication &I) {
            return I.Param == unsigned(P);
          });
          if (!is_contained(S.Reassigned, unsigned(P)))
            S.Reassigned.push_back(P);
        }
      }
    };
    for (unsigned I = 0; I < Bl.Events.size(); ++I) {
      AssignUpTo(I);
      if (Record && Trace)
        trace(B, Bl.Events[I], S);
      event(Fn, B, I, S, Record, Ch);
    }
    AssignUpTo(Bl.Events.size());
    if (Bl.RetEvent >= 0) {
      unsigned Id = eventId(Bl.RetBlock, Bl.RetEvent);
      for (const Pending &P : S.Pend)
        if (P.Event == Id && Record) {
          bool Nonzero = P.SuccessNonzero == Bl.RetNonzeroIsSuccess;
          std::string K = "T" + key(P.H.L) + (Nonzero ? "1" : "0");
          if (F.Sum.Keys.insert(K).second) {
            F.Sum.TryRets.push_back({P.H.L, Nonzero});
            Ch = true;
          }
        }
      erase_if(S.Pend, [&](const Pending &P) { return P.Event == Id; });
    }
    int Tested = -1;
    bool SuccessNonzero = true;
    HeldEntry TH;
    if (Bl.CondEvent >= 0 && Bl.Succs.size() == 2) {
      unsigned Id = eventId(Bl.CondBlock, Bl.CondEvent);
      // The pending acquisition stays: the same result may be returned
      // later (`ret = down_write_killable(l); if (!ret) ...; return ret;`).
      for (const Pending &P : S.Pend)
        if (P.Event == Id) {
          Tested = Id;
          SuccessNonzero = P.SuccessNonzero;
          TH = P.H;
        }
    }
    // The parameter or variable this block branches on, if any.
    int CondKey = Bl.CondParam >= 0 ? Bl.CondParam
                  : Bl.CondVar >= 0 ? int(VarBase) + Bl.CondVar
                                    : -1;
    for (unsigned K = 0; K < Bl.Succs.size(); ++K) {
      if (Bl.Succs[K] < 0)
        continue;
      State Out = S;
      // Whether this successor is taken when the tested value is non-zero
      // (for a two-way branch), and what it knows about the value.
      bool TakenWhenNonzero = (K == 0) == Bl.TrueIsNonzero;
      bool Knows = !Bl.NonzeroOnly || TakenWhenNonzero;
      int Value = -1;
      if (CondKey >= 0 && !Bl.CaseFacts.empty())
        Value = Bl.CaseFacts[K];
      else if (CondKey >= 0 && Bl.Succs.size() == 2 && Knows)
        Value = TakenWhenNonzero;
      if (Value >= 0) {
        SmallVector<std::pair<unsigned, bool>, 2> New{
            {unsigned(CondKey), Value != 0}};
        if (Bl.CondVar >= 0) {
          for (const Block::Implied &I : Bl.Implies)
            if (I.WhenNonzero == (Value != 0))
              New.push_back({I.Param, I.Value});
          for (const State::Implication &I : S.Imps)
            if (I.Var == unsigned(CondKey) && I.VarValue == (Value != 0))
              New.push_back({I.Param, I.ParamValue});
          // `if (!new_blkg) new_blkg = blkg_alloc(..)`: before the
          // function assigns it, a parameter is the caller's value.
          if (int P = paramOf(Bl.CondVar);
              P >= 0 && !is_contained(S.Reassigned, unsigned(P)))
            New.push_back({unsigned(P), Value != 0});
        }
        // The other value is already known on this path: not taken.
        if (any_of(New, [&](const std::pair<unsigned, bool> &F) {
              return is_contained(S.Facts, std::make_pair(F.first, !F.second));
            }))
          continue;
        for (const auto &Fact : New)
          if (!is_contained(Out.Facts, Fact))
            Out.Facts.push_back(Fact);
      }
      // Where the result is not known (`ret != -EDEADLK`), the lock may
      // have been taken.
      if (Tested >= 0 && (!Knows || TakenWhenNonzero == SuccessNonzero))
        Out.Held.push_back(TH);
      Visit(unsigned(Bl.Succs[K]), Out);
    }
  };

  std::deque<unsigned> Work{FF.Entry};
  std::vector<bool> Queued(FF.Blocks.size(), false);
  Queued[FF.Entry] = true;
  bool Dummy = false;
  unsigned Steps = 0;
  while (!Work.empty() && Steps++ < 100000) {
    unsigned B = Work.front();
    Work.pop_front();
    Queued[B] = false;
    Successors(B, In[B], /*Record=*/false, Dummy,
               [&](unsigned Succ, const State &Out) {
                 if (join(In[Succ], Out) && !Queued[Succ]) {
                   Queued[Succ] = true;
                   Work.push_back(Succ);
                 }
               });
  }
  // Recording pass over the fixpoint.
  // LOCKGRAPH_DEBUG_TRACE=NAME[,NAME...]: the state before each call.
  if (TraceNames)
    Trace = is_contained(llvm::split(StringRef(TraceNames), ','),
                         StringRef(FF.Name));
  if (Trace)
    errs() << "trace of " << FF.Key << " (" << FF.File << ":" << FF.Line
           << ")\n";
  ReleaseCandidates.clear();
  CandidateIds.clear();
  ReleasedHere.clear();
  for (unsigned B = 0; B < FF.Blocks.size(); ++B)
    if (In[B].Reached)
      Successors(B, In[B], /*Record=*/true, Changed,
                 [](unsigned, const State &) {});
  // Net effect for callers: a lock of the caller released here and not
  // held at exit is released; one taken again is a no-op; a lock taken here
  // and held on every path to the exit is returned held.
  const State &Exit = In[FF.Exit];
  // Returning a conditional lock's result makes a trylock wrapper only if
  // the function never releases that lock: input_register_handle() returns
  // mutex_lock_interruptible()'s error, but unlocks before returning 0.
  erase_if(F.Sum.TryRets, [&](const TryRet &T) {
    return ReleasedHere.contains(refId(T.L.Lock));
  });
  for (const LockRef &R : ReleaseCandidates) {
    if (any_of(Exit.Held, [&](const HeldEntry &H) { return H.L.Lock == R; }))
      continue;
    bool Own = is_contained(
        ArrayRef(Exit.Dropped).take_front(Exit.OwnDropped), refId(R));
    auto It = find_if(F.Sum.Released, [&](const auto &P) { return P.first == R; });
    if (It == F.Sum.Released.end()) {
      F.Sum.Released.push_back({R, Own});
      Changed = true;
    } else if (It->second != Own) {
      // A later round or iteration knows the callees better.
      It->second = Own;
      Changed = true;
    }
  }
  for (const State::CondDrop &C : Exit.CondDropped) {
    const LockRef &R = Refs[C.R];
    // Held again at the exit on some paths only: those of the other value
    // (the relock under `if (locked)`).
    if (C.Param >= VarBase ||
        any_of(Exit.Held,
               [&](const HeldEntry &H) { return H.Must && H.L.Lock == R; }) ||
        any_of(F.Sum.CondReleased, [&](const Summary::CondRelease &O) {
          return O.R == R && O.Param == C.Param && O.Value == C.Value;
        }))
      continue;
    F.Sum.CondReleased.push_back({R, C.Param, C.Value});
    Changed = true;
  }
  for (const HeldEntry &H : Exit.Held) {
    if (!H.L.Lock.valid() || !H.Must || H.MayDropped ||
        is_contained(ReleaseCandidates, H.L.Lock))
      continue;
    std::string K = "X" + key(H.L);
    if (F.Sum.Keys.insert(K).second) {
      F.Sum.ExitHeld.push_back(H);
      Changed = true;
    }
  }
  for (auto [I, Before] : PassDropped)
    if (Before != ~0u && F.Sum.Acqs[I].DroppedBefore != Before)
      Changed = true;
  dropIndex(F.Sum);
}

void Linker::emitUndecided(int Fn) {
  bool Changed = false;
  for (const PEdge &P : Functions[Fn].Sum.PEdges) {
    if (!guardedEdge(P))
      continue;
    AcqEntry A = P.A;
    A.L.GuardParam = A.L.Guard2Param = A.L.CondParam = -1;
    emitEdge(Fn, P.H, A, P.Fn, /*Record=*/true, Changed, P.RetakeOnly);
  }
}

/// The members of one SCC in depth-first post-order over the calls between
/// them (callees before callers, but for the calls that close cycles),
/// starting from members in index order.
std::vector<int> Linker::postOrder(const std::vector<int> &C,
                                   const std::vector<int> &Comp) const {
  int Self = Comp[C.front()];
  DenseMap<int, bool> Seen;
  std::vector<int> Out;
  auto Succs = [&](int Fn) {
    std::vector<int> S;
    for (const auto &BT : Functions[Fn].Targets)
      for (const auto &T : BT)
        for (int G : T)
          if (Comp[G] == Self)
            S.push_back(G);
    sort(S);
    S.erase(std::unique(S.begin(), S.end()), S.end());
    return S;
  };
  for (int Root : C) {
    if (Seen.count(Root))
      continue;
    Seen[Root] = true;
    std::vector<std::pair<int, std::vector<int>>> Stack;
    Stack.push_back({Root, Succs(Root)});
    std::vector<size_t> Next{0};
    while (!Stack.empty()) {
      auto &[V, S] = Stack.back();
      size_t &I = Next.back();
      if (I < S.size()) {
        int W = S[I++];
        if (Seen.try_emplace(W, true).second) {
          Stack.push_back({W, Succs(W)});
          Next.push_back(0);
        }
        continue;
      }
      Out.push_back(V);
      Stack.pop_back();
      Next.pop_back();
    }
  }
  return Out;
}

/// Tarjan's algorithm, iterative; SCCs come out callees first.
std::vector<std::vector<int>> Linker::sccs() const {
  int N = Functions.size();
  std::vector<std::vector<int>> Succ(N);
  for (int I = 0; I < N; ++I) {
    for (const auto &BT : Functions[I].Targets)
      for (const auto &T : BT)
        for (int G : T)
          Succ[I].push_back(G);
    sort(Succ[I]);
    Succ[I].erase(std::unique(Succ[I].begin(), Succ[I].end()), Succ[I].end());
  }
  std::vector<int> Index(N, -1), Low(N, 0);
  std::vector<bool> OnStack(N, false);
  std::vector<int> Stack;
  std::vector<std::vector<int>> Out;
  int Counter = 0;
  for (int Root = 0; Root < N; ++Root) {
    if (Index[Root] >= 0)
      continue;
    std::vector<std::pair<int, size_t>> Call{{Root, 0}};
    Index[Root] = Low[Root] = Counter++;
    Stack.push_back(Root);
    OnStack[Root] = true;
    while (!Call.empty()) {
      auto &[V, It] = Call.back();
      if (It < Succ[V].size()) {
        int W = Succ[V][It++];
        if (Index[W] < 0) {
          Index[W] = Low[W] = Counter++;
          Stack.push_back(W);
          OnStack[W] = true;
          Call.push_back({W, 0});
        } else if (OnStack[W]) {
          Low[V] = std::min(Low[V], Index[W]);
        }
        continue;
      }
      if (Low[V] == Index[V]) {
        std::vector<int> C;
        int W;
        do {
          W = Stack.back();
          Stack.pop_back();
          OnStack[W] = false;
          C.push_back(W);
        } while (W != V);
        sort(C);
        Out.push_back(std::move(C));
      }
      int Done = V;
      Call.pop_back();
      if (!Call.empty())
        Low[Call.back().first] = std::min(Low[Call.back().first], Low[Done]);
    }
  }
  return Out;
}

int Linker::witness(const AcqEntry &A, std::vector<WitnessRow> &Rows,
                    RowIndex &Index, NodeRows &Done) const {
  // The chain's nodes, outermost first, each with the field it was reached
  // through, up to the first whose row is known: many edges' chains end
  // in the same nodes. The last hop calls the lock API of the
  // acquisition, which every entry along the chain carries.
  auto ApiAt = [&](const WitnessNode &W) {
    return W.Parent < 0 ? A.L.Api : nullptr;
  };
  SmallVector<std::pair<const WitnessNode *, unsigned>, 32> Path;
  SmallVector<int, 32> Ids;
  int Next = -1;
  unsigned Via = 0;
  for (int N = A.Node, Guard = 0; N >= 0 && Guard < 256; ++Guard) {
    const WitnessNode &W = Nodes[N];
    if (auto It = Done.find({N, Via, ApiAt(W)}); It != Done.end()) {
      Next = It->second;
      break;
    }
    Path.push_back({&W, Via});
    Ids.push_back(N);
    Via = W.Via;
    N = W.Parent;
  }
  // From the last new hop back: a hop whose row and tail exist already
  // (another node with the same function, line and field) reuses the row.
  for (size_t I = Path.size(); I-- > 0;) {
    auto [W, Via] = Path[I];
    const rules::Api *Api = ApiAt(*W);
    auto [It, New] =
        Index.try_emplace({W->Fn, W->Line, Via, Api, Next}, Rows.size());
    if (New) {
      const StoredFunction &S = *Functions[W->Fn].S;
      Rows.push_back({Hop{S.Facts.Name, S.Facts.File, W->Line,
                          ViaNames[Via].str(), Api ? Api->Function : ""},
                      Next});
    }
    Next = It->second;
    Done.try_emplace({Ids[I], Via, Api}, Next);
  }
  return Next;
}

int Linker::node(int Fn, AcqEntry &A) {
  if (A.Node < 0) {
    A.Node = Nodes.size();
    Nodes.push_back(WitnessNode{Fn, A.Line, A.Parent, A.Via});
  }
  return A.Node;
}

void Linker::trace(unsigned B, const CallEvent &E, const State &S) const {
  errs() << "  block " << B << " line " << E.Line << " "
         << (E.Callee.empty() ? "(" + E.Via + ")" : E.Callee) << ": held";
  for (const HeldEntry &H : S.Held)
    errs() << " " << key(H.L) << (H.Must ? "" : "(may)")
           << (H.MayDropped ? "(may-dropped)" : "")
           << (H.Direct ? "" : "(callee's)");
  errs() << "; dropped";
  for (unsigned I = 0; I < S.Dropped.size(); ++I)
    errs() << " " << key(Refs[S.Dropped[I]])
           << (I < S.OwnDropped ? "(own)" : "");
  // A parameter as $N, a tracked variable by its name.
  auto Name = [&](unsigned Key) {
    const std::vector<std::string> &Vars = Functions[CurFn].S->Facts.Vars;
    return Key < VarBase                 ? "$" + std::to_string(Key)
           : Key - VarBase < Vars.size() ? Vars[Key - VarBase]
                                         : "?";
  };
  for (const State::CondDrop &C : S.CondDropped)
    errs() << " " << key(Refs[C.R]) << "(if " << Name(C.Param) << "=" << C.Value
           << ")";
  errs() << "; known";
  for (auto [Key, Nonzero] : S.Facts)
    errs() << " " << Name(Key) << (Nonzero ? "!=0" : "=0");
  errs() << "\n";
}

/// LOCKGRAPH_DEBUG_SUMMARY=NAME[,NAME...] prints the summaries of functions
/// with these names to stderr, for triage.
void Linker::dump(int Fn) const {
  const Function &F = Functions[Fn];
  errs() << "summary of " << F.S->Facts.Key << " (" << F.S->Facts.File << ":"
         << F.S->Facts.Line << ")\n";
  for (const AcqEntry &A : F.Sum.Acqs) {
    errs() << "  acquires " << key(A.L) << " line " << A.Line << " depth "
           << A.Depth << (A.L.Try ? " try" : "");
    for (const LockRef &D : dropped(A.DroppedBefore))
      errs() << " after-dropping " << key(D);
    errs() << "\n";
  }
  for (const HeldEntry &H : F.Sum.ExitHeld)
    errs() << "  returns holding " << key(H.L) << " (line " << H.Line << ")\n";
  for (auto [R, Own] : F.Sum.Released)
    errs() << "  releases " << key(R) << (Own ? " (itself, on every path)" : "")
           << "\n";
  for (const Summary::CondRelease &C : F.Sum.CondReleased)
    errs() << "  releases " << key(C.R) << " where $" << C.Param
           << (C.Value ? " is non-zero" : " is zero") << "\n";
  for (const TryRet &T : F.Sum.TryRets)
    errs() << "  try-returns " << key(T.L)
           << (T.SuccessNonzero ? " when nonzero" : " when zero") << "\n";
  for (const PEdge &P : F.Sum.PEdges)
    errs() << "  param edge " << key(P.H.L) << (P.H.Must ? "" : "(may)")
           << " -> " << key(P.A.L) << " held line " << P.H.Line << " fn "
           << Functions[P.Fn].S->Facts.Name << (P.Stale ? " stale" : "")
           << "\n";
}

LockGraph Linker::run() {
  // LOCKGRAPH_DEBUG_SCC also says when the large SCC's rounds start.
  auto Start = std::chrono::steady_clock::now();
  auto Elapsed = [&] {
    return format("%.1f s", std::chrono::duration<double>(
                                std::chrono::steady_clock::now() - Start)
                                .count());
  };
  collectNames();
  std::vector<std::vector<int>> Components = sccs();
  // A summary is read only by callers in later SCCs: once the last of them
  // is analysed it is freed (its witness nodes stay).
  int N = Functions.size();
  std::vector<int> Comp(N);
  for (int C = 0, E = Components.size(); C < E; ++C)
    for (int Fn : Components[C])
      Comp[Fn] = C;
  std::vector<std::vector<int>> Callees(N);
  std::vector<unsigned> Callers(N, 0);
  std::vector<bool> Called(N, false);
  for (int Fn = 0; Fn < N; ++Fn) {
    for (const auto &BT : Functions[Fn].Targets)
      for (const auto &T : BT)
        for (int G : T) {
          Called[G] = true;
          if (Comp[G] != Comp[Fn])
            Callees[Fn].push_back(G);
        }
    sort(Callees[Fn]);
    Callees[Fn].erase(std::unique(Callees[Fn].begin(), Callees[Fn].end()),
                      Callees[Fn].end());
    for (int G : Callees[Fn])
      ++Callers[G];
  }
  auto FreeSummary = [&](int Fn) { Functions[Fn].Sum = Summary(); };
  if (getenv("LOCKGRAPH_DEBUG_SCC")) {
    std::vector<size_t> Sizes;
    for (const auto &C : Components)
      Sizes.push_back(C.size());
    sort(Sizes, std::greater<size_t>());
    errs() << Components.size() << " SCCs; largest:";
    for (size_t I = 0; I < std::min<size_t>(10, Sizes.size()); ++I)
      errs() << " " << Sizes[I];
    errs() << "\n";
  }
  const char *Debug = getenv("LOCKGRAPH_DEBUG_SUMMARY");

  for (const std::vector<int> &C : Components) {
    bool Recursive = C.size() > 1;
    if (!Recursive)
      for (const auto &BT : Functions[C[0]].Targets)
        for (const auto &T : BT)
          if (is_contained(T, C[0]))
            Recursive = true;
    if (C.size() > MaxFixpointScc) {
      // Calls through ops tables tie a third of the kernel into one SCC
      // (vfs_read -> f_op->read -> ... -> kmalloc -> ... -> vfs_read). No
      // fixpoint over it: two rounds in callees-first order.
      std::vector<int> Order = postOrder(C, Comp);
      ++Stats.LargeSccs;
      Stats.LargestScc = std::max<unsigned>(Stats.LargestScc, C.size());
      for (unsigned Round = 0; Round < LargeSccRounds; ++Round) {
        if (getenv("LOCKGRAPH_DEBUG_SCC"))
          errs() << "round " << Round << " at " << Elapsed() << "\n";
        ClassEdges = Round + 1 == LargeSccRounds;
        if (Round > 0)
          for (int Fn : C)
            for (PEdge &P : Functions[Fn].Sum.PEdges)
              P.Stale = true;
        bool Changed = false;
        for (int Fn : Order)
          analyze(Fn, Changed);
        if (!Changed && ClassEdges)
          break;
      }
      ClassEdges = true;
      if (getenv("LOCKGRAPH_DEBUG_SCC"))
        errs() << "large SCC done at " << Elapsed() << "\n";
      // What the last round did not record again, it knows not to happen
      // (a retake after a callee that may drop the lock). Callers before
      // a function in the order read none of its guarded edges in that
      // round (guardedEdge()): the function emits them for those.
      DenseMap<int, unsigned> Pos;
      for (unsigned I = 0; I < Order.size(); ++I)
        Pos[Order[I]] = I;
      DenseSet<int> CalledEarlier;
      for (int Fn : Order)
        for (const auto &BT : Functions[Fn].Targets)
          for (const auto &T : BT)
            for (int G : T)
              if (Comp[G] == Comp[Fn] && Pos[G] > Pos[Fn])
                CalledEarlier.insert(G);
      for (int Fn : C) {
        erase_if(Functions[Fn].Sum.PEdges,
                 [](const PEdge &P) { return P.Stale; });
        if (CalledEarlier.contains(Fn) && Called[Fn])
          emitUndecided(Fn);
      }
    } else {
      for (unsigned Pass = 0;; ++Pass) {
        bool Changed = false;
        for (int Fn : C)
          analyze(Fn, Changed);
        if (!Changed || !Recursive)
          break;
        if (Pass + 1 == MaxFixpointPasses) {
          ++Stats.UnconvergedSccs;
          if (getenv("LOCKGRAPH_DEBUG_SCC")) {
            errs() << "no fixpoint after " << MaxFixpointPasses << " passes:";
            for (int Fn : C)
              errs() << " " << Functions[Fn].S->Facts.Name;
            errs() << "\n";
          }
          break;
        }
      }
    }
    for (int Fn : C)
      if (!Called[Fn])
        emitUndecided(Fn);
    // Callers need the summaries, not the bodies, nor the indexes that
    // built the summaries.
    for (int Fn : C) {
      Function &F = Functions[Fn];
      std::vector<Block>().swap(Owned[F.S - Owned.data()].Facts.Blocks);
      decltype(F.Targets)().swap(F.Targets);
      decltype(F.Apis)().swap(F.Apis);
      F.Tested = DenseSet<unsigned>();
      F.Sum.Keys = StringSet<>();
      F.Sum.Acqs.shrink_to_fit();
      if (Debug && is_contained(llvm::split(StringRef(Debug), ','), F.S->Facts.Name))
        dump(Fn);
    }
    for (int Fn : C) {
      for (int G : Callees[Fn])
        if (--Callers[G] == 0)
          FreeSummary(G);
      std::vector<int>().swap(Callees[Fn]);
      if (Callers[Fn] == 0)
        FreeSummary(Fn);
    }
  }

  if (getenv("LOCKGRAPH_DEBUG_SCC"))
    errs() << "SCCs done at " << Elapsed() << "; " << Nodes.size()
           << " witness nodes, " << DropLists.size() << " dropped-lock lists, "
           << Refs.size() << " lock references\n";
  LockGraph G;
  G.Stats = Stats;
  G.Stats.Functions = Functions.size();
  // In key order, so that the output does not depend on hashing.
  std::vector<const StringMapEntry<Witness> *> Sorted;
  for (const auto &KV : Edges)
    Sorted.push_back(&KV);
  sort(Sorted, [](auto *A, auto *B) { return A->getKey() < B->getKey(); });
  RowIndex Rows;
  NodeRows Done;
  for (const StringMapEntry<Witness> *KV : Sorted) {
    const Witness &W = KV->getValue();
    Edge E;
    const StoredFunction &F = *Functions[W.Fn].S;
    E.Held = fullName(W.H.L);
    E.Acquired = fullName(W.A.L);
    E.HeldMode = W.H.L.M;
    E.AcquiredMode = W.A.L.M;
    E.HeldFlavor = flavorOf(W.H.L).str();
    E.AcquiredFlavor = flavorOf(W.A.L).str();
    if (W.H.L.Api)
      E.HeldTags = W.H.L.Api->Tags;
    if (W.A.L.Api)
      E.AcquiredTags = W.A.L.Api->Tags;
    E.HeldTry = W.H.L.Try;
    E.HeldMust = W.H.Must;
    static const char *const IrqNames[] = {"none", "disable", "save", "bh"};
    E.HeldIrq = IrqNames[unsigned(W.H.L.Irq)];
    E.FunctionId = F.Id;
    E.Function = F.Facts.Name;
    E.File = F.Facts.File;
    E.HeldLine = W.H.Line;
    E.Witness = witness(W.A, G.Witnesses, Rows, Done);
    E.SameInstance = !W.H.L.Lock.Instance.empty() &&
                     W.H.L.Lock.Instance == W.A.L.Lock.Instance;
    E.RetakeOnly = W.RetakeOnly;
    G.Edges.push_back(std::move(E));
  }
  G.Classes = ClassFlavor;
  G.MayNest = MayNest;
  G.SplitByLockdep = SplitByLockdep;
  return G;
}

} // namespace

LockGraph buildLockGraph(std::vector<StoredFunction> Functions,
                         const std::vector<StoredFieldStore> &Stores,
                         const rules::RuleSet &Rules) {
  return Linker(std::move(Functions), Stores, Rules).run();
}

} // namespace lockgraph
