//===- SpliceTest.cpp - A base graph updated for a changed TU -------------===//
//
// Each case builds the base tree's graph from two TUs' facts (through a
// snapshot, as patch mode reads it), splices one TU's change into it, and
// compares the result with the graph a rebuild from the new facts makes:
// node by node, by key, every edge, definition and effect.
//
//===----------------------------------------------------------------------===//

#include "kreach/FlowValue.h"
#include "kreach/Graph.h"
#include "kreach/GraphSnapshot.h"
#include "kreach/GraphSplice.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"

using namespace kreach;

namespace {

constexpr const char *A = "/src/drivers/a/a.c";
constexpr const char *B = "/src/drivers/b/b.c";

SourcePos at(const char *File, unsigned Line, unsigned Column = 2) { return {File, Line, Column}; }

void function(TUFacts &F, const char *File, llvm::StringRef Name, unsigned Line) {
  F.Functions.push_back({Name.str(), Name.str(), at(File, Line, 1), false});
}

void call(TUFacts &F, llvm::StringRef Caller, llvm::StringRef Callee, SourcePos Site) {
  F.Calls.push_back({Caller.str(), Callee.str(), Callee.str(), std::move(Site)});
}

/// a.c: the root, stored into an ops table, calls b_work; helper(cb) calls
/// what it is passed. b.c: b_work reaches the wait, b_leaf does not.
TUFacts tuA() {
  TUFacts F;
  F.MainFile = A;
  function(F, A, "a_root", 3);
  function(F, A, "helper", 10);
  call(F, "a_root", "b_work", at(A, 5));
  F.Stores.push_back({"", "ops::invalidate", "a_root", "a_root", at(A, 20, 17)});
  F.ValueCalls.push_back({"helper", FlowValue::param(0, "cb").encode(), at(A, 12)});
  return F;
}

TUFacts tuB() {
  TUFacts F;
  F.MainFile = B;
  function(F, B, "b_work", 3);
  function(F, B, "b_leaf", 10);
  call(F, "b_work", "dma_fence_wait", at(B, 5));
  call(F, "b_leaf", "printk", at(B, 12));
  return F;
}

/// Every node a graph has, by key: definition, edges, effects.
std::map<std::string, std::string> byKey(const CallGraph &G) {
  std::map<std::string, std::string> Out;
  auto LocText = [&](const Loc &L) {
    return G.file(L.File) + ":" + std::to_string(L.Line) + ":" + std::to_string(L.Column);
  };
  auto NodeText = [&](NodeId N) {
    return G.node(N).Kind == NodeKind::Field ? "field:" + G.node(N).Name : G.node(N).Key;
  };
  for (NodeId N = 0; N < G.size(); ++N) {
    const Node &Nd = G.node(N);
    std::string Text;
    llvm::raw_string_ostream OS(Text);
    OS << "defined " << Nd.Defined << " at " << (Nd.Defined ? LocText(Nd.Def) : "") << "\n";
    for (const Edge &E : G.edges(N)) {
      OS << "  edge " << int(E.Kind) << " " << NodeText(E.To) << " at " << LocText(E.Site)
         << " label " << (E.Label ? G.field(E.Label) : "") << " hoist " << E.HoistLength;
      for (const auto &[H, L] : G.hoistChain(E.Hoist))
        OS << " via " << NodeText(H) << "@" << LocText(L);
      OS << "\n";
    }
    for (const ValueEffect &E : G.effectsOf(N))
      OS << "  effect " << E.key() << " at " << LocText(E.Site) << "\n";
    // A node nothing refers to and nothing defines is no part of the answer.
    if (!Nd.Defined && G.edges(N).empty() && G.effectsOf(N).empty())
      continue;
    Out[NodeText(N)] = Text;
  }
  return Out;
}

CallGraph build(const TUFacts &First, const TUFacts &Second) {
  CallGraph G;
  G.addFacts(First);
  G.addFacts(Second);
  G.finalize();
  return G;
}

/// The base graph as patch mode has it: written and read back.
CallGraph throughSnapshot(const CallGraph &Built) {
  llvm::SmallString<128> Path;
  EXPECT_FALSE(llvm::sys::fs::createTemporaryFile("splice", "graph", Path));
  EXPECT_FALSE(bool(writeGraphSnapshot(Built, Path, "key")));
  CallGraph G;
  llvm::Expected<bool> Read = readGraphSnapshot(G, Path, "key");
  EXPECT_TRUE(Read && *Read);
  llvm::sys::fs::remove(Path);
  return G;
}

/// A TU's own graph as patch mode makes it, here without an index: its facts,
/// with the effects and address-taken functions the tree knows.
LocalGraphs local(const TUFacts &Old, const TUFacts &New, const CallGraph &Tree) {
  LocalGraphs L;
  for (auto [Facts, Out] : {std::pair(&Old, &L.Old), std::pair(&New, &L.New)}) {
    auto G = std::make_unique<CallGraph>();
    G->addFacts(*Facts);
    for (NodeId N = 0; N < G->size(); ++N) {
      NodeId T = Tree.lookup(G->node(N).Key);
      if (T == NoNode || G->node(N).Kind != NodeKind::Function)
        continue;
      if (!G->node(N).Defined)
        for (const ValueEffect &E : Tree.effectsOf(T)) {
          ValueEffect Copy = E;
          Copy.Site = G->toLoc(Tree.toPos(E.Site));
          Copy.Label = 0;
          Copy.Chain.clear();
          G->addExternalEffect(N, Copy);
        }
      if (Tree.isAddressTaken(T))
        G->markAddressTaken(N);
    }
    G->finalize();
    *Out = std::move(G);
  }
  return L;
}

SpliceResult splice(CallGraph &G, const TUFacts &Old, const TUFacts &New) {
  return spliceTU(
      G, {}, New.MainFile, Old, New, [](llvm::StringRef) { return true; },
      [&](const CallGraph &Tree) { return local(Old, New, Tree); });
}

TEST(SpliceTest, MovedLinesAndACallAddedMatchARebuild) {
  TUFacts Old = tuB(), New = tuB();
  // Three lines inserted at the top; b_work calls b_leaf too.
  for (FunctionFact &F : New.Functions)
    F.Loc.Line += 3;
  for (CallFact &C : New.Calls)
    C.Site.Line += 3;
  call(New, "b_work", "b_leaf", at(B, 7));
  std::swap(New.Calls[1], New.Calls[2]); // Facts come in function order.
  CallGraph G = throughSnapshot(build(tuA(), Old));
  SpliceResult R = splice(G, Old, New);
  ASSERT_EQ(R.Refused, "");
  EXPECT_FALSE(R.ValueFlowRedone);
  EXPECT_EQ(byKey(G), byKey(build(tuA(), New)));
  EXPECT_TRUE(llvm::is_contained(R.Touched, G.lookup("b_work")));
}

/// b.c with three more functions between b_work and b_leaf, each calling
/// what Calls gives it, in order.
TUFacts tuBWith(const std::vector<std::vector<const char *>> &Calls) {
  TUFacts F;
  F.MainFile = B;
  function(F, B, "b_work", 3);
  call(F, "b_work", "dma_fence_wait", at(B, 5));
  const char *Names[] = {"b_one", "b_two", "b_three"};
  for (unsigned I = 0; I < 3; ++I) {
    function(F, B, Names[I], 20 + 10 * I);
    unsigned Line = 21 + 10 * I;
    for (const char *Callee : Calls[I])
      call(F, Names[I], Callee, at(B, Line++));
  }
  function(F, B, "b_leaf", 60);
  call(F, "b_leaf", "printk", at(B, 62));
  return F;
}

// The changed functions' runs of edges are replaced in place in the edge
// array: runs that grow, shrink and stay, in one change, in either order,
// give the rebuild's edges for every node.
TEST(SpliceTest, RunsThatGrowAndShrinkInOneChangeMatchARebuild) {
  using Calls = std::vector<std::vector<const char *>>;
  const Calls Before = {{"b_leaf", "printk", "b_work"}, {"printk"}, {"b_leaf"}};
  const Calls Changes[] = {
      {{"b_leaf"}, {"printk"}, {"b_leaf", "printk", "b_work", "b_one"}}, // shrink, then grow
      {{"b_leaf", "printk", "b_work", "b_two", "b_three"}, {"printk"}, {}}, // grow, then shrink
      {{}, {}, {}},                                                      // all shrink
      {{"b_leaf", "printk", "b_work"}, {"printk", "b_one"}, {"b_leaf"}},  // one grows
  };
  for (const Calls &Now : Changes) {
    TUFacts Old = tuBWith(Before), New = tuBWith(Now);
    CallGraph G = throughSnapshot(build(tuA(), Old));
    SpliceResult R = splice(G, Old, New);
    ASSERT_EQ(R.Refused, "");
    EXPECT_EQ(byKey(G), byKey(build(tuA(), New)));
  }
}

TEST(SpliceTest, ACallbackTheTreeAlreadyTakesIsBoundAtTheNewCall) {
  // b_leaf hands a_root (already in an ops table) to helper, which calls
  // it: b_leaf gains a bound edge to a_root, nothing else changes.
  TUFacts Old = tuB(), New = tuB();
  call(New, "b_leaf", "helper", at(B, 13));
  New.Arguments.push_back(
      {"b_leaf", "helper", "helper", 0, "", FlowValue::function("a_root").encode(), at(B, 13)});
  CallGraph G = throughSnapshot(build(tuA(), Old));
  SpliceResult R = splice(G, Old, New);
  ASSERT_EQ(R.Refused, "");
  EXPECT_TRUE(R.ValueFlowRedone);
  CallGraph Rebuilt = build(tuA(), New);
  EXPECT_EQ(byKey(G), byKey(Rebuilt));
  EXPECT_EQ(G.valueFlow().BoundCalls, Rebuilt.valueFlow().BoundCalls);
  EXPECT_NE(byKey(G)["b_leaf"].find("edge 3 a_root"), std::string::npos) << byKey(G)["b_leaf"];
}

TEST(SpliceTest, ACallbackPassedRedoesTheTUsValueFlow) {
  // b_leaf now hands b_work to helper, which calls it: a bound edge.
  TUFacts Old = tuB(), New = tuB();
  call(New, "b_leaf", "helper", at(B, 13));
  New.Arguments.push_back(
      {"b_leaf", "helper", "helper", 0, "", FlowValue::function("b_work").encode(), at(B, 13)});
  CallGraph G = throughSnapshot(build(tuA(), Old));
  SpliceResult R = splice(G, Old, New);
  // b_work is now address-taken (passed as a value): refused, since that
  // changes how its own parameters resolve.
  EXPECT_EQ(R.Refused, "the change passes b_work, whose address nothing took before, as a value");
}

TEST(SpliceTest, WhatValueFlowReadsIsRefused) {
  TUFacts Old = tuA(), New = tuA();
  New.Stores[0].Target = New.Stores[0].TargetName = "helper";
  CallGraph G = throughSnapshot(build(Old, tuB()));
  std::string Before = [&] {
    auto M = byKey(G);
    std::string S;
    for (auto &[K, V] : M)
      S += K + V;
    return S;
  }();
  SpliceResult R = splice(G, Old, New);
  EXPECT_EQ(R.Refused, "store facts at file scope changed (value flow would see it)");
  std::string After;
  for (auto &[K, V] : byKey(G))
    After += K + V;
  EXPECT_EQ(Before, After) << "a refused splice leaves the graph as it was";
}

TEST(SpliceTest, ACallToAHelperThatCallsItsParameterKeepsTheSameEffects) {
  // helper's caller in b.c passes its own parameter on: b_work gets the
  // effect "calls its parameter" before and after; the change only adds a
  // second such call, so nothing outside b.c changes.
  TUFacts Old = tuB(), New = tuB();
  call(Old, "b_work", "helper", at(B, 6));
  Old.Arguments.push_back(
      {"b_work", "helper", "helper", 0, "", FlowValue::param(0, "fn").encode(), at(B, 6)});
  New = Old;
  call(New, "b_work", "helper", at(B, 7));
  New.Arguments.push_back(
      {"b_work", "helper", "helper", 0, "", FlowValue::param(0, "fn").encode(), at(B, 7)});
  CallGraph G = throughSnapshot(build(tuA(), Old));
  SpliceResult R = splice(G, Old, New);
  ASSERT_EQ(R.Refused, "");
  EXPECT_TRUE(R.ValueFlowRedone);
  EXPECT_EQ(byKey(G), byKey(build(tuA(), New)));
}

TEST(SpliceTest, AnEffectFoundFirstAnotherWayIsRefused) {
  // A second helper(fn) inserted above the first: b_work's effect now
  // arises first at the new call, which its callers' chains would show.
  TUFacts Old = tuB();
  call(Old, "b_work", "helper", at(B, 6));
  Old.Arguments.push_back(
      {"b_work", "helper", "helper", 0, "", FlowValue::param(0, "fn").encode(), at(B, 6)});
  TUFacts New = tuB();
  call(New, "b_work", "helper", at(B, 6));
  call(New, "b_work", "helper", at(B, 7));
  for (unsigned Line : {6u, 7u})
    New.Arguments.push_back({"b_work", "helper", "helper", 0, "",
                             FlowValue::param(0, "fn").encode(), at(B, Line)});
  CallGraph G = throughSnapshot(build(tuA(), Old));
  SpliceResult R = splice(G, Old, New);
  if (R.Refused.empty())
    EXPECT_EQ(byKey(G), byKey(build(tuA(), New)));
  else
    EXPECT_EQ(R.Refused, "the change alters what b_work does with its parameters (value flow "
                         "in its callers would change)");
}

TEST(SpliceTest, ANewSinkIsTouched) {
  TUFacts Old = tuB(), New = tuB();
  call(New, "b_leaf", "dma_fence_wait_new", at(B, 13));
  CallGraph G = throughSnapshot(build(tuA(), Old));
  SpliceResult R = splice(G, Old, New);
  ASSERT_EQ(R.Refused, "");
  EXPECT_TRUE(llvm::is_contained(R.Touched, G.lookup("dma_fence_wait_new")));
}

TEST(SpliceTest, AStackObjectNamedByItsLineMovesWithIt) {
  // b_work fills a stack object's callback and calls it: the object's name
  // holds its declaration's line, which the change moves.
  auto Tu = [](unsigned Shift) {
    TUFacts F = tuB();
    for (FunctionFact &Fn : F.Functions)
      Fn.Loc.Line += Shift;
    for (CallFact &C : F.Calls)
      C.Site.Line += Shift;
    std::string Local = "b_work#entry:" + std::to_string(4 + Shift);
    F.Assigns.push_back({"b_work", FlowValue::global(Local).member("entry::func").encode(),
                         FlowValue::function("b_leaf").encode(), at(B, 6 + Shift)});
    F.ValueCalls.push_back(
        {"b_work", FlowValue::global(Local).member("entry::func").encode(), at(B, 7 + Shift)});
    return F;
  };
  TUFacts Old = Tu(0), New = Tu(2);
  CallGraph G = throughSnapshot(build(tuA(), Old));
  SpliceResult R = splice(G, Old, New);
  ASSERT_EQ(R.Refused, "");
  CallGraph Rebuilt = build(tuA(), New);
  EXPECT_EQ(byKey(G), byKey(Rebuilt));
  EXPECT_NE(byKey(G)["b_work"].find("b_leaf"), std::string::npos) << byKey(G)["b_work"];
}

TEST(SpliceTest, APositionNoFactAccountsForIsRefused) {
  // The base holds a fact of b.c the old facts do not: not this index's.
  TUFacts Old = tuB(), Stale = tuB();
  call(Stale, "b_leaf", "printk", at(B, 13));
  CallGraph G = throughSnapshot(build(tuA(), Stale));
  TUFacts New = Old;
  New.Calls[0].Site.Line += 1;
  SpliceResult R = splice(G, Old, New);
  EXPECT_NE(R.Refused, "");
}

} // namespace
