//===- Kbuild.h - Kernel trees: configure, prepare, compile commands -*- C++ -*-===//
//
// `lockgraph kernel` needs the exact command kbuild would use for every C
// file of a configuration, without compiling the kernel. kbuild prints them
// itself: `make -n -k` runs the recursive makes (their recipes are executed
// even under -n) and prints every compile recipe instead of running it (a
// marker in KCFLAGS makes already built objects look out of date). The
// recipes are kbuild's own `cmd_cc_o_c` lines; this file extracts the
// compiler invocation from each.
//
//===----------------------------------------------------------------------===//

#ifndef LOCKGRAPH_ANALYZER_KBUILD_H
#define LOCKGRAPH_ANALYZER_KBUILD_H

#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/Error.h"
#include <string>
#include <vector>

namespace lockgraph {

struct KernelOptions {
  /// The kernel source tree.
  std::string Src;
  /// kbuild's O= directory; empty for in-tree builds.
  std::string BuildDir;
  std::string CC = "clang-19";
  /// Reconfigure even when the tree has a .config.
  bool Reconfigure = false;
  unsigned Jobs = 0;
  /// Options enabled on top of defconfig.
  std::vector<std::string> Enable = {
      "PROVE_LOCKING", "DEBUG_LOCK_ALLOC", "DEBUG_ATOMIC_SLEEP",
      "EXT4_FS",       "JBD2",             "XFS_FS",
      "BTRFS_FS",      "REISERFS_FS"};
  /// Quiet make's own output.
  bool Quiet = true;
};

/// The embedded default tree: Debian's linux-source-6.12, extracted once
/// into CacheDir. Fails with a one-line cause when the package is missing.
llvm::Expected<std::string> defaultKernelTree(llvm::StringRef CacheDir);

/// The cache directory: $XDG_CACHE_HOME/lockgraph or ~/.cache/lockgraph.
std::string cacheDir();

/// Configures the tree unless it has a .config (x86_64 defconfig plus
/// Opts.Enable), then runs `make prepare`.
llvm::Error prepareKernel(const KernelOptions &Opts);

/// Compile commands of every C file the configuration builds, from
/// `make -n -k`.
llvm::Expected<std::vector<clang::tooling::CompileCommand>>
kbuildCommands(const KernelOptions &Opts);

/// Extracts compile commands from a `make -n` transcript run in Dir.
std::vector<clang::tooling::CompileCommand>
parseKbuildDryRun(llvm::StringRef Transcript, llvm::StringRef Dir,
                  llvm::StringRef CC);

/// Writes commands as compile_commands.json.
/// Builds these objects (paths relative to the object directory) with
/// `make -k`, so that the sources and headers kbuild generates while
/// building (`*.asn1.c`, `security/selinux/flask.h`, ...) exist. Failures
/// are left to the next scan to report.
void buildObjects(const KernelOptions &Opts,
                  const std::vector<std::string> &Objects);

llvm::Error writeCompileCommands(
    llvm::StringRef Path,
    const std::vector<clang::tooling::CompileCommand> &Commands);

} // namespace lockgraph

#endif
