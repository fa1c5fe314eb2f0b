//===- IndexTest.cpp - The SQLite store ------------------------------------===//

#include "kreach/Index.h"
#include "kreach/FactKinds.h"
#include "kreach/Findings.h"
#include "kreach/Rules.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"
#include <sqlite3.h>

using namespace kreach;

namespace {

class IndexTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("kreach-index-test", Dir));
    Path = (Dir + "/kreach.db").str();
  }
  void TearDown() override { llvm::sys::fs::remove_directories(Dir); }

  std::unique_ptr<Index> open() {
    auto I = Index::open(Path, Index::Mode::ReadWrite);
    EXPECT_TRUE(bool(I)) << llvm::toString(I.takeError());
    return std::move(*I);
  }

  /// A TU defining Fn, which calls the header inline Callee ("inl").
  static TUFacts facts(llvm::StringRef Main, llvm::StringRef Fn, llvm::StringRef Callee) {
    TUFacts F;
    F.MainFile = Main.str();
    F.Functions.push_back({Fn.str(), Fn.str(), {Main.str(), 1, 1}, false});
    F.Functions.push_back({"/h.h:inl", "inl", {"/h.h", 3, 1}, true});
    F.Calls.push_back({Fn.str(), Callee.str(), "inl", {Main.str(), 2, 3}});
    F.Calls.push_back({"/h.h:inl", "dma_fence_wait", "dma_fence_wait", {"/h.h", 4, 3}});
    F.Stores.push_back({"", "mmu_notifier_ops::invalidate_range_start", Fn.str(), Fn.str(),
                        {Main.str(), 9, 30}});
    return F;
  }

  static TUState state(llvm::StringRef Main) {
    TUState S;
    S.File = Main.str();
    S.CommandHash = "h";
    S.Inputs = {{Main.str(), 10, 20, 100}, {"/h.h", 5, 6, 200}};
    return S;
  }

  llvm::SmallString<128> Dir;
  std::string Path;
};

TEST_F(IndexTest, RoundTripsFactsAndSharesHeaderBodies) {
  auto I = open();
  TUFacts A = facts("/a.c", "root_a", "/h.h:inl");
  TUFacts B = facts("/b.c", "root_b", "/h.h:inl");
  ASSERT_FALSE(bool(I->storeTU(state("/a.c"), &A)));
  ASSERT_FALSE(bool(I->storeTU(state("/b.c"), &B)));
  IndexCounts C = llvm::cantFail(I->counts());
  EXPECT_EQ(C.TUs, 2u);
  EXPECT_EQ(C.Functions, 3u); // root_a, root_b and one copy of inl.
  EXPECT_EQ(C.Calls, 3u);

  CallGraph G;
  ASSERT_FALSE(bool(I->loadGraph(G)));
  G.finalize();
  RuleSet Rules = RuleSet::builtin();
  const Rule &P = *Rules.find("linuxkernel-mmu-notifier-dma-fence-wait");
  std::vector<SinkStep> Steps = computeSinkSteps(G, reachSpec(G, P));
  EXPECT_EQ(Steps[G.lookup("root_a")].Dist, 2u);
  EXPECT_FALSE(llvm::cantFail(I->hasSummaries(P.summaryFingerprint())));
  llvm::cantFail(I->storeSummaries(G, Steps, P.summaryFingerprint(), P.name()));
  EXPECT_TRUE(llvm::cantFail(I->hasSummaries(P.summaryFingerprint())));
  auto Row = llvm::cantFail(I->summary(P.summaryFingerprint(), "root_b"));
  ASSERT_TRUE(Row.has_value());
  EXPECT_EQ(Row->Dist, 2u);
  EXPECT_EQ(Row->NextName, "inl");
  // Another rule's summaries are its own.
  EXPECT_FALSE(llvm::cantFail(I->summary("other", "root_b")).has_value());
}

/// Every fact of every kind in a canonical text, sorted within each kind
/// (the index keeps no order of facts within a function).
std::string canonical(const TUFacts &F) {
  std::vector<std::string> Lines;
  for (const FunctionFact &Fn : F.Functions)
    Lines.push_back("func " + Fn.Key + "/" + Fn.Name + "@" + Fn.Loc.File + ":" +
                    std::to_string(Fn.Loc.Line) + ":" + std::to_string(Fn.Loc.Column) +
                    (Fn.Internal ? " internal" : ""));
  llvm::SmallVector<FactValue, 8> Values;
  for (const FactKindInfo &K : factKinds())
    for (size_t I = 0; I < factCount(F, K.Kind); ++I) {
      Values.clear();
      factValues(F, K.Kind, I, Values);
      std::string Line = K.Table.str();
      for (const FactValue &V : Values)
        Line += " " + V.Text.str() + "|" + V.Name.str() + "|" + std::to_string(V.Int);
      Lines.push_back(Line);
    }
  llvm::sort(Lines);
  std::string Out;
  for (const std::string &L : Lines)
    Out += L + "\n";
  return Out;
}

// What `kreach merge` copies: a TU read back is the TU stored, body facts,
// file-scope facts and the shared header inline's body included.
TEST_F(IndexTest, ATUsFactsReadBackAreTheFactsStored) {
  auto I = open();
  TUFacts A = facts("/a.c", "root_a", "/h.h:inl");
  A.Stores.push_back({"root_a", "ops::run", "/h.h:inl", "inl", {"/a.c", 2, 9}});
  A.Arguments.push_back({"root_a", "/h.h:inl", "inl", 0, "ops::run", "Froot_a", {"/a.c", 2, 3}});
  A.GlobalInits.push_back({"", "G/a.c:tbl|ops::run", "Froot_a", {"/a.c", 12, 4}});
  A.MaskArguments.push_back({"root_a", "kmalloc", 1, "c3264", "GFP_KERNEL", {"/a.c", 3, 5}});
  TUFacts B = facts("/b.c", "root_b", "/h.h:inl");
  ASSERT_FALSE(bool(I->storeTU(state("/a.c"), &A)));
  ASSERT_FALSE(bool(I->storeTU(state("/b.c"), &B)));
  for (const TUFacts *Stored : {&A, &B}) {
    llvm::Expected<TUFacts> Back = I->loadTUFacts(Stored->MainFile);
    ASSERT_TRUE(bool(Back)) << llvm::toString(Back.takeError());
    EXPECT_EQ(Back->MainFile, Stored->MainFile);
    EXPECT_EQ(canonical(*Back), canonical(*Stored));
  }
  llvm::Expected<TUFacts> None = I->loadTUFacts("/c.c");
  ASSERT_FALSE(bool(None));
  EXPECT_NE(llvm::toString(None.takeError()).find("holds no TU '/c.c'"), std::string::npos);
}

TEST_F(IndexTest, SummariesOfSeveralRulesCoexist) {
  auto I = open();
  TUFacts A = facts("/a.c", "root_a", "/h.h:inl");
  ASSERT_FALSE(bool(I->storeTU(state("/a.c"), &A)));
  CallGraph G;
  ASSERT_FALSE(bool(I->loadGraph(G)));
  G.finalize();
  RulesConfig Config = RulesConfig::builtin();
  RuleConfig Quiet = *Config.find("linuxkernel-mmu-notifier-dma-fence-wait");
  Quiet.IgnoreFunctions.push_back("inl");
  Rule Loud = llvm::cantFail(Rule::create(*Config.find("linuxkernel-mmu-notifier-dma-fence-wait")));
  Rule Cut = llvm::cantFail(Rule::create(Quiet));
  ASSERT_NE(Loud.summaryFingerprint(), Cut.summaryFingerprint());
  llvm::cantFail(I->storeSummaries(G, computeSinkSteps(G, reachSpec(G, Loud)),
                                   Loud.summaryFingerprint(), "loud"));
  llvm::cantFail(I->storeSummaries(G, computeSinkSteps(G, reachSpec(G, Cut)),
                                   Cut.summaryFingerprint(), "cut"));
  // Storing the second set left the first as it was.
  EXPECT_TRUE(llvm::cantFail(I->summary(Loud.summaryFingerprint(), "root_a")).has_value());
  EXPECT_FALSE(llvm::cantFail(I->summary(Cut.summaryFingerprint(), "root_a")).has_value());
  // Only the most recently stored few sets are kept.
  for (int N = 0; N < 8; ++N)
    llvm::cantFail(I->storeSummaries(G, computeSinkSteps(G, reachSpec(G, Cut)),
                                     "experiment-" + std::to_string(N), "cut"));
  EXPECT_FALSE(llvm::cantFail(I->hasSummaries(Loud.summaryFingerprint())));
  EXPECT_TRUE(llvm::cantFail(I->hasSummaries("experiment-7")));
}

TEST_F(IndexTest, StoringSummariesAgainWritesOnlyTheRowsThatChanged) {
  auto I = open();
  TUFacts A = facts("/a.c", "root_a", "/h.h:inl");
  TUFacts B = facts("/b.c", "root_b", "/h.h:inl");
  ASSERT_FALSE(bool(I->storeTU(state("/a.c"), &A)));
  ASSERT_FALSE(bool(I->storeTU(state("/b.c"), &B)));
  RuleSet Rules = RuleSet::builtin();
  const Rule &P = *Rules.find("linuxkernel-mmu-notifier-dma-fence-wait");
  auto Store = [&] {
    CallGraph G;
    EXPECT_FALSE(bool(I->loadGraph(G)));
    G.finalize();
    return llvm::cantFail(I->storeSummaries(G, computeSinkSteps(G, reachSpec(G, P)),
                                            P.summaryFingerprint(), P.name()));
  };
  SummaryWrite First = Store();
  EXPECT_EQ(First.Written, 4u); // root_a, root_b, inl and the wait itself.
  EXPECT_EQ(First.Removed + First.Kept, 0u);
  SummaryWrite Same = Store();
  EXPECT_EQ(Same.Written + Same.Removed, 0u);
  EXPECT_EQ(Same.Kept, 4u);

  // root_b now waits itself (its row changes) and a.c no longer reaches.
  TUFacts B2 = facts("/b.c", "root_b", "/h.h:inl");
  B2.Calls[0] = {"root_b", "dma_fence_wait", "dma_fence_wait", {"/b.c", 2, 3}};
  ASSERT_FALSE(bool(I->storeTU(state("/b.c"), &B2)));
  TUFacts A2;
  A2.MainFile = "/a.c";
  A2.Functions.push_back({"root_a", "root_a", {"/a.c", 1, 1}, false});
  ASSERT_FALSE(bool(I->storeTU(state("/a.c"), &A2)));
  SummaryWrite Changed = Store();
  EXPECT_EQ(Changed.Written, 1u);
  EXPECT_EQ(Changed.Kept, 2u); // inl (still defined by b.c) and the wait.
  EXPECT_EQ(Changed.Removed, 1u);
  auto RowB = llvm::cantFail(I->summary(P.summaryFingerprint(), "root_b"));
  ASSERT_TRUE(RowB.has_value());
  EXPECT_EQ(RowB->Dist, 1u);
  EXPECT_EQ(RowB->NextName, "dma_fence_wait");
  EXPECT_EQ(RowB->Site.Line, 2u);
  EXPECT_FALSE(llvm::cantFail(I->summary(P.summaryFingerprint(), "root_a")).has_value());
}

TEST_F(IndexTest, ReplacingATUDropsItsOldFactsOnly) {
  auto I = open();
  TUFacts A = facts("/a.c", "root_a", "/h.h:inl");
  TUFacts B = facts("/b.c", "root_b", "/h.h:inl");
  ASSERT_FALSE(bool(I->storeTU(state("/a.c"), &A)));
  ASSERT_FALSE(bool(I->storeTU(state("/b.c"), &B)));
  TUFacts A2;
  A2.MainFile = "/a.c";
  A2.Functions.push_back({"other", "other", {"/a.c", 1, 1}, false});
  ASSERT_FALSE(bool(I->storeTU(state("/a.c"), &A2)));
  IndexCounts C = llvm::cantFail(I->counts());
  EXPECT_EQ(C.Functions, 3u); // other, root_b, inl (still used by b.c).
  EXPECT_EQ(C.Stores, 1u);
  ASSERT_FALSE(bool(I->removeTU("/b.c")));
  C = llvm::cantFail(I->counts());
  EXPECT_EQ(C.TUs, 1u);
  EXPECT_EQ(C.Functions, 1u);
  EXPECT_EQ(C.Calls, 0u);
}

TEST_F(IndexTest, FailedTUWithoutFactsKeepsOldFacts) {
  auto I = open();
  TUFacts A = facts("/a.c", "root_a", "/h.h:inl");
  ASSERT_FALSE(bool(I->storeTU(state("/a.c"), &A)));
  TUState Failed = state("/a.c");
  Failed.Failed = true;
  Failed.Error = "a.c:1:1: error: boom";
  ASSERT_FALSE(bool(I->storeTU(Failed, nullptr)));
  EXPECT_EQ(llvm::cantFail(I->counts()).Functions, 2u);
  auto States = llvm::cantFail(I->tuStates());
  ASSERT_EQ(States.count("/a.c"), 1u);
  EXPECT_TRUE(States["/a.c"].Failed);
  EXPECT_EQ(States["/a.c"].Inputs.size(), 2u);
  EXPECT_EQ(States["/a.c"].Inputs[1].Path, "/h.h");
  // Stamps come back as the hash of those stored, in order.
  EXPECT_EQ(States["/a.c"].StampHash, inputStampHash(state("/a.c").Inputs));
  std::vector<InputStamp> Swapped = {state("/a.c").Inputs[1], state("/a.c").Inputs[0]};
  EXPECT_NE(States["/a.c"].StampHash, inputStampHash(Swapped));
}

TEST_F(IndexTest, VerifiedStatesCompareEachInputWithTheFileAsItIsNow) {
  auto I = open();
  TUFacts A = facts("/a.c", "root_a", "/h.h:inl");
  TUFacts B = facts("/b.c", "root_b", "/h.h:inl");
  ASSERT_FALSE(bool(I->storeTU(state("/a.c"), &A)));
  ASSERT_FALSE(bool(I->storeTU(state("/b.c"), &B)));
  TUState None = state("/c.c");
  None.Inputs.clear();
  ASSERT_FALSE(bool(I->storeTU(None, nullptr)));
  llvm::StringMap<unsigned> Asked;
  // As stored: /a.c and /b.c 10/20 holding 100, the shared header 5/6
  // holding 200. Now /b.c holds something else; /a.c was touched (a new
  // time, the same content).
  auto Now = [&](llvm::StringRef Path, const FileStamp &Known) {
    ++Asked[Path];
    FileStamp S{Path.str(), 10, 20, 100};
    if (Path == "/h.h") {
      S = {Path.str(), 5, 6, 200};
      EXPECT_EQ(Known.Content, 200u); // The index's last sight of the file.
    }
    if (Path == "/b.c")
      S.Content = 101;
    if (Path == "/a.c")
      S.MTime = 21;
    return S;
  };
  auto States = llvm::cantFail(I->tuStatesVerified(Now));
  ASSERT_EQ(States.size(), 3u);
  EXPECT_FALSE(States["/a.c"].InputsChanged);
  EXPECT_TRUE(States["/b.c"].InputsChanged);
  // A TU that records no input cannot be shown unchanged.
  EXPECT_TRUE(States["/c.c"].InputsChanged);
  EXPECT_TRUE(States["/a.c"].Inputs.empty());
  EXPECT_EQ(Asked["/h.h"], 1u);
  EXPECT_EQ(States["/a.c"].CommandHash, "h");

  // The touched file's new time is kept: the next run compares it.
  ASSERT_FALSE(bool(I->storeFileStamps()));
  auto Listed = llvm::cantFail(I->tuStates());
  ASSERT_EQ(Listed["/a.c"].Inputs.size(), 2u);
  EXPECT_EQ(Listed["/a.c"].Inputs[0].MTime, 21);
  EXPECT_EQ(Listed["/a.c"].Inputs[0].Content, 100u);
  // Hashes are of contents: the touched TU's still matches.
  EXPECT_EQ(Listed["/a.c"].StampHash, inputStampHash(Listed["/a.c"].Inputs));
}

TEST_F(IndexTest, AStampWhoseTimeVouchesForNothingIsNotKept) {
  auto I = open();
  TUFacts A = facts("/a.c", "root_a", "/h.h:inl");
  TUState S = state("/a.c");
  S.Inputs[1].MTime = -1; // Modified just before it was read.
  ASSERT_FALSE(bool(I->storeTU(S, &A)));
  auto Listed = llvm::cantFail(I->tuStates());
  ASSERT_EQ(Listed["/a.c"].Inputs.size(), 2u);
  EXPECT_EQ(Listed["/a.c"].Inputs[0].Content, 100u);
  // No stamp for the header: whoever verifies it reads it.
  EXPECT_EQ(Listed["/a.c"].Inputs[1].Size, -1);
  EXPECT_EQ(Listed["/a.c"].StampHash, inputStampHash(S.Inputs));
}

TEST_F(IndexTest, RejectsFilesThatAreNotIndexes) {
  {
    std::error_code EC;
    llvm::raw_fd_ostream OS(Path, EC);
    OS << "this is not a database, just text that is long enough to matter\n";
  }
  auto I = Index::open(Path, Index::Mode::ReadWrite);
  ASSERT_FALSE(bool(I));
  EXPECT_NE(llvm::toString(I.takeError()).find("is not a kreach index"), std::string::npos);
  // The file is left as it was.
  uint64_t Size = 0;
  llvm::sys::fs::file_size(Path, Size);
  EXPECT_GT(Size, 0u);
}

TEST_F(IndexTest, RejectsOtherSchemaVersions) {
  {
    auto I = open();
  }
  {
    auto I = open();
  }
  // Simulate an index from another kreach.
  std::string Cmd = "sqlite3 '" + Path + "' \"UPDATE meta SET value='0' WHERE key='schema'\"";
  if (std::system(Cmd.c_str()) != 0)
    GTEST_SKIP() << "sqlite3 shell not available";
  auto I = Index::open(Path, Index::Mode::ReadWrite);
  ASSERT_FALSE(bool(I));
  EXPECT_NE(llvm::toString(I.takeError()).find("schema version 0"), std::string::npos);
}

// The schema is written by hand (its text is what existing indexes hold);
// FactKinds.def drives every statement on a fact table, so the two must agree.
TEST_F(IndexTest, SchemaMatchesFactKinds) {
  { auto I = open(); }
  sqlite3 *DB = nullptr;
  ASSERT_EQ(sqlite3_open_v2(Path.c_str(), &DB, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  auto rows = [&](const std::string &SQL) {
    std::vector<std::vector<std::string>> Rows;
    sqlite3_stmt *S = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(DB, SQL.c_str(), -1, &S, nullptr), SQLITE_OK) << SQL;
    while (sqlite3_step(S) == SQLITE_ROW) {
      Rows.emplace_back();
      for (int C = 0; C < sqlite3_column_count(S); ++C) {
        const unsigned char *T = sqlite3_column_text(S, C);
        Rows.back().push_back(T ? reinterpret_cast<const char *>(T) : "");
      }
    }
    sqlite3_finalize(S);
    return Rows;
  };
  for (const FactKindInfo &K : factKinds()) {
    auto Columns = rows("SELECT name, type, \"notnull\" FROM pragma_table_info('" +
                        K.Table.str() + "')");
    auto Indexed = rows("SELECT ii.name FROM pragma_index_list('" + K.Table.str() +
                        "') il, pragma_index_info(il.name) ii WHERE ii.seqno = 0");
    ASSERT_EQ(Columns.size(), K.Columns.size()) << K.Table.str();
    for (size_t I = 0; I < Columns.size(); ++I) {
      const FactColumn &C = K.Columns[I];
      EXPECT_EQ(Columns[I][0], C.Name.str()) << K.Table.str();
      EXPECT_EQ(Columns[I][1], C.Kind == ColumnKind::Text ? "TEXT" : "INTEGER")
          << K.Table.str() << "." << Columns[I][0];
      bool Required = C.Kind == ColumnKind::Owner || C.Kind == ColumnKind::OwnerTU ||
                      C.Kind == ColumnKind::Symbol || C.Kind == ColumnKind::Field;
      EXPECT_EQ(Columns[I][2], Required ? "1" : "0")
          << K.Table.str() << "." << Columns[I][0];
      // Bodies and TUs are replaced by their owner: that must not scan.
      if (C.Kind == ColumnKind::Owner || C.Kind == ColumnKind::OwnerTU) {
        EXPECT_TRUE(llvm::any_of(Indexed, [&](const auto &R) { return R[0] == C.Name; }))
            << K.Table.str() << "." << C.Name.str() << " has no index";
      }
    }
  }
  sqlite3_close(DB);
}

// A damaged page must fail a read, never shorten it: each page in turn gets
// its header overwritten, and every listing either fails or is complete.
TEST_F(IndexTest, DamagedPagesFailReadsInsteadOfShorteningThem) {
  {
    auto I = open();
    for (int N = 0; N < 300; ++N) {
      std::string Main = "/src/drivers/x/file" + std::to_string(N) + ".c";
      TUFacts F = facts(Main, "root" + std::to_string(N), "/h.h:inl");
      for (int J = 0; J < 10; ++J)
        F.Stores.push_back({"",
                            "ops" + std::to_string((N + J) % 40) + "::cb",
                            "root" + std::to_string(N),
                            "root" + std::to_string(N),
                            {Main, unsigned(20 + J), 5}});
      TUState S = state(Main);
      if (N % 3 == 0) {
        S.Failed = true;
        S.Error = Main + ":1:1: error: " + std::string(150, 'x');
      }
      ASSERT_FALSE(bool(I->storeTU(S, &F)));
    }
  }
  auto render = [](auto &&Result, auto &&Print) -> std::optional<std::string> {
    if (!Result) {
      llvm::consumeError(Result.takeError());
      return std::nullopt;
    }
    std::string Out;
    llvm::raw_string_ostream OS(Out);
    Print(OS, *Result);
    return Out;
  };
  auto printStores = [](llvm::raw_ostream &OS, const std::vector<StoreRow> &Rows) {
    for (const StoreRow &R : Rows)
      OS << R.Field << '=' << R.TargetKey << '@' << R.Site.File << ':' << R.Site.Line << ';'
         << R.TargetDef.File << '\n';
  };
  auto printTUs = [](llvm::raw_ostream &OS, const std::vector<TUState> &TUs) {
    for (const TUState &T : TUs)
      OS << T.File << ':' << T.Error << '\n';
  };
  auto printCounts = [](llvm::raw_ostream &OS, const IndexCounts &C) {
    OS << C.TUs << ' ' << C.FailedTUs << ' ' << C.Functions << ' ' << C.Calls << ' '
       << C.IndirectCalls << ' ' << C.Stores;
  };
  auto readAll = [&](Index &I) {
    return std::vector<std::optional<std::string>>{
        render(I.stores([](llvm::StringRef) { return true; }), printStores),
        render(I.storesInto("ops7::cb"), printStores), render(I.failedTUs(), printTUs),
        render(I.counts(), printCounts)};
  };
  std::vector<std::optional<std::string>> Intact;
  {
    auto I = Index::open(Path, Index::Mode::ReadOnly);
    ASSERT_TRUE(bool(I)) << llvm::toString(I.takeError());
    Intact = readAll(**I);
  }
  for (const auto &R : Intact)
    ASSERT_TRUE(R.has_value());
  ASSERT_EQ(std::count(Intact[2]->begin(), Intact[2]->end(), '\n'), 100);

  auto Buf = llvm::MemoryBuffer::getFile(Path);
  ASSERT_TRUE(bool(Buf));
  std::string Pristine = (*Buf)->getBuffer().str();
  unsigned PageSize = (uint8_t(Pristine[16]) << 8) | uint8_t(Pristine[17]);
  if (PageSize == 1)
    PageSize = 65536;
  ASSERT_GT(PageSize, 0u);
  size_t Pages = Pristine.size() / PageSize;
  ASSERT_GT(Pages, 10u);
  std::string Damaged = (Dir + "/damaged.db").str();
  unsigned Failures = 0;
  // Page 1 holds the schema, which open() checks.
  for (size_t Page = 2; Page <= Pages; ++Page) {
    std::string Bytes = Pristine;
    std::fill_n(Bytes.begin() + (Page - 1) * PageSize, 16, '\xff');
    {
      std::error_code EC;
      llvm::raw_fd_ostream OS(Damaged, EC);
      ASSERT_FALSE(EC);
      OS << Bytes;
    }
    auto I = Index::open(Damaged, Index::Mode::ReadOnly);
    if (!I) {
      llvm::consumeError(I.takeError());
      ++Failures;
      continue;
    }
    std::vector<std::optional<std::string>> Read = readAll(**I);
    for (size_t Q = 0; Q < Read.size(); ++Q) {
      if (!Read[Q]) {
        ++Failures;
        continue;
      }
      EXPECT_EQ(*Read[Q], *Intact[Q]) << "query " << Q << ", page " << Page;
    }
  }
  // The damage was seen, so the comparisons above compared something.
  EXPECT_GT(Failures, 0u);
}

} // namespace

namespace {

// What a relocated index hands out: paths under the tree found now; a root
// inside the recorded one is the same tree seen from elsewhere.
TEST_F(IndexTest, StoredPathsResolveAgainstTheTreeFoundNow) {
  {
    IndexOpenOptions At;
    At.SourceRoot = "/home/a/linux";
    auto I = Index::open(Path, Index::Mode::ReadWrite, At);
    ASSERT_TRUE(bool(I)) << llvm::toString(I.takeError());
    TUFacts F = facts("/home/a/linux/mm/a.c", "a", "inl");
    ASSERT_FALSE(bool((*I)->storeTU(state("/home/a/linux/mm/a.c"), &F)));
    ASSERT_FALSE(bool((*I)->setMeta("source_root", "/home/a/linux")));
  }
  sqlite3 *DB = nullptr;
  ASSERT_EQ(sqlite3_open(Path.c_str(), &DB), SQLITE_OK);
  sqlite3_stmt *S = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(DB, "SELECT file FROM tu", -1, &S, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(S), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char *>(sqlite3_column_text(S, 0)), "mm/a.c");
  sqlite3_finalize(S);
  sqlite3_close(DB);

  IndexOpenOptions Moved;
  Moved.SourceRoot = "/ci/ws/linux";
  auto I = Index::open(Path, Index::Mode::ReadOnly, Moved);
  ASSERT_TRUE(bool(I)) << llvm::toString(I.takeError());
  llvm::Expected<std::vector<std::string>> Files = (*I)->tuFiles();
  ASSERT_TRUE(bool(Files));
  EXPECT_EQ(*Files, std::vector<std::string>{"/ci/ws/linux/mm/a.c"});
  llvm::Expected<TUFacts> Back = (*I)->loadTUFacts("/ci/ws/linux/mm/a.c");
  ASSERT_TRUE(bool(Back)) << llvm::toString(Back.takeError());
  // A root inside the recorded one keeps the recorded meaning.
  (*I)->usePaths(PathMapper("/home/a/linux/mm"));
  EXPECT_EQ((*I)->paths().root(), "/home/a/linux");
  Files = (*I)->tuFiles();
  ASSERT_TRUE(bool(Files));
  EXPECT_EQ(*Files, std::vector<std::string>{"/home/a/linux/mm/a.c"});
}

} // namespace
