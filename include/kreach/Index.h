//===- kreach/Index.h - The SQLite store of per-TU facts ------------------===//
//
// One database per build tree. Each TU's facts are replaced in one
// transaction, so an interrupted run keeps every TU it finished and never
// leaves half of one. Function bodies are stored once per function key, so a
// header inline included by a thousand TUs costs one copy of its calls.
//
//===----------------------------------------------------------------------===//
#ifndef KREACH_INDEX_H
#define KREACH_INDEX_H

#include "kreach/Facts.h"
#include "kreach/Graph.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include <memory>
#include <optional>

struct sqlite3;
struct sqlite3_stmt;

namespace kreach {

/// Bumped whenever the schema or the meaning of stored facts changes.
constexpr int IndexSchemaVersion = 2;

struct InputStamp {
  std::string Path;
  int64_t Size = -1;
  int64_t MTime = -1;
};

struct TUState {
  std::string File;
  std::string Directory;
  std::string CommandHash;
  bool Failed = false;
  std::string Error;
  std::vector<InputStamp> Inputs;
};

struct SummaryRow {
  std::string Key, Name;
  uint32_t Dist = 0;
  std::string NextKey, NextName; ///< Empty at a sink.
  SourcePos Site;
  std::string Via;
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

class Index {
public:
  enum class Mode { ReadOnly, ReadWrite };

  /// Opens (ReadWrite: creates) the index. A file that is not a kreach index,
  /// or one written by another schema version, is an error and is left as is.
  static llvm::Expected<std::unique_ptr<Index>> open(llvm::StringRef Path, Mode M);
  ~Index();

  const std::string &path() const { return Path; }

  /// Fault injection for tests: the process dies, mid-transaction, while
  /// storing the TU after the first N. Set from KREACH_TEST_CRASH_AFTER_TUS.
  void crashBeforeCommitAfter(unsigned StoredTUs) { CrashAfter = StoredTUs; }

  /// Every TU's state, or only those of the given main files.
  llvm::Expected<llvm::StringMap<TUState>>
  tuStates(llvm::ArrayRef<std::string> OnlyFiles = {});
  /// Main files of the TUs that read any of Paths (absolute), or are one.
  llvm::Expected<std::vector<std::string>> tusReading(llvm::ArrayRef<std::string> Paths);
  /// Records a TU. With Facts, replaces its facts; without (the TU failed and
  /// produced nothing usable), keeps whatever facts it had.
  llvm::Error storeTU(const TUState &State, const TUFacts *Facts);
  /// Forgets a TU that left the compilation database.
  llvm::Error removeTU(llvm::StringRef File);

  llvm::Error loadGraph(CallGraph &G);
  llvm::Error storeSummaries(const CallGraph &G, const std::vector<SinkStep> &Steps,
                             llvm::StringRef PolicyFingerprint);
  llvm::Expected<std::string> summaryFingerprint();
  llvm::Expected<std::optional<SummaryRow>> summary(llvm::StringRef Key);
  /// Every function stored into fields the predicate accepts.
  llvm::Expected<std::vector<StoreRow>>
  stores(llvm::function_ref<bool(llvm::StringRef Field)> FieldFilter);
  llvm::Expected<std::vector<StoreRow>> storesInto(llvm::StringRef Field);
  llvm::Expected<IndexCounts> counts();
  llvm::Expected<std::vector<TUState>> failedTUs();
  /// Free-form facts about the index as a whole ("source_root").
  llvm::Error setMeta(llvm::StringRef Key, llvm::StringRef Value);
  llvm::Expected<std::string> meta(llvm::StringRef Key);
  bool readOnly() const { return OpenedReadOnly; }

private:
  Index() = default;
  llvm::Error exec(llvm::StringRef SQL);
  llvm::Expected<sqlite3_stmt *> prepare(llvm::StringRef SQL);
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
  llvm::Error storeFacts(int64_t TU, const TUFacts &Facts);
  llvm::Error initSchema();

  std::string Path;
  sqlite3 *DB = nullptr;
  llvm::StringMap<sqlite3_stmt *> Statements;
  llvm::StringMap<int64_t> SymCache, FileCache, FieldCache;
  unsigned CrashAfter = ~0u;
  bool OpenedReadOnly = false;
  unsigned StoredTUs = 0;
};

} // namespace kreach

#endif
