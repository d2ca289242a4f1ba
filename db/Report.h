//===- Report.h - Findings as text, JSON and summary -------------*- C++ -*-===//
//
// Sinks for stored results. Text mirrors lockdep's splat with static call
// chains in place of stack traces; JSON follows docs/json.md; the summary
// format is one compact block per finding (the corpus goldens use it).
//
//===----------------------------------------------------------------------===//

#ifndef LOCKGRAPH_DB_REPORT_H
#define LOCKGRAPH_DB_REPORT_H

#include "db/Graph.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace lockgraph {

/// What a report says about the scan itself: analysed, skipped and why.
struct ScanInfo {
  unsigned TUs = 0;
  unsigned FailedTUs = 0;
  /// Findings a suppressions file matched (not printed in text reports).
  unsigned Suppressed = 0;
  std::vector<std::pair<std::string, std::string>> Failures; // file, error
};

void printText(llvm::raw_ostream &OS, const LockGraph &G,
               llvm::ArrayRef<Finding> Fs, const ScanInfo &Info);
void printFindingText(llvm::raw_ostream &OS, const LockGraph &G,
                      const Finding &F);
void printSummary(llvm::raw_ostream &OS, const LockGraph &G,
                  llvm::ArrayRef<Finding> Fs);
llvm::json::Value toJSON(const LockGraph &G, llvm::ArrayRef<Finding> Fs,
                         const ScanInfo &Info);
llvm::json::Value edgeToJSON(const Edge &E);
/// The subsystems a finding's witnesses run through: "fs/ext4", "mm",
/// "kernel" (two path components under fs/, drivers/, net/, arch/, sound/;
/// one elsewhere; headers under include/ do not count).
std::vector<std::string> subsystemsOf(const LockGraph &G, const Finding &F);

/// One edge's witness: "held: ..." then the chain, innermost last.
void printWitness(llvm::raw_ostream &OS, const Edge &E,
                  llvm::StringRef Indent);

} // namespace lockgraph

#endif
