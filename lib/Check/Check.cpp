//===- Check.cpp - The analyses every front end runs ----------------------===//

#include "kreach/Check.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSet.h"
#include <chrono>

namespace kreach {

llvm::Expected<TreeCheck> checkTree(Index &I, const Policy &P, const PathMapper &Paths,
                                    bool IncludeAllowed, bool RefreshSummaries) {
  auto Start = std::chrono::steady_clock::now();
  TreeCheck R;
  if (llvm::Error E = I.loadGraph(R.Graph))
    return std::move(E);
  R.Graph.resolve(P);
  R.Steps = computeSinkSteps(R.Graph);
  llvm::Expected<std::string> Stored = I.summaryFingerprint();
  if (!Stored)
    return Stored.takeError();
  // A read-only index keeps its summaries; the findings below come from the
  // graph itself either way.
  if (!I.readOnly() && (RefreshSummaries || *Stored != P.summaryFingerprint()))
    if (llvm::Error E = I.storeSummaries(R.Graph, R.Steps, P.summaryFingerprint()))
      return std::move(E);
  R.Findings = findFindings(
      R.Graph, R.Steps, P, [&](llvm::StringRef F) { return Paths.relative(F); },
      IncludeAllowed);

  llvm::Expected<IndexCounts> Counts = I.counts();
  if (!Counts)
    return Counts.takeError();
  R.Stats.TUs = Counts->TUs;
  R.Stats.FailedTUs = Counts->FailedTUs;
  R.Stats.Functions = Counts->Functions;
  R.Stats.CallEdges = R.Graph.numEdges();
  R.Stats.UnresolvedIndirectCalls = R.Graph.numUnresolvedIndirectCalls();
  llvm::DenseSet<NodeId> Roots;
  for (const Store &S : R.Graph.stores())
    if (P.isRootField(R.Graph.field(S.Field)) && R.Graph.node(S.Target).Defined)
      Roots.insert(S.Target);
  R.Stats.Roots = Roots.size();
  R.Stats.CheckSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - Start).count();
  return std::move(R);
}

static void noteReadError(llvm::Error E, std::string *ReadError) {
  std::string Message = llvm::toString(std::move(E));
  if (ReadError && ReadError->empty())
    *ReadError = Message;
}

bool continueFromIndex(Index &I, llvm::StringRef Key, std::vector<Hop> &Chain,
                       std::string &SinkName, std::string *ReadError) {
  std::string Cur = Key.str();
  // Summaries strictly decrease in distance, so this ends; the bound guards
  // against an index edited by hand.
  for (unsigned Guard = 0; Guard < 10000; ++Guard) {
    llvm::Expected<std::optional<SummaryRow>> Row = I.summary(Cur);
    if (!Row) {
      noteReadError(Row.takeError(), ReadError);
      return false;
    }
    if (!*Row)
      return false;
    if ((*Row)->NextKey.empty()) {
      SinkName = (*Row)->Name;
      return true;
    }
    Hop H;
    H.Caller = (*Row)->Name;
    H.CallerKey = Cur;
    H.Callee = (*Row)->NextName;
    H.CalleeKey = (*Row)->NextKey;
    H.Site = (*Row)->Site;
    H.Via = (*Row)->Via;
    Chain.push_back(std::move(H));
    Cur = (*Row)->NextKey;
  }
  return false;
}

std::vector<Finding> checkTU(const TUFacts &Facts, Index *I, const Policy &P,
                             const PathMapper &Paths, bool IncludeAllowed,
                             std::string &ReadError) {
  CallGraph G;
  G.addFacts(Facts);
  std::vector<std::pair<NodeId, uint32_t>> Seeds;
  if (I) {
    // Targets stored into the fields this TU calls through, tree-wide.
    llvm::StringSet<> CalledFields;
    for (const IndirectCallFact &C : Facts.IndirectCalls)
      CalledFields.insert(C.Field);
    auto Stores = I->stores([&](llvm::StringRef Field) {
      return (CalledFields.count(Field) && !P.isAsyncField(Field)) ||
             P.isRootField(Field);
    });
    // The TU speaks for every file it read: the index's stores there are an
    // older copy of the TU's own.
    llvm::StringSet<> OwnFiles;
    for (const std::string &F : Facts.Inputs)
      OwnFiles.insert(F);
    if (Stores) {
      for (const StoreRow &S : *Stores) {
        if (OwnFiles.count(S.Site.File))
          continue;
        bool Root = P.isRootField(S.Field) && !CalledFields.count(S.Field);
        NodeId Existing = G.lookup(S.TargetKey);
        // Registrations made elsewhere matter only for roots defined here.
        if (Root && (Existing == NoNode || !G.node(Existing).Defined))
          continue;
        NodeId T = G.getOrAddNode(S.TargetKey, S.TargetName);
        G.addStore(S.Field, T, S.Site);
      }
    } else {
      noteReadError(Stores.takeError(), &ReadError);
    }
    // Everything the TU reaches but does not define is seeded from the
    // index's summaries.
    for (NodeId N = 0; N < G.size(); ++N) {
      if (G.node(N).Defined)
        continue;
      llvm::Expected<std::optional<SummaryRow>> Row = I->summary(G.node(N).Key);
      if (!Row) {
        noteReadError(Row.takeError(), &ReadError);
        continue;
      }
      if (*Row && (*Row)->Dist > 0)
        Seeds.push_back({N, (*Row)->Dist});
    }
  }
  G.resolve(P);
  std::vector<SinkStep> Steps = computeSinkSteps(G, Seeds);
  auto Continue = [&](const Node &Seed, std::vector<Hop> &Chain, std::string &Sink) {
    return I && continueFromIndex(*I, Seed.Key, Chain, Sink, &ReadError);
  };
  return findFindings(
      G, Steps, P, [&](llvm::StringRef F) { return Paths.relative(F); }, IncludeAllowed,
      Continue);
}

TUProject openTUProject(llvm::StringRef MainFile, llvm::StringRef BuildDir,
                        ProjectOverrides Overrides) {
  TUProject T;
  T.WantIndex = Overrides.IndexFile != "none";
  if (!T.WantIndex)
    Overrides.IndexFile.clear();
  auto Open = [&](llvm::StringRef Path) {
    llvm::Expected<std::unique_ptr<Index>> Opened = Index::open(Path, Index::Mode::ReadOnly);
    if (Opened)
      T.Idx = std::move(*Opened);
    else
      T.IndexProblem = llvm::toString(Opened.takeError());
  };
  T.Paths = discoverForTU(MainFile, BuildDir, Overrides, [&](llvm::StringRef Path) {
    if (!T.WantIndex)
      return std::string();
    Open(Path);
    if (!T.Idx)
      return std::string();
    // The root `kreach index` used, so that this TU's paths agree with it.
    llvm::Expected<std::string> Root = T.Idx->meta("source_root");
    if (Root)
      return *Root;
    T.IndexProblem = llvm::toString(Root.takeError());
    T.Idx.reset();
    return std::string();
  });
  // Discovery may have settled the root before it asked the index.
  if (T.WantIndex && T.Paths.IndexExists && !T.Idx && T.IndexProblem.empty())
    Open(T.Paths.IndexFile);
  return T;
}

} // namespace kreach
