//===- kreach/Check.h - The analyses every front end runs ------------------===//
//
// checkTree: the whole index, every rule (the CLI). checkTU: one TU's own
// facts and one rule, with the rest of the tree from the index when there is
// one (clang-tidy, clangd, the analyzer). Both end in the same findFindings,
// so the front ends agree.
//
//===----------------------------------------------------------------------===//
#ifndef KREACH_CHECK_H
#define KREACH_CHECK_H

#include "kreach/Findings.h"
#include "kreach/Graph.h"
#include "kreach/GraphSearches.h"
#include "kreach/Index.h"
#include "kreach/Project.h"
#include "kreach/Rules.h"

namespace kreach {

/// One rule's answer on the whole graph.
struct RuleCheck {
  const Rule *TheRule;
  /// Empty when nothing needed them: a rule with no root, in a check that
  /// writes no summary of it and explains nothing.
  std::vector<SinkStep> Steps;
  size_t Roots = 0;
};

struct TreeCheck {
  CallGraph Graph;
  std::vector<RuleCheck> Rules; ///< One per reachability rule, in order.
  std::vector<Finding> Findings; ///< Every rule's, in report order.
  CheckStats Stats; ///< Calls counted under the first rule's boundaries.
  /// Problems that did not stop the check (a damaged graph snapshot), one
  /// line each, for the front end to print.
  std::vector<std::string> Warnings;
  /// The steps of a rule of this check, or null.
  const std::vector<SinkStep> *stepsOf(const Rule &R) const;
};

/// Which functions' distances to a sink a check must know: its roots' (the
/// findings need no more), or every function's (an explanation may start
/// anywhere).
enum class StepsFor { Roots, EveryFunction };

/// A graph snapshot as read: the graph of the state asked for once the
/// journal's TUs are spliced into it (GraphJournal.h).
struct SnapshotRead {
  CallGraph Graph;
  std::string BaseKey; ///< The snapshot's own key.
  /// From the journal: TUs whose facts changed since the snapshot, with
  /// their facts as the snapshot has them.
  std::vector<std::pair<std::string, TUFacts>> Journal;
  /// The searches stored with the snapshot (GraphSearches.h), when asked
  /// for; why they could not be read, when they are damaged.
  std::vector<StoredSearch> Searches;
  std::string SearchesError;
  /// With the searches: the graph's reverse edges, kept with them or built
  /// while the patch's TUs are parsed (a splice updates them instead of a
  /// rebuild).
  std::optional<ReverseEdges> Reverse;
  bool ReverseStored = false; ///< Read with the searches.
};

/// The snapshot beside SnapshotPath of the state StateKey names: a snapshot
/// written under that key, or an older one with a journal that brings it
/// there. Nothing when there is neither; an error when either is damaged.
llvm::Expected<std::optional<SnapshotRead>>
readSnapshotFor(llvm::StringRef SnapshotPath, const PathMapper &Paths, llvm::StringRef StateKey,
                bool IndexKeys = false);

/// The graph snapshot read ahead, on a thread of its own, while the index
/// is brought up to date: most checks change no facts, and then the
/// snapshot of the facts as they were is the one checkTree would read next.
/// checkTree takes the graph only under the key it computes itself after
/// the update; otherwise it is dropped and the check reads as it would have.
class GraphPrefetch {
public:
  /// Starts reading the snapshot of I's facts as they are now (nothing
  /// when the index names no state of its facts). What it needs of the
  /// index is read here, on the caller's thread. WithSearches: the
  /// searches stored with the snapshot are read too (patch mode).
  GraphPrefetch(Index &I, const RuleSet &Rules, bool WithSearches = false);
  ~GraphPrefetch();
  GraphPrefetch(const GraphPrefetch &) = delete;
  GraphPrefetch &operator=(const GraphPrefetch &) = delete;
  /// Waits for the read; the graph if it stands for the state Key names.
  std::optional<SnapshotRead> take(llvm::StringRef Key);
  /// Waits for the read; the graph of the facts as they were when the read
  /// started, if their snapshot was there to read.
  std::optional<SnapshotRead> takeAsStarted();
  /// Whether the read is of the facts as I holds them now (nothing stored
  /// or removed since it started).
  bool current(Index &I, const RuleSet &Rules) const;

  /// Starts reading the snapshot at SnapshotPath, with its searches, before
  /// the project and its index are open (patch mode: on a large tree the
  /// compilation database alone takes a few tenths of a second to load):
  /// whatever key the snapshot has is read. Nothing is taken from it until
  /// adopt() has tied it to an index.
  static std::unique_ptr<GraphPrefetch> speculate(std::string SnapshotPath);
  /// Ties a speculative read to I's facts as they are now, as if it had
  /// started now: false, the read to be dropped, unless I's snapshot is the
  /// file being read. The snapshot's key is compared when it is taken: it
  /// must be the state's, or a journal must bring it there.
  bool adopt(Index &I, const RuleSet &Rules);

private:
  GraphPrefetch() = default;
  struct Reader;
  static void readAhead(Reader &R, bool Tracing, bool WithSearches);
  /// A speculative read's snapshot matched to the state (journal included).
  void matchKey();
  std::unique_ptr<Reader> Impl;
};

/// The base tree's graph updated for the TUs patch mode re-parsed, to check
/// instead of a graph rebuilt from the rows (GraphSplice.h).
struct SplicedGraph {
  CallGraph Graph;
  std::vector<NodeId> Touched;      ///< Only summaries of nodes reaching these can change,
  std::vector<NodeId> Moved;        ///< and those of these, whose positions moved.
  std::vector<NodeId> EffectsMoved; ///< Functions whose stored effects moved.
  std::vector<std::string> Files;   ///< Whose stored registrations are rewritten.
  std::string Generation;           ///< The facts' generation it stands for.
  std::string BaseToken;            ///< The effects token of the base it was spliced from.
  /// The key of the snapshot it was read from, and every TU it differs from
  /// that snapshot by, with the facts the snapshot has of it: the journal
  /// the next check may read instead of a whole snapshot.
  std::string SnapshotKey;
  std::vector<std::pair<std::string, TUFacts>> Journal;
  /// The searches stored with that snapshot, and every node whose edges the
  /// splices (the journal's TUs' included) changed since it: only nodes
  /// reaching one are searched again. SearchesError: why none were read.
  std::vector<StoredSearch> SnapshotSearches;
  size_t SnapshotNodes = 0; ///< The snapshot's graph's, before any splice.
  std::vector<NodeId> TouchedSinceSnapshot;
  std::string SearchesError;
  /// The snapshot's graph's reverse edges, which the check brings to the
  /// spliced graph (ReverseEdges::update).
  std::optional<ReverseEdges> SnapshotReverse;
  bool SnapshotReverseStored = false;
};

/// Patch mode's splice, in two halves around the update of the index:
/// before it, the stored facts of the TUs about to be re-parsed are read and
/// the base's snapshot starts to be read ahead; after it, the base graph is
/// spliced for what the TUs hold now, or the reason it cannot be is given
/// (the caller then rebuilds the graph from the index, as without a splice).
class PatchSplice {
public:
  /// TUs: the TUs about to be re-parsed; ChangedFiles: the changed files,
  /// absolute. Each TU must be the one TU of a changed file, its main file.
  /// Early: the base's snapshot read ahead with its searches
  /// (GraphPrefetch(I, Rules, true)) before the changed files were known,
  /// used if the index has not changed since.
  PatchSplice(Index &I, const RuleSet &Rules, llvm::ArrayRef<std::string> TUs,
              llvm::ArrayRef<std::string> ChangedFiles,
              std::unique_ptr<GraphPrefetch> Early = nullptr);
  ~PatchSplice();
  /// After the update re-parsed (exactly) the TUs: the spliced graph, or
  /// nothing and refused() says why.
  std::unique_ptr<SplicedGraph> take(Index &I, const RuleSet &Rules);
  const std::string &refused() const { return Refused; }

private:
  std::unique_ptr<GraphPrefetch> Base;
  std::string BaseToken;
  std::vector<std::pair<std::string, TUFacts>> Before;
  std::string Refused;
};

/// Loads the index into a graph and, for every reachability rule, refreshes
/// its sink summaries if the index has none for the rule's sinks and
/// boundaries, and lists its findings.
/// Prefetch, if given, is the snapshot read ahead (GraphPrefetch).
llvm::Expected<TreeCheck> checkTree(Index &I, const RuleSet &Rules, const PathMapper &Paths,
                                    bool IncludeAllowed, bool RefreshSummaries,
                                    StepsFor Needed = StepsFor::Roots,
                                    GraphPrefetch *Prefetch = nullptr,
                                    SplicedGraph *Spliced = nullptr);

/// Appends the index's summary chain from Key to Chain (Key's own hop
/// first). Returns false if the index has no summary for Key.
/// A read error (a corrupt index) is recorded in *ReadError, if given and
/// still empty, so that the caller can say the cross-TU part is incomplete.
bool continueFromIndex(Index &I, llvm::StringRef Fingerprint, llvm::StringRef Key,
                       std::vector<Hop> &Chain, std::string &SinkName,
                       std::string *ReadError = nullptr);

/// One rule's findings for the roots a TU defines. Without an index only the
/// TU's own facts are used; with one, calls and field stores that leave the
/// TU are followed through the index's summaries for the rule. The TU's facts
/// take precedence. The first error reading the index, if any, lands in
/// ReadError; that the index holds no summaries for this rule's sinks and
/// boundaries lands in MissingSummaries (in ReadError if that is null). The
/// findings are then those of what could be read, and the caller must say so.
std::vector<Finding> checkTU(const TUFacts &Facts, Index *I, const Rule &R,
                             const PathMapper &Paths, bool IncludeAllowed,
                             std::string &ReadError,
                             std::string *MissingSummaries = nullptr,
                             const ValueFlowConfig &Flow = {});

/// One TU's graph as a per-TU front end sees it: the TU's facts with what
/// the index knows of the rest of the tree (stores into the fields its
/// values name, the effects and returns of functions defined elsewhere, what
/// the globals it names hold, the registrations), value flow resolved, and
/// the distances to R's sinks, seeded from the index's summaries.
struct TUGraph {
  CallGraph G;
  ReachSpec Spec;
  std::vector<SinkStep> Steps;
  std::string Fingerprint; ///< R's summary fingerprint.
};
std::unique_ptr<TUGraph> buildTUGraph(const TUFacts &Facts, Index *I, const Rule &R,
                                      std::string &ReadError,
                                      std::string *MissingSummaries,
                                      const ValueFlowConfig &Flow);
/// The witness chain from From, continued from the index past a seed.
/// False if From reaches no sink (or the index lacks the continuation).
bool chainFrom(const TUGraph &T, Index *I, NodeId From, std::vector<Hop> &Chain,
               std::string &SinkName, std::string *ReadError = nullptr);

/// The value-flow configuration the rules carry (their registries).
ValueFlowConfig valueFlowConfig(const RuleSet &Rules);

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
