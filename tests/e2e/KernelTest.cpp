//===- KernelTest.cpp - `lockgraph kernel` on a tiny fake kbuild tree -----===//
//
// The fake tree has kbuild's shape where lockgraph touches it: a Makefile
// with defconfig, olddefconfig and prepare targets, scripts/config, and
// compile recipes printed by make -n. A real kernel tree is scanned by the
// README's main command, not by the tests.
//
//===----------------------------------------------------------------------===//

#include "tests/e2e/CorpusHelpers.h"
#include "llvm/Support/FileSystem.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

using namespace lockgraph::test;
using ::testing::HasSubstr;

namespace {

std::string fakeTree(bool Generated = false) {
  std::string D = tempDir();
  llvm::sys::fs::create_directories(D + "/scripts");
  writeFile(D + "/Kconfig", "config X\n\tbool\n");
  // Bash, not sh: 6.12.118's scripts/config collects its commands in an
  // array (`CMDS=()`), a syntax error for dash, Debian's /bin/sh.
  writeFile(D + "/scripts/config",
            "#!/usr/bin/env bash\n# fake scripts/config: --file F --enable X ...\n"
            "f=.config\nCMDS=()\nwhile [[ $# -gt 0 ]]; do case $1 in\n"
            "  --file) f=$2; shift 2;;\n"
            "  --enable) CMDS+=(\"CONFIG_$2=y\"); shift 2;;\n"
            "  *) shift;;\nesac; done\n"
            "[[ -e \"$(dirname \"$0\")/../fail-config\" ]] && exit 1\n"
            "printf '%s\\n' \"${CMDS[@]}\" >> $f\n");
  std::string Rule = [] {
    std::string R;
    for (const char *F : {"a", "b", "c"})
      R += std::string(F) + ".o: " + F + ".c" + (*F == 'c' ? " gen.h" : "") +
           "\n\tset -e; echo '  CC      " + F +
           ".o'; $(CC) -Wp,-MMD,./." + F + ".o.d -nostdinc $(KCFLAGS) "
           "-DKBUILD_MODNAME='\"" + F + "\"' -c -o " + F + ".o " + F + ".c\n";
    return R;
  }();
  writeFile(D + "/Makefile", std::string(Generated ? "all: a.o b.o c.o\n"
                                                   : "all: a.o b.o\n") +
                                 Rule +
                                 "gen.h:\n\techo 'struct gen { int x; };' > gen.h\n" +
                                 "defconfig:\n\techo CONFIG_FAKE=y > .config\n"
                                 "olddefconfig:\n\techo '# old' >> .config\n"
                                 "prepare:\n\ttouch prepared.stamp\n");
  writeFile(D + "/a.c",
            "struct mutex { int m; };\n"
            "void mutex_lock(struct mutex *m);\n"
            "struct inode { struct mutex i_rwsem; struct mutex i_mmap; };\n"
            "void a(struct inode *i) { mutex_lock(&i->i_rwsem); mutex_lock(&i->i_mmap); }\n");
  writeFile(D + "/b.c",
            "struct mutex { int m; };\n"
            "void mutex_lock(struct mutex *m);\n"
            "struct inode { struct mutex i_rwsem; struct mutex i_mmap; };\n"
            "void b(struct inode *i) { mutex_lock(&i->i_mmap); mutex_lock(&i->i_rwsem); }\n");
  // c.c includes a header that only building c.o generates, as
  // security/selinux/flask.h is made only while building selinux.
  writeFile(D + "/c.c", "#include \"gen.h\"\nint c(struct gen *g) { return g->x; }\n");
  return D;
}

TEST(Kernel, GeneratedHeadersAreBuiltAndTheirFilesScannedAgain) {
  std::string D = fakeTree(/*Generated=*/true), Out;
  int RC = run(std::string(LOCKGRAPH_BINARY) + " kernel " + D + " --cc cc --db " +
                   D + "/k.db --no-progress --format summary",
               Out);
  ASSERT_EQ(RC, 0) << Out;
  EXPECT_THAT(Out, HasSubstr("3 C files in the configured build"));
  EXPECT_THAT(Out, HasSubstr("lockgraph: 1 files miss a source or header kbuild "
                             "generates while building; building their objects "
                             "(make -k)\n"));
  EXPECT_TRUE(llvm::sys::fs::exists(D + "/gen.h"));
  EXPECT_THAT(Out, HasSubstr("3 translation units: 1 analysed, 2 unchanged, 0 failed"));
  EXPECT_THAT(Out, HasSubstr("inversion inode.i_mmap inode.i_rwsem\n"));

  // On an existing database one scan runs; a generated file gone since
  // (make clean) is built again and its TU scanned again.
  llvm::sys::fs::remove(D + "/gen.h");
  llvm::sys::fs::remove(D + "/c.o");
  RC = run(std::string(LOCKGRAPH_BINARY) + " kernel " + D + " --cc cc --db " + D +
               "/k.db --no-progress --format summary",
           Out);
  ASSERT_EQ(RC, 0) << Out;
  EXPECT_THAT(Out, HasSubstr("lockgraph: 1 files miss a source or header kbuild "
                             "generates while building"));
  EXPECT_TRUE(llvm::sys::fs::exists(D + "/gen.h"));
  EXPECT_THAT(Out, HasSubstr("3 translation units: 1 analysed, 2 unchanged, 0 failed"));
  EXPECT_THAT(Out, HasSubstr("inversion inode.i_mmap inode.i_rwsem\n"));
}

TEST(Kernel, ConfiguresPreparesAndScansAFakeTree) {
  std::string D = fakeTree(), Out;
  int RC = run(std::string(LOCKGRAPH_BINARY) + " kernel " + D + " --cc cc --db " +
                   D + "/k.db --no-progress --format summary",
               Out);
  ASSERT_EQ(RC, 0) << Out;
  std::string Config = readFile(D + "/.config");
  EXPECT_THAT(Config, HasSubstr("CONFIG_FAKE=y"));
  EXPECT_THAT(Config, HasSubstr("CONFIG_PROVE_LOCKING=y"));
  EXPECT_THAT(Config, HasSubstr("CONFIG_EXT4_FS=y"));
  EXPECT_TRUE(llvm::sys::fs::exists(D + "/prepared.stamp"));
  EXPECT_THAT(Out, HasSubstr("2 C files in the configured build"));
  EXPECT_THAT(Out, HasSubstr("inversion inode.i_mmap inode.i_rwsem\n"));
  std::string Cmds = readFile(D + "/compile_commands.lockgraph.json");
  EXPECT_THAT(Cmds, HasSubstr("\"-DKBUILD_MODNAME=\\\"a\\\"\""));
  EXPECT_THAT(Cmds, ::testing::Not(HasSubstr("LOCKGRAPH_KBUILD_DRY_RUN")));

  // A configured tree is not configured again.
  writeFile(D + "/.config", "CONFIG_MINE=y\n");
  RC = run(std::string(LOCKGRAPH_BINARY) + " kernel " + D + " --cc cc --db " + D +
               "/k.db --no-progress --format summary",
           Out);
  ASSERT_EQ(RC, 0) << Out;
  EXPECT_EQ(readFile(D + "/.config"), "CONFIG_MINE=y\n");
  EXPECT_THAT(Out, HasSubstr("2 translation units: 0 analysed, 2 unchanged"));
  // One pass on an existing database: the global step's output is kept.
  EXPECT_THAT(Out, HasSubstr("(kept: facts, rules and suppressions unchanged)"));
  EXPECT_THAT(Out, HasSubstr("inversion inode.i_mmap inode.i_rwsem\n"));
}

TEST(Kernel, AConfigurationThatFailedIsDoneAgain) {
  // make defconfig wrote a .config, then scripts/config failed: that .config
  // is lockgraph's half-done one (no PROVE_LOCKING), not the user's.
  std::string D = fakeTree(), Out;
  writeFile(D + "/fail-config", "");
  std::string Cmd = std::string(LOCKGRAPH_BINARY) + " kernel " + D +
                    " --cc cc --db " + D + "/k.db --no-progress --format summary";
  EXPECT_EQ(run(Cmd, Out), 2);
  EXPECT_THAT(Out, HasSubstr("lockgraph: error: scripts/config failed (see " + D +
                             "/lockgraph-prepare.log)\n"));
  EXPECT_EQ(readFile(D + "/.config"), "CONFIG_FAKE=y\n");
  EXPECT_FALSE(llvm::sys::fs::exists(D + "/k.db"));

  llvm::sys::fs::remove(D + "/fail-config");
  ASSERT_EQ(run(Cmd, Out), 0) << Out;
  EXPECT_THAT(Out, HasSubstr("lockgraph: configuring " + D + " (defconfig"));
  std::string Config = readFile(D + "/.config");
  EXPECT_THAT(Config, HasSubstr("CONFIG_PROVE_LOCKING=y"));
  EXPECT_THAT(Config, HasSubstr("CONFIG_REISERFS_FS=y"));
  EXPECT_FALSE(llvm::sys::fs::exists(D + "/.lockgraph-configuring"));
  EXPECT_THAT(Out, HasSubstr("inversion inode.i_mmap inode.i_rwsem\n"));

  // Configured: the next run leaves the .config alone.
  ASSERT_EQ(run(Cmd, Out), 0) << Out;
  EXPECT_THAT(Out, ::testing::Not(HasSubstr("lockgraph: configuring")));
}

TEST(Kernel, NotAKernelTreeIsOneLineExit2) {
  std::string D = tempDir(), Out;
  int RC = run(std::string(LOCKGRAPH_BINARY) + " kernel " + D + " --db " + D + "/k.db", Out);
  EXPECT_EQ(RC, 2);
  EXPECT_EQ(Out, "lockgraph: error: " + D +
                     ": not a kernel source tree (no Makefile and Kconfig)\n");
}

} // namespace

namespace {

TEST(Kernel, KbuildCheckerShardsMergeIntoOneDatabase) {
  // What `make C=2 CHECK="lockgraph check-tu --shards=S"` runs per file:
  // CHECK CHECKFLAGS c_flags file.c, from the tree's top directory.
  std::string D = fakeTree(), Shards = tempDir(), Out;
  std::string Check = "cd " + D + " && " + std::string(LOCKGRAPH_BINARY) +
                      " check-tu --shards=" + Shards +
                      " -D__linux__ -Wbitwise -Wno-return-void --arch=x86 "
                      "-mlittle-endian -Wp,-MMD,./.x.o.d -nostdinc "
                      "-DKBUILD_MODNAME='\"x\"' ";
  ASSERT_EQ(run(Check + "a.c", Out), 0) << Out;
  ASSERT_EQ(run(Check + "b.c", Out), 0) << Out;
  writeFile(D + "/broken.c", "int broken(void) { return missing; }\n");
  EXPECT_EQ(run(Check + "broken.c", Out), 0) << "a failed TU must not stop make";
  EXPECT_THAT(Out, HasSubstr("broken.c: lockgraph: skipped: broken.c:1: use of undeclared identifier 'missing'"));

  int RC = run(std::string(LOCKGRAPH_BINARY) + " merge --shards " + Shards +
                   " --db " + D + "/m.db --format summary",
               Out);
  ASSERT_EQ(RC, 0) << Out;
  EXPECT_THAT(Out, HasSubstr("3 translation units: 3 analysed, 0 unchanged, 1 failed"));
  EXPECT_THAT(Out, HasSubstr("inversion inode.i_mmap inode.i_rwsem\n"));
  EXPECT_THAT(Out, HasSubstr("held: a a.c:4"));

  RC = run(std::string(LOCKGRAPH_BINARY) + " merge --shards " + tempDir() +
               " --db " + D + "/n.db",
           Out);
  EXPECT_EQ(RC, 2);
  EXPECT_THAT(Out, HasSubstr("lockgraph: error: no shards in"));
  EXPECT_FALSE(llvm::sys::fs::exists(D + "/n.db"));
}

} // namespace
