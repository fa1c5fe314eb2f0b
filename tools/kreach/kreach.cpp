//===- kreach.cpp - The kreach command line --------------------------------===//
//
//   kreach index -p BUILD_DIR     bring the index up to date
//   kreach check -p BUILD_DIR     index, then report notifier-to-wait chains
//   kreach facts -p BUILD_DIR F   print the facts of one TU (debugging)
//   kreach cc -- FLAGS FILE.c     index the TU of one compiler command (the
//                                 checker of `make C=1 CHECK="kreach cc --"`)
//   kreach explain -p BUILD_DIR ROOT   every chain from one function (text,
//                                 DOT, or an SVG drawn by Graphviz)
//
// Exit status: 0 no finding, 1 findings, 2 error.
//
// Only the flags live here: they are mapped into the options of the
// commands in lib/Driver (kreach/Driver.h), which do the work.
//
//===----------------------------------------------------------------------===//

#include "kreach/Config.h"
#include "kreach/Driver.h"
#include "kreach/Indexer.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/TimeProfiler.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace kreach;
namespace cl = llvm::cl;

static cl::OptionCategory Category("kreach options");
static cl::SubCommand IndexCmd("index", "Bring the index of a build tree up to date");
static cl::SubCommand CheckCmd("check", "Index, then report notifier callbacks that can "
                                        "reach a dma_fence wait");
static cl::SubCommand FactsCmd("facts", "Print the facts kreach extracts from one TU");
static cl::SubCommand MergeCmd("merge", "Merge shard indexes into one index of the whole tree");
static cl::SubCommand CCCmd("cc", "Index the TU of one compiler command line (for the "
                                 "kernel's make C=1 CHECK=\"kreach cc --\")");
static cl::SubCommand ExplainCmd("explain", "Print every shortest chain from one function "
                                            "to a dma_fence wait, or draw them");

static cl::opt<std::string> BuildPath("p", cl::desc("Build directory with compile_commands.json, "
                                                    "or the file itself"),
                                      cl::value_desc("dir"), cl::init("."),
                                      cl::sub(IndexCmd), cl::sub(CheckCmd),
                                      cl::sub(FactsCmd), cl::sub(ExplainCmd),
                                      cl::cat(Category));
static cl::opt<std::string> DBPath("db", cl::desc("Index file (default: kreach.db next to "
                                                  "compile_commands.json; for cc, in the "
                                                  "directory it runs in)"),
                                   cl::value_desc("file"), cl::sub(IndexCmd),
                                   cl::sub(CheckCmd), cl::sub(ExplainCmd), cl::sub(CCCmd),
                                   cl::cat(Category));
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
                                       cl::sub(ExplainCmd), cl::sub(CCCmd), cl::cat(Category));
static cl::opt<ReportFormat> OutputFormat(
    "format", cl::desc("Output format"),
    cl::values(clEnumValN(ReportFormat::Text, "text", "clang-style diagnostics"),
               clEnumValN(ReportFormat::JSON, "json", "one JSON document"),
               clEnumValN(ReportFormat::SARIF, "sarif", "SARIF 2.1.0 log with call-chain "
                                                        "code flows")),
    cl::init(ReportFormat::Text), cl::sub(CheckCmd), cl::cat(Category));
static cl::opt<bool> All("all", cl::desc("Also list chains from roots in allowed paths"),
                         cl::sub(CheckCmd), cl::cat(Category));
static cl::opt<bool> NoSplice("no-splice",
                              cl::desc("Patch mode: rebuild the graph from the index instead of "
                                       "updating the base tree's graph for the change"),
                              cl::sub(CheckCmd), cl::cat(Category));
static cl::opt<bool> ListUnresolved("unresolved",
                                    cl::desc("Also list the calls through values that "
                                             "could not be resolved, and why"),
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

static cl::opt<bool> AllowUnbuilt(
    "allow-unbuilt",
    cl::desc("Patch mode: accept changed C files that no command of the compilation "
             "database builds (named, not checked) instead of exiting 2"),
    cl::sub(CheckCmd), cl::cat(Category));

static cl::opt<bool> ConfigFromBase(
    "config-from-base",
    cl::desc("Patch mode with --changed-since: judge the patch by the configuration "
             "of the base revision, not the one the patch may have changed"),
    cl::sub(CheckCmd), cl::cat(Category));

// explain.
static cl::opt<std::string> ExplainRoot(cl::Positional,
                                        cl::desc("<function or file:function>"),
                                        cl::sub(ExplainCmd), cl::cat(Category));
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

static cl::opt<unsigned> LockTimeout("lock-timeout",
                                      cl::desc("Seconds to wait for another kreach "
                                               "writing the index (default: 600)"),
                                      cl::init(600), cl::sub(IndexCmd), cl::sub(CheckCmd),
                                      cl::sub(ExplainCmd), cl::sub(CCCmd), cl::cat(Category));

static cl::opt<std::string> TimeTrace(
    "time-trace",
    cl::desc("Write where the time went (Chrome trace JSON, as clang's -ftime-trace) "
             "to this file"),
    cl::value_desc("file"), cl::sub(IndexCmd), cl::sub(CheckCmd), cl::sub(ExplainCmd),
    cl::cat(Category));

static cl::opt<std::string> ShardOpt(
    "shard", cl::desc("Index only shard K of N of the compile DB's TUs (for a CI job matrix; "
                      "'kreach merge' joins the shards)"),
    cl::value_desc("K/N"), cl::sub(IndexCmd), cl::cat(Category));
static cl::opt<std::string> MergeOutput("o", cl::desc("The index to write"),
                                        cl::value_desc("file"), cl::sub(MergeCmd),
                                        cl::cat(Category));
static cl::list<std::string> MergeInputs(cl::Positional, cl::desc("<shard index>..."),
                                         cl::sub(MergeCmd), cl::cat(Category));
static cl::opt<std::string> MergeConfig("config",
                                        cl::desc("Configuration whose rules the merged "
                                                 "index's summaries are for (default: the "
                                                 "source root's .kreach.yaml, else the "
                                                 "built-in rules)"),
                                        cl::value_desc("file"), cl::sub(MergeCmd),
                                        cl::cat(Category));
static cl::opt<bool> MergeAllRoots("all-roots", cl::desc("Also the optional root fields"),
                                   cl::sub(MergeCmd), cl::cat(Category));

// cc.
static cl::list<std::string> CCArgs(cl::Positional, cl::desc("-- <compiler arguments>..."),
                                    cl::sub(CCCmd), cl::cat(Category));
static cl::opt<std::string> CCCompiler("cc", cl::desc("The compiler the arguments are for "
                                                      "(default: $CC, else clang)"),
                                       cl::value_desc("program"), cl::sub(CCCmd),
                                       cl::cat(Category));
static cl::opt<std::string> CCDirectory("directory",
                                        cl::desc("Where the compile runs (default: here)"),
                                        cl::value_desc("dir"), cl::sub(CCCmd),
                                        cl::cat(Category));

static SessionOptions sessionOptions() {
  SessionOptions O;
  O.BuildPath = BuildPath;
  O.Overrides.SourceRoot = SourceRoot;
  O.Overrides.IndexFile = DBPath;
  O.Overrides.ConfigFile = ConfigPath;
  O.Jobs = Jobs;
  O.Quiet = Quiet;
  O.Rebuild = Rebuild;
  O.Prune = Prune;
  O.MaxFailedTUs = MaxFailedTUs;
  O.LockTimeoutSeconds = LockTimeout;
  O.AllRoots = AllRoots;
  O.NoUpdate = NoUpdate;
  O.ChangedSince = ChangedSince;
  O.ChangedFiles = ChangedFiles;
  O.AllowUnbuilt = AllowUnbuilt;
  return O;
}

static CheckOptions checkOptions() {
  CheckOptions C;
  C.Format = OutputFormat;
  C.All = All;
  C.ListUnresolved = ListUnresolved;
  C.NoSplice = NoSplice;
  C.OutputFile = OutputFile;
  C.BaselineFile = BaselineFile;
  C.WriteBaseline = WriteBaseline;
  C.FailOnMode = FailOnOpt;
  C.ConfigFromBase = ConfigFromBase;
  return C;
}

static ExplainOptions explainOptions() {
  ExplainOptions E;
  E.Root = ExplainRoot;
  E.Format = ExplainFormatOpt;
  E.FormatGiven = ExplainFormatOpt.getNumOccurrences() != 0;
  E.SvgFile = SvgFile;
  E.MaxChains = MaxChains;
  E.Rule = ExplainRule;
  E.OutputFile = OutputFile;
  return E;
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
  if (!IndexCmd && !CheckCmd && !FactsCmd && !ExplainCmd && !MergeCmd && !CCCmd)
    return fail("no command given; try 'kreach check -p BUILD_DIR' or 'kreach --help'");
  if (!TimeTrace.empty())
    // Every phase, however short: kreach opens few scopes.
    llvm::timeTraceProfilerInitialize(/*TimeTraceGranularity=*/0, "kreach");
  int Code;
  if (IndexCmd && !ShardOpt.empty()) {
    SessionOptions O = sessionOptions();
    if (!parseShard(ShardOpt, O.Shard, O.ShardCount))
      return fail("--shard wants K/N with 1 <= K <= N, not '" + ShardOpt + "'");
    Code = runIndexCommand(O);
  } else if (IndexCmd)
    Code = runIndexCommand(sessionOptions());
  else if (MergeCmd)
    Code = runMergeCommand({MergeOutput, MergeInputs, MergeConfig, MergeAllRoots});
  else if (CCCmd)
    Code = runCCCommand({CCArgs, CCCompiler, CCDirectory, DBPath, SourceRoot, LockTimeout});
  else if (CheckCmd)
    Code = runCheckCommand(sessionOptions(), checkOptions());
  else if (FactsCmd)
    Code = runFactsCommand(sessionOptions(), FactsFile);
  else
    Code = runExplainCommand(sessionOptions(), explainOptions());
  if (llvm::timeTraceProfilerEnabled()) {
    // The trace is a by-product: failing to write it changes no verdict,
    // but is said.
    if (llvm::Error E = llvm::timeTraceProfilerWrite(TimeTrace, TimeTrace)) {
      llvm::WithColor::warning(llvm::errs(), "kreach")
          << "cannot write the time trace: " << llvm::toString(std::move(E)) << "\n";
    }
    llvm::timeTraceProfilerCleanup();
  }
  return Code;
}
