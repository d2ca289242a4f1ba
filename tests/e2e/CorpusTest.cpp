//===- CorpusTest.cpp - Every corpus case against its golden file ---------===//
//
// Each directory of corpus/ (but include/) is one case: its .c files are the
// TUs, rules.yaml (optional) adds rules, expected.txt is the golden summary
// of its findings. Set LOCKGRAPH_UPDATE_GOLDEN=1 to rewrite the goldens;
// review a regenerated golden like code.
//
//===----------------------------------------------------------------------===//

#include "tests/e2e/CorpusHelpers.h"
#include "gtest/gtest.h"

using namespace lockgraph;
using namespace lockgraph::test;

namespace {

class Corpus : public ::testing::TestWithParam<std::string> {};

TEST_P(Corpus, MatchesGolden) {
  std::string Case = GetParam();
  llvm::Expected<std::string> Got = scanCase(Case);
  ASSERT_TRUE(bool(Got)) << llvm::toString(Got.takeError());
  std::string GoldenPath = corpusDir() + "/" + Case + "/expected.txt";
  if (getenv("LOCKGRAPH_UPDATE_GOLDEN")) {
    writeFile(GoldenPath, *Got);
    GTEST_SKIP() << "golden rewritten: " << GoldenPath;
  }
  std::string Want = readFile(GoldenPath);
  EXPECT_EQ(Want, *Got) << "case " << Case;
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
