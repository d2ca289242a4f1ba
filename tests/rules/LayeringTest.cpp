//===- LayeringTest.cpp - Stored-facts code includes no Clang -------------===//
//
// rules/ and db/ work on data and stored facts; they must build and be
// tested without Clang (docs/design.md). Their CMake targets link no Clang
// library, and this test checks their sources include no Clang header.
//
//===----------------------------------------------------------------------===//

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "gtest/gtest.h"

namespace {

TEST(Layering, RulesAndDbIncludeNoClangHeaders) {
  unsigned Files = 0;
  for (const char *Dir : {"rules", "db"}) {
    std::string Root = std::string(LOCKGRAPH_SOURCE_DIR) + "/" + Dir;
    std::error_code EC;
    for (llvm::sys::fs::directory_iterator It(Root, EC), End; It != End && !EC;
         It.increment(EC)) {
      llvm::StringRef P = It->path();
      if (!P.ends_with(".h") && !P.ends_with(".cpp"))
        continue;
      auto Buf = llvm::MemoryBuffer::getFile(P);
      ASSERT_TRUE(bool(Buf)) << P.str();
      ++Files;
      llvm::StringRef Text = (*Buf)->getBuffer();
      EXPECT_EQ(Text.find("#include \"clang/"), llvm::StringRef::npos)
          << P.str() << " includes a Clang header";
      EXPECT_EQ(Text.find("#include \"analyzer/"), llvm::StringRef::npos)
          << P.str() << " includes the analyzer";
    }
  }
  EXPECT_GE(Files, 10u);
}

} // namespace
