//===- Suppressions.h - Findings a user has judged, with reasons -*- C++ -*-===//
//
// A versioned YAML file of suppressions; each names a finding by its stable
// id, or by kind and lock classes, and says why it is suppressed:
//
//   version: 1
//   suppressions:
//     - id: LG-0123456789ab
//       reason: "jbd2 reuses a running handle; no second acquisition"
//     - kind: self-deadlock
//       locks: [jbd2_handle]
//       reason: "..."
//
// Errors name the file, the line and the key, like rules files.
//
//===----------------------------------------------------------------------===//

#ifndef LOCKGRAPH_DB_SUPPRESSIONS_H
#define LOCKGRAPH_DB_SUPPRESSIONS_H

#include "db/Graph.h"
#include "llvm/Support/Error.h"
#include <string>
#include <vector>

namespace lockgraph {

/// The suppressions file format version this build reads.
constexpr int SuppressionsVersion = 1;

struct Suppression {
  std::string Id;
  std::string Kind;
  std::vector<std::string> Locks;
  std::string Reason;
  std::string File;
  unsigned Line = 0;

  bool matches(const Finding &F) const;
};

/// Loads every file in order.
llvm::Expected<std::vector<Suppression>>
loadSuppressions(llvm::ArrayRef<std::string> Files);

/// Marks the findings a suppression matches; returns the suppressions that
/// matched nothing (stale entries worth deleting).
std::vector<const Suppression *>
applySuppressions(std::vector<Finding> &Findings,
                  llvm::ArrayRef<Suppression> Suppressions);

} // namespace lockgraph

#endif
