//===- Findings.h - Cycles and rule violations in the lock graph -*- C++ -*-===//
//
// One function per finding kind over a built LockGraph: inversions (cycles
// of any length, lockdep's strong-path rule for recursive readers),
// self-deadlocks, forbidden nestings and order violations.
//
//===----------------------------------------------------------------------===//

#ifndef LOCKGRAPH_DB_FINDINGS_H
#define LOCKGRAPH_DB_FINDINGS_H

#include "db/Graph.h"
#include "rules/Rules.h"

namespace lockgraph {

std::vector<Finding> findInversions(const LockGraph &G);
std::vector<Finding> findSelfDeadlocks(const LockGraph &G);
std::vector<Finding> findForbiddenNestings(const LockGraph &G,
                                           const rules::RuleSet &Rules);
std::vector<Finding> findOrderViolations(const LockGraph &G,
                                         const rules::RuleSet &Rules);

/// All kinds, sorted by rank (highest first), then id.
std::vector<Finding> findAll(const LockGraph &G, const rules::RuleSet &Rules);

/// The class without its "/N" subclass suffix.
llvm::StringRef baseClass(llvm::StringRef Class);

/// The stable id of a finding: a hash of kind, rule and classes.
std::string findingId(FindingKind K, llvm::StringRef Rule,
                      llvm::ArrayRef<std::string> Locks);

} // namespace lockgraph

#endif
