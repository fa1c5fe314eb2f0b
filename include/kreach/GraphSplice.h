//===- kreach/GraphSplice.h - A finalized graph updated for one changed TU ===//
//
// Patch mode re-parses the TUs a patch touches; rebuilding the whole graph
// from the index's rows and running value flow over it again is then most of
// its cost (tens of seconds on a whole tree, for a one-line change). Most
// patches change what a few functions call directly and move code around,
// and leave alone everything value flow reads: stores, values, returns,
// registrations, masks, types. For such a change the finalized graph of the
// base tree is updated in place: the changed functions' direct calls
// replaced, every position in the changed file moved to where the code now
// is. The result is the graph a rebuild would make (see GraphSpliceTest).
//
// Anything else is refused, with the reason, and the caller rebuilds: a
// splice never guesses what value flow would have made of a change.
//
//===----------------------------------------------------------------------===//
#ifndef KREACH_GRAPHSPLICE_H
#define KREACH_GRAPHSPLICE_H

#include "kreach/Graph.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include <memory>

namespace kreach {

struct SpliceResult {
  /// Why the change cannot be spliced; empty when it was. G is unchanged
  /// when it is refused.
  std::string Refused;
  /// Nodes whose edges changed (their targets, not only where the calls
  /// are): a reachability result can differ only at nodes that reach one.
  std::vector<NodeId> Touched;
  /// Nodes of which only positions changed: their own results may read
  /// differently, nobody else's.
  std::vector<NodeId> Moved;
  /// Functions whose value-flow effects moved (their stored copies are
  /// rewritten); their content is unchanged.
  std::vector<NodeId> EffectsMoved;
  /// Files whose registrations name a moved stack object of the TU (their
  /// stored copies are rewritten too).
  std::vector<std::string> RegistrationFiles;
  /// Whether the changed functions' value flow was redone (BuildLocal).
  bool ValueFlowRedone = false;
};

/// The TU's graph as a per-TU front end builds it (its facts, with what the
/// index knows of the rest of the tree, value flow resolved), before and
/// after the change. Error, when set, says why they could not be made.
struct LocalGraphs {
  std::unique_ptr<CallGraph> Old, New;
  std::string Error;
};

/// Updates finalized G, a graph of the base tree that includes Old (the TU's
/// facts as the base stored them), to hold New instead. MainFile is the
/// changed file, the TU's main file. DefinedElsewhere(Key) says whether a
/// header function the TU no longer uses is still defined by another TU.
/// A change within the TU's functions' calls and values (a call to a
/// function that calls through what it is passed, a callback passed) has its
/// value flow redone on the TU's own graphs (BuildLocal, called only then,
/// with G to learn which functions the tree takes the address of):
/// the old one must give the TU's functions the edges G has, and the new one
/// the same effects, registrations, stores and address-taken functions, so
/// that nothing outside the TU's functions changes; their edges are then
/// the new graph's.
SpliceResult spliceTU(CallGraph &G, const ValueFlowConfig &Config, llvm::StringRef MainFile,
                      const TUFacts &Old, const TUFacts &New,
                      llvm::function_ref<bool(llvm::StringRef Key)> DefinedElsewhere,
                      llvm::function_ref<LocalGraphs(const CallGraph &Tree)> BuildLocal);

} // namespace kreach

#endif
