//===- SnapshotTest.cpp - A finalized graph written and read back ---------===//

#include "kreach/GraphSnapshot.h"
#include "kreach/FlowValue.h"
#include "kreach/Graph.h"
#include "Registries.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"

using namespace kreach;

namespace {

SourcePos at(unsigned Line, const char *File = "/src/drivers/x/x.c") {
  return {File, Line, 1};
}

NodeId defined(CallGraph &G, llvm::StringRef Name, unsigned Line) {
  NodeId N = G.getOrAddNode(Name, Name);
  G.define(N, at(Line));
  return N;
}

void dumpValue(llvm::raw_ostream &OS, const FlowValue &V) { OS << V.encode(); }

void dumpLoc(llvm::raw_ostream &OS, const CallGraph &G, const Loc &L) {
  OS << G.file(L.File) << ":" << L.Line << ":" << L.Column << "/" << L.Raw;
}

/// Everything a finalized graph answers, spelled out, so that two graphs
/// compare equal exactly when every query on them does.
std::string dump(const CallGraph &G) {
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  for (FieldId F = 0; F < G.numFields(); ++F)
    OS << "field " << F << " " << G.field(F) << " node " << int64_t(G.nodeOfField(F)) << "\n";
  for (NodeId N = 0; N < G.size(); ++N) {
    const Node &Nd = G.node(N);
    OS << "node " << N << " kind " << int(Nd.Kind) << " key " << Nd.Key << " name " << Nd.Name
       << " field " << Nd.Field << " defined " << Nd.Defined << " at ";
    dumpLoc(OS, G, Nd.Def);
    OS << " base " << int64_t(Nd.Base) << " param " << Nd.Param << " lookup "
       << (Nd.Key.empty() ? -2 : int64_t(G.lookup(Nd.Key))) << "\n";
    for (NodeId M : G.maskedNodesOf(N))
      OS << "  masked " << M << "\n";
    for (const Edge &E : G.edges(N)) {
      OS << "  edge " << E.To << " kind " << int(E.Kind) << " label " << E.Label << " through "
         << E.Through << " hoist " << E.Hoist << "/" << E.HoistLength << " mask " << E.Mask
         << " at ";
      dumpLoc(OS, G, E.Site);
      OS << "\n";
      for (const CallGraph::HoistStep &S : G.hoistChain(E.Hoist)) {
        OS << "    via " << S.first << " ";
        dumpLoc(OS, G, S.second);
        OS << "\n";
      }
      if (E.Kind == EdgeKind::MaskCall)
        OS << "    mask " << G.maskEdge(E.Mask).Value.encode() << " "
           << G.maskEdge(E.Mask).FromParam << "\n";
    }
    for (const ValueEffect &E : G.effectsOf(N)) {
      OS << "  effect " << E.key() << " label " << E.Label << " at ";
      dumpLoc(OS, G, E.Site);
      for (const auto &[C, L] : E.Chain) {
        OS << " chain " << C << " ";
        dumpLoc(OS, G, L);
      }
      OS << "\n";
    }
  }
  for (const Store &S : G.stores()) {
    OS << "store " << S.Field << " " << S.Target << " ";
    dumpLoc(OS, G, S.Site);
    OS << "\n";
  }
  const ValueFlowStats &F = G.valueFlow();
  OS << "flow " << F.BoundCalls << " " << F.TypeFallbacks << " " << F.RegistryCalls << " "
     << F.Malformed;
  for (size_t U : F.Unresolved)
    OS << " " << U;
  OS << "\n";
  for (const UnresolvedCall &U : F.UnresolvedCalls) {
    OS << "unresolved " << U.Caller << " " << int(U.Kind) << " " << U.What << " ";
    dumpLoc(OS, G, U.Site);
    OS << "\n";
  }
  IndirectPrecision P = G.indirectPrecision();
  OS << "precision " << P.Sites << " " << P.ResolvedSites << " " << P.Targets << " "
     << P.SignatureTargets << "\n";
  for (const CallGraph::RegistrationRow &R : G.registrations()) {
    OS << "registration " << R.RegistryField << " " << R.Head << " ";
    dumpValue(OS, R.Callback);
    OS << " ";
    dumpLoc(OS, G, R.Site);
    OS << "\n";
  }
  return Text;
}

/// A graph with something of every kind a snapshot keeps: direct calls, a
/// call through an ops field and its stores, a parameter call bound per call
/// site through a helper one call deeper (a hoist chain), a notifier-style
/// registry (finalized under test::chainConfig()), a mask argument, and a
/// call nothing resolves.
void build(CallGraph &G) {
  NodeId Wait = G.getOrAddNode("dma_fence_wait", "dma_fence_wait");
  NodeId Put = defined(G, "kref_put", 1);
  NodeId Outer = defined(G, "put_obj", 5);
  NodeId Waiting = defined(G, "waiting_release", 10);
  defined(G, "quiet_release", 15);
  NodeId A = defined(G, "a", 30), B = defined(G, "b", 40);
  G.addCall(Waiting, Wait, at(11));
  G.addValueCall(Put, FlowValue::param(1, "release"), at(2));
  G.addCall(Outer, Put, at(6));
  G.addArgument(Outer, Put, 1, {}, FlowValue::param(1, "release"), at(6));
  G.addCall(A, Outer, at(31));
  G.addArgument(A, Outer, 1, {}, FlowValue::function("quiet_release"), at(31));
  G.addCall(B, Outer, at(41, "/src/mm/other.c"));
  G.addArgument(B, Outer, 1, {}, FlowValue::function("waiting_release"),
                at(41, "/src/mm/other.c"));

  NodeId Root = defined(G, "invalidate", 50), Impl = defined(G, "impl_f", 60);
  G.addIndirectCall(Root, "ops::f", at(51));
  G.addStore("ops::f", Impl, at(61));
  G.addStore("mmu_notifier_ops::invalidate_range_start", Root, at(62));
  G.addCall(Impl, Wait, at(63));

  NodeId Reg = G.getOrAddNode("chain_register", "chain_register");
  NodeId Call = G.getOrAddNode("chain_call", "chain_call");
  NodeId Init = defined(G, "init", 70), Fire = defined(G, "fire", 80);
  defined(G, "purge_cb", 90);
  G.addCall(Init, Reg, at(71));
  G.addArgument(Init, Reg, 0, {}, FlowValue::global("purge_list"), at(71));
  G.addArgument(Init, Reg, 1, {}, FlowValue::global("my_nb"), at(71));
  G.addAssign(NoNode, FlowValue::global("my_nb").member("nb::call"),
              FlowValue::function("purge_cb"), at(72));
  G.addCall(Fire, Call, at(81));
  G.addArgument(Fire, Call, 0, {}, FlowValue::global("purge_list"), at(81));

  NodeId Alloc = defined(G, "alloc", 100), Loud = defined(G, "loud", 110);
  G.addCall(Loud, Alloc, at(111));
  G.addMaskArgument(Loud, Alloc, 1, MaskValue::constant(0x400), "GFP_KERNEL", at(111));

  NodeId Lost = defined(G, "lost", 120);
  G.addValueCall(Lost, FlowValue::param(0, "cb"), at(121));
  // Its address is taken, so its callers are not all known.
  G.addAssign(NoNode, FlowValue::global("lost_ops").member("ops::g"),
              FlowValue::function("lost"), at(122));
  G.addStore("ops::g", Lost, at(122));
}

std::string tempPath(llvm::StringRef Name) {
  llvm::SmallString<128> Dir;
  EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("kreach-snapshot", Dir));
  llvm::sys::path::append(Dir, Name);
  return std::string(Dir);
}

TEST(SnapshotTest, RoundTripAnswersEveryQueryAlike) {
  CallGraph G;
  build(G);
  G.finalize(test::chainConfig());
  std::string Path = tempPath("g.graph");
  ASSERT_FALSE(bool(writeGraphSnapshot(G, Path, "key-1")));
  CallGraph Back;
  llvm::Expected<bool> Read = readGraphSnapshot(Back, Path, "key-1");
  ASSERT_TRUE(bool(Read)) << llvm::toString(Read.takeError());
  ASSERT_TRUE(*Read);
  std::string Want = dump(G);
  // The fixture must exercise what the snapshot keeps, or equality says little.
  for (const char *Kind : {"kind 3", "kind 4", "kind 5", "hoist 1/", "via ", "mask c0x400",
                           "registration nb::call", "effect ", "unresolved "})
    EXPECT_NE(Want.find(Kind), std::string::npos) << Kind;
  EXPECT_EQ(dump(Back), Want);
  // Interning continues where the original left off.
  EXPECT_EQ(Back.internFile("/src/mm/other.c"), G.internFile("/src/mm/other.c"));
  EXPECT_EQ(Back.internField("ops::f"), G.internField("ops::f"));
  // The searches agree too.
  ReachSpec Spec;
  Spec.Roles.assign(G.size(), ReachSpec::Normal);
  Spec.Roles[G.lookup("dma_fence_wait")] = ReachSpec::Sink;
  std::vector<SinkStep> S1 = computeSinkSteps(G, Spec), S2 = computeSinkSteps(Back, Spec);
  ASSERT_EQ(S1.size(), S2.size());
  for (NodeId N = 0; N < S1.size(); ++N) {
    EXPECT_EQ(S1[N].Dist, S2[N].Dist) << G.node(N).Name;
    EXPECT_EQ(S1[N].Next, S2[N].Next) << G.node(N).Name;
    EXPECT_EQ(S1[N].EdgeIndex, S2[N].EdgeIndex) << G.node(N).Name;
  }
  EXPECT_TRUE(S2[G.lookup("b")].reaches());
  EXPECT_FALSE(S2[G.lookup("a")].reaches());
}

TEST(SnapshotTest, AnotherKeyOrNoFileIsNotASnapshot) {
  CallGraph G;
  build(G);
  G.finalize(test::chainConfig());
  std::string Path = tempPath("g.graph");
  CallGraph Missing;
  llvm::Expected<bool> None = readGraphSnapshot(Missing, Path, "key-1");
  ASSERT_TRUE(bool(None));
  EXPECT_FALSE(*None);
  ASSERT_FALSE(bool(writeGraphSnapshot(G, Path, "key-1")));
  CallGraph Other;
  llvm::Expected<bool> Stale = readGraphSnapshot(Other, Path, "key-2");
  ASSERT_TRUE(bool(Stale));
  EXPECT_FALSE(*Stale);
  EXPECT_EQ(Other.size(), 0u);
  // Nothing but the snapshot is left in its directory.
  std::error_code EC;
  unsigned Entries = 0;
  for (llvm::sys::fs::directory_iterator It(llvm::sys::path::parent_path(Path), EC), End;
       It != End && !EC; It.increment(EC))
    ++Entries;
  EXPECT_EQ(Entries, 1u);
}

TEST(SnapshotTest, DamageIsAnErrorNeverAGraph) {
  CallGraph G;
  build(G);
  G.finalize(test::chainConfig());
  std::string Path = tempPath("g.graph");
  ASSERT_FALSE(bool(writeGraphSnapshot(G, Path, "k")));
  auto Original = llvm::MemoryBuffer::getFile(Path);
  ASSERT_TRUE(bool(Original));
  std::string Bytes = (*Original)->getBuffer().str();
  auto tryBytes = [&](const std::string &Data) {
    {
      std::error_code EC;
      llvm::raw_fd_ostream OS(Path, EC);
      EXPECT_FALSE(EC);
      OS << Data;
    }
    CallGraph Back;
    llvm::Expected<bool> Read = readGraphSnapshot(Back, Path, "k");
    if (Read)
      return std::string(*Read ? "read" : "absent");
    return llvm::toString(Read.takeError());
  };
  // Every byte of the payload flipped in turn would be slow; a spread of
  // them, and the header's own fields, each make it damaged.
  for (size_t At = 32; At < Bytes.size(); At += std::max<size_t>(1, Bytes.size() / 37)) {
    std::string Bad = Bytes;
    Bad[At] ^= 0x5a;
    EXPECT_NE(tryBytes(Bad).find("is damaged"), std::string::npos) << At;
  }
  EXPECT_NE(tryBytes(Bytes.substr(0, Bytes.size() - 3)).find("truncated"), std::string::npos);
  EXPECT_NE(tryBytes("not a snapshot at all, but long enough").find("not a kreach graph"),
            std::string::npos);
  EXPECT_EQ(tryBytes(Bytes), "read");
}

} // namespace
