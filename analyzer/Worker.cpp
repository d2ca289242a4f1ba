//===- Worker.cpp - One TU in, facts out ----------------------------------===//
//
// The worker side of a scan: `lockgraph extract-tu` parses the one command
// of its command file and writes the facts as JSON. Everything here decides
// what facts a TU yields, so this file is part of the extractor digest
// (analyzer/CMakeLists.txt); the scan driver in Scan.cpp is not.
//
//===----------------------------------------------------------------------===//

#include "analyzer/Worker.h"
#include "analyzer/Extract.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

using namespace clang;
using namespace llvm;

namespace lockgraph {
namespace {

/// Keeps the first error the front end reports, as "file:line: message".
class FirstError : public DiagnosticConsumer {
public:
  void HandleDiagnostic(DiagnosticsEngine::Level L,
                        const Diagnostic &Info) override {
    DiagnosticConsumer::HandleDiagnostic(L, Info);
    if (L < DiagnosticsEngine::Error || !Message.empty())
      return;
    SmallString<256> Msg;
    Info.FormatDiagnostic(Msg);
    if (Info.hasSourceManager() && Info.getLocation().isValid()) {
      PresumedLoc P =
          Info.getSourceManager().getPresumedLoc(Info.getLocation());
      if (P.isValid()) {
        Message = formatv("{0}:{1}: {2}", P.getFilename(), P.getLine(), Msg);
        return;
      }
    }
    Message = Msg.str().str();
  }
  std::string Message;
};

/// A compilation database with one command.
class OneCommand : public tooling::CompilationDatabase {
public:
  explicit OneCommand(tooling::CompileCommand C) : C(std::move(C)) {}
  std::vector<tooling::CompileCommand>
  getCompileCommands(StringRef) const override {
    return {C};
  }

private:
  tooling::CompileCommand C;
};

class Factory : public tooling::FrontendActionFactory {
public:
  Factory(std::string Root, TUFacts &Out) : Root(std::move(Root)), Out(Out) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<ExtractAction>(Root, Out);
  }

private:
  std::string Root;
  TUFacts &Out;
};

/// Parses one TU in this process.
struct Extracted {
  bool Ok = false;
  std::string Error;
  TUFacts Facts;
};

Extracted extractOne(const tooling::CompileCommand &Cmd, StringRef Root) {
  Extracted R;
  FirstError Diags;
  OneCommand DB(Cmd);
  tooling::ClangTool Tool(DB, {Cmd.Filename});
  Tool.clearArgumentsAdjusters();
  Tool.appendArgumentsAdjuster(tooling::getClangStripOutputAdjuster());
  Tool.appendArgumentsAdjuster(tooling::getClangStripDependencyFileAdjuster());
  Tool.appendArgumentsAdjuster(compilerArgsAdjuster());
  Tool.appendArgumentsAdjuster(tooling::getClangSyntaxOnlyAdjuster());
  Tool.appendArgumentsAdjuster(tooling::getInsertArgumentAdjuster(
      {"-resource-dir", LOCKGRAPH_CLANG_RESOURCE_DIR},
      tooling::ArgumentInsertPosition::BEGIN));
  Tool.appendArgumentsAdjuster(tooling::getInsertArgumentAdjuster(
      {"-w", "-ferror-limit=3"}, tooling::ArgumentInsertPosition::END));
  Tool.setDiagnosticConsumer(&Diags);
  Tool.setPrintErrorMessage(false);
  Factory F(Root.str(), R.Facts);
  R.Ok = Tool.run(&F) == 0 && Diags.getNumErrors() == 0;
  if (!R.Ok)
    R.Error = Diags.Message.empty() ? "does not parse" : Diags.Message;
  return R;
}

} // namespace

tooling::ArgumentsAdjuster compilerArgsAdjuster() {
  // Options of GCC-built kernel trees that Clang rejects as unknown
  // arguments (unknown -W options are only warnings, and warnings are off).
  static const char *const GccOnly[] = {
      "-fconserve-stack", "-fno-allow-store-data-races",
      "-fno-var-tracking-assignments", "-mindirect-branch",
      "-mfunction-return=", "-mrecord-mcount", "-mpreferred-stack-boundary=",
      "-mskip-rax-setup", "-fmin-function-alignment=", "-falign-jumps=",
      "-falign-loops=", "-fplugin", "-fno-ipa-", "-fno-code-hoisting",
      "-fsched-pressure", "-fno-tree-", "-fno-inline-functions-called-once",
      "-fno-partial-inlining", "-fno-reorder-blocks", "-mno-fp-ret-in-387",
      "-fno-shrink-wrap", "-mharden-sls=", "-fpatchable-function-entry-"};
  return [](const tooling::CommandLineArguments &Args, StringRef) {
    tooling::CommandLineArguments Out;
    for (size_t I = 0; I < Args.size(); ++I) {
      StringRef A = Args[I];
      // kbuild's dependency files, through the preprocessor.
      if (A.starts_with("-Wp,-M"))
        continue;
      if (A == "--param") {
        ++I;
        continue;
      }
      if (A.starts_with("--param=") ||
          any_of(GccOnly, [&](const char *P) { return A.starts_with(P); }))
        continue;
      Out.push_back(Args[I]);
    }
    return Out;
  };
}

int runExtractWorker(StringRef CommandFile, StringRef Root,
                     StringRef OutFile) {
  std::string Err;
  auto DB = tooling::JSONCompilationDatabase::loadFromFile(
      CommandFile, Err, tooling::JSONCommandLineSyntax::AutoDetect);
  json::Object Out;
  if (!DB || DB->getAllCompileCommands().empty()) {
    Out["ok"] = false;
    Out["error"] = "bad worker command file: " + Err;
  } else {
    Extracted R = extractOne(DB->getAllCompileCommands().front(), Root);
    Out["ok"] = R.Ok;
    Out["error"] = R.Error;
    if (R.Ok)
      Out["facts"] = toJSON(R.Facts);
  }
  std::error_code EC;
  raw_fd_ostream OS(OutFile, EC);
  if (EC)
    return 2;
  OS << json::Value(std::move(Out));
  return OS.has_error() ? 2 : 0;
}

} // namespace lockgraph
