//===- Extract.cpp - One translation unit to TUFacts ----------------------===//
//
// Walks the whole TU once, then lowers the function definitions that can
// matter: every used one in the main file, every externally visible one, every
// function stored into a function-pointer field, and the static functions
// (mostly headers' static inlines) these reach by direct calls. A kernel TU
// defines thousands of header inlines that only other unused inlines refer
// to; they are never lowered.
// Designated initializers and assignments of functions to function-pointer
// fields become FieldStores, the facts that resolve `f_op->mmap(...)`.
//
//===----------------------------------------------------------------------===//

#include "analyzer/Extract.h"
#include "analyzer/Lower.h"
#include "clang/AST/ASTConsumer.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Path.h"

using namespace clang;
using namespace llvm;

namespace lockgraph {
namespace {

class FactsVisitor : public RecursiveASTVisitor<FactsVisitor> {
public:
  FactsVisitor(ASTContext &Ctx, const FileNamer &Names, TUFacts &Out)
      : Ctx(Ctx), Names(Names), Out(Out) {}

  /// Designated initializers live in the semantic form of InitListExprs,
  /// which the visitor only walks as implicit code.
  bool shouldVisitImplicitCode() const { return true; }

  bool VisitFunctionDecl(FunctionDecl *FD) {
    if (!FD->doesThisDeclarationHaveABody() || FD->isDependentContext() ||
        FD->isInvalidDecl())
      return true;
    if (FD->isExternallyVisible())
      Roots.push_back(FD);
    else if (!FD->isUsed() && !FD->isReferenced())
      return true; // dead
    else if (Ctx.getSourceManager().isInMainFile(FD->getLocation()))
      Roots.push_back(FD);
    else
      Statics.try_emplace(functionKey(FD, Names), FD);
    return true;
  }

  /// Lowers the roots and the static functions they reach.
  void lowerReachable() {
    std::vector<const FunctionDecl *> Work(Roots.rbegin(), Roots.rend());
    for (const FieldStore &S : Out.Stores)
      reach(S.Function, Work);
    DenseSet<const FunctionDecl *> Done;
    while (!Work.empty()) {
      const FunctionDecl *FD = Work.back();
      Work.pop_back();
      if (!Done.insert(FD).second)
        continue;
      std::optional<FunctionFacts> F = lowerFunction(FD, Ctx, Names);
      if (!F)
        continue;
      for (const Block &B : F->Blocks)
        for (const CallEvent &E : B.Events)
          if (!E.Callee.empty())
            reach(E.Callee, Work);
      Out.Functions.push_back(std::move(*F));
    }
    llvm::sort(Out.Functions, [](const FunctionFacts &A, const FunctionFacts &B) {
      return std::tie(A.File, A.Line, A.Key) < std::tie(B.File, B.Line, B.Key);
    });
  }

  bool VisitInitListExpr(InitListExpr *ILE) {
    if (!ILE->isSemanticForm())
      return true;
    const RecordDecl *RD = ILE->getType()->getAsRecordDecl();
    if (!RD)
      return true;
    if (RD->isUnion()) {
      if (const FieldDecl *F = ILE->getInitializedFieldInUnion())
        if (ILE->getNumInits() > 0)
          store(F, ILE->getInit(0), ILE->getBeginLoc());
      return true;
    }
    unsigned I = 0;
    for (const FieldDecl *F : RD->fields()) {
      if (I >= ILE->getNumInits())
        break;
      store(F, ILE->getInit(I++), ILE->getBeginLoc());
    }
    return true;
  }

  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->getOpcode() != BO_Assign)
      return true;
    if (const auto *ME = dyn_cast<MemberExpr>(BO->getLHS()->IgnoreParenCasts()))
      if (const auto *F = dyn_cast<FieldDecl>(ME->getMemberDecl()))
        store(F, BO->getRHS(), BO->getBeginLoc());
    return true;
  }

private:
  void reach(StringRef Key, std::vector<const FunctionDecl *> &Work) {
    auto It = Statics.find(Key);
    if (It != Statics.end()) {
      Work.push_back(It->second);
      Statics.erase(It);
    }
  }

  void store(const FieldDecl *F, const Expr *Init, SourceLocation Loc) {
    if (!Init || !F->getType()->isFunctionPointerType())
      return;
    const Expr *E = Init->IgnoreParenCasts();
    if (const auto *UO = dyn_cast<UnaryOperator>(E))
      if (UO->getOpcode() == UO_AddrOf)
        E = UO->getSubExpr()->IgnoreParenCasts();
    const auto *DRE = dyn_cast<DeclRefExpr>(E);
    const auto *Fn = DRE ? dyn_cast<FunctionDecl>(DRE->getDecl()) : nullptr;
    if (!Fn)
      return;
    FieldStore S;
    S.Field = fieldName(F);
    S.Function = functionKey(Fn, Names);
    S.File = Names.file(Init->getBeginLoc().isValid() ? Init->getBeginLoc() : Loc);
    S.Line = Names.line(Init->getBeginLoc().isValid() ? Init->getBeginLoc() : Loc);
    if (Seen.insert(S.Field + "\n" + S.Function).second)
      Out.Stores.push_back(std::move(S));
  }

  ASTContext &Ctx;
  const FileNamer &Names;
  TUFacts &Out;
  StringSet<> Seen;
  /// Definitions lowered unconditionally, in source order.
  std::vector<const FunctionDecl *> Roots;
  /// Other static definitions by key, lowered when reached.
  StringMap<const FunctionDecl *> Statics;
};

class FactsConsumer : public ASTConsumer {
public:
  FactsConsumer(std::string Root, TUFacts &Out)
      : Root(std::move(Root)), Out(Out) {}

  void HandleTranslationUnit(ASTContext &Ctx) override {
    const SourceManager &SM = Ctx.getSourceManager();
    FileNamer Names(SM, Root);
    if (OptionalFileEntryRef Main = SM.getFileEntryRefForID(SM.getMainFileID()))
      Out.MainFile = Names.relative(Main->getName());
    FactsVisitor V(Ctx, Names, Out);
    V.TraverseDecl(Ctx.getTranslationUnitDecl());
    V.lowerReachable();
    // Absolute names: the scan hashes these files from another directory.
    for (auto It = SM.fileinfo_begin(), End = SM.fileinfo_end(); It != End;
         ++It) {
      SmallString<256> P(It->first.getName());
      SM.getFileManager().makeAbsolutePath(P);
      llvm::sys::path::remove_dots(P, /*remove_dot_dot=*/true);
      Out.Inputs.push_back(P.str().str());
    }
    llvm::sort(Out.Inputs);
  }

private:
  std::string Root;
  TUFacts &Out;
};

} // namespace

std::unique_ptr<ASTConsumer>
ExtractAction::CreateASTConsumer(CompilerInstance &CI, StringRef File) {
  return std::make_unique<FactsConsumer>(Root, Out);
}

Expected<TUFacts> extractFromCode(StringRef Code, StringRef FileName,
                                  const std::vector<std::string> &Args,
                                  StringRef Root,
                                  const tooling::FileContentMappings &Headers) {
  TUFacts Out;
  std::vector<std::string> All = Args;
  All.push_back("-fsyntax-only");
  if (!tooling::runToolOnCodeWithArgs(
          std::make_unique<ExtractAction>(Root.str(), Out), Code, All,
          FileName, "lockgraph-test",
          std::make_shared<PCHContainerOperations>(), Headers))
    return createStringError(inconvertibleErrorCode(),
                             "%s: does not compile", FileName.str().c_str());
  return Out;
}

} // namespace lockgraph
