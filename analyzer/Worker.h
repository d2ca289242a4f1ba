//===- Worker.h - One TU in, facts out --------------------------*- C++ -*-===//
//
// The `lockgraph extract-tu` child process a scan starts per TU, so that a
// crash in the front end costs that TU only.
//
//===----------------------------------------------------------------------===//

#ifndef LOCKGRAPH_ANALYZER_WORKER_H
#define LOCKGRAPH_ANALYZER_WORKER_H

#include "clang/Tooling/ArgumentsAdjusters.h"
#include "llvm/ADT/StringRef.h"

namespace lockgraph {

/// Drops what Clang tooling mishandles in kernel compile commands: kbuild's
/// -Wp,-MMD,dependency-file options and the options of GCC-built trees that
/// Clang rejects (-fconserve-stack, --param=..., -mrecord-mcount, ...).
clang::tooling::ArgumentsAdjuster compilerArgsAdjuster();

/// The worker side: parses the single command of CommandFile (a one-entry
/// compile database) and writes {"ok", "error", "facts"} JSON to OutFile.
/// Returns 0 unless OutFile cannot be written.
int runExtractWorker(llvm::StringRef CommandFile, llvm::StringRef Root,
                     llvm::StringRef OutFile);

} // namespace lockgraph

#endif
