//===- Explain.cpp - kreach explain: every chain from one function --------===//

#include "kreach/Explain.h"
#include "kreach/Report.h"
#include "kreach/Check.h"
#include "kreach/Output.h"
#include "kreach/Session.h"

#include "llvm/Support/WithColor.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

namespace kreach {

llvm::Expected<NodeId> findFunction(const CallGraph &G, const PathMapper &Paths,
                                    llvm::StringRef Spec) {
  NodeId Exact = G.lookup(Spec);
  if (Exact != NoNode && G.node(Exact).Defined)
    return Exact;
  llvm::StringRef File, Name = Spec;
  size_t Colon = Spec.rfind(':');
  if (Colon != llvm::StringRef::npos) {
    File = Spec.substr(0, Colon);
    Name = Spec.substr(Colon + 1);
  }
  std::vector<NodeId> Matches;
  for (NodeId N = 0; N < G.size(); ++N) {
    const Node &Nd = G.node(N);
    if (Nd.Name != Name || !Nd.Defined)
      continue;
    if (!File.empty()) {
      std::string Def = Nd.Def.File ? Paths.relative(G.file(Nd.Def.File)) : "";
      llvm::StringRef D(Def);
      if (D != File && !(D.ends_with(File) && D.drop_back(File.size()).ends_with("/")))
        continue;
    }
    Matches.push_back(N);
  }
  if (Matches.size() == 1)
    return Matches.front();
  if (Matches.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "no function '" + Spec + "' is defined in the index");
  std::string Msg = "'" + Spec.str() + "' is ambiguous; name one of:";
  for (NodeId N : Matches)
    Msg += " " + Paths.relative(G.file(G.node(N).Def.File)) + ":" + G.node(N).Name;
  return llvm::createStringError(llvm::inconvertibleErrorCode(), Msg);
}

llvm::Error renderSvg(llvm::StringRef DotText, llvm::StringRef SvgPath) {
  llvm::ErrorOr<std::string> Dot = llvm::sys::findProgramByName("dot");
  if (!Dot)
    return lineError("--svg needs Graphviz's 'dot', which is not on PATH (Debian: apt install "
                     "graphviz)");
  llvm::SmallString<128> DotPath;
  if (std::error_code EC = llvm::sys::fs::createTemporaryFile("kreach", "dot", DotPath))
    return lineError("cannot create a temporary file: " + EC.message());
  llvm::FileRemover Remove(DotPath);
  {
    std::error_code EC;
    llvm::raw_fd_ostream OS(DotPath, EC, llvm::sys::fs::OF_Text);
    if (EC)
      return lineError("cannot write '" + DotPath + "': " + EC.message());
    OS << DotText;
  }
  llvm::StringRef Argv[] = {*Dot, "-Tsvg", "-o", SvgPath, DotPath};
  std::string Error;
  int RC = llvm::sys::ExecuteAndWait(*Dot, Argv, std::nullopt, {}, 0, 0, &Error);
  if (RC != 0)
    return lineError("'dot -Tsvg' failed" + (Error.empty() ? "" : ": " + Error));
  return llvm::Error::success();
}

int runExplainCommand(const SessionOptions &O, const ExplainOptions &E) {
  if (E.Root.empty())
    return fail("explain: no function given");
  llvm::Expected<Session> Opened = openSession(O, /*ForUpdate=*/!O.NoUpdate);
  if (!Opened)
    return fail(llvm::toString(Opened.takeError()));
  Session &Tree = *Opened;
  PathMapper Paths(Tree.P.Paths.SourceRoot);
  if (!E.OutputFile.empty() && E.OutputFile != "-")
    if (llvm::Error Err = checkOutputPath(E.OutputFile, Tree.P, "-o"))
      return fail(llvm::toString(std::move(Err)));
  IndexRunStats S;
  if (!O.NoUpdate) {
    if (llvm::Error Err = guardCompileDB(Tree.P, *Tree.I, O.Prune))
      return fail(llvm::toString(std::move(Err)));
    llvm::Expected<IndexRunStats> Run = runIndex(O, Tree.P, *Tree.I);
    if (!Run)
      return fail(llvm::toString(Run.takeError()));
    S = *Run;
    printIndexSummary(*Tree.I, S, Paths, O.Quiet);
  }
  llvm::Expected<TreeCheck> R = checkTree(*Tree.I, Tree.Rules, Paths, true, S.stored() > 0,
                                          StepsFor::EveryFunction);
  if (!R)
    return fail(llvm::toString(R.takeError()));
  for (const std::string &W : R->Warnings)
    llvm::WithColor::warning(llvm::errs(), "kreach") << W << "\n";
  // An explanation from an index that misses TUs may miss chains: say so.
  IndexCounts Held;
  Held.TUs = R->Stats.TUs;
  Held.FailedTUs = R->Stats.FailedTUs;
  if (llvm::Error Err = checkCoverage(Held, Paths, *Tree.I, O.MaxFailedTUs))
    return fail(llvm::toString(std::move(Err)));
  if (O.NoUpdate)
    if (llvm::Error Err = checkIndexCoversCompileDB(Tree.P, *Tree.I, Paths))
      return fail(llvm::toString(std::move(Err)));
  llvm::Expected<NodeId> Root = findFunction(R->Graph, Paths, E.Root);
  if (!Root)
    return fail(llvm::toString(Root.takeError()));
  const Rule *Explained = E.Rule.empty() ? nullptr : Tree.Rules.find(E.Rule);
  if (!E.Rule.empty() && (!Explained || !R->stepsOf(*Explained)))
    return fail("--rule: no enabled reachability rule '" + E.Rule + "'");
  if (!Explained && !R->Rules.empty())
    Explained = R->Rules.front().TheRule;
  if (!Explained)
    return fail("no enabled reachability rule to explain");
  const std::vector<SinkStep> &Steps = *R->stepsOf(*Explained);

  std::string DotText;
  llvm::raw_string_ostream DotOS(DotText);
  printDot(DotOS, R->Graph, Steps, *Root, Paths);
  if (!E.SvgFile.empty())
    if (llvm::Error Err = renderSvg(DotText, E.SvgFile))
      return fail(llvm::toString(std::move(Err)));
  // With --svg alone the picture is the output; text or DOT only on request.
  if (!E.SvgFile.empty() && !E.FormatGiven)
    return ExitClean;
  return emit(E.OutputFile, [&](llvm::raw_ostream &OS) {
    if (E.Format == ExplainFormat::Dot)
      OS << DotText;
    else
      printChains(OS, R->Graph, Steps, *Root, Paths, E.MaxChains,
                  Explained->config().SinkKind);
  });
}

} // namespace kreach
