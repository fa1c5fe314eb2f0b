//===- kreach/Graph.h - Cross-TU call graph and reachability ---------------===//
//
// A call graph over typed nodes: functions, and struct fields that code calls
// through or stores function addresses into. A call through a field is an
// edge to the field's node; the field's node has an edge to every function
// stored into it anywhere in the tree. The graph knows no rule: reachability
// runs backwards from the sinks a caller names, past the nodes it blocks, so
// every node learns its distance to the nearest sink and the next hop towards
// it (the "sink summary").
//
//===----------------------------------------------------------------------===//
#ifndef KREACH_GRAPH_H
#define KREACH_GRAPH_H

#include "kreach/FactKinds.h"
#include "kreach/Facts.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kreach {

using NodeId = uint32_t;
constexpr NodeId NoNode = ~NodeId(0);
using FieldId = uint32_t; ///< Index into CallGraph::field(); 0 is "no field".
using FileId = uint32_t;  ///< Index into CallGraph::file(); 0 is "no file".

/// A source position with its file interned in the graph.
struct Loc {
  FileId File = 0;
  uint32_t Line = 0;
  uint32_t Column = 0;
  uint64_t Raw = 0; ///< SourcePos::RawLoc, carried through for per-TU front ends.
};

enum class NodeKind : uint8_t { Function, Field };

/// How an edge's target was found.
enum class EdgeKind : uint8_t {
  Direct,      ///< A call naming its callee.
  FieldCall,   ///< A call through a struct field: to the field's node.
  FieldTarget, ///< From a field's node to a function stored into it.
};

struct Edge {
  NodeId To;
  Loc Site; ///< The call; for FieldTarget, the store.
  EdgeKind Kind = EdgeKind::Direct;
  /// Reachability's cost: a hop from a field to what is stored there is part
  /// of the call through the field, not a call of its own.
  uint32_t weight() const { return Kind == EdgeKind::FieldTarget ? 0 : 1; }
};

struct Node {
  NodeKind Kind = NodeKind::Function;
  std::string Key;  ///< Function key (see FunctionFact); empty for a field.
  std::string Name; ///< Function name, or "struct::field".
  FieldId Field = 0; ///< For a field's node.
  Loc Def;
  bool Defined = false;
};

struct Store {
  FieldId Field;
  NodeId Target;
  Loc Site;
};

/// A fact with its function keys resolved to nodes, from a TU's facts
/// (addFacts) or from the index's rows (Index::loadGraph); values keep
/// their kind's column order (FactKinds.def).
struct ResolvedFact {
  FactKind Kind = FactKind();
  /// NoNode for kinds whose facts may sit at file scope.
  NodeId Owner = NoNode;
  llvm::SmallVector<NodeId, 2> Symbols;
  llvm::SmallVector<llvm::StringRef, 1> Fields; ///< Refer into the facts or rows.
  llvm::SmallVector<int64_t, 1> Integers;
  llvm::SmallVector<std::string, 1> Texts;
  SourcePos Site;
  void clear(FactKind K) {
    Kind = K;
    Owner = NoNode;
    Symbols.clear();
    Fields.clear();
    Integers.clear();
    Texts.clear();
    Site.File.clear(); // Keeps its buffer: the loader fills one per row.
    Site.Line = Site.Column = 0;
    Site.RawLoc = 0;
  }
};

class CallGraph {
public:
  CallGraph();

  NodeId getOrAddNode(llvm::StringRef Key, llvm::StringRef Name);
  /// The node of a field, made on first use.
  NodeId fieldNode(FieldId Field);
  NodeId lookup(llvm::StringRef Key) const;
  void define(NodeId N, const SourcePos &Def);
  void addCall(NodeId From, NodeId To, const SourcePos &Site);
  void addIndirectCall(NodeId From, llvm::StringRef Field, const SourcePos &Site);
  void addStore(llvm::StringRef Field, NodeId Target, const SourcePos &Site);
  /// What a fact of each kind means to the graph; kinds it ignores are
  /// facts only the index and `kreach facts` use.
  void addFact(const ResolvedFact &F);
  /// Adds every fact of a TU.
  void addFacts(const TUFacts &Facts);
  /// Links each field's node to the functions stored into it and orders each
  /// function's edges (direct calls first, as shortest-chain ties prefer
  /// them). Call once, after all facts are in; later additions need another.
  void finalize();

  FileId internFile(llvm::StringRef Path);
  FieldId internField(llvm::StringRef Field);
  Loc toLoc(const SourcePos &P) {
    return {internFile(P.File), P.Line, P.Column, P.RawLoc};
  }
  SourcePos toPos(const Loc &L) const { return {Files[L.File], L.Line, L.Column, L.Raw}; }

  size_t size() const { return Nodes.size(); }
  const Node &node(NodeId N) const { return Nodes[N]; }
  const std::vector<Edge> &edges(NodeId N) const { return Out[N]; }
  const std::vector<Store> &stores() const { return Stores; }
  const std::string &file(FileId I) const { return Files[I]; }
  const std::string &field(FieldId I) const { return Fields[I]; }
  size_t numFields() const { return Fields.size(); }
  /// The field's node, or NoNode if nothing calls through or stores into it.
  NodeId nodeOfField(FieldId F) const { return F < FieldNodes.size() ? FieldNodes[F] : NoNode; }

private:
  std::vector<Node> Nodes;
  std::vector<std::vector<Edge>> Out;
  std::vector<Store> Stores;
  std::vector<std::string> Files, Fields;
  std::vector<NodeId> FieldNodes;
  llvm::StringMap<NodeId> NodeByKey;
  llvm::StringMap<FileId> FileIds;
  llvm::StringMap<FieldId> FieldIds;
};

/// What reachability treats specially, per node: sinks end a chain, blocked
/// nodes are never passed through (nor reached from a seed).
struct ReachSpec {
  enum Role : uint8_t { Normal, Sink, Blocked };
  std::vector<Role> Roles; ///< One per node; missing entries are Normal.
  Role role(NodeId N) const { return N < Roles.size() ? Roles[N] : Normal; }
};

/// What is known about reaching a sink from one node.
struct SinkStep {
  uint32_t Dist = UINT32_MAX; ///< Calls to the nearest sink; 0 at a sink.
  NodeId Next = NoNode;       ///< Target of the next edge on a shortest path.
  uint32_t EdgeIndex = 0;     ///< Into CallGraph::edges(node).
  bool reaches() const { return Dist != UINT32_MAX; }
};

/// Distances to the nearest sink for every node. Seeds are nodes whose
/// distance is known from elsewhere (an index summary for a function the
/// graph does not define); they act as sinks at that distance. Ties go to
/// the earlier edge of a node, for stable witnesses.
std::vector<SinkStep>
computeSinkSteps(const CallGraph &G, const ReachSpec &Spec,
                 llvm::ArrayRef<std::pair<NodeId, uint32_t>> Seeds = {});

/// One call on a path: a direct call, or a call through a field resolved to
/// a function stored there (Via), or a call through a field that is itself
/// the sink (Callee is the field's node).
struct PathHop {
  NodeId Caller, Callee;
  Loc Site;
  FieldId Via = 0;
};

/// The first call of a shortest path from N, if N reaches a sink and is not
/// one (a seed has none either).
std::optional<PathHop> nextHop(const CallGraph &G, const std::vector<SinkStep> &Steps,
                               NodeId N);
/// The shortest path from N, following nextHop to its end.
std::vector<PathHop> shortestPath(const CallGraph &G, const std::vector<SinkStep> &Steps,
                                  NodeId N);

/// Every call out of N that starts a shortest path (the shortest-path DAG).
std::vector<PathHop> shortestHops(const CallGraph &G, const std::vector<SinkStep> &Steps,
                                  NodeId N);

/// Counts under a spec: calls (a call through a field counts once per
/// function stored there) and calls through fields that resolve to nothing
/// the spec lets through.
struct EdgeCounts {
  size_t Calls = 0, UnresolvedIndirectCalls = 0;
};
EdgeCounts countEdges(const CallGraph &G, const ReachSpec &Spec);

} // namespace kreach

#endif
