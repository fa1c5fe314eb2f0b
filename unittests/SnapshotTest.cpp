//===- SnapshotTest.cpp - A finalized graph written and read back ---------===//

#include "kreach/GraphSnapshot.h"
#include "kreach/Check.h"
#include "kreach/GraphJournal.h"
#include "kreach/GraphSearches.h"
#include "kreach/FlowValue.h"
#include "kreach/Graph.h"
#include "FactsText.h"
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

/// Puts Data at Path as it is: a damaged or foreign file for a reader.
void writeBytes(llvm::StringRef Path, llvm::StringRef Data) {
  std::error_code EC;
  llvm::raw_fd_ostream OS(Path, EC);
  EXPECT_FALSE(EC);
  OS << Data;
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

// The effects are written in two halves by count of effects: with many
// functions and few effects, each half holds fewer bytes than there are
// functions, and the nodes, the edges and both halves must still read back
// as written, with the key index built beside them (a regression: the
// halves' list counts were once bounded by their own bytes).
TEST(SnapshotTest, ManyFunctionsFewEffectsRoundTrip) {
  CallGraph G;
  build(G);
  for (unsigned I = 0; I < 2000; ++I)
    G.getOrAddNode("extra:" + std::to_string(I), "extra_" + std::to_string(I));
  for (unsigned I = 1; I < 2000; ++I)
    G.addCall(G.lookup("extra:" + std::to_string(I - 1)), G.lookup("extra:" + std::to_string(I)),
              SourcePos());
  G.finalize(test::chainConfig());
  std::string Path = tempPath("g.graph");
  ASSERT_FALSE(bool(writeGraphSnapshot(G, Path, "key-m")));
  for (bool IndexKeys : {false, true}) {
    CallGraph Back;
    llvm::Expected<bool> Read = readGraphSnapshot(Back, Path, "key-m", IndexKeys);
    ASSERT_TRUE(bool(Read)) << llvm::toString(Read.takeError());
    ASSERT_TRUE(*Read);
    EXPECT_EQ(dump(Back), dump(G));
    EXPECT_EQ(Back.lookup("extra:1999"), G.lookup("extra:1999"));
    EXPECT_EQ(Back.lookup("extra:2000"), NoNode);
    // Interning a new key continues past the read nodes.
    EXPECT_EQ(Back.getOrAddNode("new:key", "new"), NodeId(G.size()));
  }
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
    writeBytes(Path, Data);
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

TUFacts sampleFacts(const std::string &Main) {
  TUFacts F;
  F.MainFile = Main;
  F.UnresolvedIndirectCalls = 2;
  F.Functions.push_back({"f", "f", {Main, 3, 5}, false});
  F.Functions.push_back({"drivers/x/x.c:g", "g", {Main, 9, 12}, true});
  F.Calls.push_back({"f", "drivers/x/x.c:g", "g", {Main, 4, 2}});
  F.Stores.push_back({"", "ops::run", "f", "f", {Main, 20, 9}});
  F.Arguments.push_back(
      {"f", "kref_put", "kref_put", 1, "", "Fdrivers/x/x.c:g", {Main, 4, 2}});
  return F;
}

TEST(JournalTest, ATUsFactsComeBackAsTheyWere) {
  const PathMapper Paths("/src", "/src");
  GraphJournal J{"snapshot-key", "state-key", {}};
  J.Before.push_back({"/src/drivers/x/x.c", sampleFacts("/src/drivers/x/x.c")});
  J.Before.push_back({"/src/drivers/y/y.c", sampleFacts("/src/drivers/y/y.c")});
  std::string Path = tempPath("g.graph.journal");
  ASSERT_FALSE(bool(writeGraphJournal(J, Path, Paths)));
  llvm::Expected<std::optional<GraphJournal>> Back = readGraphJournal(Path, Paths);
  ASSERT_TRUE(bool(Back)) << llvm::toString(Back.takeError());
  ASSERT_TRUE(Back->has_value());
  EXPECT_EQ((*Back)->BaseKey, "snapshot-key");
  EXPECT_EQ((*Back)->StateKey, "state-key");
  ASSERT_EQ((*Back)->Before.size(), 2u);
  for (size_t I = 0; I < 2; ++I) {
    EXPECT_EQ((*Back)->Before[I].first, J.Before[I].first);
    EXPECT_EQ(test::factsText((*Back)->Before[I].second), test::factsText(J.Before[I].second));
  }
  // Read under another checkout's root, the paths are that checkout's.
  llvm::Expected<std::optional<GraphJournal>> Moved =
      readGraphJournal(Path, PathMapper("/elsewhere", "/elsewhere"));
  ASSERT_TRUE(bool(Moved)) << llvm::toString(Moved.takeError());
  ASSERT_TRUE(Moved->has_value());
  EXPECT_EQ((*Moved)->Before[1].first, "/elsewhere/drivers/y/y.c");
}

TEST(JournalTest, NoFileIsNoJournalAndDamageIsAnError) {
  const PathMapper Paths("/src", "/src");
  std::string Path = tempPath("g.graph.journal");
  llvm::Expected<std::optional<GraphJournal>> None = readGraphJournal(Path, Paths);
  ASSERT_TRUE(bool(None));
  EXPECT_FALSE(None->has_value());
  GraphJournal J{"snapshot-key", "state-key", {}};
  J.Before.push_back({"/src/drivers/x/x.c", sampleFacts("/src/drivers/x/x.c")});
  ASSERT_FALSE(bool(writeGraphJournal(J, Path, Paths)));
  std::string Bytes = (*llvm::MemoryBuffer::getFile(Path))->getBuffer().str();
  auto tryBytes = [&](const std::string &Data) {
    writeBytes(Path, Data);
    llvm::Expected<std::optional<GraphJournal>> Read = readGraphJournal(Path, Paths);
    if (Read)
      return std::string(Read->has_value() ? "read" : "absent");
    return llvm::toString(Read.takeError());
  };
  for (size_t At = 0; At < Bytes.size(); At += std::max<size_t>(1, Bytes.size() / 41)) {
    std::string Bad = Bytes;
    Bad[At] ^= 0x5a;
    EXPECT_NE(tryBytes(Bad).find("is damaged"), std::string::npos) << At;
  }
  EXPECT_NE(tryBytes(Bytes.substr(0, Bytes.size() - 1)).find("is damaged"), std::string::npos);
  EXPECT_NE(tryBytes("KRJOURNAL").find("truncated"), std::string::npos);
  EXPECT_EQ(tryBytes(Bytes), "read");
}

// The snapshot of a state is the one written under its key, or an older one
// with the journal that brings it there; a journal of another state or of a
// snapshot since replaced is not used.
TEST(JournalTest, ASnapshotIsReadForAStateByItsKeyOrItsJournal) {
  const PathMapper Paths("/src", "/src");
  CallGraph G;
  build(G);
  G.finalize(test::chainConfig());
  std::string Path = tempPath("g.graph");
  ASSERT_FALSE(bool(writeGraphSnapshot(G, Path, "state-1")));
  auto readFor = [&](llvm::StringRef Key) -> std::string {
    llvm::Expected<std::optional<SnapshotRead>> R = readSnapshotFor(Path, Paths, Key);
    if (!R)
      return llvm::toString(R.takeError());
    if (!*R)
      return "none";
    return (*R)->BaseKey + " +" + std::to_string((*R)->Journal.size()) + " " +
           std::to_string((*R)->Graph.size());
  };
  std::string Nodes = std::to_string(G.size());
  EXPECT_EQ(readFor("state-1"), "state-1 +0 " + Nodes);
  EXPECT_EQ(readFor("state-2"), "none");
  GraphJournal J{"state-1", "state-2", {}};
  J.Before.push_back({"/src/drivers/x/x.c", sampleFacts("/src/drivers/x/x.c")});
  ASSERT_FALSE(bool(writeGraphJournal(J, graphJournalPath(Path), Paths)));
  EXPECT_EQ(readFor("state-2"), "state-1 +1 " + Nodes);
  EXPECT_EQ(readFor("state-1"), "state-1 +0 " + Nodes);
  EXPECT_EQ(readFor("state-3"), "none");
  ASSERT_FALSE(bool(writeGraphSnapshot(G, Path, "state-0")));
  EXPECT_EQ(readFor("state-2"), "none");
}

} // namespace

namespace {
/// A graph of N functions, each calling the next two (of those there are),
/// finalized: what the stored reverse index must fit.
void chainOf(CallGraph &G, uint32_t N) {
  for (uint32_t I = 0; I < N; ++I)
    G.getOrAddNode("f" + std::to_string(I), "f" + std::to_string(I));
  for (uint32_t I = 0; I < N; ++I)
    for (uint32_t J = I + 1; J < std::min(N, I + 3); ++J)
      G.addCall(I, J, SourcePos());
  G.finalize();
}
} // namespace

// A check's searches kept for patch mode (GraphSearches.h): read back as
// written under their snapshot's key, with the reverse index of their
// graph, nothing under another key or from no file, and any damage past the
// header an error, never steps; a reverse index of another graph is damage.
TEST(SearchesTest, StepsComeBackUnderTheirKeyOnly) {
  std::string Path = tempPath("g.graph.searches");
  llvm::sys::fs::remove(Path);
  CallGraph G;
  chainOf(G, 100);
  llvm::Expected<StoredSearches> None = readGraphSearches(Path, "key", G);
  ASSERT_TRUE(bool(None));
  EXPECT_TRUE(None->Searches.empty());
  EXPECT_FALSE(None->Reverse);
  EXPECT_FALSE(holdsGraphSearches(Path, "key", {}));
  std::vector<StoredSearch> Written(2);
  Written[0].Spec = 7;
  Written[1].Spec = 9;
  for (uint32_t N = 0; N < 100; ++N) {
    SinkStep S;
    if (N % 3) {
      S.Dist = N % 11;
      S.Next = N + 1;
      S.EdgeIndex = N % 5;
    }
    Written[0].Steps.push_back(S);
    Written[1].Steps.push_back(N % 2 ? S : SinkStep());
  }
  // Without a reverse index: the searches alone, and not held in full.
  ASSERT_FALSE(bool(writeGraphSearches(Path, "key", Written)));
  llvm::Expected<StoredSearches> Bare = readGraphSearches(Path, "key", G);
  ASSERT_TRUE(bool(Bare)) << llvm::toString(Bare.takeError());
  EXPECT_EQ(Bare->Searches.size(), 2u);
  EXPECT_FALSE(Bare->Reverse);
  EXPECT_FALSE(holdsGraphSearches(Path, "key", {7}));

  ReverseEdges Reverse(G);
  ASSERT_FALSE(bool(writeGraphSearches(Path, "key", Written, &Reverse)));
  llvm::Expected<StoredSearches> Read = readGraphSearches(Path, "key", G);
  ASSERT_TRUE(bool(Read)) << llvm::toString(Read.takeError());
  ASSERT_EQ(Read->Searches.size(), 2u);
  for (size_t I = 0; I < 2; ++I) {
    const StoredSearch &Got = Read->Searches[I];
    EXPECT_EQ(Got.Spec, Written[I].Spec);
    ASSERT_EQ(Got.Steps.size(), Written[I].Steps.size());
    for (size_t N = 0; N < Written[I].Steps.size(); ++N) {
      EXPECT_EQ(Got.Steps[N].Dist, Written[I].Steps[N].Dist);
      EXPECT_EQ(Got.Steps[N].Next, Written[I].Steps[N].Next);
      EXPECT_EQ(Got.Steps[N].EdgeIndex, Written[I].Steps[N].EdgeIndex);
    }
  }
  ASSERT_TRUE(Read->Reverse);
  EXPECT_TRUE(*Read->Reverse == Reverse);
  EXPECT_EQ(Read->Reverse->into(5).size(), 2u);
  EXPECT_TRUE(holdsGraphSearches(Path, "key", {9, 7}));
  EXPECT_TRUE(holdsGraphSearches(Path, "key", {7}));
  EXPECT_FALSE(holdsGraphSearches(Path, "key", {7, 8}));
  EXPECT_FALSE(holdsGraphSearches(Path, "other", {7}));
  llvm::Expected<StoredSearches> Other = readGraphSearches(Path, "other", G);
  ASSERT_TRUE(bool(Other));
  EXPECT_TRUE(Other->Searches.empty());
  EXPECT_FALSE(Other->Reverse);

  // The same key read for a graph the index does not fit (as a bug, or a
  // file copied from elsewhere, would have it): damage, never an index
  // whose entries name edges that do not exist.
  for (uint32_t Size : {99u, 101u}) {
    CallGraph Wrong;
    chainOf(Wrong, Size);
    llvm::Expected<StoredSearches> Got = readGraphSearches(Path, "key", Wrong);
    ASSERT_FALSE(bool(Got)) << Size;
    EXPECT_NE(llvm::toString(Got.takeError()).find("not of the snapshot's graph"),
              std::string::npos);
  }
  CallGraph Fewer; // As many nodes, one edge fewer.
  for (uint32_t I = 0; I < 100; ++I)
    Fewer.getOrAddNode("f" + std::to_string(I), "f" + std::to_string(I));
  for (uint32_t I = 0; I < 100; ++I)
    for (uint32_t J = I + 1; J < std::min(100u, I + (I == 50 ? 2 : 3)); ++J)
      Fewer.addCall(I, J, SourcePos());
  Fewer.finalize();
  llvm::Expected<StoredSearches> Short = readGraphSearches(Path, "key", Fewer);
  ASSERT_FALSE(bool(Short));
  llvm::consumeError(Short.takeError());

  std::string Bytes = (*llvm::MemoryBuffer::getFile(Path))->getBuffer().str();
  auto tryBytes = [&](const std::string &Data) {
    writeBytes(Path, Data);
    llvm::Expected<StoredSearches> Got = readGraphSearches(Path, "key", G);
    if (Got)
      return std::string(Got->Searches.empty() ? "absent" : "read");
    return llvm::toString(Got.takeError());
  };
  // Past the magic, the format and the key: any byte flipped is damage.
  const size_t Header = std::string("KRSEARCHES").size() + 8 + 8 + 3;
  for (size_t At = Header; At < Bytes.size(); At += 7) {
    std::string Bad = Bytes;
    Bad[At] ^= 0x5a;
    EXPECT_NE(tryBytes(Bad).find("are damaged"), std::string::npos) << At;
  }
  EXPECT_NE(tryBytes(Bytes.substr(0, Bytes.size() - 1)).find("are damaged"), std::string::npos);
  EXPECT_NE(tryBytes("KRSEARCHES").find("truncated"), std::string::npos);
  EXPECT_NE(tryBytes("something else").find("not a kreach searches file"), std::string::npos);
  // Another format's file is another kreach's, not damage.
  for (char Format : {1, 3}) {
    std::string Another = Bytes;
    Another[std::string("KRSEARCHES").size()] = Format;
    EXPECT_EQ(tryBytes(Another), "absent");
  }
  EXPECT_EQ(tryBytes(Bytes), "read");
}
