//===- Extract.h - One translation unit to TUFacts --------------*- C++ -*-===//
//
// The Clang front end of lockgraph: an ASTConsumer that lowers every
// function definition the TU needs and records every function stored into
// a struct field (ops tables), producing one TUFacts.
//
//===----------------------------------------------------------------------===//

#ifndef LOCKGRAPH_ANALYZER_EXTRACT_H
#define LOCKGRAPH_ANALYZER_EXTRACT_H

#include "db/Facts.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Tooling/Tooling.h"
#include <memory>
#include <string>

namespace lockgraph {

/// Parses a TU and fills Out. Errors the front end reports are kept in
/// FirstError (file:line: message) and counted in NumErrors.
class ExtractAction : public clang::ASTFrontendAction {
public:
  ExtractAction(std::string Root, TUFacts &Out) : Root(std::move(Root)), Out(Out) {}

protected:
  std::unique_ptr<clang::ASTConsumer>
  CreateASTConsumer(clang::CompilerInstance &CI, llvm::StringRef File) override;

private:
  std::string Root;
  TUFacts &Out;
};

/// Lowers in-memory code, for unit tests: Code is compiled as FileName with
/// Args (plus -fsyntax-only), File names relative to Root.
llvm::Expected<TUFacts> extractFromCode(llvm::StringRef Code,
                                        llvm::StringRef FileName,
                                        const std::vector<std::string> &Args,
                                        llvm::StringRef Root = "",
                                        const clang::tooling::FileContentMappings &Headers = {});

} // namespace lockgraph

#endif
