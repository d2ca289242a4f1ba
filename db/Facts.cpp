//===- Facts.cpp - JSON form of lowered function bodies -------------------===//
//
// Function bodies are stored as one JSON blob per function: compact, readable
// with SQLite's json functions, and independent of Clang.
//
//===----------------------------------------------------------------------===//

#include "db/Facts.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/xxhash.h"

using namespace llvm;

namespace lockgraph {

ArgValue ArgValue::integer(int64_t V) {
  ArgValue A;
  A.K = Kind::Int;
  A.Int = V;
  A.Text = std::to_string(V);
  return A;
}

ArgValue ArgValue::string(StringRef S) {
  ArgValue A;
  A.K = Kind::String;
  A.Str = S.str();
  A.Text = ("\"" + S + "\"").str();
  return A;
}

ArgValue ArgValue::param(unsigned I, StringRef Text) {
  ArgValue A;
  A.K = Kind::Path;
  A.R = Root::Param;
  A.Param = I;
  A.Text = Text.str();
  return A;
}

ArgValue ArgValue::global(StringRef Name) {
  ArgValue A;
  A.K = Kind::Path;
  A.R = Root::Global;
  A.RootName = Name.str();
  A.Text = Name.str();
  return A;
}

json::Value toJSON(const ArgValue &A) {
  switch (A.K) {
  case ArgValue::Kind::Unknown:
    return nullptr;
  case ArgValue::Kind::Int:
    return json::Object{{"i", A.Int}};
  case ArgValue::Kind::String:
    return json::Object{{"s", A.Str}};
  case ArgValue::Kind::Path: {
    json::Object O;
    switch (A.R) {
    case ArgValue::Root::Param:
      O["p"] = A.Param;
      break;
    case ArgValue::Root::Global:
      O["g"] = A.RootName;
      break;
    case ArgValue::Root::Local:
      O["l"] = A.RootName;
      break;
    case ArgValue::Root::None:
      break;
    }
    if (!A.Steps.empty())
      O["f"] = json::Array(A.Steps);
    O["t"] = A.Text;
    if (A.NonNull)
      O["n"] = true;
    return O;
  }
  }
  return nullptr;
}

bool fromJSON(const json::Value &V, ArgValue &A, json::Path P) {
  A = ArgValue();
  if (V.getAsNull())
    return true;
  const json::Object *O = V.getAsObject();
  if (!O) {
    P.report("expected object or null");
    return false;
  }
  if (auto I = O->getInteger("i")) {
    A = ArgValue::integer(*I);
    return true;
  }
  if (auto S = O->getString("s")) {
    A = ArgValue::string(*S);
    return true;
  }
  A.K = ArgValue::Kind::Path;
  if (auto I = O->getInteger("p")) {
    A.R = ArgValue::Root::Param;
    A.Param = *I;
  } else if (auto G = O->getString("g")) {
    A.R = ArgValue::Root::Global;
    A.RootName = G->str();
  } else if (auto L = O->getString("l")) {
    A.R = ArgValue::Root::Local;
    A.RootName = L->str();
  }
  if (const json::Array *F = O->getArray("f"))
    for (const json::Value &S : *F)
      if (auto Str = S.getAsString())
        A.Steps.push_back(Str->str());
  if (auto T = O->getString("t"))
    A.Text = T->str();
  A.NonNull = O->getBoolean("n").value_or(false);
  return true;
}

static json::Value eventToJSON(const CallEvent &E) {
  json::Object O{{"l", E.Line}, {"c", E.Col}};
  if (!E.Callee.empty())
    O["f"] = E.Callee;
  if (!E.Via.empty())
    O["v"] = E.Via;
  if (E.Cleanup)
    O["d"] = true;
  json::Array Args;
  for (const ArgValue &A : E.Args)
    Args.push_back(toJSON(A));
  O["a"] = std::move(Args);
  return O;
}

json::Value FunctionFacts::bodyToJSON() const {
  json::Array Bs;
  for (const Block &B : Blocks) {
    json::Array Es;
    for (const CallEvent &E : B.Events)
      Es.push_back(eventToJSON(E));
    json::Object O{{"e", std::move(Es)}, {"s", json::Array(B.Succs)}};
    if (B.CondEvent >= 0)
      O["c"] = json::Array{B.CondBlock, B.CondEvent, B.TrueIsNonzero};
    if (B.CondParam >= 0)
      O["p"] = json::Array{B.CondParam, B.TrueIsNonzero};
    if (B.CondVar >= 0)
      O["v"] = json::Array{B.CondVar, B.TrueIsNonzero};
    if (B.NonzeroOnly)
      O["n"] = true;
    if (!B.Implies.empty()) {
      json::Array Is;
      for (const Block::Implied &I : B.Implies)
        Is.push_back(json::Array{I.Param, I.Value, I.WhenNonzero});
      O["i"] = std::move(Is);
    }
    if (!B.CaseFacts.empty())
      O["w"] = json::Array(B.CaseFacts);
    if (!B.Assigns.empty()) {
      json::Array As;
      for (const Block::Assign &A : B.Assigns)
        As.push_back(json::Array{A.Var, A.Value, A.Before});
      O["a"] = std::move(As);
    }
    if (B.RetEvent >= 0)
      O["r"] = json::Array{B.RetBlock, B.RetEvent, B.RetNonzeroIsSuccess};
    Bs.push_back(std::move(O));
  }
  json::Object Out{{"entry", Entry},
                   {"exit", Exit},
                   {"params", json::Array(Params)},
                   {"vars", json::Array(Vars)},
                   {"varparams", json::Array(VarParams)},
                   {"blocks", std::move(Bs)}};
  // Only when set: every other body keeps its bytes, hash and shape.
  if (IsWeak)
    Out["weak"] = true;
  return Out;
}

Error FunctionFacts::bodyFromJSON(const json::Value &V) {
  auto Bad = [&](const char *What) {
    return createStringError(inconvertibleErrorCode(),
                             "malformed body of %s: %s", Key.c_str(), What);
  };
  const json::Object *O = V.getAsObject();
  if (!O)
    return Bad("not an object");
  Entry = O->getInteger("entry").value_or(0);
  Exit = O->getInteger("exit").value_or(0);
  IsWeak = O->getBoolean("weak").value_or(false);
  Params.clear();
  if (const json::Array *Ps = O->getArray("params"))
    for (const json::Value &P : *Ps)
      Params.push_back(P.getAsString().value_or("").str());
  Vars.clear();
  if (const json::Array *Vs = O->getArray("vars"))
    for (const json::Value &V : *Vs)
      Vars.push_back(V.getAsString().value_or("").str());
  VarParams.assign(Vars.size(), -1);
  if (const json::Array *Ps = O->getArray("varparams")) {
    if (Ps->size() != Vars.size())
      return Bad("varparams do not match vars");
    for (unsigned I = 0; I < Ps->size(); ++I)
      VarParams[I] = (*Ps)[I].getAsInteger().value_or(-1);
  }
  Blocks.clear();
  const json::Array *Bs = O->getArray("blocks");
  if (!Bs)
    return Bad("no blocks");
  for (const json::Value &BV : *Bs) {
    const json::Object *BO = BV.getAsObject();
    if (!BO)
      return Bad("block is not an object");
    Block B;
    if (const json::Array *Es = BO->getArray("e"))
      for (const json::Value &EV : *Es) {
        const json::Object *EO = EV.getAsObject();
        if (!EO)
          return Bad("event is not an object");
        CallEvent E;
        E.Line = EO->getInteger("l").value_or(0);
        E.Col = EO->getInteger("c").value_or(0);
        E.Callee = EO->getString("f").value_or("").str();
        E.Via = EO->getString("v").value_or("").str();
        E.Cleanup = EO->getBoolean("d").value_or(false);
        if (const json::Array *As = EO->getArray("a"))
          for (const json::Value &AV : *As) {
            ArgValue A;
            json::Path::Root R;
            if (!fromJSON(AV, A, R))
              return Bad("bad argument");
            E.Args.push_back(std::move(A));
          }
        B.Events.push_back(std::move(E));
      }
    if (const json::Array *Ss = BO->getArray("s"))
      for (const json::Value &S : *Ss)
        B.Succs.push_back(S.getAsInteger().value_or(-1));
    if (const json::Array *C = BO->getArray("c"); C && C->size() == 3) {
      B.CondBlock = (*C)[0].getAsInteger().value_or(-1);
      B.CondEvent = (*C)[1].getAsInteger().value_or(-1);
      B.TrueIsNonzero = (*C)[2].getAsBoolean().value_or(true);
    }
    if (const json::Array *P = BO->getArray("p"); P && P->size() == 2) {
      B.CondParam = (*P)[0].getAsInteger().value_or(-1);
      B.TrueIsNonzero = (*P)[1].getAsBoolean().value_or(true);
    }
    if (const json::Array *V = BO->getArray("v"); V && V->size() == 2) {
      B.CondVar = (*V)[0].getAsInteger().value_or(-1);
      B.TrueIsNonzero = (*V)[1].getAsBoolean().value_or(true);
      if (B.CondVar >= int(Vars.size()))
        return Bad("variable out of range");
    }
    B.NonzeroOnly = BO->getBoolean("n").value_or(false);
    if (const json::Array *Is = BO->getArray("i"))
      for (const json::Value &IV : *Is) {
        const json::Array *I = IV.getAsArray();
        if (!I || I->size() != 3)
          return Bad("bad implied fact");
        B.Implies.push_back({unsigned((*I)[0].getAsInteger().value_or(0)),
                             (*I)[1].getAsBoolean().value_or(false),
                             (*I)[2].getAsBoolean().value_or(true)});
      }
    if (const json::Array *W = BO->getArray("w")) {
      for (const json::Value &F : *W)
        B.CaseFacts.push_back(F.getAsInteger().value_or(-1));
      if (B.CaseFacts.size() != B.Succs.size())
        return Bad("case facts do not match the successors");
    }
    if (const json::Array *As = BO->getArray("a"))
      for (const json::Value &AV : *As) {
        const json::Array *A = AV.getAsArray();
        if (!A || A->size() != 3)
          return Bad("bad assignment");
        Block::Assign X;
        X.Var = (*A)[0].getAsInteger().value_or(0);
        X.Value = (*A)[1].getAsInteger().value_or(-1);
        X.Before = (*A)[2].getAsInteger().value_or(0);
        if (X.Var >= Vars.size())
          return Bad("variable out of range");
        B.Assigns.push_back(X);
      }
    if (const json::Array *R = BO->getArray("r"); R && R->size() == 3) {
      B.RetBlock = (*R)[0].getAsInteger().value_or(-1);
      B.RetEvent = (*R)[1].getAsInteger().value_or(-1);
      B.RetNonzeroIsSuccess = (*R)[2].getAsBoolean().value_or(true);
    }
    Blocks.push_back(std::move(B));
  }
  if (Entry >= Blocks.size() || Exit >= Blocks.size())
    return Bad("entry or exit out of range");
  return Error::success();
}

json::Value toJSON(const TUFacts &T) {
  json::Array Fns;
  for (const FunctionFacts &F : T.Functions)
    Fns.push_back(json::Object{{"key", F.Key},
                               {"name", F.Name},
                               {"file", F.File},
                               {"line", F.Line},
                               {"static", F.IsStatic},
                               {"body", F.bodyToJSON()}});
  json::Array Stores;
  for (const FieldStore &S : T.Stores)
    Stores.push_back(json::Object{{"field", S.Field},
                                  {"function", S.Function},
                                  {"file", S.File},
                                  {"line", S.Line}});
  return json::Object{{"main", T.MainFile},
                      {"inputs", json::Array(T.Inputs)},
                      {"functions", std::move(Fns)},
                      {"stores", std::move(Stores)}};
}

std::vector<unsigned> FunctionFacts::lines() const {
  std::vector<unsigned> Out{Line};
  for (const Block &B : Blocks)
    for (const CallEvent &E : B.Events)
      Out.push_back(E.Line);
  return Out;
}

std::string FunctionFacts::shape() const {
  FunctionFacts Moved = *this;
  Moved.Line = 0;
  for (Block &B : Moved.Blocks)
    for (CallEvent &E : B.Events)
      E.Line = 0;
  std::string S;
  raw_string_ostream OS(S);
  OS << Key << '\n' << Name << '\n' << File << '\n' << IsStatic << '\n'
     << Moved.bodyToJSON();
  return utohexstr(xxh3_64bits(S));
}

Expected<TUFacts> tuFactsFromJSON(const json::Value &V) {
  auto Bad = [](const char *What) {
    return createStringError(inconvertibleErrorCode(), "malformed facts: %s",
                             What);
  };
  const json::Object *O = V.getAsObject();
  if (!O)
    return Bad("not an object");
  TUFacts T;
  T.MainFile = O->getString("main").value_or("").str();
  if (const json::Array *In = O->getArray("inputs"))
    for (const json::Value &I : *In)
      T.Inputs.push_back(I.getAsString().value_or("").str());
  if (const json::Array *Fs = O->getArray("functions"))
    for (const json::Value &FV : *Fs) {
      const json::Object *FO = FV.getAsObject();
      if (!FO)
        return Bad("function is not an object");
      FunctionFacts F;
      F.Key = FO->getString("key").value_or("").str();
      F.Name = FO->getString("name").value_or("").str();
      F.File = FO->getString("file").value_or("").str();
      F.Line = FO->getInteger("line").value_or(0);
      F.IsStatic = FO->getBoolean("static").value_or(false);
      const json::Value *Body = FO->get("body");
      if (!Body)
        return Bad("function without body");
      if (Error E = F.bodyFromJSON(*Body))
        return std::move(E);
      T.Functions.push_back(std::move(F));
    }
  if (const json::Array *Ss = O->getArray("stores"))
    for (const json::Value &SV : *Ss) {
      const json::Object *SO = SV.getAsObject();
      if (!SO)
        return Bad("store is not an object");
      FieldStore S;
      S.Field = SO->getString("field").value_or("").str();
      S.Function = SO->getString("function").value_or("").str();
      S.File = SO->getString("file").value_or("").str();
      S.Line = SO->getInteger("line").value_or(0);
      T.Stores.push_back(std::move(S));
    }
  return T;
}

} // namespace lockgraph
