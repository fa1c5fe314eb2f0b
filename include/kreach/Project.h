//===- kreach/Project.h - Where a tree's pieces are, for every front end ---===//
//
// One discovery of the compile DB, the source root, the index and the
// configuration, with one order of precedence, shared by the CLI, the
// clang-tidy check, clangd and the analyzer, so they agree by construction.
//
// Source root, first that applies:
//   1. an explicit override (--source-root, the SourceRoot option);
//   2. `source_root:` in the configuration given explicitly or found in the
//      build directory;
//   3. the root the index was built with (per-TU front ends only, so they
//      agree with the `kreach index` that wrote it);
//   4. the build directory's `source` link (Kbuild's O= builds);
//   5. the kernel tree the TUs' files lie in: the nearest ancestor with
//      include/linux/ and a Kbuild, Kconfig or Makefile (include/linux/ alone
//      when none has them); when TUs disagree, the root holding most of them;
//      then the same for the compile commands' directories (out-of-tree
//      modules: `make M=`);
//   6. the build directory, with a warning.
// Index: the override, else kreach.db next to the *real* compile_commands.json
// (a symlinked database finds the index of the build it points to).
// Configuration: the override, else .kreach.yaml in the build directory, else
// .kreach.yaml at the source root.
//
//===----------------------------------------------------------------------===//
#ifndef KREACH_PROJECT_H
#define KREACH_PROJECT_H

#include "kreach/PathMapper.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <string>
#include <vector>

namespace kreach {

constexpr const char *IndexFileName = "kreach.db";
constexpr const char *ConfigFileName = ".kreach.yaml";
constexpr const char *CompileDBFileName = "compile_commands.json";

/// Options every front end accepts under its own spelling: --source-root,
/// --db, --config on the command line; SourceRoot, IndexFile, ConfigFile as
/// clang-tidy and analyzer options.
struct ProjectOverrides {
  std::string SourceRoot;
  std::string IndexFile;
  std::string ConfigFile;
};

enum class RootOrigin { Override, Config, Index, SourceLink, TUFiles, CommandDirs, BuildDir, None };

/// Words for messages: "--source-root", "the build directory's 'source' link", ...
llvm::StringRef describe(RootOrigin O);

struct ProjectPaths {
  /// compile_commands.json as found (absolute, may be a symlink); empty when
  /// a per-TU front end found none.
  std::string CompileDB;
  /// The directory of the real compile_commands.json (links resolved), or the
  /// build directory a per-TU front end was given.
  std::string BuildDir;
  std::string SourceRoot; ///< A real path; empty when RootFrom is None.
  RootOrigin RootFrom = RootOrigin::None;
  std::string IndexFile;  ///< Where the index is, or is to be written.
  bool IndexExists = false;
  /// Every place looked at for the index, for "no index" messages.
  std::vector<std::string> IndexSearched;
  std::string ConfigFile; ///< Empty when there is none.
  /// How the compile DB spells the root or the build directory when it
  /// reaches them through a symlink (PathMapper::learnSpelling); the
  /// commands are handed out with real paths, but their arguments keep the
  /// DB's spelling.
  std::vector<PathSpelling> Spellings;
  /// The paths' mapper: root, build directory and their spellings.
  PathMapper mapper() const { return PathMapper(SourceRoot, BuildDir, Spellings); }
  /// One-line warnings (a fallback was taken); each front end shows them its
  /// own way, once.
  std::vector<std::string> Warnings;
};

/// Finds kernel roots above directories, caching every directory it visits.
class KernelRootFinder {
public:
  /// The kernel root Dir lies in; empty when there is none.
  std::string rootOf(llvm::StringRef Dir);
  /// Whether Dir looks like the top of a kernel tree.
  static bool isKernelRoot(llvm::StringRef Dir, bool Strict);

private:
  llvm::StringMap<std::string> Cache;
};

/// The root holding most of Files (absolute paths of TU main files or
/// directories); ties go to the root seen first. Empty when none has one.
std::string majorityRoot(llvm::ArrayRef<std::string> Dirs, KernelRootFinder &Finder,
                         unsigned *Holding = nullptr);

/// Path with its symlinks resolved; Path itself when it cannot be resolved.
std::string realPathOr(llvm::StringRef Path);

/// Resolves a user-given path to a real absolute one.
llvm::Expected<std::string> realDirectory(llvm::StringRef Path, llvm::StringRef What);

/// The build-tree half of discovery, for the CLI: BuildPath is a directory
/// holding compile_commands.json or the file itself. TUDirs lists the
/// directories of the TUs' main files; CommandDirs the compile commands'
/// directories, asked for only when the TUs' files find no root. A bad
/// configuration file is an error here, as it is later for the policy.
llvm::Expected<ProjectPaths>
discoverFromBuild(llvm::StringRef BuildPath, const ProjectOverrides &Overrides,
                  llvm::function_ref<std::vector<std::string>()> TUDirs,
                  llvm::function_ref<std::vector<std::string>()> CommandDirs);

/// The per-TU half, for clang-tidy, clangd and the analyzer: MainFile is the
/// TU's main file (absolute), BuildDir the directory its command runs in
/// (empty when unknown). IndexRoot reads the source root an existing index
/// recorded (empty if none). A bad configuration is left for the policy
/// loader to report.
ProjectPaths discoverForTU(llvm::StringRef MainFile, llvm::StringRef BuildDir,
                           const ProjectOverrides &Overrides,
                           llvm::function_ref<std::string(llvm::StringRef)> IndexRoot);

/// The `source_root:` of a configuration file, resolved against the file's
/// directory; empty when it has none.
llvm::Expected<std::string> configSourceRoot(llvm::StringRef ConfigFile);

} // namespace kreach

#endif
