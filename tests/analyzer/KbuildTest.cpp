//===- KbuildTest.cpp - Compile commands from make -n transcripts ---------===//

#include "analyzer/Kbuild.h"
#include "gtest/gtest.h"

using namespace lockgraph;

namespace {

TEST(Kbuild, ExtractsCompilerInvocationsFromKbuildRecipes) {
  std::string T =
      "make -f ./scripts/Makefile.build obj=fs\n"
      "set -e;  echo '  CC      fs/aio.o';   trap 'rm -f fs/aio.o; trap - HUP; "
      "kill -s HUP $$' HUP; clang-19 -Wp,-MMD,fs/.aio.o.d -nostdinc "
      "-I./include -DLOCKGRAPH_KBUILD_DRY_RUN -DKBUILD_BASENAME='\"aio\"' "
      "-DKBUILD_MODNAME='\"aio\"' -c -o fs/aio.o fs/aio.c  ; "
      "./tools/objtool/objtool --hacks=jump_label fs/aio.o\n"
      "set -e; clang-19 -Wp,-MMD,arch/x86/entry/.entry.o.d -c -o "
      "arch/x86/entry/entry.o arch/x86/entry/entry.S\n"
      "set -e; gcc -Wp,-MMD,scripts/kconfig/.conf.o.d -c -o "
      "scripts/kconfig/conf.o scripts/kconfig/conf.c\n"
      "set -e; clang-19 -Wp,-MMD,fs/.aio.o.d -c -o fs/aio.o fs/aio.c\n";
  std::vector<clang::tooling::CompileCommand> C =
      parseKbuildDryRun(T, "/src/linux", "clang-19");
  ASSERT_EQ(C.size(), 1u) << "assembler, host compiler and duplicates skipped";
  EXPECT_EQ(C[0].Filename, "fs/aio.c");
  EXPECT_EQ(C[0].Directory, "/src/linux");
  std::vector<std::string> Want{"clang-19",
                                "-Wp,-MMD,fs/.aio.o.d",
                                "-nostdinc",
                                "-I./include",
                                "-DKBUILD_BASENAME=\"aio\"",
                                "-DKBUILD_MODNAME=\"aio\"",
                                "-c",
                                "-o",
                                "fs/aio.o",
                                "fs/aio.c"};
  EXPECT_EQ(C[0].CommandLine, Want) << "shell quotes undone, marker removed";
}

} // namespace

#include "analyzer/Scan.h"

namespace {

TEST(Kbuild, GccOnlyAndDependencyFileOptionsAreDropped) {
  clang::tooling::CommandLineArguments In{
      "gcc", "-Wp,-MMD,fs/.aio.o.d", "-nostdinc", "-fconserve-stack",
      "-mindirect-branch=thunk-extern", "--param=allow-store-data-races=0",
      "--param", "asan-globals=1", "-mrecord-mcount", "-O2",
      "-Wno-maybe-uninitialized", "-c", "-o", "fs/aio.o", "fs/aio.c"};
  clang::tooling::CommandLineArguments Want{
      "gcc", "-nostdinc", "-O2", "-Wno-maybe-uninitialized", "-c", "-o",
      "fs/aio.o", "fs/aio.c"};
  EXPECT_EQ(lockgraph::compilerArgsAdjuster()(In, "fs/aio.c"), Want);
}

} // namespace
