//===- GraphTest.cpp - Call graph, reachability and witness chains --------===//

#include "kreach/Findings.h"
#include "kreach/Graph.h"
#include "kreach/Rules.h"
#include "kreach/Report.h"
#include "gtest/gtest.h"

using namespace kreach;

namespace {

SourcePos at(unsigned Line) { return {"/src/drivers/x/x.c", Line, 1}; }

const Rule &notifierRule() {
  static const RuleSet Builtin = RuleSet::builtin();
  return *Builtin.find("linuxkernel-mmu-notifier-dma-fence-wait");
}

std::vector<SinkStep> stepsFor(CallGraph &G, const Rule &R,
                               llvm::ArrayRef<std::pair<NodeId, uint32_t>> Seeds = {}) {
  G.finalize();
  return computeSinkSteps(G, reachSpec(G, R), Seeds);
}

std::string identity(llvm::StringRef P) {
  return llvm::StringRef(P).drop_front(std::string("/src/").size()).str();
}

// The graph alone, no rule: sinks and blocked nodes are whatever the caller
// says they are.
TEST(GraphTest, ReachabilityFollowsTheCallersSpecOnly) {
  CallGraph G;
  NodeId Root = G.getOrAddNode("root", "root");
  NodeId Impl = G.getOrAddNode("impl", "impl");
  NodeId Wait = G.getOrAddNode("wait", "wait");
  G.define(Root, at(1));
  G.define(Impl, at(5));
  G.addIndirectCall(Root, "ops::f", at(2));
  G.addStore("ops::f", Impl, at(9));
  G.addCall(Impl, Wait, at(6));
  G.finalize();
  NodeId Field = G.nodeOfField(G.internField("ops::f"));
  ASSERT_NE(Field, NoNode);
  EXPECT_EQ(G.node(Field).Kind, NodeKind::Field);
  ASSERT_EQ(G.edges(Root).size(), 1u);
  EXPECT_EQ(G.edges(Root)[0].Kind, EdgeKind::FieldCall);
  EXPECT_EQ(G.edges(Field)[0].Kind, EdgeKind::FieldTarget);

  ReachSpec Spec;
  Spec.Roles.assign(G.size(), ReachSpec::Normal);
  Spec.Roles[Wait] = ReachSpec::Sink;
  std::vector<SinkStep> Steps = computeSinkSteps(G, Spec);
  // The hop from the field to what is stored there is part of the call.
  EXPECT_EQ(Steps[Root].Dist, 2u);
  std::vector<PathHop> Path = shortestPath(G, Steps, Root);
  ASSERT_EQ(Path.size(), 2u);
  EXPECT_EQ(Path[0].Callee, Impl);
  EXPECT_EQ(G.field(Path[0].Via), "ops::f");
  EXPECT_EQ(Path[1].Callee, Wait);
  EXPECT_EQ(countEdges(G, Spec).Calls, 2u);

  // Blocking the field cuts the chain and makes its call unresolved.
  Spec.Roles[Field] = ReachSpec::Blocked;
  EXPECT_FALSE(computeSinkSteps(G, Spec)[Root].reaches());
  EXPECT_EQ(countEdges(G, Spec).UnresolvedIndirectCalls, 1u);

  // A field that is itself the sink ends the chain at the field.
  Spec.Roles[Field] = ReachSpec::Sink;
  Spec.Roles[Wait] = ReachSpec::Normal;
  Steps = computeSinkSteps(G, Spec);
  Path = shortestPath(G, Steps, Root);
  ASSERT_EQ(Path.size(), 1u);
  EXPECT_EQ(Path[0].Callee, Field);
}

TEST(GraphTest, TwoRulesOnOneGraph) {
  CallGraph G;
  NodeId Cb = G.getOrAddNode("cb", "cb");
  NodeId Scan = G.getOrAddNode("scan", "scan");
  NodeId Wait = G.getOrAddNode("dma_fence_wait", "dma_fence_wait");
  G.define(Cb, at(1));
  G.define(Scan, at(3));
  G.addCall(Cb, Wait, at(2));
  G.addCall(Scan, Wait, at(4));
  G.addStore("mmu_interval_notifier_ops::invalidate", Cb, at(10));
  G.addStore("shrinker::scan_objects", Scan, at(11));
  G.finalize();
  RuleSet Rules = RuleSet::builtin();
  for (const char *Name :
       {"linuxkernel-mmu-notifier-dma-fence-wait", "linuxkernel-shrinker-dma-fence-wait"}) {
    const Rule &R = *Rules.find(Name);
    std::vector<Finding> F =
        findFindings(G, reachSpec(G, R), computeSinkSteps(G, reachSpec(G, R)), R, identity, false);
    ASSERT_EQ(F.size(), 1u) << Name;
    EXPECT_EQ(F[0].TheRule, &R);
    EXPECT_EQ(F[0].RootName, std::string(Name).find("shrinker") != std::string::npos
                                 ? "scan"
                                 : "cb");
  }
}

TEST(GraphTest, DirectChainIsShortestWitness) {
  CallGraph G;
  NodeId Root = G.getOrAddNode("root", "root");
  NodeId A = G.getOrAddNode("a", "a");
  NodeId B = G.getOrAddNode("b", "b");
  NodeId Wait = G.getOrAddNode("dma_fence_wait", "dma_fence_wait");
  G.define(Root, at(1));
  G.define(A, at(10));
  G.define(B, at(20));
  G.addCall(Root, A, at(2));
  G.addCall(A, B, at(11));
  G.addCall(B, Wait, at(21));
  G.addCall(Root, Wait, at(3)); // The short way.
  G.addStore("mmu_notifier_ops::invalidate_range_start", Root, at(30));
  const Rule &P = notifierRule();
  std::vector<SinkStep> Steps = stepsFor(G, P);
  EXPECT_EQ(Steps[Root].Dist, 1u);
  EXPECT_EQ(Steps[A].Dist, 2u);
  std::vector<Finding> F = findFindings(G, reachSpec(G, P), Steps, P, identity, false);
  ASSERT_EQ(F.size(), 1u);
  EXPECT_EQ(F[0].RootName, "root");
  EXPECT_EQ(F[0].SinkName, "dma_fence_wait");
  ASSERT_EQ(F[0].Chain.size(), 1u);
  EXPECT_EQ(F[0].Chain[0].Site.Line, 3u);
  ASSERT_EQ(F[0].Registrations.size(), 1u);
  EXPECT_EQ(F[0].Registrations[0].Field, "mmu_notifier_ops::invalidate_range_start");
}

TEST(GraphTest, IndirectCallResolvesThroughStoredField) {
  CallGraph G;
  NodeId Root = G.getOrAddNode("root", "root");
  NodeId Impl = G.getOrAddNode("impl", "impl");
  NodeId Other = G.getOrAddNode("other", "other");
  NodeId Wait = G.getOrAddNode("dma_resv_wait_timeout", "dma_resv_wait_timeout");
  G.define(Root, at(1));
  G.define(Impl, at(5));
  G.define(Other, at(7));
  G.addIndirectCall(Root, "dev_ops::hmm_invalidate", at(2));
  G.addStore("dev_ops::hmm_invalidate", Impl, at(40));
  G.addStore("dev_ops::hmm_invalidate", Other, at(41));
  G.addCall(Impl, Wait, at(6));
  G.addStore("mmu_interval_notifier_ops::invalidate", Root, at(50));
  const Rule &P = notifierRule();
  std::vector<Finding> F = findFindings(G, reachSpec(G, P), stepsFor(G, P), P, identity, false);
  ASSERT_EQ(F.size(), 1u);
  ASSERT_EQ(F[0].Chain.size(), 2u);
  EXPECT_EQ(F[0].Chain[0].Callee, "impl");
  EXPECT_EQ(F[0].Chain[0].Via, "dev_ops::hmm_invalidate");
  EXPECT_EQ(F[0].Chain[1].Callee, "dma_resv_wait_timeout");
}

TEST(GraphTest, AsyncFieldsAreNotCalls) {
  CallGraph G;
  NodeId Root = G.getOrAddNode("root", "root");
  NodeId Worker = G.getOrAddNode("worker", "worker");
  NodeId Wait = G.getOrAddNode("dma_fence_wait", "dma_fence_wait");
  G.define(Root, at(1));
  G.define(Worker, at(5));
  G.addStore("work_struct::func", Worker, at(2));
  G.addIndirectCall(Root, "work_struct::func", at(3));
  G.addCall(Worker, Wait, at(6));
  G.addStore("mmu_notifier_ops::invalidate_range_end", Root, at(50));
  const Rule &P = notifierRule();
  EXPECT_TRUE(findFindings(G, reachSpec(G, P), stepsFor(G, P), P, identity, false).empty());
  EXPECT_EQ(countEdges(G, reachSpec(G, P)).UnresolvedIndirectCalls, 1u);
}

TEST(GraphTest, SinkFieldIsASink) {
  CallGraph G;
  NodeId Root = G.getOrAddNode("root", "root");
  G.define(Root, at(1));
  G.addIndirectCall(Root, "dma_fence_ops::wait", at(2));
  G.addStore("mmu_notifier_ops::arch_invalidate_secondary_tlbs", Root, at(9));
  const Rule &P = notifierRule();
  std::vector<Finding> F = findFindings(G, reachSpec(G, P), stepsFor(G, P), P, identity, false);
  ASSERT_EQ(F.size(), 1u);
  EXPECT_EQ(F[0].SinkName, "dma_fence_ops::wait");
}

TEST(GraphTest, CyclesTerminateAndAllowedPathsAreFiltered) {
  CallGraph G;
  NodeId Root = G.getOrAddNode("root", "root");
  NodeId A = G.getOrAddNode("a", "a");
  NodeId Wait = G.getOrAddNode("dma_fence_wait", "dma_fence_wait");
  G.define(Root, {"/src/drivers/gpu/drm/x.c", 1, 1});
  G.define(A, at(5));
  G.addCall(Root, A, at(2));
  G.addCall(A, Root, at(6));
  G.addCall(A, A, at(7));
  G.addCall(A, Wait, at(8));
  G.addStore("mmu_interval_notifier_ops::invalidate", Root, at(50));
  const Rule &P = notifierRule();
  std::vector<SinkStep> Steps = stepsFor(G, P);
  EXPECT_TRUE(findFindings(G, reachSpec(G, P), Steps, P, identity, false).empty());
  std::vector<Finding> All = findFindings(G, reachSpec(G, P), Steps, P, identity, true);
  ASSERT_EQ(All.size(), 1u);
  EXPECT_TRUE(All[0].Allowed);
  EXPECT_EQ(All[0].Chain.size(), 2u);
}

TEST(GraphTest, IgnoredFunctionsCutChains) {
  RuleConfig C = *RulesConfig::builtin().find("linuxkernel-mmu-notifier-dma-fence-wait");
  C.IgnoreFunctions = {"safe_*"};
  Rule P = llvm::cantFail(Rule::create(C));
  CallGraph G;
  NodeId Root = G.getOrAddNode("root", "root");
  NodeId Safe = G.getOrAddNode("safe_wrapper", "safe_wrapper");
  NodeId Wait = G.getOrAddNode("dma_fence_wait", "dma_fence_wait");
  G.define(Root, at(1));
  G.define(Safe, at(2));
  G.addCall(Root, Safe, at(3));
  G.addCall(Safe, Wait, at(4));
  G.addStore("mmu_notifier_ops::invalidate_range_start", Root, at(50));
  EXPECT_TRUE(findFindings(G, reachSpec(G, P), stepsFor(G, P), P, identity, false).empty());
}

TEST(GraphTest, SeedsStandForSummariesFromElsewhere) {
  CallGraph G;
  NodeId Root = G.getOrAddNode("root", "root");
  NodeId Ext = G.getOrAddNode("external_helper", "external_helper");
  G.define(Root, at(1));
  G.addCall(Root, Ext, at(2));
  G.addStore("mmu_notifier_ops::invalidate_range_start", Root, at(50));
  const Rule &P = notifierRule();
  std::vector<std::pair<NodeId, uint32_t>> Seeds = {{Ext, 3}};
  std::vector<SinkStep> Steps = stepsFor(G, P, Seeds);
  EXPECT_EQ(Steps[Root].Dist, 4u);
  bool Continued = false;
  auto Continue = [&](const Node &Seed, std::vector<Hop> &Chain, std::string &Sink) {
    Continued = Seed.Key == "external_helper";
    Sink = "dma_fence_wait";
    return true;
  };
  std::vector<Finding> F = findFindings(G, reachSpec(G, P), Steps, P, identity, false, Continue);
  ASSERT_EQ(F.size(), 1u);
  EXPECT_TRUE(Continued);
  EXPECT_EQ(F[0].SinkName, "dma_fence_wait");
}

} // namespace

//===----------------------------------------------------------------------===//
// Shapes a kernel never has but an index can: everything stays iterative and
// linear, whatever the depth (a recursive walk overflows the stack long
// before 100 000 frames).
//===----------------------------------------------------------------------===//

namespace {

constexpr unsigned Deep = 100000;

/// f0 -> f1 -> ... -> f(N-1) -> dma_fence_wait, f0 registered as a root;
/// with Cycle, f(N-1) also calls f0.
CallGraph deepGraph(unsigned N, bool Cycle) {
  CallGraph G;
  std::vector<NodeId> F;
  for (unsigned I = 0; I < N; ++I) {
    std::string Name = "f" + std::to_string(I);
    F.push_back(G.getOrAddNode(Name, Name));
    G.define(F.back(), at(I + 1));
  }
  for (unsigned I = 0; I + 1 < N; ++I)
    G.addCall(F[I], F[I + 1], at(I + 1));
  if (Cycle)
    G.addCall(F[N - 1], F[0], at(N));
  G.addCall(F[N - 1], G.getOrAddNode("dma_fence_wait", "dma_fence_wait"), at(N));
  G.addStore("mmu_notifier_ops::invalidate_range_start", F[0], at(N + 1));
  return G;
}

void checkDeep(bool Cycle) {
  CallGraph G = deepGraph(Deep, Cycle);
  const Rule &P = notifierRule();
  std::vector<SinkStep> Steps = stepsFor(G, P);
  EXPECT_EQ(Steps[G.lookup("f0")].Dist, Deep);
  EXPECT_EQ(Steps[G.lookup("f" + std::to_string(Deep - 1))].Dist, 1u);
  std::vector<Finding> F = findFindings(G, reachSpec(G, P), Steps, P, identity, false);
  ASSERT_EQ(F.size(), 1u);
  EXPECT_EQ(F[0].Chain.size(), size_t(Deep));
  EXPECT_EQ(F[0].SinkName, "dma_fence_wait");

  std::string Text;
  llvm::raw_string_ostream OS(Text);
  printChains(OS, G, Steps, G.lookup("f0"), PathMapper("/src"), 100, "dma_fence wait");
  EXPECT_TRUE(llvm::StringRef(Text).starts_with("chain 1: f0 -> f1 -> f2 -> "));
  EXPECT_EQ(llvm::StringRef(Text).count("\n"), size_t(Deep) + 1);
  EXPECT_EQ(llvm::StringRef(Text).count("chain "), 1u);

  std::string Dot;
  llvm::raw_string_ostream DotOS(Dot);
  printDot(DotOS, G, Steps, G.lookup("f0"), PathMapper("/src"));
  EXPECT_EQ(llvm::StringRef(Dot).count(" -> "), size_t(Deep));
}

} // namespace

TEST(GraphTest, DeepChainIsIterative) { checkDeep(false); }

TEST(GraphTest, LongCycleIsIterative) { checkDeep(true); }

// A ladder of diamonds has 2^N chains; printing stops at the limit without
// walking them all.
TEST(GraphTest, ChainLimitBoundsTheWalk) {
  CallGraph G;
  NodeId Prev = G.getOrAddNode("root", "root");
  G.define(Prev, at(1));
  G.addStore("mmu_notifier_ops::invalidate_range_start", Prev, at(2));
  for (unsigned I = 0; I < 64; ++I) {
    std::string N = std::to_string(I);
    NodeId A = G.getOrAddNode("a" + N, "a" + N), B = G.getOrAddNode("b" + N, "b" + N),
           J = G.getOrAddNode("j" + N, "j" + N);
    G.addCall(Prev, A, at(3));
    G.addCall(Prev, B, at(4));
    G.addCall(A, J, at(5));
    G.addCall(B, J, at(6));
    Prev = J;
  }
  G.addCall(Prev, G.getOrAddNode("dma_fence_wait", "dma_fence_wait"), at(7));
  const Rule &P = notifierRule();
  std::vector<SinkStep> Steps = stepsFor(G, P);
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  printChains(OS, G, Steps, G.lookup("root"), PathMapper("/src"), 5, "dma_fence wait");
  EXPECT_EQ(llvm::StringRef(Text).count("chain "), 5u);
  EXPECT_TRUE(llvm::StringRef(Text).ends_with("(more chains not shown; raise --max-chains)\n"));
}

// A graph large enough for the reverse index to be built in parts: every
// target's entries must come out in source order, as one pass gives them.
TEST(GraphTest, ReverseEdgesBuiltInPartsKeepSourceOrder) {
  CallGraph G;
  const unsigned N = 70000;
  std::vector<NodeId> Ids;
  for (unsigned I = 0; I < N; ++I)
    Ids.push_back(G.getOrAddNode("f" + std::to_string(I), "f" + std::to_string(I)));
  // Each function calls a few others, many of them in the other half.
  for (unsigned I = 0; I < N; ++I)
    for (unsigned K : {1u, 7u, N / 2 + 3})
      G.addCall(Ids[I], Ids[(I * 31 + K) % N], {"/src/a.c", I + 1, K});
  G.finalize();
  ReverseEdges Reverse(G);
  std::vector<std::vector<std::pair<NodeId, uint32_t>>> Expected(G.size());
  for (NodeId From = 0; From < G.size(); ++From)
    for (uint32_t I = 0; I < G.edges(From).size(); ++I)
      Expected[G.edges(From)[I].To].push_back({From, I});
  size_t Entries = 0;
  for (NodeId To = 0; To < G.size(); ++To) {
    llvm::ArrayRef<std::pair<NodeId, uint32_t>> In = Reverse.into(To);
    ASSERT_EQ(In.size(), Expected[To].size()) << To;
    EXPECT_TRUE(std::equal(In.begin(), In.end(), Expected[To].begin())) << To;
    for (size_t I = 0; I < In.size(); ++I)
      EXPECT_EQ(Reverse.plainWeight(Reverse.start(To) + I), 1u);
    Entries += In.size();
  }
  EXPECT_EQ(Entries, size_t(N) * 3);
}

// Patch mode's searches (updateSinkSteps): on random graphs, a few nodes'
// calls replaced, the base's result updated for the change must equal a
// whole search of the changed graph, distances, next steps and tie-breaks
// alike. The graphs have calls through fields (zero-weight hops from a
// field to what is stored there), cycles, sinks and blocked nodes.
struct RandomGraph {
  CallGraph G;
  std::vector<NodeId> Fns;
};

static void buildRandom(RandomGraph &R, unsigned Seed, unsigned Fns, unsigned Fields,
                        const std::vector<bool> &Redo, unsigned RedoSeed, unsigned Extra = 0) {
  auto Next = [](unsigned &S) { return S = S * 1103515245u + 12345u, (S >> 8) & 0xffffff; };
  for (unsigned F = 0; F < Fields; ++F)
    R.G.internField("ops::f" + std::to_string(F));
  // Extra functions come after the others, as a splice appends those a
  // change first names; only redone functions call them.
  for (unsigned I = 0; I < Fns + Extra; ++I) {
    std::string Name = "f" + std::to_string(I);
    R.Fns.push_back(R.G.getOrAddNode(Name, Name));
    R.G.define(R.Fns.back(), {"/src/a.c", I + 1, 1});
  }
  // Field nodes are made as calls first name them: one function calls every
  // field, in order, so both graphs number them alike.
  if (Fields) {
    NodeId Anchor = R.G.getOrAddNode("anchor", "anchor");
    for (unsigned F = 0; F < Fields; ++F)
      R.G.addIndirectCall(Anchor, "ops::f" + std::to_string(F), {"/src/c.c", F + 1, 1});
  }
  unsigned S = Seed;
  for (unsigned F = 0; F < Fields; ++F)
    for (unsigned K = 0; K < 2; ++K)
      R.G.addStore("ops::f" + std::to_string(F), R.Fns[Next(S) % Fns], {"/src/b.c", F + 1, K + 1});
  for (unsigned I = 0; I < Fns; ++I) {
    // A redone node draws its calls from another sequence: its edges change.
    unsigned T = Redo[I] ? RedoSeed * 7919u + I : Seed * 31u + I;
    unsigned Calls = Next(T) % 4;
    for (unsigned C = 0; C < Calls; ++C) {
      if (Fields && Next(T) % 5 == 0)
        R.G.addIndirectCall(R.Fns[I], "ops::f" + std::to_string(Next(T) % Fields),
                            {"/src/a.c", I + 1, C + 2});
      else
        R.G.addCall(R.Fns[I], R.Fns[Next(T) % (Redo[I] ? Fns + Extra : Fns)],
                    {"/src/a.c", I + 1, C + 2});
    }
  }
  for (unsigned I = Fns; I < Fns + Extra; ++I)
    R.G.addCall(R.Fns[I], R.Fns[(I * 7) % Fns], {"/src/a.c", I + 1, 2});
  R.G.finalize();
}

TEST(GraphTest, IncrementalSearchesMatchWholeOnes) {
  size_t Trials = 0, Differed = 0;
  for (unsigned Seed = 1; Seed <= 300; ++Seed) {
    const unsigned Fns = 20 + Seed % 80, Fields = 1 + Seed % 5;
    std::vector<bool> Redo(Fns), None(Fns);
    unsigned S = Seed;
    std::vector<NodeId> Changed;
    for (unsigned I = 0; I < Fns; ++I)
      if ((S = S * 48271u % 2147483647u) % 10 == 0)
        Redo[I] = true;
    // Every third graph has functions the change added, and no fields (whose
    // nodes would come after them and so be numbered otherwise).
    const unsigned Extra = Seed % 3 == 0 ? 1 + Seed % 4 : 0;
    const unsigned UsedFields = Extra ? 0 : Fields;
    RandomGraph Base, Now;
    buildRandom(Base, Seed, Fns, UsedFields, None, 0);
    buildRandom(Now, Seed, Fns, UsedFields, Redo, Seed + 1, Extra);
    ASSERT_EQ(Base.G.size() + Extra, Now.G.size());
    for (unsigned I = 0; I < Fns; ++I)
      if (Redo[I])
        Changed.push_back(Now.Fns[I]);
    ReachSpec Spec;
    Spec.Roles.assign(Now.G.size(), ReachSpec::Normal);
    for (NodeId N = 0; N < Now.G.size(); ++N) {
      if (N < Base.G.size()) {
        ASSERT_EQ(Base.G.node(N).Key, Now.G.node(N).Key);
        ASSERT_EQ(Base.G.node(N).Field, Now.G.node(N).Field);
      }
      S = S * 48271u % 2147483647u;
      if (S % 13 == 0)
        Spec.Roles[N] = ReachSpec::Sink;
      else if (S % 17 == 0)
        Spec.Roles[N] = ReachSpec::Blocked;
    }
    ReachSpec BaseSpec = Spec;
    BaseSpec.Roles.resize(Base.G.size());
    std::vector<SinkStep> Before = computeSinkSteps(Base.G, BaseSpec);
    EXPECT_EQ(specFingerprint(BaseSpec), specFingerprint(Spec, Base.G.size()));
    if (Extra)
      EXPECT_NE(specFingerprint(BaseSpec), specFingerprint(Spec));
    std::vector<SinkStep> Whole = computeSinkSteps(Now.G, Spec);
    size_t Searched = 0;
    std::vector<SinkStep> Updated =
        updateSinkSteps(Now.G, Spec, ReverseEdges(Now.G), Before, Changed, &Searched);
    ASSERT_EQ(Updated.size(), Whole.size());
    for (NodeId N = 0; N < Whole.size(); ++N) {
      EXPECT_EQ(Updated[N].Dist, Whole[N].Dist) << "seed " << Seed << " node " << N;
      EXPECT_EQ(Updated[N].Next, Whole[N].Next) << "seed " << Seed << " node " << N;
      EXPECT_EQ(Updated[N].EdgeIndex, Whole[N].EdgeIndex) << "seed " << Seed << " node " << N;
      Differed += N >= Before.size() || Before[N].Dist != Whole[N].Dist ||
                  Before[N].Next != Whole[N].Next;
    }
    EXPECT_LE(Searched, Now.G.size());
    ++Trials;
  }
  // The changes must have mattered, or the test shows nothing.
  EXPECT_EQ(Trials, 300u);
  EXPECT_GT(Differed, 1000u) << Differed;
}

// Nothing changed, nothing searched: the base's steps stand as they are.
TEST(GraphTest, IncrementalSearchWithNoChangeKeepsTheBase) {
  RandomGraph R;
  buildRandom(R, 5, 50, 2, std::vector<bool>(50), 0);
  ReachSpec Spec;
  Spec.Roles.assign(R.G.size(), ReachSpec::Normal);
  Spec.Roles[R.Fns[3]] = ReachSpec::Sink;
  std::vector<SinkStep> Whole = computeSinkSteps(R.G, Spec);
  size_t Searched = 1;
  std::vector<SinkStep> Updated = updateSinkSteps(R.G, Spec, ReverseEdges(R.G), Whole, {}, &Searched);
  EXPECT_EQ(Searched, 0u);
  for (NodeId N = 0; N < Whole.size(); ++N)
    EXPECT_EQ(Updated[N].Dist, Whole[N].Dist);
}

// The reverse index updated for a splice equals one built afresh, entry
// order included, on the same random graphs (functions appended too).
TEST(GraphTest, ReverseEdgesUpdatedForAChangeEqualARebuild) {
  unsigned Differed = 0;
  for (unsigned Seed = 1; Seed <= 200; ++Seed) {
    const unsigned Fns = 20 + Seed % 80, Fields = 1 + Seed % 5;
    const unsigned Extra = Seed % 3 == 0 ? 1 + Seed % 4 : 0;
    const unsigned UsedFields = Extra ? 0 : Fields;
    std::vector<bool> Redo(Fns), None(Fns);
    std::vector<NodeId> Changed;
    unsigned S = Seed;
    for (unsigned I = 0; I < Fns; ++I)
      if ((S = S * 48271u % 2147483647u) % 10 == 0)
        Redo[I] = true;
    RandomGraph Base, Now;
    buildRandom(Base, Seed, Fns, UsedFields, None, 0);
    buildRandom(Now, Seed, Fns, UsedFields, Redo, Seed + 1, Extra);
    for (unsigned I = 0; I < Fns; ++I)
      if (Redo[I])
        Changed.push_back(Now.Fns[I]);
    ReverseEdges Updated(Base.G);
    Differed += !(Updated == ReverseEdges(Now.G));
    Updated.update(Now.G, Changed);
    EXPECT_TRUE(Updated == ReverseEdges(Now.G)) << "seed " << Seed;
    // And a change that was not one leaves it as it was.
    ReverseEdges Same(Now.G);
    Same.update(Now.G, Changed);
    EXPECT_TRUE(Same == ReverseEdges(Now.G)) << "seed " << Seed;
  }
  // The changes changed the index: the update had something to do.
  EXPECT_GT(Differed, 150u);
}

// What a splice changed, for the reverse index and the searches: the nodes
// it touched and those it appended, each once, sorted.
TEST(GraphTest, ChangedSourcesAreTheTouchedAndTheAppended) {
  RandomGraph R;
  buildRandom(R, 3, 30, 0, std::vector<bool>(30), 0, 4);
  std::vector<NodeId> Touched = {R.Fns[7], R.Fns[2], R.Fns[7]};
  std::vector<NodeId> Got = changedSources(R.G, 30, Touched);
  std::vector<NodeId> Want = {R.Fns[2], R.Fns[7], R.Fns[30], R.Fns[31], R.Fns[32], R.Fns[33]};
  EXPECT_EQ(Got, Want);
  EXPECT_EQ(changedSources(R.G, R.G.size(), {}), std::vector<NodeId>());
}

// The key table (CallGraph::KeyTable) finds every node by its key as it
// grows from empty through many rehashes, keys that share a prefix and
// the empty key included, and finds nothing for a key no node has.
TEST(GraphTest, KeysAreFoundThroughEveryGrowth) {
  CallGraph G;
  std::vector<NodeId> Ids;
  for (unsigned I = 0; I < 5000; ++I) {
    std::string Key = "drivers/gpu/a.c:fn_" + std::to_string(I);
    NodeId N = G.getOrAddNode(Key, "fn_" + std::to_string(I));
    EXPECT_EQ(N, Ids.size());
    Ids.push_back(N);
    // Every key so far, after each growth the table went through.
    if ((I & (I + 1)) == 0)
      for (unsigned J = 0; J <= I; ++J)
        ASSERT_EQ(G.lookup("drivers/gpu/a.c:fn_" + std::to_string(J)), Ids[J]) << I << " " << J;
  }
  // A key seen again is the same node, and fills in a name it lacked.
  NodeId Unnamed = G.getOrAddNode("k:unnamed", "");
  EXPECT_EQ(G.getOrAddNode("k:unnamed", "named"), Unnamed);
  EXPECT_EQ(G.node(Unnamed).Name, "named");
  EXPECT_EQ(G.getOrAddNode("drivers/gpu/a.c:fn_7", "other"), Ids[7]);
  EXPECT_EQ(G.node(Ids[7]).Name, "fn_7");
  EXPECT_EQ(G.lookup("drivers/gpu/a.c:fn_5000"), NoNode);
  EXPECT_EQ(G.lookup("drivers/gpu/a.c:fn_"), NoNode);
  EXPECT_EQ(G.lookup(""), NoNode);
  NodeId Empty = G.getOrAddNode("", "anonymous");
  EXPECT_EQ(G.lookup(""), Empty);
  // Field nodes have no key and are not found by one.
  NodeId Field = G.fieldNode(G.internField("ops::f"));
  EXPECT_NE(G.lookup(""), Field);
}
