//===- FactsDump.cpp - kreach facts: one TU's facts as text ---------------===//

#include "kreach/FactsDump.h"
#include "kreach/Indexer.h"
#include "kreach/Output.h"
#include "kreach/Session.h"

#include "llvm/Support/FileSystem.h"

namespace kreach {

void printFacts(llvm::raw_ostream &OS, const TUFacts &Facts, const PathMapper &Paths) {
  auto Where = [&](const SourcePos &Pos) {
    return Paths.relative(Pos.File) + ":" + std::to_string(Pos.Line) + ":" +
           std::to_string(Pos.Column);
  };
  auto Key = [&](llvm::StringRef K) {
    size_t Colon = K.rfind(':');
    return Colon == llvm::StringRef::npos ? K.str()
                                          : Paths.relative(K.substr(0, Colon)) +
                                                K.substr(Colon).str();
  };
  for (const FunctionFact &F : Facts.Functions)
    OS << "function " << Key(F.Key) << " " << (F.Internal ? "internal" : "external")
       << " at " << Where(F.Loc) << "\n";
  for (const CallFact &C : Facts.Calls)
    OS << "call " << Key(C.Caller) << " -> " << Key(C.Callee) << " at " << Where(C.Site)
       << "\n";
  for (const IndirectCallFact &C : Facts.IndirectCalls)
    OS << "icall " << Key(C.Caller) << " -> " << C.Field << " at " << Where(C.Site) << "\n";
  for (const StoreFact &S : Facts.Stores)
    OS << "store " << S.Field << " = " << Key(S.Target) << " at " << Where(S.Site)
       << (S.Owner.empty() ? "" : " in " + Key(S.Owner)) << "\n";
  OS << "unresolved-indirect " << Facts.UnresolvedIndirectCalls << "\n";
}

int runFactsCommand(const SessionOptions &O, llvm::StringRef FactsFile) {
  llvm::Expected<Project> P = loadProject(O);
  if (!P)
    return fail(llvm::toString(P.takeError()));
  if (FactsFile.empty())
    return fail("facts: no source file given");
  llvm::SmallString<256> File(FactsFile);
  llvm::sys::fs::make_absolute(File);
  std::vector<clang::tooling::CompileCommand> Cmds = P->CDB->getCompileCommands(File);
  if (Cmds.empty())
    return fail("no compile command for '" + File.str() + "'");
  std::string FirstError;
  TUFacts Facts = parseTU(Cmds.front(), FirstError);
  if (!FirstError.empty())
    return fail(FirstError);
  PathMapper Paths(P->Paths.SourceRoot);
  printFacts(llvm::outs(), Facts, Paths);
  return finishOutput(llvm::outs(), "standard output");
}

} // namespace kreach
