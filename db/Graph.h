//===- Graph.h - The lock graph and findings, in memory ---------*- C++ -*-===//
//
// What the global step produces: lock-class edges with their witnesses, and
// the findings over them. Store writes them, Report reads them back.
//
//===----------------------------------------------------------------------===//

#ifndef LOCKGRAPH_DB_GRAPH_H
#define LOCKGRAPH_DB_GRAPH_H

#include "rules/Rules.h"
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace lockgraph {

/// "write", "read" or "recursive-read", as reports spell modes.
const char *modeLabel(rules::Mode M);

/// One step of a static call chain.
struct Hop {
  std::string Function;
  std::string File;
  unsigned Line = 0;
  /// The function-pointer field this hop was reached through, if any.
  std::string Via;
  /// On the last hop: the lock API called there.
  std::string Api;
};

/// One hop of the global step's witness chains, each distinct chain tail
/// once: chains into the same lock-API call through the same callees end
/// in the same rows whatever lock is held (the whole kernel's 14.6 million
/// hops are 1.5 million rows).
struct WitnessRow {
  Hop H;
  /// The next hop's row, towards the acquisition; -1 on the last hop.
  int Next = -1;
};

/// Held class -> acquired class, with the witness: in Function, Held was
/// taken at HeldLine and the chain (LockGraph::hopsOf()) leads from
/// Function to the acquisition.
struct Edge {
  std::string Held;
  std::string Acquired;
  rules::Mode HeldMode = rules::Mode::Exclusive;
  rules::Mode AcquiredMode = rules::Mode::Exclusive;
  std::string HeldFlavor;
  std::string AcquiredFlavor;
  std::vector<std::string> HeldTags;
  std::vector<std::string> AcquiredTags;
  /// The held lock was taken with a trylock.
  bool HeldTry = false;
  /// The held lock is held on every path to the acquisition in Function,
  /// not only on some (`if (x) lock(a); ... lock(b);`).
  bool HeldMust = true;
  /// Interrupt state the held lock's acquisition set.
  std::string HeldIrq = "none";
  int64_t FunctionId = 0;
  std::string Function;
  std::string File;
  unsigned HeldLine = 0;
  /// The chain's first row in LockGraph::Witnesses (the global step's
  /// edges), or -1 when the hops are in Chain (an edge read from a
  /// database, or made by hand).
  int Witness = -1;
  std::vector<Hop> Chain;
  bool SameInstance = false;
  /// Made only because a `forbid` rule names it: the acquisition retakes
  /// a lock held on every path, where lockdep reports the recursion and
  /// records no dependency (no inversion uses this edge), but
  /// might_sleep() still reports a sleeping lock under a spinlock. Not
  /// stored: an edge read from a database is false.
  bool RetakeOnly = false;
  /// `edge.id` when read from a database (Store::loadResults()), else 0.
  int64_t Id = 0;
};

struct GraphStats {
  unsigned Functions = 0;
  unsigned Calls = 0;
  unsigned IndirectCalls = 0;
  unsigned UnresolvedIndirectCalls = 0;
  unsigned UnresolvedLocks = 0;
  unsigned LockEvents = 0;
  /// Summaries that reached their size limit and dropped acquisitions.
  unsigned TruncatedSummaries = 0;
  /// Acquisitions not passed on because their chain had more than two
  /// calls through function-pointer fields.
  unsigned CutIndirect = 0;
  /// Call-graph SCCs too large for a fixpoint, analysed in two rounds
  /// instead, and the size of the largest.
  unsigned LargeSccs = 0;
  unsigned LargestScc = 0;
  /// Call-graph cycles whose summaries still changed after MaxFixpointPasses
  /// passes: their summaries are what the last pass made.
  unsigned UnconvergedSccs = 0;
};

struct LockGraph {
  std::vector<Edge> Edges;
  /// The rows of the edges' Witness chains.
  std::vector<WitnessRow> Witnesses;
  /// Class name -> flavor.
  std::map<std::string, std::string> Classes;
  /// Classes whose instances lockdep is told may nest (lock_set_cmp_fn(),
  /// a subclass set at initialisation): no self-deadlock for them.
  std::set<std::string> MayNest;
  /// Classes lockdep splits into several: their initialisation passes a
  /// lock_class_key computed at run time (a caller's, as in
  /// `__intel_wakeref_init(wf, ops, key)`; `&ks->keys[level]`), or two
  /// different static keys. Class name -> why, for the finding's message.
  std::map<std::string, std::string> SplitByLockdep;
  GraphStats Stats;

  /// E's hops, outermost first.
  std::vector<const Hop *> hopsOf(const Edge &E) const;
  /// How many of them were reached through a function-pointer field.
  unsigned indirectHops(const Edge &E) const;
};

enum class FindingKind { Inversion, SelfDeadlock, ForbiddenNesting, OrderViolation };
const char *kindName(FindingKind K);

struct Finding {
  /// Stable: a hash of the kind, rule and classes, independent of lines.
  std::string Id;
  FindingKind Kind = FindingKind::Inversion;
  std::string Rule;
  /// Higher is more likely real.
  int Rank = 0;
  std::vector<std::string> Locks;
  std::string Message;
  /// Indices into LockGraph::Edges, in cycle order for inversions.
  std::vector<size_t> Edges;
  /// Matched by a suppressions file, with its reason.
  bool Suppressed = false;
  std::string SuppressionReason;
};

} // namespace lockgraph

#endif
