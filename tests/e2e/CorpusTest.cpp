//===- CorpusTest.cpp - Every corpus case against its golden file ---------===//
//
// Each directory of corpus/ (but include/) is one case: its .c files are the
// TUs, rules.yaml (optional) adds rules, expected.txt is the golden summary
// of its findings. Set LOCKGRAPH_UPDATE_GOLDEN=1 to rewrite the goldens;
// review a regenerated golden like code.
//
//===----------------------------------------------------------------------===//

#include "tests/e2e/CorpusHelpers.h"
#include "llvm/Support/FileSystem.h"
#include "gtest/gtest.h"

using namespace lockgraph;
using namespace lockgraph::test;

namespace {

class Corpus : public ::testing::TestWithParam<std::string> {};

TEST_P(Corpus, MatchesGolden) {
  std::string Case = GetParam();
  std::string Db;
  llvm::Expected<std::string> Got = scanCase(Case, &Db);
  ASSERT_TRUE(bool(Got)) << llvm::toString(Got.takeError());
  std::string GoldenPath = corpusDir() + "/" + Case + "/expected.txt";
  if (getenv("LOCKGRAPH_UPDATE_GOLDEN")) {
    writeFile(GoldenPath, *Got);
    for (const char *Format : {"json", "text"}) {
      std::string Path = corpusDir() + "/" + Case + "/expected." + Format;
      if (llvm::sys::fs::exists(Path))
        writeFile(Path, formatCase(Db, Format));
    }
    GTEST_SKIP() << "golden rewritten: " << GoldenPath;
  }
  std::string Want = readFile(GoldenPath);
  EXPECT_EQ(Want, *Got) << "case " << Case;
  // Golden files of the other formats, where a case has them.
  for (const char *Format : {"json", "text"}) {
    std::string Path = corpusDir() + "/" + Case + "/expected." + Format;
    if (llvm::sys::fs::exists(Path)) {
      EXPECT_EQ(readFile(Path), formatCase(Db, Format)) << Path;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, Corpus, ::testing::ValuesIn(corpusCases()),
                         [](const ::testing::TestParamInfo<std::string> &I) {
                           std::string N = I.param;
                           for (char &C : N)
                             if (!isalnum(static_cast<unsigned char>(C)))
                               C = '_';
                           return N;
                         });

} // namespace
