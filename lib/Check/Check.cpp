//===- Check.cpp - The analyses every front end runs ----------------------===//

#include "kreach/Check.h"

#include "kreach/GraphJournal.h"
#include "kreach/GraphSnapshot.h"
#include "kreach/GraphSplice.h"
#include "kreach/ThreadTrace.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/TimeProfiler.h"
#include "llvm/Support/xxhash.h"
#include <algorithm>
#include <chrono>
#include <iterator>

namespace kreach {

ValueFlowConfig valueFlowConfig(const RuleSet &Rules) {
  ValueFlowConfig C;
  for (const RegistrySpec &R : Rules.registries()) {
    Registry &Out = C.Registries.emplace_back();
    Out.Name = R.Name;
    Out.Field = R.Field;
    for (const RegistryApiSpec &A : R.Register)
      Out.Register.push_back({A.Function, A.Head, A.Item});
    for (const RegistryApiSpec &A : R.Call)
      Out.Call.push_back({A.Function, A.Head, 0});
  }
  return C;
}

const std::vector<SinkStep> *TreeCheck::stepsOf(const Rule &R) const {
  for (const RuleCheck &C : Rules)
    if (C.TheRule == &R)
      return &C.Steps;
  return nullptr;
}

/// What the value flow's result depends on besides the facts.
static std::string valueFlowFingerprint(const ValueFlowConfig &C) {
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  for (const Registry &R : C.Registries) {
    OS << "registry\x1f" << R.Name << "\x1f" << R.Field << "\x1e";
    for (const RegistryApi &A : R.Register)
      OS << "register\x1f" << A.Function << "\x1f" << A.Head << "\x1f" << A.Item << "\x1e";
    for (const RegistryApi &A : R.Call)
      OS << "call\x1f" << A.Function << "\x1f" << A.Head << "\x1e";
  }
  return llvm::utohexstr(llvm::xxh3_64bits(Text));
}

/// The key a graph snapshot of I's facts (in the state Token names) is
/// written under: whatever else decides the finalized graph.
static std::string snapshotKey(const Index &I, const ValueFlowConfig &Flow,
                               llvm::StringRef Token) {
  return "kreach graph; index schema " + std::to_string(IndexSchemaVersion) +
         "; facts revision " + std::to_string(FactsRevision) + "; effects " + Token.str() +
         "; value flow " + valueFlowFingerprint(Flow) +
         // The snapshot holds absolute paths: a tree moved since reads the
         // index's relative ones again.
         "; root " + I.paths().root() + "; build " + I.paths().buildDir();
}

/// The journal beside SnapshotPath if it brings its snapshot to the state
/// StateKey names; nothing if there is none, or one to another state.
static llvm::Expected<std::optional<GraphJournal>>
journalTo(llvm::StringRef SnapshotPath, const PathMapper &Paths, llvm::StringRef StateKey) {
  llvm::Expected<std::optional<GraphJournal>> Journal =
      readGraphJournal(graphJournalPath(SnapshotPath), Paths);
  if (Journal && *Journal && (*Journal)->StateKey != StateKey)
    return std::nullopt;
  return Journal;
}

llvm::Expected<std::optional<SnapshotRead>>
readSnapshotFor(llvm::StringRef SnapshotPath, const PathMapper &Paths, llvm::StringRef StateKey,
                bool IndexKeys) {
  SnapshotRead Out;
  Out.BaseKey = StateKey.str();
  llvm::Expected<bool> Read = readGraphSnapshot(Out.Graph, SnapshotPath, StateKey, IndexKeys);
  if (!Read)
    return Read.takeError();
  if (*Read)
    return std::move(Out);
  llvm::Expected<std::optional<GraphJournal>> Journal =
      journalTo(SnapshotPath, Paths, StateKey);
  if (!Journal)
    return Journal.takeError();
  if (!*Journal)
    return std::nullopt;
  Out.BaseKey = (*Journal)->BaseKey;
  Read = readGraphSnapshot(Out.Graph, SnapshotPath, Out.BaseKey, IndexKeys);
  if (!Read)
    return Read.takeError();
  if (!*Read)
    return std::nullopt; // A journal of a snapshot since replaced.
  Out.Journal = std::move((*Journal)->Before);
  return std::move(Out);
}

struct GraphPrefetch::Reader {
  std::string StateKey;
  std::optional<SnapshotRead> Read;
  std::string SnapshotPath;
  /// Read under whatever key the snapshot has (speculate).
  bool AnyKey = false;
  /// The index's paths (for the journal): set once the read is tied to an
  /// index, from the start unless it is speculative.
  std::optional<PathMapper> Paths;
  llvm::DefaultThreadPool Pool{llvm::hardware_concurrency(1)};
};

void GraphPrefetch::readAhead(Reader &R, bool Tracing, bool WithSearches) {
  ThreadTrace Trace(Tracing);
  // Which read it is, for a trace (and a test) to tell.
  llvm::TimeTraceScope Scope("read graph snapshot (ahead)",
                             R.AnyKey ? "begun before the project was loaded" : "");
  const std::string &Path = R.SnapshotPath;
  if (R.AnyKey) {
    SnapshotRead Out;
    llvm::Expected<bool> Got =
        readGraphSnapshot(Out.Graph, Path, "", /*IndexKeys=*/true, &Out.BaseKey);
    if (!Got) {
      llvm::consumeError(Got.takeError()); // The check's own read says so.
      return;
    }
    if (!*Got)
      return;
    R.Read = std::move(Out);
  } else {
    // A patch's splice looks the changed TUs' functions up.
    llvm::Expected<std::optional<SnapshotRead>> Read =
        readSnapshotFor(Path, *R.Paths, R.StateKey, /*IndexKeys=*/WithSearches);
    // A damaged snapshot or journal: the check's own read says so.
    if (!Read) {
      llvm::consumeError(Read.takeError());
      return;
    }
    R.Read = std::move(*Read);
  }
  if (!WithSearches || !R.Read)
    return;
  // The splice's index of positions beside the searches: the two read
  // different parts of the graph and change nothing either reads.
  llvm::DefaultThreadPool Aside(llvm::hardware_concurrency(1));
  Aside.async([G = &R.Read->Graph, Tracing] {
    ThreadTrace Trace(Tracing);
    llvm::TimeTraceScope LocationsScope("the snapshot's positions by file");
    G->indexLocations();
  });
  {
    llvm::TimeTraceScope SearchesScope("read the snapshot's searches");
    llvm::Expected<StoredSearches> Searches =
        readGraphSearches(graphSearchesPath(Path), R.Read->BaseKey, R.Read->Graph);
    if (Searches) {
      R.Read->Searches = std::move(Searches->Searches);
      R.Read->Reverse = std::move(Searches->Reverse);
      R.Read->ReverseStored = R.Read->Reverse.has_value();
    } else {
      R.Read->SearchesError = llvm::toString(Searches.takeError());
    }
  }
  if (!R.Read->Reverse) {
    llvm::TimeTraceScope ReverseScope("reverse edges of the snapshot's graph");
    R.Read->Reverse.emplace(R.Read->Graph);
  }
  Aside.wait();
}

GraphPrefetch::GraphPrefetch(Index &I, const RuleSet &Rules, bool WithSearches) {
  llvm::Expected<std::string> Token = I.effectsToken();
  if (!Token) {
    llvm::consumeError(Token.takeError()); // The check reads it again, and says why.
    return;
  }
  if (!Index::isCurrentEffectsToken(*Token))
    return;
  Impl = std::make_unique<Reader>();
  Impl->StateKey = snapshotKey(I, valueFlowConfig(Rules), *Token);
  Impl->SnapshotPath = I.graphSnapshotPath();
  Impl->Paths = I.paths();
  Impl->Pool.async([R = Impl.get(), Tracing = llvm::timeTraceProfilerEnabled(), WithSearches] {
    readAhead(*R, Tracing, WithSearches);
  });
}

std::unique_ptr<GraphPrefetch> GraphPrefetch::speculate(std::string SnapshotPath) {
  std::unique_ptr<GraphPrefetch> P(new GraphPrefetch());
  P->Impl = std::make_unique<Reader>();
  P->Impl->SnapshotPath = std::move(SnapshotPath);
  P->Impl->AnyKey = true;
  P->Impl->Pool.async([R = P->Impl.get(), Tracing = llvm::timeTraceProfilerEnabled()] {
    readAhead(*R, Tracing, /*WithSearches=*/true);
  });
  return P;
}

bool GraphPrefetch::adopt(Index &I, const RuleSet &Rules) {
  if (!Impl || Impl->Paths)
    return false;
  llvm::Expected<std::string> Token = I.effectsToken();
  if (!Token) {
    llvm::consumeError(Token.takeError());
    return false;
  }
  // The file read must be the index's snapshot: the same path, or another
  // spelling of the same file.
  std::string Own = I.graphSnapshotPath();
  if (!Index::isCurrentEffectsToken(*Token) ||
      (Own != Impl->SnapshotPath && !llvm::sys::fs::equivalent(Own, Impl->SnapshotPath)))
    return false;
  Impl->StateKey = snapshotKey(I, valueFlowConfig(Rules), *Token);
  Impl->Paths = I.paths();
  return true;
}

void GraphPrefetch::matchKey() {
  if (!Impl->AnyKey || !Impl->Read || Impl->Read->BaseKey == Impl->StateKey)
    return;
  // An older snapshot: taken only with the journal that brings it to the
  // state, as readSnapshotFor takes it.
  llvm::Expected<std::optional<GraphJournal>> Journal =
      journalTo(Impl->SnapshotPath, *Impl->Paths, Impl->StateKey);
  if (!Journal) {
    llvm::consumeError(Journal.takeError()); // The check's own read says so.
    Impl->Read.reset();
    return;
  }
  if (!*Journal || (*Journal)->BaseKey != Impl->Read->BaseKey) {
    Impl->Read.reset();
    return;
  }
  Impl->Read->Journal = std::move((*Journal)->Before);
}

GraphPrefetch::~GraphPrefetch() {
  if (Impl)
    Impl->Pool.wait();
}

std::optional<SnapshotRead> GraphPrefetch::take(llvm::StringRef Key) {
  if (!Impl)
    return std::nullopt;
  Impl->Pool.wait();
  std::optional<SnapshotRead> Read;
  if (Impl->Paths) {
    matchKey();
    if (Impl->StateKey == Key)
      Read = std::move(Impl->Read);
  }
  Impl.reset(); // What was not taken is freed before the rows are read.
  return Read;
}

static void addIndexContext(CallGraph &G, const TUFacts &Facts, Index &I, const Rule *R,
                            llvm::ArrayRef<std::string> OwnInputs, std::string &ReadError);

bool GraphPrefetch::current(Index &I, const RuleSet &Rules) const {
  llvm::Expected<std::string> Token = I.effectsToken();
  if (!Token) {
    llvm::consumeError(Token.takeError());
    return false;
  }
  return Impl && Impl->StateKey == snapshotKey(I, valueFlowConfig(Rules), *Token);
}

std::optional<SnapshotRead> GraphPrefetch::takeAsStarted() {
  if (!Impl)
    return std::nullopt;
  Impl->Pool.wait();
  if (!Impl->Paths) {
    Impl.reset(); // Never tied to an index.
    return std::nullopt;
  }
  matchKey();
  std::optional<SnapshotRead> Read = std::move(Impl->Read);
  Impl.reset();
  return Read;
}

/// One TU to splice: from Old to To (the index's facts when null). Only a
/// step that Counts adds what it changed to the result: a step that brings
/// the graph to the state the index held before this run changes nothing
/// the index's rows do not already say.
struct SpliceStep {
  const std::string &TU;
  const TUFacts &Old;
  const TUFacts *To = nullptr;
  bool Counts = true;
};

/// Splices each step into Result.Graph, in order, adding to Result what the
/// steps that count changed. Empty, or why the graph cannot be spliced
/// (Result.Graph is then unusable).
static std::string spliceTUs(Index &I, const ValueFlowConfig &Flow,
                             llvm::ArrayRef<SpliceStep> Steps, SplicedGraph &Result) {
  llvm::DenseSet<NodeId> Touched, Moved, EffectsMoved, TouchedSinceSnapshot;
  std::string ReadError;
  for (const SpliceStep &Step : Steps) {
    const std::string &TU = Step.TU;
    const TUFacts &Old = Step.Old;
    // The facts to splice to: given (no copy of them), or the index's.
    const TUFacts *New = Step.To;
    std::optional<TUFacts> Stored;
    if (!New) {
      llvm::Expected<TUFacts> Loaded = I.loadTUFacts(TU);
      if (!Loaded)
        return llvm::toString(Loaded.takeError());
      Stored = std::move(*Loaded);
      New = &*Stored;
    }
    // The TU's own graphs, as a per-TU front end makes them; stores in the
    // TU's own file come from its facts, not from the index's copy.
    auto BuildLocal = [&, &TU = TU, &Old = Old](const CallGraph &Tree) {
      LocalGraphs L;
      std::string Error;
      std::string Own[] = {TU};
      using Side = std::pair<const TUFacts *, std::unique_ptr<CallGraph> *>;
      for (auto [Facts, Out] : {Side(&Old, &L.Old), Side(&*New, &L.New)}) {
        auto Local = std::make_unique<CallGraph>();
        Local->addFacts(*Facts);
        addIndexContext(*Local, *Facts, I, nullptr, Own, Error);
        // The index's copy of the TU's own registrations is the base's.
        Local->dropExternalRegistrationsIn(TU);
        // A function whose address the tree takes has callers the TU does
        // not see: its parameters resolve by type there too.
        for (NodeId N = 0; N < Local->size(); ++N)
          if (Local->node(N).Kind == NodeKind::Function)
            if (NodeId T = Tree.lookup(Local->node(N).Key); T != NoNode && Tree.isAddressTaken(T))
              Local->markAddressTaken(N);
        Local->finalize(Flow);
        *Out = std::move(Local);
      }
      if (!Error.empty())
        L.Error = "the TU's own graphs could not be made: " + Error;
      return L;
    };
    llvm::TimeTraceScope Scope("splice a TU", TU);
    SpliceResult S = spliceTU(
        Result.Graph, Flow, TU, Old, *New,
        [&](llvm::StringRef Key) {
          llvm::Expected<bool> Defined = I.definedByAnyTU(Key);
          if (Defined)
            return *Defined;
          if (ReadError.empty())
            ReadError = llvm::toString(Defined.takeError());
          return false;
        },
        BuildLocal);
    if (!ReadError.empty())
      return ReadError;
    if (!S.Refused.empty())
      return std::move(S.Refused);
    TouchedSinceSnapshot.insert(S.Touched.begin(), S.Touched.end());
    if (!Step.Counts)
      continue;
    Touched.insert(S.Touched.begin(), S.Touched.end());
    Moved.insert(S.Moved.begin(), S.Moved.end());
    EffectsMoved.insert(S.EffectsMoved.begin(), S.EffectsMoved.end());
    Result.Files.push_back(TU);
    llvm::append_range(Result.Files, S.RegistrationFiles);
  }
  llvm::sort(Result.Files);
  Result.Files.erase(std::unique(Result.Files.begin(), Result.Files.end()), Result.Files.end());
  auto Sorted = [](const llvm::DenseSet<NodeId> &Set) {
    std::vector<NodeId> Out(Set.begin(), Set.end());
    llvm::sort(Out);
    return Out;
  };
  Result.Touched = Sorted(Touched);
  Result.Moved = Sorted(Moved);
  Result.EffectsMoved = Sorted(EffectsMoved);
  Result.TouchedSinceSnapshot = Sorted(TouchedSinceSnapshot);
  return "";
}

PatchSplice::PatchSplice(Index &I, const RuleSet &Rules, llvm::ArrayRef<std::string> TUs,
                         llvm::ArrayRef<std::string> ChangedFiles,
                         std::unique_ptr<GraphPrefetch> Early)
    : Base(std::move(Early)) {
  // A TU whose main file did not change re-parses for a header it read:
  // every TU reading the header changes, and its positions move in all.
  llvm::StringSet<> Changed;
  for (const std::string &F : ChangedFiles)
    Changed.insert(F);
  for (const std::string &TU : TUs)
    if (!Changed.count(TU)) {
      Refused = "a changed file is not the main file of the TUs that read it (" + TU + ")";
      return;
    }
  llvm::Expected<std::vector<std::string>> Readers = I.tusReading(ChangedFiles);
  if (!Readers) {
    Refused = llvm::toString(Readers.takeError());
    return;
  }
  for (const std::string &R : *Readers)
    if (!llvm::is_contained(TUs, R)) {
      Refused = "a changed file is read by a TU that is not re-parsed (" + R + ")";
      return;
    }
  for (const std::string &TU : TUs) {
    if (!llvm::is_contained(*Readers, TU)) {
      Refused = "a TU the base index does not hold (" + TU + ")";
      return;
    }
    llvm::Expected<TUFacts> Facts = I.loadTUFacts(TU);
    if (!Facts) {
      Refused = llvm::toString(Facts.takeError());
      return;
    }
    Before.push_back({TU, std::move(*Facts)});
  }
  llvm::Expected<std::string> Token = I.effectsToken();
  if (!Token) {
    Refused = llvm::toString(Token.takeError());
    return;
  }
  BaseToken = *Token;
  // A read started before a TU was removed (a deleted file) is of another
  // state: started again.
  if (!Base || !Base->current(I, Rules))
    Base = std::make_unique<GraphPrefetch>(I, Rules, /*WithSearches=*/true);
}

PatchSplice::~PatchSplice() = default;

std::unique_ptr<SplicedGraph> PatchSplice::take(Index &I, const RuleSet &Rules) {
  if (!Refused.empty())
    return nullptr;
  std::optional<SnapshotRead> Read;
  {
    llvm::TimeTraceScope Scope("read the base's graph snapshot (read ahead; waiting for it)");
    Read = Base ? Base->takeAsStarted() : std::nullopt;
  }
  Base.reset();
  if (!Read) {
    Refused = "no graph snapshot of the base tree to update";
    return nullptr;
  }
  auto Result = std::make_unique<SplicedGraph>();
  llvm::Expected<std::string> Generation = I.generation();
  if (!Generation) {
    Refused = llvm::toString(Generation.takeError());
    return nullptr;
  }
  Result->Generation = *Generation;
  Result->BaseToken = BaseToken;
  Result->Graph = std::move(Read->Graph);
  Result->SnapshotNodes = Result->Graph.size();
  Result->SnapshotKey = std::move(Read->BaseKey);
  Result->SnapshotSearches = std::move(Read->Searches);
  Result->SearchesError = std::move(Read->SearchesError);
  Result->SnapshotReverse = std::move(Read->Reverse);
  Result->SnapshotReverseStored = Read->ReverseStored;
  // The snapshot is older than the base when a journal brings it there.
  // Its TUs are first spliced from the facts the snapshot has of them to
  // the base's, which the index's rows already say; only then is each TU
  // this run re-parsed spliced from the base's facts to its own, and only
  // that counts: the summaries and effects rewritten are those that differ
  // from the base's (a change undone since the snapshot included).
  Result->Journal = std::move(Read->Journal);
  std::vector<SpliceStep> Steps;
  for (const auto &[TU, Facts] : Result->Journal) {
    auto Changed = llvm::find_if(Before, [&](const auto &B) { return B.first == TU; });
    Steps.push_back({TU, Facts, Changed == Before.end() ? nullptr : &Changed->second, false});
  }
  for (const auto &[TU, Facts] : Before)
    Steps.push_back({TU, Facts, nullptr, true});
  Refused = spliceTUs(I, valueFlowConfig(Rules), Steps, *Result);
  if (!Refused.empty())
    return nullptr;
  // The next journal: every TU the snapshot's facts differ in, with those.
  for (auto &[TU, Facts] : Before)
    if (llvm::none_of(Result->Journal, [&](const auto &J) { return J.first == TU; }))
      Result->Journal.push_back({TU, std::move(Facts)});
  Before.clear();
  return Result;
}

/// How many TUs a journal may hold (MaxJournalTUs; fewer for a test that
/// would otherwise need a tree of more files than the limit).
static size_t journalLimit() {
  if (std::optional<std::string> Limit =
          llvm::sys::Process::GetEnv("KREACH_TEST_JOURNAL_LIMIT"))
    return size_t(std::atoi(Limit->c_str()));
  return MaxJournalTUs;
}

/// The index's graph, finalized under the rules' value-flow configuration:
/// read back from the graph snapshot when one was written for these very
/// facts and configuration, otherwise loaded from the index's rows (and the
/// snapshot written for the next check: SnapshotKey is set to the key to
/// write it under, and the caller writes it while it searches). ReadKey is
/// set to the key of the snapshot read when the graph is that snapshot's as
/// it is.
static llvm::Error loadFinalizedGraph(Index &I, const RuleSet &Rules, bool RefreshSummaries,
                                      TreeCheck &R, GraphPrefetch *Prefetch,
                                      SplicedGraph *Spliced, std::string &SnapshotKey,
                                      std::string &GraphToken, std::string &ReadKey) {
  ValueFlowConfig Flow = valueFlowConfig(Rules);
  std::string SnapshotPath = I.graphSnapshotPath();
  auto keyFor = [&](llvm::StringRef Token) { return snapshotKey(I, Flow, Token); };
  // The graph stands for the state Current names (empty: a TU was stored
  // meanwhile, so this graph is already older than the index, and no
  // snapshot may claim otherwise).
  auto Settle = [&](std::string Current) {
    if (!Current.empty())
      SnapshotKey = keyFor(Current);
    GraphToken = std::move(Current);
    return llvm::Error::success();
  };
  if (Spliced) {
    R.Graph = std::move(Spliced->Graph);
    R.Stats.GraphSource = "spliced";
    if (I.readOnly())
      return llvm::Error::success();
    llvm::TimeTraceScope Scope("store the effects that moved");
    llvm::Expected<std::string> Stored =
        I.replaceEffects(R.Graph, Spliced->Generation, Spliced->EffectsMoved, Spliced->Files);
    if (!Stored)
      return Stored.takeError();
    if (llvm::Error E = Settle(std::move(*Stored)))
      return E;
    // A few TUs from the snapshot read: the journal of them stands for the
    // new state, and a whole snapshot is not written.
    if (SnapshotKey.empty() || Spliced->SnapshotKey.empty() ||
        Spliced->Journal.size() > journalLimit())
      return llvm::Error::success();
    llvm::TimeTraceScope JournalScope("write the graph snapshot's journal");
    GraphJournal Journal{Spliced->SnapshotKey, SnapshotKey, std::move(Spliced->Journal)};
    if (llvm::Error E = writeGraphJournal(Journal, graphJournalPath(SnapshotPath), I.paths())) {
      R.Warnings.push_back(llvm::toString(std::move(E)) + "; writing a whole snapshot instead");
      return llvm::Error::success();
    }
    R.Stats.SnapshotWrite = "journal";
    SnapshotKey.clear();
    return llvm::Error::success();
  }
  llvm::Expected<std::string> Token = I.effectsToken();
  if (!Token)
    return Token.takeError();
  // Only a token this kreach wrote names a state of the facts; an older
  // kreach's says only that effects are stored, perhaps of another meaning.
  llvm::StringRef TokenGeneration = llvm::StringRef(*Token).split(':').first;
  bool TokenNamesFacts = Index::isCurrentEffectsToken(*Token);
  std::optional<SnapshotRead> Snapshot;
  if (Prefetch) {
    llvm::TimeTraceScope Scope("read graph snapshot (read ahead; waiting for it)");
    Snapshot = Prefetch->take(TokenNamesFacts && !RefreshSummaries ? keyFor(*Token) : "");
  }
  if (!Snapshot && TokenNamesFacts && !RefreshSummaries) {
    llvm::TimeTraceScope Scope("read graph snapshot");
    llvm::Expected<std::optional<SnapshotRead>> Read =
        readSnapshotFor(SnapshotPath, I.paths(), keyFor(*Token));
    if (Read)
      Snapshot = std::move(*Read);
    else
      R.Warnings.push_back(llvm::toString(Read.takeError()) + "; reading the index instead");
  }
  if (Snapshot && Snapshot->Journal.empty()) {
    R.Graph = std::move(Snapshot->Graph);
    R.Stats.GraphSource = "snapshot";
    GraphToken = *Token;
    ReadKey = std::move(Snapshot->BaseKey);
    return llvm::Error::success();
  }
  if (Snapshot) {
    // The snapshot of an earlier state, and the journal of the TUs patch
    // mode spliced since: the same splice again, then a whole snapshot for
    // the next check, which has no journal to apply.
    llvm::TimeTraceScope Scope("splice the graph snapshot's journal");
    SplicedGraph Journaled;
    Journaled.Graph = std::move(Snapshot->Graph);
    std::vector<SpliceStep> Steps;
    for (const auto &[TU, Facts] : Snapshot->Journal)
      Steps.push_back({TU, Facts});
    std::string Refused = spliceTUs(I, Flow, Steps, Journaled);
    if (Refused.empty()) {
      R.Graph = std::move(Journaled.Graph);
      R.Stats.GraphSource = "journal";
      if (I.readOnly()) {
        GraphToken = *Token;
        return llvm::Error::success();
      }
      return Settle(*Token);
    }
    R.Warnings.push_back("the graph snapshot's journal cannot be applied (" + Refused +
                         "); reading the index instead");
  }
  std::string Generation;
  {
    llvm::TimeTraceScope Scope("load graph from index");
    if (llvm::Error E = I.loadGraph(R.Graph, &Generation))
      return E;
  }
  {
    llvm::TimeTraceScope Scope("finalize graph (value flow)");
    R.Graph.finalize(Flow);
  }
  R.Stats.GraphSource = "index";
  // A value fact that does not decode was not written by kreach: the graph
  // would be missing its calls, so the check fails instead of passing.
  if (size_t Bad = R.Graph.valueFlow().Malformed)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "index '" + I.path() + "' holds " + std::to_string(Bad) +
                                       " malformed value-flow fact" + (Bad == 1 ? "" : "s") +
                                       "; run 'kreach index --rebuild'");
  if (I.readOnly())
    return llvm::Error::success();
  std::string Current;
  if (TokenNamesFacts && TokenGeneration == Generation && !RefreshSummaries) {
    Current = *Token;
  } else {
    llvm::TimeTraceScope Scope("store effects");
    llvm::Expected<std::string> Stored = I.storeEffects(R.Graph, Generation);
    if (!Stored)
      return Stored.takeError();
    Current = std::move(*Stored);
  }
  return Settle(std::move(Current));
}

/// Whether each incremental search is checked against a whole one (tests).
static bool verifyIncrementalSearches() {
  static const bool Verify = llvm::sys::Process::GetEnv("KREACH_VERIFY_SEARCHES").has_value();
  return Verify;
}

/// The index's note of the state of the facts a rule set's summaries were
/// last stored for (an effects token): a check under another configuration
/// may have changed the facts since, and a splice may update only the rows
/// of a set that was current for its base.
static std::string summaryStateKey(llvm::StringRef Fingerprint) {
  return ("summaries_for:" + Fingerprint).str();
}

llvm::Expected<TreeCheck> checkTree(Index &I, const RuleSet &Rules, const PathMapper &Paths,
                                    bool IncludeAllowed, bool RefreshSummaries,
                                    StepsFor Needed, GraphPrefetch *Prefetch,
                                    SplicedGraph *Spliced) {
  auto Start = std::chrono::steady_clock::now();
  TreeCheck R;
  std::string SnapshotKey, GraphToken, ReadKey;
  if (llvm::Error E = loadFinalizedGraph(I, Rules, RefreshSummaries, R, Prefetch, Spliced,
                                         SnapshotKey, GraphToken, ReadKey))
    return std::move(E);
  // The searches of a graph that is (or is about to be) a snapshot's are
  // kept beside it for patch mode to start from.
  std::string SearchesKey = I.readOnly() ? "" : !SnapshotKey.empty() ? SnapshotKey : ReadKey;
  if (Spliced && !Spliced->SearchesError.empty()) {
    // Dropped, so that the next check that has the snapshot's searches
    // writes them again.
    R.Warnings.push_back(Spliced->SearchesError + "; searching the whole graph");
    if (!I.readOnly())
      llvm::sys::fs::remove(graphSearchesPath(I.graphSnapshotPath()));
  }
  // Whether a rule set's stored summaries are those of the facts as the
  // graph has them (or, for a spliced graph, as its base had them).
  auto SummariesOf = [&](llvm::StringRef Fingerprint) -> llvm::Expected<std::string> {
    return I.meta(summaryStateKey(Fingerprint));
  };
  // The snapshot for the next check is written on a thread of its own while
  // this one searches: both only read the graph.
  std::string SnapshotError;
  llvm::DefaultThreadPool SnapshotWriter(llvm::hardware_concurrency(1));
  // Computed once, on this thread, before the writer and the stats both
  // read it.
  (void)R.Graph.indirectPrecision();
  if (!SnapshotKey.empty())
    SnapshotWriter.async([&] {
      llvm::TimeTraceScope Scope("write graph snapshot");
      if (llvm::Error E = writeGraphSnapshot(R.Graph, I.graphSnapshotPath(), SnapshotKey))
        SnapshotError = llvm::toString(std::move(E)) + "; the next check reads the index again";
      else // The journal extended the snapshot replaced.
        llvm::sys::fs::remove(graphJournalPath(I.graphSnapshotPath()));
    });
  if (!SnapshotKey.empty())
    R.Stats.SnapshotWrite = "whole";
  // Each rule's question is answered on its own, so the rules run side by
  // side (the graph and the reverse edges are shared, read only); rules
  // whose specs come out the same (the fence-wait rules block every rule's
  // root fields, so theirs usually do) share one search. What touches the
  // index stays on this thread, in rule order.
  struct RuleWork {
    const Rule *TheRule;
    ReachSpec Spec;
    std::vector<SinkStep> Steps;
    std::vector<Finding> Found;
    llvm::DenseSet<NodeId> Roots;
    size_t SameAs = ~size_t(0); ///< An earlier rule with the same spec.
    bool NeedsSteps = false;
    bool Incremental = false; ///< Steps updated from the snapshot's.
  };
  std::vector<RuleWork> Work;
  for (const Rule *Rl : Rules.ofKind(RuleKind::Reachability))
    Work.push_back({Rl, {}, {}, {}, {}});
  // Shared with the writer of the searches, which keeps it with them.
  std::shared_ptr<ReverseEdges> Reverse;
  bool ReverseUpdated = false;
  // What the reverse index and the searches are updated for, once for both.
  std::vector<NodeId> SpliceChanged;
  if (Spliced)
    SpliceChanged =
        changedSources(R.Graph, Spliced->SnapshotNodes, Spliced->TouchedSinceSnapshot);
  std::vector<NodeId> Affected;
  // The stats' count of call edges (under the first rule's spec): a pass
  // over every edge, made beside the searches instead of after them.
  EdgeCounts EdgeTotals;
  {
    llvm::DefaultThreadPool Pool(llvm::hardware_concurrency());
    {
      llvm::TimeTraceScope Scope("reverse edges and rule specs");
      Pool.async([&] {
        if (Spliced && Spliced->SnapshotReverse) {
          Reverse = std::make_shared<ReverseEdges>(std::move(*Spliced->SnapshotReverse));
          Spliced->SnapshotReverse.reset();
          Reverse->update(R.Graph, SpliceChanged);
          ReverseUpdated = true;
          R.Stats.ReverseIndex = Spliced->SnapshotReverseStored ? "stored" : "updated";
        } else {
          Reverse = std::make_shared<ReverseEdges>(R.Graph);
          R.Stats.ReverseIndex = "built";
        }
      });
      for (RuleWork &W : Work)
        Pool.async([&] { W.Spec = reachSpec(R.Graph, *W.TheRule); });
      Pool.wait();
    }
    // A rule's search is needed for its roots' findings, for summaries
    // about to be written, or for an explanation; a rule with no root in
    // this tree needs it for neither of the first two.
    for (RuleWork &W : Work)
      Pool.async([&] { W.Roots = rootsOf(R.Graph, *W.TheRule); });
    Pool.wait();
    for (RuleWork &W : Work) {
      W.NeedsSteps = Needed == StepsFor::EveryFunction || !W.Roots.empty();
      if (W.NeedsSteps || I.readOnly())
        continue;
      llvm::Expected<bool> Has = I.hasSummaries(W.TheRule->summaryFingerprint());
      if (!Has)
        return Has.takeError();
      llvm::Expected<std::string> Of = SummariesOf(W.TheRule->summaryFingerprint());
      if (!Of)
        return Of.takeError();
      W.NeedsSteps = RefreshSummaries || !*Has || GraphToken.empty() || *Of != GraphToken;
    }
    // A check that writes a whole snapshot runs every search, so that patch
    // mode finds each one stored (its summaries may need a rule this check
    // would not search); beside the snapshot's write, it costs little.
    if (!SnapshotKey.empty() && !I.readOnly())
      for (RuleWork &W : Work)
        W.NeedsSteps = true;
    for (size_t I = 0; I < Work.size(); ++I)
      for (size_t J = 0; J < I && Work[I].SameAs == ~size_t(0); ++J)
        if (Work[J].SameAs == ~size_t(0) && Work[J].Spec.MaskBits == Work[I].Spec.MaskBits &&
            Work[J].Spec.Roles == Work[I].Spec.Roles)
          Work[I].SameAs = J;
    {
      llvm::TimeTraceScope Scope("searches from the sinks");
      // A search shared by rules runs when any of them needs it.
      for (RuleWork &W : Work)
        if (W.SameAs != ~size_t(0) && W.NeedsSteps)
          Work[W.SameAs].NeedsSteps = true;
      // Each search's stored result, if the snapshot's searches hold one for
      // its spec, handed out here, before the searches run side by side.
      for (RuleWork &W : Work)
        if (Spliced && W.SameAs == ~size_t(0) && W.NeedsSteps)
          for (StoredSearch &S : Spliced->SnapshotSearches)
            if (!S.Steps.empty() && S.Steps.size() == Spliced->SnapshotNodes &&
                S.Spec == specFingerprint(W.Spec, S.Steps.size())) {
              W.Steps = std::move(S.Steps);
              W.Incremental = true;
              break;
            }
      if (!Work.empty())
        Pool.async([&] {
          llvm::TimeTraceScope Scope("count the edges");
          EdgeTotals = countEdges(R.Graph, Work.front().Spec);
        });
      for (RuleWork &W : Work)
        if (W.SameAs == ~size_t(0) && W.NeedsSteps)
          Pool.async([&] {
            W.Steps = W.Incremental ? updateSinkSteps(R.Graph, W.Spec, *Reverse,
                                                      std::move(W.Steps), SpliceChanged)
                                    : computeSinkSteps(R.Graph, W.Spec, *Reverse);
          });
      Pool.wait();
    }
    if (ReverseUpdated && verifyIncrementalSearches() && !(*Reverse == ReverseEdges(R.Graph)))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "internal error: the reverse edges updated for the splice "
                                     "differ from those of the spliced graph");
    std::vector<const RuleWork *> Searched;
    for (RuleWork &W : Work) {
      if (W.SameAs != ~size_t(0) || !W.NeedsSteps)
        continue;
      ++(W.Incremental ? R.Stats.IncrementalSearches : R.Stats.WholeSearches);
      // A test's check that the update agrees with a whole search.
      if (W.Incremental && verifyIncrementalSearches()) {
        std::vector<SinkStep> Whole = computeSinkSteps(R.Graph, W.Spec, *Reverse);
        for (NodeId N = 0; N < Whole.size(); ++N)
          if (Whole[N].Dist != W.Steps[N].Dist || Whole[N].Next != W.Steps[N].Next ||
              Whole[N].EdgeIndex != W.Steps[N].EdgeIndex)
            return llvm::createStringError(
                llvm::inconvertibleErrorCode(),
                "internal error: the incremental search of %s differs from a whole search at "
                "%s",
                W.TheRule->name().c_str(), R.Graph.node(N).Key.c_str());
      }
      if (!SearchesKey.empty())
        Searched.push_back(&W);
    }
    std::vector<uint64_t> Specs;
    for (const RuleWork *W : Searched)
      Specs.push_back(specFingerprint(W->Spec));
    std::string SearchesPath = graphSearchesPath(I.graphSnapshotPath());
    if (!Searched.empty() && !holdsGraphSearches(SearchesPath, SearchesKey, Specs)) {
      // The writer's own copy: the steps move on to the check's result.
      std::vector<StoredSearch> ToStore;
      for (size_t K = 0; K < Searched.size(); ++K)
        ToStore.push_back({Specs[K], Searched[K]->Steps});
      // With the reverse index they ran on: like them, of the graph of the
      // snapshot the key names.
      SnapshotWriter.async([&SnapshotError, Path = SearchesPath, Key = SearchesKey,
                            Searches = std::move(ToStore),
                            Kept = std::shared_ptr<const ReverseEdges>(Reverse)] {
        llvm::TimeTraceScope Scope("write the graph's searches");
        if (llvm::Error E = writeGraphSearches(Path, Key, Searches, Kept.get()))
          if (SnapshotError.empty())
            SnapshotError = llvm::toString(std::move(E)) + "; patch mode searches in full";
      });
    }
    for (RuleWork &W : Work)
      if (W.SameAs != ~size_t(0) && W.NeedsSteps)
        W.Steps = Work[W.SameAs].Steps;
    // A spliced graph differs from the one the summaries were stored for
    // only where it was touched: the rows that can differ are those of the
    // nodes reaching a touched one, and of those whose positions moved.
    if (Spliced) {
      llvm::TimeTraceScope Scope("nodes the splice can affect");
      std::vector<NodeId> Reaching = Reverse->reaching(Spliced->Touched);
      std::set_union(Reaching.begin(), Reaching.end(), Spliced->Moved.begin(),
                     Spliced->Moved.end(), std::back_inserter(Affected));
    }
    // Allowed chains are found even when not listed: the per-rule stats say
    // how many the allowed paths excuse.
    llvm::TimeTraceScope Scope("findings");
    for (RuleWork &W : Work)
      if (!W.Roots.empty())
        Pool.async([&] {
          W.Found = findFindings(
              R.Graph, W.Spec, W.Steps, *W.TheRule,
              [&](llvm::StringRef F) { return Paths.relative(F); }, /*IncludeAllowed=*/true);
        });
    Pool.wait();
  }
  llvm::TimeTraceScope Scope("summaries and stats");
  llvm::DenseSet<NodeId> AllRoots;
  llvm::StringSet<> Refreshed;
  for (RuleWork &W : Work) {
    const Rule *Rl = W.TheRule;
    if (R.Rules.empty()) {
      R.Stats.CallEdges = EdgeTotals.Calls;
      R.Stats.UnresolvedIndirectCalls = EdgeTotals.UnresolvedIndirectCalls;
    }
    // Rules with the same sinks and boundaries share one set of summaries. A
    // read-only index keeps its summaries; the findings below come from the
    // graph itself either way.
    std::string Fingerprint = Rl->summaryFingerprint();
    if (!I.readOnly() && Refreshed.insert(Fingerprint).second) {
      llvm::Expected<bool> Has = I.hasSummaries(Fingerprint);
      if (!Has)
        return Has.takeError();
      llvm::Expected<std::string> Of = SummariesOf(Fingerprint);
      if (!Of)
        return Of.takeError();
      // NeedsSteps said yes to exactly this, above.
      if ((RefreshSummaries || !*Has || GraphToken.empty() || *Of != GraphToken) &&
          W.NeedsSteps) {
        // Only the rows a splice can have changed, if the set was the base's.
        // Past a fraction of the graph, reading every row in one pass is
        // cheaper than looking each up.
        bool OfBase = Spliced && *Has && !Spliced->BaseToken.empty() &&
                      *Of == Spliced->BaseToken && Affected.size() * 8 < R.Graph.size();
        llvm::ArrayRef<NodeId> Only(Affected);
        llvm::TimeTraceScope Scope("store summaries", Rl->name());
        llvm::Expected<SummaryWrite> Stored = I.storeSummaries(
            R.Graph, W.Steps, Fingerprint, Rl->name(), OfBase ? &Only : nullptr);
        if (!Stored)
          return Stored.takeError();
        if (!GraphToken.empty())
          if (llvm::Error E = I.setMeta(summaryStateKey(Fingerprint), GraphToken))
            return std::move(E);
        R.Stats.SummaryRowsWritten += Stored->Written;
        R.Stats.SummaryRowsRemoved += Stored->Removed;
        R.Stats.SummaryRowsKept += Stored->Kept;
      }
    }
    RuleStats &RS = R.Stats.Rules.emplace_back();
    RS.Name = Rl->name();
    RS.Roots = W.Roots.size();
    AllRoots.insert(W.Roots.begin(), W.Roots.end());
    for (const Finding &F : W.Found)
      ++(F.Allowed ? RS.Allowed : RS.Findings);
    if (!IncludeAllowed)
      llvm::erase_if(W.Found, [](const Finding &F) { return F.Allowed; });
    llvm::append_range(R.Findings, std::move(W.Found));
    R.Rules.push_back({Rl, std::move(W.Steps), RS.Roots});
  }
  sortFindings(R.Findings);

  const ValueFlowStats &Flow = R.Graph.valueFlow();
  R.Stats.BoundCalls = Flow.BoundCalls;
  R.Stats.TypeFallbacks = Flow.TypeFallbacks;
  R.Stats.RegistryCalls = Flow.RegistryCalls;
  for (unsigned K = 0; K < NumUnresolvedKinds; ++K)
    R.Stats.Unresolved[K] = Flow.Unresolved[K];
  R.Stats.Precision = R.Graph.indirectPrecision();

  llvm::Expected<IndexCounts> Counts = [&] {
    llvm::TimeTraceScope Scope("count the index's functions");
    return I.counts(Index::CountScope::Functions);
  }();
  if (!SnapshotKey.empty()) {
    // What of the write the searches did not cover.
    llvm::TimeTraceScope Scope("write graph snapshot", "waiting for its thread");
    SnapshotWriter.wait();
  }
  if (!SnapshotError.empty())
    R.Warnings.push_back(std::move(SnapshotError));
  if (!Counts)
    return Counts.takeError();
  R.Stats.TUs = Counts->TUs;
  R.Stats.FailedTUs = Counts->FailedTUs;
  R.Stats.Functions = Counts->Functions;
  R.Stats.Roots = AllRoots.size();
  R.Stats.CheckSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - Start).count();
  return std::move(R);
}

static void noteReadError(llvm::Error E, std::string *ReadError) {
  std::string Message = llvm::toString(std::move(E));
  if (ReadError && ReadError->empty())
    *ReadError = Message;
}

bool continueFromIndex(Index &I, llvm::StringRef Fingerprint, llvm::StringRef Key,
                       std::vector<Hop> &Chain, std::string &SinkName,
                       std::string *ReadError) {
  std::string Cur = Key.str();
  // Summaries strictly decrease in distance, so this ends; the bound guards
  // against an index edited by hand.
  for (unsigned Guard = 0; Guard < 10000; ++Guard) {
    llvm::Expected<std::optional<SummaryRow>> Row = I.summary(Fingerprint, Cur);
    if (!Row) {
      noteReadError(Row.takeError(), ReadError);
      return false;
    }
    if (!*Row)
      return false;
    if ((*Row)->NextName.empty()) {
      SinkName = (*Row)->Name;
      return true;
    }
    // Keys as a user reads them: a masked node's is its function's.
    Hop H;
    H.Caller = (*Row)->Name;
    H.CallerKey = maskedBaseKey(Cur).str();
    H.Site = (*Row)->Site;
    for (const SummaryRow::Step &Step : (*Row)->Through) {
      H.Callee = Step.Name;
      H.CalleeKey = Step.Key;
      Chain.push_back(H);
      H.Caller = Step.Name;
      H.CallerKey = Step.Key;
      H.Site = Step.Site;
    }
    H.Callee = (*Row)->NextName;
    H.CalleeKey = maskedBaseKey((*Row)->NextKey).str();
    H.Via = (*Row)->Via;
    H.Mask = (*Row)->Mask;
    Chain.push_back(std::move(H));
    if ((*Row)->NextKey.empty()) {
      // A call through a field that is itself the sink.
      SinkName = (*Row)->NextName;
      return true;
    }
    Cur = (*Row)->NextKey;
  }
  return false;
}

/// Every value a TU graph's value facts name (a write's target flagged),
/// and those of the effects it read for functions defined elsewhere.
static void forEachValue(const CallGraph &G, llvm::ArrayRef<NodeId> Outside,
                         llvm::function_ref<void(const FlowValue &, bool Target)> Each) {
  for (const CallGraph::ValueCallRow &V : G.valueCalls())
    Each(V.Value, false);
  for (const CallGraph::ArgumentRow &A : G.arguments())
    Each(A.Value, false);
  for (const CallGraph::ReturnRow &Ret : G.returns())
    Each(Ret.Value, false);
  for (const CallGraph::AssignRow &A : G.assigns()) {
    Each(A.Target, true);
    Each(A.Value, false);
  }
  for (NodeId N : Outside)
    for (const ValueEffect &E : G.pendingEffectsOf(N)) {
      Each(E.A, false);
      Each(E.B, false);
    }
}

/// What the index knows of the rest of the tree that a TU's graph needs for
/// its value flow: what functions defined elsewhere do with the values the
/// TU passes them, what they return, what the globals the TU names hold, and
/// the stores into the fields its calls and values go through. With R, the
/// stores are those R's search needs (and registrations of roots the TU
/// defines); without, every store into those fields.
static void addIndexContext(CallGraph &G, const TUFacts &Facts, Index &I, const Rule *R,
                            llvm::ArrayRef<std::string> OwnInputs, std::string &ReadError) {
  // What functions defined elsewhere do with the values this TU passes
  // them, what they return, and what the globals it names hold.
  std::vector<NodeId> Outside;
  for (NodeId N = 0; N < G.size(); ++N)
    if (G.node(N).Kind == NodeKind::Function && !G.node(N).Defined)
      Outside.push_back(N);
  if (llvm::Error E = I.loadEffects(G, Outside))
    noteReadError(std::move(E), &ReadError);
  if (llvm::Error E = I.loadReturns(G, Outside))
    noteReadError(std::move(E), &ReadError);
  // What the globals the values name hold.
  llvm::StringSet<> Globals;
  forEachValue(G, Outside, [&](const FlowValue &V, bool Target) {
    if (V.Kind == FlowValue::Base::Global && !Target)
      Globals.insert(V.Name);
  });
  std::vector<std::string> GlobalKeys;
  for (const auto &K : Globals)
    GlobalKeys.push_back(K.getKey().str());
  llvm::sort(GlobalKeys);
  if (llvm::Error E = I.loadGlobals(G, GlobalKeys))
    noteReadError(std::move(E), &ReadError);
  // Targets stored into the fields this TU calls through, tree-wide, and
  // into every field its values (those globals' included) go through: a
  // call may fall back to the field's stores.
  llvm::StringSet<> CalledFields;
  for (const IndirectCallFact &C : Facts.IndirectCalls)
    CalledFields.insert(C.Field);
  for (const CallGraph::ArgumentRow &A : G.arguments())
    for (const std::string &F : A.Part)
      CalledFields.insert(F);
  forEachValue(G, Outside, [&](const FlowValue &V, bool) {
    for (const std::string &F : V.Path)
      CalledFields.insert(F);
  });
  auto Stores = I.stores([&](llvm::StringRef Field) {
    if (!R)
      return CalledFields.count(Field) != 0;
    return (CalledFields.count(Field) && !R->isAsyncField(Field)) || R->isRootField(Field);
  });
  // The TU speaks for every file it read: the index's stores there are an
  // older copy of the TU's own.
  llvm::StringSet<> OwnFiles;
  for (const std::string &F : OwnInputs)
    OwnFiles.insert(F);
  if (Stores) {
    for (const StoreRow &S : *Stores) {
      if (OwnFiles.count(S.Site.File))
        continue;
      bool Root = R && R->isRootField(S.Field) && !CalledFields.count(S.Field);
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
}

std::unique_ptr<TUGraph> buildTUGraph(const TUFacts &Facts, Index *I, const Rule &R,
                                      std::string &ReadError, std::string *MissingSummaries,
                                      const ValueFlowConfig &Flow) {
  auto Result = std::make_unique<TUGraph>();
  CallGraph &G = Result->G;
  G.addFacts(Facts);
  std::vector<std::pair<NodeId, uint32_t>> Seeds;
  std::string Fingerprint = R.summaryFingerprint();
  if (I) {
    if (llvm::Expected<bool> Has = I->hasSummaries(Fingerprint); !Has)
      noteReadError(Has.takeError(), &ReadError);
    else if (!*Has) {
      std::string &Problem = MissingSummaries ? *MissingSummaries : ReadError;
      if (Problem.empty())
        Problem = "index '" + I->path() + "' holds no call summaries for rule '" + R.name() +
                  "' with this configuration's sinks and boundaries; run 'kreach check' "
                  "with the same configuration to add them";
    }
    addIndexContext(G, Facts, *I, &R, Facts.Inputs, ReadError);
  }
  G.finalize(Flow);
  // Everything the TU reaches but does not define (value flow adds targets
  // of its own) is seeded from the index's summaries.
  if (I)
    for (NodeId N = 0; N < G.size(); ++N) {
      if (G.node(N).Kind != NodeKind::Function || G.node(N).Defined)
        continue;
      llvm::Expected<std::optional<SummaryRow>> Row = I->summary(Fingerprint, G.node(N).Key);
      if (!Row) {
        noteReadError(Row.takeError(), &ReadError);
        continue;
      }
      if (*Row && (*Row)->Dist > 0)
        Seeds.push_back({N, (*Row)->Dist});
    }
  Result->Spec = reachSpec(G, R);
  Result->Steps = computeSinkSteps(G, Result->Spec, Seeds);
  Result->Fingerprint = Fingerprint;
  return Result;
}

bool chainFrom(const TUGraph &T, Index *I, NodeId From, std::vector<Hop> &Chain,
               std::string &SinkName, std::string *ReadError) {
  if (From >= T.G.size() || !T.Steps[From].reaches())
    return false;
  std::vector<PathHop> Path = shortestPath(T.G, T.Steps, From);
  for (const PathHop &P : Path)
    Chain.push_back(toHop(T.G, P));
  NodeId Last = Path.empty() ? From : Path.back().Callee;
  SinkName = T.G.node(Last).Name;
  if (T.Steps[Last].Dist == 0)
    return true;
  // The chain ends at a seed: its continuation lives in the index.
  return I && continueFromIndex(*I, T.Fingerprint, T.G.node(Last).Key, Chain, SinkName,
                                ReadError);
}

std::vector<Finding> checkTU(const TUFacts &Facts, Index *I, const Rule &R,
                             const PathMapper &Paths, bool IncludeAllowed,
                             std::string &ReadError, std::string *MissingSummaries,
                             const ValueFlowConfig &Flow) {
  std::unique_ptr<TUGraph> T = buildTUGraph(Facts, I, R, ReadError, MissingSummaries, Flow);
  auto Continue = [&](const Node &Seed, std::vector<Hop> &Chain, std::string &Sink) {
    return I && continueFromIndex(*I, T->Fingerprint, Seed.Key, Chain, Sink, &ReadError);
  };
  return findFindings(
      T->G, T->Spec, T->Steps, R, [&](llvm::StringRef F) { return Paths.relative(F); },
      IncludeAllowed, Continue);
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
  // The index's paths are relative to the root: resolved against the one
  // found here, wherever the index was made.
  if (T.Idx)
    T.Idx->usePaths(T.Paths.mapper());
  return T;
}

} // namespace kreach
