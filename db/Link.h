//===- Link.h - The global step: facts to lock graph ------------*- C++ -*-===//
//
// Links stored functions across TUs, computes bottom-up lock summaries and
// produces the lock-class graph with a witness per edge.
//
//===----------------------------------------------------------------------===//

#ifndef LOCKGRAPH_DB_LINK_H
#define LOCKGRAPH_DB_LINK_H

#include "db/Graph.h"
#include "db/Store.h"
#include "rules/Rules.h"

namespace lockgraph {

/// Builds the lock graph from every function and field store. Takes the
/// functions over: bodies are freed as soon as their summaries exist.
LockGraph buildLockGraph(std::vector<StoredFunction> Functions,
                         const std::vector<StoredFieldStore> &Stores,
                         const rules::RuleSet &Rules);

} // namespace lockgraph

#endif
