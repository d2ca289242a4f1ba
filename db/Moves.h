//===- Moves.h - Carry the global step's output to moved lines --*- C++ -*-===//
//
// An edit above a function, a new comment, a reflowed statement: the
// re-extracted functions have the facts they had, on other lines. The global
// step's output would then be the same but for those lines, so instead of
// recomputing it (a minute on the whole kernel), moveResults() rewrites the
// lines and function ids of the stored edges and witness hops.
//
//===----------------------------------------------------------------------===//

#ifndef LOCKGRAPH_DB_MOVES_H
#define LOCKGRAPH_DB_MOVES_H

#include "db/Store.h"
#include <optional>

namespace lockgraph {

/// What moveResults() rewrote.
struct LineMoves {
  /// Re-extracted functions whose lines changed.
  unsigned Functions = 0;
  /// Files whose lines moved.
  unsigned Files = 0;
  /// Edges and witness hops rewritten.
  uint64_t Rows = 0;
};

/// Inside a transaction, on a store whose shapeDigest() equals the one the
/// stored output was computed from: pairs each body no TU links any more
/// with the body of the same function that replaced it, maps every old
/// line of their files to its new line, and rewrites the output with that
/// map; then deletes the old bodies.
///
/// Declines (std::nullopt, nothing written) where the result could differ
/// from a global step's: a function two of whose bodies changed, or with
/// another body of the new one's shape (their order could change), a map
/// that does not keep the order of lines within a file (witnesses are
/// chosen by line on ties), or an output line the map does not cover.
llvm::Expected<std::optional<LineMoves>> moveResults(Store &S);

} // namespace lockgraph

#endif
