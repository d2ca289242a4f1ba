//===- Report.cpp - Findings as text, JSON and summary --------------------===//

#include "db/Report.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace lockgraph {

static std::string hopText(const Hop &H) {
  std::string S = formatv("{0} {1}:{2}", H.Function, H.File, H.Line).str();
  if (!H.Via.empty())
    S += " via " + H.Via;
  return S;
}

void printWitness(raw_ostream &OS, const Edge &E, StringRef Indent) {
  OS << Indent << "held: " << E.Function << " " << E.File << ":" << E.HeldLine
     << "\n";
  OS << Indent << "chain: ";
  ListSeparator LS(" > ");
  for (const Hop &H : E.Chain)
    OS << LS << hopText(H);
  OS << "\n";
}

static std::string subsystemOf(StringRef File) {
  SmallVector<StringRef, 4> Parts;
  File.split(Parts, '/');
  if (Parts.size() < 2 || Parts[0] == "include" || File.starts_with("/"))
    return "";
  bool Deep = Parts[0] == "fs" || Parts[0] == "drivers" || Parts[0] == "net" ||
              Parts[0] == "arch" || Parts[0] == "sound";
  if (Deep && Parts.size() > 2)
    return (Parts[0] + "/" + Parts[1]).str();
  return Parts[0].str();
}

std::vector<std::string> subsystemsOf(const LockGraph &G, const Finding &F) {
  std::vector<std::string> Out;
  auto Add = [&](StringRef File) {
    std::string S = subsystemOf(File);
    if (!S.empty() && !is_contained(Out, S))
      Out.push_back(S);
  };
  for (size_t I : F.Edges) {
    Add(G.Edges[I].File);
    for (const Hop &H : G.Edges[I].Chain)
      Add(H.File);
  }
  llvm::sort(Out);
  return Out;
}

static std::string edgeLine(const Edge &E) {
  return formatv("{0}({1}) -> {2}({3})", E.Held, modeLabel(E.HeldMode),
                 E.Acquired, modeLabel(E.AcquiredMode))
      .str();
}

static std::string summaryHead(const Finding &F) {
  std::string S = kindName(F.Kind);
  if (!F.Rule.empty())
    S += " " + F.Rule;
  for (const std::string &L : F.Locks)
    S += " " + L;
  return S;
}

void printSummary(raw_ostream &OS, const LockGraph &G, ArrayRef<Finding> Fs) {
  std::vector<std::string> Blocks;
  for (const Finding &F : Fs) {
    std::string B;
    raw_string_ostream BS(B);
    BS << summaryHead(F) << "\n";
    for (size_t I : F.Edges) {
      BS << "  " << edgeLine(G.Edges[I]) << "\n";
      printWitness(BS, G.Edges[I], "    ");
    }
    Blocks.push_back(BS.str());
  }
  llvm::sort(Blocks);
  for (const std::string &B : Blocks)
    OS << B;
}

static void printStack(raw_ostream &OS, const Edge &E) {
  // Innermost first, like a stack trace.
  for (const Hop &H : llvm::reverse(E.Chain)) {
    OS << "       " << H.Function << " (" << H.File << ":" << H.Line << ")";
    if (!H.Api.empty())
      OS << " [" << H.Api << "]";
    if (!H.Via.empty())
      OS << " [via " << H.Via << "]";
    OS << "\n";
  }
  OS << "       -- with " << E.Held << " held since " << E.Function << " ("
     << E.File << ":" << E.HeldLine << ")\n";
}

static const char *lockVerb(rules::Mode M) {
  return M == rules::Mode::Exclusive ? "lock" : "rlock";
}

void printFindingText(raw_ostream &OS, const LockGraph &G, const Finding &F) {
  std::string Title;
  switch (F.Kind) {
  case FindingKind::Inversion:
    Title = "WARNING: possible circular locking dependency detected";
    break;
  case FindingKind::SelfDeadlock:
    Title = "WARNING: possible recursive locking detected";
    break;
  case FindingKind::ForbiddenNesting:
    Title = "WARNING: forbidden lock nesting (" + F.Rule + ")";
    break;
  case FindingKind::OrderViolation:
    Title = "WARNING: documented lock order violated (" + F.Rule + ")";
    break;
  }
  std::string Rule(Title.size(), '-');
  OS << std::string(Title.size(), '=') << "\n"
     << Title << "\n"
     << formatv("{0}, rank {1}, in {2}\n", F.Id, F.Rank,
                join(subsystemsOf(G, F), ", "))
     << Rule << "\n"
     << F.Message << "\n\n";
  if (F.Kind == FindingKind::Inversion) {
    OS << "the existing dependency chain (in reverse order) is:\n\n";
    for (size_t K = F.Edges.size(); K-- > 0;) {
      const Edge &E = G.Edges[F.Edges[K]];
      OS << "-> #" << K << " (" << E.Acquired << "){" << modeLabel(E.AcquiredMode)
         << "}:\n";
      printStack(OS, E);
      OS << "\n";
    }
    OS << "other info that might help us debug this:\n\n";
    if (F.Locks.size() > 2) {
      OS << "Chain exists of:\n  ";
      ListSeparator LS(" --> ");
      for (const std::string &L : F.Locks)
        OS << LS << L;
      OS << " --> " << F.Locks.front() << "\n\n";
    }
    const Edge &First = G.Edges[F.Edges.front()];
    const Edge &Last = G.Edges[F.Edges.back()];
    OS << " Possible unsafe locking scenario:\n\n"
       << "       CPU0                    CPU1\n"
       << "       ----                    ----\n";
    auto Line = [&](bool Left, rules::Mode M, StringRef L) {
      std::string S = formatv("{0}({1});", lockVerb(M), L).str();
      OS << (Left ? "  " : "                               ") << S << "\n";
    };
    Line(true, First.HeldMode, First.Held);
    Line(false, Last.HeldMode, Last.Held);
    Line(false, Last.AcquiredMode, Last.Acquired);
    Line(true, First.AcquiredMode, First.Acquired);
    OS << "\n *** DEADLOCK ***\n\n";
    return;
  }
  for (size_t I : F.Edges) {
    const Edge &E = G.Edges[I];
    OS << edgeLine(E) << ":\n";
    printStack(OS, E);
  }
  if (F.Kind == FindingKind::SelfDeadlock) {
    const Edge &E = G.Edges[F.Edges.front()];
    OS << "\n Possible unsafe locking scenario:\n\n"
       << "       CPU0\n       ----\n"
       << "  " << lockVerb(E.HeldMode) << "(" << E.Held << ");\n"
       << "  " << lockVerb(E.AcquiredMode) << "(" << E.Acquired << ");\n"
       << "\n *** DEADLOCK ***\n";
  }
  OS << "\n";
}

void printText(raw_ostream &OS, const LockGraph &G, ArrayRef<Finding> Fs,
               const ScanInfo &Info) {
  for (const Finding &F : Fs)
    printFindingText(OS, G, F);
  OS << formatv("lockgraph: {0} translation units analysed, {1} failed; {2} "
                "lock classes, {3} edges; {4} findings shown, {5} suppressed\n",
                Info.TUs - Info.FailedTUs, Info.FailedTUs, G.Classes.size(),
                G.Edges.size(), Fs.size(), Info.Suppressed);
  for (auto &[File, Err] : Info.Failures)
    OS << "  skipped " << File << ": " << Err << "\n";
}

json::Value edgeToJSON(const Edge &E) {
  json::Array Chain;
  for (const Hop &H : E.Chain) {
    json::Object O{{"function", H.Function},
                   {"file", H.File},
                   {"line", H.Line},
                   {"indirect", !H.Via.empty()}};
    O["via"] = H.Via.empty() ? json::Value(nullptr) : json::Value(H.Via);
    if (!H.Api.empty())
      O["api"] = H.Api;
    Chain.push_back(std::move(O));
  }
  return json::Object{{"held", E.Held},
                      {"held_mode", modeLabel(E.HeldMode)},
                      {"acquired", E.Acquired},
                      {"acquired_mode", modeLabel(E.AcquiredMode)},
                      {"trylock", E.HeldTry},
                      {"held_on_every_path", E.HeldMust},
                      {"irq", E.HeldIrq},
                      {"function", E.Function},
                      {"file", E.File},
                      {"held_line", E.HeldLine},
                      {"chain", std::move(Chain)}};
}

json::Value toJSON(const LockGraph &G, ArrayRef<Finding> Fs,
                   const ScanInfo &Info) {
  json::Array Findings;
  for (const Finding &F : Fs) {
    json::Array Edges;
    for (size_t I : F.Edges)
      Edges.push_back(edgeToJSON(G.Edges[I]));
    json::Object O{{"id", F.Id},
                   {"kind", kindName(F.Kind)},
                   {"rank", F.Rank},
                   {"locks", json::Array(F.Locks)},
                   {"subsystems", json::Array(subsystemsOf(G, F))},
                   {"message", F.Message},
                   {"edges", std::move(Edges)}};
    O["rule"] = F.Rule.empty() ? json::Value(nullptr) : json::Value(F.Rule);
    O["suppressed"] = F.Suppressed ? json::Value(F.SuppressionReason)
                                   : json::Value(nullptr);
    Findings.push_back(std::move(O));
  }
  json::Array Failures;
  for (auto &[File, Err] : Info.Failures)
    Failures.push_back(json::Object{{"file", File}, {"error", Err}});
  return json::Object{
      {"version", 1},
      {"scan",
       json::Object{{"translation_units", Info.TUs},
                    {"failed", Info.FailedTUs},
                    {"suppressed", Info.Suppressed},
                    {"failures", std::move(Failures)},
                    {"lock_classes", int64_t(G.Classes.size())},
                    {"edges", int64_t(G.Edges.size())}}},
      {"findings", std::move(Findings)}};
}

} // namespace lockgraph
