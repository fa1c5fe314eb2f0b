//===- Graph.cpp - Cross-TU call graph and reachability -------------------===//

#include "kreach/Graph.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Parallel.h"
#include "llvm/Support/xxhash.h"
#include <algorithm>
#include <map>
#include <queue>
#include <tuple>

namespace kreach {

void resolveValueFlow(CallGraph &G, const ValueFlowConfig &Config);

CallGraph::CallGraph() {
  Files.push_back("");
  Fields.push_back("");
  FieldNodes.push_back(NoNode);
}

FileId CallGraph::internFile(llvm::StringRef Path) {
  if (Path.empty())
    return 0;
  // Facts arrive body by body, so runs of them share a file.
  if (LastFile && Files[LastFile] == Path)
    return LastFile;
  auto [It, Inserted] = FileIds.try_emplace(Path, Files.size());
  if (Inserted)
    Files.push_back(Path.str());
  LastFile = It->second;
  return It->second;
}

FieldId CallGraph::internField(llvm::StringRef Field) {
  auto [It, Inserted] = FieldIds.try_emplace(Field, Fields.size());
  if (Inserted) {
    Fields.push_back(Field.str());
    FieldNodes.push_back(NoNode);
  }
  return It->second;
}

void CallGraph::KeyTable::reset(size_t Expected) {
  // At most half full, so that probes stay short.
  size_t Size = 16;
  while (Size < 2 * Expected)
    Size *= 2;
  Slots.assign(Size, Slot());
  Used = 0;
}

void CallGraph::KeyTable::build(const std::vector<Node> &Nodes) {
  reset(Nodes.size() + Nodes.size() / 64);
  for (NodeId N = 0; N < Nodes.size(); ++N)
    if (!Nodes[N].Key.empty())
      insert(N, Nodes);
}

NodeId CallGraph::KeyTable::find(llvm::StringRef Key, const std::vector<Node> &Nodes) const {
  if (Slots.empty())
    return NoNode;
  uint64_t Hash = llvm::xxh3_64bits(Key);
  uint32_t Tag = uint32_t(Hash >> 32);
  size_t Mask = Slots.size() - 1;
  for (size_t I = Hash & Mask;; I = (I + 1) & Mask) {
    const Slot &S = Slots[I];
    if (S.Id == NoNode)
      return NoNode;
    if (S.Tag == Tag && Nodes[S.Id].Key == Key)
      return S.Id;
  }
}

NodeId CallGraph::KeyTable::insert(NodeId N, const std::vector<Node> &Nodes) {
  if (2 * (Used + 1) > Slots.size())
    grow(Nodes);
  llvm::StringRef Key = Nodes[N].Key;
  uint64_t Hash = llvm::xxh3_64bits(Key);
  uint32_t Tag = uint32_t(Hash >> 32);
  size_t Mask = Slots.size() - 1;
  for (size_t I = Hash & Mask;; I = (I + 1) & Mask) {
    Slot &S = Slots[I];
    if (S.Id == NoNode) {
      S = {N, Tag};
      ++Used;
      return N;
    }
    if (S.Tag == Tag && Nodes[S.Id].Key == Key)
      return S.Id;
  }
}

void CallGraph::KeyTable::grow(const std::vector<Node> &Nodes) {
  std::vector<Slot> Old = std::move(Slots);
  reset(std::max<size_t>(Used + 1, Old.size()));
  for (const Slot &S : Old)
    if (S.Id != NoNode)
      insert(S.Id, Nodes);
}

void CallGraph::indexKeys() const {
  if (!KeysPending)
    return;
  std::call_once(*KeysPending, [&] { NodeByKey.build(Nodes); });
}

NodeId CallGraph::getOrAddNode(llvm::StringRef Key, llvm::StringRef Name) {
  indexKeys();
  NodeId Found = NodeByKey.find(Key, Nodes);
  if (Found == NoNode) {
    Node N;
    N.Key = Key.str();
    N.Name = Name.str();
    Nodes.push_back(std::move(N));
    if (EdgeStart.empty())
      Out.emplace_back();
    return NodeByKey.insert(NodeId(Nodes.size() - 1), Nodes);
  }
  if (Nodes[Found].Name.empty() && !Name.empty())
    Nodes[Found].Name = Name.str();
  return Found;
}

NodeId CallGraph::fieldNode(FieldId Field) {
  if (FieldNodes[Field] == NoNode) {
    Node N;
    N.Kind = NodeKind::Field;
    N.Name = Fields[Field];
    N.Field = Field;
    FieldNodes[Field] = Nodes.size();
    Nodes.push_back(std::move(N));
    if (EdgeStart.empty())
      Out.emplace_back();
  }
  return FieldNodes[Field];
}

NodeId CallGraph::lookup(llvm::StringRef Key) const {
  indexKeys();
  return NodeByKey.find(Key, Nodes);
}

void CallGraph::define(NodeId N, const SourcePos &Def) {
  Locations.reset();
  Nodes[N].Defined = true;
  Nodes[N].Def = toLoc(Def);
}

void CallGraph::addCall(NodeId From, NodeId To, const SourcePos &Site) {
  growableEdges(From).push_back({To, toLoc(Site), EdgeKind::Direct});
}

void CallGraph::addIndirectCall(NodeId From, llvm::StringRef Field,
                                const SourcePos &Site) {
  NodeId F = fieldNode(internField(Field));
  growableEdges(From).push_back({F, toLoc(Site), EdgeKind::FieldCall});
}

void CallGraph::addStore(llvm::StringRef Field, NodeId Target, const SourcePos &Site) {
  Stores.push_back({internField(Field), Target, toLoc(Site)});
}

void CallGraph::addFact(const ResolvedFact &F) {
  switch (F.Kind) {
  case FactKind::Call:
    addCall(F.Owner, F.Symbols[0], F.Site);
    return;
  case FactKind::IndirectCall:
    addIndirectCall(F.Owner, F.Fields[0], F.Site);
    return;
  case FactKind::Store:
    addStore(F.Fields[0], F.Symbols[0], F.Site);
    return;
  case FactKind::ValueCall:
    if (std::optional<FlowValue> V = FlowValue::decode(F.Texts[0]))
      addValueCall(F.Owner, *V, F.Site);
    else
      ++Flow.Malformed;
    return;
  case FactKind::Argument: {
    std::optional<FlowValue> V = FlowValue::decode(F.Texts[1]);
    std::optional<llvm::SmallVector<std::string, 2>> Part = decodePath(F.Texts[0]);
    if (V && Part && F.Integers[0] >= 0 && F.Integers[0] < 1024)
      addArgument(F.Owner, F.Symbols[0], uint32_t(F.Integers[0]), *Part, *V, F.Site);
    else
      ++Flow.Malformed;
    return;
  }
  case FactKind::Return:
    if (std::optional<FlowValue> V = FlowValue::decode(F.Texts[0]))
      addReturn(F.Owner, *V);
    else
      ++Flow.Malformed;
    return;
  case FactKind::Signature:
    Signatures[F.Owner] = F.Texts[0];
    return;
  case FactKind::CallType:
    CallTypes.push_back({F.Owner, F.Texts[0], toLoc(F.Site)});
    return;
  case FactKind::MaskArgument: {
    std::optional<MaskValue> V = MaskValue::decode(F.Texts[1]);
    if (!V || F.Integers[0] < 0 || F.Integers[0] >= 1024) {
      ++Flow.Malformed;
      return;
    }
    NodeId Callee = F.Texts[0].empty() ? NoNode : getOrAddNode(F.Texts[0], "");
    addMaskArgument(F.Owner, Callee, uint32_t(F.Integers[0]), *V, F.Texts[2], F.Site);
    return;
  }
  case FactKind::Assign:
  case FactKind::GlobalInit: {
    std::optional<FlowValue> T = FlowValue::decode(F.Texts[0]);
    std::optional<FlowValue> V = FlowValue::decode(F.Texts[1]);
    if (T && V)
      addAssign(F.Kind == FactKind::Assign ? F.Owner : NoNode, *T, *V, F.Site);
    else
      ++Flow.Malformed;
    return;
  }
  }
}

void CallGraph::addValueCall(NodeId Caller, const FlowValue &V, const SourcePos &Site) {
  ValueCalls.push_back({Caller, V, toLoc(Site)});
}

void CallGraph::addArgument(NodeId Caller, NodeId Callee, uint32_t Index,
                            llvm::ArrayRef<std::string> Part, const FlowValue &V,
                            const SourcePos &Site) {
  Arguments.push_back({Caller, Callee, Index,
                       llvm::SmallVector<std::string, 1>(Part.begin(), Part.end()), V,
                       toLoc(Site)});
}

void CallGraph::addMaskArgument(NodeId Caller, NodeId Callee, uint32_t Index,
                                const MaskValue &V, llvm::StringRef Spelling,
                                const SourcePos &Site) {
  MaskArguments.push_back({Caller, Callee, Index, V, internField(Spelling), toLoc(Site)});
}

llvm::StringRef maskedBaseKey(llvm::StringRef Key) {
  // Function names hold no '#', so the suffix cannot be part of one.
  size_t Hash = Key.rfind("#mask");
  if (Hash == llvm::StringRef::npos || Key.find(':', Hash) != llvm::StringRef::npos)
    return Key;
  llvm::StringRef Digits = Key.substr(Hash + 5);
  if (Digits.empty() || !llvm::all_of(Digits, llvm::isDigit))
    return Key;
  return Key.take_front(Hash);
}

NodeId CallGraph::maskedNode(NodeId Function, uint32_t Param) const {
  auto It = MaskedNodes.find({Function, Param});
  return It == MaskedNodes.end() ? NoNode : It->second;
}

llvm::SmallVector<NodeId, 2> CallGraph::maskedNodesOf(NodeId Function) const {
  llvm::SmallVector<NodeId, 2> Result;
  for (auto It = MaskedNodes.lower_bound({Function, 0});
       It != MaskedNodes.end() && It->first.first == Function; ++It)
    Result.push_back(It->second);
  return Result;
}

NodeId CallGraph::getOrAddMaskedNode(NodeId Function, uint32_t Param) {
  auto [It, Inserted] = MaskedNodes.try_emplace({Function, Param}, NoNode);
  if (!Inserted)
    return It->second;
  std::string Name = Nodes[Function].Name;
  // The key maskedBaseKey() undoes.
  NodeId M = getOrAddNode(Nodes[Function].Key + "#mask" + std::to_string(Param), Name);
  Nodes[M].Base = Function;
  Nodes[M].Param = Param;
  growableEdges(M).push_back({Function, Loc{}, EdgeKind::Entered});
  It->second = M;
  return M;
}

/// Mask arguments become MaskCall edges into the callees' masked nodes: a
/// direct call's from its own facts; a call through a field or a value to
/// each function it resolves to that has masked nodes, from the facts at
/// the call that makes it (a bound edge's innermost one).
void CallGraph::addMaskEdges() {
  using SiteKey = std::tuple<NodeId, FileId, uint32_t, uint32_t, uint64_t>;
  auto KeyOf = [](NodeId Caller, const Loc &L) {
    return SiteKey{Caller, L.File, L.Line, L.Column, L.Raw};
  };
  struct Pending {
    NodeId From, To;
    Edge E;
  };
  std::vector<Pending> New;
  auto Add = [&](NodeId Caller, NodeId Masked, const MaskArgumentRow &R, FieldId Through,
                 const Loc &Site) {
    Edge E{Masked, Site, EdgeKind::MaskCall};
    E.Label = R.Spelling;
    E.Through = Through;
    // The value's constant part (all of an unknown one) is the caller's
    // own; its parameter part passes on what the caller was given.
    if (R.Value.Kind != MaskValue::Base::Param || R.Value.Or) {
      E.Mask = MaskEdges.size();
      MaskEdges.push_back({R.Value, false});
      New.push_back({Caller, Masked, E});
    }
    if (R.Value.Kind == MaskValue::Base::Param) {
      E.Mask = MaskEdges.size();
      MaskEdges.push_back({R.Value, true});
      New.push_back({getOrAddMaskedNode(Caller, R.Value.Param), Masked, E});
    }
  };
  std::map<SiteKey, std::vector<const MaskArgumentRow *>> Indirect;
  for (const MaskArgumentRow &R : MaskArguments) {
    if (R.Callee == NoNode)
      Indirect[KeyOf(R.Caller, R.Site)].push_back(&R);
    else
      Add(R.Caller, getOrAddMaskedNode(R.Callee, R.Index), R, 0, R.Site);
  }
  if (!Indirect.empty()) {
    auto Resolved = [&](const Loc &Site, NodeId Target, FieldId Through, NodeId MaskCaller,
                        const Loc &MaskSite) {
      auto It = Indirect.find(KeyOf(MaskCaller, MaskSite));
      if (It == Indirect.end())
        return;
      // The target's masked node is made even if nothing here uses it: the
      // target may be defined in another TU, whose summary a per-TU front
      // end seeds it from.
      for (const MaskArgumentRow *R : It->second)
        Add(MaskCaller, getOrAddMaskedNode(Target, R->Index), *R, Through, Site);
    };
    for (NodeId N = 0, E = Nodes.size(); N < E; ++N) {
      if (Nodes[N].Kind != NodeKind::Function || Nodes[N].isMasked())
        continue;
      for (size_t I = 0; I < edges(N).size(); ++I) {
        const Edge Ed = edges(N)[I];
        if (Ed.Kind == EdgeKind::FieldCall) {
          for (const Edge &T : edges(Ed.To))
            Resolved(Ed.Site, T.To, Nodes[Ed.To].Field, N, Ed.Site);
        } else if (Ed.Kind == EdgeKind::Bound) {
          // The mask is known where the call through the value is made;
          // from a callee the value was hoisted out of, it is that
          // callee's (every binding of it, not only this one).
          llvm::ArrayRef<HoistStep> Chain = hoistChain(Ed.Hoist);
          NodeId MaskCaller = Chain.empty() ? N : Chain.back().first;
          Loc MaskSite = Chain.empty() ? Ed.Site : Chain.back().second;
          Resolved(Ed.Site, Ed.To, Ed.Through, MaskCaller, MaskSite);
        }
      }
    }
  }
  for (Pending &P : New)
    growableEdges(P.From).push_back(P.E);
  for (auto &[Key, M] : MaskedNodes) {
    Nodes[M].Defined = Nodes[Key.first].Defined;
    Nodes[M].Def = Nodes[Key.first].Def;
  }
}

void CallGraph::addReturn(NodeId Function, const FlowValue &V) {
  Returns.push_back({Function, V});
}

void CallGraph::addAssign(NodeId Owner, const FlowValue &Target, const FlowValue &V,
                          const SourcePos &Site) {
  Assigns.push_back({Owner, Target, V, toLoc(Site)});
}

void CallGraph::addFacts(const TUFacts &Facts) {
  for (const FunctionFact &F : Facts.Functions)
    define(getOrAddNode(F.Key, F.Name), F.Loc);
  llvm::SmallVector<FactValue, 8> Values;
  ResolvedFact R;
  for (const FactKindInfo &K : factKinds()) {
    for (size_t I = 0, E = factCount(Facts, K.Kind); I != E; ++I) {
      Values.clear();
      factValues(Facts, K.Kind, I, Values);
      R.clear(K.Kind);
      for (auto [C, V] : llvm::zip_equal(K.Columns, Values)) {
        switch (C.Kind) {
        case ColumnKind::Owner:
          if (!K.FileScope)
            R.Owner = getOrAddNode(V.Text, "");
          break;
        case ColumnKind::Symbol:
          R.Symbols.push_back(getOrAddNode(V.Text, V.Name));
          break;
        case ColumnKind::Field:
          R.Fields.push_back(V.Text);
          break;
        case ColumnKind::File:
          R.Site = *V.Site;
          break;
        case ColumnKind::Integer:
          R.Integers.push_back(V.Int);
          break;
        case ColumnKind::Text:
          R.Texts.push_back(V.Text.str());
          break;
        case ColumnKind::OwnerTU:
        case ColumnKind::Line:
        case ColumnKind::Col:
          break;
        }
      }
      addFact(R);
    }
  }
}

std::vector<Edge> CallGraph::fieldTargetEdges(std::vector<std::pair<NodeId, Loc>> Stored) {
  llvm::stable_sort(Stored, [](const auto &A, const auto &B) { return A.first < B.first; });
  Stored.erase(std::unique(Stored.begin(), Stored.end(),
                           [](const auto &A, const auto &B) { return A.first == B.first; }),
               Stored.end());
  std::vector<Edge> Out;
  Out.reserve(Stored.size());
  for (auto &[Target, Site] : Stored)
    Out.push_back({Target, Site, EdgeKind::FieldTarget});
  return Out;
}

void CallGraph::finalize(const ValueFlowConfig &Config) {
  resolveValueFlow(*this, Config);
  llvm::StringSet<> RegistryFields;
  for (const Registry &R : Config.Registries)
    RegistryFields.insert(R.Field);
  // Targets per field, once each however many TUs stored them (headers),
  // in node order so that ties between them resolve the same every run.
  for (const Store &S : Stores)
    fieldNode(S.Field);
  std::vector<std::vector<std::pair<NodeId, Loc>>> Targets(Fields.size());
  for (const Store &S : Stores)
    Targets[S.Field].push_back({S.Target, S.Site});
  for (FieldId F = 1; F < Fields.size(); ++F) {
    if (FieldNodes[F] == NoNode)
      continue;
    std::vector<Edge> &FieldOut = growableEdges(FieldNodes[F]);
    FieldOut.clear();
    // A registry's callback field is called only for what was registered
    // on the head at hand (the value flow's registry edges), never for
    // every callback stored into it.
    if (RegistryFields.count(Fields[F]))
      continue;
    FieldOut = fieldTargetEdges(std::move(Targets[F]));
  }
  addMaskEdges();
  for (NodeId N = 0; N < Nodes.size(); ++N)
    if (Nodes[N].Kind == NodeKind::Function) {
      std::vector<Edge> &List = growableEdges(N);
      std::stable_partition(List.begin(), List.end(),
                            [](const Edge &E) { return E.Kind == EdgeKind::Direct; });
    }
  layOutEdges();
}

std::vector<Edge> &CallGraph::growableEdges(NodeId N) {
  Locations.reset();
  if (!EdgeStart.empty()) {
    // Rare: a per-TU front end adds to a finished graph.
    Out.assign(Nodes.size(), {});
    for (NodeId I = 0; I + 1 < EdgeStart.size() && I < Nodes.size(); ++I)
      Out[I].assign(FlatEdges.begin() + EdgeStart[I], FlatEdges.begin() + EdgeStart[I + 1]);
    FlatEdges = {};
    EdgeStart = {};
  }
  return Out[N];
}

void CallGraph::layOutEdges() {
  Locations.reset();
  size_t Total = 0;
  for (const std::vector<Edge> &List : Out)
    Total += List.size();
  FlatEdges.clear();
  FlatEdges.reserve(Total);
  EdgeStart.assign(1, 0);
  EdgeStart.reserve(Out.size() + 1);
  for (std::vector<Edge> &List : Out) {
    FlatEdges.insert(FlatEdges.end(), List.begin(), List.end());
    EdgeStart.push_back(uint32_t(FlatEdges.size()));
    List = {}; // Freed as it goes: peak memory stays one copy and a node's.
  }
  Out = {};
}

/// The nodes an edge may lead to under some spec (see effectiveTarget).
template <typename Fn> static void eachPossibleTarget(const CallGraph &G, const Edge &E, Fn Each) {
  Each(E.To);
  if (E.Kind == EdgeKind::Bound && E.Through)
    if (NodeId Field = G.nodeOfField(E.Through); Field != NoNode && Field != E.To)
      Each(Field);
}

/// An edge's entry weight in the reverse index: its weight when every spec
/// sends it where it is filed, else AskSpec.
static uint8_t entryWeight(const Edge &E) {
  bool Plain = E.Kind != EdgeKind::Bound && E.Kind != EdgeKind::MaskCall &&
               E.weight() < ReverseEdges::AskSpec;
  return Plain ? uint8_t(E.weight()) : ReverseEdges::AskSpec;
}

ReverseEdges::ReverseEdges(const CallGraph &G) {
  const size_t N = G.size();
  // Built in parts over ranges of sources, side by side: each part counts
  // its entries per target, then writes them after the earlier parts'
  // entries for that target, so every target's entries stay in source
  // order, as one pass would leave them. A small graph is one part.
  const size_t Parts = N < (1u << 16) ? 1 : 2;
  auto RangeOf = [&](size_t Part) {
    return std::pair<NodeId, NodeId>(NodeId(N * Part / Parts), NodeId(N * (Part + 1) / Parts));
  };
  std::vector<std::vector<uint32_t>> Counts(Parts);
  llvm::parallelFor(0, Parts, [&](size_t Part) {
    std::vector<uint32_t> &Count = Counts[Part];
    Count.assign(N, 0);
    auto [Begin, End] = RangeOf(Part);
    for (NodeId From = Begin; From < End; ++From)
      for (const Edge &E : G.edges(From))
        eachPossibleTarget(G, E, [&](NodeId To) { ++Count[To]; });
  });
  Start.assign(N + 1, 0);
  for (size_t To = 0; To < N; ++To) {
    uint32_t Here = 0;
    for (size_t Part = 0; Part < Parts; ++Part) {
      // From now on the part's first position for this target.
      uint32_t C = Counts[Part][To];
      Counts[Part][To] = Start[To] + Here;
      Here += C;
    }
    Start[To + 1] = Start[To] + Here;
  }
  In.resize(Start[N]);
  Weight.resize(Start[N]);
  llvm::parallelFor(0, Parts, [&](size_t Part) {
    std::vector<uint32_t> &Next = Counts[Part];
    auto [Begin, End] = RangeOf(Part);
    for (NodeId From = Begin; From < End; ++From) {
      llvm::ArrayRef<Edge> Out = G.edges(From);
      for (uint32_t I = 0; I < Out.size(); ++I) {
        const Edge &E = Out[I];
        uint8_t W = entryWeight(E);
        eachPossibleTarget(G, E, [&](NodeId To) {
          uint32_t At = Next[To]++;
          In[At] = {From, I};
          Weight[At] = W;
        });
      }
    }
  });
}

std::optional<ReverseEdges>
ReverseEdges::fromArrays(const CallGraph &G, std::vector<uint32_t> Start,
                         std::vector<std::pair<NodeId, uint32_t>> In,
                         std::vector<uint8_t> Weight) {
  const size_t N = G.size();
  if (Start.size() != N + 1 || Start[0] != 0 || Start[N] != In.size() ||
      Weight.size() != In.size())
    return std::nullopt;
  for (size_t To = 0; To < N; ++To)
    if (Start[To] > Start[To + 1])
      return std::nullopt;
  for (const auto &[From, Index] : In)
    if (From >= N || Index >= G.edges(From).size())
      return std::nullopt;
  ReverseEdges R;
  R.Start = std::move(Start);
  R.In = std::move(In);
  R.Weight = std::move(Weight);
  return R;
}

std::vector<SinkStep> computeSinkSteps(const CallGraph &G, const ReachSpec &Spec,
                                       llvm::ArrayRef<std::pair<NodeId, uint32_t>> Seeds) {
  return computeSinkSteps(G, Spec, ReverseEdges(G), Seeds);
}

namespace {
/// The search's queue: weights are small integers, so distances below a
/// bound are kept in one bucket each (Dial's queue: no heap, each entry
/// pushed and popped once); a distance past the bound (a seed from a
/// damaged or unusual summary) waits in a heap, so no input makes the
/// buckets huge.
class DistanceQueue {
public:
  static constexpr uint32_t BucketLimit = 1u << 20;
  void push(uint32_t Dist, NodeId N) {
    if (Dist >= BucketLimit) {
      Far.push({Dist, N});
      return;
    }
    if (Dist >= Buckets.size())
      Buckets.resize(std::max<size_t>(Dist + 1, Buckets.size() * 2));
    Buckets[Dist].push_back(N);
    ++Near;
  }
  /// The next entry in distance order (ties in any order: the search's
  /// result does not depend on it); false when empty.
  bool pop(uint32_t &Dist, NodeId &N) {
    while (Near) {
      std::vector<NodeId> &B = Buckets[Current];
      if (Position < B.size()) {
        Dist = Current;
        N = B[Position++];
        --Near;
        return true;
      }
      // A bucket is done once passed: a zero-weight edge pushes into the
      // bucket being read, which the position above still reaches.
      std::vector<NodeId>().swap(B);
      Position = 0;
      ++Current;
    }
    if (Far.empty())
      return false;
    std::tie(Dist, N) = Far.top();
    Far.pop();
    return true;
  }

private:
  std::vector<std::vector<NodeId>> Buckets;
  size_t Near = 0;
  uint32_t Current = 0;
  size_t Position = 0;
  using Item = std::pair<uint32_t, NodeId>;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> Far;
};
} // namespace

/// The distance from From to a sink by its edge EdgeIndex, filed under To
/// with weight Plain, when To is At from one; false when the spec sends
/// that edge elsewhere.
static inline bool distanceThrough(const CallGraph &G, const ReachSpec &Spec, uint8_t Plain,
                                   NodeId From, uint32_t EdgeIndex, NodeId To, uint32_t At,
                                   uint32_t &New) {
  if (Plain != ReverseEdges::AskSpec) {
    New = At + Plain;
    return true;
  }
  const Edge &E = G.edges(From)[EdgeIndex];
  if (effectiveTarget(G, Spec, E) != To)
    return false;
  New = At + E.weight();
  return true;
}

std::vector<SinkStep> computeSinkSteps(const CallGraph &G, const ReachSpec &Spec,
                                       const ReverseEdges &Reverse,
                                       llvm::ArrayRef<std::pair<NodeId, uint32_t>> Seeds) {
  const size_t N = G.size();
  std::vector<SinkStep> Steps(N);
  // The distances apart from the steps: the search reads one for every edge
  // it scans and the rest of a step only when it improves, so a dense array
  // keeps more of what it reads in cache. A node that is not Normal starts at
  // 0 with no next step, which no scan can improve on: one load per edge
  // decides both its role and its distance.
  std::vector<uint32_t> Dist(N, UINT32_MAX);
  DistanceQueue Queue;
  for (NodeId I = 0; I < N; ++I) {
    switch (Spec.role(I)) {
    case ReachSpec::Normal:
      break;
    case ReachSpec::Sink:
      Dist[I] = 0;
      Queue.push(0, I);
      break;
    case ReachSpec::Blocked:
      Dist[I] = 0;
      break;
    }
  }
  for (auto [Seed, SeedDist] : Seeds)
    if (Seed < N && Spec.role(Seed) == ReachSpec::Normal && SeedDist < Dist[Seed]) {
      Dist[Seed] = SeedDist;
      Queue.push(SeedDist, Seed);
    }
  uint32_t At;
  NodeId To;
  while (Queue.pop(At, To)) {
    if (At != Dist[To])
      continue;
    uint32_t Entry = Reverse.start(To);
    llvm::ArrayRef<std::pair<NodeId, uint32_t>> Into = Reverse.into(To);
    for (size_t K = 0; K < Into.size(); ++K) {
      // The distances read are scattered over the graph: ask for one a few
      // edges ahead while this one is compared.
      if (K + 8 < Into.size())
        __builtin_prefetch(&Dist[Into[K + 8].first]);
      auto [From, EdgeIndex] = Into[K];
      uint8_t Plain = Reverse.plainWeight(Entry++);
      uint32_t &Old = Dist[From];
      if (Old < At + (Plain == ReverseEdges::AskSpec ? 0 : Plain))
        continue;
      uint32_t New;
      if (!distanceThrough(G, Spec, Plain, From, EdgeIndex, To, At, New) || New > Old)
        continue;
      SinkStep &S = Steps[From];
      if (New < Old || (EdgeIndex < S.EdgeIndex && S.Next != NoNode)) {
        bool Improved = New < Old;
        Old = New;
        S.Next = To;
        S.EdgeIndex = EdgeIndex;
        if (Improved)
          Queue.push(New, From);
      }
    }
  }
  for (NodeId I = 0; I < N; ++I)
    Steps[I].Dist = Spec.role(I) == ReachSpec::Blocked ? UINT32_MAX : Dist[I];
  return Steps;
}

void ReverseEdges::update(const CallGraph &G, llvm::ArrayRef<NodeId> Changed) {
  const size_t Old = Start.size() - 1, N = G.size();
  std::vector<bool> IsChanged(N);
  std::vector<NodeId> Sources;
  for (NodeId C : Changed)
    if (C < N && !IsChanged[C]) {
      IsChanged[C] = true;
      Sources.push_back(C);
    }
  for (NodeId New = Old; New < N; ++New)
    if (!IsChanged[New]) {
      IsChanged[New] = true;
      Sources.push_back(New);
    }
  llvm::sort(Sources);
  // The changed sources' entries as their edges are now, by target and, in
  // each target, in source order (as the sources and their edges are).
  struct Fresh {
    NodeId To, From;
    uint32_t Index;
    uint8_t Weight;
  };
  std::vector<Fresh> Added;
  for (NodeId From : Sources) {
    llvm::ArrayRef<Edge> Out = G.edges(From);
    for (uint32_t I = 0; I < Out.size(); ++I)
      eachPossibleTarget(G, Out[I],
                         [&](NodeId To) { Added.push_back({To, From, I, entryWeight(Out[I])}); });
  }
  llvm::stable_sort(Added, [](const Fresh &A, const Fresh &B) { return A.To < B.To; });
  // Each target's entries: those of unchanged sources as they were, merged
  // in source order with the changed sources' new ones.
  std::vector<uint32_t> NewStart(N + 1, 0);
  std::vector<std::pair<NodeId, uint32_t>> NewIn;
  std::vector<uint8_t> NewWeight;
  NewIn.reserve(In.size() + Added.size());
  NewWeight.reserve(In.size() + Added.size());
  size_t A = 0;
  for (NodeId To = 0; To < N; ++To) {
    uint32_t B = To < Old ? Start[To] : 0, End = To < Old ? Start[To + 1] : 0;
    for (;;) {
      while (B < End && IsChanged[In[B].first])
        ++B;
      bool FromBase = B < End, FromAdded = A < Added.size() && Added[A].To == To;
      if (!FromBase && !FromAdded)
        break;
      if (FromBase && (!FromAdded || In[B] < std::make_pair(Added[A].From, Added[A].Index))) {
        NewIn.push_back(In[B]);
        NewWeight.push_back(Weight[B++]);
      } else {
        NewIn.push_back({Added[A].From, Added[A].Index});
        NewWeight.push_back(Added[A++].Weight);
      }
    }
    NewStart[To + 1] = uint32_t(NewIn.size());
  }
  Start = std::move(NewStart);
  In = std::move(NewIn);
  Weight = std::move(NewWeight);
}

std::vector<NodeId> ReverseEdges::reaching(llvm::ArrayRef<NodeId> Targets) const {
  std::vector<bool> Seen(Start.size() - 1);
  std::vector<NodeId> Work, Out;
  for (NodeId T : Targets)
    if (T < Seen.size() && !Seen[T]) {
      Seen[T] = true;
      Work.push_back(T);
    }
  while (!Work.empty()) {
    NodeId N = Work.back();
    Work.pop_back();
    Out.push_back(N);
    for (const auto &[From, Index] : into(N))
      if (!Seen[From]) {
        Seen[From] = true;
        Work.push_back(From);
      }
  }
  llvm::sort(Out);
  return Out;
}

std::vector<SinkStep> updateSinkSteps(const CallGraph &G, const ReachSpec &Spec,
                                      const ReverseEdges &Reverse, std::vector<SinkStep> Base,
                                      llvm::ArrayRef<NodeId> Changed, size_t *Searched) {
  const size_t N = G.size();
  assert(Base.size() <= N && "the base's steps are of another graph");
  std::vector<SinkStep> Steps = std::move(Base);
  std::vector<NodeId> Seeds(Changed.begin(), Changed.end());
  for (NodeId New = Steps.size(); New < N; ++New)
    Seeds.push_back(New);
  Steps.resize(N);
  // Which nodes may differ: a node none of whose paths passes a changed
  // node has the same paths as before, and so the same step.
  std::vector<NodeId> Region = Reverse.reaching(Seeds);
  if (Searched)
    *Searched = Region.size();
  std::vector<bool> InRegion(N);
  for (NodeId X : Region) {
    InRegion[X] = true;
    // As computeSinkSteps leaves them: a sink at 0, the rest unknown.
    Steps[X] = SinkStep();
    if (Spec.role(X) == ReachSpec::Sink)
      Steps[X].Dist = 0;
  }
  // What a caller's path through T costs beyond the call (a sink ends it, a
  // blocked node is no way); inside the region, once the search is done.
  auto Through = [&](NodeId T) -> uint32_t {
    switch (Spec.role(T)) {
    case ReachSpec::Sink:
      return 0;
    case ReachSpec::Blocked:
      return UINT32_MAX;
    case ReachSpec::Normal:
      break;
    }
    return Steps[T].Dist;
  };
  // Each region node starts from its calls that leave the region, whose
  // targets' distances stand; the search then runs inside the region as
  // computeSinkSteps runs over the whole graph.
  DistanceQueue Queue;
  for (NodeId X : Region) {
    if (Spec.role(X) == ReachSpec::Sink) {
      Queue.push(0, X);
      continue;
    }
    if (Spec.role(X) != ReachSpec::Normal)
      continue;
    uint32_t Best = UINT32_MAX;
    for (const Edge &E : G.edges(X)) {
      NodeId T = effectiveTarget(G, Spec, E);
      if (T == NoNode || InRegion[T])
        continue;
      if (uint32_t D = Through(T); D != UINT32_MAX)
        Best = std::min(Best, D + E.weight());
    }
    if (Best != UINT32_MAX) {
      Steps[X].Dist = Best;
      Queue.push(Best, X);
    }
  }
  uint32_t At;
  NodeId To;
  while (Queue.pop(At, To)) {
    if (At != Steps[To].Dist)
      continue;
    uint32_t Entry = Reverse.start(To);
    for (auto [From, EdgeIndex] : Reverse.into(To)) {
      uint8_t Plain = Reverse.plainWeight(Entry++);
      if (!InRegion[From] || Spec.role(From) != ReachSpec::Normal)
        continue;
      uint32_t New;
      if (!distanceThrough(G, Spec, Plain, From, EdgeIndex, To, At, New))
        continue;
      if (New < Steps[From].Dist) {
        Steps[From].Dist = New;
        Queue.push(New, From);
      }
    }
  }
  // The next step, as computeSinkSteps breaks ties: the node's first edge
  // on a shortest path.
  for (NodeId X : Region) {
    SinkStep &S = Steps[X];
    if (Spec.role(X) != ReachSpec::Normal || !S.reaches())
      continue;
    llvm::ArrayRef<Edge> Out = G.edges(X);
    for (uint32_t I = 0; I < Out.size(); ++I) {
      NodeId T = effectiveTarget(G, Spec, Out[I]);
      if (T == NoNode)
        continue;
      if (uint32_t D = Through(T); D != UINT32_MAX && D + Out[I].weight() == S.Dist) {
        S.Next = T;
        S.EdgeIndex = I;
        break;
      }
    }
  }
  return Steps;
}

std::vector<NodeId> changedSources(const CallGraph &G, size_t OldNodes,
                                   llvm::ArrayRef<NodeId> Touched) {
  std::vector<NodeId> Out(Touched.begin(), Touched.end());
  bool NewField = false;
  for (NodeId N = OldNodes; N < G.size(); ++N) {
    Out.push_back(N);
    NewField |= G.node(N).Kind == NodeKind::Field;
  }
  // Rare (a patch's first call through a field), and then one pass.
  if (NewField)
    for (NodeId N = 0; N < OldNodes && N < G.size(); ++N)
      for (const Edge &E : G.edges(N))
        if (E.Kind == EdgeKind::Bound && E.Through) {
          NodeId Field = G.nodeOfField(E.Through);
          if (Field != NoNode && Field >= OldNodes) {
            Out.push_back(N);
            break;
          }
        }
  llvm::sort(Out);
  Out.erase(std::unique(Out.begin(), Out.end()), Out.end());
  return Out;
}

uint64_t specFingerprint(const ReachSpec &Spec, size_t Nodes) {
  // Stored across runs: a hash of the bytes, never one seeded per process.
  size_t Size = std::min(Nodes, Spec.Roles.size());
  uint64_t Words[3] = {llvm::xxh3_64bits(llvm::ArrayRef(
                           reinterpret_cast<const uint8_t *>(Spec.Roles.data()), Size)),
                       uint64_t(Size), Spec.MaskBits};
  return llvm::xxh3_64bits(
      llvm::ArrayRef(reinterpret_cast<const uint8_t *>(Words), sizeof(Words)));
}

NodeId effectiveTarget(const CallGraph &G, const ReachSpec &Spec, const Edge &E) {
  if (E.Kind == EdgeKind::MaskCall) {
    if (!Spec.MaskBits)
      return NoNode;
    const CallGraph::MaskEdge &M = G.maskEdge(E.Mask);
    bool May = M.FromParam ? M.Value.passesParam(Spec.MaskBits)
                           : M.Value.mayHaveAlways(Spec.MaskBits);
    return May ? E.To : NoNode;
  }
  if (E.Kind != EdgeKind::Bound)
    return E.To;
  for (const CallGraph::HoistStep &Step : G.hoistChain(E.Hoist))
    if (Spec.role(Step.first) != ReachSpec::Normal)
      return NoNode;
  if (!E.Through)
    return E.To;
  NodeId Field = G.nodeOfField(E.Through);
  if (Field == NoNode)
    return E.To;
  switch (Spec.role(Field)) {
  case ReachSpec::Sink:
    return Field;
  case ReachSpec::Blocked:
    return NoNode;
  case ReachSpec::Normal:
    break;
  }
  return E.To;
}

/// The hop that the call E of N makes to To (E's target, or the sink field
/// it was read through) when the shortest path from a field's node
/// continues with its edge TargetEdge (or ends there).
static PathHop hopThrough(const CallGraph &G, NodeId N, const Edge &E, NodeId To,
                          const Edge *TargetEdge) {
  PathHop H{N, To, E.Site, 0};
  if (G.node(To).Kind == NodeKind::Field) {
    H.Via = G.node(To).Field;
    if (TargetEdge)
      H.Callee = TargetEdge->To;
  } else if (E.Kind == EdgeKind::Bound) {
    H.Via = E.Through ? E.Through : E.Label;
  } else if (E.Kind == EdgeKind::MaskCall) {
    H.Via = E.Through;
    H.Mask = E.Label;
  }
  if (E.Kind == EdgeKind::Bound)
    H.Hoist = E.Hoist;
  return H;
}

llvm::SmallVector<PathHop, 2> expandHop(const CallGraph &G, const PathHop &H) {
  llvm::ArrayRef<CallGraph::HoistStep> Chain = G.hoistChain(H.Hoist);
  llvm::SmallVector<PathHop, 2> Hops;
  if (Chain.empty()) {
    Hops.push_back(H);
    Hops.back().Hoist = 0;
    return Hops;
  }
  NodeId Caller = H.Caller;
  Loc Site = H.Site;
  for (const CallGraph::HoistStep &Step : Chain) {
    Hops.push_back({Caller, Step.first, Site, 0, 0, 0});
    Caller = Step.first;
    Site = Step.second;
  }
  Hops.push_back({Caller, H.Callee, Site, H.Via, 0, H.Mask});
  return Hops;
}

std::optional<PathHop> nextHop(const CallGraph &G, const std::vector<SinkStep> &Steps,
                               NodeId N) {
  if (N >= G.size() || !Steps[N].reaches() || Steps[N].Next == NoNode)
    return std::nullopt;
  const Edge &E = G.edges(N)[Steps[N].EdgeIndex];
  // A masked node goes on as its function: no call of its own.
  if (E.Kind == EdgeKind::Entered)
    return nextHop(G, Steps, E.To);
  NodeId To = Steps[N].Next;
  const Edge *TargetEdge = nullptr;
  if (G.node(To).Kind == NodeKind::Field && Steps[To].Next != NoNode)
    TargetEdge = &G.edges(To)[Steps[To].EdgeIndex];
  return hopThrough(G, N, E, To, TargetEdge);
}

std::vector<PathHop> shortestPath(const CallGraph &G, const std::vector<SinkStep> &Steps,
                                  NodeId N) {
  std::vector<PathHop> Path;
  while (std::optional<PathHop> H = nextHop(G, Steps, N)) {
    llvm::append_range(Path, expandHop(G, *H));
    N = H->Callee;
  }
  return Path;
}

std::vector<PathHop> pathThrough(const CallGraph &G, const ReachSpec &Spec,
                                 const std::vector<SinkStep> &Steps, NodeId N,
                                 uint32_t EdgeIndex) {
  const Edge &E = G.edges(N)[EdgeIndex];
  NodeId To = effectiveTarget(G, Spec, E);
  std::vector<PathHop> Path;
  if (To == NoNode)
    return Path;
  const Edge *TargetEdge = nullptr;
  if (G.node(To).Kind == NodeKind::Field && Steps[To].Next != NoNode)
    TargetEdge = &G.edges(To)[Steps[To].EdgeIndex];
  PathHop H = hopThrough(G, N, E, To, TargetEdge);
  llvm::append_range(Path, expandHop(G, H));
  llvm::append_range(Path, shortestPath(G, Steps, H.Callee));
  return Path;
}

std::vector<PathHop> shortestHops(const CallGraph &G, const std::vector<SinkStep> &Steps,
                                  NodeId N) {
  std::vector<PathHop> Hops;
  if (N >= G.size() || !Steps[N].reaches() || Steps[N].Next == NoNode)
    return Hops;
  for (const Edge &E : G.edges(N)) {
    if (E.Kind == EdgeKind::Entered) {
      if (Steps[E.To].Dist == Steps[N].Dist)
        llvm::append_range(Hops, shortestHops(G, Steps, E.To));
      continue;
    }
    // Whether a mask call passes depends on the spec, which the steps do
    // not keep: only the one the search chose is sure to.
    if (E.Kind == EdgeKind::MaskCall && &E != &G.edges(N)[Steps[N].EdgeIndex])
      continue;
    NodeId Target = E.To;
    // A bound call read through a sink field is the wait itself.
    if (E.Kind == EdgeKind::Bound && E.Through) {
      NodeId Field = G.nodeOfField(E.Through);
      if (Field != NoNode && Steps[Field].Dist == 0)
        Target = Field;
    }
    const SinkStep &To = Steps[Target];
    if (!To.reaches() || To.Dist + E.weight() != Steps[N].Dist)
      continue;
    if (G.node(Target).Kind != NodeKind::Field || To.Next == NoNode) {
      Hops.push_back(hopThrough(G, N, E, Target, nullptr));
      continue;
    }
    for (const Edge &T : G.edges(Target))
      if (Steps[T.To].reaches() && Steps[T.To].Dist == To.Dist)
        Hops.push_back(hopThrough(G, N, E, Target, &T));
  }
  return Hops;
}

EdgeCounts countEdges(const CallGraph &G, const ReachSpec &Spec) {
  EdgeCounts C;
  for (NodeId N = 0; N < G.size(); ++N) {
    if (G.node(N).Kind != NodeKind::Function || G.node(N).isMasked())
      continue;
    for (const Edge &E : G.edges(N)) {
      if (E.Kind == EdgeKind::MaskCall)
        continue; // The same call's edge to its callee counts it.
      NodeId To = effectiveTarget(G, Spec, E);
      if (To == NoNode) {
        ++C.UnresolvedIndirectCalls; // Bound, but through a boundary.
      } else if (E.Kind == EdgeKind::Direct || E.Kind == EdgeKind::Bound) {
        ++C.Calls;
      } else if (Spec.role(E.To) == ReachSpec::Sink) {
        ++C.Calls;
      } else if (Spec.role(E.To) == ReachSpec::Blocked || G.edges(E.To).empty()) {
        ++C.UnresolvedIndirectCalls;
      } else {
        C.Calls += G.edges(E.To).size();
      }
    }
  }
  return C;
}

} // namespace kreach

namespace kreach {

IndirectPrecision CallGraph::indirectPrecision() const {
  if (PrecisionCache)
    return *PrecisionCache;
  IndirectPrecision &P = PrecisionCache.emplace();
  llvm::StringMap<size_t> BySignature;
  for (NodeId N : AddressTaken)
    if (N < Nodes.size() && Nodes[N].Defined)
      if (auto It = Signatures.find(N); It != Signatures.end())
        ++BySignature[It->second];
  // Every target kreach resolved, by the call site that makes the call
  // (a bound edge's innermost one).
  using SiteKey = std::tuple<NodeId, FileId, uint32_t, uint32_t>;
  std::map<SiteKey, llvm::DenseSet<NodeId>> Targets;
  auto Add = [&](NodeId Caller, const Loc &Site, NodeId To) {
    llvm::DenseSet<NodeId> &Set = Targets[{Caller, Site.File, Site.Line, Site.Column}];
    if (Nodes[To].Kind == NodeKind::Field) {
      for (const Edge &T : edges(To))
        Set.insert(T.To);
      return;
    }
    Set.insert(To);
  };
  for (NodeId N = 0; N < Nodes.size(); ++N) {
    if (Nodes[N].Kind != NodeKind::Function)
      continue;
    for (const Edge &E : edges(N)) {
      if (E.Kind == EdgeKind::FieldCall) {
        Add(N, E.Site, E.To);
      } else if (E.Kind == EdgeKind::Bound) {
        llvm::ArrayRef<HoistStep> Chain = hoistChain(E.Hoist);
        if (Chain.empty())
          Add(N, E.Site, E.To);
        else
          Add(Chain.back().first, Chain.back().second, E.To);
      }
    }
  }
  for (const CallTypeRow &C : CallTypes) {
    ++P.Sites;
    auto It = Targets.find({C.Caller, C.Site.File, C.Site.Line, C.Site.Column});
    size_t Count = It == Targets.end() ? 0 : It->second.size();
    if (Count == 0) {
      // A local that holds a function: a direct call of the same type there.
      for (const Edge &E : edges(C.Caller))
        if (E.Kind == EdgeKind::Direct && E.Site.File == C.Site.File &&
            E.Site.Line == C.Site.Line && E.Site.Column == C.Site.Column)
          if (auto S = Signatures.find(E.To); S != Signatures.end() && S->second == C.Type)
            ++Count;
    }
    P.Targets += Count;
    P.ResolvedSites += Count != 0;
    auto S = BySignature.find(C.Type);
    P.SignatureTargets += S == BySignature.end() ? 0 : S->second;
  }
  return P;
}

} // namespace kreach
