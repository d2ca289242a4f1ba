//===- Lower.cpp - Function bodies to call-event CFGs ---------------------===//
//
// Algorithm. Clang builds the CFG of the function (implicit destructors on,
// so C `cleanup` variables, the machinery of guard() and scoped_guard(),
// appear as CFGCleanupFunction elements at every scope exit). Each block is
// copied with its successors; each CallExpr element becomes a CallEvent in
// evaluation order, a cleanup element becomes a call of the cleanup function
// with the guarded lock as argument.
//
// Arguments become access paths: `&ctx->ring_lock` is the path rooted at
// parameter `ctx` with the step "kioctx.ring_lock"; `&`, `*`, casts and array
// subscripts are dropped. A local that is defined once is replaced by its
// definition (`spinlock_t *l = &x->lock; spin_lock(l);`); a guard variable
// (cleanup attribute, initialised by a constructor call) stands for the
// constructor's first argument, which is the lock.
//
// A block whose terminator tests the result of a call (`if (!trylock(x))`,
// `ret = f(); if (ret)`, `while (!spin_trylock(l))`) records that call and
// the polarity of its first successor; a `return trylock(x);` records the
// call whose result the function returns. The global step turns these into
// conditional lock acquisitions once the rules say which calls are trylocks.
//
//===----------------------------------------------------------------------===//

#include "analyzer/Lower.h"
#include "clang/AST/Attr.h"
#include "clang/AST/Expr.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/Stmt.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/Builtins.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/Path.h"

using namespace clang;
using namespace llvm;

namespace lockgraph {

std::string FileNamer::relative(StringRef Path) const {
  SmallString<256> P(Path);
  sys::path::remove_dots(P, /*remove_dot_dot=*/true);
  StringRef S = P;
  if (!Root.empty() && S.starts_with(Root) && S.size() > Root.size() &&
      S[Root.size()] == '/')
    return S.drop_front(Root.size() + 1).str();
  return S.str();
}

std::string FileNamer::file(SourceLocation Loc) const {
  SourceLocation E = SM.getExpansionLoc(Loc);
  if (OptionalFileEntryRef FE = SM.getFileEntryRefForID(SM.getFileID(E)))
    return relative(FE->getName());
  return "<unknown>";
}

unsigned FileNamer::line(SourceLocation Loc) const {
  return SM.getExpansionLineNumber(Loc);
}

unsigned FileNamer::col(SourceLocation Loc) const {
  return SM.getExpansionColumnNumber(Loc);
}

std::string functionKey(const FunctionDecl *FD, const FileNamer &Names) {
  std::string Name = FD->getNameAsString();
  if (FD->isExternallyVisible())
    return Name;
  const FunctionDecl *Def = FD->getDefinition();
  return Name + "@" + Names.file((Def ? Def : FD)->getLocation());
}

/// The innermost named record that declares a field of RD (RD itself unless
/// it is an anonymous struct or union).
static const RecordDecl *namedRecord(const RecordDecl *RD) {
  while (RD && RD->getName().empty() && !RD->getTypedefNameForAnonDecl()) {
    const auto *Parent = dyn_cast<RecordDecl>(RD->getDeclContext());
    if (!Parent)
      break;
    RD = Parent;
  }
  return RD;
}

std::string fieldName(const FieldDecl *FD) {
  const RecordDecl *RD = namedRecord(FD->getParent());
  std::string Rec;
  if (!RD->getName().empty())
    Rec = RD->getName().str();
  else if (const TypedefNameDecl *TD = RD->getTypedefNameForAnonDecl())
    Rec = TD->getName().str();
  else
    Rec = "<anonymous>";
  return Rec + "." + FD->getName().str();
}

/// cleanup.h's lock guards (DEFINE_LOCK_GUARD_1: guard(spinlock),
/// scoped_guard(raw_spinlock_irqsave), ...) keep the lock pointer in the
/// `lock` member of a `class_NAME_t`.
static bool isGuardLock(const FieldDecl *F) {
  std::string N = fieldName(F);
  return StringRef(N).starts_with("class_") && StringRef(N).ends_with("_t.lock");
}

namespace {

/// Lowers one function; see the file comment.
class Lowerer {
public:
  Lowerer(const FunctionDecl *FD, ASTContext &Ctx, const FileNamer &Names)
      : FD(FD), Ctx(Ctx), Names(Names) {}

  std::optional<FunctionFacts> run();

private:
  void collectDefinitions(const Stmt *S);
  ArgValue pathOf(const Expr *E, unsigned Depth = 0) const;
  ArgValue varPath(const VarDecl *VD, unsigned Depth) const;
  std::string spelling(const Expr *E, unsigned Depth) const;
  /// L is in the expansion of `__LINE__`.
  bool isLineMacro(SourceLocation L) const;
  std::optional<ArgValue> guardLock(const Expr *Base, const FieldDecl *Field,
                                    unsigned Depth) const;
  std::optional<ArgValue> accessorPath(const CallExpr *CE,
                                       unsigned Depth) const;
  std::optional<CallEvent> callEvent(const CallExpr *CE) const;
  /// The call whose result E tests, and whether E is true when that result
  /// is non-zero.
  std::optional<std::pair<const CallExpr *, bool>>
  testedCall(const Expr *E, bool &NonzeroOnly,
             const CFGBlock *B = nullptr) const;
  const Expr *lastAssigned(const VarDecl *VD, const CFGBlock &B) const;
  /// `if (!lock_taken)`, `if (block_group)`: the parameter a branch tests,
  /// and whether the condition is true when it is non-zero.
  std::optional<std::pair<unsigned, bool>> testedParam(const Expr *E,
                                                       bool &NonzeroOnly) const;
  /// `if (autostopped)`: the tracked variable a branch tests (a local, or a
  /// parameter the function assigns, whose address is never taken).
  std::optional<std::pair<const VarDecl *, bool>>
  testedVar(const Expr *E, bool &NonzeroOnly) const;
  bool trackable(const VarDecl *VD) const;
  /// The variable a branch tests, with testedValue()'s polarity.
  const VarDecl *testedDecl(const Expr *E, bool &Polarity,
                            bool &NonzeroOnly) const;
  /// A parameter of this function that it never assigns, of integer or
  /// pointer type: a branch on it is decided by callers' arguments.
  bool callerDecided(const ParmVarDecl *PD) const;
  unsigned varId(const VarDecl *VD, FunctionFacts &F);
  /// What a variable's only definition says about parameters, where the
  /// variable is non-zero or zero.
  void implied(const VarDecl *VD, Block &Out) const;
  void caseFacts(const CFGBlock &B, const SwitchStmt &SW, Block &Out,
                 FunctionFacts &F);
  /// The variable a statement assigns, if tracked, and the value it
  /// assigns: 0, 1 (non-zero) or -1 (unknown).
  std::optional<std::pair<unsigned, int>> assignment(const Stmt *S) const;
  int valueOf(const Expr *E) const;
  const Expr *testedValue(const Expr *E, bool &Polarity, bool CallResult,
                          bool &NonzeroOnly) const;

  const FunctionDecl *FD;
  ASTContext &Ctx;
  const FileNamer &Names;
  DenseMap<const VarDecl *, const Expr *> SingleDef;
  DenseMap<const VarDecl *, unsigned> DefCount;
  DenseMap<const CallExpr *, std::pair<int, int>> EventOf;
  DenseSet<const ParmVarDecl *> AssignedParams;
  /// Variables whose address is taken or that an asm statement writes:
  /// not tracked, as a callee or the asm may change them.
  DenseSet<const VarDecl *> Escaped;
  DenseMap<const VarDecl *, unsigned> VarIds;
};

} // namespace

void Lowerer::collectDefinitions(const Stmt *S) {
  if (!S)
    return;
  auto Note = [&](const VarDecl *VD, const Expr *Def) {
    if (const auto *PD = dyn_cast_or_null<ParmVarDecl>(VD))
      AssignedParams.insert(PD);
    if (!VD || VD->hasGlobalStorage() || isa<ParmVarDecl>(VD))
      return;
    if (++DefCount[VD] == 1)
      SingleDef[VD] = Def;
    else
      SingleDef.erase(VD);
  };
  if (const auto *DS = dyn_cast<DeclStmt>(S)) {
    for (const Decl *D : DS->decls())
      if (const auto *VD = dyn_cast<VarDecl>(D))
        if (const Expr *Init = VD->getInit())
          Note(VD, Init);
  } else if (const auto *BO = dyn_cast<BinaryOperator>(S)) {
    if (BO->isAssignmentOp())
      if (const auto *DRE =
              dyn_cast<DeclRefExpr>(BO->getLHS()->IgnoreParenImpCasts()))
        Note(dyn_cast<VarDecl>(DRE->getDecl()), BO->getRHS());
  } else if (const auto *UO = dyn_cast<UnaryOperator>(S)) {
    const auto *DRE =
        dyn_cast<DeclRefExpr>(UO->getSubExpr()->IgnoreParenImpCasts());
    const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
    if (UO->isIncrementDecrementOp())
      Note(VD, nullptr);
    else if (UO->getOpcode() == UO_AddrOf && VD)
      Escaped.insert(VD);
  } else if (const auto *AS = dyn_cast<GCCAsmStmt>(S)) {
    for (const Expr *O : AS->outputs())
      if (const auto *DRE = dyn_cast<DeclRefExpr>(O->IgnoreParenImpCasts()))
        if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
          Escaped.insert(VD);
  }
  for (const Stmt *C : S->children())
    collectDefinitions(C);
}

ArgValue Lowerer::pathOf(const Expr *E, unsigned Depth) const {
  if (!E || Depth > 8)
    return ArgValue::unknown();
  E = E->IgnoreParenCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
    if (UO->getOpcode() == UO_AddrOf || UO->getOpcode() == UO_Deref)
      return pathOf(UO->getSubExpr(), Depth + 1);
    return ArgValue::unknown();
  }
  if (const auto *CE = dyn_cast<CallExpr>(E))
    if (std::optional<ArgValue> P = accessorPath(CE, Depth))
      return *P;
  if (const auto *ME = dyn_cast<MemberExpr>(E)) {
    const auto *Field = dyn_cast<FieldDecl>(ME->getMemberDecl());
    if (!Field)
      return ArgValue::unknown();
    if (isGuardLock(Field))
      if (std::optional<ArgValue> P = guardLock(ME->getBase(), Field, Depth))
        return *P;
    ArgValue P = pathOf(ME->getBase(), Depth + 1);
    if (!P.isPath()) {
      P = ArgValue();
      P.K = ArgValue::Kind::Path;
      P.Text = spelling(ME->getBase(), Depth + 1);
    }
    P.Steps.push_back(fieldName(Field));
    P.Text += "->" + Field->getNameAsString();
    return P;
  }
  if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E)) {
    // The class ignores the index; the instance does not: locks[hash1] and
    // locks[hash2] are two locks of one class.
    ArgValue P = pathOf(AS->getBase(), Depth + 1);
    if (P.isPath())
      P.Text += "[" + spelling(AS->getIdx(), Depth + 1) + "]";
    return P;
  }
  if (const auto *SL = dyn_cast<clang::StringLiteral>(E))
    return ArgValue::string(SL->getBytes());
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    const ValueDecl *D = DRE->getDecl();
    if (const auto *PD = dyn_cast<ParmVarDecl>(D)) {
      if (PD->getDeclContext() == FD)
        return ArgValue::param(PD->getFunctionScopeIndex(),
                               PD->getName().empty() ? "arg"
                                                     : PD->getName());
      return ArgValue::unknown();
    }
    if (const auto *EC = dyn_cast<EnumConstantDecl>(D))
      return ArgValue::integer(EC->getInitVal().getExtValue());
    if (const auto *VD = dyn_cast<VarDecl>(D))
      return varPath(VD, Depth);
    return ArgValue::unknown();
  }
  if (isa<IntegerLiteral>(E) && isLineMacro(E->getBeginLoc())) {
    // might_sleep()'s and WARN_ON()'s line number says nothing about locks
    // but non-zero; as a number it would make the facts change with every
    // line added above (an edit whose output lines can be moved instead).
    ArgValue A = ArgValue::integer(1);
    A.Text = "__LINE__";
    return A;
  }
  if (E->getType()->isIntegralOrEnumerationType() && !E->isValueDependent()) {
    Expr::EvalResult R;
    if (E->EvaluateAsInt(R, Ctx))
      return ArgValue::integer(R.Val.getInt().getExtValue());
  }
  return ArgValue::unknown();
}

bool Lowerer::isLineMacro(SourceLocation L) const {
  const SourceManager &SM = Ctx.getSourceManager();
  // Passed as a macro argument (`get_user()` in `unlikely()`): back to
  // where the argument's tokens came from.
  while (L.isMacroID() && SM.isMacroArgExpansion(L))
    L = SM.getImmediateSpellingLoc(L);
  if (!L.isMacroID())
    return false;
  // The literal is the expansion of the builtin macro, which starts at the
  // `__LINE__` token.
  SourceLocation Tok =
      SM.getSpellingLoc(SM.getImmediateExpansionRange(L).getBegin());
  SmallString<16> Buf;
  bool Invalid = false;
  StringRef S = Lexer::getSpelling(Tok, Buf, SM, Ctx.getLangOpts(), &Invalid);
  return !Invalid && S == "__LINE__";
}

/// The lock a guard's `lock` member holds. In the constructor, `_T` points
/// to `_t = { .lock = l }`: the initializer. In the destructor, `_T` is the
/// parameter, which the cleanup call binds to the guarded lock itself (see
/// varPath): the parameter.
std::optional<ArgValue> Lowerer::guardLock(const Expr *Base,
                                           const FieldDecl *Field,
                                           unsigned Depth) const {
  for (unsigned Guard = 0; Base && Guard < 4; ++Guard) {
    Base = Base->IgnoreParenCasts();
    if (const auto *UO = dyn_cast<UnaryOperator>(Base)) {
      if (UO->getOpcode() != UO_AddrOf && UO->getOpcode() != UO_Deref)
        return std::nullopt;
      Base = UO->getSubExpr();
      continue;
    }
    const auto *DRE = dyn_cast<DeclRefExpr>(Base);
    if (!DRE)
      return std::nullopt;
    if (const auto *PD = dyn_cast<ParmVarDecl>(DRE->getDecl()))
      return PD->getDeclContext() == FD
                 ? std::optional<ArgValue>(ArgValue::param(
                       PD->getFunctionScopeIndex(), PD->getName()))
                 : std::nullopt;
    const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
    if (!VD || VD->hasGlobalStorage())
      return std::nullopt;
    if (const auto *ILE = dyn_cast_or_null<InitListExpr>(
            VD->getInit() ? VD->getInit()->IgnoreParenImpCasts() : nullptr)) {
      const InitListExpr *Sem = ILE->isSemanticForm() ? ILE : ILE->getSemanticForm();
      unsigned I = Field->getFieldIndex();
      if (!Sem || I >= Sem->getNumInits())
        return std::nullopt;
      ArgValue P = pathOf(Sem->getInit(I), Depth + 1);
      if (P.K == ArgValue::Kind::Unknown)
        return std::nullopt;
      return P;
    }
    auto It = SingleDef.find(VD);
    if (It == SingleDef.end() || !It->second)
      return std::nullopt;
    Base = It->second;
  }
  return std::nullopt;
}

/// A short spelling of an expression that is no access path, so that
/// same-instance comparisons tell `unix_sk(sk1)->lock` from
/// `unix_sk(sk2)->lock`: calls with their arguments, names, constants;
/// anything else is "?".
std::string Lowerer::spelling(const Expr *E, unsigned Depth) const {
  if (!E || Depth > 8)
    return "?";
  E = E->IgnoreParenCasts();
  if (const auto *CE = dyn_cast<CallExpr>(E)) {
    const FunctionDecl *Callee = CE->getDirectCallee();
    std::string S = Callee ? Callee->getNameAsString() : "?";
    S += "(";
    for (unsigned I = 0; I < CE->getNumArgs(); ++I)
      S += (I ? ", " : "") + spelling(CE->getArg(I), Depth + 1);
    return S + ")";
  }
  ArgValue P = pathOf(E, Depth + 1);
  if (P.K == ArgValue::Kind::Int)
    return std::to_string(P.Int);
  if (P.isPath() && !P.Text.empty())
    return P.Text;
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    return DRE->getDecl()->getNameAsString();
  return "?";
}

/// A call of a function whose whole body is `return` of a member path of a
/// parameter is that path of the argument: `spin_lock_init(&ctx->ctx_lock)`
/// passes `spinlock_check(&ctx->ctx_lock)`, whose body is `return
/// &lock->rlock;`, as the lock to initialise.
std::optional<ArgValue> Lowerer::accessorPath(const CallExpr *CE,
                                              unsigned Depth) const {
  const FunctionDecl *Callee = CE->getDirectCallee();
  const FunctionDecl *Def = nullptr;
  if (!Callee || !Callee->hasBody(Def) || !Def)
    return std::nullopt;
  const auto *Body = dyn_cast_or_null<CompoundStmt>(Def->getBody());
  const auto *Ret = Body && Body->size() == 1
                        ? dyn_cast<ReturnStmt>(Body->body_front())
                        : nullptr;
  if (!Ret || !Ret->getRetValue())
    return std::nullopt;
  SmallVector<const FieldDecl *, 4> Fields;
  const Expr *R = Ret->getRetValue()->IgnoreParenCasts();
  for (unsigned Guard = 0; Guard < 8; ++Guard) {
    if (const auto *UO = dyn_cast<UnaryOperator>(R))
      if (UO->getOpcode() == UO_AddrOf || UO->getOpcode() == UO_Deref) {
        R = UO->getSubExpr()->IgnoreParenCasts();
        continue;
      }
    const auto *ME = dyn_cast<MemberExpr>(R);
    const auto *F = ME ? dyn_cast<FieldDecl>(ME->getMemberDecl()) : nullptr;
    if (!F)
      break;
    Fields.push_back(F);
    R = ME->getBase()->IgnoreParenCasts();
  }
  const auto *DRE = dyn_cast<DeclRefExpr>(R);
  const auto *PD = DRE ? dyn_cast<ParmVarDecl>(DRE->getDecl()) : nullptr;
  if (!PD || PD->getDeclContext() != Def ||
      PD->getFunctionScopeIndex() >= CE->getNumArgs())
    return std::nullopt;
  ArgValue P = pathOf(CE->getArg(PD->getFunctionScopeIndex()), Depth + 1);
  if (!P.isPath())
    return std::nullopt;
  for (const FieldDecl *F : llvm::reverse(Fields)) {
    P.Steps.push_back(fieldName(F));
    P.Text += "->" + F->getNameAsString();
  }
  return P;
}

ArgValue Lowerer::varPath(const VarDecl *VD, unsigned Depth) const {
  if (VD->hasGlobalStorage()) {
    std::string Name = VD->getNameAsString();
    if (VD->isStaticLocal())
      Name = FD->getNameAsString() + "." + Name;
    if (!VD->isExternallyVisible())
      Name += "@" + Names.file(VD->getLocation());
    return ArgValue::global(Name);
  }
  // A guard variable stands for the lock its constructor was given.
  if (VD->hasAttr<CleanupAttr>() && VD->getInit())
    if (const auto *CE = dyn_cast<CallExpr>(VD->getInit()->IgnoreParenCasts()))
      if (CE->getNumArgs() > 0)
        return pathOf(CE->getArg(0), Depth + 1);
  auto It = SingleDef.find(VD);
  if (It != SingleDef.end() && It->second) {
    ArgValue P = pathOf(It->second, Depth + 1);
    if (P.K != ArgValue::Kind::Unknown)
      return P;
  }
  ArgValue P;
  P.K = ArgValue::Kind::Path;
  P.R = ArgValue::Root::Local;
  P.RootName = FD->getNameAsString() + ":" + VD->getNameAsString();
  P.Text = VD->getNameAsString();
  return P;
}

std::optional<CallEvent> Lowerer::callEvent(const CallExpr *CE) const {
  CallEvent Ev;
  if (const FunctionDecl *Callee = CE->getDirectCallee()) {
    if (Callee->getBuiltinID())
      return std::nullopt;
    Ev.Callee = functionKey(Callee, Names);
  } else {
    const Expr *C = CE->getCallee()->IgnoreParenCasts();
    while (const auto *UO = dyn_cast<UnaryOperator>(C)) {
      if (UO->getOpcode() != UO_Deref)
        break;
      C = UO->getSubExpr()->IgnoreParenCasts();
    }
    const auto *ME = dyn_cast<MemberExpr>(C);
    const auto *Field = ME ? dyn_cast<FieldDecl>(ME->getMemberDecl()) : nullptr;
    // A call through a local, a parameter or a global pointer stays an event
    // with neither callee nor field: unresolved, but counted.
    if (Field)
      Ev.Via = fieldName(Field);
  }
  for (const Expr *A : CE->arguments()) {
    ArgValue V = pathOf(A);
    const auto *UO = dyn_cast<UnaryOperator>(A->IgnoreParenCasts());
    V.NonNull = V.isPath() && UO && UO->getOpcode() == UO_AddrOf;
    Ev.Args.push_back(std::move(V));
  }
  Ev.Line = Names.line(CE->getBeginLoc());
  Ev.Col = Names.col(CE->getBeginLoc());
  return Ev;
}

static bool isZero(const Expr *E, ASTContext &Ctx) {
  E = E->IgnoreParenCasts();
  if (isa<GNUNullExpr>(E))
    return true;
  Expr::EvalResult R;
  return !E->isValueDependent() && E->EvaluateAsInt(R, Ctx) &&
         R.Val.getInt().isZero();
}

static bool isNonzeroConstant(const Expr *E, ASTContext &Ctx) {
  E = E->IgnoreParenCasts();
  Expr::EvalResult R;
  return !E->isValueDependent() &&
         E->getType()->isIntegralOrEnumerationType() &&
         E->EvaluateAsInt(R, Ctx) && !R.Val.getInt().isZero();
}

/// Looks through what does not change which value a branch tests:
/// likely()/unlikely(), `!` (flipping Polarity), `== 0` and `!= 0`, and for
/// call results also `< 0` (0-or-negative-errno APIs) and `x = call()`.
/// Once, also `== C` and `!= C` for a non-zero constant C
/// (`ret == -EDEADLK`): equal means non-zero, unequal says nothing, so
/// NonzeroOnly is set; the same for `< 0`, `> 0`, `<= 0` and `>= 0` of
/// what is not a call result (`if (ins_len < 0)`). Returns the tested
/// expression, or null for anything else.
const Expr *Lowerer::testedValue(const Expr *E, bool &Polarity, bool CallResult,
                                 bool &NonzeroOnly) const {
  for (unsigned Guard = 0; E && Guard < 16; ++Guard) {
    E = E->IgnoreParenCasts();
    if (const auto *CE = dyn_cast<CallExpr>(E))
      if (CE->getBuiltinCallee() == Builtin::BI__builtin_expect &&
          CE->getNumArgs() == 2) {
        E = CE->getArg(0);
        continue;
      }
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() != UO_LNot)
        return nullptr;
      Polarity = !Polarity;
      E = UO->getSubExpr();
      continue;
    }
    if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
      if (CallResult && BO->getOpcode() == BO_Assign) {
        E = BO->getRHS();
        continue;
      }
      const Expr *L = BO->getLHS(), *R = BO->getRHS();
      if (isZero(L, Ctx) || isNonzeroConstant(L, Ctx))
        std::swap(L, R);
      if (!NonzeroOnly && BO->isEqualityOp() && isNonzeroConstant(R, Ctx) &&
          !isNonzeroConstant(L, Ctx)) {
        NonzeroOnly = true;
        if (BO->getOpcode() == BO_NE)
          Polarity = !Polarity;
        E = L;
        continue;
      }
      if (!isZero(R, Ctx))
        return nullptr;
      if (BO->getOpcode() == BO_EQ) {
        Polarity = !Polarity;
      } else if (BO->isRelationalOp() && !CallResult && !NonzeroOnly) {
        // `ins_len < 0`, `0 < x`: true means non-zero; `x <= 0`, `x >= 0`:
        // false means non-zero. The other side says nothing.
        NonzeroOnly = true;
        if (BO->getOpcode() == BO_LE || BO->getOpcode() == BO_GE)
          Polarity = !Polarity;
      } else if (BO->getOpcode() != BO_NE &&
                 !(CallResult && BO->getOpcode() == BO_LT)) {
        return nullptr;
      }
      E = L;
      continue;
    }
    return E;
  }
  return nullptr;
}

const VarDecl *Lowerer::testedDecl(const Expr *E, bool &Polarity,
                                   bool &NonzeroOnly) const {
  Polarity = true;
  NonzeroOnly = false;
  const auto *DRE = dyn_cast_or_null<DeclRefExpr>(
      testedValue(E, Polarity, /*CallResult=*/false, NonzeroOnly));
  return DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
}

bool Lowerer::callerDecided(const ParmVarDecl *PD) const {
  return PD->getDeclContext() == FD && !AssignedParams.count(PD) &&
         (PD->getType()->isIntegralOrEnumerationType() ||
          PD->getType()->isPointerType());
}

std::optional<std::pair<unsigned, bool>>
Lowerer::testedParam(const Expr *E, bool &NonzeroOnly) const {
  bool Polarity;
  const auto *PD =
      dyn_cast_or_null<ParmVarDecl>(testedDecl(E, Polarity, NonzeroOnly));
  if (!PD || !callerDecided(PD))
    return std::nullopt;
  return std::make_pair(PD->getFunctionScopeIndex(), Polarity);
}

bool Lowerer::trackable(const VarDecl *VD) const {
  if (!VD || !VD->hasLocalStorage() || Escaped.count(VD) ||
      VD->getType().isVolatileQualified() ||
      !(VD->getType()->isIntegralOrEnumerationType() ||
        VD->getType()->isPointerType()))
    return false;
  // A parameter the function never assigns is decided by callers
  // (CondParam) instead.
  if (const auto *PD = dyn_cast<ParmVarDecl>(VD))
    return PD->getDeclContext() == FD && AssignedParams.count(PD);
  return true;
}

std::optional<std::pair<const VarDecl *, bool>>
Lowerer::testedVar(const Expr *E, bool &NonzeroOnly) const {
  bool Polarity;
  const VarDecl *VD = testedDecl(E, Polarity, NonzeroOnly);
  if (!trackable(VD))
    return std::nullopt;
  return std::make_pair(VD, Polarity);
}

unsigned Lowerer::varId(const VarDecl *VD, FunctionFacts &F) {
  auto [It, New] = VarIds.try_emplace(VD, F.Vars.size());
  if (New) {
    F.Vars.push_back(VD->getNameAsString());
    const auto *PD = dyn_cast<ParmVarDecl>(VD);
    F.VarParams.push_back(PD ? int(PD->getFunctionScopeIndex()) : -1);
  }
  return It->second;
}

void Lowerer::implied(const VarDecl *VD, Block &Out) const {
  auto It = SingleDef.find(VD);
  if (It == SingleDef.end() || !It->second)
    return;
  const Expr *Def = It->second->IgnoreParenImpCasts();
  // `a && b && c` is non-zero only where each operand is; `a || b` zero
  // only where each is zero; anything else is the value itself.
  const auto *Top = dyn_cast<BinaryOperator>(Def);
  BinaryOperatorKind Op =
      Top && (Top->getOpcode() == BO_LAnd || Top->getOpcode() == BO_LOr)
          ? Top->getOpcode()
          : BO_Comma;
  SmallVector<const Expr *, 4> Operands, Work{Def};
  while (!Work.empty()) {
    const Expr *E = Work.pop_back_val()->IgnoreParenImpCasts();
    const auto *BO = dyn_cast<BinaryOperator>(E);
    if (Op != BO_Comma && BO && BO->getOpcode() == Op) {
      Work.push_back(BO->getRHS());
      Work.push_back(BO->getLHS());
    } else {
      Operands.push_back(E);
    }
  }
  for (const Expr *E : Operands) {
    bool Partial = false;
    auto P = testedParam(E, Partial);
    if (!P || Partial)
      continue;
    if (Op != BO_LOr)
      Out.Implies.push_back({P->first, P->second, /*WhenNonzero=*/true});
    if (Op != BO_LAnd)
      Out.Implies.push_back({P->first, !P->second, /*WhenNonzero=*/false});
  }
}

int Lowerer::valueOf(const Expr *E) const {
  if (!E)
    return -1;
  E = E->IgnoreParenCasts();
  if (isZero(E, Ctx))
    return 0;
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    if (UO->getOpcode() == UO_AddrOf)
      return 1;
  Expr::EvalResult R;
  if (!E->isValueDependent() && E->getType()->isIntegralOrEnumerationType() &&
      E->EvaluateAsInt(R, Ctx))
    return 1;
  return -1;
}

std::optional<std::pair<unsigned, int>>
Lowerer::assignment(const Stmt *S) const {
  auto Tracked = [&](const Expr *E) -> std::optional<unsigned> {
    const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts());
    const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
    auto It = VD ? VarIds.find(VD) : VarIds.end();
    if (It == VarIds.end())
      return std::nullopt;
    return It->second;
  };
  if (const auto *BO = dyn_cast<BinaryOperator>(S)) {
    if (!BO->isAssignmentOp())
      return std::nullopt;
    if (auto V = Tracked(BO->getLHS()))
      return std::make_pair(
          *V, BO->getOpcode() == BO_Assign ? valueOf(BO->getRHS()) : -1);
  } else if (const auto *UO = dyn_cast<UnaryOperator>(S)) {
    if (UO->isIncrementDecrementOp())
      if (auto V = Tracked(UO->getSubExpr()))
        return std::make_pair(*V, -1);
  } else if (const auto *DS = dyn_cast<DeclStmt>(S)) {
    // The CFG gives each declaration of a DeclStmt its own element.
    if (DS->isSingleDecl())
      if (const auto *VD = dyn_cast<VarDecl>(DS->getSingleDecl()))
        if (auto It = VarIds.find(VD); It != VarIds.end())
          return std::make_pair(It->second, valueOf(VD->getInit()));
  }
  return std::nullopt;
}

/// `switch (event)` on a parameter or a tracked variable: what each case
/// label says about the value. `case RTM_DELADDR:` is taken only when it
/// is non-zero, so a caller passing 0 never reaches that arm.
void Lowerer::caseFacts(const CFGBlock &B, const SwitchStmt &SW, Block &Out,
                        FunctionFacts &F) {
  const Expr *Cond =
      SW.getCond() ? SW.getCond()->IgnoreParenImpCasts() : nullptr;
  const auto *DRE = dyn_cast_or_null<DeclRefExpr>(Cond);
  const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
  if (!VD)
    return;
  const auto *PD = dyn_cast<ParmVarDecl>(VD);
  bool Param = PD && callerDecided(PD);
  if (!Param && !trackable(VD))
    return;
  std::vector<int> Facts;
  bool Any = false;
  for (const CFGBlock::AdjacentBlock &Succ : B.succs()) {
    int Fact = -1;
    const CFGBlock *S = Succ.getReachableBlock();
    if (const auto *CS =
            dyn_cast_or_null<CaseStmt>(S ? S->getLabel() : nullptr)) {
      Expr::EvalResult Lo, Hi;
      if (CS->getLHS()->EvaluateAsInt(Lo, Ctx)) {
        llvm::APSInt L = Lo.Val.getInt(), H = L;
        if (CS->getRHS() && CS->getRHS()->EvaluateAsInt(Hi, Ctx))
          H = Hi.Val.getInt();
        if (L.isZero() && H.isZero())
          Fact = 0;
        else if (L.isStrictlyPositive() || H.isNegative())
          Fact = 1;
      }
    }
    Any |= Fact >= 0;
    Facts.push_back(Fact);
  }
  if (!Any)
    return;
  if (Param)
    Out.CondParam = PD->getFunctionScopeIndex();
  else
    Out.CondVar = varId(VD, F);
  Out.CaseFacts = std::move(Facts);
}

std::optional<std::pair<const CallExpr *, bool>>
Lowerer::testedCall(const Expr *E, bool &NonzeroOnly, const CFGBlock *B) const {
  bool Polarity = true;
  NonzeroOnly = false;
  for (unsigned Guard = 0; E && Guard < 16; ++Guard) {
    E = testedValue(E, Polarity, /*CallResult=*/true, NonzeroOnly);
    if (const auto *CE = dyn_cast_or_null<CallExpr>(E))
      return std::make_pair(CE, Polarity);
    // `ret = f(); ... if (ret)`: a local defined once, or assigned last
    // in the block that tests it.
    const auto *DRE = dyn_cast_or_null<DeclRefExpr>(E);
    const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
    auto It = VD ? SingleDef.find(VD) : SingleDef.end();
    if (It != SingleDef.end() && It->second)
      E = It->second;
    else
      E = VD && B && !Escaped.count(VD) ? lastAssigned(VD, *B) : nullptr;
    B = nullptr; // the block is that of the test, not of a definition
  }
  return std::nullopt;
}

/// What the last write to VD in block B assigned, if it is a plain
/// assignment or an initialisation (`ret = dma_resv_lock(...)` in the
/// block of `if (ret == -EDEADLK)`, where ret is assigned many times).
const Expr *Lowerer::lastAssigned(const VarDecl *VD, const CFGBlock &B) const {
  auto Names = [&](const Expr *E) {
    const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts());
    return DRE && DRE->getDecl() == VD;
  };
  for (auto It = B.rbegin(); It != B.rend(); ++It) {
    auto S = It->getAs<CFGStmt>();
    if (!S)
      continue;
    const Stmt *St = S->getStmt();
    if (const auto *BO = dyn_cast<BinaryOperator>(St)) {
      if (BO->isAssignmentOp() && Names(BO->getLHS()))
        return BO->getOpcode() == BO_Assign ? BO->getRHS() : nullptr;
    } else if (const auto *UO = dyn_cast<UnaryOperator>(St)) {
      if (UO->isIncrementDecrementOp() && Names(UO->getSubExpr()))
        return nullptr;
    } else if (const auto *DS = dyn_cast<DeclStmt>(St)) {
      if (DS->isSingleDecl() && DS->getSingleDecl() == VD)
        return VD->getInit();
    }
  }
  return nullptr;
}

std::optional<FunctionFacts> Lowerer::run() {
  Stmt *Body = FD->getBody();
  if (!Body)
    return std::nullopt;
  collectDefinitions(Body);

  CFG::BuildOptions Opts;
  Opts.AddImplicitDtors = true;
  std::unique_ptr<CFG> G = CFG::buildCFG(FD, Body, &Ctx, Opts);
  if (!G)
    return std::nullopt;

  FunctionFacts F;
  F.Name = FD->getNameAsString();
  F.Key = functionKey(FD, Names);
  F.File = Names.file(FD->getLocation());
  F.Line = Names.line(FD->getLocation());
  F.IsStatic = !FD->isExternallyVisible();
  F.IsWeak = FD->isWeak();
  for (const ParmVarDecl *P : FD->parameters())
    F.Params.push_back(P->getNameAsString());
  F.Blocks.resize(G->getNumBlockIDs());
  F.Entry = G->getEntry().getBlockID();
  F.Exit = G->getExit().getBlockID();

  std::vector<std::pair<unsigned, const Stmt *>> Returns;
  // Per block, statements that may assign a variable, each with the
  // number of events before it.
  std::vector<std::vector<std::pair<const Stmt *, unsigned>>> Writes(
      F.Blocks.size());
  for (const CFGBlock *B : *G) {
    unsigned Id = B->getBlockID();
    Block &Out = F.Blocks[Id];
    for (const CFGElement &El : *B) {
      if (auto S = El.getAs<CFGStmt>()) {
        const Stmt *St = S->getStmt();
        if (isa<BinaryOperator, UnaryOperator, DeclStmt>(St))
          Writes[Id].push_back({St, unsigned(Out.Events.size())});
        if (const auto *CE = dyn_cast<CallExpr>(St)) {
          if (std::optional<CallEvent> Ev = callEvent(CE)) {
            EventOf[CE] = {int(Id), int(Out.Events.size())};
            Out.Events.push_back(std::move(*Ev));
          }
        } else if (isa<ReturnStmt>(St)) {
          Returns.push_back({Id, St});
        }
      } else if (auto C = El.getAs<CFGCleanupFunction>()) {
        const VarDecl *VD = C->getVarDecl();
        const FunctionDecl *Fn = C->getFunctionDecl();
        if (!Fn)
          continue;
        CallEvent Ev;
        Ev.Callee = functionKey(Fn, Names);
        Ev.Cleanup = true;
        Ev.Args.push_back(varPath(VD, 0));
        SourceLocation End = B->getTerminatorStmt()
                                 ? B->getTerminatorStmt()->getBeginLoc()
                                 : VD->getLocation();
        Ev.Line = Names.line(End);
        Ev.Col = Names.col(End);
        Out.Events.push_back(std::move(Ev));
      }
    }
    for (const CFGBlock::AdjacentBlock &Succ : B->succs())
      Out.Succs.push_back(Succ.getReachableBlock()
                              ? int(Succ.getReachableBlock()->getBlockID())
                              : -1);
  }

  // Branches and returns that test a call's result (second pass: the call
  // may sit in an earlier block than the test).
  for (const CFGBlock *B : *G) {
    Block &Out = F.Blocks[B->getBlockID()];
    if (const auto *SW = dyn_cast_or_null<SwitchStmt>(B->getTerminatorStmt())) {
      caseFacts(*B, *SW, Out, F);
      continue;
    }
    if (Out.Succs.size() != 2)
      continue;
    const auto *Cond = dyn_cast_or_null<Expr>(B->getTerminatorCondition());
    if (!Cond)
      continue;
    // `ret = f(); if (ret)` tests both the call's result and a variable,
    // with one polarity (not so `ret = !f()`: then the call only).
    bool CallPartial = false, Partial = false;
    if (auto T = testedCall(Cond, CallPartial, B)) {
      auto It = EventOf.find(T->first);
      if (It != EventOf.end()) {
        Out.CondBlock = It->second.first;
        Out.CondEvent = It->second.second;
        Out.TrueIsNonzero = T->second;
        Out.NonzeroOnly = CallPartial;
      }
    }
    if (auto P = testedParam(Cond, Partial)) {
      Out.CondParam = P->first;
      Out.TrueIsNonzero = P->second;
      Out.NonzeroOnly = Partial;
    } else if (auto V = testedVar(Cond, Partial);
               V && (Out.CondEvent < 0 || (Out.TrueIsNonzero == V->second &&
                                           Out.NonzeroOnly == Partial))) {
      Out.CondVar = varId(V->first, F);
      Out.TrueIsNonzero = V->second;
      Out.NonzeroOnly = Partial;
      implied(V->first, Out);
    }
  }
  // Assignments to the variables branches test (third pass: a test may
  // come before the assignment in block order).
  if (!VarIds.empty())
    for (unsigned Id = 0; Id < Writes.size(); ++Id)
      for (auto [St, Before] : Writes[Id])
        if (auto A = assignment(St))
          F.Blocks[Id].Assigns.push_back({A->first, A->second, Before});
  for (auto [Id, St] : Returns) {
    const Expr *RV = cast<ReturnStmt>(St)->getRetValue();
    bool Partial = false;
    if (!RV)
      continue;
    // `return ret == -EDEADLK;` returns no lock's result.
    if (auto T = testedCall(RV, Partial); T && !Partial) {
      auto It = EventOf.find(T->first);
      if (It != EventOf.end()) {
        Block &Out = F.Blocks[Id];
        Out.RetBlock = It->second.first;
        Out.RetEvent = It->second.second;
        Out.RetNonzeroIsSuccess = T->second;
      }
    }
  }
  return F;
}

std::optional<FunctionFacts> lowerFunction(const FunctionDecl *FD,
                                           ASTContext &Ctx,
                                           const FileNamer &Names) {
  return Lowerer(FD, Ctx, Names).run();
}

} // namespace lockgraph
