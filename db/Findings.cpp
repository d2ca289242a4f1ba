//===- Findings.cpp - Cycles and rule violations in the lock graph --------===//
//
// Inversions. The class graph keeps, per ordered pair of classes, the
// strongest edge (held exclusively beats held for read; acquired
// non-recursively beats recursive read), then the shortest witness. Regions
// and contexts are not locks and take no part. Within each strongly
// connected component, every edge u->v is closed into a cycle by the
// shortest path v->..->u (BFS); the cycle is rotated to start at its
// smallest class, so each cycle is reported once, not once per rotation.
// A cycle with a chord is left out: the shorter cycles the chord makes are
// reported, and the long one shows up once they are fixed.
// Lockdep's rule for recursive readers drops cycles that are not strong:
// a lock acquired as recursive reader on the way in and held as a reader on
// the way out breaks the cycle.
//
// A self-deadlock needs the lock held on every path to its re-acquisition.
//
// Ranks start at 100 and lose points for long chains, indirect hops,
// read-side participation and locks held on some paths only; a
// self-deadlock on the very same expression
// gains. Ids hash the kind, the rule and the classes only, so they survive
// line changes and unrelated edits.
//
//===----------------------------------------------------------------------===//

#include "db/Findings.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/xxhash.h"
#include <algorithm>
#include <deque>
#include <map>
#include <set>

using namespace llvm;

namespace lockgraph {

const char *kindName(FindingKind K) {
  switch (K) {
  case FindingKind::Inversion:
    return "inversion";
  case FindingKind::SelfDeadlock:
    return "self-deadlock";
  case FindingKind::ForbiddenNesting:
    return "forbidden-nesting";
  case FindingKind::OrderViolation:
    return "order-violation";
  }
  return "inversion";
}

StringRef baseClass(StringRef Class) {
  size_t Slash = Class.rfind('/');
  if (Slash == StringRef::npos || Slash + 1 == Class.size())
    return Class;
  StringRef Sub = Class.drop_front(Slash + 1);
  return all_of(Sub, isDigit) || Sub == "?" ? Class.take_front(Slash) : Class;
}

std::string findingId(FindingKind K, StringRef Rule, ArrayRef<std::string> Locks) {
  std::string Key = std::string(kindName(K)) + "\n" + Rule.str();
  for (const std::string &L : Locks)
    Key += "\n" + L;
  return "LG-" + utohexstr(xxh3_64bits(Key), /*LowerCase=*/true, 12);
}

/// Orders witnesses: shorter chain, then file, then line.
static bool shorter(const LockGraph &G, const Edge &A, const Edge &B) {
  auto Key = [&](const Edge &E) {
    std::vector<const Hop *> H = G.hopsOf(E);
    return std::make_tuple(H.size(), StringRef(E.File),
                           H.empty() ? 0 : H[0]->Line, E.HeldLine);
  };
  return Key(A) < Key(B);
}

static int strength(const Edge &E) {
  return (E.HeldMode == rules::Mode::Exclusive ? 2 : 0) +
         (E.AcquiredMode != rules::Mode::RecursiveRead ? 1 : 0);
}

static bool isLockFlavor(StringRef Flavor) {
  return Flavor != "region" && Flavor != "context";
}

/// The chain calls, through a function-pointer field, a function already on
/// it (misc_open() -> f_op->open -> misc_open(), a driver's ndo_get_stats64
/// reached from its own): a dispatcher resolved to itself, nearly always
/// on another object or not at all.
static bool reentersThroughPointer(const LockGraph &G, const Edge &E) {
  std::vector<const Hop *> Chain = G.hopsOf(E);
  for (size_t I = 0; I < Chain.size(); ++I) {
    if (Chain[I]->Via.empty())
      continue;
    StringRef Fn = Chain[I]->Function;
    if (Fn == E.Function)
      return true;
    for (size_t J = 0; J < I; ++J)
      if (Chain[J]->Function == Fn)
        return true;
  }
  return false;
}

static int rankOf(ArrayRef<size_t> Edges, const LockGraph &G) {
  int Rank = 100;
  for (size_t I : Edges) {
    const Edge &E = G.Edges[I];
    Rank -= 2 * (int(G.hopsOf(E).size()) - 1);
    Rank -= 5 * int(G.indirectHops(E));
    if (E.HeldMode != rules::Mode::Exclusive ||
        E.AcquiredMode != rules::Mode::Exclusive)
      Rank -= 5;
    if (!E.HeldMust)
      Rank -= 5;
    if (reentersThroughPointer(G, E))
      Rank -= 20;
  }
  return std::max(Rank, 0);
}

std::vector<Finding> findInversions(const LockGraph &G) {
  // Classes as dense ids, numbered in name order so that iteration order,
  // and with it the output, does not depend on the edge order.
  std::map<std::string, int> Ids;
  for (const Edge &E : G.Edges) {
    Ids.emplace(E.Held, 0);
    Ids.emplace(E.Acquired, 0);
  }
  std::vector<const std::string *> Names;
  for (auto &[Name, Id] : Ids) {
    Id = Names.size();
    Names.push_back(&Name);
  }
  int N = Names.size();

  // Best edge per ordered class pair.
  std::map<std::pair<int, int>, size_t> Best;
  for (size_t I = 0; I < G.Edges.size(); ++I) {
    const Edge &E = G.Edges[I];
    if (E.Held == E.Acquired || E.RetakeOnly || !isLockFlavor(E.HeldFlavor) ||
        !isLockFlavor(E.AcquiredFlavor))
      continue;
    auto [It, New] = Best.try_emplace({Ids[E.Held], Ids[E.Acquired]}, I);
    if (New)
      continue;
    const Edge &Old = G.Edges[It->second];
    if (strength(E) > strength(Old) ||
        (strength(E) == strength(Old) && shorter(G, E, Old)))
      It->second = I;
  }
  std::vector<std::vector<int>> Succ(N);
  for (auto &[K, I] : Best)
    Succ[K.first].push_back(K.second);

  // Tarjan SCC ids.
  std::vector<int> Index(N, -1), Low(N, 0), Comp(N, -1);
  std::vector<bool> OnStack(N, false);
  std::vector<int> Stack;
  int Counter = 0, NComp = 0;
  std::function<void(int)> Visit = [&](int V) {
    Index[V] = Low[V] = Counter++;
    Stack.push_back(V);
    OnStack[V] = true;
    for (int W : Succ[V]) {
      if (Index[W] < 0) {
        Visit(W);
        Low[V] = std::min(Low[V], Low[W]);
      } else if (OnStack[W]) {
        Low[V] = std::min(Low[V], Index[W]);
      }
    }
    if (Low[V] == Index[V]) {
      int W;
      do {
        W = Stack.back();
        Stack.pop_back();
        OnStack[W] = false;
        Comp[W] = NComp;
      } while (W != V);
      ++NComp;
    }
  };
  for (int V = 0; V < N; ++V)
    if (Index[V] < 0)
      Visit(V);

  std::set<std::vector<int>> Seen;
  std::vector<Finding> Out;
  // Breadth-first tree from each class, inside its component, made when
  // first needed: every edge U -> V of a component asks for the shortest
  // path V -> U, and there are far more edges than classes.
  std::vector<std::vector<int>> ParentFrom(N);
  auto TreeFrom = [&](int V) -> const std::vector<int> & {
    std::vector<int> &Parent = ParentFrom[V];
    if (!Parent.empty())
      return Parent;
    Parent.assign(N, -1);
    std::deque<int> Q{V};
    Parent[V] = V;
    while (!Q.empty()) {
      int X = Q.front();
      Q.pop_front();
      for (int Y : Succ[X])
        if (Comp[Y] == Comp[V] && Parent[Y] < 0) {
          Parent[Y] = X;
          Q.push_back(Y);
        }
    }
    return Parent;
  };
  for (auto &[K, EdgeIdx] : Best) {
    int U = K.first, V = K.second;
    if (Comp[U] != Comp[V])
      continue;
    const std::vector<int> &Parent = TreeFrom(V);
    if (Parent[U] < 0)
      continue;
    std::vector<int> Path{U};
    for (int X = U; X != V; X = Parent[X])
      Path.push_back(Parent[X]);
    // Path is U, ..., V reversed: U <- ... <- V. Cycle: U -> V -> ... -> U.
    std::vector<int> Cycle{U};
    for (size_t I = Path.size(); I-- > 1;)
      Cycle.push_back(Path[I]);
    // Ids are in name order: the smallest id is the smallest class name.
    std::rotate(Cycle.begin(), std::min_element(Cycle.begin(), Cycle.end()),
                Cycle.end());
    if (!Seen.insert(Cycle).second)
      continue;
    // Only chordless cycles: a chord splits the cycle into shorter ones,
    // which are reported instead.
    bool Chord = false;
    for (size_t I = 0; I < Cycle.size() && !Chord; ++I)
      for (size_t J = 0; J < Cycle.size() && !Chord; ++J)
        if (J != I && J != (I + 1) % Cycle.size() &&
            Best.count({Cycle[I], Cycle[J]}))
          Chord = true;
    if (Chord)
      continue;
    std::vector<size_t> Edges;
    for (size_t I = 0; I < Cycle.size(); ++I)
      Edges.push_back(Best[{Cycle[I], Cycle[(I + 1) % Cycle.size()]}]);
    bool Strong = true;
    for (size_t I = 0; I < Edges.size(); ++I) {
      const Edge &In = G.Edges[Edges[I]];
      const Edge &Out = G.Edges[Edges[(I + 1) % Edges.size()]];
      if (In.AcquiredMode == rules::Mode::RecursiveRead &&
          Out.HeldMode != rules::Mode::Exclusive)
        Strong = false;
    }
    if (!Strong)
      continue;
    Finding F;
    F.Kind = FindingKind::Inversion;
    for (int C : Cycle)
      F.Locks.push_back(*Names[C]);
    F.Edges = Edges;
    F.Id = findingId(F.Kind, "", F.Locks);
    F.Rank = rankOf(F.Edges, G);
    F.Message = "possible circular locking dependency: " + join(F.Locks, " -> ") +
                " -> " + F.Locks.front();
    Out.push_back(std::move(F));
  }
  return Out;
}

std::vector<Finding> findSelfDeadlocks(const LockGraph &G) {
  std::map<std::string, size_t> Best;
  for (size_t I = 0; I < G.Edges.size(); ++I) {
    const Edge &E = G.Edges[I];
    if (E.Held != E.Acquired || !isLockFlavor(E.HeldFlavor))
      continue;
    // Held on some paths only: a loop that unlocks on one branch, or
    // locking guarded by a flag (`if (!locked) lock(l); ... lock(l)`). The
    // paths that would deadlock are nearly always infeasible.
    if (!E.HeldMust)
      continue;
    // A subclass computed at run time (`mutex_lock_nested(&ep->mtx,
    // depth + 1)`) differs from call to call.
    if (StringRef(E.Held).ends_with("/?"))
      continue;
    // lock_set_cmp_fn(), lockdep_set_subclass(): lockdep is told how two
    // instances nest (unix_state_double_lock(), a pty master and slave).
    if (G.MayNest.count(std::string(baseClass(E.Held))))
      continue;
    if (E.AcquiredMode == rules::Mode::RecursiveRead &&
        E.HeldMode != rules::Mode::Exclusive)
      continue; // recursive readers may nest
    auto [It, New] = Best.try_emplace(E.Held, I);
    if (!New && (E.SameInstance > G.Edges[It->second].SameInstance ||
                 (E.SameInstance == G.Edges[It->second].SameInstance &&
                  shorter(G, E, G.Edges[It->second]))))
      It->second = I;
  }
  std::vector<Finding> Out;
  for (auto &[Class, I] : Best) {
    Finding F;
    F.Kind = FindingKind::SelfDeadlock;
    F.Locks = {Class};
    F.Edges = {I};
    F.Id = findingId(F.Kind, "", F.Locks);
    // A class lockdep splits: two lockdep classes unless both instances
    // were initialised with the same key. Only one expression taken twice
    // in one function is surely one instance; the same spelling in a
    // callee (`wf->mutex` in __intel_wakeref_get_first() of the engine,
    // then of the GT) may be another object.
    const Edge &E = G.Edges[I];
    auto Split = G.SplitByLockdep.find(std::string(baseClass(Class)));
    bool Apart = Split != G.SplitByLockdep.end() &&
                 !(E.SameInstance && G.hopsOf(E).size() == 1);
    F.Rank = std::clamp(rankOf(F.Edges, G) + (E.SameInstance ? 10 : -10) -
                            (Apart ? 10 : 0),
                        0, 100);
    F.Message = "possible recursive locking: " + Class +
                " acquired while already held" +
                (E.SameInstance ? " (same expression)" : "") +
                (Apart ? "; " + Split->second +
                             ", so the two may be different lockdep classes"
                       : "");
    Out.push_back(std::move(F));
  }
  return Out;
}

std::vector<Finding> findForbiddenNestings(const LockGraph &G,
                                           const rules::RuleSet &Rules) {
  std::map<std::tuple<std::string, std::string, std::string>, size_t> Best;
  std::map<std::string, const rules::ForbiddenNesting *> ByName;
  for (const rules::ForbiddenNesting &N : Rules.Nestings) {
    ByName[N.Name] = &N;
    for (size_t I = 0; I < G.Edges.size(); ++I) {
      const Edge &E = G.Edges[I];
      if (!N.Outer.matches(baseClass(E.Held), E.HeldFlavor, E.HeldTags) ||
          !N.Inner.matches(baseClass(E.Acquired), E.AcquiredFlavor,
                           E.AcquiredTags))
        continue;
      auto [It, New] = Best.try_emplace({N.Name, E.Held, E.Acquired}, I);
      if (!New && shorter(G, E, G.Edges[It->second]))
        It->second = I;
    }
  }
  std::vector<Finding> Out;
  for (auto &[K, I] : Best) {
    const auto &[Rule, Held, Acquired] = K;
    Finding F;
    F.Kind = FindingKind::ForbiddenNesting;
    F.Rule = Rule;
    F.Locks = {Held, Acquired};
    F.Edges = {I};
    F.Id = findingId(F.Kind, Rule, F.Locks);
    F.Rank = rankOf(F.Edges, G);
    const rules::ForbiddenNesting &N = *ByName[Rule];
    F.Message = (N.Message.empty() ? "forbidden nesting" : N.Message) + ": " +
                Acquired + " acquired while " + Held + " is held";
    Out.push_back(std::move(F));
  }
  return Out;
}

std::vector<Finding> findOrderViolations(const LockGraph &G,
                                         const rules::RuleSet &Rules) {
  std::vector<Finding> Out;
  for (const rules::Order &O : Rules.Orders) {
    std::map<std::pair<std::string, std::string>, size_t> Best;
    for (size_t I = 0; I < G.Edges.size(); ++I) {
      const Edge &E = G.Edges[I];
      if (baseClass(E.Held) != O.After || baseClass(E.Acquired) != O.Before)
        continue;
      auto [It, New] = Best.try_emplace({E.Held, E.Acquired}, I);
      if (!New && shorter(G, E, G.Edges[It->second]))
        It->second = I;
    }
    for (auto &[K, I] : Best) {
      Finding F;
      F.Kind = FindingKind::OrderViolation;
      F.Rule = O.Name;
      F.Locks = {K.first, K.second};
      F.Edges = {I};
      F.Id = findingId(F.Kind, O.Name, F.Locks);
      F.Rank = rankOf(F.Edges, G);
      F.Message = (O.Message.empty() ? "documented order violated" : O.Message) +
                  ": " + O.Before + " must be taken before " + O.After;
      Out.push_back(std::move(F));
    }
  }
  return Out;
}

std::vector<Finding> findAll(const LockGraph &G, const rules::RuleSet &Rules) {
  std::vector<Finding> All = findInversions(G);
  for (auto *Fn : {&findSelfDeadlocks})
    for (Finding &F : Fn(G))
      All.push_back(std::move(F));
  for (auto *Fn : {&findForbiddenNestings, &findOrderViolations})
    for (Finding &F : Fn(G, Rules))
      All.push_back(std::move(F));
  llvm::sort(All, [](const Finding &A, const Finding &B) {
    return std::make_tuple(-A.Rank, A.Id) < std::make_tuple(-B.Rank, B.Id);
  });
  return All;
}

} // namespace lockgraph
