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
#include "kreach/FlowValue.h"
#include "kreach/MaskValue.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
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
  Bound,       ///< A call through a value resolved where it is known: what a
               ///< callee calls through its parameter, bound at this call
               ///< site; a global's field; a callee's result; a notifier
               ///< chain's registered callbacks.
  MaskCall,    ///< A call passing a flag mask (Edge::Mask) to a masked node:
               ///< followed only by a spec with MaskBits, and only when the
               ///< mask may carry one of them.
  Entered,     ///< From a masked node to its function: whatever the function
               ///< reaches, it reaches with any mask.
};

struct Edge {
  Edge() = default;
  Edge(NodeId To, const Loc &Site, EdgeKind Kind = EdgeKind::Direct)
      : To(To), Kind(Kind), Site(Site) {}

  NodeId To = NoNode;
  // Kind and HoistLength sit before Site, in what would be its padding: a
  // whole tree holds tens of millions of edges.
  EdgeKind Kind = EdgeKind::Direct;
  uint16_t HoistLength = 0; ///< The chain's length (Hoist).
  Loc Site; ///< The call; for FieldTarget, the store.
  /// For Bound: how the value was found ("kref_put(release)"), interned
  /// with the fields so that a hop's Via can name it.
  FieldId Label = 0;
  /// For Bound: the field the value was read from last, if any. A rule
  /// that makes the field a sink or a boundary sees the call as a call
  /// through the field (computeSinkSteps), however it was resolved.
  FieldId Through = 0;
  /// For Bound: the callees whose calls through values this edge stands
  /// for (CallGraph::hoistChain), or 0. A rule that ends or blocks chains
  /// at one of them drops the edge, as it would stop the call itself.
  uint32_t Hoist = 0;
  /// For MaskCall: index into CallGraph::maskEdge(). Label then spells the
  /// argument, Through names the field of a call through one.
  uint32_t Mask = 0;
  /// Reachability's cost: a hop from a field to what is stored there is part
  /// of the call through the field, not a call of its own.
  /// A bound edge stands for its hoist chain's calls too.
  uint32_t weight() const {
    return Kind == EdgeKind::FieldTarget || Kind == EdgeKind::Entered ? 0 : 1 + HoistLength;
  }
};

static_assert(sizeof(Edge) <= 48, "an edge grew: a whole tree holds tens of millions");

struct Node {
  NodeKind Kind = NodeKind::Function;
  std::string Key;  ///< Function key (see FunctionFact); empty for a field.
  std::string Name; ///< Function name, or "struct::field".
  FieldId Field = 0; ///< For a field's node.
  Loc Def;
  bool Defined = false;
  /// A masked node: Base entered with a mask argument Param that may carry
  /// the flags a rule asks about (key "<base key>#mask<Param>"). Its kind
  /// is Function, so that summaries and seeds treat it as one.
  NodeId Base = NoNode;
  uint32_t Param = 0;
  bool isMasked() const { return Base != NoNode; }
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

/// A family of registration APIs, such as the kernel's notifier chains:
/// what is registered on a head is what a call on that head calls. Calls
/// through Field resolve only through registrations, never tree-wide.
struct RegistryApi {
  std::string Function;
  unsigned Head = 0; ///< Argument holding the head (from 0).
  unsigned Item = 1; ///< Register: argument holding the item.
};
struct Registry {
  std::string Name;  ///< For messages: "notifier chain".
  std::string Field; ///< The item's callback field: "notifier_block::notifier_call".
  std::vector<RegistryApi> Register, Call;
};
struct ValueFlowConfig {
  std::vector<Registry> Registries;
};

/// Why a call's target is unknown.
enum class UnresolvedKind : uint8_t {
  Parameter,  ///< Through a parameter of a function whose callers are unknown.
  Argument,   ///< Through a parameter, bound to an argument nothing names.
  Return,     ///< Through what a function returns, with no returns indexed.
  Expression, ///< Through an expression that is neither a field nor a value.
  Global,     ///< Through a global that nothing indexed writes.
  UnknownHead, ///< A registry call whose head is unknown: every item of the
               ///< family is called (counted, not dropped).
  TooDeep,    ///< Value chains beyond kreach's bounds: resolved by type.
};
constexpr unsigned NumUnresolvedKinds = 7;
llvm::StringRef unresolvedKindName(UnresolvedKind K);

struct UnresolvedCall {
  NodeId Caller;
  Loc Site;
  UnresolvedKind Kind;
  std::string What; ///< The value, spelled.
};

/// Targets per call site that names no function, kreach's resolution against
/// matching by signature (every address-taken function of the callee's type),
/// over the same sites: the measure MLTA reports.
struct IndirectPrecision {
  size_t Sites = 0;          ///< Calls that name no function.
  size_t ResolvedSites = 0;  ///< Of those, with at least one target.
  size_t Targets = 0;        ///< Sum of kreach's targets over all sites.
  size_t SignatureTargets = 0; ///< Sum of signature-matching targets.
};

/// What value flow resolved and what it could not.
struct ValueFlowStats {
  size_t BoundCalls = 0;     ///< Edges bound at call sites or through globals.
  size_t TypeFallbacks = 0;  ///< Value calls that fell back to field types.
  size_t RegistryCalls = 0;  ///< Edges from registry calls to registered items.
  size_t Malformed = 0;      ///< Value facts that did not decode (a corrupt index).
  size_t Unresolved[NumUnresolvedKinds] = {};
  std::vector<UnresolvedCall> UnresolvedCalls;
};

/// What a function does with values it does not know itself (its
/// parameters), to be bound where it is called: call one (Invoke), write
/// one into memory (Assign), register an item on a head (Register), call
/// everything registered on a head (Dispatch).
/// What stored effects and registrations mean: part of the token they are
/// stored under and of the rules' summary fingerprints, so that what an
/// older kreach stored is computed again rather than misread.
/// 2: a registration holds the item's callback, bound field by field.
constexpr unsigned ValueFlowRevision = 2;

struct ValueEffect {
  enum class Kind : uint8_t { Invoke, Assign, Register, Dispatch };
  Kind K = Kind::Invoke;
  unsigned Registry = 0; ///< Index into ValueFlowConfig::Registries.
  FlowValue A, B; ///< Invoke: callee. Assign: target, value. Register: head,
                  ///< the item's callback (item|field). Dispatch: head.
  Loc Site;       ///< Where it arises in its function.
  FieldId Label = 0; ///< The value as first spelled, for messages.
  /// The callees it was hoisted through, outermost first, each with where
  /// in it the effect arises: the first way found (an effect is kept once
  /// however many ways it arises).
  llvm::SmallVector<std::pair<NodeId, Loc>, 2> Chain;
  std::string key() const {
    return std::to_string(int(K)) + ":" + std::to_string(Registry) + ":" + A.encode() +
           "\x1e" + B.encode();
  }
};

/// The function a masked node's key stands for ("f#mask1" -> "f"); any
/// other key as it is.
llvm::StringRef maskedBaseKey(llvm::StringRef Key);

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
  /// Resolves the value-flow facts (calls through parameters bound at each
  /// call site, globals, results, registries), links each field's node to
  /// the functions stored into it and orders each function's edges (direct
  /// calls first, as shortest-chain ties prefer them). Call once, after all
  /// facts are in.
  void finalize(const ValueFlowConfig &Config = {});
  const ValueFlowStats &valueFlow() const { return Flow; }
  /// The callees a Bound edge goes through (Edge::Hoist), outermost first,
  /// each with where in it the next call (or the call through the value)
  /// is.
  using HoistStep = std::pair<NodeId, Loc>;
  llvm::ArrayRef<HoistStep> hoistChain(uint32_t Hoist) const {
    return Hoist && Hoist <= HoistChains.size()
               ? llvm::ArrayRef<HoistStep>(HoistChains[Hoist - 1])
               : llvm::ArrayRef<HoistStep>();
  }

  /// The value-flow facts as the graph holds them.
  struct ValueCallRow {
    NodeId Caller;
    FlowValue Value;
    Loc Site;
  };
  struct ArgumentRow {
    NodeId Caller, Callee;
    uint32_t Index;
    llvm::SmallVector<std::string, 1> Part;
    FlowValue Value;
    Loc Site;
  };
  struct ReturnRow {
    NodeId Function;
    FlowValue Value;
  };
  struct AssignRow {
    NodeId Owner; ///< NoNode for an initializer.
    FlowValue Target, Value;
    Loc Site;
  };
  void addValueCall(NodeId Caller, const FlowValue &V, const SourcePos &Site);
  void addArgument(NodeId Caller, NodeId Callee, uint32_t Index,
                   llvm::ArrayRef<std::string> Part, const FlowValue &V,
                   const SourcePos &Site);
  void addReturn(NodeId Function, const FlowValue &V);
  void addAssign(NodeId Owner, const FlowValue &Target, const FlowValue &V,
                 const SourcePos &Site);
  /// A concrete registration on Head (a head key; empty when unknown) of
  /// the registry whose callback field is RegistryField: Callback is what
  /// the registered item holds in that field.
  struct RegistrationRow {
    std::string RegistryField, Head;
    FlowValue Callback;
    Loc Site; ///< The registering call.
  };
  /// Each function's effects after finalize (empty for most).
  const std::vector<ValueEffect> &effectsOf(NodeId N) const {
    static const std::vector<ValueEffect> None;
    return N < Effects.size() ? Effects[N] : None;
  }
  const std::vector<RegistrationRow> &registrations() const { return Registrations; }
  /// After finalize: targets per indirect call site against signatures
  /// (computed once).
  IndirectPrecision indirectPrecision() const;
  /// Before finalize: effects of a function defined elsewhere, and
  /// registrations made elsewhere (a per-TU check reads both from the index).
  void addExternalEffect(NodeId N, ValueEffect E) { ExternalEffects[N].push_back(std::move(E)); }
  const std::vector<ValueEffect> &pendingEffectsOf(NodeId N) const {
    static const std::vector<ValueEffect> None;
    auto It = ExternalEffects.find(N);
    return It == ExternalEffects.end() ? None : It->second;
  }
  /// Before finalize: a function whose address is taken elsewhere in the
  /// tree, so that its parameters resolve as the tree's graph resolves them.
  void markAddressTaken(NodeId N) { AddressTaken.insert(N); }
  bool isAddressTaken(NodeId N) const { return AddressTaken.count(N) != 0; }
  /// Drops the registrations made elsewhere that were read for File: a TU
  /// graph that holds File's facts makes those itself.
  void dropExternalRegistrationsIn(llvm::StringRef File) {
    llvm::erase_if(ExternalRegistrations,
                   [&](const RegistrationRow &R) { return Files[R.Site.File] == File; });
  }
  void addExternalRegistration(RegistrationRow R) {
    ExternalRegistrations.push_back(std::move(R));
  }
  /// A mask argument (MaskArgumentFact); Callee is NoNode for a call that
  /// names no function.
  struct MaskArgumentRow {
    NodeId Caller, Callee;
    uint32_t Index;
    MaskValue Value;
    FieldId Spelling;
    Loc Site;
  };
  void addMaskArgument(NodeId Caller, NodeId Callee, uint32_t Index, const MaskValue &V,
                       llvm::StringRef Spelling, const SourcePos &Site);
  /// What a MaskCall edge passes: the value, and whether the edge leaves
  /// the caller's masked node (the value's parameter part) or the caller
  /// itself (its constant part, or all of an unknown value).
  struct MaskEdge {
    MaskValue Value;
    bool FromParam = false;
  };
  const MaskEdge &maskEdge(uint32_t I) const { return MaskEdges[I]; }
  /// The masked node of a function's parameter, or NoNode.
  NodeId maskedNode(NodeId Function, uint32_t Param) const;
  /// Every masked node of a function, by parameter.
  llvm::SmallVector<NodeId, 2> maskedNodesOf(NodeId Function) const;
  const std::vector<ValueCallRow> &valueCalls() const { return ValueCalls; }
  const std::vector<ArgumentRow> &arguments() const { return Arguments; }
  const std::vector<ReturnRow> &returns() const { return Returns; }
  const std::vector<AssignRow> &assigns() const { return Assigns; }

  FileId internFile(llvm::StringRef Path);
  FieldId internField(llvm::StringRef Field);
  Loc toLoc(const SourcePos &P) {
    return {internFile(P.File), P.Line, P.Column, P.RawLoc};
  }
  SourcePos toPos(const Loc &L) const { return {Files[L.File], L.Line, L.Column, L.Raw}; }

  size_t size() const { return Nodes.size(); }
  const Node &node(NodeId N) const { return Nodes[N]; }
  llvm::ArrayRef<Edge> edges(NodeId N) const {
    if (EdgeStart.empty())
      return Out[N];
    if (size_t(N) + 1 >= EdgeStart.size())
      return {}; // A node made after the edges were laid out has none.
    return llvm::ArrayRef(FlatEdges).slice(EdgeStart[N], EdgeStart[N + 1] - EdgeStart[N]);
  }
  const std::vector<Store> &stores() const { return Stores; }
  const std::string &file(FileId I) const { return Files[I]; }
  const std::string &field(FieldId I) const { return Fields[I]; }
  size_t numFields() const { return Fields.size(); }
  /// The field's node, or NoNode if nothing calls through or stores into it.
  NodeId nodeOfField(FieldId F) const { return F < FieldNodes.size() ? FieldNodes[F] : NoNode; }

private:
  friend class ValueFlow;
  friend class GraphSnapshot;
  friend class GraphSplicer;
  mutable std::optional<IndirectPrecision> PrecisionCache;
  void addEdge(NodeId From, const Edge &E) { growableEdges(From).push_back(E); }
  /// A field node's edges to the functions stored into it (where: one
  /// store each), once each and in node order, so that ties between them
  /// resolve the same every run.
  static std::vector<Edge> fieldTargetEdges(std::vector<std::pair<NodeId, Loc>> Stored);
  std::vector<ValueCallRow> ValueCalls;
  std::vector<ArgumentRow> Arguments;
  std::vector<ReturnRow> Returns;
  std::vector<AssignRow> Assigns;
  std::vector<std::vector<ValueEffect>> Effects;
  std::vector<MaskArgumentRow> MaskArguments;
  std::vector<MaskEdge> MaskEdges;
  std::map<std::pair<NodeId, uint32_t>, NodeId> MaskedNodes;
  NodeId getOrAddMaskedNode(NodeId Function, uint32_t Param);
  void addMaskEdges();
  struct CallTypeRow {
    NodeId Caller;
    std::string Type;
    Loc Site;
  };
  std::vector<CallTypeRow> CallTypes;
  llvm::DenseMap<NodeId, std::string> Signatures;
  llvm::DenseSet<NodeId> AddressTaken; ///< Filled by value flow.
  std::vector<RegistrationRow> Registrations, ExternalRegistrations;
  std::map<NodeId, std::vector<ValueEffect>> ExternalEffects;
  ValueFlowStats Flow;
  std::vector<llvm::SmallVector<HoistStep, 2>> HoistChains;
  std::vector<Node> Nodes;
  /// Each node's edges. While the graph is built, a vector per node; once
  /// finalize() (or a snapshot) has laid them out, one array for all, each
  /// node's run starting at EdgeStart[node]: a million-function graph then
  /// holds a few allocations instead of a million, and its searches walk
  /// memory in order.
  std::vector<std::vector<Edge>> Out;
  std::vector<Edge> FlatEdges;
  std::vector<uint32_t> EdgeStart; ///< Empty while the graph is built.
  /// N's edges to add to (laid out edges are taken back apart first).
  std::vector<Edge> &growableEdges(NodeId N);
  void layOutEdges();
  std::vector<Store> Stores;
  std::vector<std::string> Files, Fields;
  std::vector<NodeId> FieldNodes;
  /// Node ids by their key: open addressing over ids, each slot with its
  /// key's hash, the key itself read from Nodes. Unlike a StringMap it copies
  /// no key and allocates once, so a million-function snapshot indexes its
  /// keys in a fraction of the time.
  class KeyTable {
  public:
    void reset(size_t Expected);
    /// Every node of Nodes with a key, in a table of their final size (and
    /// room for a patch's new functions).
    void build(const std::vector<Node> &Nodes);
    NodeId find(llvm::StringRef Key, const std::vector<Node> &Nodes) const;
    /// Key's node, or N added as it: Nodes[N].Key must be Key.
    NodeId insert(NodeId N, const std::vector<Node> &Nodes);
    void clear() { Slots.clear(), Used = 0; }

  private:
    struct Slot {
      NodeId Id = NoNode;
      uint32_t Tag = 0; ///< The hash's high half: most mismatches skip the string.
    };
    std::vector<Slot> Slots;
    size_t Used = 0;
    void grow(const std::vector<Node> &Nodes);
  };
  /// Built on first use in a graph read from a snapshot (most checks never
  /// look a key up); once_flag keeps that safe for concurrent readers.
  mutable KeyTable NodeByKey;
  mutable std::unique_ptr<std::once_flag> KeysPending;
  void indexKeys() const;
  /// Where each file's positions are, for a splice, which moves one file's
  /// (GraphSplicer): made on first use, kept by the splices, dropped by any
  /// other change of the graph.
  struct LocationIndex;
  std::shared_ptr<LocationIndex> Locations;
  friend struct LocationIndex;

public:
  /// Makes the index of positions by file a splice uses (GraphSplice.h),
  /// if the graph has none: patch mode makes it while the change is parsed.
  void indexLocations();

private:
  llvm::StringMap<FileId> FileIds;
  FileId LastFile = 0; ///< The file internFile returned last.
  llvm::StringMap<FieldId> FieldIds;
};

/// What reachability treats specially, per node: sinks end a chain, blocked
/// nodes are never passed through (nor reached from a seed).
struct ReachSpec {
  enum Role : uint8_t { Normal, Sink, Blocked };
  std::vector<Role> Roles; ///< One per node; missing entries are Normal.
  /// The flags whose presence in a mask argument the search follows
  /// (MaskCall edges); 0 follows none.
  uint64_t MaskBits = 0;
  Role role(NodeId N) const { return N < Roles.size() ? Roles[N] : Normal; }
};

/// Where an edge leads under a spec: a Bound edge read through a field that
/// the spec makes a sink leads to the field's node (the call is the wait);
/// through a blocked field it leads nowhere (NoNode).
NodeId effectiveTarget(const CallGraph &G, const ReachSpec &Spec, const Edge &E);

/// What is known about reaching a sink from one node.
struct SinkStep {
  uint32_t Dist = UINT32_MAX; ///< Calls to the nearest sink; 0 at a sink.
  NodeId Next = NoNode;       ///< Target of the next edge on a shortest path.
  uint32_t EdgeIndex = 0;     ///< Into CallGraph::edges(node).
  bool reaches() const { return Dist != UINT32_MAX; }
};

/// The graph's edges indexed by where they may lead, for the backward
/// search: each edge under its target and, for a bound edge read through a
/// field, also under the field's node (where a spec that makes the field a
/// sink sends it). Built once and shared by every rule's search, which keeps
/// an entry only where the edge's target under its spec is that node.
class ReverseEdges {
public:
  explicit ReverseEdges(const CallGraph &G);
  /// (source, index of the edge in its source's edges), in source order.
  llvm::ArrayRef<std::pair<NodeId, uint32_t>> into(NodeId N) const {
    return llvm::ArrayRef(In).slice(Start[N], Start[N + 1] - Start[N]);
  }
  /// For entry I of into(N) (I counted from Start(N)): the edge's weight
  /// when every spec sends it to N, else AskSpec.
  static constexpr uint8_t AskSpec = 0xff;
  uint32_t start(NodeId N) const { return Start[N]; }
  uint8_t plainWeight(uint32_t Entry) const { return Weight[Entry]; }
  /// Every node with a path to one of Targets (the targets included), by
  /// any edge under any spec, sorted.
  std::vector<NodeId> reaching(llvm::ArrayRef<NodeId> Targets) const;
  /// Brings the index to G, a graph that differs from the one it was built
  /// on only in the edges of the nodes Changed and in nodes appended past
  /// it (a splice): afterwards it equals ReverseEdges(G), for one pass over
  /// its entries instead of a rebuild.
  void update(const CallGraph &G, llvm::ArrayRef<NodeId> Changed);
  bool operator==(const ReverseEdges &O) const {
    return Start == O.Start && In == O.In && Weight == O.Weight;
  }
  /// The index's arrays, to keep it on disk (GraphSearches.h).
  llvm::ArrayRef<uint32_t> starts() const { return Start; }
  llvm::ArrayRef<std::pair<NodeId, uint32_t>> entries() const { return In; }
  llvm::ArrayRef<uint8_t> weights() const { return Weight; }
  /// An index kept on disk for G, from its arrays; nullopt unless they have
  /// the shape of an index of G (a start per node and one past, in order,
  /// each entry an edge G has), so that no stored index reads out of bounds.
  static std::optional<ReverseEdges> fromArrays(const CallGraph &G, std::vector<uint32_t> Start,
                                                std::vector<std::pair<NodeId, uint32_t>> In,
                                                std::vector<uint8_t> Weight);

private:
  ReverseEdges() = default;
  std::vector<uint32_t> Start;
  std::vector<std::pair<NodeId, uint32_t>> In;
  /// Kept apart from In so that a search reads an edge itself only when the
  /// spec decides where it leads.
  std::vector<uint8_t> Weight;
};

/// Distances to the nearest sink for every node. Seeds are nodes whose
/// distance is known from elsewhere (an index summary for a function the
/// graph does not define); they act as sinks at that distance. Ties go to
/// the earlier edge of a node, for stable witnesses.
std::vector<SinkStep>
computeSinkSteps(const CallGraph &G, const ReachSpec &Spec, const ReverseEdges &Reverse,
                 llvm::ArrayRef<std::pair<NodeId, uint32_t>> Seeds = {});
/// The same with reverse edges built for this one search.
std::vector<SinkStep>
computeSinkSteps(const CallGraph &G, const ReachSpec &Spec,
                 llvm::ArrayRef<std::pair<NodeId, uint32_t>> Seeds = {});

/// computeSinkSteps(G, Spec, Reverse) from Base, its result on a graph that
/// differed from G only in the edges of the nodes Changed (where they lead,
/// their weights, their order) and in the nodes G has past Base's (a splice
/// appends the functions a change first names), under the same spec for the
/// nodes both have. A search's result is a function of the graph alone, so
/// a node that reaches none of Changed or the new nodes keeps Base's step;
/// only the nodes that reach one are searched again, from the distances of
/// those around them. Searched, when given, is set to how many were.
std::vector<SinkStep> updateSinkSteps(const CallGraph &G, const ReachSpec &Spec,
                                      const ReverseEdges &Reverse, std::vector<SinkStep> Base,
                                      llvm::ArrayRef<NodeId> Changed, size_t *Searched = nullptr);

/// The nodes whose edges may lead elsewhere in G than they did in the graph
/// of G's first OldNodes nodes, which a splice changed at Touched: Touched,
/// the nodes appended, and every node with a call through a value read from
/// a field whose node is new (a spec that makes the field a sink or a
/// boundary sends that call to the field's node, which did not exist).
/// What updateSinkSteps and ReverseEdges::update are given.
std::vector<NodeId> changedSources(const CallGraph &G, size_t OldNodes,
                                   llvm::ArrayRef<NodeId> Touched);

/// A spec's identity over a graph's first Nodes nodes (all of them by
/// default), for results stored under it: the roles of those nodes and the
/// mask bits followed.
uint64_t specFingerprint(const ReachSpec &Spec, size_t Nodes = SIZE_MAX);

/// One call on a path: a direct call, or a call through a field resolved to
/// a function stored there (Via), or a call through a field that is itself
/// the sink (Callee is the field's node).
struct PathHop {
  NodeId Caller, Callee;
  Loc Site;
  FieldId Via = 0;
  uint32_t Hoist = 0; ///< For a bound edge: its hoist chain (Edge::Hoist).
  FieldId Mask = 0;   ///< For a mask call: the mask as written.
};

/// A hop of a bound edge as the calls it stands for: the caller calls the
/// first callee of its hoist chain, which calls the next, and the last
/// calls the target through the value.
llvm::SmallVector<PathHop, 2> expandHop(const CallGraph &G, const PathHop &H);

/// The first call of a shortest path from N, if N reaches a sink and is not
/// one (a seed has none either).
std::optional<PathHop> nextHop(const CallGraph &G, const std::vector<SinkStep> &Steps,
                               NodeId N);
/// The shortest path from N, following nextHop to its end, each bound hop
/// expanded into its calls (expandHop).
std::vector<PathHop> shortestPath(const CallGraph &G, const std::vector<SinkStep> &Steps,
                                  NodeId N);

/// The path that starts with N's edge EdgeIndex (under Spec) and goes on
/// by the shortest path from its target.
std::vector<PathHop> pathThrough(const CallGraph &G, const ReachSpec &Spec,
                                 const std::vector<SinkStep> &Steps, NodeId N,
                                 uint32_t EdgeIndex);

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
