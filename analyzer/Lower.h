//===- Lower.h - Function bodies to call-event CFGs -------------*- C++ -*-===//
//
// Lowers a Clang function definition to lockgraph's FunctionFacts: Clang's
// CFG with every call as an event, lock arguments as access paths, and the
// branches and returns that test a call's result.
//
//===----------------------------------------------------------------------===//

#ifndef LOCKGRAPH_ANALYZER_LOWER_H
#define LOCKGRAPH_ANALYZER_LOWER_H

#include "db/Facts.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include <optional>
#include <string>

namespace lockgraph {

/// Maps Clang source locations to the file names lockgraph stores: relative
/// to the scan root when below it, normalised otherwise.
class FileNamer {
public:
  FileNamer(const clang::SourceManager &SM, std::string Root)
      : SM(SM), Root(std::move(Root)) {}
  /// File of the spelling-independent (expansion) location.
  std::string file(clang::SourceLocation Loc) const;
  unsigned line(clang::SourceLocation Loc) const;
  unsigned col(clang::SourceLocation Loc) const;
  std::string relative(llvm::StringRef Path) const;

private:
  const clang::SourceManager &SM;
  std::string Root;
};

/// The name lockgraph gives a function: its name when externally visible,
/// "name@file" (file of its definition) when static.
std::string functionKey(const clang::FunctionDecl *FD, const FileNamer &Names);

/// "record.field" for a field, naming the innermost named struct that holds
/// it (anonymous structs and unions are looked through).
std::string fieldName(const clang::FieldDecl *FD);

/// Lowers one function definition. Returns std::nullopt when Clang cannot
/// build a CFG for it.
std::optional<FunctionFacts> lowerFunction(const clang::FunctionDecl *FD,
                                           clang::ASTContext &Ctx,
                                           const FileNamer &Names);

} // namespace lockgraph

#endif
