//===- ValueFlowTest.cpp - Calls through values, resolved per call site ---===//

#include "kreach/FlowValue.h"
#include "kreach/Graph.h"
#include "Registries.h"
#include "gtest/gtest.h"

using namespace kreach;

namespace {

SourcePos at(unsigned Line) { return {"/src/x.c", Line, 1}; }

/// Distances to the node named Sink, nothing blocked.
std::vector<SinkStep> reachFrom(const CallGraph &G, llvm::StringRef Sink) {
  ReachSpec Spec;
  Spec.Roles.assign(G.size(), ReachSpec::Normal);
  Spec.Roles[G.lookup(Sink)] = ReachSpec::Sink;
  return computeSinkSteps(G, Spec);
}

NodeId defined(CallGraph &G, llvm::StringRef Name, unsigned Line) {
  NodeId N = G.getOrAddNode(Name, Name);
  G.define(N, at(Line));
  return N;
}

TEST(FlowValueTest, EncodesAndDecodesEveryBase) {
  FlowValue Walk = FlowValue::param(2, "walk").member("mm_walk::ops").member(
      "mm_walk_ops::pte_entry");
  EXPECT_EQ(Walk.encode(), "P2=walk|mm_walk::ops|mm_walk_ops::pte_entry");
  EXPECT_EQ(Walk.spell(), "walk->ops->pte_entry");
  for (const FlowValue &V :
       {Walk, FlowValue::function("/a|b\\c.c:f"), FlowValue::global("g").member("s::f"),
        FlowValue::returnOf("get").member("ops::run"), FlowValue::unknown().member("a::b"),
        FlowValue::unknown()}) {
    std::optional<FlowValue> Back = FlowValue::decode(V.encode());
    ASSERT_TRUE(Back.has_value()) << V.encode();
    EXPECT_TRUE(*Back == V) << V.encode();
  }
  for (const char *Bad : {"", "X", "P=x", "Px=y", "F|a::b", "?name", "Gg||", "G\\"})
    EXPECT_FALSE(FlowValue::decode(Bad).has_value()) << Bad;
}

TEST(FlowValueTest, DeepPathsKeepTheirInnermostFields) {
  FlowValue V = FlowValue::param(0, "p");
  for (const char *F : {"a::b", "b::c", "c::d", "d::e", "e::f"})
    V = V.member(F);
  EXPECT_EQ(V.Kind, FlowValue::Base::Unknown);
  EXPECT_EQ(V.encode(), "?|d::e|e::f");
}

// kref_put(&a, quiet) in one place and kref_put(&b, waiting) in another: the
// helper's call through its parameter is bound per call site, so the quiet
// caller never reaches the wait.
TEST(ValueFlowTest, ParameterCallsBindPerCallSite) {
  CallGraph G;
  NodeId Put = defined(G, "kref_put", 1);
  NodeId Quiet = defined(G, "quiet", 10), Waiting = defined(G, "waiting", 20);
  NodeId A = defined(G, "a", 30), B = defined(G, "b", 40);
  G.getOrAddNode("wait", "wait");
  G.addCall(Waiting, G.lookup("wait"), at(21));
  G.addValueCall(Put, FlowValue::param(1, "release"), at(2));
  G.addCall(A, Put, at(31));
  G.addArgument(A, Put, 1, {}, FlowValue::function("quiet"), at(31));
  G.addCall(B, Put, at(41));
  G.addArgument(B, Put, 1, {}, FlowValue::function("waiting"), at(41));
  G.finalize();
  std::vector<SinkStep> Steps = reachFrom(G, "wait");
  EXPECT_FALSE(Steps[A].reaches());
  EXPECT_FALSE(Steps[Put].reaches());
  ASSERT_TRUE(Steps[B].reaches());
  // One note per call: b calls kref_put, which calls waiting through release.
  std::vector<PathHop> Path = shortestPath(G, Steps, B);
  ASSERT_EQ(Path.size(), 3u);
  EXPECT_EQ(Path[0].Callee, Put);
  EXPECT_EQ(Path[0].Site.Line, 41u);
  EXPECT_EQ(Path[1].Caller, Put);
  EXPECT_EQ(Path[1].Callee, Waiting);
  EXPECT_EQ(G.field(Path[1].Via), "release");
  EXPECT_EQ(Path[1].Site.Line, 2u);
  EXPECT_EQ(G.valueFlow().BoundCalls, 2u);
  (void)Quiet;
}

// walk_page_range(&ops): the ops go into a local struct whose address is
// passed down; the walker calls walk->ops->pte_entry two calls deeper.
TEST(ValueFlowTest, OpsPassedIntoALocalStructBindToTheirOwnTable) {
  CallGraph G;
  NodeId Pte = defined(G, "walk_pte_range", 1);
  NodeId Walk = defined(G, "walk_page_range", 10);
  NodeId User = defined(G, "user", 20);
  NodeId Mine = defined(G, "my_pte", 30);
  defined(G, "other_pte", 40);
  FlowValue Inner = FlowValue::param(0, "walk").member("mm_walk::ops").member(
      "mm_walk_ops::pte_entry");
  G.addValueCall(Pte, Inner, at(2));
  G.addCall(Walk, Pte, at(11));
  G.addArgument(Walk, Pte, 0, {"mm_walk::ops"}, FlowValue::param(0, "ops"), at(11));
  G.addCall(User, Walk, at(21));
  G.addArgument(User, Walk, 0, {}, FlowValue::global("my_ops"), at(21));
  G.addAssign(NoNode, FlowValue::global("my_ops").member("mm_walk_ops::pte_entry"),
              FlowValue::function("my_pte"), at(31));
  G.addAssign(NoNode, FlowValue::global("other_ops").member("mm_walk_ops::pte_entry"),
              FlowValue::function("other_pte"), at(41));
  G.addStore("mm_walk_ops::pte_entry", Mine, at(31));
  G.addStore("mm_walk_ops::pte_entry", G.lookup("other_pte"), at(41));
  G.finalize();
  std::vector<NodeId> Targets;
  for (const Edge &E : G.edges(User))
    if (E.Kind == EdgeKind::Bound)
      Targets.push_back(E.To);
  EXPECT_EQ(Targets, std::vector<NodeId>{Mine});
  for (const Edge &E : G.edges(Pte))
    EXPECT_NE(E.Kind, EdgeKind::FieldCall) << "the walker's own node joins every walk";
}

// A function whose address is taken has callers kreach does not see: its
// parameter calls fall back to field types, and a bare one is counted.
TEST(ValueFlowTest, AddressTakenFunctionsFallBackToTypesAndCount) {
  CallGraph G;
  NodeId Cb = defined(G, "cb", 1);
  NodeId Impl = defined(G, "impl", 10);
  G.addValueCall(Cb, FlowValue::param(0, "ops").member("ops::run"), at(2));
  G.addValueCall(Cb, FlowValue::param(1, "fn"), at(3));
  G.addStore("root_ops::cb", Cb, at(20));
  G.addStore("ops::run", Impl, at(21));
  G.finalize();
  bool ToRun = false;
  for (const Edge &E : G.edges(Cb))
    ToRun |= E.Kind == EdgeKind::FieldCall && G.node(E.To).Name == "ops::run";
  EXPECT_TRUE(ToRun);
  EXPECT_EQ(G.valueFlow().Unresolved[unsigned(UnresolvedKind::Parameter)], 1u);
  ASSERT_EQ(G.valueFlow().UnresolvedCalls.size(), 1u);
  EXPECT_EQ(G.valueFlow().UnresolvedCalls[0].What, "fn");
}

// A registry: items registered on a head are what a call on that head
// calls, through wrappers; another head's items are not.
TEST(ValueFlowTest, RegistriesCallWhatWasRegisteredOnTheirHead) {
  ValueFlowConfig Config = test::chainConfig();
  CallGraph G;
  NodeId Reg = G.getOrAddNode("chain_register", "chain_register");
  NodeId Call = G.getOrAddNode("chain_call", "chain_call");
  NodeId Wrap = defined(G, "register_purge", 1);
  NodeId Fire = defined(G, "fire_purge", 5), FireOther = defined(G, "fire_other", 6);
  NodeId Init = defined(G, "init", 10), Cb = defined(G, "purge_cb", 20);
  G.addCall(Wrap, Reg, at(2));
  G.addArgument(Wrap, Reg, 0, {}, FlowValue::global("purge_list"), at(2));
  G.addArgument(Wrap, Reg, 1, {}, FlowValue::param(0, "nb"), at(2));
  G.addCall(Init, Wrap, at(11));
  G.addArgument(Init, Wrap, 0, {}, FlowValue::global("my_nb"), at(11));
  G.addAssign(NoNode, FlowValue::global("my_nb").member("nb::call"),
              FlowValue::function("purge_cb"), at(12));
  G.addCall(Fire, Call, at(7));
  G.addArgument(Fire, Call, 0, {}, FlowValue::global("purge_list"), at(7));
  G.addCall(FireOther, Call, at(8));
  G.addArgument(FireOther, Call, 0, {}, FlowValue::global("other_list"), at(8));
  G.finalize(Config);
  auto Calls = [&](NodeId From) {
    for (const Edge &E : G.edges(From))
      if (E.Kind == EdgeKind::Bound && E.To == Cb)
        return true;
    return false;
  };
  EXPECT_TRUE(Calls(Fire));
  EXPECT_FALSE(Calls(FireOther));
  EXPECT_EQ(G.valueFlow().RegistryCalls, 1u);
  ASSERT_EQ(G.registrations().size(), 1u);
  EXPECT_EQ(G.registrations()[0].Site.Line, 11u);
}

// A wait queue's wake function is queued from a thousand places on heads of
// one key: a dispatch binds every registration, and all but the first make an
// edge that exists already. Their hoist chains must not be kept (the whole
// kernel kept 11 GB of them).
TEST(ValueFlowTest, RegistrationsOfOneItemMakeOneEdgeAndOneChain) {
  ValueFlowConfig Config = test::chainConfig();
  CallGraph G;
  NodeId Reg = G.getOrAddNode("chain_register", "chain_register");
  NodeId Call = G.getOrAddNode("chain_call", "chain_call");
  NodeId Wrap = defined(G, "wake_list", 1), Top = defined(G, "top", 5);
  NodeId Cb = defined(G, "wake_cb", 8);
  G.addAssign(NoNode, FlowValue::global("my_nb").member("nb::call"),
              FlowValue::function("wake_cb"), at(9));
  for (unsigned I = 0; I < 20; ++I) {
    NodeId Init = defined(G, "init" + std::to_string(I), 100 + 10 * I);
    G.addCall(Init, Reg, at(101 + 10 * I));
    G.addArgument(Init, Reg, 0, {}, FlowValue::global("the_list"), at(101 + 10 * I));
    G.addArgument(Init, Reg, 1, {}, FlowValue::global("my_nb"), at(101 + 10 * I));
  }
  // Dispatched through a wrapper, so the bound call has a hoist chain.
  G.addCall(Wrap, Call, at(2));
  G.addArgument(Wrap, Call, 0, {}, FlowValue::param(0, "head"), at(2));
  G.addCall(Top, Wrap, at(6));
  G.addArgument(Top, Wrap, 0, {}, FlowValue::global("the_list"), at(6));
  G.finalize(Config);
  unsigned ToCb = 0;
  uint32_t Hoist = 0;
  for (const Edge &E : G.edges(Top))
    if (E.Kind == EdgeKind::Bound && E.To == Cb) {
      ++ToCb;
      Hoist = E.Hoist;
    }
  EXPECT_EQ(ToCb, 1u);
  ASSERT_NE(Hoist, 0u);
  // wake_list calls chain_call, which calls the item registered.
  ASSERT_EQ(G.hoistChain(Hoist).size(), 2u);
  EXPECT_EQ(G.hoistChain(Hoist).front().first, Wrap);
  EXPECT_EQ(G.hoistChain(Hoist).back().first, Call);
  // The only chain kept is the edge's.
  EXPECT_TRUE(G.hoistChain(Hoist + 1).empty());
  EXPECT_EQ(G.registrations().size(), 20u);
}

/// The functions a dispatch of `top` (chain_call on the_list) reaches when
/// `init` registers a block it allocated, filled as Fill says, and another
/// function stored a waiting callback into some nb::call elsewhere.
std::vector<std::string>
dispatchTargets(llvm::function_ref<void(CallGraph &, NodeId Init)> Fill) {
  ValueFlowConfig Config = test::chainConfig();
  CallGraph G;
  NodeId Reg = G.getOrAddNode("chain_register", "chain_register");
  NodeId Call = G.getOrAddNode("chain_call", "chain_call");
  NodeId Top = defined(G, "top", 1);
  NodeId Init = defined(G, "init", 10);
  defined(G, "quiet_cb", 20);
  NodeId Elsewhere = defined(G, "waiting_cb", 30);
  G.addStore("nb::call", Elsewhere, at(31));
  G.addCall(Init, Reg, at(11));
  G.addArgument(Init, Reg, 0, {}, FlowValue::global("the_list"), at(11));
  Fill(G, Init);
  G.addCall(Top, Call, at(2));
  G.addArgument(Top, Call, 0, {}, FlowValue::global("the_list"), at(2));
  G.finalize(Config);
  std::vector<std::string> Targets;
  for (const Edge &E : G.edges(Top))
    if (E.Kind == EdgeKind::Bound)
      Targets.push_back(G.node(E.To).Name);
  llvm::sort(Targets);
  return Targets;
}

// nb = kcalloc(...); nb[i].call = quiet_cb; chain_register(&list, &nb[i]):
// the call site's argument has the field written (a part), and the block is
// fresh, so its type adds nothing: the dispatch calls quiet_cb only, not
// every nb::call of the tree (iommu's bus notifier blocks on the kernel).
TEST(ValueFlowTest, AFieldWrittenIntoAFreshItemIsWhatTheDispatchCalls) {
  EXPECT_EQ(dispatchTargets([](CallGraph &G, NodeId Init) {
              G.addArgument(Init, G.lookup("chain_register"), 1, {},
                            FlowValue::returnOf("kcalloc"), at(11));
              G.addArgument(Init, G.lookup("chain_register"), 1, {"nb::call"},
                            FlowValue::function("quiet_cb"), at(11));
            }),
            std::vector<std::string>{"quiet_cb"});
  // Without the written field, the block says only its type: every stored
  // nb::call.
  EXPECT_EQ(dispatchTargets([](CallGraph &G, NodeId Init) {
              G.addArgument(Init, G.lookup("chain_register"), 1, {},
                            FlowValue::returnOf("kcalloc"), at(11));
            }),
            std::vector<std::string>{"waiting_cb"});
}

// struct nb on_stack = { .call = quiet_cb }; chain_register(&list, &on_stack):
// only the part is known (a local's address names no object). Registrations
// once bound the item as a whole and so lost these; now the field binds.
TEST(ValueFlowTest, AnItemOnTheCallersStackBindsByItsField) {
  EXPECT_EQ(dispatchTargets([](CallGraph &G, NodeId Init) {
              G.addArgument(Init, G.lookup("chain_register"), 1, {"nb::call"},
                            FlowValue::function("quiet_cb"), at(11));
            }),
            std::vector<std::string>{"quiet_cb"});
}

// nb = kzalloc(...); nb->call = quiet_cb; chain_register(&list, nb): the write
// is the caller's assign into the fresh result it passes, which binds as a
// part of the argument does.
TEST(ValueFlowTest, AWriteThroughALocalPointerToAFreshItemBindsAsAPart) {
  std::vector<std::string> Targets = dispatchTargets([](CallGraph &G, NodeId Init) {
    G.addArgument(Init, G.lookup("chain_register"), 1, {}, FlowValue::returnOf("kzalloc"),
                  at(11));
    G.addAssign(Init, FlowValue::returnOf("kzalloc").member("nb::call"),
                FlowValue::function("quiet_cb"), at(12));
  });
  EXPECT_EQ(Targets, std::vector<std::string>{"quiet_cb"});
}

// An item that is not fresh (a global the tree initializes elsewhere) keeps
// what its own contents say beside the field its caller wrote: no strong
// update on an object others can write.
TEST(ValueFlowTest, AFieldWrittenIntoAGlobalItemAddsToItsContents) {
  std::vector<std::string> Targets = dispatchTargets([](CallGraph &G, NodeId Init) {
    G.addArgument(Init, G.lookup("chain_register"), 1, {}, FlowValue::global("shared_nb"),
                  at(11));
    G.addArgument(Init, G.lookup("chain_register"), 1, {"nb::call"},
                  FlowValue::function("quiet_cb"), at(11));
    G.addAssign(NoNode, FlowValue::global("shared_nb").member("nb::call"),
                FlowValue::function("waiting_cb"), at(40));
  });
  EXPECT_EQ(Targets, (std::vector<std::string>{"quiet_cb", "waiting_cb"}));
}

// A rule's boundary on a callee a bound call was hoisted through drops the
// call, as it stops the call itself.
TEST(ValueFlowTest, BoundariesApplyToTheCalleesABoundCallPassesThrough) {
  CallGraph G;
  NodeId Helper = defined(G, "helper", 1);
  NodeId Caller = defined(G, "caller", 10);
  NodeId Waiting = defined(G, "waiting", 20);
  NodeId Wait = G.getOrAddNode("wait", "wait");
  G.addCall(Waiting, Wait, at(21));
  G.addValueCall(Helper, FlowValue::param(0, "fn"), at(2));
  G.addCall(Caller, Helper, at(11));
  G.addArgument(Caller, Helper, 0, {}, FlowValue::function("waiting"), at(11));
  G.finalize();
  ReachSpec Spec;
  Spec.Roles.assign(G.size(), ReachSpec::Normal);
  Spec.Roles[Wait] = ReachSpec::Sink;
  EXPECT_TRUE(computeSinkSteps(G, Spec)[Caller].reaches());
  Spec.Roles[Helper] = ReachSpec::Blocked;
  EXPECT_FALSE(computeSinkSteps(G, Spec)[Caller].reaches());
}

} // namespace
