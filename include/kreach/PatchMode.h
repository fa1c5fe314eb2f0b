//===- kreach/PatchMode.h - Checking a patch against an indexed base tree -===//
//
// `kreach check --changed-since REV` / `--changed-files FILE`: which files a
// patch touches, which TUs to re-parse for it, and which findings pass
// through it.
//
//===----------------------------------------------------------------------===//

#ifndef KREACH_PATCHMODE_H
#define KREACH_PATCHMODE_H

#include "kreach/CompileDB.h"
#include "kreach/Driver.h"
#include "kreach/Graph.h"
#include "kreach/Index.h"
#include "kreach/Report.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringSet.h"

#include <optional>
#include <string>
#include <vector>

namespace kreach {

/// Runs git in Root and returns its standard output. Git's own error
/// output becomes the first line of the error.
llvm::Expected<std::string> runGit(llvm::StringRef Root, llvm::ArrayRef<llvm::StringRef> Args);

/// The --changed-since revision of a source root, resolved to a commit
/// once, however many parts of patch mode ask for it (the changed files,
/// the NOLINT scan, the base policy).
class BaseRevision {
public:
  BaseRevision(std::string Root, std::string Rev)
      : Root(std::move(Root)), Rev(std::move(Rev)) {}
  const std::string &root() const { return Root; }
  /// The revision as the user gave it.
  const std::string &revision() const { return Rev; }
  llvm::Expected<std::string> commit();

private:
  std::string Root;
  std::string Rev;
  std::optional<std::string> Resolved;
};

/// The files a patch touches (Base's diff and untracked files, and the
/// ChangedFiles list), relative to the source root where they are under it.
llvm::Expected<llvm::StringSet<>> loadChangedFiles(const SessionOptions &O, BaseRevision &Base,
                                                   const PathMapper &Paths);

/// Which TUs to re-parse: every TU reading a changed file, plus changed
/// files that may be new TUs, after forgetting TUs the patch deleted.
/// Unbuilt gets the changed C files that exist but that no command of the
/// compile DB builds and no indexed TU reads: nothing of them is checked.
llvm::Expected<std::vector<std::string>> tusToReindex(const Project &P, Index &I,
                                                      const llvm::StringSet<> &Changed,
                                                      std::vector<std::string> &Unbuilt);

/// Whether a finding's chain passes through a changed file: its root, a
/// registration, a call site or a definition on the chain.
bool touchesChange(const Finding &F, const CallGraph &G, const PathMapper &Paths,
                   const llvm::StringSet<> &Changed);

} // namespace kreach

#endif
