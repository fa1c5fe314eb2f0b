//===- kreach/Driver.h - The kreach commands, as a library ----------------===//
//
// `kreach index`, `check`, `explain` and `facts` take plain options, which
// the CLI maps its flags into, and return the exit status, having said any
// error in one line on standard error. The pieces they are built of are in
// Session.h, PatchMode.h, Gate.h, Output.h, Explain.h and FactsDump.h.
//
//===----------------------------------------------------------------------===//

#ifndef KREACH_DRIVER_H
#define KREACH_DRIVER_H

#include "kreach/Project.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace kreach {

enum ExitCode { ExitClean = 0, ExitFindings = 1, ExitError = 2 };

/// Says Message as kreach's one-line error and returns ExitError.
int fail(const llvm::Twine &Message);

/// An error of one line, for fail() to say.
llvm::Error lineError(const llvm::Twine &Message);

/// What every command that reads the index is given.
struct SessionOptions {
  std::string BuildPath = "."; ///< The build directory, or its compile DB.
  ProjectOverrides Overrides;  ///< --source-root, --db, --config.
  unsigned Jobs = 0;           ///< Parallel parses; 0: all cores.
  bool Quiet = false;          ///< No per-TU progress or summary lines.
  bool Rebuild = false;
  bool Prune = false;          ///< Accept a compile DB far smaller than the index.
  unsigned MaxFailedTUs = 0;
  unsigned LockTimeoutSeconds = 600;
  bool AllRoots = false;       ///< Also the optional root fields.
  bool NoUpdate = false;       ///< Check the index as it is.
  /// Patch mode (check): a git revision, and a changed-files list ("-" is
  /// standard input). Either one turns it on.
  std::string ChangedSince;
  std::string ChangedFiles;
  /// Patch mode: accept changed C files the compile DB does not build
  /// (named, not checked) instead of exiting 2.
  bool AllowUnbuilt = false;
  /// index: `--shard K/N` (docs/ci.md); 0 of 0: the whole tree.
  unsigned Shard = 0, ShardCount = 0;
  bool patchMode() const { return !ChangedSince.empty() || !ChangedFiles.empty(); }
};

enum class ReportFormat { Text, JSON, SARIF };
/// Which findings make `check` exit 1; Default is New with a baseline, Any
/// otherwise.
enum class FailOn { Default, None, New, Any };

struct CheckOptions {
  ReportFormat Format = ReportFormat::Text;
  bool All = false;          ///< Also list the allowed chains.
  std::string OutputFile;    ///< Empty or "-": standard output.
  std::string BaselineFile;  ///< Earlier result; only findings not in it are new.
  std::string WriteBaseline; ///< Also write this run's findings here.
  FailOn FailOnMode = FailOn::Default;
  /// Judge a --changed-since patch by the base revision's configuration.
  bool ConfigFromBase = false;
  /// Also list the calls value flow could not resolve.
  bool ListUnresolved = false;
  /// Patch mode: rebuild the graph from the index even when the base's
  /// graph could be updated for the change (GraphSplice.h).
  bool NoSplice = false;
};

enum class ExplainFormat { Text, Dot };

struct ExplainOptions {
  std::string Root; ///< A function key, name, or file:name.
  ExplainFormat Format = ExplainFormat::Text;
  /// Whether Format was asked for: with an SVG file alone the picture is
  /// the only output.
  bool FormatGiven = false;
  std::string SvgFile;
  unsigned MaxChains = 100;
  std::string OutputFile; ///< Empty or "-": standard output.
  /// The rule whose sinks and boundaries to explain; empty: the first.
  std::string Rule;
};

/// `kreach cc -- ARGS`: the checker of `make C=1 CHECK=...`.
struct CCOptions {
  /// A compiler's arguments without the compiler: Kbuild's
  /// `$(CHECKFLAGS) $(c_flags) FILE.c`, or any compile's flags and file.
  std::vector<std::string> Args;
  std::string Compiler;   ///< The compile's compiler; empty: $CC, else clang.
  std::string Directory;  ///< Where the compile runs; empty: here.
  std::string IndexFile;  ///< Empty: kreach.db in Directory.
  std::string SourceRoot; ///< Empty: the kernel tree above the file.
  unsigned LockTimeoutSeconds = 600;
};

struct MergeOptions {
  std::string Output;              ///< The new index.
  std::vector<std::string> Inputs; ///< Shard (or other) indexes.
  std::string ConfigFile;          ///< Whose rules the summaries are for.
  bool AllRoots = false;
};

int runIndexCommand(const SessionOptions &O);
/// `kreach merge -o OUT IN...`: one index of every TU of the inputs, its
/// summaries computed once, after the merge.
int runMergeCommand(const MergeOptions &M);
int runCheckCommand(const SessionOptions &O, const CheckOptions &C);
int runExplainCommand(const SessionOptions &O, const ExplainOptions &E);
/// `kreach cc -- ARGS`: indexes the one TU of a compiler command line.
int runCCCommand(const CCOptions &O);
/// Prints the facts of one TU, File as given on the command line.
int runFactsCommand(const SessionOptions &O, llvm::StringRef File);

} // namespace kreach

#endif
