//===- kreach.cpp - The kreach command line --------------------------------===//
//
//   kreach index -p BUILD_DIR     bring the index up to date
//   kreach check -p BUILD_DIR     index, then report notifier-to-wait chains
//   kreach facts -p BUILD_DIR F   print the facts of one TU (debugging)
//   kreach explain -p BUILD_DIR ROOT   every chain from one function (text,
//                                 DOT, or an SVG drawn by Graphviz)
//
// Exit status: 0 no finding, 1 findings, 2 error.
//
//===----------------------------------------------------------------------===//

#include "kreach/ChangedFiles.h"
#include "kreach/Check.h"
#include "kreach/CompileDB.h"
#include "kreach/FileIO.h"
#include "kreach/Config.h"
#include "kreach/Indexer.h"
#include "kreach/Rules.h"
#include "kreach/Report.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace kreach;
namespace cl = llvm::cl;

enum ExitCode { ExitClean = 0, ExitFindings = 1, ExitError = 2 };

static cl::OptionCategory Category("kreach options");
static cl::SubCommand IndexCmd("index", "Bring the index of a build tree up to date");
static cl::SubCommand CheckCmd("check", "Index, then report notifier callbacks that can "
                                        "reach a dma_fence wait");
static cl::SubCommand FactsCmd("facts", "Print the facts kreach extracts from one TU");
static cl::SubCommand ExplainCmd("explain", "Print every shortest chain from one function "
                                            "to a dma_fence wait, or draw them");

static cl::opt<std::string> BuildPath("p", cl::desc("Build directory with compile_commands.json, "
                                                    "or the file itself"),
                                      cl::value_desc("dir"), cl::init("."),
                                      cl::sub(IndexCmd), cl::sub(CheckCmd),
                                      cl::sub(FactsCmd), cl::sub(ExplainCmd),
                                      cl::cat(Category));
static cl::opt<std::string> DBPath("db", cl::desc("Index file (default: kreach.db next to "
                                                  "compile_commands.json)"),
                                   cl::value_desc("file"), cl::sub(IndexCmd),
                                   cl::sub(CheckCmd), cl::sub(ExplainCmd), cl::cat(Category));
static cl::opt<unsigned> Jobs("j", cl::desc("Parallel parses (default: all cores)"), cl::Prefix,
                              cl::init(0), cl::sub(IndexCmd), cl::sub(CheckCmd),
                              cl::sub(ExplainCmd), cl::cat(Category));
static cl::opt<bool> Quiet("quiet", cl::desc("No per-TU progress"), cl::sub(IndexCmd),
                           cl::sub(CheckCmd), cl::sub(ExplainCmd), cl::cat(Category));
static cl::opt<bool> Rebuild("rebuild", cl::desc("Discard the index and start afresh"),
                             cl::sub(IndexCmd), cl::sub(CheckCmd), cl::cat(Category));
static cl::opt<bool> Prune("prune", cl::desc("Accept a compilation database that lists far "
                                            "fewer TUs than the index holds"),
                           cl::sub(IndexCmd), cl::sub(CheckCmd), cl::cat(Category));
static cl::opt<unsigned> MaxFailedTUs("max-failed-tus",
                                      cl::desc("How many TUs may fail to parse before "
                                               "check exits 2 (default 0)"),
                                      cl::init(0), cl::sub(CheckCmd), cl::sub(ExplainCmd),
                                      cl::cat(Category));
static cl::opt<std::string> ConfigPath("config", cl::desc("Configuration file (default: "
                                                          "<source root>/.kreach.yaml)"),
                                       cl::value_desc("file"), cl::sub(IndexCmd),
                                       cl::sub(CheckCmd), cl::sub(ExplainCmd),
                                       cl::cat(Category));
static cl::opt<std::string> SourceRoot("source-root",
                                       cl::desc("Kernel source root (default: detected)"),
                                       cl::value_desc("dir"), cl::sub(IndexCmd),
                                       cl::sub(CheckCmd), cl::sub(FactsCmd),
                                       cl::sub(ExplainCmd), cl::cat(Category));
enum class Format { Text, JSON, SARIF };
static cl::opt<Format> OutputFormat(
    "format", cl::desc("Output format"),
    cl::values(clEnumValN(Format::Text, "text", "clang-style diagnostics"),
               clEnumValN(Format::JSON, "json", "one JSON document"),
               clEnumValN(Format::SARIF, "sarif", "SARIF 2.1.0 log with call-chain "
                                                  "code flows")),
    cl::init(Format::Text), cl::sub(CheckCmd), cl::cat(Category));
static cl::opt<bool> All("all", cl::desc("Also list chains from roots in allowed paths"),
                         cl::sub(CheckCmd), cl::cat(Category));
static cl::opt<bool> AllRoots("all-roots",
                              cl::desc("Also treat release/clear_young/clear_flush_young/"
                                       "test_young callbacks as roots"),
                              cl::sub(CheckCmd), cl::sub(ExplainCmd), cl::cat(Category));
static cl::opt<bool> NoUpdate("no-update", cl::desc("Check the index as it is, without "
                                                    "re-indexing"),
                              cl::sub(CheckCmd), cl::sub(ExplainCmd), cl::cat(Category));
static cl::opt<std::string> FactsFile(cl::Positional, cl::desc("<source file>"),
                                      cl::sub(FactsCmd), cl::cat(Category));

// CI gating (check).
static cl::opt<std::string> OutputFile("o", cl::desc("Write the report to this file "
                                                     "instead of standard output"),
                                       cl::value_desc("file"), cl::sub(CheckCmd),
                                       cl::sub(ExplainCmd), cl::cat(Category));
static cl::opt<std::string> BaselineFile(
    "baseline",
    cl::desc("Earlier result (kreach JSON or SARIF); only findings not in it are new"),
    cl::value_desc("file"), cl::sub(CheckCmd), cl::cat(Category));
static cl::opt<std::string> WriteBaseline("write-baseline",
                                          cl::desc("Also write this run's findings as a "
                                                   "baseline (kreach JSON)"),
                                          cl::value_desc("file"), cl::sub(CheckCmd),
                                          cl::cat(Category));
enum class FailOn { Default, None, New, Any };
static cl::opt<FailOn> FailOnOpt(
    "fail-on", cl::desc("Which findings make the exit status 1 (default: new with "
                        "--baseline, any otherwise)"),
    cl::values(clEnumValN(FailOn::None, "none", "never; errors still exit 2"),
               clEnumValN(FailOn::New, "new", "findings not in the baseline"),
               clEnumValN(FailOn::Any, "any", "every finding outside the allowed paths")),
    cl::init(FailOn::Default), cl::sub(CheckCmd), cl::cat(Category));
static cl::opt<std::string> ChangedSince(
    "changed-since",
    cl::desc("Patch mode: re-index only what changed since this git revision, and "
             "report findings whose chain passes through a changed file"),
    cl::value_desc("rev"), cl::sub(CheckCmd), cl::cat(Category));
static cl::opt<std::string> ChangedFiles(
    "changed-files",
    cl::desc("Patch mode from a list of changed files (one per line, relative to the "
             "source root or absolute; '-' reads standard input)"),
    cl::value_desc("file"), cl::sub(CheckCmd), cl::cat(Category));

static cl::opt<bool> ConfigFromBase(
    "config-from-base",
    cl::desc("Patch mode with --changed-since: judge the patch by the configuration "
             "of the base revision, not the one the patch may have changed"),
    cl::sub(CheckCmd), cl::cat(Category));

// explain.
static cl::opt<std::string> ExplainRoot(cl::Positional,
                                        cl::desc("<function or file:function>"),
                                        cl::sub(ExplainCmd), cl::cat(Category));
enum class ExplainFormat { Text, Dot };
static cl::opt<ExplainFormat> ExplainFormatOpt(
    "format", cl::desc("Output format"),
    cl::values(clEnumValN(ExplainFormat::Text, "text", "one block per chain"),
               clEnumValN(ExplainFormat::Dot, "dot", "a Graphviz graph of all chains")),
    cl::init(ExplainFormat::Text), cl::sub(ExplainCmd), cl::cat(Category));
static cl::opt<std::string> SvgFile("svg", cl::desc("Draw the chains into this SVG file "
                                                    "(needs Graphviz's dot)"),
                                    cl::value_desc("file"), cl::sub(ExplainCmd),
                                    cl::cat(Category));
static cl::opt<std::string> ExplainRule("rule",
                                        cl::desc("Rule whose sinks and boundaries to "
                                                 "explain (default: the first)"),
                                        cl::value_desc("name"), cl::sub(ExplainCmd),
                                        cl::cat(Category));
static cl::opt<unsigned> MaxChains("max-chains",
                                   cl::desc("Most chains explain prints as text"),
                                   cl::init(100), cl::sub(ExplainCmd), cl::cat(Category));

/// "drivers/gpu/" when every rule allows the same paths, as the built-in
/// rules do.
static std::string allowedPathsOf(const RuleSet &Rules) {
  std::vector<const Rule *> Checked = Rules.ofKind(RuleKind::Reachability);
  for (const Rule *R : Checked)
    if (R->allowedPathsDescription() != Checked.front()->allowedPathsDescription())
      return "their rules' allowed paths";
  return Checked.empty() ? "any allowed path" : Checked.front()->allowedPathsDescription();
}

static int fail(const llvm::Twine &Message) {
  llvm::WithColor::error(llvm::errs(), "kreach") << Message << "\n";
  return ExitError;
}

static ProjectOverrides overrides() {
  ProjectOverrides O;
  O.SourceRoot = SourceRoot;
  O.IndexFile = DBPath;
  O.ConfigFile = ConfigPath;
  return O;
}

static llvm::Expected<Project> loadProject() {
  llvm::Expected<Project> P = openProject(BuildPath, overrides());
  if (!P)
    return P.takeError();
  // Each fallback is said once, whatever --quiet says: a gate must not be
  // quietly weaker than asked.
  for (const std::string &W : P->Paths.Warnings)
    llvm::WithColor::warning(llvm::errs(), "kreach") << W << "\n";
  return P;
}

static llvm::Expected<RuleSet> loadRules(const Project &P) {
  RulesConfig Config = RulesConfig::builtin();
  if (!P.Paths.ConfigFile.empty()) {
    llvm::Expected<RulesConfig> Loaded = loadConfigFile(P.Paths.ConfigFile, Config);
    if (!Loaded)
      return Loaded.takeError();
    Config = std::move(*Loaded);
  }
  if (AllRoots)
    Config.enableOptionalRoots();
  return RuleSet::create(Config);
}

static cl::opt<unsigned> LockTimeout("lock-timeout",
                                      cl::desc("Seconds to wait for another kreach "
                                               "writing the index (default: 600)"),
                                      cl::init(600), cl::sub(IndexCmd), cl::sub(CheckCmd),
                                      cl::sub(ExplainCmd), cl::cat(Category));

/// Opens the index. A command that does not update it needs one that
/// exists: creating an empty one and checking it would pass with nothing
/// checked.
static llvm::Expected<std::unique_ptr<Index>> openIndex(const Project &P, bool ForUpdate) {
  const std::string &Path = P.Paths.IndexFile;
  IndexOpenOptions Opts;
  Opts.Rebuild = Rebuild;
  Opts.LockTimeout = std::chrono::seconds(LockTimeout);
  if (!ForUpdate && !llvm::sys::fs::exists(Path))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "no index at '" + Path + "'; run 'kreach index -p " +
                                       BuildPath +
                                       "' first (--no-update checks an existing index)");
  // Patch mode may still forget TUs whose files the patch deleted.
  bool ReadOnly = !ForUpdate && ChangedSince.empty() && ChangedFiles.empty();
  return Index::open(Path, ReadOnly ? Index::Mode::ReadOnly : Index::Mode::ReadWrite, Opts);
}

static llvm::Expected<IndexRunStats>
runIndex(const Project &P, Index &I, const std::vector<std::string> *OnlyFiles = nullptr) {
  IndexOptions Opts;
  if (OnlyFiles) {
    // Patch mode trusts the rest of the index as the base tree's facts, even
    // where a fresh checkout changed every timestamp.
    Opts.OnlyFiles = *OnlyFiles;
    Opts.RemoveStale = false;
  }
  Opts.Jobs = Jobs;
  bool Terminal = llvm::errs().is_displayed() && !llvm::sys::Process::GetEnv("CI");
  Opts.Progress = !Quiet && Terminal;
  Opts.Verbose = !Quiet && !Terminal;
  Opts.SourceRoot = P.Paths.SourceRoot;
  return updateIndex(*P.CDB, I, Opts);
}

namespace {
/// What every index-backed command starts from.
struct Session {
  Project P;
  RuleSet Rules;
  std::unique_ptr<Index> I;
};
} // namespace

static llvm::Expected<Session> openSession(bool ForUpdate) {
  llvm::Expected<Project> P = loadProject();
  if (!P)
    return P.takeError();
  llvm::Expected<RuleSet> Rules = loadRules(*P);
  if (!Rules)
    return Rules.takeError();
  llvm::Expected<std::unique_ptr<Index>> I = openIndex(*P, ForUpdate);
  if (!I)
    return I.takeError();
  return Session{std::move(*P), std::move(*Rules), std::move(*I)};
}

static llvm::Error error(const llvm::Twine &Message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), Message);
}

/// Before a full indexing run: a database that lists nothing to check, or
/// far fewer TUs than the index holds, is refused rather than allowed to
/// empty the index (a truncated or wrong compile DB would otherwise pass
/// the gate with nothing checked).
static llvm::Error guardCompileDB(const Project &P, Index &I) {
  std::vector<std::string> Files = P.CDB->getAllFiles();
  size_t Sources = llvm::count_if(Files, [](const std::string &F) { return isSourceFile(F); });
  if (Sources == 0)
    return error("compilation database '" + P.Paths.CompileDB + "' lists no C translation "
                 "unit (" + llvm::Twine(Files.size()) + " entries); nothing to check");
  llvm::Expected<IndexCounts> Held = I.counts();
  if (!Held)
    return Held.takeError();
  if (!Prune && Held->TUs >= 4 && Sources * 2 < Held->TUs)
    return error("compilation database '" + P.Paths.CompileDB + "' lists " +
                 llvm::Twine(Sources) + " TUs but the index holds " +
                 llvm::Twine(Held->TUs) + "; pass --prune to drop the others");
  return llvm::Error::success();
}

/// The index as a whole, after this run: what it holds and why.
static void printIndexSummary(Index &I, const IndexRunStats &S, const PathMapper &Paths) {
  llvm::Expected<IndexCounts> Held = I.counts();
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
  llvm::errs() << "kreach: indexed " << S.Parsed << " of " << S.Total << " TUs ("
               << S.UpToDate << " up to date, " << S.Failed << " failed";
  if (S.Removed)
    llvm::errs() << ", " << S.Removed << " removed";
  llvm::errs() << ") in " << llvm::format("%.2f", S.Seconds) << "s; the index holds "
               << Held->TUs << " TUs (" << Held->FailedTUs << " failed)\n";
}

/// A gate that checked nothing, or less than it should, fails closed.
static llvm::Error checkCoverage(const IndexCounts &Held, const PathMapper &Paths, Index &I) {
  llvm::Expected<bool> Complete = I.isComplete();
  if (!Complete)
    return Complete.takeError();
  if (!*Complete && Held.TUs)
    return error("the index '" + I.path() + "' is incomplete (an indexing run did not "
                 "finish); run 'kreach index' to complete it");
  if (Held.TUs == 0)
    return error("the index holds no TU; nothing was checked");
  if (Held.FailedTUs == Held.TUs)
    return error("every TU in the index (" + llvm::Twine(Held.TUs) +
                 ") failed to parse; nothing was checked");
  if (Held.FailedTUs > MaxFailedTUs) {
    std::string Example;
    if (llvm::Expected<std::vector<TUState>> Failed = I.failedTUs()) {
      if (!Failed->empty())
        Example = " (e.g. " + Paths.relative(Failed->front().File) + ")";
    } else {
      llvm::consumeError(Failed.takeError());
    }
    return error(llvm::Twine(Held.FailedTUs) + " of " + llvm::Twine(Held.TUs) +
                 " TUs failed to parse" + Example +
                 ", so the check is incomplete; fix them or pass --max-failed-tus=" +
                 llvm::Twine(Held.FailedTUs));
  }
  return llvm::Error::success();
}

static int runIndexCommand() {
  llvm::Expected<Session> Opened = openSession(/*ForUpdate=*/true);
  if (!Opened)
    return fail(llvm::toString(Opened.takeError()));
  Session &Tree = *Opened;
  PathMapper Paths(Tree.P.Paths.SourceRoot);
  if (llvm::Error E = guardCompileDB(Tree.P, *Tree.I))
    return fail(llvm::toString(std::move(E)));
  llvm::Expected<IndexRunStats> S = runIndex(Tree.P, *Tree.I);
  if (!S)
    return fail(llvm::toString(S.takeError()));
  printIndexSummary(*Tree.I, *S, Paths);
  if (llvm::Error E = Tree.I->setMeta("source_root", Tree.P.Paths.SourceRoot))
    return fail(llvm::toString(std::move(E)));
  // Keep the summaries the per-TU front ends read in step with the facts.
  llvm::Expected<TreeCheck> R = checkTree(*Tree.I, Tree.Rules, Paths, false, S->Parsed > 0);
  if (!R)
    return fail(llvm::toString(R.takeError()));
  if (llvm::Error E = Tree.I->close())
    return fail(llvm::toString(std::move(E)));
  if (R->Stats.TUs && R->Stats.FailedTUs == R->Stats.TUs)
    return fail("every TU (" + llvm::Twine(R->Stats.TUs) + ") failed to parse");
  return ExitClean;
}

/// Runs git in the source root and returns its standard output. Git's own
/// error output becomes the first line of the error.
static llvm::Expected<std::string> runGit(llvm::StringRef Root,
                                          llvm::ArrayRef<llvm::StringRef> Args) {
  llvm::ErrorOr<std::string> Git = llvm::sys::findProgramByName("git");
  if (!Git)
    return error("--changed-since needs git, which is not on PATH");
  llvm::SmallString<128> OutPath, ErrPath;
  if (std::error_code EC = llvm::sys::fs::createTemporaryFile("kreach-git", "txt", OutPath))
    return llvm::createStringError(EC, "cannot create a temporary file");
  llvm::FileRemover RemoveOut(OutPath);
  if (std::error_code EC = llvm::sys::fs::createTemporaryFile("kreach-git", "err", ErrPath))
    return llvm::createStringError(EC, "cannot create a temporary file");
  llvm::FileRemover RemoveErr(ErrPath);
  std::vector<llvm::StringRef> Argv{*Git, "-C", Root};
  llvm::append_range(Argv, Args);
  std::optional<llvm::StringRef> Redirects[] = {llvm::StringRef(""), llvm::StringRef(OutPath),
                                                llvm::StringRef(ErrPath)};
  std::string Error;
  int RC = llvm::sys::ExecuteAndWait(*Git, Argv, std::nullopt, Redirects, 0, 0, &Error);
  if (RC != 0) {
    std::string Why = Error;
    if (llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> Err =
            llvm::MemoryBuffer::getFile(ErrPath, /*IsText=*/true))
      Why = (*Err)->getBuffer().trim().split('\n').first.str();
    return error("git " + Args.front() + " in '" + Root + "' failed" +
                 (Why.empty() ? "" : ": " + Why));
  }
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> Out =
      llvm::MemoryBuffer::getFile(OutPath, /*IsText=*/true);
  if (!Out)
    return llvm::createStringError(Out.getError(), "cannot read the output of git");
  return (*Out)->getBuffer().str();
}

/// The commit a user-given revision names. The value is never an option of
/// git's: a revision starting with '-' is refused, and git is told where
/// its options end.
static llvm::Expected<std::string> resolveRevision(llvm::StringRef Root, llvm::StringRef Rev) {
  if (Rev.empty() || Rev.starts_with("-"))
    return error("--changed-since: '" + Rev + "' is not a git revision");
  if (llvm::Expected<std::string> Dir = runGit(Root, {"rev-parse", "--git-dir"}); !Dir) {
    llvm::consumeError(Dir.takeError());
    return error("--changed-since: the source root '" + Root + "' is not in a git repository");
  }
  llvm::Expected<std::string> Commit =
      runGit(Root, {"rev-parse", "--verify", "--quiet", "--end-of-options",
                    Rev.str() + "^{commit}"});
  if (!Commit) {
    llvm::consumeError(Commit.takeError());
    return error("--changed-since: '" + Rev + "' is not a commit of the git repository at '" +
                 Root + "'");
  }
  return llvm::StringRef(*Commit).trim().str();
}

/// --changed-since as a commit: resolved once, however many parts of patch
/// mode ask for it (the changed files, the NOLINT scan, the base policy).
static llvm::Expected<std::string> baseCommit(llvm::StringRef Root) {
  static std::optional<std::string> Resolved;
  if (Resolved)
    return *Resolved;
  llvm::Expected<std::string> Commit = resolveRevision(Root, ChangedSince);
  if (Commit)
    Resolved = *Commit;
  return Commit;
}

/// The files a patch touches, relative to the source root where they are
/// under it (absolute otherwise).
static llvm::Expected<llvm::StringSet<>> loadChangedFiles(const Project &P,
                                                          const PathMapper &Paths) {
  std::string Text;
  if (!ChangedSince.empty()) {
    // --relative: names relative to the source root even when the kernel is
    // a subdirectory of the repository. New files a patch adds without
    // committing them count too.
    llvm::Expected<std::string> Base = baseCommit(P.Paths.SourceRoot);
    if (!Base)
      return Base.takeError();
    llvm::Expected<std::string> Diff = runGit(
        P.Paths.SourceRoot, {"diff", "--name-only", "--relative", "--end-of-options", *Base, "--"});
    if (!Diff)
      return Diff.takeError();
    llvm::Expected<std::string> Untracked =
        runGit(P.Paths.SourceRoot, {"ls-files", "--others", "--exclude-standard"});
    if (!Untracked)
      return Untracked.takeError();
    Text = *Diff + "\n" + *Untracked;
  }
  if (!ChangedFiles.empty()) {
    llvm::Expected<std::string> List =
        readUserFile(ChangedFiles, "changed-files list", MaxListBytes, /*AllowStdin=*/true);
    if (!List)
      return List.takeError();
    Text += "\n" + *List;
  }
  return parseChangedFiles(Text, Paths);
}

/// Patch mode: which TUs to re-parse (every TU whose main file or any input
/// changed, plus changed files the compile DB may list as new TUs), after
/// forgetting TUs whose file the patch deleted.
static llvm::Expected<std::vector<std::string>>
tusToReindex(const Project &P, const PathMapper &Paths, Index &I,
             const llvm::StringSet<> &Changed) {
  llvm::Expected<IndexCounts> Counts = I.counts();
  if (!Counts)
    return Counts.takeError();
  // Without the base tree's facts patch mode would see only the patch and
  // miss every chain that leaves it: say so rather than pass quietly.
  if (Counts->TUs == 0)
    llvm::WithColor::warning(llvm::errs(), "kreach")
        << "patch mode with an empty index: only the changed TUs will be known; "
           "index the base tree first (kreach index -p BUILD_DIR)\n";
  std::vector<std::string> ChangedPaths;
  for (const auto &C : Changed) {
    llvm::SmallString<256> Abs(C.getKey());
    if (!llvm::sys::path::is_absolute(Abs)) {
      Abs = P.Paths.SourceRoot;
      llvm::sys::path::append(Abs, C.getKey());
    }
    ChangedPaths.push_back(std::string(Abs));
  }
  llvm::Expected<std::vector<std::string>> Readers = I.tusReading(ChangedPaths);
  if (!Readers)
    return Readers.takeError();
  std::vector<std::string> Only;
  for (const std::string &TU : *Readers) {
    if (!llvm::sys::fs::exists(TU)) {
      if (llvm::Error E = I.removeTU(TU))
        return std::move(E);
      continue;
    }
    Only.push_back(TU);
  }
  // A changed file the index does not know may be a new TU.
  for (const std::string &Abs : ChangedPaths)
    if (!llvm::is_contained(*Readers, Abs))
      Only.push_back(Abs);
  llvm::sort(Only);
  Only.erase(std::unique(Only.begin(), Only.end()), Only.end());
  return Only;
}

/// Whether a finding's chain passes through the change: its root, a
/// registration, a call site or the definition of a function on the chain
/// lies in a changed file.
static bool touchesChange(const Finding &F, const CallGraph &G, const PathMapper &Paths,
                          const llvm::StringSet<> &Changed) {
  auto In = [&](llvm::StringRef File) {
    return !File.empty() && Changed.count(Paths.relative(File));
  };
  auto Defined = [&](llvm::StringRef Key) {
    NodeId N = G.lookup(Key);
    return N != NoNode && G.node(N).Def.File && In(G.file(G.node(N).Def.File));
  };
  if (In(F.RootLoc.File) || Defined(F.RootKey))
    return true;
  for (const Registration &R : F.Registrations)
    if (In(R.Site.File))
      return true;
  for (const Hop &H : F.Chain)
    if (In(H.Site.File) || Defined(H.CallerKey) || Defined(H.CalleeKey))
      return true;
  return false;
}

/// Refuses an output path that would overwrite one of the tree's own
/// inputs: the index (and its journal and lock), the compile DB or the
/// configuration.
static llvm::Error checkOutputPath(llvm::StringRef Out, const Project &P,
                                   llvm::StringRef Option) {
  llvm::SmallString<256> Abs(Out);
  llvm::sys::fs::make_absolute(Abs);
  llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
  std::vector<std::string> Protected = {P.Paths.CompileDB, P.Paths.ConfigFile};
  for (const char *Suffix : {"", "-wal", "-shm", "-journal", ".lock"})
    Protected.push_back(P.Paths.IndexFile + Suffix);
  for (const std::string &Keep : Protected) {
    if (Keep.empty())
      continue;
    bool Same = Abs == Keep;
    if (!Same && llvm::sys::fs::exists(Abs) && llvm::sys::fs::exists(Keep))
      llvm::sys::fs::equivalent(Abs, Keep, Same);
    if (Same)
      return error(Option + " '" + Out + "' would overwrite '" + Keep + "'");
  }
  return llvm::Error::success();
}

/// Flushes a stream and turns a write failure into one line (LLVM would
/// otherwise abort at exit with "IO failure on output stream").
static int finishOutput(llvm::raw_fd_ostream &OS, llvm::StringRef Name) {
  OS.flush();
  if (!OS.has_error())
    return ExitClean;
  std::error_code EC = OS.error();
  OS.clear_error();
  return fail("cannot write " + Name + ": " + EC.message());
}

/// Writes to OutputFile, or to standard output without one.
static int emit(llvm::function_ref<void(llvm::raw_ostream &)> Write) {
  if (OutputFile.empty() || OutputFile == "-") {
    Write(llvm::outs());
    return finishOutput(llvm::outs(), "standard output");
  }
  std::error_code EC;
  llvm::ToolOutputFile Out(OutputFile, EC, llvm::sys::fs::OF_Text);
  if (EC)
    return fail("cannot write '" + OutputFile + "': " + EC.message());
  Write(Out.os());
  if (int RC = finishOutput(Out.os(), "'" + OutputFile + "'"))
    return RC; // Out is not kept: a partial report is removed.
  Out.keep();
  return ExitClean;
}

/// A change a patch makes to the gate itself: its configuration, or a
/// NOLINT that silences the clang-tidy checks. Reported as a finding of its
/// own, so that a patch cannot quietly widen what it is judged by.
struct GateChange {
  std::string File;
  unsigned Line = 1;
  std::string Message;
};
constexpr const char *GateRuleName = "kreach-gate-change";

/// Replaces the session's policy by the one the base revision's
/// configuration gives (the defaults when the base has none).
static llvm::Error loadBaseRules(Session &Tree) {
  RulesConfig Config = RulesConfig::builtin();
  const std::string &Root = Tree.P.Paths.SourceRoot;
  llvm::Expected<std::string> Base = baseCommit(Root);
  if (!Base)
    return Base.takeError();
  std::string Rel = PathMapper(Root).relative(
      Tree.P.Paths.ConfigFile.empty() ? Root + "/" + ConfigFileName : Tree.P.Paths.ConfigFile);
  if (llvm::sys::path::is_absolute(Rel))
    return error("--config-from-base: the configuration '" + Rel +
                 "' is outside the source root");
  llvm::Expected<std::string> Exists =
      runGit(Root, {"ls-tree", "--name-only", "--end-of-options", *Base, "--", Rel});
  if (!Exists)
    return Exists.takeError();
  if (!llvm::StringRef(*Exists).trim().empty()) {
    llvm::Expected<std::string> Text =
        runGit(Root, {"show", "--end-of-options", *Base + ":./" + Rel});
    if (!Text)
      return Text.takeError();
    llvm::Expected<RulesConfig> Loaded =
        parseConfig(*Text, ChangedSince + ":" + Rel, std::move(Config));
    if (!Loaded)
      return Loaded.takeError();
    Config = std::move(*Loaded);
  }
  if (AllRoots)
    Config.enableOptionalRoots();
  llvm::Expected<RuleSet> Rules = RuleSet::create(Config);
  if (!Rules)
    return Rules.takeError();
  Tree.Rules = std::move(*Rules);
  return llvm::Error::success();
}

/// Lines a patch adds that carry a NOLINT, from `git diff -U0`.
static llvm::Expected<std::vector<GateChange>> addedNolints(llvm::StringRef Root,
                                                            llvm::StringRef Base) {
  llvm::Expected<std::string> Diff =
      runGit(Root, {"diff", "-U0", "--no-color", "--no-ext-diff", "--relative",
                    "--end-of-options", Base, "--"});
  if (!Diff)
    return Diff.takeError();
  std::vector<GateChange> Result;
  std::string File;
  unsigned Line = 0;
  llvm::SmallVector<llvm::StringRef, 0> Lines;
  llvm::StringRef(*Diff).split(Lines, '\n');
  for (llvm::StringRef L : Lines) {
    if (L.consume_front("+++ ")) {
      File = L.consume_front("b/") ? L.str() : std::string();
      continue;
    }
    if (L.starts_with("@@")) {
      // @@ -a,b +c,d @@: added lines count from c.
      size_t Plus = L.find(" +");
      Line = 0;
      if (Plus != llvm::StringRef::npos)
        L.substr(Plus + 2).take_while(llvm::isDigit).getAsInteger(10, Line);
      continue;
    }
    if (L.starts_with("+") && !File.empty()) {
      if (L.contains("NOLINT"))
        Result.push_back({File, Line,
                          "patch adds a NOLINT comment, which silences clang-tidy's "
                          "linuxkernel checks here; the gate reports it for review"});
      ++Line;
    }
  }
  return Result;
}

/// Gate changes as SARIF results of their own rule.
static void addGateResults(llvm::json::Value &Log, llvm::ArrayRef<GateChange> Gate) {
  if (Gate.empty())
    return;
  llvm::json::Object *Run = nullptr;
  if (llvm::json::Array *Runs = Log.getAsObject()->getArray("runs"))
    if (!Runs->empty())
      Run = (*Runs)[0].getAsObject();
  if (!Run)
    return;
  if (llvm::json::Object *Tool = Run->getObject("tool"))
    if (llvm::json::Object *Driver = Tool->getObject("driver"))
      if (llvm::json::Array *Rules = Driver->getArray("rules"))
        Rules->push_back(llvm::json::Object{
            {"id", GateRuleName},
            {"shortDescription",
             llvm::json::Object{{"text", "A patch changes what the kreach gate reports"}}},
            {"fullDescription",
             llvm::json::Object{{"text", "The patch edits kreach's configuration or adds a "
                                         "NOLINT; either can silence the gate it is judged "
                                         "by, so it is reported for review."}}},
            {"defaultConfiguration", llvm::json::Object{{"level", "warning"}}}});
  llvm::json::Array *Results = Run->getArray("results");
  if (!Results)
    return;
  for (const GateChange &G : Gate)
    Results->push_back(llvm::json::Object{
        {"ruleId", GateRuleName},
        {"level", "warning"},
        {"message", llvm::json::Object{{"text", G.Message}}},
        {"locations",
         llvm::json::Array{llvm::json::Object{
             {"physicalLocation",
              llvm::json::Object{
                  {"artifactLocation", llvm::json::Object{{"uri", G.File}}},
                  {"region", llvm::json::Object{{"startLine", G.Line}}}}}}}}});
}

/// Says once when chains start or end outside the source root: allowed
/// paths are relative to the root, so such files are matched by their
/// absolute paths (an out-of-tree module's callbacks are never inside
/// drivers/gpu/ unless a pattern names them absolutely).
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

static int runCheckCommand() {
  llvm::Expected<Session> Opened = openSession(/*ForUpdate=*/!NoUpdate);
  if (!Opened)
    return fail(llvm::toString(Opened.takeError()));
  Session &Tree = *Opened;
  PathMapper Paths(Tree.P.Paths.SourceRoot);
  for (auto [Out, Option] : {std::pair<llvm::StringRef, llvm::StringRef>{OutputFile, "-o"},
                             {WriteBaseline, "--write-baseline"}})
    if (!Out.empty() && Out != "-")
      if (llvm::Error E = checkOutputPath(Out, Tree.P, Option))
        return fail(llvm::toString(std::move(E)));

  // Read the baseline before the (long) indexing run, so a wrong path fails
  // fast.
  std::optional<llvm::StringSet<>> Baseline;
  if (!BaselineFile.empty()) {
    llvm::Expected<std::vector<std::string>> Prints = readBaseline(BaselineFile);
    if (!Prints)
      return fail(llvm::toString(Prints.takeError()));
    Baseline.emplace();
    for (const std::string &FP : *Prints)
      Baseline->insert(FP);
  }

  bool PatchMode = !ChangedSince.empty() || !ChangedFiles.empty();
  std::vector<GateChange> Gate;
  if (ConfigFromBase) {
    if (ChangedSince.empty())
      return fail("--config-from-base needs --changed-since");
    if (llvm::Error E = loadBaseRules(Tree))
      return fail(llvm::toString(std::move(E)));
  }
  llvm::StringSet<> Changed;
  std::vector<std::string> Reindex;
  if (PatchMode) {
    llvm::Expected<llvm::StringSet<>> C = loadChangedFiles(Tree.P, Paths);
    if (!C)
      return fail(llvm::toString(C.takeError()));
    Changed = std::move(*C);
    std::string ConfigRel =
        Tree.P.Paths.ConfigFile.empty() ? "" : Paths.relative(Tree.P.Paths.ConfigFile);
    if (!ConfigRel.empty() && Changed.count(ConfigRel) && !ConfigFromBase)
      Gate.push_back({ConfigRel, 1,
                      "patch changes kreach's configuration, which decides what this "
                      "gate reports; review it, or judge the patch with "
                      "--config-from-base"});
    if (!ChangedSince.empty()) {
      llvm::Expected<std::string> Base = baseCommit(Tree.P.Paths.SourceRoot);
      if (!Base)
        return fail(llvm::toString(Base.takeError()));
      llvm::Expected<std::vector<GateChange>> Nolints =
          addedNolints(Tree.P.Paths.SourceRoot, *Base);
      if (!Nolints)
        return fail(llvm::toString(Nolints.takeError()));
      llvm::append_range(Gate, *Nolints);
    }
    llvm::Expected<std::vector<std::string>> TUs = tusToReindex(Tree.P, Paths, *Tree.I, Changed);
    if (!TUs)
      return fail(llvm::toString(TUs.takeError()));
    Reindex = std::move(*TUs);
  }

  IndexRunStats S;
  // In patch mode with nothing to re-parse, updateIndex must not run: an
  // empty OnlyFiles means "every TU".
  if (!NoUpdate && !PatchMode)
    if (llvm::Error E = guardCompileDB(Tree.P, *Tree.I))
      return fail(llvm::toString(std::move(E)));
  if (!NoUpdate && (!PatchMode || !Reindex.empty())) {
    llvm::Expected<IndexRunStats> Run = runIndex(Tree.P, *Tree.I, PatchMode ? &Reindex : nullptr);
    if (!Run)
      return fail(llvm::toString(Run.takeError()));
    S = *Run;
    printIndexSummary(*Tree.I, S, Paths);
  }
  if (!NoUpdate)
    if (llvm::Error E = Tree.I->setMeta("source_root", Tree.P.Paths.SourceRoot))
      return fail(llvm::toString(std::move(E)));
  llvm::Expected<TreeCheck> R = checkTree(*Tree.I, Tree.Rules, Paths, All, S.Parsed > 0);
  if (!R)
    return fail(llvm::toString(R.takeError()));
  R->Stats.IndexSeconds = S.Seconds;
  R->Stats.Parsed = S.Parsed;
  IndexCounts Held;
  Held.TUs = R->Stats.TUs;
  Held.FailedTUs = R->Stats.FailedTUs;
  // The report is still written; the exit status says it is incomplete.
  std::string Incomplete;
  if (llvm::Error E = checkCoverage(Held, Paths, *Tree.I))
    Incomplete = llvm::toString(std::move(E));
  warnOutsideRoot(R->Findings, R->Graph, Paths);
  llvm::json::Array FailedList;
  if (llvm::Expected<std::vector<TUState>> Failed = Tree.I->failedTUs()) {
    for (const TUState &T : *Failed)
      FailedList.push_back(
          llvm::json::Object{{"file", Paths.relative(T.File)}, {"error", T.Error}});
  } else {
    llvm::consumeError(Failed.takeError());
  }

  size_t TreeFindings = R->Findings.size();
  if (PatchMode)
    llvm::erase_if(R->Findings, [&](const Finding &F) {
      return !touchesChange(F, R->Graph, Paths, Changed);
    });

  std::vector<BaselineState> States;
  if (Baseline)
    for (const Finding &F : R->Findings)
      States.push_back(Baseline->count(fingerprint(F)) ? BaselineState::Unchanged
                                                       : BaselineState::New);
  unsigned Violations = Gate.size(), NewViolations = Gate.size();
  for (size_t K = 0; K < R->Findings.size(); ++K) {
    if (R->Findings[K].Allowed)
      continue;
    ++Violations;
    if (States.empty() || States[K] == BaselineState::New)
      ++NewViolations;
  }

  if (!WriteBaseline.empty()) {
    std::error_code EC;
    llvm::ToolOutputFile Out(WriteBaseline, EC, llvm::sys::fs::OF_Text);
    if (EC)
      return fail("cannot write '" + WriteBaseline + "': " + EC.message());
    Out.os() << llvm::formatv("{0:2}", toJSON(R->Findings, R->Stats, Paths)) << "\n";
    if (int RC = finishOutput(Out.os(), "'" + WriteBaseline + "'"))
      return RC;
    Out.keep();
  }

  int Written = emit([&](llvm::raw_ostream &OS) {
    if (OutputFormat == Format::JSON) {
      llvm::json::Value Doc = toJSON(R->Findings, R->Stats, Paths, States);
      if (llvm::json::Object *Stats = Doc.getAsObject()->getObject("stats"))
        Stats->insert({"failed_tus", std::move(FailedList)});
      llvm::json::Array GateItems;
      for (const GateChange &G : Gate)
        GateItems.push_back(llvm::json::Object{
            {"rule", GateRuleName}, {"file", G.File}, {"line", G.Line}, {"message", G.Message}});
      Doc.getAsObject()->insert({"gate_changes", std::move(GateItems)});
      if (PatchMode)
        if (llvm::json::Object *Stats = Doc.getAsObject()->getObject("stats")) {
          llvm::json::Array Files;
          for (const auto &C : Changed)
            Files.push_back(C.getKey().str());
          llvm::sort(Files, [](const llvm::json::Value &A, const llvm::json::Value &B) {
            return *A.getAsString() < *B.getAsString();
          });
          Stats->insert({"changed_files", std::move(Files)});
          // TUs that read a changed file and were brought up to date; how
          // many of them needed a parse is "tus_parsed".
          Stats->insert({"tus_reindexed", S.Total});
          Stats->insert({"tree_findings", TreeFindings});
        }
      OS << llvm::formatv("{0:2}", Doc) << "\n";
    } else if (OutputFormat == Format::SARIF) {
      llvm::json::Value Log = toSARIF(R->Findings, Tree.Rules, Paths, States);
      addGateResults(Log, Gate);
      OS << llvm::formatv("{0:2}", Log) << "\n";
    } else {
      // Text is for people: what is already in the baseline is noise.
      std::vector<Finding> Shown;
      for (size_t K = 0; K < R->Findings.size(); ++K)
        if (States.empty() || States[K] == BaselineState::New)
          Shown.push_back(R->Findings[K]);
      printText(OS, Shown, Paths);
      for (const GateChange &G : Gate)
        OS << G.File << ":" << G.Line << ":1: warning: " << G.Message << " [" << GateRuleName
           << "]\n";
    }
  });
  if (Written != ExitClean)
    return Written;

  if (!Quiet) {
    llvm::raw_ostream &Log = llvm::errs();
    if (PatchMode)
      Log << "kreach: patch mode: " << Changed.size() << " changed file"
          << (Changed.size() == 1 ? "" : "s") << ", " << S.Total
          << " TUs read one (" << S.Parsed << " re-parsed); " << R->Findings.size()
          << " of " << TreeFindings << " findings pass through the change\n";
    Log << "kreach: " << Violations << " finding" << (Violations == 1 ? "" : "s")
        << " outside " << allowedPathsOf(Tree.Rules) << " ("
        << R->Findings.size() - Violations << " allowed listed)";
    if (Baseline)
      Log << ", " << NewViolations << " new, " << Violations - NewViolations
          << " in the baseline";
    Log << "; " << R->Stats.TUs << " TUs (" << R->Stats.FailedTUs << " failed), "
        << R->Stats.Functions << " functions, " << R->Stats.CallEdges << " call edges, "
        << R->Stats.Roots << " roots\n";
  }

  if (!Incomplete.empty())
    return fail(Incomplete);

  FailOn Mode = FailOnOpt;
  if (Mode == FailOn::Default)
    Mode = Baseline ? FailOn::New : FailOn::Any;
  switch (Mode) {
  case FailOn::None:
    return ExitClean;
  case FailOn::New:
    return NewViolations ? ExitFindings : ExitClean;
  case FailOn::Any:
  case FailOn::Default:
    break;
  }
  return Violations ? ExitFindings : ExitClean;
}

/// Finds the node ROOT names: a function key, a function name, or
/// "file:name" for a static function (file relative to the source root, or
/// any suffix of it).
static llvm::Expected<NodeId> findFunction(const CallGraph &G, const PathMapper &Paths,
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

/// Renders DOT into an SVG file with Graphviz.
static int renderSvg(llvm::StringRef DotText, llvm::StringRef SvgPath) {
  llvm::ErrorOr<std::string> Dot = llvm::sys::findProgramByName("dot");
  if (!Dot)
    return fail("--svg needs Graphviz's 'dot', which is not on PATH (Debian: apt install "
                "graphviz)");
  llvm::SmallString<128> DotPath;
  if (std::error_code EC = llvm::sys::fs::createTemporaryFile("kreach", "dot", DotPath))
    return fail("cannot create a temporary file: " + EC.message());
  llvm::FileRemover Remove(DotPath);
  {
    std::error_code EC;
    llvm::raw_fd_ostream OS(DotPath, EC, llvm::sys::fs::OF_Text);
    if (EC)
      return fail("cannot write '" + DotPath + "': " + EC.message());
    OS << DotText;
  }
  llvm::StringRef Argv[] = {*Dot, "-Tsvg", "-o", SvgPath, DotPath};
  std::string Error;
  int RC = llvm::sys::ExecuteAndWait(*Dot, Argv, std::nullopt, {}, 0, 0, &Error);
  if (RC != 0)
    return fail("'dot -Tsvg' failed" + (Error.empty() ? "" : ": " + Error));
  return ExitClean;
}

static int runExplainCommand() {
  if (ExplainRoot.empty())
    return fail("explain: no function given");
  llvm::Expected<Session> Opened = openSession(/*ForUpdate=*/!NoUpdate);
  if (!Opened)
    return fail(llvm::toString(Opened.takeError()));
  Session &Tree = *Opened;
  PathMapper Paths(Tree.P.Paths.SourceRoot);
  if (!OutputFile.empty() && OutputFile != "-")
    if (llvm::Error E = checkOutputPath(OutputFile, Tree.P, "-o"))
      return fail(llvm::toString(std::move(E)));
  IndexRunStats S;
  if (!NoUpdate) {
    if (llvm::Error E = guardCompileDB(Tree.P, *Tree.I))
      return fail(llvm::toString(std::move(E)));
    llvm::Expected<IndexRunStats> Run = runIndex(Tree.P, *Tree.I);
    if (!Run)
      return fail(llvm::toString(Run.takeError()));
    S = *Run;
    printIndexSummary(*Tree.I, S, Paths);
  }
  llvm::Expected<TreeCheck> R = checkTree(*Tree.I, Tree.Rules, Paths, true, S.Parsed > 0);
  if (!R)
    return fail(llvm::toString(R.takeError()));
  // An explanation from an index that misses TUs may miss chains: say so.
  IndexCounts Held;
  Held.TUs = R->Stats.TUs;
  Held.FailedTUs = R->Stats.FailedTUs;
  if (llvm::Error E = checkCoverage(Held, Paths, *Tree.I))
    return fail(llvm::toString(std::move(E)));
  llvm::Expected<NodeId> Root = findFunction(R->Graph, Paths, ExplainRoot);
  if (!Root)
    return fail(llvm::toString(Root.takeError()));
  const Rule *Explained = ExplainRule.empty() ? nullptr : Tree.Rules.find(ExplainRule);
  if (!ExplainRule.empty() && (!Explained || !R->stepsOf(*Explained)))
    return fail("--rule: no enabled reachability rule '" + ExplainRule + "'");
  if (!Explained && !R->Rules.empty())
    Explained = R->Rules.front().TheRule;
  if (!Explained)
    return fail("no enabled reachability rule to explain");
  const std::vector<SinkStep> &Steps = *R->stepsOf(*Explained);

  std::string DotText;
  llvm::raw_string_ostream DotOS(DotText);
  printDot(DotOS, R->Graph, Steps, *Root, Paths);
  if (!SvgFile.empty())
    if (int RC = renderSvg(DotText, SvgFile))
      return RC;
  // With --svg alone the picture is the output; text or DOT only on request.
  if (!SvgFile.empty() && ExplainFormatOpt.getNumOccurrences() == 0)
    return ExitClean;
  return emit([&](llvm::raw_ostream &OS) {
    if (ExplainFormatOpt == ExplainFormat::Dot)
      OS << DotText;
    else
      printChains(OS, R->Graph, Steps, *Root, Paths, MaxChains,
                  Explained->config().SinkKind);
  });
}

static int runFactsCommand() {
  llvm::Expected<Project> P = loadProject();
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
  llvm::raw_ostream &OS = llvm::outs();
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
  return finishOutput(llvm::outs(), "standard output");
}

int main(int argc, char **argv) {
  llvm::InitLLVM X(argc, argv);
  cl::HideUnrelatedOptions(Category);
  cl::SetVersionPrinter([](llvm::raw_ostream &OS) {
    OS << "kreach " << KREACH_VERSION << " (LLVM " << KREACH_LLVM_VERSION_MAJOR << ")\n";
  });
  if (!cl::ParseCommandLineOptions(argc, argv,
                                   "kreach: prove that no mmu notifier callback outside "
                                   "drivers/gpu can reach a dma_fence wait\n",
                                   &llvm::errs()))
    return ExitError;
  if (IndexCmd)
    return runIndexCommand();
  if (CheckCmd)
    return runCheckCommand();
  if (FactsCmd)
    return runFactsCommand();
  if (ExplainCmd)
    return runExplainCommand();
  return fail("no command given; try 'kreach check -p BUILD_DIR' or 'kreach --help'");
}
