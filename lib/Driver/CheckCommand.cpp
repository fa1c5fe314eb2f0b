//===- CheckCommand.cpp - kreach check: index, then report ----------------===//

#include "kreach/Check.h"
#include "kreach/Gate.h"
#include "kreach/Output.h"
#include "kreach/PatchMode.h"
#include "kreach/Session.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/TimeProfiler.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>

namespace kreach {

namespace {
/// One check run's results, as the report and the summary line show them.
struct CheckRun {
  const TreeCheck &R;
  const RuleSet &Rules;
  const PathMapper &Paths;
  const IndexRunStats &S;
  llvm::ArrayRef<BaselineState> States;
  llvm::ArrayRef<GateChange> Gate;
  bool PatchMode;
  const llvm::StringSet<> &Changed;
  size_t TreeFindings; ///< Before patch mode kept those through the change.
  bool ListUnresolved;
};

/// The calls value flow left unresolved, in source order.
std::vector<const UnresolvedCall *> sortedUnresolved(const CallGraph &G) {
  std::vector<const UnresolvedCall *> List;
  for (const UnresolvedCall &U : G.valueFlow().UnresolvedCalls)
    List.push_back(&U);
  llvm::sort(List, [&](const UnresolvedCall *A, const UnresolvedCall *B) {
    return std::make_tuple(G.file(A->Site.File), A->Site.Line, A->Site.Column, A->Kind) <
           std::make_tuple(G.file(B->Site.File), B->Site.Line, B->Site.Column, B->Kind);
  });
  List.erase(std::unique(List.begin(), List.end(),
                         [](const UnresolvedCall *A, const UnresolvedCall *B) {
                           return A->Site.File == B->Site.File &&
                                  A->Site.Line == B->Site.Line &&
                                  A->Site.Column == B->Site.Column && A->Kind == B->Kind &&
                                  A->What == B->What;
                         }),
             List.end());
  return List;
}
} // namespace

/// Says once when chains start or end outside the source root: allowed
/// paths are relative to the root, so such files are matched by their
/// absolute paths (an out-of-tree module's callbacks are never inside
/// drivers/gpu/ unless a pattern names them absolutely).
/// "drivers/gpu/" when every rule allows the same paths, as the built-in
/// rules do.
static std::string allowedPathsOf(const RuleSet &Rules) {
  std::vector<const Rule *> Checked = Rules.ofKind(RuleKind::Reachability);
  for (const Rule *R : Checked)
    if (R->allowedPathsDescription() != Checked.front()->allowedPathsDescription())
      return "their rules' allowed paths";
  return Checked.empty() ? "any allowed path" : Checked.front()->allowedPathsDescription();
}

static void warnOutsideRoot(llvm::ArrayRef<Finding> Findings, const CallGraph &G,
                            const PathMapper &Paths) {
  llvm::StringSet<> Outside;
  std::string Example;
  for (const Finding &F : Findings) {
    llvm::StringRef File = F.RootLoc.File;
    if (File.empty() || Paths.inside(File))
      continue;
    if (Outside.insert(File).second && Example.empty())
      Example = File.str();
  }
  if (Outside.empty())
    return;
  llvm::WithColor::warning(llvm::errs(), "kreach")
      << Outside.size() << " file" << (Outside.size() == 1 ? "" : "s")
      << " with notifier callbacks " << (Outside.size() == 1 ? "lies" : "lie")
      << " outside the source root '" << Paths.root()
      << "' (e.g. " << Example
      << "); allowed_paths match them by absolute path, so relative patterns never "
         "allow them\n";
}

static void writeReport(llvm::raw_ostream &OS, ReportFormat Format, const CheckRun &Run,
                        llvm::json::Array FailedList) {
  const TreeCheck &R = Run.R;
  if (Format == ReportFormat::JSON) {
    llvm::json::Value Doc = toJSON(R.Findings, R.Stats, Run.Paths, Run.States);
    if (llvm::json::Object *Stats = Doc.getAsObject()->getObject("stats"))
      Stats->insert({"failed_tus", std::move(FailedList)});
    Doc.getAsObject()->insert({"gate_changes", gateChangesToJSON(Run.Gate)});
    if (Run.PatchMode)
      if (llvm::json::Object *Stats = Doc.getAsObject()->getObject("stats")) {
        llvm::json::Array Files;
        for (const auto &C : Run.Changed)
          Files.push_back(C.getKey().str());
        llvm::sort(Files, [](const llvm::json::Value &A, const llvm::json::Value &B) {
          return *A.getAsString() < *B.getAsString();
        });
        Stats->insert({"changed_files", std::move(Files)});
        // TUs that read a changed file and were brought up to date; how
        // many of them needed a parse is "tus_parsed".
        Stats->insert({"tus_reindexed", Run.S.Total});
        Stats->insert({"tree_findings", Run.TreeFindings});
      }
    if (Run.ListUnresolved) {
      llvm::json::Array List;
      for (const UnresolvedCall *U : sortedUnresolved(R.Graph))
        List.push_back(llvm::json::Object{
            {"file", Run.Paths.relative(R.Graph.file(U->Site.File))},
            {"line", U->Site.Line},
            {"col", U->Site.Column},
            {"caller", R.Graph.node(U->Caller).Name},
            {"value", U->What},
            {"kind", unresolvedKindName(U->Kind)}});
      Doc.getAsObject()->insert({"unresolved", std::move(List)});
    }
    OS << llvm::formatv("{0:2}", Doc) << "\n";
  } else if (Format == ReportFormat::SARIF) {
    llvm::json::Value Log = toSARIF(R.Findings, Run.Rules, Run.Paths, Run.States);
    addGateResults(Log, Run.Gate);
    OS << llvm::formatv("{0:2}", Log) << "\n";
  } else {
    // Text is for people: what is already in the baseline is noise.
    std::vector<Finding> Shown;
    for (size_t K = 0; K < R.Findings.size(); ++K)
      if (Run.States.empty() || Run.States[K] == BaselineState::New)
        Shown.push_back(R.Findings[K]);
    printText(OS, Shown, Run.Paths);
    printGateChanges(OS, Run.Gate);
    if (Run.ListUnresolved)
      for (const UnresolvedCall *U : sortedUnresolved(R.Graph))
        OS << Run.Paths.relative(R.Graph.file(U->Site.File)) << ":" << U->Site.Line << ":"
           << U->Site.Column << ": note: call through '" << U->What << "' in '"
           << R.Graph.node(U->Caller).Name << "' is not resolved ("
           << unresolvedKindName(U->Kind) << ")\n";
  }
}

/// The one summary line (two in patch mode) on standard error.
static void printCheckSummary(const CheckRun &Run, const GateCounts &Counts,
                              bool HaveBaseline) {
  const TreeCheck &R = Run.R;
  const llvm::StringSet<> &Changed = Run.Changed;
  unsigned Violations = Counts.Violations, NewViolations = Counts.NewViolations;
  llvm::raw_ostream &Log = llvm::errs();
  if (Run.PatchMode)
    Log << "kreach: patch mode: " << Changed.size() << " changed file"
        << (Changed.size() == 1 ? "" : "s") << ", " << Run.S.Total
        << " TUs read one (" << Run.S.Parsed << " re-parsed); " << R.Findings.size()
        << " of " << Run.TreeFindings << " findings pass through the change\n";
  Log << "kreach: " << Violations << " finding" << (Violations == 1 ? "" : "s")
      << " outside " << allowedPathsOf(Run.Rules) << " ("
      << llvm::count_if(R.Findings, [](const Finding &F) { return F.Allowed; })
      << " allowed listed)";
  if (HaveBaseline)
    Log << ", " << NewViolations << " new, " << Violations - NewViolations
        << " in the baseline";
  Log << "; " << R.Stats.TUs << " TUs (" << R.Stats.FailedTUs << " failed), "
      << R.Stats.Functions << " functions, " << R.Stats.CallEdges << " call edges, "
      << R.Stats.Roots << " roots";
  // What the graph could not follow is said, never dropped in silence.
  if (uint64_t U = R.Stats.unresolvedValues())
    Log << "; " << U << " call" << (U == 1 ? "" : "s") << " through values not resolved"
        << (Run.ListUnresolved ? "" : " (--unresolved lists them)");
  Log << "\n";
}

/// Where the index's graph snapshot will be, as discovery will find it
/// (--db, or beside the compilation database): guessed before the project
/// loads, so patch mode can start reading it; a wrong guess only wastes the
/// read (GraphPrefetch::adopt compares it with the index's own).
static std::string likelySnapshotPath(const SessionOptions &O) {
  llvm::SmallString<256> Path;
  if (!O.Overrides.IndexFile.empty()) {
    Path = O.Overrides.IndexFile;
  } else {
    llvm::SmallString<256> DB(O.BuildPath);
    llvm::sys::fs::make_absolute(DB);
    llvm::sys::path::remove_dots(DB, /*remove_dot_dot=*/true);
    if (llvm::sys::fs::is_directory(DB))
      llvm::sys::path::append(DB, CompileDBFileName);
    // Beside the real database, as discovery puts it (a database linked
    // into the source tree keeps its index in the build directory).
    Path = llvm::sys::path::parent_path(realPathOr(DB));
    llvm::sys::path::append(Path, IndexFileName);
  }
  llvm::sys::fs::make_absolute(Path);
  return (Path + ".graph").str();
}

int runCheckCommand(const SessionOptions &O, const CheckOptions &C) {
  // Patch mode needs the base's snapshot before anything else, and on a
  // large tree loading the project takes a few tenths of a second: the read
  // starts first, of whatever snapshot is there.
  std::unique_ptr<GraphPrefetch> Speculative;
  if (O.patchMode() && !O.NoUpdate && !C.NoSplice)
    Speculative = GraphPrefetch::speculate(likelySnapshotPath(O));
  llvm::Expected<Session> Opened = [&] {
    llvm::TimeTraceScope Scope("open the project and its index");
    return openSession(O, /*ForUpdate=*/!O.NoUpdate);
  }();
  if (!Opened)
    return fail(llvm::toString(Opened.takeError()));
  Session &Tree = *Opened;
  PathMapper Paths(Tree.P.Paths.SourceRoot);
  // A configuration that turns every rule off (or leaves only the
  // analyzer's) would pass the gate with nothing asked of the tree.
  if (Tree.Rules.ofKind(RuleKind::Reachability).empty())
    return fail("no reachability rule is enabled" +
                (Tree.P.Paths.ConfigFile.empty()
                     ? std::string()
                     : " (configuration '" + Tree.P.Paths.ConfigFile + "')") +
                "; nothing to check");
  for (auto [Out, Option] :
       {std::pair<llvm::StringRef, llvm::StringRef>{C.OutputFile, "-o"},
        {C.WriteBaseline, "--write-baseline"}})
    if (!Out.empty() && Out != "-")
      if (llvm::Error E = checkOutputPath(Out, Tree.P, Option))
        return fail(llvm::toString(std::move(E)));

  // Read the baseline before the (long) indexing run, so a wrong path fails
  // fast.
  std::optional<llvm::StringSet<>> Baseline;
  if (!C.BaselineFile.empty()) {
    llvm::Expected<llvm::StringSet<>> Prints = loadBaselineSet(C.BaselineFile);
    if (!Prints)
      return fail(llvm::toString(Prints.takeError()));
    Baseline = std::move(*Prints);
  }

  bool PatchMode = O.patchMode();
  BaseRevision Base(Tree.P.Paths.SourceRoot, O.ChangedSince);
  std::vector<GateChange> Gate;
  if (C.ConfigFromBase) {
    if (O.ChangedSince.empty())
      return fail("--config-from-base needs --changed-since");
    llvm::Expected<RuleSet> BaseRules = loadBaseRules(Tree.P, Base, O.AllRoots);
    if (!BaseRules)
      return fail(llvm::toString(BaseRules.takeError()));
    Tree.Rules = std::move(*BaseRules);
  }
  llvm::StringSet<> Changed;
  std::vector<std::string> Reindex, Unbuilt;
  // Patch mode reads the base's snapshot from the start, on the other core:
  // what the change is, and what the TUs held, are read meanwhile.
  std::unique_ptr<GraphPrefetch> EarlyBase;
  if (PatchMode && !O.NoUpdate && !C.NoSplice) {
    if (Speculative && Speculative->adopt(*Tree.I, Tree.Rules))
      EarlyBase = std::move(Speculative);
    else
      EarlyBase = std::make_unique<GraphPrefetch>(*Tree.I, Tree.Rules, /*WithSearches=*/true);
  }
  // A read not adopted (another index than guessed) runs on unwaited for,
  // and is dropped when the check ends.
  if (PatchMode) {
    llvm::Expected<llvm::StringSet<>> Files = loadChangedFiles(O, Base, Paths);
    if (!Files)
      return fail(llvm::toString(Files.takeError()));
    Changed = std::move(*Files);
    llvm::Expected<std::vector<GateChange>> Changes =
        patchGateChanges(O, Tree.P, Paths, Changed, C.ConfigFromBase, Base);
    if (!Changes)
      return fail(llvm::toString(Changes.takeError()));
    Gate = std::move(*Changes);
    llvm::Expected<std::vector<std::string>> TUs =
        tusToReindex(Tree.P, *Tree.I, Changed, Unbuilt);
    if (!TUs)
      return fail(llvm::toString(TUs.takeError()));
    Reindex = std::move(*TUs);
  }

  // The snapshot is read on the other core while the update verifies the
  // inputs (a no-op check spends as long in each); taken only if no facts
  // changed.
  std::optional<GraphPrefetch> Prefetch;
  if (!O.NoUpdate && !PatchMode)
    Prefetch.emplace(*Tree.I, Tree.Rules);
  // Patch mode updates the base tree's graph for the change when it can,
  // instead of rebuilding it: what the TUs held is read before they are
  // re-parsed.
  std::unique_ptr<PatchSplice> Splice;
  if (PatchMode && !O.NoUpdate && !Reindex.empty() && !C.NoSplice) {
    std::vector<std::string> ChangedPaths;
    for (const auto &F : Changed)
      ChangedPaths.push_back(Paths.absolute(F.getKey()));
    llvm::TimeTraceScope Scope("read what the changed TUs held");
    Splice = std::make_unique<PatchSplice>(*Tree.I, Tree.Rules, Reindex, ChangedPaths,
                                           std::move(EarlyBase));
  }
  IndexRunStats S;
  // In patch mode with nothing to re-parse, updateIndex must not run: an
  // empty OnlyFiles means "every TU".
  if (!O.NoUpdate && !PatchMode)
    if (llvm::Error E = guardCompileDB(Tree.P, *Tree.I, O.Prune))
      return fail(llvm::toString(std::move(E)));
  if (!O.NoUpdate && (!PatchMode || !Reindex.empty())) {
    llvm::TimeTraceScope Scope("update the index");
    llvm::Expected<IndexRunStats> Run =
        runIndex(O, Tree.P, *Tree.I, PatchMode ? &Reindex : nullptr);
    if (!Run)
      return fail(llvm::toString(Run.takeError()));
    S = *Run;
    printIndexSummary(*Tree.I, S, Paths, O.Quiet);
  }
  if (!O.NoUpdate)
    if (llvm::Error E = Tree.I->recordPaths())
      return fail(llvm::toString(std::move(E)));
  std::unique_ptr<SplicedGraph> Spliced;
  std::string SpliceRefused;
  if (Splice) {
    llvm::TimeTraceScope Scope("splice the base graph");
    if (!Splice->refused().empty())
      SpliceRefused = Splice->refused();
    else if (S.Failed || S.Removed || S.stored() != Reindex.size())
      SpliceRefused = "the update did not re-parse exactly the changed TUs";
    else if (!(Spliced = Splice->take(*Tree.I, Tree.Rules)))
      SpliceRefused = Splice->refused();
    Splice.reset();
    if (!SpliceRefused.empty() && !O.Quiet)
      llvm::errs() << "kreach: patch mode: the graph is rebuilt from the index, since "
                   << SpliceRefused << "\n";
  }
  llvm::Expected<TreeCheck> Checked = [&] {
    llvm::TimeTraceScope Scope("check the tree");
    if (S.stored() > 0 || S.Removed > 0) {
      Prefetch.reset(); // Stale: freed before the rows are read.
      EarlyBase.reset();
    }
    // A patch that re-parsed nothing checks the graph read from the start.
    GraphPrefetch *Ahead = Prefetch ? &*Prefetch : EarlyBase.get();
    return checkTree(*Tree.I, Tree.Rules, Paths, C.All, S.stored() > 0, StepsFor::Roots, Ahead,
                     Spliced.get());
  }();
  if (!Checked)
    return fail(llvm::toString(Checked.takeError()));
  // The process ends right after the report: a whole tree's graph (millions
  // of edges and strings) is left for the exit to reclaim instead of freed
  // piece by piece, as clang leaves its AST. Reachable from a static, so
  // leak checkers do not count it.
  static TreeCheck *Kept;
  delete Kept; // An earlier check's, if a process ever runs two.
  Kept = new TreeCheck(std::move(*Checked));
  TreeCheck &R = *Kept;
  for (const std::string &W : R.Warnings)
    llvm::WithColor::warning(llvm::errs(), "kreach") << W << "\n";
  R.Stats.IndexSeconds = S.Seconds;
  R.Stats.SpliceRefused = SpliceRefused;
  R.Stats.Parsed = S.Parsed;
  R.Stats.FromBuild = S.FromBuild;
  IndexCounts Held;
  Held.TUs = R.Stats.TUs;
  Held.FailedTUs = R.Stats.FailedTUs;
  // The report is still written; the exit status says it is incomplete.
  std::string Incomplete;
  if (llvm::Error E = checkCoverage(Held, Paths, *Tree.I, O.MaxFailedTUs))
    Incomplete = llvm::toString(std::move(E));
  else if (O.NoUpdate)
    if (llvm::Error E = checkIndexCoversCompileDB(Tree.P, *Tree.I, Paths))
      Incomplete = llvm::toString(std::move(E));
  if (!Unbuilt.empty()) {
    std::string Line = "patch mode: " + std::to_string(Unbuilt.size()) +
                       " changed C file" + (Unbuilt.size() == 1 ? "" : "s") +
                       " that no command of the compilation database builds (" +
                       Paths.relative(Unbuilt.front()) +
                       (Unbuilt.size() > 1 ? ", ..." : "") + ") went unchecked";
    if (O.AllowUnbuilt)
      llvm::WithColor::warning(llvm::errs(), "kreach") << Line << "\n";
    else if (Incomplete.empty())
      Incomplete = Line + "; regenerate compile_commands.json, or pass --allow-unbuilt";
  }
  warnOutsideRoot(R.Findings, R.Graph, Paths);
  llvm::json::Array FailedList;
  if (llvm::Expected<std::vector<TUState>> Failed = Tree.I->failedTUs()) {
    for (const TUState &T : *Failed)
      FailedList.push_back(
          llvm::json::Object{{"file", Paths.relative(T.File)}, {"error", T.Error}});
  } else {
    llvm::consumeError(Failed.takeError());
  }

  size_t TreeFindings = R.Findings.size();
  if (PatchMode)
    llvm::erase_if(R.Findings, [&](const Finding &F) {
      return !touchesChange(F, R.Graph, Paths, Changed);
    });


  std::vector<BaselineState> States =
      baselineStates(R.Findings, Baseline ? &*Baseline : nullptr);
  GateCounts Counts = countViolations(R.Findings, States, Gate.size());

  if (!C.WriteBaseline.empty())
    if (int RC = writeOutputFile(C.WriteBaseline, [&](llvm::raw_ostream &OS) {
          OS << llvm::formatv("{0:2}", toJSON(R.Findings, R.Stats, Paths)) << "\n";
        }))
      return RC;

  CheckRun Run{R,      Tree.Rules, Paths,   S,           States,
               Gate,    PatchMode,  Changed, TreeFindings, C.ListUnresolved};
  int Written = emit(C.OutputFile, [&](llvm::raw_ostream &OS) {
    llvm::TimeTraceScope Scope("write the report");
    writeReport(OS, C.Format, Run, std::move(FailedList));
  });
  if (Written != ExitClean)
    return Written;
  if (!O.Quiet)
    printCheckSummary(Run, Counts, Baseline.has_value());

  if (!Incomplete.empty())
    return fail(Incomplete);
  return gateExitCode(C.FailOnMode, Baseline.has_value(), Counts);
}

} // namespace kreach
