//===- kreach.cpp - The kreach command line --------------------------------===//
//
//   kreach index -p BUILD_DIR     bring the index up to date
//   kreach check -p BUILD_DIR     index, then report notifier-to-wait chains
//   kreach facts -p BUILD_DIR F   print the facts of one TU (debugging)
//
// Exit status: 0 no finding, 1 findings, 2 error.
//
//===----------------------------------------------------------------------===//

#include "kreach/Check.h"
#include "kreach/Config.h"
#include "kreach/Indexer.h"
#include "kreach/Policy.h"
#include "kreach/Report.h"

#include "clang/Tooling/JSONCompilationDatabase.h"
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

static cl::opt<std::string> BuildPath("p", cl::desc("Build directory with compile_commands.json, "
                                                    "or the file itself"),
                                      cl::value_desc("dir"), cl::init("."),
                                      cl::sub(IndexCmd), cl::sub(CheckCmd),
                                      cl::sub(FactsCmd), cl::cat(Category));
static cl::opt<std::string> DBPath("db", cl::desc("Index file (default: kreach.db next to "
                                                  "compile_commands.json)"),
                                   cl::value_desc("file"), cl::sub(IndexCmd),
                                   cl::sub(CheckCmd), cl::cat(Category));
static cl::opt<unsigned> Jobs("j", cl::desc("Parallel parses (default: all cores)"),
                              cl::init(0), cl::sub(IndexCmd), cl::sub(CheckCmd),
                              cl::cat(Category));
static cl::opt<bool> Quiet("quiet", cl::desc("No per-TU progress"), cl::sub(IndexCmd),
                           cl::sub(CheckCmd), cl::cat(Category));
static cl::opt<bool> Rebuild("rebuild", cl::desc("Discard the index and start afresh"),
                             cl::sub(IndexCmd), cl::sub(CheckCmd), cl::cat(Category));
static cl::opt<std::string> ConfigPath("config", cl::desc("Configuration file (default: "
                                                          "<source root>/.kreach.yaml)"),
                                       cl::value_desc("file"), cl::sub(IndexCmd),
                                       cl::sub(CheckCmd), cl::cat(Category));
static cl::opt<std::string> SourceRoot("source-root",
                                       cl::desc("Kernel source root (default: detected)"),
                                       cl::value_desc("dir"), cl::sub(IndexCmd),
                                       cl::sub(CheckCmd), cl::sub(FactsCmd),
                                       cl::cat(Category));
enum class Format { Text, JSON };
static cl::opt<Format> OutputFormat(
    "format", cl::desc("Output format"),
    cl::values(clEnumValN(Format::Text, "text", "clang-style diagnostics"),
               clEnumValN(Format::JSON, "json", "one JSON document")),
    cl::init(Format::Text), cl::sub(CheckCmd), cl::cat(Category));
static cl::opt<bool> All("all", cl::desc("Also list chains from roots in allowed paths"),
                         cl::sub(CheckCmd), cl::cat(Category));
static cl::opt<bool> AllRoots("all-roots",
                              cl::desc("Also treat release/clear_young/clear_flush_young/"
                                       "test_young callbacks as roots"),
                              cl::sub(CheckCmd), cl::cat(Category));
static cl::opt<bool> NoUpdate("no-update", cl::desc("Check the index as it is, without "
                                                    "re-indexing"),
                              cl::sub(CheckCmd), cl::cat(Category));
static cl::opt<std::string> FactsFile(cl::Positional, cl::desc("<source file>"),
                                      cl::sub(FactsCmd), cl::cat(Category));

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
    std::vector<clang::tooling::CompileCommand> Cmds = P.CDB->getAllCompileCommands();
    P.SourceRoot = detectSourceRoot(P.DBDir, Cmds.empty() ? "" : Cmds.front().Directory);
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

static llvm::Expected<IndexRunStats> runIndex(const Project &P, Index &I) {
  IndexOptions Opts;
  Opts.Jobs = Jobs;
  bool Terminal = llvm::errs().is_displayed() && !llvm::sys::Process::GetEnv("CI");
  Opts.Progress = !Quiet && Terminal;
  Opts.Verbose = !Quiet && !Terminal;
  return updateIndex(*P.CDB, I, Opts);
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
  llvm::Expected<Project> P = loadProject();
  if (!P)
    return fail(llvm::toString(P.takeError()));
  llvm::Expected<Policy> Pol = loadPolicy(*P);
  if (!Pol)
    return fail(llvm::toString(Pol.takeError()));
  llvm::Expected<std::unique_ptr<Index>> I = openIndex(*P);
  if (!I)
    return fail(llvm::toString(I.takeError()));
  llvm::Expected<IndexRunStats> S = runIndex(*P, **I);
  if (!S)
    return fail(llvm::toString(S.takeError()));
  printIndexSummary(*S);
  // Keep the summaries the per-TU front ends read in step with the facts.
  PathMapper Paths(P->SourceRoot);
  llvm::Expected<TreeCheck> R = checkTree(**I, *Pol, Paths, false, S->Parsed > 0);
  if (!R)
    return fail(llvm::toString(R.takeError()));
  return ExitClean;
}

static int runCheckCommand() {
  llvm::Expected<Project> P = loadProject();
  if (!P)
    return fail(llvm::toString(P.takeError()));
  llvm::Expected<Policy> Pol = loadPolicy(*P);
  if (!Pol)
    return fail(llvm::toString(Pol.takeError()));
  llvm::Expected<std::unique_ptr<Index>> I = openIndex(*P);
  if (!I)
    return fail(llvm::toString(I.takeError()));
  IndexRunStats S;
  if (!NoUpdate) {
    llvm::Expected<IndexRunStats> Run = runIndex(*P, **I);
    if (!Run)
      return fail(llvm::toString(Run.takeError()));
    S = *Run;
    printIndexSummary(S);
  }
  PathMapper Paths(P->SourceRoot);
  llvm::Expected<TreeCheck> R = checkTree(**I, *Pol, Paths, All, S.Parsed > 0);
  if (!R)
    return fail(llvm::toString(R.takeError()));
  R->Stats.IndexSeconds = S.Seconds;
  R->Stats.Parsed = S.Parsed;
  unsigned Violations = llvm::count_if(R->Findings, [](const Finding &F) { return !F.Allowed; });
  if (OutputFormat == Format::JSON) {
    llvm::outs() << llvm::formatv("{0:2}", toJSON(R->Findings, R->Stats, Paths)) << "\n";
  } else {
    printText(llvm::outs(), R->Findings, *Pol, Paths);
    if (!Quiet)
      llvm::errs() << "kreach: " << Violations << " finding" << (Violations == 1 ? "" : "s")
                   << " outside " << Pol->allowedPathsDescription() << " ("
                   << R->Findings.size() - Violations << " allowed listed); "
                   << R->Stats.TUs << " TUs (" << R->Stats.FailedTUs << " failed), "
                   << R->Stats.Functions << " functions, " << R->Stats.CallEdges
                   << " call edges, " << R->Stats.Roots << " roots\n";
  }
  return Violations ? ExitFindings : ExitClean;
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
  return fail("no command given; try 'kreach check -p BUILD_DIR' or 'kreach --help'");
}
