//===- MaskTest.cpp - Mask values, masked nodes and signalling sections ---===//

#include "kreach/Findings.h"
#include "kreach/Graph.h"
#include "kreach/MaskValue.h"
#include "kreach/Report.h"
#include "kreach/Rules.h"
#include "gtest/gtest.h"

using namespace kreach;

namespace {

constexpr uint64_t Reclaim = 0x400, Nowarn = 0x2000;
constexpr uint64_t Kernel = 0x400 | 0x800 | 0x40 | 0x80, Nowait = 0x800 | Nowarn;

SourcePos at(unsigned Line) { return {"/src/drivers/x/x.c", Line, 1}; }

TEST(MaskTest, ValuesEncodeAndDecode) {
  for (const MaskValue &V :
       {MaskValue::constant(Kernel), MaskValue::param(2) | MaskValue::constant(Nowarn),
        MaskValue::param(0) & ~MaskValue::constant(Reclaim), MaskValue::unknown()}) {
    std::optional<MaskValue> Back = MaskValue::decode(V.encode());
    ASSERT_TRUE(Back) << V.encode();
    EXPECT_EQ(Back->encode(), V.encode());
  }
  for (const char *Bad : {"", "c", "cx10", "c0x", "p&0x1|0x0", "p1&0x1", "p1|0x1&0x1",
                          "x0x1", "p99999&0x1|0x0", "c0x11111111111111111"})
    EXPECT_FALSE(MaskValue::decode(Bad)) << Bad;
}

TEST(MaskTest, MaskedKeysNameTheirFunction) {
  EXPECT_EQ(maskedBaseKey("helper#mask0"), "helper");
  EXPECT_EQ(maskedBaseKey("/src/a.c:helper#mask12"), "/src/a.c:helper");
  EXPECT_EQ(maskedBaseKey("/src/x#mask1/a.c:helper"), "/src/x#mask1/a.c:helper");
  EXPECT_EQ(maskedBaseKey("helper#mask"), "helper#mask");
  EXPECT_EQ(maskedBaseKey("helper"), "helper");
}

TEST(MaskTest, MayCarryAFlagThroughParametersAndMasks) {
  // gfp | __GFP_NOWARN keeps the parameter's reclaim bit; gfp & ~RECLAIM drops
  // it; gfp | RECLAIM forces it whatever the caller passes.
  MaskValue Pass = MaskValue::param(1) | MaskValue::constant(Nowarn);
  EXPECT_TRUE(Pass.passesParam(Reclaim));
  EXPECT_FALSE(Pass.mayHaveAlways(Reclaim));
  MaskValue Cleared = MaskValue::param(1) & ~MaskValue::constant(Reclaim);
  EXPECT_FALSE(Cleared.passesParam(Reclaim));
  EXPECT_FALSE(Cleared.mayHaveAlways(Reclaim));
  MaskValue Forced = MaskValue::param(1) | MaskValue::constant(Reclaim);
  EXPECT_TRUE(Forced.mayHaveAlways(Reclaim));
  EXPECT_FALSE(MaskValue::constant(Nowait).mayHaveAlways(Reclaim));
  EXPECT_TRUE(MaskValue::constant(Kernel).mayHaveAlways(Reclaim));
  // Unknown may be anything, unless masked.
  EXPECT_TRUE(MaskValue::unknown().mayHaveAlways(Reclaim));
  EXPECT_FALSE((MaskValue::unknown() & MaskValue::constant(~Reclaim)).mayHaveAlways(Reclaim));
  // Two different parameters joined: an unknown base, still sound.
  MaskValue Two = MaskValue::param(0) | MaskValue::param(1);
  EXPECT_EQ(Two.Kind, MaskValue::Base::Unknown);
  EXPECT_TRUE(Two.mayHaveAlways(Reclaim));
}

/// helper(gfp) calls alloc(gfp | NOWARN); a caller passes GFP_NOWAIT, another
/// GFP_KERNEL: only the second reaches the allocation sink.
struct HelperGraph {
  CallGraph G;
  NodeId Quiet, Loud, Helper, Alloc;
  HelperGraph() {
    Quiet = G.getOrAddNode("quiet", "quiet");
    Loud = G.getOrAddNode("loud", "loud");
    Helper = G.getOrAddNode("helper", "helper");
    Alloc = G.getOrAddNode("alloc", "alloc");
    for (NodeId N : {Quiet, Loud, Helper})
      G.define(N, at(N + 1));
    G.addCall(Quiet, Helper, at(10));
    G.addMaskArgument(Quiet, Helper, 0, MaskValue::constant(Nowait), "GFP_NOWAIT", at(10));
    G.addCall(Loud, Helper, at(20));
    G.addMaskArgument(Loud, Helper, 0, MaskValue::constant(Kernel), "GFP_KERNEL", at(20));
    G.addCall(Helper, Alloc, at(30));
    G.addMaskArgument(Helper, Alloc, 1, MaskValue::param(0) | MaskValue::constant(Nowarn),
                      "gfp | __GFP_NOWARN", at(30));
    G.finalize();
  }
  ReachSpec spec(uint64_t Bits) const {
    ReachSpec S;
    S.Roles.assign(G.size(), ReachSpec::Normal);
    S.Roles[G.maskedNode(Alloc, 1)] = ReachSpec::Sink;
    S.MaskBits = Bits;
    return S;
  }
};

TEST(MaskTest, MasksResolvePerCallSite) {
  HelperGraph H;
  ASSERT_NE(H.G.maskedNode(H.Alloc, 1), NoNode);
  ASSERT_NE(H.G.maskedNode(H.Helper, 0), NoNode);
  EXPECT_EQ(H.G.node(H.G.maskedNode(H.Helper, 0)).Key, "helper#mask0");
  std::vector<SinkStep> Steps = computeSinkSteps(H.G, H.spec(Reclaim));
  EXPECT_FALSE(Steps[H.Quiet].reaches());
  EXPECT_FALSE(Steps[H.Helper].reaches()); // Unmasked: no mask at all.
  ASSERT_TRUE(Steps[H.Loud].reaches());
  EXPECT_EQ(Steps[H.Loud].Dist, 2u);
  std::vector<PathHop> Path = shortestPath(H.G, Steps, H.Loud);
  ASSERT_EQ(Path.size(), 2u);
  Hop First = toHop(H.G, Path[0]), Second = toHop(H.G, Path[1]);
  // What a user reads names the functions, never the masked nodes.
  EXPECT_EQ(First.CalleeKey, "helper");
  EXPECT_EQ(hopMessage(First), "'loud' calls 'helper' with mask 'GFP_KERNEL'");
  EXPECT_EQ(Second.CallerKey, "helper");
  EXPECT_EQ(hopMessage(Second), "'helper' calls 'alloc' with mask 'gfp | __GFP_NOWARN'");
}

TEST(MaskTest, SpecsWithoutMaskBitsFollowNoMaskCall) {
  HelperGraph H;
  std::vector<SinkStep> Steps = computeSinkSteps(H.G, H.spec(0));
  EXPECT_FALSE(Steps[H.Loud].reaches());
  // Nor do mask calls count as calls of their own.
  ReachSpec Plain;
  EXPECT_EQ(countEdges(H.G, Plain).Calls, 3u);
}

TEST(MaskTest, CallsThroughAFieldTakeTheMaskAtTheirSite) {
  CallGraph G;
  NodeId Caller = G.getOrAddNode("caller", "caller");
  NodeId Impl = G.getOrAddNode("impl", "impl");
  NodeId Alloc = G.getOrAddNode("alloc", "alloc");
  G.define(Caller, at(1));
  G.define(Impl, at(2));
  G.addIndirectCall(Caller, "ops::alloc", at(10));
  G.addMaskArgument(Caller, NoNode, 0, MaskValue::constant(Kernel), "GFP_KERNEL", at(10));
  G.addIndirectCall(Caller, "ops::alloc", at(11));
  G.addMaskArgument(Caller, NoNode, 0, MaskValue::constant(Nowait), "GFP_NOWAIT", at(11));
  G.addStore("ops::alloc", Impl, at(30));
  G.addCall(Impl, Alloc, at(20));
  G.addMaskArgument(Impl, Alloc, 0, MaskValue::param(0), "gfp", at(20));
  G.finalize();
  ReachSpec S;
  S.Roles.assign(G.size(), ReachSpec::Normal);
  S.Roles[G.maskedNode(Alloc, 0)] = ReachSpec::Sink;
  S.MaskBits = Reclaim;
  std::vector<SinkStep> Steps = computeSinkSteps(G, S);
  ASSERT_TRUE(Steps[Caller].reaches());
  std::vector<PathHop> Path = shortestPath(G, Steps, Caller);
  ASSERT_EQ(Path.size(), 2u);
  EXPECT_EQ(Path[0].Site.Line, 10u); // The GFP_KERNEL call, not the other.
  EXPECT_EQ(hopMessage(toHop(G, Path[0])),
            "'caller' calls 'impl' through 'ops::alloc' with mask 'GFP_KERNEL'");
}

TEST(MaskTest, SectionsSpanFromBeginToTheNextEnd) {
  RulesConfig C = RulesConfig::builtin();
  RuleSet Set = llvm::cantFail(RuleSet::create(C));
  const Rule &R = *Set.find("linuxkernel-dma-fence-signalling");
  CallGraph G;
  NodeId F = G.getOrAddNode("f", "f");
  NodeId Begin = G.getOrAddNode("dma_fence_begin_signalling", "dma_fence_begin_signalling");
  NodeId End = G.getOrAddNode("dma_fence_end_signalling", "dma_fence_end_signalling");
  NodeId Wait = G.getOrAddNode("dma_fence_wait", "dma_fence_wait");
  NodeId Alloc = G.getOrAddNode("kmalloc_noprof", "kmalloc_noprof");
  G.define(F, at(1));
  G.addCall(F, Alloc, at(2)); // Before: fine.
  G.addMaskArgument(F, Alloc, 1, MaskValue::constant(Kernel), "GFP_KERNEL", at(2));
  G.addCall(F, Begin, at(3));
  G.addCall(F, Alloc, at(4)); // Inside, may not reclaim.
  G.addMaskArgument(F, Alloc, 1, MaskValue::constant(Nowait), "GFP_NOWAIT", at(4));
  G.addCall(F, End, at(5));
  G.addCall(F, Wait, at(6)); // After: fine.
  G.addCall(F, Begin, at(7));
  G.addCall(F, Wait, at(8)); // Inside the second section.
  G.addCall(F, End, at(9));
  G.finalize();
  ReachSpec Spec = reachSpec(G, R);
  std::vector<SinkStep> Steps = computeSinkSteps(G, Spec);
  std::vector<Finding> Found =
      findFindings(G, Spec, Steps, R, [](llvm::StringRef P) { return P.str(); }, false);
  ASSERT_EQ(Found.size(), 1u);
  EXPECT_TRUE(Found[0].Section);
  EXPECT_EQ(Found[0].RootLoc.Line, 7u);
  EXPECT_EQ(Found[0].SinkName, "dma_fence_wait");
  EXPECT_FALSE(Found[0].SinkIsAllocation);
  ASSERT_EQ(Found[0].Chain.size(), 1u);
  EXPECT_EQ(Found[0].Chain[0].Site.Line, 8u);
  EXPECT_EQ(findingMessage(Found[0]),
            "fence-signalling section in 'f' can reach dma_fence wait 'dma_fence_wait'");
}

} // namespace
