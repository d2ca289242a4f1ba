//===- lockgraph.cpp - The lockgraph command line ---------------------------===//
//
// Subcommands: scan, report, explain, path, query. Exit codes: 0 success,
// 1 findings (with --fail-on-findings) or no path, 2 usage or input error.
//
//===----------------------------------------------------------------------===//

#include "analyzer/Kbuild.h"
#include "analyzer/Scan.h"
#include "db/Findings.h"
#include "db/Report.h"
#include "db/Store.h"
#include "db/Suppressions.h"
#include "rules/Rules.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace lockgraph;

namespace {

cl::SubCommand ScanCmd("scan", "Analyse a compile database into a database");
cl::SubCommand KernelCmd("kernel", "Scan a kernel tree (default: Debian's linux-source-6.12)");
cl::SubCommand MergeCmd("merge", "Merge kbuild-check shards into a database");
cl::SubCommand ReportCmd("report", "Print the findings of a database");
cl::SubCommand ExplainCmd("explain", "Print one finding in full");
cl::SubCommand PathCmd("path", "Witness for FROM held while TO is acquired");
cl::SubCommand QueryCmd("query", "Run a read-only SQL query");
cl::SubCommand WorkerCmd("extract-tu", "(internal) parse one TU for scan");

cl::OptionCategory Cat("lockgraph options");

cl::opt<std::string> DbPath("db", cl::desc("Database file"),
                            cl::init("lockgraph.db"), cl::value_desc("file"),
                            cl::sub(MergeCmd), cl::sub(KernelCmd), cl::sub(ScanCmd), cl::sub(ReportCmd),
                            cl::sub(ExplainCmd), cl::sub(PathCmd),
                            cl::sub(QueryCmd), cl::cat(Cat));
cl::opt<std::string> BuildDir("p", cl::desc("Build directory holding compile_commands.json"),
                              cl::value_desc("dir"), cl::sub(ScanCmd), cl::cat(Cat));
cl::opt<std::string> CompDb("compdb", cl::desc("Compile database file"),
                            cl::value_desc("file"), cl::sub(ScanCmd), cl::cat(Cat));
cl::list<std::string> RuleFiles("rules", cl::desc("Extra rules file or directory (repeatable)"),
                                cl::value_desc("file"), cl::sub(MergeCmd), cl::sub(KernelCmd), cl::sub(ScanCmd), cl::cat(Cat));
cl::list<std::string> SuppressionFiles(
    "suppressions", cl::desc("Suppressions file (repeatable, docs/user-guide.md)"),
    cl::value_desc("file"), cl::sub(ScanCmd), cl::sub(KernelCmd),
    cl::sub(MergeCmd), cl::sub(ReportCmd), cl::cat(Cat));
cl::opt<bool> NoDefaultRules("no-default-rules", cl::desc("Do not load the shipped kernel rules"),
                             cl::sub(MergeCmd), cl::sub(KernelCmd), cl::sub(ScanCmd), cl::cat(Cat));
cl::opt<unsigned> Jobs("j", cl::desc("Parallel jobs (default: all cores)"),
                       cl::init(0), cl::Prefix, cl::sub(KernelCmd), cl::sub(ScanCmd), cl::cat(Cat));
cl::opt<std::string> Root("root", cl::desc("Store file names relative to this directory"),
                          cl::value_desc("dir"), cl::sub(ScanCmd), cl::cat(Cat));
cl::opt<bool> Full("full", cl::desc("Re-extract every TU, ignoring stored facts"),
                   cl::sub(KernelCmd), cl::sub(ScanCmd), cl::cat(Cat));
cl::opt<bool> NoProgress("no-progress", cl::desc("No progress on stderr"),
                         cl::sub(KernelCmd), cl::sub(ScanCmd), cl::cat(Cat));
cl::list<std::string> Filters(cl::Positional, cl::desc("[file filter...]"),
                              cl::sub(ScanCmd));
cl::opt<bool> FailOnFindings("fail-on-findings", cl::desc("Exit 1 when there are findings"),
                             cl::sub(MergeCmd), cl::sub(KernelCmd), cl::sub(ScanCmd), cl::sub(ReportCmd), cl::cat(Cat));
enum class Format { Text, Json, Summary };
cl::opt<Format> Fmt("format", cl::desc("Output format"),
                    cl::values(clEnumValN(Format::Text, "text", "lockdep-style splats"),
                               clEnumValN(Format::Json, "json", "JSON (docs/json.md)"),
                               clEnumValN(Format::Summary, "summary", "one compact block per finding")),
                    cl::init(Format::Text), cl::sub(MergeCmd), cl::sub(KernelCmd), cl::sub(ScanCmd), cl::sub(ReportCmd),
                    cl::sub(ExplainCmd), cl::cat(Cat));
cl::list<std::string> Subsystems(
    "subsystem", cl::desc("Only findings whose witnesses run through this subsystem, e.g. fs/ext4 (repeatable)"),
    cl::value_desc("dir"), cl::sub(ScanCmd), cl::sub(KernelCmd), cl::sub(MergeCmd),
    cl::sub(ReportCmd), cl::cat(Cat));
cl::opt<unsigned> Top("top", cl::desc("Print only the N best-ranked findings"),
                      cl::init(0), cl::sub(MergeCmd), cl::sub(KernelCmd), cl::sub(ScanCmd), cl::sub(ReportCmd), cl::cat(Cat));
cl::opt<std::string> KernelSrc(cl::Positional, cl::desc("[kernel source tree]"),
                               cl::sub(KernelCmd));
cl::opt<std::string> KernelBuild("build-dir", cl::desc("kbuild O= directory"),
                                 cl::value_desc("dir"), cl::sub(KernelCmd), cl::cat(Cat));
cl::opt<std::string> KernelCompDb("compdb", cl::desc("Use this compile database instead of asking kbuild"),
                                  cl::value_desc("file"), cl::sub(KernelCmd), cl::cat(Cat));
cl::opt<std::string> KernelCC("cc", cl::desc("Compiler kbuild is configured with"),
                              cl::init("clang-19"), cl::sub(KernelCmd), cl::cat(Cat));
cl::opt<bool> Reconfigure("reconfigure", cl::desc("Reconfigure even if the tree has a .config"),
                          cl::sub(KernelCmd), cl::cat(Cat));
cl::list<std::string> KernelOnly("only", cl::desc("Only files containing this (repeatable)"),
                                 cl::value_desc("substring"), cl::sub(KernelCmd), cl::cat(Cat));
cl::opt<std::string> ShardDir("shards", cl::desc("Directory of check-tu shards"),
                              cl::value_desc("dir"), cl::Required,
                              cl::sub(MergeCmd), cl::cat(Cat));
cl::opt<std::string> ExplainId(cl::Positional, cl::desc("<finding id>"),
                               cl::Required, cl::sub(ExplainCmd));
cl::opt<std::string> From(cl::Positional, cl::desc("<held class>"), cl::Required,
                          cl::sub(PathCmd));
cl::opt<std::string> To(cl::Positional, cl::desc("<acquired class>"), cl::Required,
                        cl::sub(PathCmd));
cl::opt<std::string> WorkerCommand("command", cl::sub(WorkerCmd), cl::Required);
cl::opt<std::string> WorkerRoot("root", cl::sub(WorkerCmd), cl::Required);
cl::opt<std::string> WorkerOut("out", cl::sub(WorkerCmd), cl::Required);
cl::opt<std::string> Sql(cl::Positional, cl::desc("<sql>"), cl::Required,
                         cl::sub(QueryCmd));

std::string Self;
int SelfAnchor;

int error(const Twine &Msg) {
  WithColor::error(errs(), "lockgraph") << Msg << "\n";
  return 2;
}

int error(Error E) {
  std::string Msg = toString(std::move(E));
  return error(Msg);
}

struct Loaded {
  std::unique_ptr<Store> S;
  LockGraph G;
  std::vector<Finding> Fs;
  ScanInfo Info;
};

/// Which: the witness chains to read now; a report reads those of the
/// findings it shows later (Store::Chains::None).
Expected<Loaded> loadDb(StringRef Path,
                        Store::Chains Which = Store::Chains::Findings) {
  auto S = Store::open(Path, /*ReadOnly=*/true);
  if (!S)
    return S.takeError();
  Loaded L;
  L.S = std::move(*S);
  if (Error E = L.S->loadResults(L.G, L.Fs, Which))
    return std::move(E);
  Expected<std::vector<TURecord>> TUs = L.S->loadTUs(/*WithInputs=*/false);
  if (!TUs)
    return TUs.takeError();
  for (const TURecord &T : *TUs) {
    ++L.Info.TUs;
    if (!T.Ok) {
      ++L.Info.FailedTUs;
      L.Info.Failures.push_back({T.File, T.Error});
    }
  }
  return L;
}

/// A report filtered by subsystem needs every finding's chains to filter;
/// else it reads those of the findings it shows (a few of the kernel's
/// 78,000 findings for `--top`).
Store::Chains reportChains() {
  return Subsystems.empty() ? Store::Chains::None : Store::Chains::Findings;
}

int printReport(Loaded &L) {
  if (!SuppressionFiles.empty()) {
    Expected<std::vector<Suppression>> Sups = loadSuppressions(SuppressionFiles);
    if (!Sups)
      return error(Sups.takeError());
    for (Finding &F : L.Fs)
      F.Suppressed = false;
    applySuppressions(L.Fs, *Sups);
  }
  unsigned Open = count_if(L.Fs, [](const Finding &F) { return !F.Suppressed; });
  // Text and summary show open findings; JSON shows all, marked.
  std::vector<Finding> Shown;
  auto InScope = [&](const Finding &F) {
    if (Subsystems.empty())
      return true;
    std::vector<std::string> In = subsystemsOf(L.G, F);
    return any_of(Subsystems, [&](const std::string &S) {
      return any_of(In, [&](const std::string &I) {
        return StringRef(I).starts_with(S) || StringRef(S).starts_with(I + "/");
      });
    });
  };
  for (const Finding &F : L.Fs)
    if ((Fmt == Format::Json || !F.Suppressed) && InScope(F))
      Shown.push_back(F);
  ArrayRef<Finding> Fs = Shown;
  if (Top && Top < Fs.size())
    Fs = Fs.take_front(Top);
  std::vector<size_t> Edges;
  for (const Finding &F : Fs)
    Edges.insert(Edges.end(), F.Edges.begin(), F.Edges.end());
  if (Error E = L.S->loadChains(L.G, Edges))
    return error(std::move(E));
  L.Info.Suppressed = L.Fs.size() - Open;
  switch (Fmt) {
  case Format::Text:
    printText(outs(), L.G, Fs, L.Info);
    break;
  case Format::Json:
    outs() << formatv("{0:2}", toJSON(L.G, Fs, L.Info)) << "\n";
    break;
  case Format::Summary:
    printSummary(outs(), L.G, Fs);
    break;
  }
  return FailOnFindings && Open ? 1 : 0;
}

Expected<rules::RuleSet> loadRuleSet() {
  std::vector<std::string> RulePaths;
  if (!NoDefaultRules)
    RulePaths.push_back(rules::defaultRulesDir());
  RulePaths.insert(RulePaths.end(), RuleFiles.begin(), RuleFiles.end());
  return rules::loadRules(RulePaths);
}

int summarizeAndReport(Expected<ScanResult> R) {
  if (!R)
    return error(R.takeError());
  for (const Suppression &U : R->Stale)
    errs() << "lockgraph: warning: " << U.File << ":" << U.Line
           << ": suppression matches no finding\n";
  errs() << formatv(
      "lockgraph: {0} translation units: {1} analysed, {2} unchanged, {3} "
      "failed; {4} functions, {5} calls ({6} indirect, {7} unresolved), {8} "
      "lock acquisitions with an unresolvable lock; {9} lock classes, {10} "
      "edges, {11} findings; extraction {12:f1} s, global step {13:f1} s "
      "({14}){15}\n",
      R->Info.TUs, R->Analysed, R->Reused, R->Info.FailedTUs, R->Functions,
      R->Stats.Calls, R->Stats.IndirectCalls, R->Stats.UnresolvedIndirectCalls,
      R->Stats.UnresolvedLocks, R->Classes, R->Edges, R->Findings,
      R->ExtractSeconds, R->GlobalSeconds,
      R->GlobalMoved
          ? formatv("kept: only lines changed, moved in {0} functions of {1} "
                    "files, {2} rows",
                    R->Moves.Functions, R->Moves.Files, R->Moves.Rows)
                .str()
      : R->GlobalReused
          ? std::string("kept: facts, rules and suppressions unchanged")
          : formatv("load {0:f1}, link {1:f1}, find {2:f1}, write {3:f1}",
                    R->LoadSeconds, R->LinkSeconds, R->FindSeconds,
                    R->WriteSeconds)
                .str(),
      (R->Stats.TruncatedSummaries
           ? formatv("; {0} summaries truncated at 2048 acquisitions",
                     R->Stats.TruncatedSummaries)
                 .str()
           : std::string()) +
          (R->Stats.CutIndirect
               ? formatv("; {0} acquisitions not passed on past two ops-table "
                         "calls",
                         R->Stats.CutIndirect)
                     .str()
               : std::string()) +
          (R->Stats.LargeSccs
               ? formatv("; {0} call-graph cycles too large for a fixpoint "
                         "(largest {1} functions) analysed in two rounds",
                         R->Stats.LargeSccs, R->Stats.LargestScc)
                     .str()
               : std::string()) +
          (R->Stats.UnconvergedSccs
               ? formatv("; {0} call-graph cycles stopped without a fixpoint "
                         "after 32 passes",
                         R->Stats.UnconvergedSccs)
                     .str()
               : std::string()));
  Expected<Loaded> L = loadDb(DbPath, reportChains());
  if (!L)
    return error(L.takeError());
  return printReport(*L);
}

Expected<std::vector<Suppression>> suppressions() {
  return loadSuppressions(SuppressionFiles);
}

/// Runs a scan with the command line's database, jobs, --full, progress
/// and suppressions.
Expected<ScanResult> scanWithOptions(ScanOptions Opts,
                                     const rules::RuleSet &Rules) {
  Expected<std::vector<Suppression>> Sups = suppressions();
  if (!Sups)
    return Sups.takeError();
  Opts.Suppressions = std::move(*Sups);
  Opts.DbPath = DbPath;
  Opts.Jobs = Jobs;
  Opts.Full = Full;
  Opts.Progress = !NoProgress;
  Opts.WorkerBinary = Self;
  return runScan(Opts, Rules);
}

int scanAndReport(ScanOptions Opts, const rules::RuleSet &Rules) {
  return summarizeAndReport(scanWithOptions(std::move(Opts), Rules));
}

int runMergeCmd() {
  Expected<rules::RuleSet> Rules = loadRuleSet();
  if (!Rules)
    return error(Rules.takeError());
  Expected<std::vector<Suppression>> Sups = suppressions();
  if (!Sups)
    return error(Sups.takeError());
  return summarizeAndReport(mergeShards(ShardDir, DbPath, *Rules, *Sups));
}

/// `lockgraph check-tu --shards=DIR COMPILER-ARGS... FILE.c`, as kbuild's
/// CHECK: the compiler arguments are not lockgraph's, so no llvm::cl here.
int runCheckTuCmd(int argc, char **argv) {
  std::string Shards;
  std::vector<std::string> Rest;
  for (int I = 2; I < argc; ++I) {
    StringRef A(argv[I]);
    if (A.consume_front("--shards="))
      Shards = A.str();
    else
      Rest.push_back(argv[I]);
  }
  if (Shards.empty())
    return error("check-tu needs --shards=DIR");
  if (std::error_code EC = sys::fs::create_directories(Shards))
    return error("cannot create " + Shards + ": " + EC.message());
  return runCheckTu(Shards, Self, Rest);
}

int runKernelCmd() {
  Expected<rules::RuleSet> Rules = loadRuleSet();
  if (!Rules)
    return error(Rules.takeError());
  KernelOptions K;
  K.CC = KernelCC;
  K.BuildDir = KernelBuild;
  K.Reconfigure = Reconfigure;
  K.Jobs = Jobs;
  if (KernelSrc.empty()) {
    Expected<std::string> Tree = defaultKernelTree(cacheDir());
    if (!Tree)
      return error(Tree.takeError());
    K.Src = *Tree;
  } else {
    SmallString<256> P(KernelSrc);
    sys::fs::make_absolute(P);
    K.Src = P.str().str();
  }
  ScanOptions Opts;
  Opts.Root = K.Src;
  Opts.Filters = KernelOnly;
  if (!KernelCompDb.empty()) {
    Opts.CompDb = KernelCompDb;
  } else {
    if (Error E = prepareKernel(K))
      return error(std::move(E));
    auto Cmds = kbuildCommands(K);
    if (!Cmds)
      return error(Cmds.takeError());
    std::string Path =
        (K.BuildDir.empty() ? K.Src : K.BuildDir) + "/compile_commands.lockgraph.json";
    if (Error E = writeCompileCommands(Path, *Cmds))
      return error(std::move(E));
    errs() << "lockgraph: " << Cmds->size() << " C files in the configured build ("
           << Path << ")\n";
    Opts.CompDb = Path;
  }
  if (!Top.getNumOccurrences() && Fmt == Format::Text)
    Top = 20;
  if (KernelCompDb.empty()) {
    // Some files include sources or headers that kbuild generates only while
    // building (security/selinux/flask.h, *.asn1.c, lib/crc32table.h): make
    // builds the objects of the files that missed one, and a scan
    // re-extracts just those. On a new database a first pass only extracts
    // (the global step runs once, after make); on an existing one the scan
    // runs at once (keeping its output where it can) and again only when
    // some file missed a generated one.
    bool NewDb = Full || !sys::fs::exists(DbPath);
    ScanOptions First = Opts;
    First.ExtractOnly = NewDb;
    Expected<ScanResult> R = scanWithOptions(First, *Rules);
    if (!R)
      return error(R.takeError());
    std::vector<std::string> Objects;
    for (const auto &[File, Err] : R->Info.Failures)
      if (StringRef(Err).contains("file not found") ||
          StringRef(Err).contains("no such file")) {
        SmallString<128> O(File);
        sys::path::replace_extension(O, "o");
        Objects.push_back(O.str().str());
      }
    if (!NewDb && Objects.empty())
      return summarizeAndReport(std::move(R));
    if (!Objects.empty()) {
      errs() << "lockgraph: " << Objects.size()
             << " files miss a source or header kbuild generates while "
                "building; building their objects (make -k)\n";
      buildObjects(K, Objects);
    }
    Full = false; // the first pass did that
  }
  return scanAndReport(Opts, *Rules);
}

int runScanCmd() {
  if (BuildDir.empty() == CompDb.empty())
    return error("scan needs exactly one of -p BUILD_DIR or --compdb FILE");
  Expected<rules::RuleSet> Rules = loadRuleSet();
  if (!Rules)
    return error(Rules.takeError());
  ScanOptions Opts;
  Opts.BuildDir = BuildDir;
  Opts.CompDb = CompDb;
  Opts.Root = Root;
  Opts.Filters = Filters;
  return scanAndReport(Opts, *Rules);
}

int runExplain() {
  Expected<Loaded> L = loadDb(DbPath);
  if (!L)
    return error(L.takeError());
  for (const Finding &F : L->Fs)
    if (F.Id == ExplainId) {
      if (Fmt == Format::Json) {
        outs() << formatv("{0:2}", toJSON(L->G, ArrayRef<Finding>(F), L->Info))
               << "\n";
        return 0;
      }
      if (Fmt == Format::Summary) {
        printSummary(outs(), L->G, ArrayRef<Finding>(F));
        return 0;
      }
      printFindingText(outs(), L->G, F);
      return 0;
    }
  return error("no finding with id " + ExplainId);
}

int runPath() {
  // The chains of the matching edges only: the whole kernel has 1.5
  // million witness rows.
  Expected<Loaded> L = loadDb(DbPath, Store::Chains::None);
  if (!L)
    return error(L.takeError());
  std::vector<size_t> Matching;
  for (size_t I = 0; I < L->G.Edges.size(); ++I)
    if (L->G.Edges[I].Held == From && L->G.Edges[I].Acquired == To)
      Matching.push_back(I);
  if (Matching.empty()) {
    errs() << "lockgraph: no edge " << From << " -> " << To << "\n";
    return 1;
  }
  if (Error E = L->S->loadChains(L->G, Matching))
    return error(std::move(E));
  for (size_t I : Matching) {
    const Edge &E = L->G.Edges[I];
    outs() << formatv("{0}({1}) -> {2}({3})\n", E.Held, modeLabel(E.HeldMode),
                      E.Acquired, modeLabel(E.AcquiredMode));
    printWitness(outs(), E, "  ");
  }
  return 0;
}

int runQuery() {
  auto S = Store::open(DbPath, /*ReadOnly=*/true);
  if (!S)
    return error(S.takeError());
  auto Q = (*S)->db().prepare(Sql);
  if (!Q)
    return error(Q.takeError());
  int N = Q->columnCount();
  for (int I = 0; I < N; ++I)
    outs() << (I ? "\t" : "") << Q->columnName(I);
  if (N)
    outs() << "\n";
  while (true) {
    Expected<bool> Row = Q->step();
    if (!Row)
      return error(Row.takeError());
    if (!*Row)
      break;
    for (int I = 0; I < N; ++I) {
      outs() << (I ? "\t" : "");
      if (Q->isNull(I)) {
        outs() << "NULL";
        continue;
      }
      // One row per line, one column per tab: escape both in values.
      for (char C : Q->text(I))
        outs() << (C == '\t' ? "\\t" : C == '\n' ? "\\n" : C == '\\' ? "\\\\" : std::string(1, C));
    }
    outs() << "\n";
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM X(argc, argv);
  Self = sys::fs::getMainExecutable(argv[0], &SelfAnchor);
  if (argc > 1 && StringRef(argv[1]) == "check-tu")
    return runCheckTuCmd(argc, argv);
  cl::HideUnrelatedOptions(Cat);
  if (!cl::ParseCommandLineOptions(
          argc, argv,
          "lockgraph: static lock-ordering analysis for the Linux kernel\n",
          &errs()))
    return 2;
  if (WorkerCmd)
    return runExtractWorker(WorkerCommand, WorkerRoot, WorkerOut);
  if (ScanCmd)
    return runScanCmd();
  if (KernelCmd)
    return runKernelCmd();
  if (MergeCmd)
    return runMergeCmd();
  if (ReportCmd) {
    Expected<Loaded> L = loadDb(DbPath, reportChains());
    if (!L)
      return error(L.takeError());
    return printReport(*L);
  }
  if (ExplainCmd)
    return runExplain();
  if (PathCmd)
    return runPath();
  if (QueryCmd)
    return runQuery();
  cl::PrintHelpMessage();
  return 2;
}
