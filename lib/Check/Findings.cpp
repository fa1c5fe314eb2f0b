//===- Findings.cpp - What a rule finds on the call graph -----------------===//

#include "kreach/Findings.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"

namespace kreach {

ReachSpec reachSpec(const CallGraph &G, const Rule &R) {
  ReachSpec S;
  S.Roles.assign(G.size(), ReachSpec::Normal);
  bool Allocations = R.hasReclaimSinks();
  if (Allocations)
    S.MaskBits = R.reclaimFlags();
  llvm::SmallVector<unsigned, 2> Masks;
  for (NodeId N = 0; N < G.size(); ++N) {
    const Node &Nd = G.node(N);
    if (Nd.Kind == NodeKind::Function) {
      if (!R.mayBeSpecial(Nd.Name))
        continue;
      bool Always = false;
      if (R.isIgnored(Nd.Name))
        S.Roles[N] = ReachSpec::Blocked;
      else if (R.isSinkFunction(Nd.Name))
        S.Roles[N] = ReachSpec::Sink;
      else if (Allocations && R.isAllocation(Nd.Name, Always, Masks) &&
               (Always || (Nd.isMasked() && llvm::is_contained(Masks, Nd.Param))))
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

/// A masked node stands for its function in what a user reads.
static const Node &shown(const CallGraph &G, NodeId N) {
  const Node &Nd = G.node(N);
  return Nd.isMasked() ? G.node(Nd.Base) : Nd;
}

Hop toHop(const CallGraph &G, const PathHop &P) {
  Hop H;
  H.Caller = shown(G, P.Caller).Name;
  H.CallerKey = shown(G, P.Caller).Key;
  H.Callee = shown(G, P.Callee).Name;
  H.CalleeKey = shown(G, P.Callee).Key;
  H.Site = G.toPos(P.Site);
  if (P.Via)
    H.Via = G.field(P.Via);
  if (P.Mask)
    H.Mask = G.field(P.Mask);
  return H;
}

/// Whether a chain's sink is one of the rule's allocators rather than one
/// of its sink functions or fields.
static bool isAllocationSink(const Rule &R, llvm::StringRef SinkName) {
  bool Always = false;
  llvm::SmallVector<unsigned, 2> Masks;
  return R.hasReclaimSinks() && !R.isSinkFunction(SinkName) && !R.isSinkField(SinkName) &&
         R.isAllocation(SinkName, Always, Masks);
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

/// F's chain from From along Path, its sink, and, where Path ends at a
/// seed, its continuation from the index. False if there is none.
static bool completeChain(const CallGraph &G, const std::vector<SinkStep> &Steps,
                          const Rule &R, NodeId From, const std::vector<PathHop> &Path,
                          ChainContinuation Continue, Finding &F) {
  for (const PathHop &P : Path)
    F.Chain.push_back(toHop(G, P));
  NodeId Last = Path.empty() ? From : Path.back().Callee;
  F.SinkName = shown(G, Last).Name;
  // The chain ends at a seed: its continuation lives in the index.
  if (Steps[Last].Dist != 0 && (!Continue || !Continue(G.node(Last), F.Chain, F.SinkName)))
    return false;
  F.SinkIsAllocation = isAllocationSink(R, F.SinkName);
  return true;
}

/// Source order of two call sites of one function body.
static bool before(const CallGraph &G, const Loc &A, const Loc &B) {
  if (A.File != B.File)
    return G.file(A.File) < G.file(B.File);
  if (A.Line || B.Line)
    return std::tie(A.Line, A.Column) < std::tie(B.Line, B.Column);
  return A.Raw < B.Raw;
}

/// The sections of the rule in N's body that reach a sink: for each, the
/// begin call's site and the first edge of a shortest chain from it (of N
/// itself, or of one of its masked nodes: a section does not know the
/// masks its function was given, so they may carry any flag).
enum SectionMark : uint8_t { NotMarked, BeginsSection, EndsSection };

static void findSections(const CallGraph &G, const ReachSpec &Spec,
                         const std::vector<SinkStep> &Steps,
                         const std::vector<SectionMark> &Marks, NodeId N,
                         llvm::function_ref<void(const Loc &, NodeId, uint32_t)> Each) {
  llvm::SmallVector<Loc, 2> Begins, Ends;
  for (const Edge &E : G.edges(N)) {
    if (E.Kind != EdgeKind::Direct)
      continue;
    if (Marks[E.To] == BeginsSection)
      Begins.push_back(E.Site);
    else if (Marks[E.To] == EndsSection)
      Ends.push_back(E.Site);
  }
  if (Begins.empty())
    return;
  llvm::SmallVector<NodeId, 2> Bodies{N};
  llvm::append_range(Bodies, G.maskedNodesOf(N));
  for (const Loc &Begin : Begins) {
    const Loc *End = nullptr;
    for (const Loc &E : Ends)
      if (before(G, Begin, E) && (!End || before(G, E, *End)))
        End = &E;
    uint32_t Best = UINT32_MAX, BestEdge = 0;
    NodeId BestFrom = NoNode;
    for (NodeId From : Bodies) {
      llvm::ArrayRef<Edge> Out = G.edges(From);
      for (uint32_t I = 0; I < Out.size(); ++I) {
        const Edge &E = Out[I];
        if (E.Kind == EdgeKind::Entered || !before(G, Begin, E.Site) ||
            (End && !before(G, E.Site, *End)))
          continue;
        NodeId To = effectiveTarget(G, Spec, E);
        if (To == NoNode || !Steps[To].reaches() || Spec.role(To) == ReachSpec::Blocked)
          continue;
        uint32_t D = Steps[To].Dist + E.weight();
        if (D < Best) {
          Best = D;
          BestFrom = From;
          BestEdge = I;
        }
      }
    }
    if (BestFrom != NoNode)
      Each(Begin, BestFrom, BestEdge);
  }
}

std::vector<Finding>
findFindings(const CallGraph &G, const ReachSpec &Spec, const std::vector<SinkStep> &Steps,
             const Rule &R, llvm::function_ref<std::string(llvm::StringRef)> RelativePath,
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
    if (completeChain(G, Steps, R, Root, shortestPath(G, Steps, Root), Continue, F))
      Findings.push_back(std::move(F));
  }
  if (R.hasSections()) {
    // The begin and end functions by node, each name matched once.
    std::vector<SectionMark> Marks(G.size(), NotMarked);
    bool Any = false;
    for (NodeId N = 0; N < G.size(); ++N) {
      const Node &Nd = G.node(N);
      if (Nd.Kind != NodeKind::Function)
        continue;
      if (R.isSectionBegin(Nd.Name)) {
        Marks[N] = BeginsSection;
        Any = true;
      } else if (R.isSectionEnd(Nd.Name)) {
        Marks[N] = EndsSection;
      }
    }
    for (NodeId N = 0; Any && N < G.size(); ++N) {
      const Node &Nd = G.node(N);
      if (Nd.Kind != NodeKind::Function || !Nd.Defined || Nd.isMasked() ||
          R.isIgnored(Nd.Name))
        continue;
      findSections(G, Spec, Steps, Marks, N, [&](const Loc &Begin, NodeId From, uint32_t Edge) {
        Finding F;
        F.TheRule = &R;
        F.Section = true;
        F.RootKey = Nd.Key;
        F.RootName = Nd.Name;
        F.RootLoc = G.toPos(Begin);
        F.Allowed = R.isAllowedPath(RelativePath(F.RootLoc.File));
        if (F.Allowed && !IncludeAllowed)
          return;
        if (completeChain(G, Steps, R, From, pathThrough(G, Spec, Steps, From, Edge),
                          Continue, F))
          Findings.push_back(std::move(F));
      });
    }
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
