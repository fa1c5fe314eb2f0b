//===- Session.cpp - A build tree opened for the CLI's commands -----------===//

#include "kreach/Session.h"

#include "kreach/Check.h"
#include "kreach/Facts.h"
#include "kreach/Indexer.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/TimeProfiler.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"
#include <optional>

namespace kreach {

int fail(const llvm::Twine &Message) {
  llvm::WithColor::error(llvm::errs(), "kreach") << Message << "\n";
  return ExitError;
}

llvm::Error lineError(const llvm::Twine &Message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), Message);
}

llvm::Expected<Project> loadProject(const SessionOptions &O) {
  llvm::Expected<Project> P = openProject(O.BuildPath, O.Overrides);
  if (!P)
    return P.takeError();
  // Each fallback is said once, whatever --quiet says: a gate must not be
  // quietly weaker than asked.
  for (const std::string &W : P->Paths.Warnings)
    llvm::WithColor::warning(llvm::errs(), "kreach") << W << "\n";
  return P;
}

llvm::Expected<RuleSet> loadRules(const Project &P, bool AllRoots) {
  llvm::Expected<RulesConfig> Config = loadRulesConfig(P.Paths.ConfigFile);
  if (!Config)
    return Config.takeError();
  if (AllRoots)
    Config->enableOptionalRoots();
  return RuleSet::create(*Config);
}

/// Opens the index. A command that does not update it needs one that
/// exists: creating an empty one and checking it would pass with nothing
/// checked.
static llvm::Expected<std::unique_ptr<Index>> openIndex(const SessionOptions &O,
                                                        const Project &P, bool ForUpdate) {
  const std::string &Path = P.Paths.IndexFile;
  IndexOpenOptions Opts;
  Opts.Rebuild = O.Rebuild;
  Opts.SourceRoot = P.Paths.SourceRoot;
  Opts.BuildDir = P.Paths.BuildDir;
  Opts.Spellings = P.Paths.Spellings;
  Opts.LockTimeout = std::chrono::seconds(O.LockTimeoutSeconds);
  if (!ForUpdate && !llvm::sys::fs::exists(Path))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "no index at '" + Path + "'; run 'kreach index -p " +
                                       O.BuildPath +
                                       "' first (--no-update checks an existing index)");
  // Patch mode may still forget TUs whose files the patch deleted.
  bool ReadOnly = !ForUpdate && !O.patchMode();
  return Index::open(Path, ReadOnly ? Index::Mode::ReadOnly : Index::Mode::ReadWrite, Opts);
}

llvm::Expected<IndexRunStats> runIndex(const SessionOptions &O, const Project &P, Index &I,
                                       const std::vector<std::string> *OnlyFiles) {
  IndexOptions Opts;
  if (OnlyFiles) {
    // Patch mode trusts the rest of the index as the base tree's facts, even
    // where a fresh checkout changed every timestamp.
    Opts.OnlyFiles = *OnlyFiles;
    Opts.RemoveStale = false;
  }
  Opts.Jobs = O.Jobs;
  bool Terminal = llvm::errs().is_displayed() && !llvm::sys::Process::GetEnv("CI");
  Opts.Progress = !O.Quiet && Terminal;
  Opts.Verbose = !O.Quiet && !Terminal;
  Opts.Shard = O.Shard;
  Opts.ShardCount = O.ShardCount;
  return updateIndex(*P.CDB, I, Opts);
}

llvm::Expected<Session> openSession(const SessionOptions &O, bool ForUpdate) {
  llvm::Expected<Project> P = [&] {
    llvm::TimeTraceScope Scope("load the project");
    return loadProject(O);
  }();
  if (!P)
    return P.takeError();
  llvm::Expected<RuleSet> Rules = loadRules(*P, O.AllRoots);
  if (!Rules)
    return Rules.takeError();
  llvm::TimeTraceScope Scope("open the index");
  llvm::Expected<std::unique_ptr<Index>> I = openIndex(O, *P, ForUpdate);
  if (!I)
    return I.takeError();
  return Session{std::move(*P), std::move(*Rules), std::move(*I)};
}

// A truncated or wrong compile DB would otherwise pass the gate with
// nothing checked, and empty the index.
llvm::Error guardCompileDB(const Project &P, Index &I, bool Prune) {
  std::vector<std::string> Files = P.CDB->getAllFiles();
  size_t Sources = llvm::count_if(Files, [](const std::string &F) { return isSourceFile(F); });
  if (Sources == 0)
    return lineError("compilation database '" + P.Paths.CompileDB + "' lists no C translation "
                     "unit (" + llvm::Twine(Files.size()) + " entries); nothing to check");
  llvm::Expected<IndexCounts> Held = I.counts(Index::CountScope::TUs);
  if (!Held)
    return Held.takeError();
  if (!Prune && Held->TUs >= 4 && Sources * 2 < Held->TUs)
    return lineError("compilation database '" + P.Paths.CompileDB + "' lists " +
                     llvm::Twine(Sources) + " TUs but the index holds " +
                     llvm::Twine(Held->TUs) + "; pass --prune to drop the others");
  return llvm::Error::success();
}

void printIndexSummary(Index &I, const IndexRunStats &S, const PathMapper &Paths, bool Quiet) {
  llvm::Expected<IndexCounts> Held = I.counts(Index::CountScope::TUs);
  if (!Held) {
    llvm::consumeError(Held.takeError());
    return;
  }
  // Failed TUs that this run did not re-parse (nothing changed since) are
  // still missing from the graph: say so again, not just the first time.
  if (S.Failed < Held->FailedTUs) {
    llvm::Expected<std::vector<TUState>> Failed = I.failedTUs();
    if (Failed) {
      unsigned Shown = 0;
      for (const TUState &T : *Failed) {
        if (++Shown > 10)
          break;
        llvm::WithColor::warning(llvm::errs(), "kreach")
            << Paths.relative(T.File) << ": " << T.Error << " (unchanged since it failed)\n";
      }
      if (Failed->size() > 10)
        llvm::WithColor::warning(llvm::errs(), "kreach")
            << Failed->size() - 10 << " more failed TUs (kreach check --format=json lists "
            << "them)\n";
    } else {
      llvm::consumeError(Failed.takeError());
    }
  }
  if (Quiet)
    return;
  llvm::errs() << "kreach: indexed " << S.stored() << " of " << S.Total << " TUs (";
  if (S.FromBuild)
    llvm::errs() << S.FromBuild << " from the build's objects, " << S.Parsed << " parsed, ";
  llvm::errs() << S.UpToDate << " up to date, " << S.Failed << " failed";
  if (S.Removed)
    llvm::errs() << ", " << S.Removed << " removed";
  llvm::errs() << ") in " << llvm::format("%.2f", S.Seconds) << "s; the index holds "
               << Held->TUs << " TUs (" << Held->FailedTUs << " failed)\n";
}

// --no-update trusts the index's facts as they are, but not to hold TUs it
// never had: an update cut short after the compile DB grew, or a DB of
// another tree, would otherwise have part of the tree checked as the whole.
llvm::Error checkIndexCoversCompileDB(const Project &P, Index &I, const PathMapper &Paths) {
  llvm::Expected<std::vector<std::string>> Held = I.tuFiles();
  if (!Held)
    return Held.takeError();
  llvm::StringSet<> InIndex;
  for (const std::string &F : *Held)
    InIndex.insert(F);
  llvm::StringSet<> Sources;
  size_t Missing = 0;
  std::string Example;
  for (const std::string &F : P.CDB->getAllFiles()) {
    if (!isSourceFile(F))
      continue;
    std::string File = normalizePath(F, "");
    if (!Sources.insert(File).second || InIndex.count(File))
      continue;
    if (!Missing++)
      Example = Paths.relative(File);
  }
  if (!Missing)
    return llvm::Error::success();
  return lineError("the index '" + I.path() + "' lacks " + llvm::Twine(Missing) + " of the " +
                   llvm::Twine(Sources.size()) + " TUs of the compilation database (e.g. " +
                   Example + "); run 'kreach index' or check without --no-update");
}

llvm::Error checkCoverage(const IndexCounts &Held, const PathMapper &Paths, Index &I,
                          unsigned MaxFailedTUs) {
  llvm::Expected<bool> Complete = I.isComplete();
  if (!Complete)
    return Complete.takeError();
  if (!*Complete && Held.TUs)
    return lineError("the index '" + I.path() + "' is incomplete (an indexing run did not "
                     "finish); run 'kreach index' to complete it");
  if (Held.TUs == 0)
    return lineError("the index holds no TU; nothing was checked");
  if (Held.FailedTUs == Held.TUs)
    return lineError("every TU in the index (" + llvm::Twine(Held.TUs) +
                     ") failed to parse; nothing was checked");
  if (Held.FailedTUs > MaxFailedTUs) {
    std::string Example;
    if (llvm::Expected<std::vector<TUState>> Failed = I.failedTUs()) {
      if (!Failed->empty())
        Example = " (e.g. " + Paths.relative(Failed->front().File) + ")";
    } else {
      llvm::consumeError(Failed.takeError());
    }
    return lineError(llvm::Twine(Held.FailedTUs) + " of " + llvm::Twine(Held.TUs) +
                     " TUs failed to parse" + Example +
                     ", so the check is incomplete; fix them or pass --max-failed-tus=" +
                     llvm::Twine(Held.FailedTUs));
  }
  return llvm::Error::success();
}

int runIndexCommand(const SessionOptions &O) {
  llvm::Expected<Session> Opened = openSession(O, /*ForUpdate=*/true);
  if (!Opened)
    return fail(llvm::toString(Opened.takeError()));
  Session &Tree = *Opened;
  PathMapper Paths(Tree.P.Paths.SourceRoot);
  if (llvm::Error E = guardCompileDB(Tree.P, *Tree.I, O.Prune))
    return fail(llvm::toString(std::move(E)));
  // As check does: the snapshot read ahead on the other core, for the
  // summaries below when no facts changed (a shard writes none).
  std::optional<GraphPrefetch> Prefetch;
  if (!O.ShardCount)
    Prefetch.emplace(*Tree.I, Tree.Rules);
  llvm::Expected<IndexRunStats> S = runIndex(O, Tree.P, *Tree.I);
  if (!S)
    return fail(llvm::toString(S.takeError()));
  if (S->stored() > 0 || S->Removed > 0)
    Prefetch.reset(); // Stale: freed before the rows are read.
  printIndexSummary(*Tree.I, *S, Paths, O.Quiet);
  if (llvm::Error E = Tree.I->recordPaths())
    return fail(llvm::toString(std::move(E)));
  // A shard is a part of a tree: its summaries would be a part's, and
  // `kreach merge` computes the tree's once.
  if (O.ShardCount) {
    if (llvm::Error E = Tree.I->close())
      return fail(llvm::toString(std::move(E)));
    return ExitClean;
  }
  // Keep the summaries the per-TU front ends read in step with the facts.
  llvm::Expected<TreeCheck> R = checkTree(*Tree.I, Tree.Rules, Paths, false, S->stored() > 0,
                                          StepsFor::Roots, Prefetch ? &*Prefetch : nullptr);
  if (!R)
    return fail(llvm::toString(R.takeError()));
  for (const std::string &W : R->Warnings)
    llvm::WithColor::warning(llvm::errs(), "kreach") << W << "\n";
  if (llvm::Error E = Tree.I->close())
    return fail(llvm::toString(std::move(E)));
  if (R->Stats.TUs && R->Stats.FailedTUs == R->Stats.TUs)
    return fail("every TU (" + llvm::Twine(R->Stats.TUs) + ") failed to parse");
  return ExitClean;
}

} // namespace kreach
