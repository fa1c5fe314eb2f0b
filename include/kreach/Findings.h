//===- kreach/Findings.h - What a rule finds on the call graph ------------===//
//
// The rules layer: a rule's roots, sinks and boundaries turned into a
// reachability question for the graph (reachSpec), and the answer turned
// into findings with their witness chains. The graph itself knows no rule.
//
//===----------------------------------------------------------------------===//
#ifndef KREACH_FINDINGS_H
#define KREACH_FINDINGS_H

#include "kreach/Graph.h"
#include "kreach/Rules.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include <string>
#include <vector>

namespace kreach {

struct Hop {
  std::string Caller, Callee; ///< Names; a field's "struct::field" when the
                              ///< call through it is the sink.
  std::string CallerKey, CalleeKey; ///< Function keys; CalleeKey is empty
                                    ///< when the callee is a field.
  SourcePos Site;
  std::string Via; ///< "struct::field" for a call through a field.
  std::string Mask; ///< For a call passing a flag mask: the mask as written.
  bool calleeIsField() const { return CalleeKey.empty() && !Via.empty(); }
};

struct Registration {
  std::string Field;
  SourcePos Site;
};

struct Finding {
  const Rule *TheRule = nullptr; ///< Owned by the RuleSet the check ran with.
  std::string RootKey, RootName;
  SourcePos RootLoc;
  std::vector<Registration> Registrations; ///< Sorted; the first is reported.
  std::string SinkName;
  std::vector<Hop> Chain;
  bool Allowed = false;
  /// The root is a section of RootName's body (Rule::hasSections) that
  /// begins at RootLoc, not the function itself.
  bool Section = false;
  /// The sink is an allocation that may reclaim, not one of the rule's
  /// sink functions or fields.
  bool SinkIsAllocation = false;
};

/// One rule's share of a check.
struct RuleStats {
  std::string Name;
  uint64_t Roots = 0, Findings = 0, Allowed = 0;
};

struct CheckStats {
  uint64_t TUs = 0, FailedTUs = 0, Functions = 0, CallEdges = 0, Roots = 0,
           UnresolvedIndirectCalls = 0, Parsed = 0, FromBuild = 0;
  double IndexSeconds = 0, CheckSeconds = 0;
  /// Where the check's graph came from: "index" (its rows), "snapshot"
  /// (GraphSnapshot.h), "journal" (an older snapshot and the TUs its journal
  /// names spliced in: GraphJournal.h) or "spliced" (patch mode).
  std::string GraphSource;
  /// What the check wrote for the next one to read its graph from: "whole"
  /// (a snapshot), "journal" (the TUs it differs from the snapshot by), or
  /// nothing.
  std::string SnapshotWrite;
  /// How many searches (one per distinct rule spec) ran over the whole
  /// graph, and how many only where a patch's splice reaches, from the
  /// snapshot's stored results (GraphSearches.h).
  uint64_t WholeSearches = 0, IncrementalSearches = 0;
  /// Where the searches' reverse index came from: "stored" (kept with the
  /// snapshot's searches, then updated for a splice), "updated" (built from
  /// the snapshot's graph while the patch parsed, then updated), or "built"
  /// (for this graph).
  std::string ReverseIndex;
  /// Patch mode: why the base's graph could not be updated for the change
  /// and was rebuilt from the index instead; empty otherwise.
  std::string SpliceRefused;
  std::vector<RuleStats> Rules; ///< Filled by checkTree.
  /// Value flow (CallGraph::valueFlow): calls bound per call site, value
  /// calls resolved by field type, registry calls, and what stayed
  /// unresolved, by UnresolvedKind.
  uint64_t BoundCalls = 0, TypeFallbacks = 0, RegistryCalls = 0;
  /// Sink-summary rows this check wrote, removed, and found unchanged (all
  /// zero when the stored summaries were current).
  uint64_t SummaryRowsWritten = 0, SummaryRowsRemoved = 0, SummaryRowsKept = 0;
  uint64_t Unresolved[NumUnresolvedKinds] = {};
  IndirectPrecision Precision;
  uint64_t unresolvedValues() const {
    uint64_t N = 0;
    for (uint64_t U : Unresolved)
      N += U;
    return N;
  }
};

/// The rule's sinks and boundaries on this graph: sink functions and fields
/// end chains; ignored functions, and calls through deferred-execution,
/// unresolved and root fields, the rule's own and every other rule's of its
/// RuleSet (each root is judged on its own, by its own rule, so one
/// callback's chain never borrows another's wait), are not followed.
ReachSpec reachSpec(const CallGraph &G, const Rule &R);

/// Callback that extends a chain past a seed node (the rest comes from an
/// index summary). Returns false if no continuation is known.
using ChainContinuation =
    llvm::function_ref<bool(const Node &Seed, std::vector<Hop> &Chain,
                            std::string &SinkName)>;

/// Every root of the rule (a function stored into one of its root fields)
/// that reaches a sink. RelativePath maps an absolute path to the form the
/// allowed-path patterns are written in.
/// With sections (Rule::hasSections), also every section that reaches one:
/// a call of a begin function and the calls after it, up to the next call
/// of an end function, in source order; Spec decides which calls count.
std::vector<Finding>
findFindings(const CallGraph &G, const ReachSpec &Spec, const std::vector<SinkStep> &Steps,
             const Rule &R, llvm::function_ref<std::string(llvm::StringRef)> RelativePath,
             bool IncludeAllowed, ChainContinuation Continue = nullptr);

/// The witness chain from one node, following the summaries.
std::vector<Hop> witnessChain(const CallGraph &G, const std::vector<SinkStep> &Steps,
                              NodeId From, std::string &SinkName);
/// One hop of a path, with names and positions.
Hop toHop(const CallGraph &G, const PathHop &P);

/// Defined functions stored into the rule's root fields.
llvm::DenseSet<NodeId> rootsOf(const CallGraph &G, const Rule &R);

/// Findings of several rules in report order: by root position, then rule.
void sortFindings(std::vector<Finding> &Findings);

} // namespace kreach

#endif
