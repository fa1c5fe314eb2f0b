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
#include "kreach/Config.h"
#include "kreach/Indexer.h"
#include "kreach/Policy.h"
#include "kreach/Report.h"

#include "clang/Tooling/JSONCompilationDatabase.h"
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
static cl::opt<unsigned> Jobs("j", cl::desc("Parallel parses (default: all cores)"),
                              cl::init(0), cl::sub(IndexCmd), cl::sub(CheckCmd),
                              cl::sub(ExplainCmd), cl::cat(Category));
static cl::opt<bool> Quiet("quiet", cl::desc("No per-TU progress"), cl::sub(IndexCmd),
                           cl::sub(CheckCmd), cl::sub(ExplainCmd), cl::cat(Category));
static cl::opt<bool> Rebuild("rebuild", cl::desc("Discard the index and start afresh"),
                             cl::sub(IndexCmd), cl::sub(CheckCmd), cl::cat(Category));
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
static cl::opt<unsigned> MaxChains("max-chains",
                                   cl::desc("Most chains explain prints as text"),
                                   cl::init(100), cl::sub(ExplainCmd), cl::cat(Category));

static int fail(const llvm::Twine &Message) {
  llvm::WithColor::error(llvm::errs(), "kreach") << Message << "\n";
  return ExitError;
}

namespace {
struct Project {
  std::unique_ptr<clang::tooling::CompilationDatabase> CDB;
  std::string DBDir;
  std::string SourceRoot;
};
} // namespace

static llvm::Expected<Project> loadProject() {
  Project P;
  llvm::SmallString<256> Path(BuildPath);
  llvm::sys::fs::make_absolute(Path);
  if (llvm::sys::fs::is_directory(Path))
    llvm::sys::path::append(Path, "compile_commands.json");
  if (!llvm::sys::fs::exists(Path))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "no compilation database at '" + Path.str() + "'");
  std::string Error;
  P.CDB = clang::tooling::JSONCompilationDatabase::loadFromFile(
      Path, Error, clang::tooling::JSONCommandLineSyntax::AutoDetect);
  if (!P.CDB) {
    // The JSON parser's message spans lines; keep the first.
    llvm::StringRef First = llvm::StringRef(Error).split('\n').first;
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot load compilation database '" + Path.str() +
                                       "': " + First.str());
  }
  P.DBDir = std::string(llvm::sys::path::parent_path(Path));
  if (!SourceRoot.empty()) {
    llvm::SmallString<256> Root(SourceRoot);
    if (llvm::sys::fs::real_path(SourceRoot, Root))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "source root '" + SourceRoot + "' does not exist");
    P.SourceRoot = std::string(Root);
  } else {
    // Only the first entry's directory is needed; expanding every command of
    // a kernel's database would cost more than patch mode's whole parse.
    std::vector<std::string> Files = P.CDB->getAllFiles();
    std::vector<clang::tooling::CompileCommand> First;
    if (!Files.empty())
      First = P.CDB->getCompileCommands(Files.front());
    P.SourceRoot = detectSourceRoot(P.DBDir, First.empty() ? "" : First.front().Directory);
  }
  return std::move(P);
}

static llvm::Expected<Policy> loadPolicy(const Project &P) {
  PolicyConfig Config = PolicyConfig::defaults();
  std::string Path = ConfigPath;
  if (Path.empty()) {
    llvm::SmallString<256> Default(P.SourceRoot);
    llvm::sys::path::append(Default, ".kreach.yaml");
    if (llvm::sys::fs::exists(Default))
      Path = std::string(Default);
  }
  if (!Path.empty()) {
    llvm::Expected<PolicyConfig> Loaded = loadConfigFile(Path, Config);
    if (!Loaded)
      return Loaded.takeError();
    Config = std::move(*Loaded);
  }
  if (AllRoots)
    llvm::append_range(Config.RootFields, PolicyConfig::optionalRootFields());
  return Policy::create(Config);
}

static std::string indexPath(const Project &P) {
  if (!DBPath.empty())
    return DBPath;
  llvm::SmallString<256> Path(P.DBDir);
  llvm::sys::path::append(Path, "kreach.db");
  return std::string(Path);
}

static llvm::Expected<std::unique_ptr<Index>> openIndex(const Project &P) {
  std::string Path = indexPath(P);
  if (Rebuild)
    for (const char *Suffix : {"", "-wal", "-shm"})
      llvm::sys::fs::remove(Path + Suffix);
  return Index::open(Path, Index::Mode::ReadWrite);
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
  Opts.SourceRoot = P.SourceRoot;
  return updateIndex(*P.CDB, I, Opts);
}

namespace {
/// What every index-backed command starts from.
struct Session {
  Project P;
  Policy Pol;
  std::unique_ptr<Index> I;
};
} // namespace

static llvm::Expected<Session> openSession() {
  llvm::Expected<Project> P = loadProject();
  if (!P)
    return P.takeError();
  llvm::Expected<Policy> Pol = loadPolicy(*P);
  if (!Pol)
    return Pol.takeError();
  llvm::Expected<std::unique_ptr<Index>> I = openIndex(*P);
  if (!I)
    return I.takeError();
  return Session{std::move(*P), std::move(*Pol), std::move(*I)};
}

static void printIndexSummary(const IndexRunStats &S) {
  if (Quiet)
    return;
  llvm::errs() << "kreach: indexed " << S.Parsed << " of " << S.Total << " TUs ("
               << S.UpToDate << " up to date, " << S.Failed << " failed";
  if (S.Removed)
    llvm::errs() << ", " << S.Removed << " removed";
  llvm::errs() << ") in " << llvm::format("%.2f", S.Seconds) << "s\n";
}

static int runIndexCommand() {
  llvm::Expected<Session> Opened = openSession();
  if (!Opened)
    return fail(llvm::toString(Opened.takeError()));
  Session &Tree = *Opened;
  llvm::Expected<IndexRunStats> S = runIndex(Tree.P, *Tree.I);
  if (!S)
    return fail(llvm::toString(S.takeError()));
  printIndexSummary(*S);
  // Keep the summaries the per-TU front ends read in step with the facts.
  PathMapper Paths(Tree.P.SourceRoot);
  llvm::Expected<TreeCheck> R = checkTree(*Tree.I, Tree.Pol, Paths, false, S->Parsed > 0);
  if (!R)
    return fail(llvm::toString(R.takeError()));
  return ExitClean;
}

/// Runs git in the source root and returns its standard output.
static llvm::Expected<std::string> runGit(llvm::StringRef Root,
                                          llvm::ArrayRef<llvm::StringRef> Args) {
  llvm::ErrorOr<std::string> Git = llvm::sys::findProgramByName("git");
  if (!Git)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "--changed-since needs git, which is not on PATH");
  llvm::SmallString<128> OutPath;
  if (std::error_code EC = llvm::sys::fs::createTemporaryFile("kreach-git", "txt", OutPath))
    return llvm::createStringError(EC, "cannot create a temporary file");
  llvm::FileRemover Remove(OutPath);
  std::vector<llvm::StringRef> Argv{*Git, "-C", Root};
  llvm::append_range(Argv, Args);
  std::optional<llvm::StringRef> Redirects[] = {llvm::StringRef(""), llvm::StringRef(OutPath),
                                                std::nullopt};
  std::string Error;
  int RC = llvm::sys::ExecuteAndWait(*Git, Argv, std::nullopt, Redirects, 0, 0, &Error);
  std::string Cmd = "git";
  for (llvm::StringRef A : Args)
    Cmd += " " + A.str();
  if (RC != 0)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "'" + Cmd + "' in '" + Root + "' failed" +
                                       (Error.empty() ? "" : ": " + Error));
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> Out =
      llvm::MemoryBuffer::getFile(OutPath, /*IsText=*/true);
  if (!Out)
    return llvm::createStringError(Out.getError(), "cannot read the output of '" + Cmd + "'");
  return (*Out)->getBuffer().str();
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
    llvm::Expected<std::string> Diff =
        runGit(P.SourceRoot, {"diff", "--name-only", "--relative", ChangedSince, "--"});
    if (!Diff)
      return Diff.takeError();
    llvm::Expected<std::string> Untracked =
        runGit(P.SourceRoot, {"ls-files", "--others", "--exclude-standard"});
    if (!Untracked)
      return Untracked.takeError();
    Text = *Diff + "\n" + *Untracked;
  }
  if (!ChangedFiles.empty()) {
    llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> Buf =
        llvm::MemoryBuffer::getFileOrSTDIN(ChangedFiles, /*IsText=*/true);
    if (!Buf)
      return llvm::createStringError(Buf.getError(), "cannot read changed-files list '" +
                                                         ChangedFiles + "'");
    Text += "\n" + (*Buf)->getBuffer().str();
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
      Abs = P.SourceRoot;
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

/// Writes Text to OutputFile, or to standard output without one.
static int emit(llvm::function_ref<void(llvm::raw_ostream &)> Write) {
  if (OutputFile.empty() || OutputFile == "-") {
    Write(llvm::outs());
    return ExitClean;
  }
  std::error_code EC;
  llvm::ToolOutputFile Out(OutputFile, EC, llvm::sys::fs::OF_Text);
  if (EC)
    return fail("cannot write '" + OutputFile + "': " + EC.message());
  Write(Out.os());
  Out.keep();
  return ExitClean;
}

static int runCheckCommand() {
  llvm::Expected<Session> Opened = openSession();
  if (!Opened)
    return fail(llvm::toString(Opened.takeError()));
  Session &Tree = *Opened;
  PathMapper Paths(Tree.P.SourceRoot);

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
  llvm::StringSet<> Changed;
  std::vector<std::string> Reindex;
  if (PatchMode) {
    llvm::Expected<llvm::StringSet<>> C = loadChangedFiles(Tree.P, Paths);
    if (!C)
      return fail(llvm::toString(C.takeError()));
    Changed = std::move(*C);
    llvm::Expected<std::vector<std::string>> TUs = tusToReindex(Tree.P, Paths, *Tree.I, Changed);
    if (!TUs)
      return fail(llvm::toString(TUs.takeError()));
    Reindex = std::move(*TUs);
  }

  IndexRunStats S;
  // In patch mode with nothing to re-parse, updateIndex must not run: an
  // empty OnlyFiles means "every TU".
  if (!NoUpdate && (!PatchMode || !Reindex.empty())) {
    llvm::Expected<IndexRunStats> Run = runIndex(Tree.P, *Tree.I, PatchMode ? &Reindex : nullptr);
    if (!Run)
      return fail(llvm::toString(Run.takeError()));
    S = *Run;
    printIndexSummary(S);
  }
  llvm::Expected<TreeCheck> R = checkTree(*Tree.I, Tree.Pol, Paths, All, S.Parsed > 0);
  if (!R)
    return fail(llvm::toString(R.takeError()));
  R->Stats.IndexSeconds = S.Seconds;
  R->Stats.Parsed = S.Parsed;

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
  unsigned Violations = 0, NewViolations = 0;
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
    Out.keep();
  }

  int Written = emit([&](llvm::raw_ostream &OS) {
    if (OutputFormat == Format::JSON) {
      llvm::json::Value Doc = toJSON(R->Findings, R->Stats, Paths, States);
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
      OS << llvm::formatv("{0:2}", toSARIF(R->Findings, Tree.Pol, Paths, States)) << "\n";
    } else {
      // Text is for people: what is already in the baseline is noise.
      std::vector<Finding> Shown;
      for (size_t K = 0; K < R->Findings.size(); ++K)
        if (States.empty() || States[K] == BaselineState::New)
          Shown.push_back(R->Findings[K]);
      printText(OS, Shown, Tree.Pol, Paths);
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
        << " outside " << Tree.Pol.allowedPathsDescription() << " ("
        << R->Findings.size() - Violations << " allowed listed)";
    if (Baseline)
      Log << ", " << NewViolations << " new, " << Violations - NewViolations
          << " in the baseline";
    Log << "; " << R->Stats.TUs << " TUs (" << R->Stats.FailedTUs << " failed), "
        << R->Stats.Functions << " functions, " << R->Stats.CallEdges << " call edges, "
        << R->Stats.Roots << " roots\n";
  }

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
  llvm::Expected<Session> Opened = openSession();
  if (!Opened)
    return fail(llvm::toString(Opened.takeError()));
  Session &Tree = *Opened;
  IndexRunStats S;
  if (!NoUpdate) {
    llvm::Expected<IndexRunStats> Run = runIndex(Tree.P, *Tree.I);
    if (!Run)
      return fail(llvm::toString(Run.takeError()));
    S = *Run;
    printIndexSummary(S);
  }
  PathMapper Paths(Tree.P.SourceRoot);
  llvm::Expected<TreeCheck> R = checkTree(*Tree.I, Tree.Pol, Paths, true, S.Parsed > 0);
  if (!R)
    return fail(llvm::toString(R.takeError()));
  llvm::Expected<NodeId> Root = findFunction(R->Graph, Paths, ExplainRoot);
  if (!Root)
    return fail(llvm::toString(Root.takeError()));

  std::string DotText;
  llvm::raw_string_ostream DotOS(DotText);
  printDot(DotOS, R->Graph, R->Steps, *Root, Paths);
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
      printChains(OS, R->Graph, R->Steps, *Root, Paths, MaxChains);
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
  PathMapper Paths(P->SourceRoot);
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
  return ExitClean;
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
