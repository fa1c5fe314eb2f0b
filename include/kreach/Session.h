//===- kreach/Session.h - A build tree opened for the CLI's commands ------===//
//
// Discovery, the policy and the index, opened once for a command, and the
// steps every index-backed command shares: the compile-DB guard before a
// full run, the indexing run and its summary, and the coverage check that
// makes a gate that checked less than it should fail closed.
//
//===----------------------------------------------------------------------===//

#ifndef KREACH_SESSION_H
#define KREACH_SESSION_H

#include "kreach/CompileDB.h"
#include "kreach/Driver.h"
#include "kreach/Indexer.h"
#include "kreach/Rules.h"

#include <memory>
#include <vector>

namespace kreach {

/// What every index-backed command starts from.
struct Session {
  Project P;
  RuleSet Rules;
  std::unique_ptr<Index> I;
};

/// Discovery, with each fallback it took said once as a warning.
llvm::Expected<Project> loadProject(const SessionOptions &O);

/// The tree's policy: its configuration (or the defaults), plus the optional
/// root fields with AllRoots.
llvm::Expected<RuleSet> loadRules(const Project &P, bool AllRoots);

/// Project, policy and index. Without ForUpdate the index must exist.
llvm::Expected<Session> openSession(const SessionOptions &O, bool ForUpdate);

/// Brings the index up to date; with OnlyFiles (patch mode) only those TUs,
/// the rest of the index trusted as the base tree's.
llvm::Expected<IndexRunStats> runIndex(const SessionOptions &O, const Project &P, Index &I,
                                       const std::vector<std::string> *OnlyFiles = nullptr);

/// Before a full indexing run: refuses a compile DB that lists no TU, or
/// far fewer than the index holds (unless Prune).
llvm::Error guardCompileDB(const Project &P, Index &I, bool Prune);

/// The index as a whole after a run: failed TUs again, then (unless Quiet)
/// one summary line.
void printIndexSummary(Index &I, const IndexRunStats &S, const PathMapper &Paths, bool Quiet);

/// For a check that does not update the index (--no-update): every C TU of
/// the compile DB must be in the index, or the check would cover part of the
/// tree as if it were the whole.
llvm::Error checkIndexCoversCompileDB(const Project &P, Index &I, const PathMapper &Paths);

/// An error when the index is incomplete, empty, or holds more failed TUs
/// than MaxFailedTUs.
llvm::Error checkCoverage(const IndexCounts &Held, const PathMapper &Paths, Index &I,
                          unsigned MaxFailedTUs);

} // namespace kreach

#endif
