//===- Graph.cpp - Cross-TU call graph and sink reachability --------------===//

#include "kreach/Graph.h"
#include "kreach/Policy.h"

#include "llvm/ADT/STLExtras.h"
#include <queue>

namespace kreach {

CallGraph::CallGraph() {
  Files.push_back("");
  Fields.push_back("");
}

uint32_t CallGraph::internFile(llvm::StringRef Path) {
  if (Path.empty())
    return 0;
  auto [It, Inserted] = FileIds.try_emplace(Path, Files.size());
  if (Inserted)
    Files.push_back(Path.str());
  return It->second;
}

uint32_t CallGraph::internField(llvm::StringRef Field) {
  auto [It, Inserted] = FieldIds.try_emplace(Field, Fields.size());
  if (Inserted)
    Fields.push_back(Field.str());
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

NodeId CallGraph::lookup(llvm::StringRef Key) const {
  auto It = NodeByKey.find(Key);
  return It == NodeByKey.end() ? NoNode : It->second;
}

void CallGraph::define(NodeId N, const SourcePos &Def) {
  Nodes[N].Defined = true;
  Nodes[N].Def = toLoc(Def);
}

void CallGraph::addCall(NodeId From, NodeId To, const SourcePos &Site) {
  Out[From].push_back({To, toLoc(Site), 0});
  ++EdgeCount;
}

void CallGraph::addIndirectCall(NodeId From, llvm::StringRef Field,
                                const SourcePos &Site) {
  Pending.push_back({From, internField(Field), toLoc(Site)});
}

void CallGraph::addStore(llvm::StringRef Field, NodeId Target, const SourcePos &Site) {
  Stores.push_back({internField(Field), Target, toLoc(Site)});
}

void CallGraph::addFacts(const TUFacts &Facts) {
  for (const FunctionFact &F : Facts.Functions)
    define(getOrAddNode(F.Key, F.Name), F.Loc);
  for (const CallFact &C : Facts.Calls)
    addCall(getOrAddNode(C.Caller, ""), getOrAddNode(C.Callee, C.CalleeName), C.Site);
  for (const IndirectCallFact &C : Facts.IndirectCalls)
    addIndirectCall(getOrAddNode(C.Caller, ""), C.Field, C.Site);
  for (const StoreFact &S : Facts.Stores)
    addStore(S.Field, getOrAddNode(S.Target, S.TargetName), S.Site);
}

void CallGraph::resolve(const Policy &P) {
  for (Node &N : Nodes) {
    N.Ignored = P.isIgnored(N.Name);
    N.Sink = !N.Ignored && P.isSinkFunction(N.Name);
  }
  // Targets per field, without duplicates from headers seen in many TUs.
  std::vector<std::vector<NodeId>> TargetsByField(Fields.size());
  for (const Store &S : Stores)
    if (!P.isAsyncField(Fields[S.Field]))
      TargetsByField[S.Field].push_back(S.Target);
  for (std::vector<NodeId> &Targets : TargetsByField) {
    llvm::sort(Targets);
    Targets.erase(std::unique(Targets.begin(), Targets.end()), Targets.end());
  }
  std::vector<NodeId> SinkFieldNode(Fields.size(), NoNode);
  for (const PendingIndirect &C : Pending) {
    const std::string &FieldName = Fields[C.Field];
    if (P.isSinkField(FieldName)) {
      if (SinkFieldNode[C.Field] == NoNode) {
        SinkFieldNode[C.Field] = getOrAddNode("field:" + FieldName, FieldName);
        Nodes[SinkFieldNode[C.Field]].Sink = true;
      }
      Out[C.From].push_back({SinkFieldNode[C.Field], C.Site, C.Field});
      ++EdgeCount;
      continue;
    }
    // The mm core dispatching to notifier callbacks: each callback is a root
    // of its own and is judged there, so one notifier's chain never borrows
    // another's (possibly allowed) wait.
    if (P.isAsyncField(FieldName) || P.isRootField(FieldName) ||
        P.isUnresolvedField(FieldName) ||
        TargetsByField[C.Field].empty()) {
      ++UnresolvedIndirect;
      continue;
    }
    for (NodeId T : TargetsByField[C.Field]) {
      Out[C.From].push_back({T, C.Site, C.Field});
      ++EdgeCount;
    }
  }
  Pending.clear();
}

std::vector<SinkStep>
computeSinkSteps(const CallGraph &G, llvm::ArrayRef<std::pair<NodeId, uint32_t>> Seeds) {
  const size_t N = G.size();
  std::vector<SinkStep> Steps(N);
  // Reverse edges: for each callee, (caller, index of the edge in caller).
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
    if (G.node(I).Sink) {
      Steps[I].Dist = 0;
      Queue.push({0, I});
    }
  for (auto [Seed, Dist] : Seeds)
    if (Seed < N && !G.node(Seed).Ignored && Dist < Steps[Seed].Dist) {
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
      if (G.node(From).Ignored || G.node(From).Sink)
        continue;
      SinkStep &S = Steps[From];
      // Ties go to the earlier call in the caller, for stable witnesses.
      if (Dist + 1 < S.Dist || (Dist + 1 == S.Dist && EdgeIndex < S.EdgeIndex &&
                                S.Next != NoNode)) {
        bool Improved = Dist + 1 < S.Dist;
        S.Dist = Dist + 1;
        S.Next = To;
        S.EdgeIndex = EdgeIndex;
        if (Improved)
          Queue.push({S.Dist, From});
      }
    }
  }
  return Steps;
}

std::vector<Hop> witnessChain(const CallGraph &G, const std::vector<SinkStep> &Steps,
                              NodeId From, std::string &SinkName) {
  std::vector<Hop> Chain;
  NodeId Cur = From;
  while (Cur != NoNode && Steps[Cur].reaches() && Steps[Cur].Next != NoNode) {
    const Edge &E = G.edges(Cur)[Steps[Cur].EdgeIndex];
    Hop H;
    H.Caller = G.node(Cur).Name;
    H.CallerKey = G.node(Cur).Key;
    H.Callee = G.node(E.To).Name;
    H.CalleeKey = G.node(E.To).Key;
    H.Site = G.toPos(E.Site);
    if (E.Via)
      H.Via = G.field(E.Via);
    Chain.push_back(std::move(H));
    Cur = E.To;
  }
  SinkName = Cur != NoNode ? G.node(Cur).Name : "";
  return Chain;
}

std::vector<Finding>
findFindings(const CallGraph &G, const std::vector<SinkStep> &Steps, const Policy &P,
             llvm::function_ref<std::string(llvm::StringRef)> RelativePath,
             bool IncludeAllowed, ChainContinuation Continue) {
  // Group registrations by root function.
  llvm::DenseMap<NodeId, std::vector<Registration>> Roots;
  for (const Store &S : G.stores())
    if (P.isRootField(G.field(S.Field)))
      Roots[S.Target].push_back({G.field(S.Field), G.toPos(S.Site)});

  std::vector<Finding> Findings;
  for (auto &[Root, Regs] : Roots) {
    const Node &R = G.node(Root);
    if (!R.Defined || R.Ignored || !Steps[Root].reaches())
      continue;
    Finding F;
    F.RootKey = R.Key;
    F.RootName = R.Name;
    F.RootLoc = G.toPos(R.Def);
    F.Allowed = P.isAllowedPath(RelativePath(F.RootLoc.File));
    if (F.Allowed && !IncludeAllowed)
      continue;
    llvm::sort(Regs, [](const Registration &A, const Registration &B) {
      return std::tie(A.Site.File, A.Site.Line, A.Site.Column, A.Site.RawLoc, A.Field) <
             std::tie(B.Site.File, B.Site.Line, B.Site.Column, B.Site.RawLoc, B.Field);
    });
    Regs.erase(std::unique(Regs.begin(), Regs.end(),
                           [](const Registration &A, const Registration &B) {
                             return A.Field == B.Field && A.Site.File == B.Site.File &&
                                    A.Site.Line == B.Site.Line &&
                                    A.Site.Column == B.Site.Column &&
                                    A.Site.RawLoc == B.Site.RawLoc;
                           }),
               Regs.end());
    F.Registrations = Regs;
    F.Chain = witnessChain(G, Steps, Root, F.SinkName);
    NodeId Last = F.Chain.empty() ? Root : G.lookup(F.Chain.back().CalleeKey);
    if (Last != NoNode && !G.node(Last).Sink) {
      // The chain ends at a seed: its continuation lives in the index.
      if (!Continue || !Continue(G.node(Last), F.Chain, F.SinkName))
        continue;
    }
    Findings.push_back(std::move(F));
  }
  llvm::sort(Findings, [](const Finding &A, const Finding &B) {
    return std::tie(A.RootLoc.File, A.RootLoc.Line, A.RootName) <
           std::tie(B.RootLoc.File, B.RootLoc.Line, B.RootName);
  });
  return Findings;
}

} // namespace kreach
