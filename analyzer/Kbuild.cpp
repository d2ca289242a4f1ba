//===- Kbuild.cpp - Kernel trees: configure, prepare, compile commands ----===//

#include "analyzer/Kbuild.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/StringSaver.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using clang::tooling::CompileCommand;

namespace lockgraph {

/// Added to KCFLAGS for the dry run; see kbuildCommands().
#define DryRunMarker "-DLOCKGRAPH_KBUILD_DRY_RUN"

static Error fail(const Twine &Msg) {
  return createStringError(inconvertibleErrorCode(), Msg);
}

std::string cacheDir() {
  SmallString<256> P;
  if (std::optional<std::string> X = sys::Process::GetEnv("XDG_CACHE_HOME"))
    P = *X;
  else if (std::optional<std::string> H = sys::Process::GetEnv("HOME"))
    sys::path::append(P, *H, ".cache");
  else
    P = "/tmp";
  sys::path::append(P, "lockgraph");
  return P.str().str();
}

/// Runs Program with Args in Dir; stdout and stderr go to Log (or are
/// inherited when Log is empty). Returns a one-line error on failure.
static Error runIn(StringRef Dir, StringRef Program,
                   std::vector<std::string> Args, StringRef Log,
                   StringRef What) {
  ErrorOr<std::string> Path = sys::findProgramByName(Program);
  if (!Path)
    return fail("cannot run " + Program + ": not found (run scripts/setup.sh)");
  // Programs run in Dir through `make -C`/`tar -C`; keep cwd untouched.
  std::vector<StringRef> Argv{*Path};
  for (const std::string &A : Args)
    Argv.push_back(A);
  std::optional<StringRef> Redirects[] = {StringRef(""), Log, Log};
  std::string ErrMsg;
  int RC = sys::ExecuteAndWait(*Path, Argv, std::nullopt,
                               Log.empty() ? ArrayRef<std::optional<StringRef>>()
                                           : ArrayRef(Redirects),
                               0, 0, &ErrMsg);
  if (RC != 0)
    return fail(What + " failed" +
                (Log.empty() ? std::string() : " (see " + Log.str() + ")") +
                (ErrMsg.empty() ? "" : ": " + ErrMsg));
  return Error::success();
}

Expected<std::string> defaultKernelTree(StringRef CacheDir) {
  const char *Tarball = "/usr/src/linux-source-6.12.tar.xz";
  SmallString<256> Tree(CacheDir);
  sys::path::append(Tree, "linux-source-6.12");
  SmallString<256> Done(Tree);
  sys::path::append(Done, ".lockgraph-extracted");
  if (sys::fs::exists(Done))
    return Tree.str().str();
  if (!sys::fs::exists(Tarball))
    return fail(Twine("no default kernel tree: ") + Tarball +
                " is missing (install Debian's linux-source-6.12, e.g. "
                "LOCKGRAPH_WITH_KERNEL=1 scripts/setup.sh)");
  if (std::error_code EC = sys::fs::create_directories(CacheDir))
    return fail("cannot create " + CacheDir + ": " + EC.message());
  errs() << "lockgraph: extracting " << Tarball << " into " << CacheDir
         << " (once)\n";
  if (Error E = runIn(CacheDir, "tar",
                      {"-xJf", Tarball, "-C", CacheDir.str()}, "",
                      "extracting the kernel source"))
    return std::move(E);
  std::error_code EC;
  raw_fd_ostream(Done, EC) << "ok\n";
  return Tree.str().str();
}

static std::vector<std::string> makeArgs(const KernelOptions &Opts) {
  std::vector<std::string> A{"-C", Opts.Src, "CC=" + Opts.CC};
  if (!Opts.BuildDir.empty())
    A.push_back("O=" + Opts.BuildDir);
  return A;
}

static std::string objDir(const KernelOptions &Opts) {
  return Opts.BuildDir.empty() ? Opts.Src : Opts.BuildDir;
}

Error prepareKernel(const KernelOptions &Opts) {
  if (!sys::fs::exists(Opts.Src + "/Makefile") ||
      !sys::fs::exists(Opts.Src + "/Kconfig"))
    return fail(Opts.Src + ": not a kernel source tree (no Makefile and Kconfig)");
  std::string Obj = objDir(Opts);
  if (!Opts.BuildDir.empty())
    if (std::error_code EC = sys::fs::create_directories(Obj))
      return fail("cannot create " + Obj + ": " + EC.message());
  std::string Log = Obj + "/lockgraph-prepare.log";
  std::string Jobs =
      "-j" + std::to_string(Opts.Jobs ? Opts.Jobs
                                      : hardware_concurrency().compute_thread_count());
  // Present while lockgraph configures: a .config left by a configuration
  // that failed or was interrupted is lockgraph's own half-done one (a bare
  // defconfig), not the user's, and is configured again.
  std::string Configuring = Obj + "/.lockgraph-configuring";
  if (Opts.Reconfigure || !sys::fs::exists(Obj + "/.config") ||
      sys::fs::exists(Configuring)) {
    {
      std::error_code EC;
      raw_fd_ostream(Configuring, EC) << "configuration not finished\n";
      if (EC)
        return fail("cannot write " + Configuring + ": " + EC.message());
    }
    errs() << "lockgraph: configuring " << Obj << " (defconfig";
    for (const std::string &E : Opts.Enable)
      errs() << " +" << E;
    errs() << ")\n";
    std::vector<std::string> A = makeArgs(Opts);
    A.push_back("defconfig");
    if (Error E = runIn(Obj, "make", A, Log, "make defconfig"))
      return E;
    std::vector<std::string> C{Opts.Src + "/scripts/config", "--file",
                               Obj + "/.config"};
    for (const std::string &E : Opts.Enable) {
      C.push_back("--enable");
      C.push_back(E);
    }
    // A bash script (6.12.118's uses arrays), whatever /bin/sh is.
    if (Error E = runIn(Obj, "bash", C, Log, "scripts/config"))
      return E;
    A = makeArgs(Opts);
    A.push_back("olddefconfig");
    if (Error E = runIn(Obj, "make", A, Log, "make olddefconfig"))
      return E;
    if (std::error_code EC = sys::fs::remove(Configuring))
      return fail("cannot remove " + Configuring + ": " + EC.message());
  }
  std::vector<std::string> A = makeArgs(Opts);
  A.push_back(Jobs);
  A.push_back("prepare");
  errs() << "lockgraph: make prepare in " << Obj << "\n";
  return runIn(Obj, "make", A, Log, "make prepare");
}

std::vector<CompileCommand> parseKbuildDryRun(StringRef Transcript,
                                              StringRef Dir, StringRef CC) {
  std::vector<CompileCommand> Out;
  StringSet<> Seen;
  BumpPtrAllocator Alloc;
  StringSaver Saver(Alloc);
  SmallVector<StringRef, 0> Lines;
  Transcript.split(Lines, '\n');
  std::string Start = (CC + " ").str();
  for (StringRef Line : Lines) {
    // kbuild recipes are `set -e; echo ...; trap ...; CC ARGS -c -o X.o X.c;
    // objtool ...`: take each ';'-separated command that starts with CC.
    SmallVector<StringRef, 8> Parts;
    Line.split(Parts, "; ");
    for (StringRef Part : Parts) {
      Part = Part.trim();
      if (!Part.starts_with(Start))
        continue;
      SmallVector<const char *, 64> Argv;
      cl::TokenizeGNUCommandLine(Part, Saver, Argv);
      std::vector<std::string> Args;
      for (const char *Arg : Argv)
        if (StringRef(Arg) != DryRunMarker)
          Args.push_back(Arg);
      if (Args.size() < 4 || !StringRef(Args.back()).ends_with(".c"))
        continue;
      if (llvm::find(Args, "-c") == Args.end())
        continue;
      std::string File = Args.back();
      if (!Seen.insert(File).second)
        continue;
      CompileCommand C;
      C.Directory = Dir.str();
      C.Filename = File;
      C.CommandLine = std::move(Args);
      Out.push_back(std::move(C));
    }
  }
  return Out;
}

Expected<std::vector<CompileCommand>> kbuildCommands(const KernelOptions &Opts) {
  std::string Obj = objDir(Opts);
  SmallString<128> Transcript;
  if (std::error_code EC =
          sys::fs::createTemporaryFile("lockgraph-make-n", "txt", Transcript))
    return fail("cannot create a temporary file: " + EC.message());
  std::vector<std::string> A = makeArgs(Opts);
  A.push_back("-n");
  A.push_back("-k");
  // Objects already built are up to date and make -n would not print their
  // commands; a changed KCFLAGS makes kbuild's if_changed see every command
  // as changed. The marker is removed from the commands again.
  std::string KC = "KCFLAGS=" DryRunMarker;
  if (std::optional<std::string> User = sys::Process::GetEnv("KCFLAGS"))
    KC += " " + *User;
  A.push_back(KC);
  errs() << "lockgraph: asking kbuild for its compile commands (make -n)\n";
  // make -n -k exits non-zero (vmlinux.a is never built); the transcript
  // is what matters.
  if (Error E = runIn(Obj, "make", A, Transcript, "make -n"))
    consumeError(std::move(E));
  auto Buf = MemoryBuffer::getFile(Transcript);
  sys::fs::remove(Transcript);
  if (!Buf)
    return fail("cannot read the make -n transcript");
  std::vector<CompileCommand> Cmds =
      parseKbuildDryRun((*Buf)->getBuffer(), Obj, Opts.CC);
  if (Cmds.empty())
    return fail("make -n printed no compile command in " + Obj +
                " (is the tree configured and prepared?)");
  return Cmds;
}

void buildObjects(const KernelOptions &Opts,
                  const std::vector<std::string> &Objects) {
  std::string Obj = objDir(Opts);
  std::vector<std::string> A = makeArgs(Opts);
  A.push_back("-k");
  A.push_back("-j" + std::to_string(
                         Opts.Jobs ? Opts.Jobs
                                   : hardware_concurrency().compute_thread_count()));
  A.insert(A.end(), Objects.begin(), Objects.end());
  if (Error E = runIn(Obj, "make", A, Obj + "/lockgraph-prepare.log",
                      "make -k (generated files)"))
    consumeError(std::move(E));
}

Error writeCompileCommands(StringRef Path,
                           const std::vector<CompileCommand> &Commands) {
  json::Array A;
  for (const CompileCommand &C : Commands)
    A.push_back(json::Object{{"directory", C.Directory},
                             {"file", C.Filename},
                             {"arguments", json::Array(C.CommandLine)}});
  std::error_code EC;
  raw_fd_ostream OS(Path, EC);
  if (EC)
    return fail("cannot write " + Path + ": " + EC.message());
  OS << formatv("{0:1}", json::Value(std::move(A)));
  return Error::success();
}

} // namespace lockgraph
