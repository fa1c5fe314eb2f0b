//===- kreach/GraphJournal.h - What changed since the graph snapshot ------===//
//
// Patch mode splices the base's graph for a few changed TUs (GraphSplice.h)
// in a fraction of a second, and writing the whole graph snapshot again for
// the next check (hundreds of megabytes on a whole kernel) would cost more
// than the splice. Instead it writes a journal beside the snapshot: the
// TUs whose facts changed since the snapshot was written, with the facts
// they had then. The snapshot with its journal stands for the facts as they
// are now: the next check reads the snapshot and splices the journal's TUs
// from those facts to the index's, which is the splice patch mode did.
//
// A journal names the snapshot it extends (its key) and the state it brings
// it to (the key a snapshot of that state would have), so it is used only
// with that snapshot and for that state; a checksum covers it all.
//
//===----------------------------------------------------------------------===//
#ifndef KREACH_GRAPHJOURNAL_H
#define KREACH_GRAPHJOURNAL_H

#include "kreach/Facts.h"
#include "kreach/PathMapper.h"
#include "llvm/Support/Error.h"

#include <optional>

namespace kreach {

/// TUs kept in a journal before a whole snapshot is written instead: each
/// check reading the journal splices all of them again.
constexpr size_t MaxJournalTUs = 8;

struct GraphJournal {
  std::string BaseKey;  ///< The key of the snapshot it extends.
  std::string StateKey; ///< The key of the state snapshot and journal stand for.
  /// Each changed TU's main file, with its facts as the snapshot has them.
  std::vector<std::pair<std::string, TUFacts>> Before;
};

/// Where the journal of the snapshot at SnapshotPath lives.
std::string graphJournalPath(llvm::StringRef SnapshotPath);

/// Writes J to Path (a new file renamed over the old). Paths in the facts
/// are stored as Paths.stored() gives them.
llvm::Error writeGraphJournal(const GraphJournal &J, llvm::StringRef Path,
                              const PathMapper &Paths);

/// The journal at Path, or nothing when there is none; an error when it is
/// damaged or was written by another kreach.
llvm::Expected<std::optional<GraphJournal>> readGraphJournal(llvm::StringRef Path,
                                                             const PathMapper &Paths);

} // namespace kreach

#endif
