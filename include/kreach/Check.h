//===- kreach/Check.h - The analyses every front end runs ------------------===//
//
// checkTree: the whole index (the CLI). checkTU: one TU's own facts, with the
// rest of the tree from the index when there is one (clang-tidy, clangd, the
// analyzer). Both end in the same findFindings, so the front ends agree.
//
//===----------------------------------------------------------------------===//
#ifndef KREACH_CHECK_H
#define KREACH_CHECK_H

#include "kreach/Graph.h"
#include "kreach/Index.h"
#include "kreach/Policy.h"
#include "kreach/Report.h"

namespace kreach {

struct TreeCheck {
  CallGraph Graph;
  std::vector<SinkStep> Steps;
  std::vector<Finding> Findings;
  CheckStats Stats;
};

/// Loads the index into a graph, refreshes its sink summaries if they are
/// stale for this policy, and lists findings.
llvm::Expected<TreeCheck> checkTree(Index &I, const Policy &P, const PathMapper &Paths,
                                    bool IncludeAllowed, bool RefreshSummaries);

/// Appends the index's summary chain from Key to Chain (Key's own hop
/// first). Returns false if the index has no summary for Key.
/// A read error (a corrupt index) is recorded in *ReadError, if given and
/// still empty, so that the caller can say the cross-TU part is incomplete.
bool continueFromIndex(Index &I, llvm::StringRef Key, std::vector<Hop> &Chain,
                       std::string &SinkName, std::string *ReadError = nullptr);

/// Findings for the roots a TU defines. Without an index only the TU's own
/// facts are used; with one, calls and field stores that leave the TU are
/// followed through the index's summaries. The TU's facts take precedence.
/// The first error reading the index, if any, lands in ReadError: the
/// findings are then those of what could be read, and the caller must say so.
std::vector<Finding> checkTU(const TUFacts &Facts, Index *I, const Policy &P,
                             const PathMapper &Paths, bool IncludeAllowed,
                             std::string &ReadError);

/// Where a per-TU front end's TU belongs (discoverForTU) and the index it
/// reads, opened once. IndexFile "none" asks for a deliberately TU-local
/// analysis: no index is looked for.
struct TUProject {
  ProjectPaths Paths;
  std::unique_ptr<Index> Idx;
  bool WantIndex = true;
  /// Why an index that exists could not be opened or read; empty otherwise.
  std::string IndexProblem;
};
TUProject openTUProject(llvm::StringRef MainFile, llvm::StringRef BuildDir,
                        ProjectOverrides Overrides);

} // namespace kreach

#endif
