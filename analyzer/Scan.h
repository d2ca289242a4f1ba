//===- Scan.h - Compile database in, SQLite database out --------*- C++ -*-===//
//
// The scan pipeline: load the compile database, extract facts from every
// changed TU in parallel (a TU that fails to parse or crashes the front end
// is recorded and skipped), run the global step, and move the finished
// database into place. The database is built as NAME.new and renamed only
// when complete, so an interrupted or failed scan leaves the old one intact.
//
//===----------------------------------------------------------------------===//

#ifndef LOCKGRAPH_ANALYZER_SCAN_H
#define LOCKGRAPH_ANALYZER_SCAN_H

#include "analyzer/Worker.h"
#include "db/Graph.h"
#include "db/Moves.h"
#include "db/Report.h"
#include "db/Suppressions.h"
#include "rules/Rules.h"
#include "llvm/Support/Error.h"
#include <string>
#include <vector>

namespace lockgraph {

struct ScanOptions {
  /// Directory holding compile_commands.json (-p), or the file (--compdb).
  std::string BuildDir;
  std::string CompDb;
  std::string DbPath = "lockgraph.db";
  /// File names are stored relative to this directory; default: the
  /// compile database's directory.
  std::string Root;
  unsigned Jobs = 0;
  /// Only TUs whose file contains one of these substrings.
  std::vector<std::string> Filters;
  /// Re-extract every TU even when its hash is unchanged.
  bool Full = false;
  bool Progress = true;
  /// The lockgraph binary; each TU is parsed by a `lockgraph extract-tu`
  /// child process so a front-end crash costs that TU only.
  std::string WorkerBinary;
  /// Findings these match are stored as suppressed, with the reason.
  std::vector<Suppression> Suppressions;
  /// Store the facts but skip the global step (the database then has no
  /// edges or findings until the next scan).
  bool ExtractOnly = false;
};

struct ScanResult {
  ScanInfo Info;
  /// TUs parsed by this scan.
  unsigned Analysed = 0;
  unsigned Reused = 0;
  unsigned Functions = 0;
  unsigned Findings = 0;
  GraphStats Stats;
  unsigned Classes = 0;
  unsigned Edges = 0;
  double ExtractSeconds = 0;
  double GlobalSeconds = 0;
  /// The global step's phases: loading facts, linking them into the lock
  /// graph, finding cycles and violations, writing edges and findings.
  double LoadSeconds = 0, LinkSeconds = 0, FindSeconds = 0, WriteSeconds = 0;
  /// The global step's input (facts, rules, suppressions, binary) was
  /// unchanged: its stored output was kept, not recomputed.
  bool GlobalReused = false;
  /// Kept with its lines moved: only lines of the facts changed
  /// (moveResults()).
  bool GlobalMoved = false;
  LineMoves Moves;
  unsigned Suppressed = 0;
  /// Suppressions that matched no finding.
  std::vector<Suppression> Stale;
};

/// Runs a scan. Errors are one-line causes (bad compile database, database
/// not writable, disk full...); per-TU failures are in the result.
llvm::Expected<ScanResult> runScan(const ScanOptions &Opts,
                                   const rules::RuleSet &Rules);

/// Merges the shards `check-tu` wrote into a new database at DbPath and
/// runs the global step.
llvm::Expected<ScanResult>
mergeShards(llvm::StringRef ShardDir, llvm::StringRef DbPath,
            const rules::RuleSet &Rules,
            llvm::ArrayRef<Suppression> Suppressions = {});

/// The kbuild checker (`make C=2 CHECK="lockgraph check-tu --shards=DIR"`):
/// parses the file kbuild names with kbuild's flags, in a worker process,
/// and writes one shard into ShardDir. Always returns 0 so the kernel build
/// goes on; a TU that fails is reported on stderr and in its shard.
int runCheckTu(llvm::StringRef ShardDir, llvm::StringRef WorkerBinary,
               llvm::ArrayRef<std::string> CompilerArgs);

} // namespace lockgraph

#endif
