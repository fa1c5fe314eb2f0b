//===- kreach/Index.h - The SQLite store of per-TU facts ------------------===//
//
// One database per build tree. Each TU's facts are replaced in one
// transaction, so an interrupted run keeps every TU it finished and never
// leaves half of one. Function bodies are stored once per function key, so a
// header inline included by a thousand TUs costs one copy of its calls.
//
// Concurrency: one writer at a time, serialized by an OS lock on
// "<index>.lock" (a second writer waits, bounded); any number of readers,
// which never block the writer and never see half a TU (WAL while a writer
// runs; the writer folds the log back into the file when it closes, so the
// file stands alone and can be read from a read-only directory).
//
//===----------------------------------------------------------------------===//
#ifndef KREACH_INDEX_H
#define KREACH_INDEX_H

#include "kreach/Facts.h"
#include "kreach/FactsRecord.h"
#include "kreach/Graph.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"
#include <chrono>
#include <memory>
#include <optional>

struct sqlite3;
struct sqlite3_stmt;

namespace kreach {

class Statement;
class Transaction;

/// Bumped whenever the schema or the meaning of stored facts changes.
/// 7: paths relative to the source root.
/// 8: TUs stamped by their inputs' contents; files keep their last stamp.
constexpr int IndexSchemaVersion = 8;

/// An input as a TU read it (see FileStamp: its content decides).
using InputStamp = FileStamp;

struct TUState {
  std::string File;
  std::string Directory;
  std::string CommandHash;
  bool Failed = false;
  std::string Error;
  /// The files the TU read. Stored by storeTU: their contents as StampHash,
  /// each file's stamp (where its time vouches for its content) as the
  /// index's last sight of that file. Read back by tuStates() with those
  /// last sights, which need not be what this TU read.
  std::vector<InputStamp> Inputs;
  /// From tuStates(): inputStampHash() of the stamps the TU was parsed with.
  /// Given to storeTU, it is stored as is instead of one computed from
  /// Inputs (a TU copied from another index, whose stamps that index keeps
  /// by their hash only).
  uint64_t StampHash = 0;
  /// From tuStatesVerified(), which leaves Inputs empty: an input differs
  /// from the file as it is now, or the TU records none.
  bool InputsChanged = false;
};

/// One number for a TU's inputs (their contents, in order): the index keeps
/// it, and each input's file id, instead of every stamp.
uint64_t inputStampHash(llvm::ArrayRef<InputStamp> Inputs);

/// What storing a set of summaries did to its rows.
struct SummaryWrite {
  uint64_t Written = 0, Removed = 0, Kept = 0;
};

struct SummaryRow {
  std::string Key, Name;
  uint32_t Dist = 0;
  /// Both empty at a sink. A call through a field that is itself the sink
  /// has the field's name and no key.
  std::string NextKey, NextName;
  SourcePos Site;
  std::string Via;
  std::string Mask; ///< For a call passing a flag mask: the mask as written.
  /// For a call bound through callees (a hoisted effect): those callees and
  /// where each makes the next call, outermost first. The hop is then Key
  /// calls Through[0] at Site, ..., Through[n-1] calls Next at its Site.
  struct Step {
    std::string Key, Name;
    SourcePos Site;
  };
  std::vector<Step> Through;
};

struct StoreRow {
  std::string Field;
  std::string TargetKey, TargetName;
  SourcePos Site;
  SourcePos TargetDef; ///< Invalid when the target is not defined in the index.
};

struct IndexCounts {
  uint64_t TUs = 0, FailedTUs = 0, Functions = 0, Calls = 0, IndirectCalls = 0,
           Stores = 0;
};

struct IndexOpenOptions {
  /// ReadWrite: how long to wait for another writer's lock before giving up.
  std::chrono::milliseconds LockTimeout = std::chrono::minutes(10);
  /// ReadWrite: where the one "waiting for ..." line goes; null for nowhere.
  llvm::raw_ostream *Log = &llvm::errs();
  /// ReadWrite: start afresh in "<index>.rebuild" beside the old index, which
  /// readers keep seeing; close() moves the new one over it once a full
  /// indexing run has marked it complete (setComplete). An interrupted
  /// rebuild leaves the old index as it was.
  bool Rebuild = false;
  /// What the index's paths are relative to (PathMapper): the tree as it
  /// is now, wherever the index was made (see Index::usePaths()). Empty:
  /// the root and build directory the index recorded.
  std::string SourceRoot, BuildDir;
  /// Other spellings of those two (ProjectPaths::Spellings).
  std::vector<PathSpelling> Spellings;
};

class Index {
public:
  enum class Mode { ReadOnly, ReadWrite };

  /// Opens (ReadWrite: creates) the index. A file that is not a kreach index,
  /// or one written by another schema version, is an error and is left as is.
  /// ReadWrite takes the writer lock first (see IndexOpenOptions); errors
  /// that do not mean the file is damaged (cannot open, read-only, busy,
  /// lock timeout) never advise removing it.
  static llvm::Expected<std::unique_ptr<Index>>
  open(llvm::StringRef Path, Mode M, const IndexOpenOptions &Opts = IndexOpenOptions());
  /// Calls close(); an error there is printed to the open options' Log.
  ~Index();

  /// ReadWrite: folds the write-ahead log into the file and leaves it in
  /// rollback-journal mode (best effort while readers hold it open), moves a
  /// complete rebuild over the old index, and releases the writer lock.
  /// Idempotent; the index is unusable afterwards.
  llvm::Error close();

  /// The file this index reads and writes (for a rebuild, until close(),
  /// the new file beside the final one).
  const std::string &path() const { return Path; }
  bool readOnly() const { return M == Mode::ReadOnly; }

  /// Whether the last full indexing run over this index finished (false
  /// while one runs, after one was interrupted, and for indexes written
  /// before kreach recorded it). Readers use it to fail closed.
  llvm::Expected<bool> isComplete();
  llvm::Error setComplete(bool Complete);

  /// Reads between begin and end see one state of the index, whatever a
  /// writer commits meanwhile. Nests; loadGraph takes one by itself.
  llvm::Error beginSnapshot();
  llvm::Error endSnapshot();

  /// Fault injection for tests: the process dies, mid-transaction, while
  /// storing the TU after the first N. Set from KREACH_TEST_CRASH_AFTER_TUS.
  void crashBeforeCommitAfter(unsigned StoredTUs) { CrashAfter = StoredTUs; }

  /// Every TU's state, or only those of the given main files; inputs are
  /// listed with the index's last stamp of each file, the TU's as
  /// TUState::StampHash.
  llvm::Expected<llvm::StringMap<TUState>>
  tuStates(llvm::ArrayRef<std::string> OnlyFiles = {});
  /// Main files of the TUs that read any of Paths (absolute), or are one.
  /// Every TU's state with its inputs verified against Now (each distinct
  /// file asked once, given the index's last stamp of it, Size -1 for none)
  /// instead of listed: a kernel's TUs read some 760 files each, and one
  /// string per stamp would cost more than the comparison. The stamps Now
  /// returns that differ from the stored ones are kept for
  /// storeFileStamps().
  llvm::Expected<llvm::StringMap<TUState>> tuStatesVerified(
      llvm::function_ref<FileStamp(llvm::StringRef Path, const FileStamp &Known)> Now);
  /// ReadWrite: stores what the last tuStatesVerified() saw of files whose
  /// stamp changed (a checkout or a copy that kept their contents), so the
  /// next run compares times again instead of reading them.
  llvm::Error storeFileStamps();
  llvm::Expected<std::vector<std::string>> tusReading(llvm::ArrayRef<std::string> Paths);
  /// The main file of every TU the index holds.
  llvm::Expected<std::vector<std::string>> tuFiles();
  /// Records a TU. With Facts, replaces its facts; without (the TU failed and
  /// produced nothing usable), keeps whatever facts it had.
  llvm::Error storeTU(const TUState &State, const TUFacts *Facts);
  /// The facts of the TU of main file File, as storeTU stored them (the
  /// bodies of its functions as the index holds them, its file-scope facts);
  /// its Inputs are left to tuStates().
  llvm::Expected<TUFacts> loadTUFacts(llvm::StringRef File);
  /// Forgets a TU that left the compilation database.
  llvm::Error removeTU(llvm::StringRef File);

  /// Generation: the facts' generation the graph was read at (see
  /// generation()).
  llvm::Error loadGraph(CallGraph &G, std::string *Generation = nullptr);
  /// Changes with every TU whose facts are stored or removed.
  llvm::Expected<std::string> generation();
  /// A no-op for a ReadOnly index: summaries are a cache its writer refreshes.
  /// Summaries are kept per Fingerprint (a rule's sinks and boundaries), so
  /// rules and configurations sharing one index never overwrite each
  /// other's; the index keeps the most recently stored few.
  /// Only the rows that differ from the stored set are written or removed.
  /// With Only, the rows of those nodes alone are read, compared and
  /// written: the caller knows no other node's row can have changed.
  llvm::Expected<SummaryWrite> storeSummaries(const CallGraph &G,
                                              const std::vector<SinkStep> &Steps,
                                              llvm::StringRef Fingerprint,
                                              llvm::StringRef RuleName,
                                              llvm::ArrayRef<NodeId> *Only = nullptr);
  llvm::Expected<bool> hasSummaries(llvm::StringRef Fingerprint);
  /// The value-flow effects of every function and the registrations made
  /// anywhere (after CallGraph::finalize), replacing those stored before.
  /// A no-op for a ReadOnly index.
  /// Stores nothing, and returns an empty token, when facts were stored
  /// since G was loaded at LoadedGeneration. Otherwise returns the token
  /// that names this store (effectsToken()), or an empty one for a ReadOnly
  /// index.
  llvm::Expected<std::string> storeEffects(const CallGraph &G,
                                           llvm::StringRef LoadedGeneration);
  /// As storeEffects, but rewrites only the effects of Functions and the
  /// registrations made in File, which are all that changed since the
  /// effects were last stored (a graph spliced for a changed TU).
  llvm::Expected<std::string> replaceEffects(const CallGraph &G,
                                             llvm::StringRef LoadedGeneration,
                                             llvm::ArrayRef<NodeId> Functions,
                                             llvm::ArrayRef<std::string> Files);
  /// Whether any TU stored defines the function of Key.
  llvm::Expected<bool> definedByAnyTU(llvm::StringRef Key);
  llvm::Expected<bool> hasEffects();
  /// The token of the stored effects: empty when none are stored, and
  /// "<generation>:v<ValueFlowRevision>-<random>" when this kreach stored
  /// them. It is deleted whenever facts change, so a token names one state
  /// of the facts.
  llvm::Expected<std::string> effectsToken();
  /// Whether Token names effects this kreach stored, in its own terms (an
  /// older kreach's token says only that effects of some meaning exist).
  static bool isCurrentEffectsToken(llvm::StringRef Token);
  /// Where a check keeps the finalized graph of this index (GraphSnapshot.h).
  std::string graphSnapshotPath() const;
  /// For a per-TU check, before finalize: the stored effects of Functions
  /// (defined elsewhere) and every stored registration.
  llvm::Error loadEffects(CallGraph &G, llvm::ArrayRef<NodeId> Functions);
  /// What initializers and writes anywhere put into these globals.
  llvm::Error loadGlobals(CallGraph &G, llvm::ArrayRef<std::string> GlobalKeys);
  /// What Functions (defined elsewhere) return.
  llvm::Error loadReturns(CallGraph &G, llvm::ArrayRef<NodeId> Functions);
  llvm::Expected<std::optional<SummaryRow>> summary(llvm::StringRef Fingerprint,
                                                    llvm::StringRef Key);
  /// Every function stored into fields the predicate accepts.
  llvm::Expected<std::vector<StoreRow>>
  stores(llvm::function_ref<bool(llvm::StringRef Field)> FieldFilter);
  llvm::Expected<std::vector<StoreRow>> storesInto(llvm::StringRef Field);
  /// What the index holds. Scope TUs counts only the TUs (and the failed
  /// ones), and Functions those and the functions: each table counted is a
  /// scan (the call table is a third of a whole tree's index), and a check
  /// asks three times.
  enum class CountScope { TUs, Functions, All };
  llvm::Expected<IndexCounts> counts(CountScope Scope = CountScope::All);
  llvm::Expected<std::vector<TUState>> failedTUs();
  /// Resolves the index's paths against another root and build directory
  /// from now on (a per-TU front end finds its root after opening): the
  /// tree moved there. A root inside or around the one the index recorded
  /// is that tree seen from another root; the recorded one stays, and so
  /// does an empty one's.
  void usePaths(PathMapper Paths);
  const PathMapper &paths() const { return Portable; }
  /// Records paths() as the root and build directory the stored paths are
  /// relative to (meta source_root and build_dir), for the next opener.
  llvm::Error recordPaths();
  /// Free-form facts about the index as a whole ("source_root").
  llvm::Error setMeta(llvm::StringRef Key, llvm::StringRef Value);
  llvm::Expected<std::string> meta(llvm::StringRef Key);

private:
  Index() = default;
  llvm::Error acquireLock(const IndexOpenOptions &Opts);
  llvm::Error connect();
  llvm::Error openError(int RC, llvm::StringRef What);
  llvm::Error exec(llvm::StringRef SQL);
  llvm::Expected<sqlite3_stmt *> prepare(llvm::StringRef SQL);
  /// The cached statement for SQL, reset when the result goes out of scope.
  llvm::Expected<Statement> statement(llvm::StringRef SQL);
  /// Rolls back on scope exit unless committed, and then forgets cached ids.
  llvm::Expected<Transaction> transaction(bool Immediate);
  llvm::Error sqlError(llvm::StringRef What);
  llvm::Expected<int64_t> internSym(llvm::StringRef Key, llvm::StringRef Name);
  llvm::Expected<int64_t> internCached(llvm::StringMap<int64_t> &Cache,
                                       llvm::StringRef InsertSQL,
                                       llvm::StringRef SelectSQL, llvm::StringRef Value);
  llvm::Expected<int64_t> internFile(llvm::StringRef Path);
  llvm::Expected<int64_t> internField(llvm::StringRef Field);
  llvm::Error deleteBody(int64_t Sym);
  llvm::Expected<llvm::StringMap<TUState>>
  selectedTUStates(llvm::ArrayRef<std::string> Files);
  llvm::Error loadTUStates(llvm::StringMap<TUState> &Result,
                           llvm::DenseMap<int64_t, TUState *> &ById);
  llvm::Error storeFacts(int64_t TU, const TUFacts &Facts);
  /// storeEffects and replaceEffects: all effects, or those of Functions
  /// and the registrations in Files.
  llvm::Expected<std::string> writeEffects(const CallGraph &G, llvm::StringRef LoadedGeneration,
                                           const llvm::ArrayRef<NodeId> *Functions,
                                           llvm::ArrayRef<std::string> Files);
  /// Inserts the I'th fact of kind K, owned by function OwnerFunc or, at
  /// file scope, by the TU OwnerTU.
  llvm::Error storeFact(const TUFacts &Facts, FactKind K, size_t I, int64_t OwnerFunc,
                        int64_t OwnerTU);
  llvm::Error initSchema();
  llvm::Error loadGraphRows(CallGraph &G);
  /// Drops every table and writes this schema's (an older index).
  llvm::Error recreateSchema();
  /// Every file's path and last stamp, by id (an empty path where no file
  /// has that id).
  llvm::Expected<std::vector<FileStamp>> fileStamps();
  /// Writes File's stamp unless the index holds that one already.
  llvm::Error storeFileStamp(int64_t File, const FileStamp &Stamp);

  std::string Path;
  /// A rebuild's destination; empty otherwise.
  std::string FinalPath;
  Mode M = Mode::ReadOnly;
  llvm::raw_ostream *Log = nullptr;
  int LockFD = -1;
  unsigned SnapshotDepth = 0;
  bool SnapshotOwned = false;
  bool Opened = false; ///< open() succeeded.
  sqlite3 *DB = nullptr;
  llvm::StringMap<sqlite3_stmt *> Statements;
  llvm::StringMap<int64_t> SymCache, FieldCache;
  /// File ids by absolute path, and by the stored path.
  llvm::StringMap<int64_t> FileCache, StoredFileCache;
  /// The stamps the file table holds, by file id, as far as this run has
  /// read or written them.
  llvm::DenseMap<int64_t, FileStamp> StoredStamps;
  /// Seen by tuStatesVerified(), not stored yet.
  std::vector<std::pair<int64_t, FileStamp>> SeenStamps;
  /// How paths are stored: relative to the source root (see usePaths()).
  PathMapper Portable;
  /// The root and build directory the index recorded.
  PathMapper Recorded;
  unsigned CrashAfter = ~0u;
  unsigned StoredTUs = 0;
};

} // namespace kreach

#endif
