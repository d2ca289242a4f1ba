//===- CliTest.cpp - The command line on good and bad input ---------------===//
//
// Runs the lockgraph binary as a user would: exit codes, one-line causes for
// bad input, skipped TUs, crash isolation, atomic databases.
//
//===----------------------------------------------------------------------===//

#include "db/Store.h"
#include "tests/e2e/CorpusHelpers.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include <sqlite3.h>
#include <thread>

using namespace lockgraph::test;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

std::string bin() { return std::string(LOCKGRAPH_BINARY); }


/// A directory with good.c (an inversion), bad.c (does not parse) and
/// crash.c (crashes the front end), and its compile database.
std::string mixedTree() {
  std::string D = tempDir();
  writeFile(D + "/good.c",
            "struct mutex { int m; };\n"
            "void mutex_lock(struct mutex *m);\n"
            "void mutex_unlock(struct mutex *m);\n"
            "struct foo { struct mutex a, b; };\n"
            "void ab(struct foo *f) { mutex_lock(&f->a); mutex_lock(&f->b); }\n"
            "void ba(struct foo *f) { mutex_lock(&f->b); mutex_lock(&f->a); }\n");
  writeFile(D + "/bad.c", "void bad(void) { undeclared(; }\n");
  writeFile(D + "/crash.c", "#pragma clang __debug crash\nvoid x(void) {}\n");
  std::string Cmds = "[";
  for (const char *F : {"good.c", "bad.c", "crash.c"})
    Cmds += std::string(Cmds.size() > 1 ? "," : "") + "{\"directory\": \"" + D +
            "\", \"file\": \"" + F + "\", \"arguments\": [\"clang\", \"-c\", \"" +
            F + "\"]}";
  writeFile(D + "/compile_commands.json", Cmds + "]");
  return D;
}

TEST(Cli, MissingCompileDatabaseIsOneLineExit2) {
  std::string D = tempDir(), Out;
  int RC = run(bin() + " scan --compdb " + D + "/nope.json --db " + D + "/x.db", Out);
  EXPECT_EQ(RC, 2);
  EXPECT_EQ(Out, "lockgraph: error: cannot load compile database " + D +
                     "/nope.json: no such file\n");
  EXPECT_FALSE(llvm::sys::fs::exists(D + "/x.db"));
}

TEST(Cli, MalformedCompileDatabaseIsOneLineExit2) {
  std::string D = tempDir(), Out;
  writeFile(D + "/compile_commands.json", "[{\"directory\": \"/x\", ");
  int RC = run(bin() + " scan -p " + D + " --db " + D + "/x.db", Out);
  EXPECT_EQ(RC, 2);
  EXPECT_THAT(Out, HasSubstr("lockgraph: error: cannot load compile database " +
                             D + "/compile_commands.json"));
  EXPECT_EQ(std::count(Out.begin(), Out.end(), '\n'), 1);
}

TEST(Cli, BadRulesFileNamesFileLineAndKey) {
  std::string D = mixedTree(), Out;
  writeFile(D + "/bad.yaml", "family: mine\napis:\n  - function: grab\n    action: aquire\n    lock: x\n    flavor: pseudo\n");
  int RC = run(bin() + " scan -p " + D + " --db " + D + "/x.db --rules " + D +
                   "/bad.yaml",
               Out);
  EXPECT_EQ(RC, 2);
  EXPECT_THAT(Out, HasSubstr("lockgraph: error: " + D +
                             "/bad.yaml:4: key 'action': unknown action 'aquire'"));
  EXPECT_FALSE(llvm::sys::fs::exists(D + "/x.db"));
}

TEST(Cli, BrokenAndCrashingTUsAreSkippedAndReported) {
  std::string D = mixedTree(), Out;
  int RC = run(bin() + " scan --no-progress -p " + D + " --db " + D + "/x.db", Out);
  EXPECT_EQ(RC, 0) << Out;
  EXPECT_THAT(Out, HasSubstr("3 translation units: 3 analysed, 0 unchanged, 2 failed"));
  EXPECT_THAT(Out, HasSubstr("skipped bad.c: bad.c:1: call to undeclared function 'undeclared'"));
  EXPECT_THAT(Out, HasSubstr("skipped crash.c: front end crashed"));
  EXPECT_THAT(Out, HasSubstr("WARNING: possible circular locking dependency detected"));
  EXPECT_THAT(Out, HasSubstr("foo.a -> foo.b -> foo.a"));

  // The same failures are in the database, and the report says so too.
  RC = run(bin() + " query --db " + D + "/x.db \"SELECT file, status FROM tu ORDER BY file\"", Out);
  EXPECT_EQ(RC, 0);
  EXPECT_EQ(Out, "file\tstatus\nbad.c\tfailed\ncrash.c\tfailed\ngood.c\tok\n");
  RC = run(bin() + " report --fail-on-findings --db " + D + "/x.db", Out);
  EXPECT_EQ(RC, 1);
  EXPECT_THAT(Out, HasSubstr("1 translation units analysed, 2 failed"));
}

TEST(Cli, PathPrintsWitnessOrExits1) {
  std::string D = mixedTree(), Out;
  ASSERT_EQ(run(bin() + " scan --no-progress -p " + D + " --db " + D + "/x.db", Out), 0) << Out;
  int RC = run(bin() + " path foo.a foo.b --db " + D + "/x.db", Out);
  EXPECT_EQ(RC, 0);
  EXPECT_EQ(Out, "foo.a(write) -> foo.b(write)\n  held: ab good.c:5\n  chain: ab good.c:5\n");
  RC = run(bin() + " path foo.a foo.zzz --db " + D + "/x.db", Out);
  EXPECT_EQ(RC, 1);
  EXPECT_EQ(Out, "lockgraph: no edge foo.a -> foo.zzz\n");
}

TEST(Cli, QueryIsReadOnly) {
  std::string D = mixedTree(), Out;
  ASSERT_EQ(run(bin() + " scan --no-progress -p " + D + " --db " + D + "/x.db", Out), 0) << Out;
  int RC = run(bin() + " query --db " + D + "/x.db \"DELETE FROM finding\"", Out);
  EXPECT_EQ(RC, 2);
  EXPECT_THAT(Out, HasSubstr("readonly"));
  RC = run(bin() + " query --db " + D + "/x.db \"SELECT count(*) FROM finding\"", Out);
  EXPECT_EQ(Out, "count(*)\n1\n");
}

TEST(Cli, OtherSchemaVersionIsRefused) {
  std::string D = tempDir(), Out;
  sqlite3 *Db;
  ASSERT_EQ(sqlite3_open((D + "/old.db").c_str(), &Db), SQLITE_OK);
  sqlite3_exec(Db, "CREATE TABLE t(x); PRAGMA user_version = 99;", nullptr, nullptr, nullptr);
  sqlite3_close(Db);
  int RC = run(bin() + " report --db " + D + "/old.db", Out);
  EXPECT_EQ(RC, 2);
  EXPECT_EQ(Out, "lockgraph: error: " + D + "/old.db: schema version 99, this "
                 "lockgraph reads version " + std::to_string(lockgraph::SchemaVersion) +
                 "; re-scan into a new database\n");
  writeFile(D + "/text.db", "this is not a database at all, just some text\n");
  RC = run(bin() + " report --db " + D + "/text.db", Out);
  EXPECT_EQ(RC, 2);
  EXPECT_EQ(Out, "lockgraph: error: " + D + "/text.db: not a lockgraph database\n");
}

TEST(Cli, UnwritableOutputPathIsOneLineExit2) {
  std::string D = mixedTree(), Out;
  int RC = run(bin() + " scan --no-progress -p " + D + " --db " + D +
                   "/no/such/dir/x.db",
               Out);
  EXPECT_EQ(RC, 2);
  EXPECT_THAT(Out, HasSubstr("lockgraph: error: cannot write " + D + "/no/such/dir/x.db.lock"));
  EXPECT_EQ(std::count(Out.begin(), Out.end(), '\n'), 1);
}

TEST(Cli, InterruptedScanLeavesOldDatabaseIntact) {
  std::string D = mixedTree(), Out;
  ASSERT_EQ(run(bin() + " scan --no-progress -p " + D + " --db " + D + "/x.db", Out), 0) << Out;
  std::string Before = readFile(D + "/x.db");
  // A slow tree: 40 TUs of generated code, scanned with one job.
  std::string Cmds = "[";
  std::string Body;
  for (int I = 0; I < 3000; ++I)
    Body += "int f" + std::to_string(I) + "(int x) { if (x) return x + " +
            std::to_string(I) + "; return f" + std::to_string(I ? I - 1 : 0) + "(x); }\n";
  for (int I = 0; I < 40; ++I) {
    std::string F = "slow" + std::to_string(I) + ".c";
    writeFile(D + "/" + F, Body);
    Cmds += std::string(I ? "," : "") + "{\"directory\": \"" + D + "\", \"file\": \"" +
            F + "\", \"arguments\": [\"clang\", \"-c\", \"" + F + "\"]}";
  }
  std::string Slow = tempDir();
  writeFile(Slow + "/compile_commands.json", Cmds + "]");
  int RC = run("timeout -s INT 2 " + bin() + " scan -j 1 --no-progress -p " + Slow +
                   " --db " + D + "/x.db",
               Out);
  EXPECT_NE(RC, 0) << "the scan was meant to be interrupted; make it slower";
  EXPECT_FALSE(llvm::sys::fs::exists(D + "/x.db.new"));
  EXPECT_EQ(readFile(D + "/x.db"), Before);
}

TEST(Cli, HotJournalOfAKilledWriterIsRolledBackForReaders) {
  // A small re-scan updates the database in place, in one transaction; a
  // writer killed within it leaves a hot journal that read-only opens
  // cannot roll back themselves.
  std::string D = mixedTree(), Out, Before;
  ASSERT_EQ(run(bin() + " scan --no-progress -p " + D + " --db " + D + "/x.db", Out), 0) << Out;
  ASSERT_EQ(run(bin() + " report --db " + D + "/x.db", Before), 0) << Before;
  ASSERT_THAT(Before, HasSubstr("foo.a -> foo.b -> foo.a"));
  run("printf 'PRAGMA cache_size = 1;\\nBEGIN;\\nDELETE FROM finding_edge;\\n"
      "DELETE FROM finding;\\nINSERT INTO meta SELECT i, hex(randomblob(3000)) "
      "FROM (WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c "
      "WHERE i < 500) SELECT i FROM c);\\n.system kill -9 $PPID\\n' | sqlite3 " +
          D + "/x.db",
      Out);
  ASSERT_TRUE(llvm::sys::fs::exists(D + "/x.db-journal")) << Out;
  EXPECT_EQ(run(bin() + " report --db " + D + "/x.db", Out), 0);
  EXPECT_EQ(Out, Before);
}

TEST(Cli, ConcurrentScansOfOneDatabaseAreRefused) {
  // A second scan into the same --db used to delete the first one's
  // NAME.new; now it stops at NAME.lock and leaves everything alone.
  std::string D = mixedTree(), Out;
  ASSERT_EQ(run(bin() + " scan --no-progress -p " + D + " --db " + D + "/x.db", Out), 0) << Out;
  std::string Before = readFile(D + "/x.db");
  writeFile(D + "/x.db.new", "the other scan's work\n");
  int FD;
  ASSERT_FALSE(llvm::sys::fs::openFileForReadWrite(
      D + "/x.db.lock", FD, llvm::sys::fs::CD_OpenAlways, llvm::sys::fs::OF_None));
  ASSERT_FALSE(llvm::sys::fs::tryLockFile(FD));
  EXPECT_EQ(run(bin() + " scan --no-progress -p " + D + " --db " + D + "/x.db", Out), 2);
  EXPECT_EQ(Out, "lockgraph: error: another lockgraph is writing " + D + "/x.db (" +
                     D + "/x.db.lock is locked)\n");
  EXPECT_EQ(readFile(D + "/x.db.new"), "the other scan's work\n");
  EXPECT_EQ(readFile(D + "/x.db"), Before);
  llvm::sys::fs::unlockFile(FD);
  llvm::sys::fs::file_t F = FD;
  llvm::sys::fs::closeFile(F);
  llvm::sys::fs::remove(D + "/x.db.new");
  ASSERT_EQ(run(bin() + " scan --no-progress -p " + D + " --db " + D + "/x.db", Out), 0) << Out;
  EXPECT_FALSE(llvm::sys::fs::exists(D + "/x.db.lock")) << "removed after the scan";
}

TEST(Cli, RescanReusesUnchangedTUs) {
  std::string D = mixedTree(), Out;
  ASSERT_EQ(run(bin() + " scan --no-progress -p " + D + " --db " + D + "/x.db", Out), 0) << Out;
  ASSERT_EQ(run(bin() + " scan --no-progress -p " + D + " --db " + D + "/x.db", Out), 0) << Out;
  EXPECT_THAT(Out, HasSubstr("3 translation units: 2 analysed, 1 unchanged, 2 failed"))
      << "failed TUs are tried again, good.c is reused";
  writeFile(D + "/good.c", readFile(D + "/good.c") + "void extra(void) {}\n");
  ASSERT_EQ(run(bin() + " scan --no-progress -p " + D + " --db " + D + "/x.db", Out), 0) << Out;
  EXPECT_THAT(Out, HasSubstr("3 translation units: 3 analysed, 0 unchanged, 2 failed"));
  EXPECT_THAT(Out, HasSubstr("foo.a -> foo.b -> foo.a"));
  // The results are written without per-row foreign key checks: after
  // three scans every reference still resolves.
  ASSERT_EQ(run(bin() + " query --db " + D + "/x.db \"PRAGMA foreign_key_check\"", Out), 0) << Out;
  EXPECT_EQ(Out, "table\trowid\tparent\tfkid\n");
}

TEST(Cli, GlobalStepIsKeptOnlyWhenItsInputIsUnchanged) {
  std::string D = mixedTree(), Out;
  std::string Scan = bin() + " scan --no-progress -p " + D + " --db " + D + "/x.db";
  const std::string Kept = "(kept: facts, rules and suppressions unchanged)";
  ASSERT_EQ(run(Scan, Out), 0) << Out;
  EXPECT_THAT(Out, HasSubstr("(load "));
  ASSERT_EQ(run(Scan, Out), 0) << Out;
  EXPECT_THAT(Out, HasSubstr(Kept));
  EXPECT_THAT(Out, HasSubstr("2 lock classes, 2 edges, 1 findings"));
  EXPECT_THAT(Out, HasSubstr("foo.a -> foo.b -> foo.a"));
  // A comment: good.c is parsed again, its facts are the same.
  std::string Good = readFile(D + "/good.c");
  writeFile(D + "/good.c", Good + "/* a comment */\n");
  ASSERT_EQ(run(Scan, Out), 0) << Out;
  EXPECT_THAT(Out, HasSubstr("3 analysed, 0 unchanged"));
  EXPECT_THAT(Out, HasSubstr(Kept));
  EXPECT_THAT(Out, HasSubstr("foo.a -> foo.b -> foo.a"));
  // A stale suppression is reported by a kept global step too.
  writeFile(D + "/sup.yaml", "version: 1\nsuppressions:\n"
                             "  - kind: inversion\n    locks: [foo.x, foo.y]\n"
                             "    reason: nothing matches\n");
  for (int I = 0; I < 2; ++I) {
    ASSERT_EQ(run(Scan + " --suppressions " + D + "/sup.yaml", Out), 0) << Out;
    EXPECT_EQ(Out.find(Kept) != std::string::npos, I == 1) << Out;
    EXPECT_THAT(Out, HasSubstr("sup.yaml:3: suppression matches no finding"));
  }
  // Another rules file: redone.
  writeFile(D + "/r.yaml", "family: mine\napis:\n  - function: grab\n"
                           "    action: acquire\n    lock: mine\n    flavor: pseudo\n");
  ASSERT_EQ(run(Scan + " --rules " + D + "/r.yaml", Out), 0) << Out;
  EXPECT_THAT(Out, Not(HasSubstr(Kept)));
  // A changed function: redone, and the inversion is gone.
  std::string Fixed = Good;
  Fixed.replace(Fixed.find("mutex_lock(&f->b); mutex_lock(&f->a); }"),
                std::string("mutex_lock(&f->b); mutex_lock(&f->a); }").size(),
                "mutex_lock(&f->a); mutex_lock(&f->b); }");
  writeFile(D + "/good.c", Fixed);
  ASSERT_EQ(run(Scan, Out), 0) << Out;
  EXPECT_THAT(Out, Not(HasSubstr(Kept)));
  EXPECT_THAT(Out, HasSubstr("(load "));
  EXPECT_THAT(Out, HasSubstr("2 lock classes, 1 edges, 0 findings"));
}

/// Everything a global step writes, function ids replaced by names.
std::string globalOutput(const std::string &Db) {
  std::string Edges, Report;
  run(bin() + " query --db " + Db +
          " \"SELECT h.name, e.held_mode, a.name, e.acquired_mode, e.tags, "
          "f.name, f.file, e.held_line, e.hops, (SELECT group_concat(function "
          "|| ':' || file || ':' || line || ':' || coalesce(via, '') || ':' || "
          "coalesce(api, ''), ' > ') FROM (SELECT * FROM edge_hop WHERE "
          "edge_id = e.id ORDER BY seq)) FROM edge e JOIN lock_class h ON h.id "
          "= e.held_id JOIN lock_class a ON a.id = e.acquired_id JOIN function "
          "f ON f.id = e.function_id ORDER BY e.id\"",
      Edges);
  run(bin() + " report --format json --db " + Db, Report);
  return Edges + Report;
}

TEST(Cli, MovedLinesMoveTheStoredOutput) {
  std::string Case = corpusDir() + "/seed002-aio-mutex", D = tempDir(), Out;
  for (const char *F : {"aio.h", "migrate.c"})
    writeFile(D + "/" + F, readFile(Case + "/" + F));
  // A second body of ioctx_alloc, as kernel/sys_ni.c has a __weak stub of
  // every syscall: the function has two stored bodies, one of them moves.
  writeFile(D + "/weak.c", "struct kioctx;\n__attribute__((weak)) struct kioctx "
                           "*ioctx_alloc(unsigned int nr) { return 0; }\n");
  // Two calls on one line: two events with one line.
  writeFile(D + "/aio.c",
            readFile(Case + "/aio.c") +
                "void aio_twice(struct kioctx *ctx) { mutex_lock(&ctx->ring_lock); "
                "mutex_unlock(&ctx->ring_lock); }\n");
  std::string Scan = bin() + " scan --no-progress --compdb " +
                     writeCompDb(D, D) + " --root " + D + " --db " + D;
  const std::string Moved = "(kept: only lines changed, moved in ";
  ASSERT_EQ(run(Scan + "/x.db", Out), 0) << Out;
  std::string TUs = "SELECT id, file FROM tu ORDER BY id";
  std::string TUsBefore, TUsAfter;
  ASSERT_EQ(run(bin() + " query --db " + D + "/x.db \"" + TUs + "\"", TUsBefore), 0);
  std::string Before = globalOutput(D + "/x.db");
  ASSERT_THAT(Before, HasSubstr("aio_migratepage:aio.c:77:"));
  ASSERT_THAT(Before, HasSubstr("aio_read_events_ring\taio.c\t52\t1\t"));

  // Two lines above everything: aio.c's five functions move, and so do
  // the witnesses that pass through them from migrate.c. 13 rows: the five
  // edges made in aio.c and eight witness rows in aio.c (nine hops: two
  // edges into aio_migratepage's spin_lock_irqsave share its row).
  // The database is updated in place (same file), not copied and renamed.
  auto Inode = [&] {
    llvm::sys::fs::UniqueID U;
    EXPECT_FALSE(llvm::sys::fs::getUniqueID(D + "/x.db", U));
    return U;
  };
  llvm::sys::fs::UniqueID First = Inode();
  std::string Aio = readFile(D + "/aio.c");
  writeFile(D + "/aio.c", "/* two more\n   lines */\n" + Aio);
  ASSERT_EQ(run(Scan + "/x.db", Out), 0) << Out;
  EXPECT_THAT(Out, HasSubstr(Moved + "5 functions of 1 files, 13 rows)"));
  EXPECT_EQ(Inode(), First);
  EXPECT_FALSE(llvm::sys::fs::exists(D + "/x.db-journal"));
  std::string After = globalOutput(D + "/x.db");
  EXPECT_THAT(After, HasSubstr("aio_migratepage:aio.c:79:"));
  EXPECT_THAT(After, HasSubstr("aio_read_events_ring\taio.c\t54\t1\t"));
  ASSERT_EQ(run(Scan + "/fresh.db", Out), 0) << Out;
  EXPECT_THAT(Out, HasSubstr("(load "));
  EXPECT_EQ(After, globalOutput(D + "/fresh.db"));
  // A replaced TU keeps its id (static callees resolve in the first TU).
  ASSERT_EQ(run(bin() + " query --db " + D + "/x.db \"" + TUs + "\"", TUsAfter), 0);
  EXPECT_EQ(TUsBefore, TUsAfter);
  ASSERT_EQ(run(bin() + " query --db " + D + "/x.db \"PRAGMA foreign_key_check\"", Out), 0) << Out;
  EXPECT_EQ(Out, "table\trowid\tparent\tfkid\n");

  // A line in the middle: aio_setup_ring stays where it is, and the
  // witness of ioctx_alloc's edge still names its line 22 (20 + 2).
  std::string Middle = readFile(D + "/aio.c");
  Middle.insert(Middle.find("struct kioctx *ioctx_alloc"), "\n");
  writeFile(D + "/aio.c", Middle);
  ASSERT_EQ(run(Scan + "/x.db", Out), 0) << Out;
  EXPECT_THAT(Out, HasSubstr(Moved + "4 functions of 1 files, 12 rows)"));
  After = globalOutput(D + "/x.db");
  EXPECT_THAT(After, HasSubstr("ioctx_alloc:aio.c:38:: > aio_setup_ring:aio.c:22::down_write"));
  llvm::sys::fs::remove(D + "/fresh.db");
  ASSERT_EQ(run(Scan + "/fresh.db", Out), 0) << Out;
  EXPECT_EQ(After, globalOutput(D + "/fresh.db"));

  // Two functions trade places: lines cross, witnesses could be chosen
  // otherwise, so the global step runs.
  size_t Read = Aio.find("long aio_read_events_ring");
  size_t Migrate = Aio.find("static int aio_migratepage");
  size_t Ops = Aio.find("const struct address_space_operations");
  std::string Swapped = Aio.substr(0, Read) + Aio.substr(Migrate, Ops - Migrate) +
                        Aio.substr(Read, Migrate - Read) + Aio.substr(Ops);
  writeFile(D + "/aio.c", Swapped);
  ASSERT_EQ(run(Scan + "/x.db", Out), 0) << Out;
  EXPECT_THAT(Out, Not(HasSubstr(Moved)));
  EXPECT_THAT(Out, HasSubstr("(load "));
  EXPECT_NE(Inode(), First) << "a global step writes a copy";
  llvm::sys::fs::remove(D + "/fresh.db");
  ASSERT_EQ(run(Scan + "/fresh.db", Out), 0) << Out;
  EXPECT_EQ(globalOutput(D + "/x.db"), globalOutput(D + "/fresh.db"));
}

TEST(Cli, ScanNeverReplacesAFileItCannotRead) {
  std::string D = mixedTree(), Out;
  writeFile(D + "/notes.db", "my precious notes\n");
  int RC = run(bin() + " scan --full --no-progress -p " + D + " --db " + D + "/notes.db", Out);
  EXPECT_EQ(RC, 2);
  EXPECT_EQ(Out, "lockgraph: error: " + D + "/notes.db: not a lockgraph database; "
                 "remove it or choose another --db\n");
  EXPECT_EQ(readFile(D + "/notes.db"), "my precious notes\n");
}

TEST(Cli, UsageErrorsExit2) {
  std::string Out;
  EXPECT_EQ(run(bin() + " scan --db /tmp/x.db", Out), 2);
  EXPECT_THAT(Out, HasSubstr("exactly one of -p BUILD_DIR or --compdb FILE"));
  EXPECT_EQ(run(bin() + " report --no-such-flag", Out), 2);
  EXPECT_EQ(run(bin() + " explain LG-000000000000 --db /nonexistent.db", Out), 2);
  EXPECT_EQ(Out, "lockgraph: error: /nonexistent.db: no such database\n");
}

} // namespace

namespace {

TEST(Cli, SuppressedFindingsAreHiddenButKeptInJson) {
  std::string D = mixedTree(), Out;
  ASSERT_EQ(run(bin() + " scan --no-progress -p " + D + " --db " + D + "/x.db", Out), 0);
  writeFile(D + "/sup.yaml", "version: 1\nsuppressions:\n"
                             "  - kind: inversion\n    locks: [foo.b, foo.a]\n"
                             "    reason: test fixture, not kernel code\n");
  int RC = run(bin() + " report --fail-on-findings --suppressions " + D +
                   "/sup.yaml --db " + D + "/x.db",
               Out);
  EXPECT_EQ(RC, 0) << "nothing open is left";
  EXPECT_THAT(Out, Not(HasSubstr("WARNING")));
  EXPECT_THAT(Out, HasSubstr("0 findings shown, 1 suppressed"));
  RC = run(bin() + " report --format json --suppressions " + D + "/sup.yaml --db " +
               D + "/x.db",
           Out);
  EXPECT_EQ(RC, 0);
  EXPECT_THAT(Out, HasSubstr("\"suppressed\": \"test fixture, not kernel code\""));
  // Stored at scan time too, for SQL.
  ASSERT_EQ(run(bin() + " scan --no-progress --suppressions " + D + "/sup.yaml -p " +
                    D + " --db " + D + "/x.db",
                Out),
            0);
  RC = run(bin() + " query --db " + D + "/x.db \"SELECT kind, suppression_reason FROM finding\"", Out);
  EXPECT_EQ(Out, "kind\tsuppression_reason\ninversion\ttest fixture, not kernel code\n");
}

} // namespace

namespace {

TEST(Cli, OutputIsDeterministicAcrossJobCounts) {
  std::string Case = corpusDir() + "/seed003-reiserfs-mmap";
  std::string Tmp = tempDir(), A, B, Out;
  writeCompDb(Case, Tmp);
  std::string Scan = bin() + " scan --no-progress --compdb " + Tmp +
                     "/compile_commands.json --root " + corpusDir() + " --format json";
  ASSERT_EQ(run(Scan + " -j 1 --db " + Tmp + "/a.db", A), 0) << A;
  ASSERT_EQ(run(Scan + " -j 2 --db " + Tmp + "/b.db", B), 0) << B;
  // The scan's statistics line on stderr has timings; the report must not.
  auto Report = [](const std::string &S) { return S.substr(S.find("\n{")); };
  EXPECT_EQ(Report(A), Report(B));
  EXPECT_THAT(A, HasSubstr("\"kind\": \"inversion\""));
}

} // namespace
