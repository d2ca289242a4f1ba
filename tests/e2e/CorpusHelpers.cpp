//===- CorpusHelpers.cpp - Scanning corpus cases in tests -----------------===//

#include "tests/e2e/CorpusHelpers.h"
#include "analyzer/Scan.h"
#include "db/Report.h"
#include "db/Store.h"
#include "rules/Rules.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <algorithm>
#include <cstdio>

using namespace llvm;

namespace lockgraph::test {

std::string corpusDir() { return LOCKGRAPH_CORPUS_DIR; }

std::vector<std::string> corpusCases() {
  std::vector<std::string> Out;
  std::error_code EC;
  for (sys::fs::directory_iterator It(corpusDir(), EC), End; It != End && !EC;
       It.increment(EC)) {
    StringRef Name = sys::path::filename(It->path());
    if (Name == "include" || It->type() != sys::fs::file_type::directory_file)
      continue;
    if (sys::fs::exists(It->path() + "/expected.txt"))
      Out.push_back(Name.str());
  }
  std::sort(Out.begin(), Out.end());
  return Out;
}

std::string readFile(const std::string &Path) {
  auto B = MemoryBuffer::getFile(Path);
  return B ? (*B)->getBuffer().str() : std::string("<missing " + Path + ">");
}

void writeFile(const std::string &Path, const std::string &Text) {
  std::error_code EC;
  raw_fd_ostream OS(Path, EC);
  OS << Text;
}

std::string tempDir() {
  SmallString<128> P;
  sys::fs::createUniqueDirectory("lockgraph-test", P);
  return P.str().str();
}

std::string writeCompDb(const std::string &Dir, const std::string &Out) {
  json::Array Cmds;
  std::vector<std::string> Files;
  std::error_code EC;
  for (sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC;
       It.increment(EC))
    if (StringRef(It->path()).ends_with(".c"))
      Files.push_back(It->path());
  std::sort(Files.begin(), Files.end());
  for (const std::string &F : Files)
    Cmds.push_back(json::Object{
        {"directory", Dir},
        {"file", F},
        {"arguments",
         json::Array{"clang", "-c", "-nostdinc", "-I",
                     corpusDir() + "/include", "-I", Dir, "-D__KERNEL__", F,
                     "-o", F + ".o"}}});
  std::string Path = Out + "/compile_commands.json";
  std::string Text;
  raw_string_ostream(Text) << json::Value(std::move(Cmds));
  writeFile(Path, Text);
  return Path;
}

Expected<std::string> scanCase(const std::string &Case,
                               std::string *DbPathOut) {
  std::string Dir = corpusDir() + "/" + Case;
  std::string Tmp = tempDir();
  std::vector<std::string> RulePaths{rules::defaultRulesDir()};
  if (sys::fs::exists(Dir + "/rules.yaml"))
    RulePaths.push_back(Dir + "/rules.yaml");
  Expected<rules::RuleSet> Rules = rules::loadRules(RulePaths);
  if (!Rules)
    return Rules.takeError();
  ScanOptions Opts;
  Opts.CompDb = writeCompDb(Dir, Tmp);
  Opts.DbPath = Tmp + "/lockgraph.db";
  Opts.Root = corpusDir();
  Opts.Progress = false;
  Opts.WorkerBinary = LOCKGRAPH_BINARY;
  Expected<ScanResult> R = runScan(Opts, *Rules);
  if (!R)
    return R.takeError();
  if (R->Info.FailedTUs)
    return createStringError(inconvertibleErrorCode(), "%s: %s",
                             R->Info.Failures[0].first.c_str(),
                             R->Info.Failures[0].second.c_str());
  auto S = Store::open(Opts.DbPath, /*ReadOnly=*/true);
  if (!S)
    return S.takeError();
  LockGraph G;
  std::vector<Finding> Fs;
  if (Error E = (*S)->loadResults(G, Fs))
    return std::move(E);
  if (DbPathOut)
    *DbPathOut = Opts.DbPath;
  std::string Out;
  raw_string_ostream OS(Out);
  printSummary(OS, G, Fs);
  return OS.str();
}

std::string formatCase(const std::string &DbPath, const std::string &Format) {
  auto S = Store::open(DbPath, /*ReadOnly=*/true);
  if (!S)
    return toString(S.takeError());
  LockGraph G;
  std::vector<Finding> Fs;
  if (Error E = (*S)->loadResults(G, Fs))
    return toString(std::move(E));
  ScanInfo Info;
  if (auto TUs = (*S)->loadTUs())
    Info.TUs = TUs->size();
  std::string Out;
  raw_string_ostream OS(Out);
  if (Format == "json")
    OS << formatv("{0:2}", toJSON(G, Fs, Info)) << "\n";
  else
    printText(OS, G, Fs, Info);
  return OS.str();
}

int run(const std::string &Cmd, std::string &Output) {
  Output.clear();
  FILE *P = popen((Cmd + " 2>&1").c_str(), "r");
  if (!P)
    return -1;
  char Buf[4096];
  size_t N;
  while ((N = fread(Buf, 1, sizeof Buf, P)) > 0)
    Output.append(Buf, N);
  int St = pclose(P);
  return WIFEXITED(St) ? WEXITSTATUS(St) : 128 + WTERMSIG(St);
}

} // namespace lockgraph::test
