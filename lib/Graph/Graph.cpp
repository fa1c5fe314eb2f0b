//===- Graph.cpp - Cross-TU call graph and reachability -------------------===//

#include "kreach/Graph.h"

#include "llvm/ADT/STLExtras.h"
#include <queue>

namespace kreach {

CallGraph::CallGraph() {
  Files.push_back("");
  Fields.push_back("");
  FieldNodes.push_back(NoNode);
}

FileId CallGraph::internFile(llvm::StringRef Path) {
  if (Path.empty())
    return 0;
  auto [It, Inserted] = FileIds.try_emplace(Path, Files.size());
  if (Inserted)
    Files.push_back(Path.str());
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

NodeId CallGraph::getOrAddNode(llvm::StringRef Key, llvm::StringRef Name) {
  auto [It, Inserted] = NodeByKey.try_emplace(Key, Nodes.size());
  if (Inserted) {
    Node N;
    N.Key = Key.str();
    N.Name = Name.str();
    Nodes.push_back(std::move(N));
    Out.emplace_back();
  } else if (Nodes[It->second].Name.empty() && !Name.empty()) {
    Nodes[It->second].Name = Name.str();
  }
  return It->second;
}

NodeId CallGraph::fieldNode(FieldId Field) {
  if (FieldNodes[Field] == NoNode) {
    Node N;
    N.Kind = NodeKind::Field;
    N.Name = Fields[Field];
    N.Field = Field;
    FieldNodes[Field] = Nodes.size();
    Nodes.push_back(std::move(N));
    Out.emplace_back();
  }
  return FieldNodes[Field];
}

NodeId CallGraph::lookup(llvm::StringRef Key) const {
  auto It = NodeByKey.find(Key);
  return It == NodeByKey.end() ? NoNode : It->second;
}

void CallGraph::define(NodeId N, const SourcePos &Def) {
  Nodes[N].Defined = true;
  Nodes[N].Def = toLoc(Def);
}

void CallGraph::addCall(NodeId From, NodeId To, const SourcePos &Site) {
  Out[From].push_back({To, toLoc(Site), EdgeKind::Direct});
}

void CallGraph::addIndirectCall(NodeId From, llvm::StringRef Field,
                                const SourcePos &Site) {
  NodeId F = fieldNode(internField(Field));
  Out[From].push_back({F, toLoc(Site), EdgeKind::FieldCall});
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
  }
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

void CallGraph::finalize() {
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
    auto &List = Targets[F];
    llvm::stable_sort(List, [](const auto &A, const auto &B) { return A.first < B.first; });
    List.erase(std::unique(List.begin(), List.end(),
                           [](const auto &A, const auto &B) { return A.first == B.first; }),
               List.end());
    std::vector<Edge> &FieldOut = Out[FieldNodes[F]];
    FieldOut.clear();
    for (auto &[Target, Site] : List)
      FieldOut.push_back({Target, Site, EdgeKind::FieldTarget});
  }
  for (NodeId N = 0; N < Nodes.size(); ++N)
    if (Nodes[N].Kind == NodeKind::Function)
      std::stable_partition(Out[N].begin(), Out[N].end(),
                            [](const Edge &E) { return E.Kind == EdgeKind::Direct; });
}

std::vector<SinkStep> computeSinkSteps(const CallGraph &G, const ReachSpec &Spec,
                                       llvm::ArrayRef<std::pair<NodeId, uint32_t>> Seeds) {
  const size_t N = G.size();
  std::vector<SinkStep> Steps(N);
  // Reverse edges: for each target, (source, index of the edge in source).
  std::vector<uint32_t> InCount(N + 1, 0);
  for (NodeId From = 0; From < N; ++From)
    for (const Edge &E : G.edges(From))
      ++InCount[E.To + 1];
  for (size_t I = 1; I <= N; ++I)
    InCount[I] += InCount[I - 1];
  std::vector<std::pair<NodeId, uint32_t>> In(InCount[N]);
  {
    std::vector<uint32_t> Fill(InCount.begin(), InCount.end() - 1);
    for (NodeId From = 0; From < N; ++From) {
      const std::vector<Edge> &Edges = G.edges(From);
      for (uint32_t I = 0; I < Edges.size(); ++I)
        In[Fill[Edges[I].To]++] = {From, I};
    }
  }

  using Item = std::pair<uint32_t, NodeId>;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> Queue;
  for (NodeId I = 0; I < N; ++I)
    if (Spec.role(I) == ReachSpec::Sink) {
      Steps[I].Dist = 0;
      Queue.push({0, I});
    }
  for (auto [Seed, Dist] : Seeds)
    if (Seed < N && Spec.role(Seed) != ReachSpec::Blocked && Dist < Steps[Seed].Dist) {
      Steps[Seed].Dist = Dist;
      Queue.push({Dist, Seed});
    }
  while (!Queue.empty()) {
    auto [Dist, To] = Queue.top();
    Queue.pop();
    if (Dist != Steps[To].Dist)
      continue;
    for (uint32_t I = InCount[To]; I < InCount[To + 1]; ++I) {
      auto [From, EdgeIndex] = In[I];
      if (Spec.role(From) != ReachSpec::Normal)
        continue;
      uint32_t New = Dist + G.edges(From)[EdgeIndex].weight();
      SinkStep &S = Steps[From];
      if (New < S.Dist || (New == S.Dist && EdgeIndex < S.EdgeIndex && S.Next != NoNode)) {
        bool Improved = New < S.Dist;
        S.Dist = New;
        S.Next = To;
        S.EdgeIndex = EdgeIndex;
        if (Improved)
          Queue.push({S.Dist, From});
      }
    }
  }
  return Steps;
}

/// The hop that the call E of N makes when the shortest path from the
/// field's node continues with its edge TargetEdge (or ends there).
static PathHop hopThrough(const CallGraph &G, NodeId N, const Edge &E,
                          const Edge *TargetEdge) {
  PathHop H{N, E.To, E.Site, 0};
  if (E.Kind == EdgeKind::FieldCall) {
    H.Via = G.node(E.To).Field;
    if (TargetEdge)
      H.Callee = TargetEdge->To;
  }
  return H;
}

std::optional<PathHop> nextHop(const CallGraph &G, const std::vector<SinkStep> &Steps,
                               NodeId N) {
  if (N >= G.size() || !Steps[N].reaches() || Steps[N].Next == NoNode)
    return std::nullopt;
  const Edge &E = G.edges(N)[Steps[N].EdgeIndex];
  const Edge *TargetEdge = nullptr;
  if (E.Kind == EdgeKind::FieldCall && Steps[E.To].Next != NoNode)
    TargetEdge = &G.edges(E.To)[Steps[E.To].EdgeIndex];
  return hopThrough(G, N, E, TargetEdge);
}

std::vector<PathHop> shortestPath(const CallGraph &G, const std::vector<SinkStep> &Steps,
                                  NodeId N) {
  std::vector<PathHop> Path;
  while (std::optional<PathHop> H = nextHop(G, Steps, N)) {
    Path.push_back(*H);
    N = H->Callee;
  }
  return Path;
}

std::vector<PathHop> shortestHops(const CallGraph &G, const std::vector<SinkStep> &Steps,
                                  NodeId N) {
  std::vector<PathHop> Hops;
  if (N >= G.size() || !Steps[N].reaches() || Steps[N].Next == NoNode)
    return Hops;
  for (const Edge &E : G.edges(N)) {
    const SinkStep &To = Steps[E.To];
    if (!To.reaches() || To.Dist + E.weight() != Steps[N].Dist)
      continue;
    if (E.Kind != EdgeKind::FieldCall || To.Next == NoNode) {
      Hops.push_back(hopThrough(G, N, E, nullptr));
      continue;
    }
    for (const Edge &T : G.edges(E.To))
      if (Steps[T.To].reaches() && Steps[T.To].Dist == To.Dist)
        Hops.push_back(hopThrough(G, N, E, &T));
  }
  return Hops;
}

EdgeCounts countEdges(const CallGraph &G, const ReachSpec &Spec) {
  EdgeCounts C;
  for (NodeId N = 0; N < G.size(); ++N) {
    if (G.node(N).Kind != NodeKind::Function)
      continue;
    for (const Edge &E : G.edges(N)) {
      if (E.Kind == EdgeKind::Direct) {
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
