//===- CorpusHelpers.h - Scanning corpus cases in tests ---------*- C++ -*-===//

#ifndef LOCKGRAPH_TESTS_CORPUSHELPERS_H
#define LOCKGRAPH_TESTS_CORPUSHELPERS_H

#include "db/Graph.h"
#include "llvm/Support/Error.h"
#include <string>
#include <vector>

namespace lockgraph::test {

std::string corpusDir();
/// The case directories, sorted.
std::vector<std::string> corpusCases();
std::string readFile(const std::string &Path);
void writeFile(const std::string &Path, const std::string &Text);
/// A fresh temporary directory.
std::string tempDir();
/// Writes compile_commands.json for the .c files of Dir into Out.
std::string writeCompDb(const std::string &Dir, const std::string &Out);
/// Scans one case into a temporary database and returns the summary of its
/// findings (the golden format).
llvm::Expected<std::string> scanCase(const std::string &Case,
                                     std::string *DbPathOut = nullptr);
/// The findings of a scanned case in another format: "json" or "text".
std::string formatCase(const std::string &DbPath, const std::string &Format);
/// Runs a shell command, returning its exit code and captured output.
int run(const std::string &Cmd, std::string &Output);

} // namespace lockgraph::test

#endif
