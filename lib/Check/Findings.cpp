//===- Findings.cpp - What a rule finds on the call graph -----------------===//

#include "kreach/Findings.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"

namespace kreach {

ReachSpec reachSpec(const CallGraph &G, const Rule &R) {
  ReachSpec S;
  S.Roles.assign(G.size(), ReachSpec::Normal);
  // Patterns are matched once per distinct name, not once per node.
  for (NodeId N = 0; N < G.size(); ++N) {
    const Node &Nd = G.node(N);
    if (Nd.Kind == NodeKind::Function) {
      if (R.isIgnored(Nd.Name))
        S.Roles[N] = ReachSpec::Blocked;
      else if (R.isSinkFunction(Nd.Name))
        S.Roles[N] = ReachSpec::Sink;
      continue;
    }
    if (R.isSinkField(Nd.Name))
      S.Roles[N] = ReachSpec::Sink;
    else if (R.isAsyncField(Nd.Name) || R.isRootField(Nd.Name) ||
             R.isOtherRulesRootField(Nd.Name) || R.isUnresolvedField(Nd.Name))
      S.Roles[N] = ReachSpec::Blocked;
  }
  return S;
}

Hop toHop(const CallGraph &G, const PathHop &P) {
  Hop H;
  H.Caller = G.node(P.Caller).Name;
  H.CallerKey = G.node(P.Caller).Key;
  H.Callee = G.node(P.Callee).Name;
  H.CalleeKey = G.node(P.Callee).Key;
  H.Site = G.toPos(P.Site);
  if (P.Via)
    H.Via = G.field(P.Via);
  return H;
}

std::vector<Hop> witnessChain(const CallGraph &G, const std::vector<SinkStep> &Steps,
                              NodeId From, std::string &SinkName) {
  std::vector<Hop> Chain;
  NodeId Last = From;
  for (const PathHop &P : shortestPath(G, Steps, From)) {
    Chain.push_back(toHop(G, P));
    Last = P.Callee;
  }
  SinkName = Last != NoNode && Last < G.size() ? G.node(Last).Name : "";
  return Chain;
}

llvm::DenseSet<NodeId> rootsOf(const CallGraph &G, const Rule &R) {
  llvm::DenseSet<NodeId> Roots;
  for (const Store &S : G.stores())
    if (R.isRootField(G.field(S.Field)) && G.node(S.Target).Defined)
      Roots.insert(S.Target);
  return Roots;
}

std::vector<Finding>
findFindings(const CallGraph &G, const std::vector<SinkStep> &Steps, const Rule &R,
             llvm::function_ref<std::string(llvm::StringRef)> RelativePath,
             bool IncludeAllowed, ChainContinuation Continue) {
  // Group registrations by root function.
  llvm::DenseMap<NodeId, std::vector<Registration>> Roots;
  for (const Store &S : G.stores())
    if (R.isRootField(G.field(S.Field)))
      Roots[S.Target].push_back({G.field(S.Field), G.toPos(S.Site)});

  std::vector<Finding> Findings;
  for (auto &[Root, Regs] : Roots) {
    const Node &Nd = G.node(Root);
    if (!Nd.Defined || R.isIgnored(Nd.Name) || !Steps[Root].reaches())
      continue;
    Finding F;
    F.TheRule = &R;
    F.RootKey = Nd.Key;
    F.RootName = Nd.Name;
    F.RootLoc = G.toPos(Nd.Def);
    F.Allowed = R.isAllowedPath(RelativePath(F.RootLoc.File));
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
    std::vector<PathHop> Path = shortestPath(G, Steps, Root);
    for (const PathHop &P : Path)
      F.Chain.push_back(toHop(G, P));
    NodeId Last = Path.empty() ? Root : Path.back().Callee;
    F.SinkName = G.node(Last).Name;
    if (Steps[Last].Dist != 0) {
      // The chain ends at a seed: its continuation lives in the index.
      if (!Continue || !Continue(G.node(Last), F.Chain, F.SinkName))
        continue;
    }
    Findings.push_back(std::move(F));
  }
  sortFindings(Findings);
  return Findings;
}

void sortFindings(std::vector<Finding> &Findings) {
  llvm::stable_sort(Findings, [](const Finding &A, const Finding &B) {
    return std::tie(A.RootLoc.File, A.RootLoc.Line, A.RootName) <
           std::tie(B.RootLoc.File, B.RootLoc.Line, B.RootName);
  });
}

} // namespace kreach
