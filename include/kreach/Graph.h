//===- kreach/Graph.h - Cross-TU call graph and sink reachability ----------===//
//
// A call graph over function keys: direct calls, and calls through struct
// fields resolved to every function stored into that field anywhere in the
// tree. Reachability runs backwards from the sinks once, so every function
// learns its distance to the nearest wait and the next hop towards it (the
// "sink summary"); a root's shortest witness chain falls out of following
// those hops.
//
//===----------------------------------------------------------------------===//
#ifndef KREACH_GRAPH_H
#define KREACH_GRAPH_H

#include "kreach/Facts.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringMap.h"
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kreach {

class Policy;

using NodeId = uint32_t;
constexpr NodeId NoNode = ~NodeId(0);

/// A source position with its file interned in the graph.
struct Loc {
  uint32_t File = 0; ///< Index into CallGraph::files(); 0 is "no file".
  uint32_t Line = 0;
  uint32_t Column = 0;
  uint64_t Raw = 0; ///< SourcePos::RawLoc, carried through for per-TU front ends.
};

struct Edge {
  NodeId To;
  Loc Site;
  uint32_t Via = 0; ///< Field index for calls through a struct field; 0 if direct.
};

struct Node {
  std::string Key;
  std::string Name;
  Loc Def;
  bool Defined = false;
  bool Sink = false;    ///< Set by resolve().
  bool Ignored = false; ///< Set by resolve().
};

struct Store {
  uint32_t Field;
  NodeId Target;
  Loc Site;
};

class CallGraph {
public:
  CallGraph();

  NodeId getOrAddNode(llvm::StringRef Key, llvm::StringRef Name);
  NodeId lookup(llvm::StringRef Key) const;
  void define(NodeId N, const SourcePos &Def);
  void addCall(NodeId From, NodeId To, const SourcePos &Site);
  void addIndirectCall(NodeId From, llvm::StringRef Field, const SourcePos &Site);
  void addStore(llvm::StringRef Field, NodeId Target, const SourcePos &Site);
  /// Adds every fact of a TU.
  void addFacts(const TUFacts &Facts);

  /// Marks sinks and ignored functions, and turns each call through a field
  /// into edges to what was stored there (async fields excepted) or to the
  /// sink node of a sink field. Call once, after all facts are in.
  void resolve(const Policy &P);

  uint32_t internFile(llvm::StringRef Path);
  uint32_t internField(llvm::StringRef Field);
  Loc toLoc(const SourcePos &P) {
    return {internFile(P.File), P.Line, P.Column, P.RawLoc};
  }
  SourcePos toPos(const Loc &L) const { return {Files[L.File], L.Line, L.Column, L.Raw}; }

  size_t size() const { return Nodes.size(); }
  const Node &node(NodeId N) const { return Nodes[N]; }
  const std::vector<Edge> &edges(NodeId N) const { return Out[N]; }
  const std::vector<Store> &stores() const { return Stores; }
  const std::string &file(uint32_t I) const { return Files[I]; }
  const std::string &field(uint32_t I) const { return Fields[I]; }
  size_t numEdges() const { return EdgeCount; }
  /// Calls through fields that no stored function resolves.
  size_t numUnresolvedIndirectCalls() const { return UnresolvedIndirect; }

private:
  struct PendingIndirect {
    NodeId From;
    uint32_t Field;
    Loc Site;
  };
  std::vector<Node> Nodes;
  std::vector<std::vector<Edge>> Out;
  std::vector<Store> Stores;
  std::vector<PendingIndirect> Pending;
  std::vector<std::string> Files, Fields;
  llvm::StringMap<NodeId> NodeByKey;
  llvm::StringMap<uint32_t> FileIds, FieldIds;
  size_t EdgeCount = 0;
  size_t UnresolvedIndirect = 0;
};

/// What is known about reaching a sink from one function.
struct SinkStep {
  uint32_t Dist = UINT32_MAX; ///< Hops to the nearest sink; 0 at a sink.
  NodeId Next = NoNode;       ///< Callee on a shortest path.
  uint32_t EdgeIndex = 0;     ///< Into CallGraph::edges(node).
  bool reaches() const { return Dist != UINT32_MAX; }
};

/// Distances to the nearest sink for every node. Seeds are nodes whose
/// distance is known from elsewhere (an index summary for a function the
/// graph does not define); they act as sinks at that distance.
std::vector<SinkStep>
computeSinkSteps(const CallGraph &G,
                 llvm::ArrayRef<std::pair<NodeId, uint32_t>> Seeds = {});

struct Hop {
  std::string Caller, Callee; ///< Names.
  std::string CallerKey, CalleeKey;
  SourcePos Site;
  std::string Via; ///< "struct::field" for an indirect hop.
};

struct Registration {
  std::string Field;
  SourcePos Site;
};

struct Finding {
  std::string RootKey, RootName;
  SourcePos RootLoc;
  std::vector<Registration> Registrations; ///< Sorted; the first is reported.
  std::string SinkName;
  std::vector<Hop> Chain;
  bool Allowed = false;
};

/// Callback that extends a chain past a seed node (the rest comes from an
/// index summary). Returns false if no continuation is known.
using ChainContinuation =
    llvm::function_ref<bool(const Node &Seed, std::vector<Hop> &Chain,
                            std::string &SinkName)>;

/// Every root (function stored into a root field) that reaches a sink.
/// RelativePath maps an absolute path to the form the allowed-path patterns
/// are written in.
std::vector<Finding>
findFindings(const CallGraph &G, const std::vector<SinkStep> &Steps, const Policy &P,
             llvm::function_ref<std::string(llvm::StringRef)> RelativePath,
             bool IncludeAllowed, ChainContinuation Continue = nullptr);

/// The witness chain from one node, following the summaries.
std::vector<Hop> witnessChain(const CallGraph &G, const std::vector<SinkStep> &Steps,
                              NodeId From, std::string &SinkName);

} // namespace kreach

#endif
