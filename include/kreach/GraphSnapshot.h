//===- kreach/GraphSnapshot.h - A finalized call graph, kept on disk ------===//
//
// Loading the graph from the index's rows and resolving its value flow is
// most of what a check of an unchanged tree costs (row decoding, one lookup
// per fact). A snapshot is the finalized graph written as compact arrays,
// beside the index, so that the next check of the same facts under the same
// value-flow configuration reads it back in one pass instead.
//
// A snapshot holds what a finalized graph answers (nodes, edges, stores,
// hoist chains, masks, value-flow statistics and effects, registrations and
// the indirect-call precision), not the per-TU rows finalize consumed. It is
// tagged with a key its writer chooses; the reader takes it only under the
// same key and checks a checksum over all of it, so a stale snapshot is never
// read and a damaged one is an error rather than a wrong graph.
//
//===----------------------------------------------------------------------===//
#ifndef KREACH_GRAPHSNAPSHOT_H
#define KREACH_GRAPHSNAPSHOT_H

#include "kreach/Graph.h"
#include "llvm/Support/Error.h"

namespace kreach {

/// Bumped whenever the snapshot's layout or CallGraph's finalized state
/// changes.
constexpr unsigned GraphSnapshotVersion = 5;

/// Writes finalized G to Path (a new file renamed over the old, so a reader
/// sees the old snapshot or the new one, never a mix), tagged with Key.
llvm::Error writeGraphSnapshot(const CallGraph &G, llvm::StringRef Path, llvm::StringRef Key);

/// Reads the snapshot at Path into G, which must be empty (just
/// constructed). False, with G untouched, when there is none or it was
/// written under another key or by another snapshot version; an error when
/// it is damaged (G is then unusable and must be discarded). IndexKeys: the
/// nodes' key index (CallGraph::lookup) is built while the rest is read,
/// for a caller about to look keys up. KeyRead, when given: a snapshot of
/// any key is read, and its key put there (a reader that learns the key it
/// needs only later, and compares then).
llvm::Expected<bool> readGraphSnapshot(CallGraph &G, llvm::StringRef Path, llvm::StringRef Key,
                                       bool IndexKeys = false, std::string *KeyRead = nullptr);

} // namespace kreach

#endif
