//===- SuppressionsTest.cpp - Suppressions files --------------------------===//

#include "db/Suppressions.h"
#include "db/Findings.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"

using namespace lockgraph;

namespace {

std::string write(const std::string &Text) {
  llvm::SmallString<128> P;
  llvm::sys::fs::createTemporaryFile("sup", "yaml", P);
  std::error_code EC;
  llvm::raw_fd_ostream(P, EC) << Text;
  return P.str().str();
}

/// The error for Text, with the file's name replaced by FILE.
std::string errorOf(const std::string &Text) {
  std::string Path = write(Text);
  auto S = loadSuppressions({Path});
  std::string E = S ? "" : llvm::toString(S.takeError());
  if (E.compare(0, Path.size(), Path) == 0)
    E = "FILE" + E.substr(Path.size());
  return E;
}

Finding finding(FindingKind K, std::vector<std::string> Locks) {
  Finding F;
  F.Kind = K;
  F.Locks = std::move(Locks);
  F.Id = findingId(K, "", F.Locks);
  return F;
}

TEST(Suppressions, MatchByIdOrByKindAndLocks) {
  Finding Inv = finding(FindingKind::Inversion, {"a", "b"});
  Finding Self = finding(FindingKind::SelfDeadlock, {"jbd2_handle"});
  Finding Other = finding(FindingKind::SelfDeadlock, {"x"});
  std::string P = write("version: 1\n"
                        "suppressions:\n"
                        "  - id: " + Inv.Id + "\n"
                        "    reason: fixed upstream\n"
                        "  - kind: self-deadlock\n"
                        "    locks: [jbd2_handle]\n"
                        "    reason: a running handle is reused\n"
                        "  - kind: inversion\n"
                        "    locks: [c, d]\n"
                        "    reason: stale\n");
  auto S = loadSuppressions({P});
  ASSERT_TRUE(bool(S)) << llvm::toString(S.takeError());
  ASSERT_EQ(S->size(), 3u);
  EXPECT_EQ((*S)[1].Line, 5u);
  std::vector<Finding> Fs{Inv, Self, Other};
  auto Stale = applySuppressions(Fs, *S);
  EXPECT_TRUE(Fs[0].Suppressed);
  EXPECT_EQ(Fs[0].SuppressionReason, "fixed upstream");
  EXPECT_TRUE(Fs[1].Suppressed);
  EXPECT_FALSE(Fs[2].Suppressed);
  ASSERT_EQ(Stale.size(), 1u);
  EXPECT_EQ(Stale[0]->Line, 8u);
}

TEST(Suppressions, ErrorsNameFileLineAndKey) {
  EXPECT_EQ(errorOf("version: 2\nsuppressions: []\n"),
            "FILE:1: key 'version': version 2 is not supported (this "
                "lockgraph reads version 1)");
  EXPECT_EQ(errorOf("suppressions: []\n"),
            "FILE:1: key 'version': missing required key");
  EXPECT_EQ(errorOf("version: 1\nsuppressions:\n  - id: LG-1\n"),
            "FILE:3: key 'reason': missing required key: say why it is suppressed");
  EXPECT_EQ(errorOf("version: 1\nsuppressions:\n  - kind: inversion\n    reason: x\n"),
            "FILE:3: key 'id': missing required key (give 'id', or 'kind' and 'locks')");
  EXPECT_EQ(errorOf("version: 1\nsuppressions:\n  - kind: deadlock\n    locks: [a]\n    reason: x\n"),
            "FILE:3: key 'kind': unknown kind 'deadlock' (expected inversion, "
                "self-deadlock, forbidden-nesting, order-violation)");
  EXPECT_EQ(errorOf("version: 1\nsuppressions:\n  - id: LG-1\n    reasn: x\n"),
            "FILE:4: key 'reasn': unknown key in suppression (expected id, kind, locks, reason)");
  EXPECT_EQ(errorOf("version: 1\nsuppressions: [\n").substr(0, 5), "FILE:");
}

} // namespace
