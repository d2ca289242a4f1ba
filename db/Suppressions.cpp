//===- Suppressions.cpp - Findings a user has judged, with reasons --------===//

#include "db/Suppressions.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLParser.h"

using namespace llvm;

namespace lockgraph {

bool Suppression::matches(const Finding &F) const {
  if (!Id.empty())
    return F.Id == Id;
  if (Kind != kindName(F.Kind))
    return false;
  std::vector<std::string> A = Locks, B = F.Locks;
  llvm::sort(A);
  llvm::sort(B);
  return A == B;
}

namespace {

class Parser {
public:
  Parser(StringRef File, SourceMgr &SM) : File(File), SM(SM) {}

  Error err(const yaml::Node *N, StringRef Key, const Twine &Msg) {
    unsigned Line = N ? SM.getLineAndColumn(N->getSourceRange().Start).first : 0;
    return createStringError(inconvertibleErrorCode(), "%s:%u: key '%s': %s",
                             File.str().c_str(), Line, Key.str().c_str(),
                             Msg.str().c_str());
  }

  Expected<std::string> scalar(yaml::Node *V, StringRef Key) {
    auto *S = dyn_cast_or_null<yaml::ScalarNode>(V);
    if (!S)
      return err(V, Key, "expected a string");
    SmallString<64> Storage;
    return S->getValue(Storage).str();
  }

  Error parse(yaml::Node *Root, std::vector<Suppression> &Out) {
    auto *M = dyn_cast_or_null<yaml::MappingNode>(Root);
    if (!M)
      return err(Root, "version", "expected a mapping with version and suppressions");
    bool HasVersion = false;
    for (yaml::KeyValueNode &KV : *M) {
      Expected<std::string> Key = scalar(KV.getKey(), "?");
      if (!Key)
        return Key.takeError();
      if (*Key == "version") {
        Expected<std::string> V = scalar(KV.getValue(), *Key);
        if (!V)
          return V.takeError();
        if (*V != std::to_string(SuppressionsVersion))
          return err(KV.getValue(), *Key,
                     "version " + *V + " is not supported (this lockgraph reads version " +
                         Twine(SuppressionsVersion) + ")");
        HasVersion = true;
      } else if (*Key == "suppressions") {
        auto *Seq = dyn_cast_or_null<yaml::SequenceNode>(KV.getValue());
        if (!Seq)
          return err(KV.getValue(), *Key, "expected a list");
        for (yaml::Node &Entry : *Seq)
          if (Error E = entry(&Entry, Out))
            return E;
      } else {
        return err(KV.getKey(), *Key, "unknown key (expected version, suppressions)");
      }
    }
    if (!HasVersion)
      return err(Root, "version", "missing required key");
    return Error::success();
  }

private:
  Error entry(yaml::Node *N, std::vector<Suppression> &Out) {
    auto *M = dyn_cast<yaml::MappingNode>(N);
    if (!M)
      return err(N, "suppressions", "expected a mapping per suppression");
    Suppression S;
    S.File = File.str();
    S.Line = SM.getLineAndColumn(N->getSourceRange().Start).first;
    for (yaml::KeyValueNode &KV : *M) {
      Expected<std::string> Key = scalar(KV.getKey(), "?");
      if (!Key)
        return Key.takeError();
      if (*Key == "locks") {
        auto *Seq = dyn_cast_or_null<yaml::SequenceNode>(KV.getValue());
        if (!Seq)
          return err(KV.getValue(), *Key, "expected a list of lock classes");
        for (yaml::Node &L : *Seq) {
          Expected<std::string> V = scalar(&L, *Key);
          if (!V)
            return V.takeError();
          S.Locks.push_back(*V);
        }
        continue;
      }
      if (*Key != "id" && *Key != "kind" && *Key != "reason")
        return err(KV.getKey(), *Key,
                   "unknown key in suppression (expected id, kind, locks, reason)");
      Expected<std::string> V = scalar(KV.getValue(), *Key);
      if (!V)
        return V.takeError();
      (*Key == "id" ? S.Id : *Key == "kind" ? S.Kind : S.Reason) = *V;
    }
    if (StringRef(S.Reason).trim().empty())
      return err(N, "reason", "missing required key: say why it is suppressed");
    if (S.Id.empty() && (S.Kind.empty() || S.Locks.empty()))
      return err(N, "id", "missing required key (give 'id', or 'kind' and 'locks')");
    if (!S.Kind.empty() &&
        none_of(std::initializer_list<FindingKind>{
                    FindingKind::Inversion, FindingKind::SelfDeadlock,
                    FindingKind::ForbiddenNesting, FindingKind::OrderViolation},
                [&](FindingKind K) { return S.Kind == kindName(K); }))
      return err(N, "kind", "unknown kind '" + S.Kind +
                                "' (expected inversion, self-deadlock, "
                                "forbidden-nesting, order-violation)");
    Out.push_back(std::move(S));
    return Error::success();
  }

  StringRef File;
  SourceMgr &SM;
};

} // namespace

Expected<std::vector<Suppression>> loadSuppressions(ArrayRef<std::string> Files) {
  std::vector<Suppression> Out;
  for (const std::string &F : Files) {
    auto Buf = MemoryBuffer::getFile(F);
    if (!Buf)
      return createStringError(inconvertibleErrorCode(), "%s: %s", F.c_str(),
                               Buf.getError().message().c_str());
    SourceMgr SM;
    std::string Diag;
    SM.setDiagHandler(
        [](const SMDiagnostic &D, void *Ctx) {
          auto *S = static_cast<std::string *>(Ctx);
          if (S->empty())
            *S = (Twine(D.getLineNo()) + ": " + D.getMessage()).str();
        },
        &Diag);
    yaml::Stream Stream((*Buf)->getMemBufferRef(), SM);
    Parser P(F, SM);
    for (yaml::Document &D : Stream) {
      yaml::Node *Root = D.getRoot();
      if (!Diag.empty())
        break;
      if (Error E = P.parse(Root, Out))
        return std::move(E);
    }
    if (!Diag.empty())
      return createStringError(inconvertibleErrorCode(), "%s:%s", F.c_str(),
                               Diag.c_str());
  }
  return Out;
}

std::vector<const Suppression *>
applySuppressions(std::vector<Finding> &Findings, ArrayRef<Suppression> Sups) {
  std::vector<const Suppression *> Unused;
  for (const Suppression &S : Sups) {
    bool Used = false;
    for (Finding &F : Findings)
      if (S.matches(F)) {
        F.Suppressed = true;
        F.SuppressionReason = S.Reason;
        Used = true;
      }
    if (!Used)
      Unused.push_back(&S);
  }
  return Unused;
}

} // namespace lockgraph
