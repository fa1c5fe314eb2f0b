//===- FactsDump.cpp - kreach facts: one TU's facts as text ---------------===//

#include "kreach/FactsDump.h"
#include "kreach/FactKinds.h"
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
  // A fact prints as its table's name, then "owner -> values" (values
  // joined by " = "), its site, and for a kind that may sit at file scope,
  // " in owner" when it does not.
  llvm::SmallVector<FactValue, 8> Values;
  for (const FactKindInfo &K : factKinds()) {
    for (size_t I = 0, E = factCount(Facts, K.Kind); I != E; ++I) {
      Values.clear();
      factValues(Facts, K.Kind, I, Values);
      OS << K.Table;
      const char *Sep = " ";
      std::string Owner;
      const SourcePos *Site = nullptr;
      for (auto [C, V] : llvm::zip_equal(K.Columns, Values)) {
        switch (C.Kind) {
        case ColumnKind::Owner:
          if (K.FileScope) {
            Owner = V.Text.str();
          } else {
            OS << Sep << Key(V.Text);
            Sep = " -> ";
          }
          break;
        case ColumnKind::Symbol:
          OS << Sep << Key(V.Text);
          Sep = " = ";
          break;
        case ColumnKind::Field:
        case ColumnKind::Text:
          OS << Sep << V.Text;
          Sep = " = ";
          break;
        case ColumnKind::Integer:
          OS << Sep << V.Int;
          Sep = " = ";
          break;
        case ColumnKind::File:
          Site = V.Site;
          break;
        case ColumnKind::OwnerTU:
        case ColumnKind::Line:
        case ColumnKind::Col:
          break;
        }
      }
      if (Site)
        OS << " at " << Where(*Site);
      if (!Owner.empty())
        OS << " in " << Key(Owner);
      OS << "\n";
    }
  }
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
  PathMapper Paths(P->Paths.SourceRoot, P->Paths.BuildDir);
  TUFacts Facts = parseTU(Cmds.front(), Paths, FirstError);
  if (!FirstError.empty())
    return fail(FirstError);
  printFacts(llvm::outs(), Facts, Paths);
  return finishOutput(llvm::outs(), "standard output");
}

} // namespace kreach
