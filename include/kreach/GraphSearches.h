//===- kreach/GraphSearches.h - A check's searches, kept for the next ------===//
//
// A patch changes the edges of a few functions, and a search's result is a
// function of the graph alone: only the nodes that reach a changed one can
// differ (updateSinkSteps). So the check that leaves a graph snapshot keeps
// its searches' results beside it, under the snapshot's key, one set per
// search spec (specFingerprint), and patch mode searches again only the
// nodes its splice can have changed, from the snapshot's results, instead
// of the whole graph.
//
// Like the snapshot, the file is a cache: taken only under its snapshot's
// key and for a spec of the same fingerprint, checked by a checksum, and a
// damaged one is an error its reader reports before searching in full.
//
//===----------------------------------------------------------------------===//
#ifndef KREACH_GRAPHSEARCHES_H
#define KREACH_GRAPHSEARCHES_H

#include "kreach/Graph.h"
#include "llvm/Support/Error.h"

namespace kreach {

/// One search's result on a snapshot's graph.
struct StoredSearch {
  uint64_t Spec = 0; ///< specFingerprint of the spec searched under.
  std::vector<SinkStep> Steps;
};

/// What is kept of a snapshot's searches: each spec's result, and the
/// reverse index of the snapshot's graph they were run on (built in a
/// fraction of a second even at a million functions, but read in less).
struct StoredSearches {
  std::vector<StoredSearch> Searches;
  std::optional<ReverseEdges> Reverse;
};

/// Where the searches of the snapshot at SnapshotPath are kept.
std::string graphSearchesPath(llvm::StringRef SnapshotPath);

/// Writes the searches (a new file renamed over the old), tagged with the
/// key of the snapshot whose graph they were run on.
/// Reverse, when given, is that graph's reverse index.
llvm::Error writeGraphSearches(llvm::StringRef Path, llvm::StringRef Key,
                               llvm::ArrayRef<StoredSearch> Searches,
                               const ReverseEdges *Reverse = nullptr);

/// The searches at Path if they were stored under Key: empty when there is
/// no file, or one of another key or format; an error when it is damaged,
/// a reverse index that is not one of G (the graph of the snapshot Key
/// names) included.
llvm::Expected<StoredSearches> readGraphSearches(llvm::StringRef Path, llvm::StringRef Key,
                                                 const CallGraph &G);

/// Whether Path holds searches under Key for each of Specs, and the graph's
/// reverse index, from its header alone (the check that would otherwise
/// write them again, every run).
bool holdsGraphSearches(llvm::StringRef Path, llvm::StringRef Key,
                        llvm::ArrayRef<uint64_t> Specs);

} // namespace kreach

#endif
