//===- Index.cpp - The SQLite store of per-TU facts -----------------------===//

#include "kreach/Index.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/xxhash.h"
#include <cstdlib>
#include <thread>
#include <sqlite3.h>

namespace kreach {

namespace {

const char *const SchemaSQL = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE file(id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL);
CREATE TABLE sym(id INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL, name TEXT NOT NULL);
CREATE TABLE field(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL);
CREATE TABLE tu(id INTEGER PRIMARY KEY, file TEXT UNIQUE NOT NULL, directory TEXT,
                command_hash TEXT, failed INTEGER NOT NULL DEFAULT 0, error TEXT);
CREATE TABLE tu_input(tu INTEGER NOT NULL, file INTEGER NOT NULL, size INTEGER,
                      mtime INTEGER);
CREATE INDEX tu_input_tu ON tu_input(tu);
CREATE TABLE func(sym INTEGER PRIMARY KEY, file INTEGER, line INTEGER, col INTEGER,
                  internal INTEGER, body_hash TEXT);
CREATE TABLE tu_func(tu INTEGER NOT NULL, sym INTEGER NOT NULL,
                     PRIMARY KEY(tu, sym)) WITHOUT ROWID;
CREATE INDEX tu_func_sym ON tu_func(sym);
CREATE TABLE call(caller INTEGER NOT NULL, callee INTEGER NOT NULL, file INTEGER,
                  line INTEGER, col INTEGER);
CREATE INDEX call_caller ON call(caller);
CREATE TABLE icall(caller INTEGER NOT NULL, field INTEGER NOT NULL, file INTEGER,
                   line INTEGER, col INTEGER);
CREATE INDEX icall_caller ON icall(caller);
CREATE TABLE store(owner_func INTEGER NOT NULL, owner_tu INTEGER NOT NULL,
                   field INTEGER NOT NULL, target INTEGER NOT NULL, file INTEGER,
                   line INTEGER, col INTEGER);
CREATE INDEX store_owner_func ON store(owner_func);
CREATE INDEX store_owner_tu ON store(owner_tu);
CREATE INDEX store_field ON store(field);
CREATE TABLE summary_set(id INTEGER PRIMARY KEY, fingerprint TEXT UNIQUE NOT NULL,
                         rules TEXT NOT NULL, used INTEGER NOT NULL);
CREATE TABLE summary(rule_set INTEGER NOT NULL, sym INTEGER NOT NULL,
                     dist INTEGER NOT NULL, next INTEGER, file INTEGER, line INTEGER,
                     col INTEGER, via INTEGER, PRIMARY KEY(rule_set, sym)) WITHOUT ROWID;
)sql";

/// Schema 2 held one set of summaries; they are a cache, so a writer drops
/// them and keeps every fact.
const char *const MigrateFrom2SQL = R"sql(
DROP TABLE summary;
CREATE TABLE summary_set(id INTEGER PRIMARY KEY, fingerprint TEXT UNIQUE NOT NULL,
                         rules TEXT NOT NULL, used INTEGER NOT NULL);
CREATE TABLE summary(rule_set INTEGER NOT NULL, sym INTEGER NOT NULL,
                     dist INTEGER NOT NULL, next INTEGER, file INTEGER, line INTEGER,
                     col INTEGER, via INTEGER, PRIMARY KEY(rule_set, sym)) WITHOUT ROWID;
DELETE FROM meta WHERE key='summary_policy';
UPDATE meta SET value='3' WHERE key='schema';
)sql";

/// How many summary sets (distinct sinks and boundaries) an index keeps; the
/// least recently stored go first.
constexpr int MaxSummarySets = 8;

/// A call through a field that is itself the sink: its summary's next hop
/// names the field, stored as a symbol no function key can be.
constexpr llvm::StringLiteral FieldSinkPrefix = "field:";

/// Resets a cached statement when it goes out of scope.
class StmtScope {
public:
  explicit StmtScope(sqlite3_stmt *S) : S(S) {}
  ~StmtScope() {
    sqlite3_reset(S);
    sqlite3_clear_bindings(S);
  }

private:
  sqlite3_stmt *S;
};

void bindValue(sqlite3_stmt *S, int I, int64_t V) { sqlite3_bind_int64(S, I, V); }
void bindValue(sqlite3_stmt *S, int I, llvm::StringRef V) {
  sqlite3_bind_text(S, I, V.data(), V.size(), SQLITE_TRANSIENT);
}
std::string text(sqlite3_stmt *S, int Col) {
  const unsigned char *T = sqlite3_column_text(S, Col);
  return T ? std::string(reinterpret_cast<const char *>(T),
                         sqlite3_column_bytes(S, Col))
           : std::string();
}

} // namespace

Index::~Index() {
  if (llvm::Error E = close()) {
    if (Log)
      *Log << "kreach: warning: " << llvm::toString(std::move(E)) << "\n";
    else
      llvm::consumeError(std::move(E));
  }
}

llvm::Error Index::sqlError(llvm::StringRef What) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "index '" + Path + "': " + What.str() + ": " +
                                     sqlite3_errmsg(DB));
}

llvm::Error Index::exec(llvm::StringRef SQL) {
  char *Msg = nullptr;
  if (sqlite3_exec(DB, SQL.str().c_str(), nullptr, nullptr, &Msg) != SQLITE_OK) {
    std::string M = Msg ? Msg : "unknown error";
    sqlite3_free(Msg);
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "index '" + Path + "': " + M);
  }
  return llvm::Error::success();
}

llvm::Expected<sqlite3_stmt *> Index::prepare(llvm::StringRef SQL) {
  auto It = Statements.find(SQL);
  if (It != Statements.end())
    return It->second;
  sqlite3_stmt *S = nullptr;
  if (sqlite3_prepare_v2(DB, SQL.data(), SQL.size(), &S, nullptr) != SQLITE_OK)
    return sqlError("cannot prepare query");
  Statements[SQL] = S;
  return S;
}

namespace {

/// How long a connection waits for another one's SQLite lock. Writers hold
/// them for one TU's transaction, readers for one snapshot; a checkpoint or
/// a journal-mode switch waits for both.
constexpr int BusyTimeoutMs = 60000;

bool isDamaged(int RC) {
  RC &= 0xff;
  return RC == SQLITE_NOTADB || RC == SQLITE_CORRUPT;
}

std::string notAnIndex(llvm::StringRef Path) {
  return "index '" + Path.str() +
         "' is not a kreach index (corrupt or not SQLite); remove it to re-index";
}

/// "file:" URI for a path, for the query parameters below.
std::string fileURI(llvm::StringRef Path) {
  std::string URI = "file:";
  for (char C : Path) {
    if (C == '%' || C == '?' || C == '#')
      URI += llvm::formatv("%{0:X-2}", unsigned(static_cast<unsigned char>(C))).str();
    else
      URI += C;
  }
  return URI;
}

int64_t fileSize(const std::string &Path) {
  llvm::sys::fs::file_status S;
  if (llvm::sys::fs::status(Path, S) || !llvm::sys::fs::exists(S))
    return -1;
  return S.getSize();
}

/// Folds the write-ahead log into the database file and switches it back to
/// a rollback journal, so the file is complete by itself. Fails (returns
/// false) while other connections keep the file open in WAL mode; retries
/// for up to Budget.
bool leaveWAL(sqlite3 *DB, std::chrono::milliseconds Budget) {
  auto Deadline = std::chrono::steady_clock::now() + Budget;
  // Other connections' locks are waited for by our loop, not by SQLite's.
  sqlite3_busy_timeout(DB, 100);
  bool Done = false;
  while (true) {
    sqlite3_wal_checkpoint_v2(DB, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
    sqlite3_stmt *S = nullptr;
    if (sqlite3_prepare_v2(DB, "PRAGMA journal_mode=DELETE", -1, &S, nullptr) == SQLITE_OK &&
        sqlite3_step(S) == SQLITE_ROW) {
      const unsigned char *Mode = sqlite3_column_text(S, 0);
      Done = Mode && llvm::StringRef(reinterpret_cast<const char *>(Mode)) == "delete";
    }
    sqlite3_finalize(S);
    if (Done || std::chrono::steady_clock::now() >= Deadline)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  sqlite3_busy_timeout(DB, BusyTimeoutMs);
  return Done;
}

} // namespace

llvm::Error Index::openError(int RC, llvm::StringRef What) {
  if (isDamaged(RC))
    return llvm::createStringError(llvm::inconvertibleErrorCode(), notAnIndex(Path));
  std::string Msg = DB ? sqlite3_errmsg(DB) : sqlite3_errstr(RC);
  if ((RC & 0xff) == SQLITE_BUSY || (RC & 0xff) == SQLITE_LOCKED)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "index '" + Path + "' is busy (" + Msg +
            "): another process holds it locked; the index itself is fine, try again");
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "cannot " + What.str() + " index '" + Path + "': " + Msg +
                                     " (the index itself is not known to be damaged)");
}

llvm::Error Index::acquireLock(const IndexOpenOptions &Opts) {
  std::string LockPath = Path + ".lock";
  if (std::error_code EC = llvm::sys::fs::openFileForReadWrite(
          LockPath, LockFD, llvm::sys::fs::CD_OpenAlways, llvm::sys::fs::OF_None))
    return llvm::createStringError(EC, "cannot create the index lock '" + LockPath +
                                           "': " + EC.message());
  std::error_code EC = llvm::sys::fs::tryLockFile(LockFD);
  if (EC) {
    if (Opts.Log) {
      *Opts.Log << "kreach: waiting for another kreach to finish writing '" << Path
                << "' (lock '" << LockPath << "')\n";
      Opts.Log->flush();
    }
    EC = llvm::sys::fs::tryLockFile(LockFD, Opts.LockTimeout);
  }
  if (EC) {
    llvm::sys::Process::SafelyCloseFileDescriptor(LockFD);
    LockFD = -1;
    auto Secs = std::chrono::duration_cast<std::chrono::seconds>(Opts.LockTimeout);
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "timed out after " + std::to_string(Secs.count()) +
            "s waiting for another kreach to finish writing '" + Path + "' (lock '" +
            LockPath + "'); the index is left as it is");
  }
  return llvm::Error::success();
}

llvm::Error Index::connect() {
  // Readers open the file read-only. That needs the -shm beside a file in
  // WAL mode, which a reader cannot create in a directory it may not write
  // (a published index, a read-only mount, another user's tree): then, if
  // the file stands alone (writers leave it so when they close, see
  // close()), it is opened as immutable, which reads the file and nothing
  // else. A file whose log still holds changes (its writer was killed) is
  // not read that way, since the file alone may be mid-checkpoint.
  int Flags = M == Mode::ReadOnly ? SQLITE_OPEN_READONLY
                                  : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  auto tryOpen = [&](const std::string &Name, int Extra) -> int {
    if (DB) {
      sqlite3_close(DB);
      DB = nullptr;
    }
    int RC = sqlite3_open_v2(Name.c_str(), &DB, Flags | Extra | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    if (RC != SQLITE_OK)
      return RC;
    sqlite3_extended_result_codes(DB, 1);
    sqlite3_busy_timeout(DB, BusyTimeoutMs);
    // Reading the schema is the first real access: a file that is not
    // SQLite fails here, and so does one we cannot read.
    return sqlite3_exec(DB, "SELECT count(*) FROM sqlite_master", nullptr, nullptr,
                        nullptr);
  };
  int RC = tryOpen(Path, 0);
  if (RC != SQLITE_OK && !isDamaged(RC) && M == Mode::ReadOnly &&
      ((RC & 0xff) == SQLITE_CANTOPEN || (RC & 0xff) == SQLITE_READONLY)) {
    std::string Dir(llvm::sys::path::parent_path(Path));
    bool DirWritable = !llvm::sys::fs::access(Dir.empty() ? "." : Dir,
                                               llvm::sys::fs::AccessMode::Write);
    if (!DirWritable) {
      if (fileSize(Path + "-wal") > 0)
        return llvm::createStringError(
            llvm::inconvertibleErrorCode(),
            "cannot read index '" + Path + "': its write-ahead log '" + Path +
                "-wal' holds changes that need write access to the directory to read; "
                "run 'kreach index' there once with write access (the index is not "
                "damaged)");
      RC = tryOpen(fileURI(Path) + "?immutable=1", SQLITE_OPEN_URI);
    }
  }
  if (RC != SQLITE_OK)
    return openError(RC, M == Mode::ReadOnly ? "read" : "open");
  return llvm::Error::success();
}

llvm::Expected<std::unique_ptr<Index>> Index::open(llvm::StringRef Path, Mode M,
                                                   const IndexOpenOptions &Opts) {
  std::unique_ptr<Index> I(new Index());
  I->Path = Path.str();
  I->M = M;
  I->Log = Opts.Log;
  if (M == Mode::ReadOnly && !llvm::sys::fs::exists(Path))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "index '" + Path.str() + "' does not exist");
  if (M == Mode::ReadWrite) {
    if (llvm::Error E = I->acquireLock(Opts))
      return E;
    if (Opts.Rebuild) {
      // Under the lock nobody else writes the new file: what is there is
      // left from an interrupted rebuild.
      I->FinalPath = I->Path;
      I->Path += ".rebuild";
      for (const char *Suffix : {"", "-wal", "-shm", "-journal"})
        llvm::sys::fs::remove(I->Path + Suffix);
    }
  }
  if (llvm::Error E = I->connect())
    return E;

  auto Tables = I->prepare("SELECT count(*) FROM sqlite_master WHERE type='table'");
  if (!Tables) {
    llvm::consumeError(Tables.takeError());
    return I->openError(sqlite3_extended_errcode(I->DB), "read");
  }
  int64_t NumTables = 0;
  {
    StmtScope Scope(*Tables);
    int RC = sqlite3_step(*Tables);
    if (RC != SQLITE_ROW)
      return I->openError(RC, "read");
    NumTables = sqlite3_column_int64(*Tables, 0);
  }
  if (NumTables == 0) {
    if (M == Mode::ReadOnly)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "index '" + Path.str() + "' is empty");
    // WAL first, so not even the schema is written through a rollback
    // journal that readers would wait on.
    if (llvm::Error E = I->exec("PRAGMA journal_mode=WAL"))
      return E;
    if (llvm::Error E = I->initSchema())
      return E;
  } else {
    llvm::Expected<sqlite3_stmt *> Version =
        I->prepare("SELECT value FROM meta WHERE key='schema'");
    if (!Version) {
      llvm::consumeError(Version.takeError());
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "index '" + Path.str() +
                                         "' is not a kreach index; remove it to "
                                         "re-index");
    }
    int Found = -1;
    {
      // Reset before a migration: an active read keeps the table locked.
      StmtScope Scope(*Version);
      if (sqlite3_step(*Version) == SQLITE_ROW)
        Found = std::atoi(text(*Version, 0).c_str());
    }
    if (Found == 2 && M == Mode::ReadWrite) {
      if (llvm::Error E = I->exec(std::string("BEGIN IMMEDIATE;") + MigrateFrom2SQL + "COMMIT;"))
        return E;
      Found = IndexSchemaVersion;
    }
    if (Found == 2)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "index '" + Path.str() +
                                         "' was written by an older kreach; run "
                                         "'kreach index' to update it");
    if (Found != IndexSchemaVersion)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "index '" + Path.str() + "' has schema version " + std::to_string(Found) +
              ", this kreach uses " + std::to_string(IndexSchemaVersion) +
              "; remove it (or run 'kreach index --rebuild') to re-index");
  }
  if (M == Mode::ReadWrite)
    // The input index only speeds up patch mode's "who reads this file"; an
    // index written before it existed gains it here.
    if (llvm::Error E = I->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                                "CREATE INDEX IF NOT EXISTS tu_input_file ON "
                                "tu_input(file);"))
      return E;
  I->Opened = true;
  return I;
}

llvm::Error Index::close() {
  auto ReleaseLock = [&] {
    if (LockFD >= 0) {
      llvm::sys::fs::unlockFile(LockFD);
      llvm::sys::Process::SafelyCloseFileDescriptor(LockFD);
      LockFD = -1;
    }
  };
  if (!DB) {
    ReleaseLock();
    return llvm::Error::success();
  }
  for (auto &Entry : Statements)
    sqlite3_finalize(Entry.second);
  Statements.clear();
  llvm::Error Result = llvm::Error::success();
  bool Replace = false;
  // A file open() refused is left exactly as it was.
  if (M == Mode::ReadWrite && Opened) {
    if (!FinalPath.empty()) {
      llvm::Expected<bool> Complete = isComplete();
      if (!Complete)
        Result = Complete.takeError();
      else
        Replace = *Complete;
      for (auto &Entry : Statements)
        sqlite3_finalize(Entry.second);
      Statements.clear();
    }
    // The file stands alone once the writer is gone: readers without write
    // access to the directory can read it, and copying it copies the index.
    // Readers that hold it open in WAL mode keep the switch from happening;
    // then it stays in WAL mode, which is just as consistent. Nobody else
    // opens a rebuild's new file, so there the switch always succeeds.
    bool Alone = leaveWAL(DB, std::chrono::seconds(2));
    if (Replace && !Alone) {
      Replace = false;
      llvm::consumeError(std::move(Result));
      Result = llvm::createStringError(llvm::inconvertibleErrorCode(),
                                       "cannot finish the rebuilt index '" + Path + "'");
    }
  }
  sqlite3_close(DB);
  DB = nullptr;
  if (Replace) {
    // The old index must not leave a write-ahead log beside the new file:
    // SQLite would apply it to the new file. Fold it into the old file
    // first; readers that have the old file open keep reading it (and its
    // unlinked log) until they close it.
    std::string OldWal = FinalPath + "-wal";
    bool Clean = !llvm::sys::fs::exists(OldWal);
    if (!Clean) {
      sqlite3 *Old = nullptr;
      if (sqlite3_open_v2(FinalPath.c_str(), &Old,
                          SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) ==
          SQLITE_OK) {
        sqlite3_busy_timeout(Old, BusyTimeoutMs);
        leaveWAL(Old, std::chrono::seconds(30));
      }
      sqlite3_close(Old);
      // A log truncated by the checkpoint is empty: nothing in it to apply.
      Clean = fileSize(OldWal) <= 0;
      if (!Clean) {
        // Not SQLite at all: the log is nobody's.
        sqlite3 *Probe = nullptr;
        bool IsSQLite =
            sqlite3_open_v2(FinalPath.c_str(), &Probe, SQLITE_OPEN_READONLY, nullptr) ==
                SQLITE_OK &&
            sqlite3_exec(Probe, "SELECT count(*) FROM sqlite_master", nullptr, nullptr,
                         nullptr) == SQLITE_OK;
        sqlite3_close(Probe);
        Clean = !IsSQLite;
      }
    }
    if (!Clean) {
      llvm::consumeError(std::move(Result));
      Result = llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "cannot replace index '" + FinalPath +
              "': another process keeps it open with changes in its write-ahead log; "
              "the rebuilt index is left at '" + Path + "'");
    } else {
      for (const char *Suffix : {"-wal", "-shm"})
        llvm::sys::fs::remove(FinalPath + Suffix);
      for (const char *Suffix : {"-wal", "-shm"})
        llvm::sys::fs::remove(Path + Suffix);
      if (std::error_code EC = llvm::sys::fs::rename(Path, FinalPath)) {
        llvm::consumeError(std::move(Result));
        Result = llvm::createStringError(EC, "cannot move the rebuilt index '" + Path +
                                                 "' over '" + FinalPath +
                                                 "': " + EC.message());
      } else {
        Path = FinalPath;
        FinalPath.clear();
      }
    }
  }
  ReleaseLock();
  return Result;
}

llvm::Expected<bool> Index::isComplete() {
  auto S = prepare("SELECT value FROM meta WHERE key='complete'");
  if (!S)
    return S.takeError();
  StmtScope Scope(*S);
  int RC = sqlite3_step(*S);
  if (RC == SQLITE_ROW)
    return text(*S, 0) == "1";
  if (RC != SQLITE_DONE)
    return sqlError("cannot read");
  return false;
}

llvm::Error Index::setComplete(bool Complete) {
  return exec(std::string("INSERT OR REPLACE INTO meta VALUES('complete', '") +
              (Complete ? "1" : "0") + "')");
}

llvm::Error Index::beginSnapshot() {
  if (SnapshotDepth++ > 0 || !sqlite3_get_autocommit(DB))
    return llvm::Error::success();
  SnapshotOwned = true;
  // A deferred transaction's snapshot starts at its first read.
  if (llvm::Error E = exec("BEGIN"))
    return E;
  auto S = prepare("SELECT count(*) FROM meta");
  if (!S)
    return S.takeError();
  StmtScope Scope(*S);
  if (sqlite3_step(*S) != SQLITE_ROW)
    return sqlError("cannot read");
  return llvm::Error::success();
}

llvm::Error Index::endSnapshot() {
  if (SnapshotDepth == 0 || --SnapshotDepth > 0 || !SnapshotOwned)
    return llvm::Error::success();
  SnapshotOwned = false;
  if (sqlite3_get_autocommit(DB))
    return llvm::Error::success();
  return exec("COMMIT");
}

llvm::Error Index::initSchema() {
  if (llvm::Error E = exec("BEGIN"))
    return E;
  if (llvm::Error E = exec(SchemaSQL))
    return E;
  if (llvm::Error E = exec("INSERT INTO meta VALUES('schema', '" +
                           std::to_string(IndexSchemaVersion) + "')"))
    return E;
  return exec("COMMIT");
}

llvm::Expected<int64_t> Index::internSym(llvm::StringRef Key, llvm::StringRef Name) {
  auto It = SymCache.find(Key);
  if (It != SymCache.end())
    return It->second;
  auto Insert = prepare("INSERT INTO sym(key, name) VALUES(?1, ?2) ON CONFLICT(key) "
                        "DO UPDATE SET name=excluded.name WHERE sym.name='' "
                        "RETURNING id");
  if (!Insert)
    return Insert.takeError();
  int64_t Id = -1;
  {
    StmtScope Scope(*Insert);
    bindValue(*Insert, 1, Key);
    bindValue(*Insert, 2, Name);
    if (sqlite3_step(*Insert) == SQLITE_ROW)
      Id = sqlite3_column_int64(*Insert, 0);
  }
  if (Id < 0) {
    // The row existed with a name already: RETURNING yields nothing.
    auto Select = prepare("SELECT id FROM sym WHERE key=?1");
    if (!Select)
      return Select.takeError();
    StmtScope Scope(*Select);
    bindValue(*Select, 1, Key);
    if (sqlite3_step(*Select) != SQLITE_ROW)
      return sqlError("cannot intern symbol");
    Id = sqlite3_column_int64(*Select, 0);
  }
  SymCache[Key] = Id;
  return Id;
}

static llvm::Expected<int64_t> internText(sqlite3 *DB,
                                          llvm::Expected<sqlite3_stmt *> Insert,
                                          llvm::Expected<sqlite3_stmt *> Select,
                                          llvm::StringRef Value) {
  if (!Insert)
    return Insert.takeError();
  if (!Select)
    return Select.takeError();
  {
    StmtScope Scope(*Insert);
    bindValue(*Insert, 1, Value);
    sqlite3_step(*Insert);
  }
  StmtScope Scope(*Select);
  bindValue(*Select, 1, Value);
  if (sqlite3_step(*Select) != SQLITE_ROW)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   std::string("index: cannot intern: ") +
                                       sqlite3_errmsg(DB));
  return sqlite3_column_int64(*Select, 0);
}

llvm::Expected<int64_t> Index::internCached(llvm::StringMap<int64_t> &Cache,
                                            llvm::StringRef InsertSQL,
                                            llvm::StringRef SelectSQL,
                                            llvm::StringRef Value) {
  auto It = Cache.find(Value);
  if (It != Cache.end())
    return It->second;
  llvm::Expected<int64_t> Id =
      internText(DB, prepare(InsertSQL), prepare(SelectSQL), Value);
  if (Id)
    Cache[Value] = *Id;
  return Id;
}

llvm::Expected<int64_t> Index::internFile(llvm::StringRef P) {
  if (P.empty())
    return 0;
  return internCached(FileCache, "INSERT OR IGNORE INTO file(path) VALUES(?1)",
                      "SELECT id FROM file WHERE path=?1", P);
}

llvm::Expected<int64_t> Index::internField(llvm::StringRef F) {
  return internCached(FieldCache, "INSERT OR IGNORE INTO field(name) VALUES(?1)",
                      "SELECT id FROM field WHERE name=?1", F);
}

llvm::Expected<llvm::StringMap<TUState>>
Index::tuStates(llvm::ArrayRef<std::string> OnlyFiles) {
  if (!OnlyFiles.empty())
    return selectedTUStates(OnlyFiles);
  llvm::StringMap<TUState> Result;
  llvm::DenseMap<int64_t, TUState *> ById;
  auto TUs = prepare("SELECT id, file, directory, command_hash, failed, error FROM tu");
  if (!TUs)
    return TUs.takeError();
  {
    StmtScope Scope(*TUs);
    while (sqlite3_step(*TUs) == SQLITE_ROW) {
      TUState &S = Result[text(*TUs, 1)];
      S.File = text(*TUs, 1);
      S.Directory = text(*TUs, 2);
      S.CommandHash = text(*TUs, 3);
      S.Failed = sqlite3_column_int64(*TUs, 4) != 0;
      S.Error = text(*TUs, 5);
      ById[sqlite3_column_int64(*TUs, 0)] = &S;
    }
  }
  auto Inputs = prepare("SELECT tu_input.tu, file.path, tu_input.size, tu_input.mtime "
                        "FROM tu_input JOIN file ON file.id = tu_input.file");
  if (!Inputs)
    return Inputs.takeError();
  StmtScope Scope(*Inputs);
  while (sqlite3_step(*Inputs) == SQLITE_ROW) {
    auto It = ById.find(sqlite3_column_int64(*Inputs, 0));
    if (It == ById.end())
      continue;
    It->second->Inputs.push_back({text(*Inputs, 1), sqlite3_column_int64(*Inputs, 2),
                                  sqlite3_column_int64(*Inputs, 3)});
  }
  return Result;
}

llvm::Expected<llvm::StringMap<TUState>>
Index::selectedTUStates(llvm::ArrayRef<std::string> Files) {
  // Patch mode asks about a handful of TUs; reading every TU's inputs (a
  // million rows on a kernel) would cost more than parsing them.
  llvm::StringMap<TUState> Result;
  auto TUs = prepare("SELECT id, file, directory, command_hash, failed, error FROM tu "
                     "WHERE file = ?1");
  auto Inputs = prepare("SELECT file.path, tu_input.size, tu_input.mtime FROM tu_input "
                        "JOIN file ON file.id = tu_input.file WHERE tu_input.tu = ?1");
  if (!TUs)
    return TUs.takeError();
  if (!Inputs)
    return Inputs.takeError();
  for (const std::string &File : Files) {
    int64_t Id;
    {
      StmtScope Scope(*TUs);
      bindValue(*TUs, 1, File);
      if (sqlite3_step(*TUs) != SQLITE_ROW)
        continue;
      Id = sqlite3_column_int64(*TUs, 0);
      TUState &S = Result[File];
      S.File = text(*TUs, 1);
      S.Directory = text(*TUs, 2);
      S.CommandHash = text(*TUs, 3);
      S.Failed = sqlite3_column_int64(*TUs, 4) != 0;
      S.Error = text(*TUs, 5);
    }
    StmtScope Scope(*Inputs);
    bindValue(*Inputs, 1, Id);
    TUState &S = Result[File];
    while (sqlite3_step(*Inputs) == SQLITE_ROW)
      S.Inputs.push_back({text(*Inputs, 0), sqlite3_column_int64(*Inputs, 1),
                          sqlite3_column_int64(*Inputs, 2)});
  }
  return Result;
}

llvm::Expected<std::vector<std::string>>
Index::tusReading(llvm::ArrayRef<std::string> Paths) {
  auto S = prepare("SELECT tu.file FROM tu WHERE tu.file = ?1 UNION "
                   "SELECT tu.file FROM file JOIN tu_input ON tu_input.file = file.id "
                   "JOIN tu ON tu.id = tu_input.tu WHERE file.path = ?1");
  if (!S)
    return S.takeError();
  std::vector<std::string> Result;
  for (const std::string &P : Paths) {
    StmtScope Scope(*S);
    bindValue(*S, 1, P);
    while (sqlite3_step(*S) == SQLITE_ROW)
      Result.push_back(text(*S, 0));
  }
  llvm::sort(Result);
  Result.erase(std::unique(Result.begin(), Result.end()), Result.end());
  return Result;
}

llvm::Error Index::deleteBody(int64_t Sym) {
  for (const char *SQL : {"DELETE FROM call WHERE caller=?1",
                          "DELETE FROM icall WHERE caller=?1",
                          "DELETE FROM store WHERE owner_func=?1"}) {
    auto S = prepare(SQL);
    if (!S)
      return S.takeError();
    StmtScope Scope(*S);
    bindValue(*S, 1, Sym);
    if (sqlite3_step(*S) != SQLITE_DONE)
      return sqlError("cannot delete facts");
  }
  return llvm::Error::success();
}

/// Runs a prepared statement with integer/text parameters to completion.
template <typename... Args>
static bool run(sqlite3_stmt *S, Args... Values) {
  StmtScope Scope(S);
  int I = 0;
  (bindValue(S, ++I, Values), ...);
  return sqlite3_step(S) == SQLITE_DONE;
}

llvm::Error Index::storeFacts(int64_t TU, const TUFacts &Facts) {
  // Group body facts by the function they belong to.
  struct Body {
    std::vector<const CallFact *> Calls;
    std::vector<const IndirectCallFact *> IndirectCalls;
    std::vector<const StoreFact *> Stores;
  };
  llvm::StringMap<Body> Bodies;
  for (const CallFact &C : Facts.Calls)
    Bodies[C.Caller].Calls.push_back(&C);
  for (const IndirectCallFact &C : Facts.IndirectCalls)
    Bodies[C.Caller].IndirectCalls.push_back(&C);
  std::vector<const StoreFact *> FileScopeStores;
  for (const StoreFact &S : Facts.Stores) {
    if (S.Owner.empty())
      FileScopeStores.push_back(&S);
    else
      Bodies[S.Owner].Stores.push_back(&S);
  }

  std::vector<int64_t> OldFunctions;
  {
    auto Old = prepare("SELECT sym FROM tu_func WHERE tu=?1");
    if (!Old)
      return Old.takeError();
    StmtScope Scope(*Old);
    bindValue(*Old, 1, TU);
    while (sqlite3_step(*Old) == SQLITE_ROW)
      OldFunctions.push_back(sqlite3_column_int64(*Old, 0));
  }
  auto DelTUFuncs = prepare("DELETE FROM tu_func WHERE tu=?1");
  auto DelTUStores = prepare("DELETE FROM store WHERE owner_tu=?1");
  auto GetHash = prepare("SELECT body_hash FROM func WHERE sym=?1");
  auto PutFunc = prepare("INSERT OR REPLACE INTO func VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  auto PutTUFunc = prepare("INSERT OR IGNORE INTO tu_func VALUES(?1, ?2)");
  auto PutCall = prepare("INSERT INTO call VALUES(?1, ?2, ?3, ?4, ?5)");
  auto PutICall = prepare("INSERT INTO icall VALUES(?1, ?2, ?3, ?4, ?5)");
  auto PutStore = prepare("INSERT INTO store VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  for (auto *S : {&DelTUFuncs, &DelTUStores, &GetHash, &PutFunc, &PutTUFunc, &PutCall,
                  &PutICall, &PutStore})
    if (!*S)
      return S->takeError();
  if (!run(*DelTUFuncs, TU) || !run(*DelTUStores, TU))
    return sqlError("cannot replace TU");

  auto putStore = [&](const StoreFact &S, int64_t OwnerFunc,
                      int64_t OwnerTU) -> llvm::Error {
    auto Field = internField(S.Field);
    auto Target = Field ? internSym(S.Target, S.TargetName) : Field.takeError();
    auto File = Target ? internFile(S.Site.File) : Target.takeError();
    if (!File)
      return File.takeError();
    if (!run(*PutStore, OwnerFunc, OwnerTU, *Field, *Target, *File,
             int64_t(S.Site.Line), int64_t(S.Site.Column)))
      return sqlError("cannot store");
    return llvm::Error::success();
  };

  llvm::DenseSet<int64_t> NewFunctions;
  for (const FunctionFact &F : Facts.Functions) {
    llvm::Expected<int64_t> Sym = internSym(F.Key, F.Name);
    if (!Sym)
      return Sym.takeError();
    if (!NewFunctions.insert(*Sym).second)
      continue;
    if (!run(*PutTUFunc, TU, *Sym))
      return sqlError("cannot record function");
    const Body &B = Bodies[F.Key];
    // Hash what the body contributes; an unchanged body is not rewritten,
    // which is what makes header inlines cheap to index.
    std::string Serialized;
    llvm::raw_string_ostream OS(Serialized);
    OS << F.Loc.File << ':' << F.Loc.Line << ':' << F.Loc.Column << ';';
    for (const CallFact *C : B.Calls)
      OS << 'c' << C->Callee << '@' << C->Site.File << ':' << C->Site.Line << ':'
         << C->Site.Column << ';';
    for (const IndirectCallFact *C : B.IndirectCalls)
      OS << 'i' << C->Field << '@' << C->Site.File << ':' << C->Site.Line << ':'
         << C->Site.Column << ';';
    for (const StoreFact *S : B.Stores)
      OS << 's' << S->Field << '=' << S->Target << '@' << S->Site.File << ':'
         << S->Site.Line << ':' << S->Site.Column << ';';
    std::string Hash = llvm::utohexstr(llvm::xxh3_64bits(OS.str()));
    std::string OldHash;
    {
      StmtScope Scope(*GetHash);
      bindValue(*GetHash, 1, *Sym);
      if (sqlite3_step(*GetHash) == SQLITE_ROW)
        OldHash = text(*GetHash, 0);
    }
    if (OldHash == Hash)
      continue;
    if (llvm::Error E = deleteBody(*Sym))
      return E;
    llvm::Expected<int64_t> DefFile = internFile(F.Loc.File);
    if (!DefFile)
      return DefFile.takeError();
    if (!run(*PutFunc, *Sym, *DefFile, int64_t(F.Loc.Line), int64_t(F.Loc.Column),
             int64_t(F.Internal), llvm::StringRef(Hash)))
      return sqlError("cannot store function");
    for (const CallFact *C : B.Calls) {
      auto Callee = internSym(C->Callee, C->CalleeName);
      auto File = Callee ? internFile(C->Site.File) : Callee.takeError();
      if (!File)
        return File.takeError();
      if (!run(*PutCall, *Sym, *Callee, *File, int64_t(C->Site.Line),
               int64_t(C->Site.Column)))
        return sqlError("cannot store call");
    }
    for (const IndirectCallFact *C : B.IndirectCalls) {
      auto Field = internField(C->Field);
      auto File = Field ? internFile(C->Site.File) : Field.takeError();
      if (!File)
        return File.takeError();
      if (!run(*PutICall, *Sym, *Field, *File, int64_t(C->Site.Line),
               int64_t(C->Site.Column)))
        return sqlError("cannot store call");
    }
    for (const StoreFact *S : B.Stores)
      if (llvm::Error E = putStore(*S, *Sym, 0))
        return E;
  }
  for (const StoreFact *S : FileScopeStores)
    if (llvm::Error E = putStore(*S, 0, TU))
      return E;

  // Functions this TU no longer defines, and no other TU defines either.
  auto StillDefined = prepare("SELECT 1 FROM tu_func WHERE sym=?1 LIMIT 1");
  auto DelFunc = prepare("DELETE FROM func WHERE sym=?1");
  if (!StillDefined)
    return StillDefined.takeError();
  if (!DelFunc)
    return DelFunc.takeError();
  for (int64_t Sym : OldFunctions) {
    if (NewFunctions.count(Sym))
      continue;
    bool Defined;
    {
      StmtScope Scope(*StillDefined);
      bindValue(*StillDefined, 1, Sym);
      Defined = sqlite3_step(*StillDefined) == SQLITE_ROW;
    }
    if (Defined)
      continue;
    if (llvm::Error E = deleteBody(Sym))
      return E;
    if (!run(*DelFunc, Sym))
      return sqlError("cannot delete function");
  }
  return llvm::Error::success();
}

llvm::Error Index::storeTU(const TUState &State, const TUFacts *Facts) {
  if (llvm::Error E = exec("BEGIN IMMEDIATE"))
    return E;
  auto Fail = [&](llvm::Error E) {
    llvm::consumeError(exec("ROLLBACK"));
    // Cached ids may name rows the rollback removed.
    SymCache.clear();
    FileCache.clear();
    FieldCache.clear();
    return E;
  };
  auto PutTU = prepare(
      "INSERT INTO tu(file, directory, command_hash, failed, error) "
      "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(file) DO UPDATE SET "
      "directory=excluded.directory, command_hash=excluded.command_hash, "
      "failed=excluded.failed, error=excluded.error RETURNING id");
  if (!PutTU)
    return Fail(PutTU.takeError());
  int64_t TU;
  {
    StmtScope Scope(*PutTU);
    bindValue(*PutTU, 1, State.File);
    bindValue(*PutTU, 2, State.Directory);
    bindValue(*PutTU, 3, State.CommandHash);
    bindValue(*PutTU, 4, int64_t(State.Failed));
    bindValue(*PutTU, 5, State.Error);
    if (sqlite3_step(*PutTU) != SQLITE_ROW)
      return Fail(sqlError("cannot record TU"));
    TU = sqlite3_column_int64(*PutTU, 0);
  }
  if (Facts)
    if (llvm::Error E = storeFacts(TU, *Facts))
      return Fail(std::move(E));
  auto DelInputs = prepare("DELETE FROM tu_input WHERE tu=?1");
  auto PutInput = prepare("INSERT INTO tu_input VALUES(?1, ?2, ?3, ?4)");
  if (!DelInputs)
    return Fail(DelInputs.takeError());
  if (!PutInput)
    return Fail(PutInput.takeError());
  if (!run(*DelInputs, TU))
    return Fail(sqlError("cannot replace inputs"));
  for (const InputStamp &In : State.Inputs) {
    llvm::Expected<int64_t> File = internFile(In.Path);
    if (!File)
      return Fail(File.takeError());
    if (!run(*PutInput, TU, *File, In.Size, In.MTime))
      return Fail(sqlError("cannot record input"));
  }
  if (StoredTUs++ == CrashAfter)
    std::_Exit(3); // Everything for this TU is written but not committed.
  if (llvm::Error E = exec("COMMIT"))
    return Fail(std::move(E));
  return llvm::Error::success();
}

llvm::Error Index::removeTU(llvm::StringRef File) {
  auto Find = prepare("SELECT id FROM tu WHERE file=?1");
  if (!Find)
    return Find.takeError();
  int64_t TU;
  {
    StmtScope Scope(*Find);
    bindValue(*Find, 1, File);
    if (sqlite3_step(*Find) != SQLITE_ROW)
      return llvm::Error::success();
    TU = sqlite3_column_int64(*Find, 0);
  }
  if (llvm::Error E = exec("BEGIN IMMEDIATE"))
    return E;
  TUFacts Empty;
  llvm::Error E = storeFacts(TU, Empty);
  for (const char *SQL : {"DELETE FROM tu_input WHERE tu=?1", "DELETE FROM tu WHERE id=?1"}) {
    if (E)
      break;
    auto S = prepare(SQL);
    if (!S)
      E = S.takeError();
    else if (!run(*S, TU))
      E = sqlError("cannot remove TU");
  }
  if (E) {
    llvm::consumeError(exec("ROLLBACK"));
    return E;
  }
  return exec("COMMIT");
}

llvm::Error Index::loadGraph(CallGraph &G) {
  // One snapshot for all the queries: a TU a writer commits in between
  // would otherwise show up with its calls but not its functions.
  if (llvm::Error E = beginSnapshot())
    return E;
  llvm::Error E = loadGraphRows(G);
  llvm::Error End = endSnapshot();
  if (E) {
    llvm::consumeError(std::move(End));
    return E;
  }
  return End;
}

llvm::Error Index::loadGraphRows(CallGraph &G) {
  // Fault injection for tests: widen the window between the queries.
  static const unsigned DelayMs = [] {
    std::optional<std::string> V = llvm::sys::Process::GetEnv("KREACH_TEST_READ_DELAY_MS");
    return V ? unsigned(std::atoi(V->c_str())) : 0u;
  }();
  // Ids in the database map to nodes/files of the graph.
  llvm::DenseMap<int64_t, NodeId> Nodes;
  llvm::DenseMap<int64_t, std::string> Files, Fields;
  auto forEach = [&](llvm::StringRef SQL,
                     llvm::function_ref<void(sqlite3_stmt *)> Row) -> llvm::Error {
    auto S = prepare(SQL);
    if (!S)
      return S.takeError();
    if (DelayMs)
      std::this_thread::sleep_for(std::chrono::milliseconds(DelayMs));
    StmtScope Scope(*S);
    int RC;
    while ((RC = sqlite3_step(*S)) == SQLITE_ROW)
      Row(*S);
    if (RC != SQLITE_DONE)
      return sqlError("cannot read");
    return llvm::Error::success();
  };
  if (llvm::Error E = forEach("SELECT id, path FROM file", [&](sqlite3_stmt *S) {
        Files[sqlite3_column_int64(S, 0)] = text(S, 1);
      }))
    return E;
  if (llvm::Error E = forEach("SELECT id, name FROM field", [&](sqlite3_stmt *S) {
        Fields[sqlite3_column_int64(S, 0)] = text(S, 1);
      }))
    return E;
  if (llvm::Error E = forEach("SELECT id, key, name FROM sym", [&](sqlite3_stmt *S) {
        Nodes[sqlite3_column_int64(S, 0)] = G.getOrAddNode(text(S, 1), text(S, 2));
      }))
    return E;
  auto pos = [&](sqlite3_stmt *S, int Col) {
    return SourcePos{Files.lookup(sqlite3_column_int64(S, Col)),
                     unsigned(sqlite3_column_int64(S, Col + 1)),
                     unsigned(sqlite3_column_int64(S, Col + 2))};
  };
  // A row naming a symbol the sym table lacks means the file is damaged
  // (the indexer never writes one): refuse it rather than guess a node.
  int64_t Dangling = 0;
  auto node = [&](sqlite3_stmt *S, int Col, NodeId &Out) {
    auto It = Nodes.find(sqlite3_column_int64(S, Col));
    if (It == Nodes.end()) {
      Dangling = sqlite3_column_int64(S, Col);
      return false;
    }
    Out = It->second;
    return true;
  };
  if (llvm::Error E = forEach("SELECT sym, file, line, col FROM func", [&](sqlite3_stmt *S) {
        NodeId N;
        if (node(S, 0, N))
          G.define(N, pos(S, 1));
      }))
    return E;
  if (llvm::Error E = forEach("SELECT caller, callee, file, line, col FROM call",
                              [&](sqlite3_stmt *S) {
                                NodeId From, To;
                                if (node(S, 0, From) && node(S, 1, To))
                                  G.addCall(From, To, pos(S, 2));
                              }))
    return E;
  if (llvm::Error E = forEach("SELECT caller, field, file, line, col FROM icall",
                              [&](sqlite3_stmt *S) {
                                NodeId From;
                                if (node(S, 0, From))
                                  G.addIndirectCall(From, Fields.lookup(sqlite3_column_int64(S, 1)),
                                                    pos(S, 2));
                              }))
    return E;
  // File-scope initializers in headers are seen by many TUs; keep one.
  if (llvm::Error E = forEach("SELECT DISTINCT field, target, file, line, col FROM store",
                              [&](sqlite3_stmt *S) {
                                NodeId T;
                                if (node(S, 1, T))
                                  G.addStore(Fields.lookup(sqlite3_column_int64(S, 0)), T,
                                             pos(S, 2));
                              }))
    return E;
  if (Dangling)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "index '" + Path + "' is corrupt (a fact names symbol " +
                                       std::to_string(Dangling) +
                                       ", which it does not hold); run 'kreach index "
                                       "--rebuild'");
  return llvm::Error::success();
}

llvm::Expected<bool> Index::hasSummaries(llvm::StringRef Fingerprint) {
  auto S = prepare("SELECT 1 FROM summary_set WHERE fingerprint = ?1");
  if (!S)
    return S.takeError();
  StmtScope Scope(*S);
  bindValue(*S, 1, Fingerprint);
  int RC = sqlite3_step(*S);
  if (RC != SQLITE_ROW && RC != SQLITE_DONE)
    return sqlError("cannot read summaries");
  return RC == SQLITE_ROW;
}

llvm::Error Index::storeSummaries(const CallGraph &G, const std::vector<SinkStep> &Steps,
                                  llvm::StringRef Fingerprint, llvm::StringRef RuleName) {
  if (M == Mode::ReadOnly)
    return llvm::Error::success();
  if (llvm::Error E = exec("BEGIN IMMEDIATE"))
    return E;
  auto Fail = [&](llvm::Error E) {
    llvm::consumeError(exec("ROLLBACK"));
    SymCache.clear();
    FileCache.clear();
    FieldCache.clear();
    return E;
  };
  auto Set = prepare("INSERT INTO summary_set(fingerprint, rules, used) VALUES(?1, ?2, "
                     "(SELECT IFNULL(MAX(used), 0) + 1 FROM summary_set)) "
                     "ON CONFLICT(fingerprint) DO UPDATE SET rules = excluded.rules, "
                     "used = excluded.used RETURNING id");
  if (!Set)
    return Fail(Set.takeError());
  int64_t SetId;
  {
    StmtScope Scope(*Set);
    bindValue(*Set, 1, Fingerprint);
    bindValue(*Set, 2, RuleName);
    if (sqlite3_step(*Set) != SQLITE_ROW)
      return Fail(sqlError("cannot store summary"));
    SetId = sqlite3_column_int64(*Set, 0);
  }
  if (llvm::Error E = exec("DELETE FROM summary WHERE rule_set = " + std::to_string(SetId)))
    return Fail(std::move(E));
  auto Put = prepare("INSERT INTO summary VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!Put)
    return Fail(Put.takeError());
  for (NodeId N = 0; N < G.size(); ++N) {
    const SinkStep &S = Steps[N];
    if (!S.reaches() || G.node(N).Kind != NodeKind::Function)
      continue;
    auto Sym = internSym(G.node(N).Key, G.node(N).Name);
    if (!Sym)
      return Fail(Sym.takeError());
    int64_t Next = 0, File = 0, Line = 0, Col = 0, Via = 0;
    if (std::optional<PathHop> H = nextHop(G, Steps, N)) {
      const Node &Callee = G.node(H->Callee);
      auto NextSym = Callee.Kind == NodeKind::Field
                         ? internSym((FieldSinkPrefix + Callee.Name).str(), Callee.Name)
                         : internSym(Callee.Key, Callee.Name);
      if (!NextSym)
        return Fail(NextSym.takeError());
      auto F = internFile(G.file(H->Site.File));
      if (!F)
        return Fail(F.takeError());
      Next = *NextSym;
      File = *F;
      Line = H->Site.Line;
      Col = H->Site.Column;
      if (H->Via) {
        auto V = internField(G.field(H->Via));
        if (!V)
          return Fail(V.takeError());
        Via = *V;
      }
    }
    if (!run(*Put, SetId, *Sym, int64_t(S.Dist), Next, File, Line, Col, Via))
      return Fail(sqlError("cannot store summary"));
  }
  std::string Keep = "(SELECT id FROM summary_set ORDER BY used DESC LIMIT " +
                     std::to_string(MaxSummarySets) + ")";
  if (llvm::Error E = exec("DELETE FROM summary WHERE rule_set NOT IN " + Keep +
                           "; DELETE FROM summary_set WHERE id NOT IN " + Keep + ";"))
    return Fail(std::move(E));
  if (llvm::Error E = exec("COMMIT"))
    return Fail(std::move(E));
  return llvm::Error::success();
}

llvm::Expected<std::optional<SummaryRow>> Index::summary(llvm::StringRef Fingerprint,
                                                         llvm::StringRef Key) {
  auto S = prepare(
      "SELECT s.name, summary.dist, n.key, n.name, file.path, summary.line, summary.col, "
      "field.name FROM sym s JOIN summary ON summary.sym = s.id "
      "JOIN summary_set ON summary_set.id = summary.rule_set "
      "LEFT JOIN sym n ON n.id = summary.next LEFT JOIN file ON file.id = summary.file "
      "LEFT JOIN field ON field.id = summary.via "
      "WHERE s.key = ?1 AND summary_set.fingerprint = ?2");
  if (!S)
    return S.takeError();
  StmtScope Scope(*S);
  bindValue(*S, 1, Key);
  bindValue(*S, 2, Fingerprint);
  int RC = sqlite3_step(*S);
  if (RC == SQLITE_DONE)
    return std::nullopt;
  if (RC != SQLITE_ROW)
    return sqlError("cannot read summaries");
  SummaryRow R;
  R.Key = Key.str();
  R.Name = text(*S, 0);
  R.Dist = sqlite3_column_int64(*S, 1);
  R.NextKey = text(*S, 2);
  R.NextName = text(*S, 3);
  if (llvm::StringRef(R.NextKey).starts_with(FieldSinkPrefix))
    R.NextKey.clear();
  R.Site = {text(*S, 4), unsigned(sqlite3_column_int64(*S, 5)),
            unsigned(sqlite3_column_int64(*S, 6))};
  R.Via = text(*S, 7);
  return R;
}

llvm::Expected<std::vector<StoreRow>>
Index::stores(llvm::function_ref<bool(llvm::StringRef)> FieldFilter) {
  // Fields are few; filter them first, then fetch only their stores.
  std::vector<std::pair<int64_t, std::string>> Wanted;
  {
    auto F = prepare("SELECT id, name FROM field");
    if (!F)
      return F.takeError();
    StmtScope Scope(*F);
    while (sqlite3_step(*F) == SQLITE_ROW)
      if (FieldFilter(text(*F, 1)))
        Wanted.push_back({sqlite3_column_int64(*F, 0), text(*F, 1)});
  }
  auto S = prepare("SELECT DISTINCT t.key, t.name, sf.path, store.line, store.col, "
                   "df.path, func.line, func.col FROM store "
                   "JOIN sym t ON t.id = store.target "
                   "LEFT JOIN file sf ON sf.id = store.file "
                   "LEFT JOIN func ON func.sym = store.target "
                   "LEFT JOIN file df ON df.id = func.file WHERE store.field = ?1");
  if (!S)
    return S.takeError();
  std::vector<StoreRow> Rows;
  for (auto &[Id, Name] : Wanted) {
    StmtScope Scope(*S);
    bindValue(*S, 1, Id);
    while (sqlite3_step(*S) == SQLITE_ROW) {
      StoreRow R;
      R.Field = Name;
      R.TargetKey = text(*S, 0);
      R.TargetName = text(*S, 1);
      R.Site = {text(*S, 2), unsigned(sqlite3_column_int64(*S, 3)),
                unsigned(sqlite3_column_int64(*S, 4))};
      R.TargetDef = {text(*S, 5), unsigned(sqlite3_column_int64(*S, 6)),
                     unsigned(sqlite3_column_int64(*S, 7))};
      Rows.push_back(std::move(R));
    }
  }
  return Rows;
}

llvm::Expected<std::vector<StoreRow>> Index::storesInto(llvm::StringRef Field) {
  return stores([&](llvm::StringRef F) { return F == Field; });
}

llvm::Expected<IndexCounts> Index::counts() {
  IndexCounts C;
  struct {
    const char *SQL;
    uint64_t *Out;
  } Queries[] = {{"SELECT count(*) FROM tu", &C.TUs},
                 {"SELECT count(*) FROM tu WHERE failed", &C.FailedTUs},
                 {"SELECT count(*) FROM func", &C.Functions},
                 {"SELECT count(*) FROM call", &C.Calls},
                 {"SELECT count(*) FROM icall", &C.IndirectCalls},
                 {"SELECT count(*) FROM store", &C.Stores}};
  for (auto &Q : Queries) {
    auto S = prepare(Q.SQL);
    if (!S)
      return S.takeError();
    StmtScope Scope(*S);
    if (sqlite3_step(*S) != SQLITE_ROW)
      return sqlError("cannot count");
    *Q.Out = sqlite3_column_int64(*S, 0);
  }
  return C;
}

llvm::Expected<std::vector<TUState>> Index::failedTUs() {
  auto S = prepare("SELECT file, error FROM tu WHERE failed ORDER BY file");
  if (!S)
    return S.takeError();
  StmtScope Scope(*S);
  std::vector<TUState> Result;
  while (sqlite3_step(*S) == SQLITE_ROW) {
    TUState T;
    T.File = text(*S, 0);
    T.Error = text(*S, 1);
    T.Failed = true;
    Result.push_back(std::move(T));
  }
  return Result;
}

llvm::Error Index::setMeta(llvm::StringRef Key, llvm::StringRef Value) {
  auto S = prepare("INSERT OR REPLACE INTO meta VALUES(?1, ?2)");
  if (!S)
    return S.takeError();
  if (!run(*S, Key, Value))
    return sqlError("cannot record " + Key.str());
  return llvm::Error::success();
}

llvm::Expected<std::string> Index::meta(llvm::StringRef Key) {
  auto S = prepare("SELECT value FROM meta WHERE key=?1");
  if (!S)
    return S.takeError();
  StmtScope Scope(*S);
  bindValue(*S, 1, Key);
  if (sqlite3_step(*S) == SQLITE_ROW)
    return text(*S, 0);
  return std::string();
}

} // namespace kreach
