//===- Scan.cpp - Compile database in, SQLite database out ----------------===//
//
// Each TU is parsed by a `lockgraph extract-tu` child process, started from
// a thread of a DefaultThreadPool, so that a crash in the front end costs
// that TU only and each worker's peak memory is measured. Facts go to SQLite
// under one lock (SQLite has one writer anyway). A TU's hash covers the
// extractor (a digest of Worker.cpp and the code it runs, and the Clang
// version), its command and the content of every file it read; an
// unchanged hash means its stored facts are reused. The database is built
// as NAME.new and renamed into place only when complete. The kbuild checker
// mode (check-tu, merge) uses the same worker and the same database steps.
//
//===----------------------------------------------------------------------===//

#include "analyzer/Scan.h"
#include "db/Findings.h"
#include "db/Link.h"
#include "db/Store.h"
#include "clang/Basic/Version.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/Timer.h"
#include "llvm/Support/xxhash.h"
#include <atomic>
#include <chrono>
#include <mutex>

using namespace clang;
using namespace llvm;

namespace lockgraph {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point T) {
  return std::chrono::duration<double>(Clock::now() - T).count();
}

Error fail(const Twine &Msg) {
  return createStringError(inconvertibleErrorCode(), Msg);
}

/// Content hashes of input files, shared by all TUs of a scan.
class FileHashes {
public:
  std::optional<uint64_t> get(StringRef Path) {
    {
      std::lock_guard<std::mutex> G(M);
      auto It = Cache.find(Path);
      if (It != Cache.end())
        return It->second;
    }
    auto Buf = MemoryBuffer::getFile(Path, /*IsText=*/false,
                                     /*RequiresNullTerminator=*/false);
    if (!Buf)
      return std::nullopt;
    uint64_t H = xxh3_64bits((*Buf)->getBuffer());
    std::lock_guard<std::mutex> G(M);
    Cache[Path] = H;
    return H;
  }

  /// The hash of a TU: its command and every input's content; nullopt
  /// when an input is gone.
  std::optional<std::string> tuHash(StringRef Command,
                                    ArrayRef<std::string> Inputs) {
    std::string Acc = Command.str();
    for (const std::string &In : Inputs) {
      std::optional<uint64_t> H = get(In);
      if (!H)
        return std::nullopt;
      Acc += "\n" + In + "=" + utohexstr(*H);
    }
    return utohexstr(xxh3_64bits(Acc));
  }

private:
  std::mutex M;
  StringMap<uint64_t> Cache;
};

/// Progress with an ETA on stderr: redrawn in place on a terminal, a line
/// every ten percent otherwise.
class Progress {
public:
  Progress(unsigned Total, bool Enabled)
      : Total(Total), Enabled(Enabled && Total > 0),
        Tty(sys::Process::StandardErrIsDisplayed()), Start(Clock::now()) {}

  void done(StringRef File) {
    unsigned N = ++Done;
    if (!Enabled)
      return;
    double Elapsed = secondsSince(Start);
    double Eta = N ? Elapsed / N * (Total - N) : 0;
    unsigned Pct = N * 100 / Total;
    if (!Tty && Pct / 10 == LastDecile && N != Total)
      return;
    LastDecile = Pct / 10;
    std::string Line = formatv("[{0,5}/{1}] {2,3}% ETA {3}m{4,0+2}s {5}", N,
                               Total, Pct, unsigned(Eta) / 60,
                               unsigned(Eta) % 60, File)
                           .str();
    if (Tty)
      errs() << "\r\x1b[K" << Line.substr(0, 120);
    else
      errs() << Line << "\n";
    if (Tty && N == Total)
      errs() << "\n";
  }

private:
  unsigned Total;
  bool Enabled;
  bool Tty;
  Clock::time_point Start;
  std::atomic<unsigned> Done{0};
  unsigned LastDecile = 0;
};

/// Parses the compile database as JSON first: Clang's loader prints YAML
/// parser errors of its own on stderr, a user needs one line.
Error checkJSON(StringRef Path) {
  auto Buf = MemoryBuffer::getFile(Path);
  if (!Buf)
    return fail("cannot load compile database " + Path + ": " +
                Buf.getError().message());
  Expected<json::Value> V = json::parse((*Buf)->getBuffer());
  if (!V)
    return fail("cannot load compile database " + Path + ": " +
                toString(V.takeError()));
  if (!V->getAsArray())
    return fail("cannot load compile database " + Path +
                ": expected a JSON array of commands");
  return Error::success();
}

Expected<std::unique_ptr<tooling::CompilationDatabase>>
loadCompDb(const ScanOptions &Opts, std::string &Dir) {
  std::string Err;
  std::unique_ptr<tooling::CompilationDatabase> DB;
  if (!Opts.CompDb.empty()) {
    if (!sys::fs::exists(Opts.CompDb))
      return fail("cannot load compile database " + Opts.CompDb +
                  ": no such file");
    if (Error E = checkJSON(Opts.CompDb))
      return std::move(E);
    DB = tooling::JSONCompilationDatabase::loadFromFile(
        Opts.CompDb, Err, tooling::JSONCommandLineSyntax::AutoDetect);
    Dir = sys::path::parent_path(Opts.CompDb).str();
    if (!DB)
      return fail("cannot load compile database " + Opts.CompDb + ": " + Err);
  } else {
    std::string File = (Opts.BuildDir + "/compile_commands.json");
    if (!sys::fs::exists(File))
      return fail("cannot load compile database: no compile_commands.json in " +
                  Opts.BuildDir);
    if (Error E = checkJSON(File))
      return std::move(E);
    DB = tooling::JSONCompilationDatabase::loadFromFile(
        File, Err, tooling::JSONCommandLineSyntax::AutoDetect);
    Dir = Opts.BuildDir;
    if (!DB)
      return fail("cannot load compile database " + File + ": " + Err);
  }
  if (DB->getAllFiles().empty())
    return fail("compile database lists no files");
  return std::move(DB);
}

std::string commandText(const tooling::CompileCommand &C) {
  return C.Directory + "\n" + join(C.CommandLine, " ");
}

/// Facts depend on the code that extracted them and on the Clang that
/// parsed: both are part of every TU's hash, so an upgrade of either
/// re-extracts, while a change to the global step or the rules does not.
std::string extractorId() {
  return "lockgraph-extractor=" LOCKGRAPH_EXTRACTOR_DIGEST "\n" +
         clang::getClangFullVersion();
}

/// What the global step's output depends on besides the stored facts
/// (Facts: Store::factsDigest(), or shapeDigest() for the key that says
/// whether only lines changed): this lockgraph binary, the rules and the
/// suppressions.
std::string globalInputKey(StringRef Facts, const rules::RuleSet &Rules,
                           ArrayRef<Suppression> Sups) {
  static const std::string Engine = [] {
    std::string Exe = sys::fs::getMainExecutable(nullptr, nullptr);
    auto Buf = MemoryBuffer::getFile(Exe, /*IsText=*/false,
                                     /*RequiresNullTerminator=*/false);
    // Unreadable: a key no other run has, so nothing is reused.
    return Buf ? utohexstr(xxh3_64bits((*Buf)->getBuffer()))
               : "unknown-" + std::to_string(sys::Process::getProcessId());
  }();
  std::string Acc = Engine + "\n" + Facts.str() + "\n";
  // Their output is printed by the global step: asking for it runs it.
  for (const char *Debug : {"LOCKGRAPH_DEBUG_SUMMARY", "LOCKGRAPH_DEBUG_SCC",
                            "LOCKGRAPH_DEBUG_TRACE"})
    if (const char *V = getenv(Debug))
      Acc += std::string(Debug) + "=" + V + "\n";
  for (const std::string &F : Rules.Files) {
    auto Buf = MemoryBuffer::getFile(F);
    Acc += F + "=" + (Buf ? utohexstr(xxh3_64bits((*Buf)->getBuffer())) : "?") +
           "\n";
  }
  for (const Suppression &U : Sups)
    Acc += formatv("{0}:{1}:{2}:{3}:{4}:{5}\n", U.File, U.Line, U.Id, U.Kind,
                   join(U.Locks, ","), U.Reason)
               .str();
  return utohexstr(xxh3_64bits(Acc));
}

/// The figures of a global step, kept beside its output for a later scan
/// that reuses it.
std::string resultToJSON(const ScanResult &R) {
  json::Array Stale;
  for (const Suppression &U : R.Stale)
    Stale.push_back(json::Object{{"file", U.File}, {"line", U.Line}});
  const GraphStats &G = R.Stats;
  json::Object O{{"functions", R.Functions},
                 {"classes", R.Classes},
                 {"edges", R.Edges},
                 {"findings", R.Findings},
                 {"suppressed", R.Suppressed},
                 {"stale", std::move(Stale)},
                 {"calls", G.Calls},
                 {"indirect_calls", G.IndirectCalls},
                 {"unresolved_indirect_calls", G.UnresolvedIndirectCalls},
                 {"unresolved_locks", G.UnresolvedLocks},
                 {"lock_events", G.LockEvents},
                 {"truncated_summaries", G.TruncatedSummaries},
                 {"cut_indirect", G.CutIndirect},
                 {"large_sccs", G.LargeSccs},
                 {"largest_scc", G.LargestScc},
                 {"unconverged_sccs", G.UnconvergedSccs}};
  std::string Out;
  raw_string_ostream(Out) << json::Value(std::move(O));
  return Out;
}

/// Fills R's global-step figures from resultToJSON()'s text; false when
/// it is not that.
bool resultFromJSON(StringRef Text, ScanResult &R) {
  Expected<json::Value> V = json::parse(Text);
  if (!V) {
    consumeError(V.takeError());
    return false;
  }
  const json::Object *O = V->getAsObject();
  const json::Array *Stale = O ? O->getArray("stale") : nullptr;
  if (!Stale)
    return false;
  bool Ok = true;
  auto Get = [&](StringRef K, unsigned &Out) {
    std::optional<int64_t> N = O->getInteger(K);
    Ok &= N.has_value();
    Out = N.value_or(0);
  };
  GraphStats &G = R.Stats;
  Get("functions", R.Functions);
  Get("classes", R.Classes);
  Get("edges", R.Edges);
  Get("findings", R.Findings);
  Get("suppressed", R.Suppressed);
  Get("calls", G.Calls);
  Get("indirect_calls", G.IndirectCalls);
  Get("unresolved_indirect_calls", G.UnresolvedIndirectCalls);
  Get("unresolved_locks", G.UnresolvedLocks);
  Get("lock_events", G.LockEvents);
  Get("truncated_summaries", G.TruncatedSummaries);
  Get("cut_indirect", G.CutIndirect);
  Get("large_sccs", G.LargeSccs);
  Get("largest_scc", G.LargestScc);
  // Not in the results of scans before it was counted (none of them had
  // one on the default tree).
  G.UnconvergedSccs = O->getInteger("unconverged_sccs").value_or(0);
  G.Functions = R.Functions;
  for (const json::Value &U : *Stale) {
    const json::Object *UO = U.getAsObject();
    if (!UO)
      return false;
    Suppression Sup;
    Sup.File = UO->getString("file").value_or("").str();
    Sup.Line = UO->getInteger("line").value_or(0);
    R.Stale.push_back(std::move(Sup));
  }
  return Ok;
}

/// Global step on an open store whose global tables are empty: link,
/// find, write.
Error globalStep(Store &S, const rules::RuleSet &Rules,
                 ArrayRef<Suppression> Sups, ScanResult &R) {
  auto T0 = Clock::now();
  if (Error E = S.collectGarbage())
    return E;
  Expected<std::vector<StoredFunction>> Fns = S.loadFunctions();
  if (!Fns)
    return Fns.takeError();
  Expected<std::vector<StoredFieldStore>> Stores = S.loadFieldStores();
  if (!Stores)
    return Stores.takeError();
  size_t NumFunctions = Fns->size();
  R.LoadSeconds = secondsSince(T0);
  auto T1 = Clock::now();
  LockGraph G = buildLockGraph(std::move(*Fns), *Stores, Rules);
  R.LinkSeconds = secondsSince(T1);
  T1 = Clock::now();
  std::vector<Finding> Fs = findAll(G, Rules);
  for (const Suppression *U : applySuppressions(Fs, Sups))
    R.Stale.push_back(*U);
  R.Suppressed = count_if(Fs, [](const Finding &F) { return F.Suppressed; });
  R.FindSeconds = secondsSince(T1);
  T1 = Clock::now();
  // Foreign keys are checked row by row, a fifth of the write for the
  // whole kernel's 15 million hops, and these rows refer to each other by
  // construction. The scan's atomicity comes from writing a copy and
  // renaming it, not from transactions.
  if (Error E = S.withoutForeignKeys([&] { return S.putResults(G, Fs); }))
    return E;
  R.WriteSeconds = secondsSince(T1);
  R.Functions = NumFunctions;
  R.Stats = G.Stats;
  R.Classes = G.Classes.size();
  R.Edges = G.Edges.size();
  R.Findings = Fs.size();
  R.GlobalSeconds = secondsSince(T0);
  return Error::success();
}

/// Whether a store's global output can stay as it is.
struct GlobalState {
  /// globalInputKey() of the facts, and of their shapes.
  std::string Key, Shape;
  /// Facts, rules, suppressions and binary are what the output was made
  /// from.
  bool Same = false;
  /// Only lines of the facts changed (moveResults()).
  bool SameShape = false;
  /// The stored output's figures.
  ScanResult Prev;
};

Expected<GlobalState> globalState(Store &S, const rules::RuleSet &Rules,
                                  ArrayRef<Suppression> Sups) {
  GlobalState G;
  Expected<std::string> Facts = S.factsDigest();
  if (!Facts)
    return Facts.takeError();
  Expected<std::string> Shapes = S.shapeDigest();
  if (!Shapes)
    return Shapes.takeError();
  G.Key = globalInputKey(*Facts, Rules, Sups);
  G.Shape = globalInputKey(*Shapes, Rules, Sups);
  Expected<std::string> Old = S.meta("global_input");
  if (!Old)
    return Old.takeError();
  Expected<std::string> OldShape = S.meta("global_shape");
  if (!OldShape)
    return OldShape.takeError();
  Expected<std::string> Res = S.meta("global_result");
  if (!Res)
    return Res.takeError();
  if (resultFromJSON(*Res, G.Prev)) {
    G.Same = *Old == G.Key;
    G.SameShape = !G.Same && *OldShape == G.Shape;
  }
  return G;
}

/// Keeps the stored output: its figures go into R. Where only lines
/// changed, moves them first; false (nothing written) when they cannot be
/// moved exactly.
Expected<bool> keepOutput(Store &S, GlobalState &G, ScanResult &R) {
  if (!G.Same) {
    if (!G.SameShape)
      return false;
    Expected<std::optional<LineMoves>> M = moveResults(S);
    if (!M)
      return M.takeError();
    if (!*M)
      return false;
    R.GlobalMoved = true;
    R.Moves = **M;
  }
  R.GlobalReused = true;
  R.Functions = G.Prev.Functions;
  R.Stats = G.Prev.Stats;
  R.Classes = G.Prev.Classes;
  R.Edges = G.Prev.Edges;
  R.Findings = G.Prev.Findings;
  R.Suppressed = G.Prev.Suppressed;
  R.Stale = std::move(G.Prev.Stale);
  return true;
}

/// What every scan records: the rules it used and the root of its file
/// names; with G, also the keys of the global output the store now holds.
Error setScanMeta(Store &S, const GlobalState *G, const rules::RuleSet &Rules,
                  StringRef Root) {
  if (G) {
    if (Error E = S.setMeta("global_input", G->Key))
      return E;
    if (Error E = S.setMeta("global_shape", G->Shape))
      return E;
  }
  if (Error E = S.setMeta("rules", join(Rules.Files, "\n")))
    return E;
  return S.setMeta("root", Root);
}

/// A re-parsed TU as a scan holds it before writing: no facts when it
/// failed.
using HeldTU = std::pair<TURecord, std::optional<TUFacts>>;

/// Removes the TUs that left the build and writes the re-parsed ones.
Error writeTUs(Store &S, ArrayRef<std::string> Removed, ArrayRef<HeldTU> TUs) {
  for (const std::string &F : Removed)
    if (Error E = S.removeTU(F))
      return E;
  for (const auto &[Rec, Facts] : TUs)
    if (Expected<int64_t> Id = S.putTU(Rec, Facts ? &*Facts : nullptr); !Id)
      return Id.takeError();
  return Error::success();
}

Error fillInfo(Store &S, ScanResult &R) {
  Expected<std::vector<TURecord>> TUs = S.loadTUs(/*WithInputs=*/false);
  if (!TUs)
    return TUs.takeError();
  R.Info = ScanInfo();
  for (const TURecord &T : *TUs) {
    ++R.Info.TUs;
    if (!T.Ok) {
      ++R.Info.FailedTUs;
      R.Info.Failures.push_back({T.File, T.Error});
    }
  }
  return Error::success();
}

struct WorkerResult {
  bool Ok = false;
  std::string Error;
  TUFacts Facts;
  uint64_t PeakKB = 0;
};

/// Parses one TU in a `lockgraph extract-tu` child process; Base names the
/// scratch files (Base.cmd.json, Base.out.json).
WorkerResult runWorker(StringRef Binary, const tooling::CompileCommand &C,
                       StringRef Root, StringRef Base) {
  WorkerResult R;
  std::string CmdFile = (Base + ".cmd.json").str();
  std::string OutFile = (Base + ".out.json").str();
  {
    json::Array One{json::Object{{"directory", C.Directory},
                                 {"file", C.Filename},
                                 {"arguments", json::Array(C.CommandLine)}}};
    std::error_code EC;
    raw_fd_ostream OS(CmdFile, EC);
    OS << json::Value(std::move(One));
  }
  std::string ErrMsg;
  std::optional<sys::ProcessStatistics> Stat;
  StringRef Argv[] = {Binary, "extract-tu", "--command", CmdFile,
                      "--root", Root,        "--out",     OutFile};
  std::optional<StringRef> Redirects[] = {StringRef(""), StringRef(""),
                                          StringRef("")};
  int RC = sys::ExecuteAndWait(Binary, Argv, std::nullopt, Redirects, 0, 0,
                               &ErrMsg, nullptr, &Stat);
  R.PeakKB = Stat ? Stat->PeakMemory : 0;
  if (RC != 0) {
    R.Error = RC == -2 ? "front end crashed (" + ErrMsg + ")"
                       : "worker failed (" +
                             (ErrMsg.empty() ? "exit " + std::to_string(RC)
                                             : ErrMsg) +
                             ")";
  } else if (auto Buf = MemoryBuffer::getFile(OutFile)) {
    Expected<json::Value> V = json::parse((*Buf)->getBuffer());
    const json::Object *O = V ? V->getAsObject() : nullptr;
    if (!O) {
      if (!V)
        consumeError(V.takeError());
      R.Error = "worker wrote malformed output";
    } else if (!O->getBoolean("ok").value_or(false)) {
      R.Error = O->getString("error").value_or("does not parse").str();
    } else if (Expected<TUFacts> F = tuFactsFromJSON(*O->get("facts"))) {
      R.Facts = std::move(*F);
      R.Ok = true;
    } else {
      R.Error = toString(F.takeError());
    }
  } else {
    R.Error = "worker wrote no output";
  }
  sys::fs::remove(CmdFile);
  sys::fs::remove(OutFile);
  return R;
}

/// Most re-parsed TUs whose facts a scan holds in memory to try an update
/// in place (PendingDb::updateInPlace()) before copying the database.
constexpr size_t MaxInPlaceTUs = 32;

/// A database built as NAME.new and renamed to NAME by commit(); removed on
/// failure, on return without commit and on a signal. NAME.lock, locked
/// while the scan runs, keeps two scans from writing the same database.
class PendingDb {
public:
  explicit PendingDb(std::string Final)
      : Final(std::move(Final)), New(this->Final + ".new"),
        LockPath(this->Final + ".lock") {}
  ~PendingDb() {
    if (LockFD < 0)
      return; // another scan's files: not ours to touch
    if (!Committed) {
      S.reset();
      sys::fs::remove(New);
    }
    sys::DontRemoveFileOnSignal(New);
    sys::fs::remove(LockPath);
    sys::fs::unlockFile(LockFD);
    sys::fs::file_t F = LockFD;
    sys::fs::closeFile(F);
  }

  /// Takes NAME.lock; fails when another scan holds it.
  Error lock() {
    int FD;
    if (std::error_code EC = sys::fs::openFileForReadWrite(
            LockPath, FD, sys::fs::CD_OpenAlways, sys::fs::OF_None))
      return fail("cannot write " + LockPath + ": " + EC.message());
    if (sys::fs::tryLockFile(FD)) {
      sys::fs::file_t F = FD;
      sys::fs::closeFile(F);
      return fail("another lockgraph is writing " + Final + " (" + LockPath +
                  " is locked)");
    }
    LockFD = FD;
    return Error::success();
  }

  /// The TUs of the existing database (none when there is none). Fails
  /// for a file this build cannot read: a scan never replaces it, it may
  /// be anything.
  Expected<std::vector<TURecord>> previousTUs() {
    if (!sys::fs::exists(Final))
      return std::vector<TURecord>();
    if (Error E = Store::upgrade(Final))
      return fail("cannot upgrade " + Final + ": " + toString(std::move(E)));
    Expected<std::unique_ptr<Store>> Old = Store::open(Final, true);
    if (!Old)
      return fail(toString(Old.takeError()) + "; remove it or choose "
                                                "another --db");
    return (*Old)->loadTUs();
  }

  /// A small re-scan (Updates: the re-extracted TUs, Removed: TUs that
  /// left the build) whose global step's output can be kept or moved is
  /// applied to the database in place, in one SQLite transaction: no copy
  /// of a database of gigabytes, no integrity check of all of it. False,
  /// with the database untouched, when the global step must run.
  Expected<bool> updateInPlace(ArrayRef<HeldTU> Updates,
                               ArrayRef<std::string> Removed,
                               const rules::RuleSet &Rules,
                               ArrayRef<Suppression> Sups, StringRef Root,
                               ScanResult &R) {
    Expected<std::unique_ptr<Store>> O = Store::open(Final, false);
    if (!O)
      return O.takeError();
    Store &In = **O;
    // An error closes the connection, which rolls the transaction back.
    if (Error E = In.begin())
      return std::move(E);
    if (Error E = writeTUs(In, Removed, Updates))
      return std::move(E);
    auto T0 = Clock::now();
    Expected<GlobalState> G = globalState(In, Rules, Sups);
    if (!G)
      return G.takeError();
    Expected<bool> Kept = keepOutput(In, *G, R);
    if (!Kept)
      return Kept.takeError();
    if (!*Kept) {
      if (Error E = In.rollback())
        return std::move(E);
      return false;
    }
    if (Error E = setScanMeta(In, &*G, Rules, Root))
      return std::move(E);
    if (Error E = In.commit())
      return std::move(E);
    R.GlobalSeconds = secondsSince(T0);
    if (Error E = fillInfo(In, R))
      return std::move(E);
    return true;
  }

  /// Starts from a copy of the existing database when Reuse is set, else
  /// from an empty one. previousTUs() checked that it is one this build
  /// reads.
  Error open(bool Reuse) {
    sys::fs::remove(New);
    sys::RemoveFileOnSignal(New);
    if (sys::fs::exists(Final) && Reuse) {
      if (std::error_code EC = sys::fs::copy_file(Final, New))
        return fail("cannot write " + New + ": " + EC.message());
      auto O = Store::open(New, /*ReadOnly=*/false);
      if (!O)
        return O.takeError();
      S = std::move(*O);
    }
    if (!S) {
      auto C = Store::create(New);
      if (!C)
        return C.takeError();
      S = std::move(*C);
    }
    return S->db().exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF");
  }

  Store &store() { return *S; }

  /// Global step, sanity check, rename into place. The global step's
  /// output is kept when its input is what it was made from: the same
  /// facts (re-extracted TUs whose facts did not change, such as after an
  /// edit of a comment or of a header that changes no function), rules,
  /// suppressions and lockgraph binary.
  Error commit(const rules::RuleSet &Rules, ArrayRef<Suppression> Sups,
               StringRef Root, ScanResult &R, bool Global = true) {
    auto T0 = Clock::now();
    GlobalState G;
    bool Kept = false;
    if (Global) {
      Expected<GlobalState> GS = globalState(*S, Rules, Sups);
      if (!GS)
        return GS.takeError();
      G = std::move(*GS);
      if (G.Same || G.SameShape) {
        if (Error E = S->begin())
          return E;
        Expected<bool> K = keepOutput(*S, G, R);
        if (!K)
          return K.takeError();
        Kept = *K;
        if (Error E = S->commit())
          return E;
      }
    }
    // Outside the transaction, where emptying a table is one step.
    if (!Kept)
      if (Error E = S->clearGlobal())
        return E;
    if (Error E = S->begin())
      return E;
    if (Global && !Kept) {
      if (Error E = globalStep(*S, Rules, Sups, R))
        return E;
      if (Error E = S->setMeta("global_result", resultToJSON(R)))
        return E;
    }
    if (Kept)
      R.GlobalSeconds = secondsSince(T0);
    if (Error E = setScanMeta(*S, Global ? &G : nullptr, Rules, Root))
      return E;
    if (Error E = S->commit())
      return E;
    if (Error E = fillInfo(*S, R))
      return E;
    auto Q = S->db().prepare("PRAGMA quick_check");
    if (!Q)
      return Q.takeError();
    Expected<bool> Row = Q->step();
    if (!Row)
      return Row.takeError();
    if (!*Row || Q->text(0) != "ok")
      return fail(New + ": database failed its integrity check");
    *Q = Statement(S->db(), nullptr);
    S.reset();
    if (std::error_code EC = sys::fs::rename(New, Final))
      return fail("cannot move " + New + " to " + Final + ": " + EC.message());
    Committed = true;
    return Error::success();
  }

private:
  std::string Final, New, LockPath;
  int LockFD = -1;
  std::unique_ptr<Store> S;
  bool Committed = false;
};

std::string relativeTo(StringRef Root, StringRef Path) {
  SmallString<256> P(Path);
  sys::path::remove_dots(P, true);
  StringRef R = P;
  if (R.starts_with(Root) && R.size() > Root.size() && R[Root.size()] == '/')
    return R.drop_front(Root.size() + 1).str();
  return R.str();
}

std::string absoluteRoot(StringRef Dir) {
  SmallString<256> Root(Dir.empty() ? "." : Dir);
  sys::fs::make_absolute(Root);
  sys::path::remove_dots(Root, true);
  SmallString<256> Real;
  if (!sys::fs::real_path(Root, Real))
    return Real.str().str();
  return Root.str().str();
}

} // namespace

Expected<ScanResult> runScan(const ScanOptions &Opts,
                             const rules::RuleSet &Rules) {
  std::string DbDir;
  auto CDB = loadCompDb(Opts, DbDir);
  if (!CDB)
    return CDB.takeError();
  std::string Root = absoluteRoot(Opts.Root.empty() ? DbDir : Opts.Root);
  if (Opts.WorkerBinary.empty())
    return fail("no worker binary to parse translation units with");

  PendingDb Db(Opts.DbPath);
  if (Error E = Db.lock())
    return std::move(E);
  Expected<std::vector<TURecord>> Stored = Db.previousTUs();
  if (!Stored)
    return Stored.takeError();
  bool Reuse = !Opts.Full && !Stored->empty();
  // Which TUs to (re)extract.
  std::vector<std::string> Files = (*CDB)->getAllFiles();
  llvm::sort(Files);
  if (!Opts.Filters.empty())
    llvm::erase_if(Files, [&](const std::string &F) {
      return none_of(Opts.Filters,
                     [&](const std::string &P) { return StringRef(F).contains(P); });
    });
  if (Files.empty())
    return fail("no file of the compile database matches the filter");
  StringMap<TURecord> Previous;
  if (Reuse)
    for (TURecord &T : *Stored)
      Previous[T.File] = std::move(T);

  FileHashes Hashes;
  std::string Tool = extractorId();
  struct Job {
    std::string File;
    tooling::CompileCommand Command;
  };
  std::vector<Job> Jobs;
  ScanResult Result;
  StringSet<> Current;
  for (const std::string &F : Files) {
    std::vector<tooling::CompileCommand> Cmds = (*CDB)->getCompileCommands(F);
    if (Cmds.empty())
      continue;
    tooling::CompileCommand C = Cmds.front();
    SmallString<256> Abs(C.Filename);
    if (!sys::path::is_absolute(Abs)) {
      Abs = C.Directory;
      sys::path::append(Abs, C.Filename);
    }
    std::string Rel = relativeTo(Root, Abs);
    Current.insert(Rel);
    auto It = Previous.find(Rel);
    if (It != Previous.end() && It->second.Ok &&
        It->second.Command == commandText(C)) {
      std::optional<std::string> H =
          Hashes.tuHash(Tool + "\n" + It->second.Command, It->second.Inputs);
      if (H && *H == It->second.Hash) {
        ++Result.Reused;
        continue;
      }
    }
    C.Filename = Abs.str().str();
    Jobs.push_back({Rel, std::move(C)});
  }
  // TUs that left the build (only when scanning the whole database).
  std::vector<std::string> Removed;
  if (Opts.Filters.empty())
    for (auto &KV : Previous)
      if (!Current.contains(KV.getKey()))
        Removed.push_back(KV.getKey().str());
  sort(Removed);

  // A few TUs to parse again: their facts are held until it is known
  // whether the global step must run (then the database is copied) or
  // its output can be kept (then the database is updated in place).
  bool InPlace = Reuse && !Opts.ExtractOnly && Jobs.size() <= MaxInPlaceTUs;
  std::vector<HeldTU> Held;
  Store *S = nullptr;
  auto OpenCopy = [&]() -> Error {
    if (Error E = Db.open(Reuse))
      return E;
    S = &Db.store();
    return writeTUs(*S, Removed, {});
  };
  if (!InPlace)
    if (Error E = OpenCopy())
      return std::move(E);

  auto T0 = Clock::now();
  std::mutex WriteLock;
  Error WriteError = Error::success();
  bool Failed = false;
  Progress Bar(Jobs.size(), Opts.Progress);
  SmallString<128> WorkDirBuf;
  if (std::error_code EC =
          sys::fs::createUniqueDirectory("lockgraph-work", WorkDirBuf))
    return fail("cannot create a temporary directory: " + EC.message());
  std::string WorkDir = WorkDirBuf.str().str();
  auto RemoveWork = make_scope_exit([&] { sys::fs::remove_directories(WorkDir); });
  {
    DefaultThreadPool Pool(hardware_concurrency(Opts.Jobs));
    for (const Job &J : Jobs)
      Pool.async([&, J, Index = &J - Jobs.data()] {
        auto Start = Clock::now();
        WorkerResult W = runWorker(Opts.WorkerBinary, J.Command, Root,
                                   (WorkDir + "/" + Twine(Index)).str());
        TURecord Rec;
        Rec.File = J.File;
        Rec.Directory = J.Command.Directory;
        Rec.Command = commandText(J.Command);
        Rec.ParseSeconds = secondsSince(Start);
        Rec.PeakKB = W.PeakKB;
        Rec.Ok = W.Ok;
        Rec.Error = W.Error;
        if (W.Ok) {
          Rec.Inputs = W.Facts.Inputs;
          std::optional<std::string> H =
              Hashes.tuHash(Tool + "\n" + Rec.Command, Rec.Inputs);
          Rec.Hash = H ? *H : "";
        }
        {
          std::lock_guard<std::mutex> G(WriteLock);
          if (InPlace) {
            Held.emplace_back(std::move(Rec), std::nullopt);
            if (Held.back().first.Ok)
              Held.back().second = std::move(W.Facts);
          } else if (!Failed) {
            Expected<int64_t> Id = S->putTU(Rec, Rec.Ok ? &W.Facts : nullptr);
            if (!Id) {
              Failed = true;
              WriteError = Id.takeError();
            }
          }
        }
        Bar.done(J.File);
      });
    Pool.wait();
  }
  if (WriteError)
    return std::move(WriteError);
  Result.ExtractSeconds = secondsSince(T0);
  Result.Analysed = Jobs.size();
  if (InPlace) {
    // In the order of the compile database, as the workers' finishing
    // order must not matter.
    sort(Held, [](const auto &A, const auto &B) {
      return A.first.File < B.first.File;
    });
    Expected<bool> Done = Db.updateInPlace(Held, Removed, Rules,
                                           Opts.Suppressions, Root, Result);
    if (!Done)
      return Done.takeError();
    if (*Done)
      return Result;
    if (Error E = OpenCopy())
      return std::move(E);
    if (Error E = writeTUs(*S, {}, Held))
      return std::move(E);
  }
  if (Error E = Db.commit(Rules, Opts.Suppressions, Root, Result,
                          /*Global=*/!Opts.ExtractOnly))
    return std::move(E);
  return Result;
}

Expected<ScanResult> mergeShards(StringRef ShardDir, StringRef DbPath,
                                 const rules::RuleSet &Rules,
                                 ArrayRef<Suppression> Sups) {
  std::vector<std::string> Shards;
  std::error_code EC;
  for (sys::fs::directory_iterator It(ShardDir, EC), End; It != End && !EC;
       It.increment(EC))
    if (StringRef(It->path()).ends_with(".json"))
      Shards.push_back(It->path());
  if (EC)
    return fail("cannot read shard directory " + ShardDir + ": " + EC.message());
  if (Shards.empty())
    return fail("no shards in " + ShardDir +
                " (run the kbuild check with CHECK=\"lockgraph check-tu "
                "--shards=" + ShardDir + "\" first)");
  llvm::sort(Shards);
  PendingDb Db(DbPath.str());
  if (Error E = Db.lock())
    return std::move(E);
  if (Expected<std::vector<TURecord>> Old = Db.previousTUs(); !Old)
    return Old.takeError();
  if (Error E = Db.open(/*Reuse=*/false))
    return std::move(E);
  ScanResult Result;
  FileHashes Hashes;
  std::string Root;
  auto T0 = Clock::now();
  for (const std::string &P : Shards) {
    auto Buf = MemoryBuffer::getFile(P);
    if (!Buf)
      return fail("cannot read shard " + P);
    Expected<json::Value> V = json::parse((*Buf)->getBuffer());
    if (!V)
      return fail("malformed shard " + P + ": " + toString(V.takeError()));
    const json::Object *O = V->getAsObject();
    if (!O)
      return fail("malformed shard " + P);
    TURecord Rec;
    Rec.File = O->getString("file").value_or("").str();
    Rec.Directory = O->getString("directory").value_or("").str();
    Rec.Command = O->getString("command").value_or("").str();
    Rec.Ok = O->getBoolean("ok").value_or(false);
    Rec.Error = O->getString("error").value_or("").str();
    Rec.PeakKB = O->getInteger("peak_kb").value_or(0);
    Rec.ParseSeconds = O->getNumber("seconds").value_or(0);
    if (Root.empty())
      Root = O->getString("root").value_or("").str();
    TUFacts Facts;
    if (Rec.Ok) {
      const json::Value *F = O->get("facts");
      Expected<TUFacts> T = F ? tuFactsFromJSON(*F)
                              : Expected<TUFacts>(fail("no facts"));
      if (!T)
        return fail("malformed shard " + P + ": " + toString(T.takeError()));
      Facts = std::move(*T);
      Rec.Inputs = Facts.Inputs;
      Rec.Hash = Hashes.tuHash(extractorId() + "\n" + Rec.Command, Rec.Inputs)
                     .value_or("");
    }
    if (Expected<int64_t> Id = Db.store().putTU(Rec, Rec.Ok ? &Facts : nullptr);
        !Id)
      return Id.takeError();
  }
  Result.ExtractSeconds = secondsSince(T0);
  Result.Analysed = Shards.size();
  if (Error E = Db.commit(Rules, Sups, Root, Result))
    return std::move(E);
  return Result;
}

int runCheckTu(StringRef ShardDir, StringRef WorkerBinary,
               ArrayRef<std::string> CompilerArgs) {
  // kbuild runs $(CHECK) $(CHECKFLAGS) $(c_flags) file.c from the tree's
  // top; sparse's own options are dropped.
  std::vector<std::string> Args{"clang-19"};
  std::string File;
  for (const std::string &A : CompilerArgs) {
    StringRef S(A);
    if (S == "-Wbitwise" || S == "-Wno-return-void" ||
        S == "-Wno-unknown-attribute" || S.starts_with("--arch=") ||
        S == "-mlittle-endian" || S == "-mbig-endian")
      continue;
    if (S.ends_with(".c") && !S.starts_with("-"))
      File = A;
    Args.push_back(A);
  }
  if (File.empty()) {
    errs() << "lockgraph check-tu: no .c file among the arguments\n";
    return 0; // never stop the kernel build
  }
  std::string Root = absoluteRoot(".");
  tooling::CompileCommand C;
  C.Directory = Root;
  C.Filename = File;
  C.CommandLine = Args;
  auto Start = Clock::now();
  std::string Base = (ShardDir + "/" + utohexstr(xxh3_64bits(File))).str();
  WorkerResult W = runWorker(WorkerBinary, C, Root, Base + ".work");
  json::Object O{{"file", relativeTo(Root, absoluteRoot(File))},
                 {"directory", Root},
                 {"root", Root},
                 {"command", commandText(C)},
                 {"ok", W.Ok},
                 {"error", W.Error},
                 {"peak_kb", int64_t(W.PeakKB)},
                 {"seconds", secondsSince(Start)}};
  if (W.Ok)
    O["facts"] = toJSON(W.Facts);
  else
    errs() << File << ": lockgraph: skipped: " << W.Error << "\n";
  std::string Tmp = Base + ".json.tmp";
  {
    std::error_code EC;
    raw_fd_ostream OS(Tmp, EC);
    if (EC) {
      errs() << "lockgraph check-tu: cannot write " << Tmp << ": "
             << EC.message() << "\n";
      return 0;
    }
    OS << json::Value(std::move(O));
  }
  sys::fs::rename(Tmp, Base + ".json");
  return 0;
}

} // namespace lockgraph
