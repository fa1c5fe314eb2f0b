//===- Index.cpp - The SQLite store of per-TU facts -----------------------===//

#include "kreach/Index.h"

#include "llvm/ADT/StringSet.h"

#include "SQLite.h"
#include "kreach/FactKinds.h"
#include "kreach/LEB128.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/LEB128.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/xxhash.h"
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace kreach {

namespace {

/// The value-flow facts (schema 4).
const char *const ValueFlowSQL = R"sql(
CREATE TABLE vcall(caller INTEGER NOT NULL, value TEXT, file INTEGER,
                   line INTEGER, col INTEGER);
CREATE INDEX vcall_caller ON vcall(caller);
CREATE TABLE carg(caller INTEGER NOT NULL, callee INTEGER NOT NULL, arg INTEGER,
                  part TEXT, value TEXT, file INTEGER, line INTEGER,
                  col INTEGER);
CREATE INDEX carg_caller ON carg(caller);
CREATE TABLE fret(func INTEGER NOT NULL, value TEXT, file INTEGER, line INTEGER,
                  col INTEGER);
CREATE INDEX fret_func ON fret(func);
CREATE TABLE assign(owner_func INTEGER NOT NULL, target TEXT, value TEXT,
                    file INTEGER, line INTEGER, col INTEGER);
CREATE INDEX assign_owner_func ON assign(owner_func);
CREATE TABLE ginit(owner_tu INTEGER NOT NULL, target TEXT, value TEXT,
                   file INTEGER, line INTEGER, col INTEGER);
CREATE INDEX ginit_owner_tu ON ginit(owner_tu);
CREATE INDEX ginit_target ON ginit(target);
CREATE INDEX assign_target ON assign(target);
CREATE TABLE fsig(func INTEGER NOT NULL, type TEXT);
CREATE INDEX fsig_func ON fsig(func);
CREATE TABLE ctype(caller INTEGER NOT NULL, type TEXT, file INTEGER, line INTEGER,
                   col INTEGER);
CREATE INDEX ctype_caller ON ctype(caller);
CREATE TABLE effect(sym INTEGER, kind INTEGER NOT NULL, registry TEXT, a TEXT, b TEXT,
                    file TEXT, line INTEGER, col INTEGER, label TEXT, chain TEXT);
CREATE INDEX effect_sym ON effect(sym);
)sql";

/// The mask arguments (schema 5).
const char *const MaskSQL = R"sql(
CREATE TABLE maskarg(caller INTEGER NOT NULL, callee TEXT, arg INTEGER, value TEXT,
                     spelling TEXT, file INTEGER, line INTEGER, col INTEGER);
CREATE INDEX maskarg_caller ON maskarg(caller);
)sql";

const char *const SchemaSQL = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE file(id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL,
                  size INTEGER NOT NULL DEFAULT -1, mtime INTEGER NOT NULL DEFAULT -1,
                  content INTEGER NOT NULL DEFAULT 0);
CREATE TABLE sym(id INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL, name TEXT NOT NULL);
CREATE TABLE field(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL);
CREATE TABLE tu(id INTEGER PRIMARY KEY, file TEXT UNIQUE NOT NULL, directory TEXT,
                command_hash TEXT, failed INTEGER NOT NULL DEFAULT 0, error TEXT);
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
                     col INTEGER, via INTEGER, hops TEXT, mask INTEGER,
                     PRIMARY KEY(rule_set, sym)) WITHOUT ROWID;
)sql";

/// A TU's inputs as stored: each file's id, unsigned LEB128, in order.
std::vector<uint8_t> encodeInputIds(llvm::ArrayRef<int64_t> Ids) {
  std::vector<uint8_t> Out;
  Out.reserve(Ids.size() * 2);
  uint8_t Bytes[16];
  for (int64_t Id : Ids)
    Out.insert(Out.end(), Bytes, Bytes + llvm::encodeULEB128(uint64_t(Id), Bytes));
  return Out;
}

/// False for a blob encodeInputIds did not write.
bool decodeInputIds(llvm::ArrayRef<uint8_t> Blob, llvm::SmallVectorImpl<int64_t> &Ids) {
  // A whole tree decodes tens of millions of ids on every check; almost all
  // take one or two bytes, decoded here without the general reader's calls.
  Ids.clear();
  Ids.reserve(Blob.size());
  const uint8_t *P = Blob.begin(), *End = Blob.end();
  while (P != End) {
    if (*P < 0x80) {
      Ids.push_back(*P++);
      continue;
    }
    if (End - P >= 2 && P[1] < 0x80) {
      Ids.push_back(int64_t(P[0] & 0x7f) | int64_t(P[1]) << 7);
      P += 2;
      continue;
    }
    const char *Error = nullptr;
    uint64_t V = readULEB128(P, End, &Error); // Refuses overlong encodings.
    if (Error)
      return false;
    Ids.push_back(int64_t(V));
  }
  return true;
}

/// The tu_inputs table.
const char *const TUInputsSQL = R"sql(
CREATE TABLE tu_inputs(tu INTEGER PRIMARY KEY, files BLOB NOT NULL,
                       stamp_hash INTEGER NOT NULL);
)sql";

/// How many summary sets (distinct sinks and boundaries) an index keeps; the
/// least recently stored go first.
constexpr int MaxSummarySets = 8;

/// A call through a field that is itself the sink: its summary's next hop
/// names the field, stored as a symbol no function key can be.
constexpr llvm::StringLiteral FieldSinkPrefix = "field:";

/// The statements each fact kind needs, made from its columns.
struct FactSQL {
  std::string Insert;
  /// Deletes the facts of a body (by Owner), or a TU's file-scope facts (by
  /// OwnerTU; empty for kinds without).
  std::string DeleteBody, DeleteFileScope;
  /// Reads what the graph needs: every column but the owners of file-scope
  /// kinds (see FactKinds.def), and the columns it reads, in order.
  std::string Load;
  std::vector<unsigned> Loaded;
};

const FactSQL &factSQL(FactKind K) {
  static const std::vector<FactSQL> All = [] {
    std::vector<FactSQL> All;
    for (const FactKindInfo &K : factKinds()) {
      FactSQL Q;
      std::string Values, Selected;
      for (unsigned I = 0; I < K.Columns.size(); ++I) {
        const FactColumn &C = K.Columns[I];
        Values += (I ? ", ?" : "?") + std::to_string(I + 1);
        if (C.Kind == ColumnKind::Owner)
          Q.DeleteBody = ("DELETE FROM " + K.Table + " WHERE " + C.Name + "=?1").str();
        if (C.Kind == ColumnKind::OwnerTU)
          Q.DeleteFileScope = ("DELETE FROM " + K.Table + " WHERE " + C.Name + "=?1").str();
        if (C.Kind == ColumnKind::OwnerTU || (C.Kind == ColumnKind::Owner && K.FileScope))
          continue;
        Selected += (Selected.empty() ? "" : ", ") + C.Name.str();
        Q.Loaded.push_back(I);
      }
      Q.Insert = ("INSERT INTO " + K.Table + " VALUES(" + Values + ")").str();
      Q.Load = ("SELECT " + llvm::StringRef(K.FileScope ? "DISTINCT " : "") + Selected +
                " FROM " + K.Table)
                   .str();
      All.push_back(std::move(Q));
    }
    return All;
  }();
  return All[size_t(K)];
}

/// What a body contributes to its hash, kind by kind; see storeFacts.
void hashFact(llvm::raw_ostream &OS, const FactKindInfo &K,
              llvm::ArrayRef<FactValue> Values) {
  OS << K.HashTag;
  bool First = true;
  for (auto [C, V] : llvm::zip_equal(K.Columns, Values)) {
    switch (C.Kind) {
    case ColumnKind::Owner:
    case ColumnKind::OwnerTU:
      break;
    case ColumnKind::File:
      OS << '@' << V.Text;
      break;
    case ColumnKind::Line:
    case ColumnKind::Col:
      OS << ':' << V.Int;
      break;
    case ColumnKind::Integer:
      OS << (First ? "" : "=") << V.Int;
      First = false;
      break;
    case ColumnKind::Symbol:
    case ColumnKind::Field:
    case ColumnKind::Text:
      OS << (First ? "" : "=") << V.Text;
      First = false;
      break;
    }
  }
  OS << ';';
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

/// What inputStampHash hashes for one input: its content.
constexpr size_t StampRecordBytes = 8;
static void stampRecord(const InputStamp &In, uint8_t *Out) {
  llvm::support::endian::write64le(Out, In.Content);
}

uint64_t inputStampHash(llvm::ArrayRef<InputStamp> Inputs) {
  llvm::SmallVector<uint8_t, 1024> Bytes;
  Bytes.resize_for_overwrite(Inputs.size() * StampRecordBytes);
  uint8_t *P = Bytes.data();
  for (const InputStamp &In : Inputs) {
    stampRecord(In, P);
    P += StampRecordBytes;
  }
  return llvm::xxh3_64bits(Bytes);
}

llvm::Error Index::sqlError(llvm::StringRef What) { return sqliteError(DB, Path, What); }

llvm::Error Index::exec(llvm::StringRef SQL) { return execSQL(DB, Path, SQL); }

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

llvm::Expected<Statement> Index::statement(llvm::StringRef SQL) {
  llvm::Expected<sqlite3_stmt *> S = prepare(SQL);
  if (!S)
    return S.takeError();
  return Statement(*S, DB, Path);
}

llvm::Expected<Transaction> Index::transaction(bool Immediate) {
  return Transaction::begin(
      DB, Path, Immediate ? Transaction::Immediate : Transaction::Deferred, [this] {
        // Cached ids may name rows the rollback removed.
        SymCache.clear();
        FileCache.clear();
        StoredFileCache.clear();
        StoredStamps.clear();
        FieldCache.clear();
      });
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
  // kreach_path(stored): the absolute path of a stored one, so that every
  // query hands out paths of the tree as it is now.
  auto Absolute = [](sqlite3_context *Ctx, int, sqlite3_value **Args) {
    const auto *Self = static_cast<const Index *>(sqlite3_user_data(Ctx));
    const unsigned char *Text = sqlite3_value_text(Args[0]);
    if (!Text) {
      sqlite3_result_null(Ctx);
      return;
    }
    std::string Abs = Self->Portable.absolute(
        llvm::StringRef(reinterpret_cast<const char *>(Text), sqlite3_value_bytes(Args[0])));
    sqlite3_result_text(Ctx, Abs.data(), int(Abs.size()), SQLITE_TRANSIENT);
  };
  if (sqlite3_create_function_v2(DB, "kreach_path", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                 this, Absolute, nullptr, nullptr, nullptr) != SQLITE_OK)
    return sqlError("cannot set up the index's paths");
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

  int64_t NumTables = 0;
  {
    auto Tables = I->statement("SELECT count(*) FROM sqlite_master WHERE type='table'");
    if (!Tables) {
      llvm::consumeError(Tables.takeError());
      return I->openError(sqlite3_extended_errcode(I->DB), "read");
    }
    if (!Tables->next())
      return I->openError(Tables->result(), "read");
    NumTables = Tables->integer(0);
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
    int Found = -1;
    {
      // Reset before a migration: an active read keeps the table locked.
      auto Version = I->statement("SELECT value FROM meta WHERE key='schema'");
      if (!Version) {
        llvm::consumeError(Version.takeError());
        return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                       "index '" + Path.str() +
                                           "' is not a kreach index; remove it to "
                                           "re-index");
      }
      if (Version->next())
        Found = std::atoi(Version->text(0).c_str());
    }
    if (Found >= 2 && Found < IndexSchemaVersion && M == Mode::ReadWrite) {
      // Before schema 7 keys and paths were absolute: no fact of an older
      // index names a node as this kreach does, so the writer starts the
      // index afresh and every TU is parsed again (a one-time cost, as a
      // facts revision is).
      if (llvm::Error E = I->recreateSchema())
        return E;
      Found = IndexSchemaVersion;
    }
    if (Found >= 2 && Found < IndexSchemaVersion)
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
    if (llvm::Error E = I->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"))
      return E;
  // Stored paths are relative to the tree as the opener finds it, else to
  // the root the index recorded.
  llvm::Expected<std::string> Recorded = I->meta("source_root");
  if (!Recorded)
    return Recorded.takeError();
  llvm::Expected<std::string> RecordedBuild = I->meta("build_dir");
  if (!RecordedBuild)
    return RecordedBuild.takeError();
  I->Recorded = PathMapper(*Recorded, *RecordedBuild);
  I->usePaths(PathMapper(Opts.SourceRoot, Opts.BuildDir, Opts.Spellings));
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
  auto S = statement("SELECT value FROM meta WHERE key='complete'");
  if (!S)
    return S.takeError();
  if (S->next())
    return S->text(0) == "1";
  if (llvm::Error E = S->done("cannot read"))
    return E;
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
  // A deferred transaction's snapshot starts at its first read. It spans
  // calls, so it is no Transaction: endSnapshot ends it.
  if (llvm::Error E = exec("BEGIN"))
    return E;
  auto S = statement("SELECT count(*) FROM meta");
  if (!S)
    return S.takeError();
  return S->row("cannot read");
}

llvm::Error Index::endSnapshot() {
  if (SnapshotDepth == 0 || --SnapshotDepth > 0 || !SnapshotOwned)
    return llvm::Error::success();
  SnapshotOwned = false;
  if (sqlite3_get_autocommit(DB))
    return llvm::Error::success();
  return exec("COMMIT");
}

/// Every table of this schema, and the row that says its version.
static std::string currentSchemaSQL() {
  return std::string(SchemaSQL) + TUInputsSQL + ValueFlowSQL + MaskSQL +
         "INSERT INTO meta VALUES('schema', '" + std::to_string(IndexSchemaVersion) + "');";
}

llvm::Error Index::initSchema() {
  auto T = transaction(/*Immediate=*/false);
  if (!T)
    return T.takeError();
  if (llvm::Error E = exec(currentSchemaSQL()))
    return E;
  return T->commit();
}

llvm::Expected<int64_t> Index::internSym(llvm::StringRef Key, llvm::StringRef Name) {
  auto It = SymCache.find(Key);
  if (It != SymCache.end())
    return It->second;
  int64_t Id = -1;
  {
    auto Insert = statement("INSERT INTO sym(key, name) VALUES(?1, ?2) ON CONFLICT(key) "
                            "DO UPDATE SET name=excluded.name WHERE sym.name='' "
                            "RETURNING id");
    if (!Insert)
      return Insert.takeError();
    if (Insert->bind(Key, Name).next())
      Id = Insert->integer(0);
  }
  if (Id < 0) {
    // The row existed with a name already: RETURNING yields nothing.
    auto Select = statement("SELECT id FROM sym WHERE key=?1");
    if (!Select)
      return Select.takeError();
    if (llvm::Error E = Select->bind(Key).row("cannot intern symbol"))
      return E;
    Id = Select->integer(0);
  }
  SymCache[Key] = Id;
  return Id;
}

llvm::Expected<int64_t> Index::internCached(llvm::StringMap<int64_t> &Cache,
                                            llvm::StringRef InsertSQL,
                                            llvm::StringRef SelectSQL,
                                            llvm::StringRef Value) {
  auto It = Cache.find(Value);
  if (It != Cache.end())
    return It->second;
  {
    auto Insert = statement(InsertSQL);
    if (!Insert)
      return Insert.takeError();
    // INSERT OR IGNORE: the select below tells whether the row is there.
    Insert->bind(Value).next();
  }
  auto Select = statement(SelectSQL);
  if (!Select)
    return Select.takeError();
  if (!Select->bind(Value).next())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   std::string("index: cannot intern: ") +
                                       sqlite3_errmsg(DB));
  int64_t Id = Select->integer(0);
  Cache[Value] = Id;
  return Id;
}

llvm::Expected<int64_t> Index::internFile(llvm::StringRef P) {
  if (P.empty())
    return 0;
  auto It = FileCache.find(P);
  if (It != FileCache.end())
    return It->second;
  llvm::Expected<int64_t> Id =
      internCached(StoredFileCache, "INSERT OR IGNORE INTO file(path) VALUES(?1)",
                   "SELECT id FROM file WHERE path=?1", Portable.stored(P));
  if (Id)
    FileCache[P] = *Id;
  return Id;
}

llvm::Expected<int64_t> Index::internField(llvm::StringRef F) {
  return internCached(FieldCache, "INSERT OR IGNORE INTO field(name) VALUES(?1)",
                      "SELECT id FROM field WHERE name=?1", F);
}

/// Every TU's row (no inputs), by file and by id.
llvm::Error Index::loadTUStates(llvm::StringMap<TUState> &Result,
                                llvm::DenseMap<int64_t, TUState *> &ById) {
  auto TUs = statement("SELECT id, kreach_path(file), kreach_path(directory), command_hash, "
                       "failed, error FROM tu");
  if (!TUs)
    return TUs.takeError();
  while (TUs->next()) {
    TUState &S = Result[TUs->text(1)];
    S.File = TUs->text(1);
    S.Directory = TUs->text(2);
    S.CommandHash = TUs->text(3);
    S.Failed = TUs->integer(4) != 0;
    S.Error = TUs->text(5);
    ById[TUs->integer(0)] = &S;
  }
  return llvm::Error::success();
}

llvm::Error Index::recreateSchema() {
  std::vector<std::string> Tables;
  {
    auto Names = statement("SELECT name FROM sqlite_master WHERE type='table' AND "
                           "name NOT LIKE 'sqlite_%'");
    if (!Names)
      return Names.takeError();
    while (Names->next())
      Tables.push_back(Names->text(0));
    if (llvm::Error E = Names->done("cannot read the schema"))
      return E;
  }
  std::string SQL = "BEGIN IMMEDIATE;";
  for (const std::string &T : Tables)
    SQL += "DROP TABLE \"" + T + "\";";
  SQL += currentSchemaSQL() + "COMMIT;";
  if (llvm::Error E = exec(SQL)) {
    llvm::consumeError(exec("ROLLBACK"));
    return E;
  }
  return llvm::Error::success();
}

llvm::Error Index::recordPaths() {
  if (llvm::Error E = setMeta("source_root", Portable.root()))
    return E;
  return setMeta("build_dir", Portable.buildDir());
}

void Index::usePaths(PathMapper Paths) {
  const std::string &Was = Recorded.root(), &Now = Paths.root();
  // No root asked for, or one inside or around the recorded one (a user who
  // chose another root for the same tree): the stored paths keep meaning
  // what they meant. Any other root is the tree moved.
  if (Now.empty() ||
      (!Was.empty() && Was != Now && (Recorded.inside(Now) || Paths.inside(Was)))) {
    PathMapper Kept = Recorded;
    // The tree's other spellings still name it.
    for (const PathSpelling &S : Paths.taught())
      Kept.learnSpelling(S.Spelled, S.Real);
    Paths = std::move(Kept);
  }
  Portable = std::move(Paths);
  FileCache.clear(); // Keyed by absolute paths, which may now resolve elsewhere.
}

llvm::Expected<std::vector<FileStamp>> Index::fileStamps() {
  std::vector<FileStamp> Stamps;
  auto Files = statement("SELECT id, kreach_path(path), size, mtime, content FROM file");
  if (!Files)
    return Files.takeError();
  while (Files->next()) {
    int64_t Id = Files->integer(0);
    if (Id < 0 || Id > (int64_t(1) << 32))
      continue; // Not an id the index hands out; no input names it.
    if (size_t(Id) >= Stamps.size())
      Stamps.resize(Id + 1);
    FileStamp &S = Stamps[Id];
    S.Path = Files->text(1);
    S.Size = Files->integer(2);
    S.MTime = Files->integer(3);
    S.Content = uint64_t(Files->integer(4));
  }
  if (llvm::Error E = Files->done("cannot read files"))
    return std::move(E);
  return Stamps;
}

llvm::Error Index::storeFileStamp(int64_t File, const FileStamp &Stamp) {
  auto It = StoredStamps.find(File);
  if (It != StoredStamps.end() && It->second.Size == Stamp.Size &&
      It->second.MTime == Stamp.MTime && It->second.Content == Stamp.Content)
    return llvm::Error::success();
  if (llvm::Error E = runStatement(
          statement("UPDATE file SET size=?2, mtime=?3, content=?4 WHERE id=?1"),
          "cannot record a file's stamp", File, Stamp.Size, Stamp.MTime,
          int64_t(Stamp.Content)))
    return E;
  FileStamp &Kept = StoredStamps[File];
  Kept.Size = Stamp.Size;
  Kept.MTime = Stamp.MTime;
  Kept.Content = Stamp.Content;
  return llvm::Error::success();
}

llvm::Error Index::storeFileStamps() {
  if (SeenStamps.empty())
    return llvm::Error::success();
  llvm::Expected<Transaction> T = transaction(/*Immediate=*/true);
  if (!T)
    return T.takeError();
  for (const auto &[File, Stamp] : SeenStamps)
    if (llvm::Error E = storeFileStamp(File, Stamp))
      return E;
  SeenStamps.clear();
  return T->commit();
}

/// A TU's inputs, by path, from its stored ids; false for damaged ones.
static bool inputsOf(llvm::ArrayRef<uint8_t> Blob, llvm::ArrayRef<FileStamp> Files,
                     std::vector<InputStamp> &Out) {
  llvm::SmallVector<int64_t, 64> Ids;
  if (!decodeInputIds(Blob, Ids))
    return false;
  for (int64_t Id : Ids) {
    if (Id <= 0 || size_t(Id) >= Files.size() || Files[Id].Path.empty())
      return false;
    Out.push_back(Files[Id]);
  }
  return true;
}

llvm::Expected<llvm::StringMap<TUState>>
Index::tuStates(llvm::ArrayRef<std::string> OnlyFiles) {
  if (!OnlyFiles.empty())
    return selectedTUStates(OnlyFiles);
  llvm::StringMap<TUState> Result;
  llvm::DenseMap<int64_t, TUState *> ById;
  if (llvm::Error E = loadTUStates(Result, ById))
    return std::move(E);
  llvm::Expected<std::vector<FileStamp>> Paths = fileStamps();
  if (!Paths)
    return Paths.takeError();
  auto Inputs = statement("SELECT tu, files, stamp_hash FROM tu_inputs");
  if (!Inputs)
    return Inputs.takeError();
  while (Inputs->next()) {
    auto It = ById.find(Inputs->integer(0));
    if (It == ById.end())
      continue;
    TUState &S = *It->second;
    // Damaged inputs: none, so the TU is parsed again.
    if (!inputsOf(Inputs->blob(1), *Paths, S.Inputs))
      S.Inputs.clear();
    S.StampHash = uint64_t(Inputs->integer(2));
  }
  if (llvm::Error E = Inputs->done("cannot read inputs"))
    return std::move(E);
  return Result;
}

llvm::Expected<llvm::StringMap<TUState>>
Index::tuStatesVerified(
    llvm::function_ref<FileStamp(llvm::StringRef Path, const FileStamp &Known)> Now) {
  llvm::StringMap<TUState> Result;
  llvm::DenseMap<int64_t, TUState *> ById;
  if (llvm::Error E = loadTUStates(Result, ById))
    return std::move(E);
  for (auto &[Id, S] : ById)
    S->InputsChanged = true; // Until its inputs say otherwise.
  llvm::Expected<std::vector<FileStamp>> Paths = fileStamps();
  if (!Paths)
    return Paths.takeError();
  SeenStamps.clear();
  // What storeTU() then need not write again.
  for (size_t Id = 0; Id < Paths->size(); ++Id) {
    const FileStamp &S = (*Paths)[Id];
    if (!S.Path.empty() && S.MTime >= 0)
      StoredStamps[int64_t(Id)] = {std::string(), S.Size, S.MTime, S.Content};
  }
  // Each file asked once, when a TU first names it, and kept as the bytes
  // inputStampHash hashes for it: a TU's hash is then its files' records
  // copied side by side, with no stamp built per input (a whole tree names
  // tens of millions of inputs).
  std::vector<uint8_t> Records(Paths->size() * StampRecordBytes);
  std::vector<bool> Asked(Paths->size());
  llvm::SmallVector<uint8_t, 16384> Bytes;
  llvm::SmallVector<int64_t, 1024> Ids;
  auto Inputs = statement("SELECT tu, files, stamp_hash FROM tu_inputs");
  if (!Inputs)
    return Inputs.takeError();
  while (Inputs->next()) {
    auto It = ById.find(Inputs->integer(0));
    if (It == ById.end() || !decodeInputIds(Inputs->blob(1), Ids) || Ids.empty())
      continue;
    Bytes.resize_for_overwrite(Ids.size() * StampRecordBytes);
    uint8_t *Out = Bytes.data();
    bool Known = true;
    for (int64_t Id : Ids) {
      if (Id <= 0 || size_t(Id) >= Paths->size() || (*Paths)[Id].Path.empty()) {
        Known = false;
        break;
      }
      uint8_t *Record = &Records[size_t(Id) * StampRecordBytes];
      if (!Asked[Id]) {
        const FileStamp &Stored = (*Paths)[Id];
        FileStamp Seen = Now(Stored.Path, Stored);
        stampRecord(Seen, Record);
        Asked[Id] = true;
        if (Seen.Size != Stored.Size || Seen.MTime != Stored.MTime ||
            Seen.Content != Stored.Content)
          SeenStamps.emplace_back(Id, std::move(Seen));
      }
      std::memcpy(Out, Record, StampRecordBytes);
      Out += StampRecordBytes;
    }
    if (Known && llvm::xxh3_64bits(Bytes) == uint64_t(Inputs->integer(2)))
      It->second->InputsChanged = false;
  }
  if (llvm::Error E = Inputs->done("cannot read inputs"))
    return std::move(E);
  return Result;
}

llvm::Expected<llvm::StringMap<TUState>>
Index::selectedTUStates(llvm::ArrayRef<std::string> Files) {
  // Patch mode asks about a handful of TUs; reading every TU's inputs would
  // cost more than parsing them.
  llvm::StringMap<TUState> Result;
  std::optional<std::vector<FileStamp>> Paths;
  for (const std::string &File : Files) {
    int64_t Id;
    {
      auto TUs =
          statement("SELECT id, kreach_path(file), kreach_path(directory), command_hash, "
                    "failed, error FROM tu WHERE file = ?1");
      if (!TUs)
        return TUs.takeError();
      if (!TUs->bind(Portable.stored(File)).next())
        continue;
      Id = TUs->integer(0);
      TUState &S = Result[File];
      S.File = TUs->text(1);
      S.Directory = TUs->text(2);
      S.CommandHash = TUs->text(3);
      S.Failed = TUs->integer(4) != 0;
      S.Error = TUs->text(5);
    }
    if (!Paths) {
      llvm::Expected<std::vector<FileStamp>> All = fileStamps();
      if (!All)
        return All.takeError();
      Paths = std::move(*All);
    }
    auto Inputs = statement("SELECT files, stamp_hash FROM tu_inputs WHERE tu = ?1");
    if (!Inputs)
      return Inputs.takeError();
    TUState &S = Result[File];
    if (Inputs->bind(Id).next()) {
      if (!inputsOf(Inputs->blob(0), *Paths, S.Inputs))
        S.Inputs.clear();
      S.StampHash = uint64_t(Inputs->integer(1));
    }
  }
  return Result;
}

llvm::Expected<std::vector<std::string>>
Index::tusReading(llvm::ArrayRef<std::string> Paths) {
  std::vector<std::string> Result;
  llvm::DenseSet<int64_t> Wanted;
  for (const std::string &P : Paths) {
    std::string Stored = Portable.stored(P);
    auto S = statement("SELECT kreach_path(tu.file) FROM tu WHERE tu.file = ?1");
    if (!S)
      return S.takeError();
    if (S->bind(Stored).next())
      Result.push_back(S->text(0));
    auto F = statement("SELECT id FROM file WHERE path = ?1");
    if (!F)
      return F.takeError();
    if (F->bind(Stored).next())
      Wanted.insert(F->integer(0));
  }
  if (!Wanted.empty()) {
    // One pass over every TU's input ids (a row each), not a row per stamp;
    // the paths of only the TUs that read one (a patch's few, of a tree's
    // thousands).
    auto S = statement("SELECT tu, files FROM tu_inputs");
    if (!S)
      return S.takeError();
    llvm::SmallVector<int64_t, 1024> Ids;
    std::vector<int64_t> Reading;
    while (S->next()) {
      if (!decodeInputIds(S->blob(1), Ids))
        continue;
      if (llvm::any_of(Ids, [&](int64_t Id) { return Wanted.contains(Id); }))
        Reading.push_back(S->integer(0));
    }
    if (llvm::Error E = S->done("cannot read inputs"))
      return std::move(E);
    for (int64_t TU : Reading) {
      auto Path = statement("SELECT kreach_path(file) FROM tu WHERE id = ?1");
      if (!Path)
        return Path.takeError();
      if (Path->bind(TU).next())
        Result.push_back(Path->text(0));
    }
  }
  llvm::sort(Result);
  Result.erase(std::unique(Result.begin(), Result.end()), Result.end());
  return Result;
}

llvm::Error Index::deleteBody(int64_t Sym) {
  for (const FactKindInfo &K : factKinds()) {
    if (factSQL(K.Kind).DeleteBody.empty())
      continue; // File-scope facts only.
    if (llvm::Error E =
            runStatement(statement(factSQL(K.Kind).DeleteBody), "cannot delete facts", Sym))
      return E;
  }
  return llvm::Error::success();
}

llvm::Error Index::storeFact(const TUFacts &Facts, FactKind K, size_t I, int64_t OwnerFunc,
                             int64_t OwnerTU) {
  const FactKindInfo &Info = factKind(K);
  llvm::SmallVector<FactValue, 8> Values;
  factValues(Facts, K, I, Values);
  auto S = statement(factSQL(K).Insert);
  if (!S)
    return S.takeError();
  for (unsigned Col = 0; Col < Values.size(); ++Col) {
    const FactValue &V = Values[Col];
    llvm::Expected<int64_t> Id = int64_t(0);
    switch (Info.Columns[Col].Kind) {
    case ColumnKind::Owner:
      Id = OwnerFunc;
      break;
    case ColumnKind::OwnerTU:
      Id = OwnerTU;
      break;
    case ColumnKind::Symbol:
      Id = internSym(V.Text, V.Name);
      break;
    case ColumnKind::Field:
      Id = internField(V.Text);
      break;
    case ColumnKind::File:
      Id = internFile(V.Text);
      break;
    case ColumnKind::Line:
    case ColumnKind::Col:
    case ColumnKind::Integer:
      Id = V.Int;
      break;
    case ColumnKind::Text:
      S->bindOne(Col + 1, V.Text);
      continue;
    }
    if (!Id)
      return Id.takeError();
    S->bindOne(Col + 1, *Id);
  }
  return S->run("cannot store " + Info.Table.str());
}

llvm::Error Index::storeFacts(int64_t TU, const TUFacts &Facts) {
  // The stored effects are the tree's before this TU changed; the new
  // generation tells a graph loaded before this change from one after.
  if (llvm::Error E = exec("DELETE FROM meta WHERE key = 'effects'; "
                           "INSERT INTO meta VALUES('generation', '1') ON CONFLICT(key) "
                           "DO UPDATE SET value = CAST(value AS INTEGER) + 1"))
    return E;
  // Body facts by the function they belong to, kind by kind in .def order.
  using FactRef = std::pair<FactKind, size_t>;
  llvm::StringMap<std::vector<FactRef>> Bodies;
  std::vector<FactRef> FileScope;
  llvm::SmallVector<FactValue, 8> Values;
  for (const FactKindInfo &K : factKinds()) {
    // A kind that only ever sits at file scope has no Owner column; its
    // OwnerTU column holds the (empty) owner instead.
    auto OwnerCol = llvm::find_if(K.Columns, [](const FactColumn &C) {
      return C.Kind == ColumnKind::Owner || C.Kind == ColumnKind::OwnerTU;
    });
    for (size_t I = 0, E = factCount(Facts, K.Kind); I != E; ++I) {
      Values.clear();
      factValues(Facts, K.Kind, I, Values);
      llvm::StringRef Owner = Values[OwnerCol - K.Columns.begin()].Text;
      if (Owner.empty() && K.FileScope)
        FileScope.push_back({K.Kind, I});
      else
        Bodies[Owner].push_back({K.Kind, I});
    }
  }

  std::vector<int64_t> OldFunctions;
  {
    auto Old = statement("SELECT sym FROM tu_func WHERE tu=?1");
    if (!Old)
      return Old.takeError();
    Old->bind(TU);
    while (Old->next())
      OldFunctions.push_back(Old->integer(0));
  }
  if (llvm::Error E = runStatement(statement("DELETE FROM tu_func WHERE tu=?1"),
                                   "cannot replace TU", TU))
    return E;
  for (const FactKindInfo &K : factKinds()) {
    if (!K.FileScope)
      continue;
    if (llvm::Error E = runStatement(statement(factSQL(K.Kind).DeleteFileScope),
                                     "cannot replace TU", TU))
      return E;
  }

  llvm::DenseSet<int64_t> NewFunctions;
  for (const FunctionFact &F : Facts.Functions) {
    llvm::Expected<int64_t> Sym = internSym(F.Key, F.Name);
    if (!Sym)
      return Sym.takeError();
    if (!NewFunctions.insert(*Sym).second)
      continue;
    if (llvm::Error E = runStatement(statement("INSERT OR IGNORE INTO tu_func VALUES(?1, ?2)"),
                                     "cannot record function", TU, *Sym))
      return E;
    const std::vector<FactRef> &Body = Bodies[F.Key];
    // Hash what the body contributes; an unchanged body is not rewritten,
    // which is what makes header inlines cheap to index.
    std::string Serialized;
    llvm::raw_string_ostream OS(Serialized);
    OS << Portable.stored(F.Loc.File) << ':' << F.Loc.Line << ':' << F.Loc.Column << ';';
    for (auto [K, I] : Body) {
      Values.clear();
      factValues(Facts, K, I, Values);
      hashFact(OS, factKind(K), Values);
    }
    std::string Hash = llvm::utohexstr(llvm::xxh3_64bits(OS.str()));
    std::string OldHash;
    {
      auto GetHash = statement("SELECT body_hash FROM func WHERE sym=?1");
      if (!GetHash)
        return GetHash.takeError();
      if (GetHash->bind(*Sym).next())
        OldHash = GetHash->text(0);
    }
    if (OldHash == Hash)
      continue;
    if (llvm::Error E = deleteBody(*Sym))
      return E;
    llvm::Expected<int64_t> DefFile = internFile(F.Loc.File);
    if (!DefFile)
      return DefFile.takeError();
    if (llvm::Error E = runStatement(
            statement("INSERT OR REPLACE INTO func VALUES(?1, ?2, ?3, ?4, ?5, ?6)"),
            "cannot store function", *Sym, *DefFile, int64_t(F.Loc.Line),
            int64_t(F.Loc.Column), int64_t(F.Internal), Hash))
      return E;
    for (auto [K, I] : Body)
      if (llvm::Error E = storeFact(Facts, K, I, *Sym, 0))
        return E;
  }
  for (auto [K, I] : FileScope)
    if (llvm::Error E = storeFact(Facts, K, I, 0, TU))
      return E;

  // Functions this TU no longer defines, and no other TU defines either.
  for (int64_t Sym : OldFunctions) {
    if (NewFunctions.count(Sym))
      continue;
    {
      auto StillDefined = statement("SELECT 1 FROM tu_func WHERE sym=?1 LIMIT 1");
      if (!StillDefined)
        return StillDefined.takeError();
      if (StillDefined->bind(Sym).next())
        continue;
    }
    if (llvm::Error E = deleteBody(Sym))
      return E;
    if (llvm::Error E = runStatement(statement("DELETE FROM func WHERE sym=?1"),
                                     "cannot delete function", Sym))
      return E;
  }
  return llvm::Error::success();
}

llvm::Error Index::storeTU(const TUState &State, const TUFacts *Facts) {
  auto T = transaction(/*Immediate=*/true);
  if (!T)
    return T.takeError();
  int64_t TU;
  {
    auto PutTU =
        statement("INSERT INTO tu(file, directory, command_hash, failed, error) "
                  "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(file) DO UPDATE SET "
                  "directory=excluded.directory, command_hash=excluded.command_hash, "
                  "failed=excluded.failed, error=excluded.error RETURNING id");
    if (!PutTU)
      return PutTU.takeError();
    if (llvm::Error E = PutTU
                            ->bind(Portable.stored(State.File),
                                   Portable.stored(State.Directory), State.CommandHash,
                                   int64_t(State.Failed), State.Error)
                            .row("cannot record TU"))
      return E;
    TU = PutTU->integer(0);
  }
  if (Facts)
    if (llvm::Error E = storeFacts(TU, *Facts))
      return E;
  std::vector<int64_t> Ids;
  Ids.reserve(State.Inputs.size());
  for (const InputStamp &In : State.Inputs) {
    llvm::Expected<int64_t> File = internFile(In.Path);
    if (!File)
      return File.takeError();
    Ids.push_back(*File);
    // The file as this TU saw it, where a time vouches for what it read:
    // the next run compares times, not contents.
    if (In.Size >= 0 && In.MTime >= 0)
      if (llvm::Error E = storeFileStamp(*File, In))
        return E;
  }
  if (llvm::Error E =
          runStatement(statement("INSERT OR REPLACE INTO tu_inputs VALUES(?1, ?2, ?3)"),
                       "cannot record inputs", TU, llvm::ArrayRef<uint8_t>(encodeInputIds(Ids)),
                       int64_t(State.StampHash ? State.StampHash
                                               : inputStampHash(State.Inputs))))
    return E;
  if (StoredTUs++ == CrashAfter)
    std::_Exit(3); // Everything for this TU is written but not committed.
  return T->commit();
}

llvm::Expected<TUFacts> Index::loadTUFacts(llvm::StringRef File) {
  TUFacts Facts;
  Facts.MainFile = File.str();
  int64_t TU;
  {
    auto Find = statement("SELECT id FROM tu WHERE file=?1");
    if (!Find)
      return Find.takeError();
    if (!Find->bind(Portable.stored(File)).next())
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "index '" + Path + "' holds no TU '" + File + "'");
    TU = Find->integer(0);
  }
  // One query per kind and owner, each column turned back into what the
  // fact holds: a symbol's key and name, a field's or file's name.
  auto Select = [](const FactKindInfo &K, llvm::StringRef Where) {
    std::string Cols;
    for (const FactColumn &C : K.Columns) {
      std::string N = C.Name.str();
      if (!Cols.empty())
        Cols += ", ";
      switch (C.Kind) {
      case ColumnKind::Owner:
      case ColumnKind::OwnerTU:
        Cols += "0"; // The owner is known to the caller.
        break;
      case ColumnKind::Symbol:
        Cols += "(SELECT key FROM sym WHERE id=" + N + "), (SELECT name FROM sym WHERE id=" +
                N + ")";
        break;
      case ColumnKind::Field:
        Cols += "(SELECT name FROM field WHERE id=" + N + ")";
        break;
      case ColumnKind::File:
        Cols += "COALESCE((SELECT kreach_path(path) FROM file WHERE id=" + N + "), '')";
        break;
      default:
        Cols += N;
        break;
      }
    }
    return "SELECT " + Cols + " FROM " + K.Table.str() + " WHERE " + Where.str();
  };
  auto Read = [&](const FactKindInfo &K, const std::string &SQL, int64_t Owner,
                  llvm::StringRef OwnerKey) -> llvm::Error {
    auto S = statement(SQL);
    if (!S)
      return S.takeError();
    S->bind(Owner);
    std::vector<std::string> Texts;
    llvm::SmallVector<FactValue, 8> Values;
    while (S->next()) {
      Texts.clear();
      Values.clear();
      int Col = 0;
      Texts.reserve(2 * K.Columns.size());
      for (const FactColumn &C : K.Columns) {
        FactValue &V = Values.emplace_back();
        switch (C.Kind) {
        case ColumnKind::Owner:
        case ColumnKind::OwnerTU:
          V.Text = OwnerKey;
          ++Col;
          break;
        case ColumnKind::Symbol:
          V.Text = Texts.emplace_back(S->text(Col++));
          V.Name = Texts.emplace_back(S->text(Col++));
          break;
        case ColumnKind::Line:
        case ColumnKind::Col:
        case ColumnKind::Integer:
          V.Int = S->integer(Col++);
          break;
        default:
          V.Text = Texts.emplace_back(S->text(Col++));
          break;
        }
      }
      appendFact(Facts, K.Kind, Values);
    }
    return S->done("cannot read " + K.Table.str());
  };
  auto Functions = statement(
      "SELECT sym.id, sym.key, sym.name, COALESCE(kreach_path(file.path), ''), func.line, "
      "func.col, "
      "func.internal FROM tu_func JOIN sym ON sym.id = tu_func.sym "
      "JOIN func ON func.sym = tu_func.sym LEFT JOIN file ON file.id = func.file "
      "WHERE tu_func.tu = ?1 ORDER BY sym.key");
  if (!Functions)
    return Functions.takeError();
  Functions->bind(TU);
  std::vector<std::pair<int64_t, std::string>> Owners;
  while (Functions->next()) {
    FunctionFact &F = Facts.Functions.emplace_back();
    F.Key = Functions->text(1);
    F.Name = Functions->text(2);
    F.Loc = {Functions->text(3), unsigned(Functions->integer(4)),
             unsigned(Functions->integer(5))};
    F.Internal = Functions->integer(6) != 0;
    Owners.push_back({Functions->integer(0), F.Key});
  }
  if (llvm::Error E = Functions->done("cannot read functions"))
    return std::move(E);
  for (const FactKindInfo &K : factKinds()) {
    auto Owner = llvm::find_if(K.Columns, [](const FactColumn &C) {
      return C.Kind == ColumnKind::Owner;
    });
    auto OwnerTU = llvm::find_if(K.Columns, [](const FactColumn &C) {
      return C.Kind == ColumnKind::OwnerTU;
    });
    // Bodies: rows of the function (a kind that may also sit at file scope
    // keeps those under the TU, with no function).
    if (Owner != K.Columns.end()) {
      std::string SQL = Select(K, Owner->Name.str() + "=?1");
      for (const auto &[Sym, Key] : Owners)
        if (llvm::Error E = Read(K, SQL, Sym, Key))
          return std::move(E);
    }
    if (OwnerTU != K.Columns.end()) {
      std::string Where = OwnerTU->Name.str() + "=?1";
      if (Owner != K.Columns.end())
        Where += " AND " + Owner->Name.str() + "=0";
      if (llvm::Error E = Read(K, Select(K, Where), TU, ""))
        return std::move(E);
    }
  }
  return Facts;
}

llvm::Error Index::removeTU(llvm::StringRef File) {
  int64_t TU;
  {
    auto Find = statement("SELECT id FROM tu WHERE file=?1");
    if (!Find)
      return Find.takeError();
    if (!Find->bind(Portable.stored(File)).next())
      return llvm::Error::success();
    TU = Find->integer(0);
  }
  auto T = transaction(/*Immediate=*/true);
  if (!T)
    return T.takeError();
  TUFacts Empty;
  if (llvm::Error E = storeFacts(TU, Empty))
    return E;
  for (const char *SQL :
       {"DELETE FROM tu_inputs WHERE tu=?1", "DELETE FROM tu WHERE id=?1"}) {
    if (llvm::Error E = runStatement(statement(SQL), "cannot remove TU", TU))
      return E;
  }
  return T->commit();
}

llvm::Error Index::loadGraph(CallGraph &G, std::string *Generation) {
  // One snapshot for all the queries: a TU a writer commits in between
  // would otherwise show up with its calls but not its functions.
  if (llvm::Error E = beginSnapshot())
    return E;
  llvm::Error E = loadGraphRows(G);
  if (!E && Generation) {
    llvm::Expected<std::string> Gen = generation();
    if (Gen)
      *Generation = std::move(*Gen);
    else
      E = Gen.takeError();
  }
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
                     llvm::function_ref<void(const Statement &)> Row) -> llvm::Error {
    auto S = statement(SQL);
    if (!S)
      return S.takeError();
    if (DelayMs)
      std::this_thread::sleep_for(std::chrono::milliseconds(DelayMs));
    while (S->next())
      Row(*S);
    return S->done("cannot read");
  };
  if (llvm::Error E = forEach("SELECT id, kreach_path(path) FROM file",
                              [&](const Statement &S) { Files[S.integer(0)] = S.text(1); }))
    return E;
  if (llvm::Error E = forEach("SELECT id, name FROM field", [&](const Statement &S) {
        Fields[S.integer(0)] = S.text(1);
      }))
    return E;
  if (llvm::Error E = forEach("SELECT id, key, name FROM sym", [&](const Statement &S) {
        Nodes[S.integer(0)] = G.getOrAddNode(S.text(1), S.text(2));
      }))
    return E;
  // A row naming a symbol the sym table lacks means the file is damaged
  // (the indexer never writes one): refuse it rather than guess a node.
  int64_t Dangling = 0;
  auto node = [&](const Statement &S, int Col, NodeId &Out) {
    auto It = Nodes.find(S.integer(Col));
    if (It == Nodes.end()) {
      Dangling = S.integer(Col);
      return false;
    }
    Out = It->second;
    return true;
  };
  if (llvm::Error E =
          forEach("SELECT sym, file, line, col FROM func", [&](const Statement &S) {
            NodeId N;
            if (node(S, 0, N))
              G.define(N, SourcePos{Files.lookup(S.integer(1)), unsigned(S.integer(2)),
                                    unsigned(S.integer(3))});
          }))
    return E;
  for (const FactKindInfo &K : factKinds()) {
    const FactSQL &Q = factSQL(K.Kind);
    ResolvedFact R;
    auto Row = [&](const Statement &S) {
      R.clear(K.Kind);
      for (unsigned Col = 0; Col < Q.Loaded.size(); ++Col) {
        switch (K.Columns[Q.Loaded[Col]].Kind) {
        case ColumnKind::Owner:
          if (!node(S, Col, R.Owner))
            return;
          break;
        case ColumnKind::Symbol: {
          NodeId N;
          if (!node(S, Col, N))
            return;
          R.Symbols.push_back(N);
          break;
        }
        case ColumnKind::Field: {
          auto It = Fields.find(S.integer(Col));
          R.Fields.push_back(It == Fields.end() ? llvm::StringRef() : It->second);
          break;
        }
        case ColumnKind::File:
          // Assigned in place: the row's buffer is reused, not reallocated.
          if (auto It = Files.find(S.integer(Col)); It != Files.end())
            R.Site.File.assign(It->second);
          break;
        case ColumnKind::Line:
          R.Site.Line = unsigned(S.integer(Col));
          break;
        case ColumnKind::Col:
          R.Site.Column = unsigned(S.integer(Col));
          break;
        case ColumnKind::Integer:
          R.Integers.push_back(S.integer(Col));
          break;
        case ColumnKind::Text:
          R.Texts.push_back(S.text(Col));
          break;
        case ColumnKind::OwnerTU:
          break;
        }
      }
      G.addFact(R);
    };
    if (llvm::Error E = forEach(Q.Load, Row))
      return E;
  }
  if (Dangling)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "index '" + Path + "' is corrupt (a fact names symbol " +
                                       std::to_string(Dangling) +
                                       ", which it does not hold); run 'kreach index "
                                       "--rebuild'");
  return llvm::Error::success();
}

llvm::Expected<bool> Index::hasSummaries(llvm::StringRef Fingerprint) {
  auto S = statement("SELECT 1 FROM summary_set WHERE fingerprint = ?1");
  if (!S)
    return S.takeError();
  if (S->bind(Fingerprint).next())
    return true;
  if (llvm::Error E = S->done("cannot read summaries"))
    return E;
  return false;
}

static std::string encodeSteps(const CallGraph &G, llvm::ArrayRef<CallGraph::HoistStep> Steps,
                               const PathMapper &Portable);
static bool decodeSteps(
    llvm::StringRef Text, const PathMapper &Portable,
    llvm::function_ref<void(llvm::StringRef Key, llvm::StringRef Name, SourcePos Site)> Each);

/// A summary row by what it says (names, not ids), in one format for the row
/// read back and the row computed, so that storeSummaries compares them.
static std::string summaryRowText(int64_t Dist, llvm::StringRef NextKey, llvm::StringRef File,
                                  int64_t Line, int64_t Col, llvm::StringRef Via,
                                  llvm::StringRef Hops, llvm::StringRef Mask) {
  std::string Row;
  llvm::raw_string_ostream(Row) << Dist << '\x1f' << NextKey << '\x1f' << File << '\x1f' << Line
                                << '\x1f' << Col << '\x1f' << Via << '\x1f' << Hops << '\x1f'
                                << Mask;
  return Row;
}

llvm::Expected<SummaryWrite> Index::storeSummaries(const CallGraph &G,
                                                  const std::vector<SinkStep> &Steps,
                                                  llvm::StringRef Fingerprint,
                                                  llvm::StringRef RuleName,
                                                  llvm::ArrayRef<NodeId> *Only) {
  SummaryWrite Done;
  if (M == Mode::ReadOnly)
    return Done;
  auto T = transaction(/*Immediate=*/true);
  if (!T)
    return T.takeError();
  int64_t SetId;
  {
    auto Set = statement("INSERT INTO summary_set(fingerprint, rules, used) VALUES(?1, ?2, "
                         "(SELECT IFNULL(MAX(used), 0) + 1 FROM summary_set)) "
                         "ON CONFLICT(fingerprint) DO UPDATE SET rules = excluded.rules, "
                         "used = excluded.used RETURNING id");
    if (!Set)
      return Set.takeError();
    if (llvm::Error E = Set->bind(Fingerprint, RuleName).row("cannot store summary"))
      return std::move(E);
    SetId = Set->integer(0);
  }
  // The rows already stored, by what they say rather than by ids, so that
  // an unchanged row costs neither a write nor a symbol lookup: after a
  // small change almost every row of a whole tree's set stays as it was.
  struct Stored {
    std::string Row;
    int64_t Sym;
    bool Current = false;
  };
  llvm::StringMap<Stored> Old;
  {
    const char *Select =
        "SELECT s.key, s.id, summary.dist, n.key, kreach_path(file.path), summary.line, "
        "summary.col, "
        "v.name, summary.hops, m.name FROM summary JOIN sym s ON s.id = summary.sym "
        "LEFT JOIN sym n ON n.id = summary.next LEFT JOIN file ON file.id = summary.file "
        "LEFT JOIN field v ON v.id = summary.via LEFT JOIN field m ON m.id = summary.mask "
        "WHERE summary.rule_set = ?1";
    auto Read = [&](Statement &Rows) -> llvm::Error {
      while (Rows.next())
        Old[Rows.text(0)] = {summaryRowText(Rows.integer(2), Rows.text(3), Rows.text(4),
                                            Rows.integer(5), Rows.integer(6), Rows.text(7),
                                            Rows.text(8), Rows.text(9)),
                             Rows.integer(1)};
      return Rows.done("cannot read summaries");
    };
    if (!Only) {
      auto Rows = statement(Select);
      if (!Rows)
        return Rows.takeError();
      Rows->bind(SetId);
      if (llvm::Error E = Read(*Rows))
        return std::move(E);
    } else {
      for (NodeId N : *Only) {
        if (N >= G.size() || G.node(N).Kind != NodeKind::Function)
          continue;
        auto Rows = statement(std::string(Select) + " AND s.key = ?2");
        if (!Rows)
          return Rows.takeError();
        Rows->bind(SetId, G.node(N).Key);
        if (llvm::Error E = Read(*Rows))
          return std::move(E);
      }
    }
  }
  std::vector<NodeId> Every;
  if (!Only)
    for (NodeId N = 0; N < G.size(); ++N)
      Every.push_back(N);
  for (NodeId N : Only ? *Only : llvm::ArrayRef<NodeId>(Every)) {
    if (N >= G.size() || N >= Steps.size())
      continue;
    const SinkStep &S = Steps[N];
    if (!S.reaches() || G.node(N).Kind != NodeKind::Function)
      continue;
    std::optional<PathHop> H = nextHop(G, Steps, N);
    // A bound call stands for the calls it was hoisted through: kept, so
    // that a per-TU front end shows the same hops as the CLI.
    std::string Hops = H ? encodeSteps(G, G.hoistChain(H->Hoist), Portable) : std::string();
    std::string NextKey;
    if (H) {
      const Node &Callee = G.node(H->Callee);
      NextKey = Callee.Kind == NodeKind::Field ? (FieldSinkPrefix + Callee.Name).str()
                                               : Callee.Key;
    }
    std::string Row = summaryRowText(
        S.Dist, NextKey, H ? G.file(H->Site.File) : llvm::StringRef(), H ? H->Site.Line : 0,
        H ? H->Site.Column : 0, H && H->Via ? G.field(H->Via) : llvm::StringRef(), Hops,
        H && H->Mask ? G.field(H->Mask) : llvm::StringRef());
    auto It = Old.find(G.node(N).Key);
    if (It != Old.end()) {
      It->second.Current = true;
      if (It->second.Row == Row) {
        ++Done.Kept;
        continue;
      }
    }
    auto Sym = internSym(G.node(N).Key, G.node(N).Name);
    if (!Sym)
      return Sym.takeError();
    int64_t Next = 0, File = 0, Line = 0, Col = 0, Via = 0, Mask = 0;
    if (H) {
      const Node &Callee = G.node(H->Callee);
      auto NextSym = internSym(NextKey, Callee.Name);
      if (!NextSym)
        return NextSym.takeError();
      auto F = internFile(G.file(H->Site.File));
      if (!F)
        return F.takeError();
      Next = *NextSym;
      File = *F;
      Line = H->Site.Line;
      Col = H->Site.Column;
      if (H->Via) {
        auto V = internField(G.field(H->Via));
        if (!V)
          return V.takeError();
        Via = *V;
      }
      if (H->Mask) {
        auto V = internField(G.field(H->Mask));
        if (!V)
          return V.takeError();
        Mask = *V;
      }
    }
    if (llvm::Error E = runStatement(
            statement("INSERT OR REPLACE INTO summary "
                      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
            "cannot store summary", SetId, *Sym, int64_t(S.Dist), Next, File, Line, Col, Via,
            Hops, Mask))
      return std::move(E);
    ++Done.Written;
  }
  for (const auto &Entry : Old) {
    if (Entry.getValue().Current)
      continue;
    if (llvm::Error E =
            runStatement(statement("DELETE FROM summary WHERE rule_set = ?1 AND sym = ?2"),
                         "cannot store summary", SetId, Entry.getValue().Sym))
      return std::move(E);
    ++Done.Removed;
  }
  // Only the sets past the few kept go: the delete scans every row of the
  // summaries, which a check after a small change must not pay for.
  int64_t Sets = 0;
  {
    auto Count = statement("SELECT COUNT(*) FROM summary_set");
    if (!Count)
      return Count.takeError();
    if (Count->next())
      Sets = Count->integer(0);
    else if (llvm::Error E = Count->done("cannot read summaries"))
      return std::move(E);
  }
  std::string Keep = "(SELECT id FROM summary_set ORDER BY used DESC LIMIT " +
                     std::to_string(MaxSummarySets) + ")";
  if (Sets > MaxSummarySets)
    if (llvm::Error E = exec("DELETE FROM summary WHERE rule_set NOT IN " + Keep +
                             "; DELETE FROM summary_set WHERE id NOT IN " + Keep + ";"))
      return std::move(E);
  if (llvm::Error E = T->commit())
    return std::move(E);
  return Done;
}

llvm::Expected<std::optional<SummaryRow>> Index::summary(llvm::StringRef Fingerprint,
                                                         llvm::StringRef Key) {
  auto S = statement(
      "SELECT s.name, summary.dist, n.key, n.name, kreach_path(file.path), summary.line, "
      "summary.col, "
      "field.name, summary.hops, m.name FROM sym s JOIN summary ON summary.sym = s.id "
      "JOIN summary_set ON summary_set.id = summary.rule_set "
      "LEFT JOIN sym n ON n.id = summary.next LEFT JOIN file ON file.id = summary.file "
      "LEFT JOIN field ON field.id = summary.via LEFT JOIN field m ON m.id = summary.mask "
      "WHERE s.key = ?1 AND summary_set.fingerprint = ?2");
  if (!S)
    return S.takeError();
  if (!S->bind(Key, Fingerprint).next()) {
    if (llvm::Error E = S->done("cannot read summaries"))
      return E;
    return std::nullopt;
  }
  SummaryRow R;
  R.Key = Key.str();
  R.Name = S->text(0);
  R.Dist = S->integer(1);
  R.NextKey = S->text(2);
  R.NextName = S->text(3);
  if (llvm::StringRef(R.NextKey).starts_with(FieldSinkPrefix))
    R.NextKey.clear();
  R.Site = {S->text(4), unsigned(S->integer(5)), unsigned(S->integer(6))};
  R.Via = S->text(7);
  R.Mask = S->text(9);
  if (!decodeSteps(S->text(8), Portable, [&](llvm::StringRef Key, llvm::StringRef Name, SourcePos Site) {
        R.Through.push_back({Key.str(), Name.str(), std::move(Site)});
      }))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "index '" + Path + "' holds a malformed summary; run "
                                   "'kreach index --rebuild'");
  return R;
}

llvm::Expected<std::vector<StoreRow>>
Index::stores(llvm::function_ref<bool(llvm::StringRef)> FieldFilter) {
  // Fields are few; filter them first, then fetch only their stores.
  std::vector<std::pair<int64_t, std::string>> Wanted;
  {
    auto F = statement("SELECT id, name FROM field");
    if (!F)
      return F.takeError();
    while (F->next())
      if (FieldFilter(F->text(1)))
        Wanted.push_back({F->integer(0), F->text(1)});
    if (llvm::Error E = F->done("cannot read fields"))
      return E;
  }
  std::vector<StoreRow> Rows;
  for (auto &[Id, Name] : Wanted) {
    auto S = statement("SELECT DISTINCT t.key, t.name, kreach_path(sf.path), store.line, "
                       "store.col, "
                       "kreach_path(df.path), func.line, func.col FROM store "
                       "JOIN sym t ON t.id = store.target "
                       "LEFT JOIN file sf ON sf.id = store.file "
                       "LEFT JOIN func ON func.sym = store.target "
                       "LEFT JOIN file df ON df.id = func.file WHERE store.field = ?1");
    if (!S)
      return S.takeError();
    S->bind(Id);
    while (S->next()) {
      StoreRow R;
      R.Field = Name;
      R.TargetKey = S->text(0);
      R.TargetName = S->text(1);
      R.Site = {S->text(2), unsigned(S->integer(3)), unsigned(S->integer(4))};
      R.TargetDef = {S->text(5), unsigned(S->integer(6)), unsigned(S->integer(7))};
      Rows.push_back(std::move(R));
    }
    if (llvm::Error E = S->done("cannot read stores"))
      return E;
  }
  return Rows;
}

llvm::Expected<std::vector<StoreRow>> Index::storesInto(llvm::StringRef Field) {
  return stores([&](llvm::StringRef F) { return F == Field; });
}

// An effect's hoist chain: steps joined by \x1e, each the callee's key,
// name, file, line and column joined by \x1f.
static std::string encodeChain(const CallGraph &G, const ValueEffect &E,
                               const PathMapper &Portable) {
  return encodeSteps(G, E.Chain, Portable);
}

static std::string encodeSteps(const CallGraph &G, llvm::ArrayRef<CallGraph::HoistStep> Steps,
                               const PathMapper &Portable) {
  std::string Out;
  for (const auto &[N, Site] : Steps) {
    if (!Out.empty())
      Out += '\x1e';
    Out += G.node(N).Key + '\x1f' + G.node(N).Name + '\x1f' + Portable.stored(G.file(Site.File)) +
           '\x1f' +
           std::to_string(Site.Line) + '\x1f' + std::to_string(Site.Column);
  }
  return Out;
}

/// The steps encodeSteps wrote, each handed to Each; false if Text is not
/// such a list (a damaged index), after the steps before the damage.
static bool decodeSteps(
    llvm::StringRef Text, const PathMapper &Portable,
    llvm::function_ref<void(llvm::StringRef Key, llvm::StringRef Name, SourcePos Site)> Each) {
  if (Text.empty())
    return true;
  llvm::SmallVector<llvm::StringRef, 4> Steps;
  Text.split(Steps, '\x1e');
  for (llvm::StringRef Step : Steps) {
    llvm::SmallVector<llvm::StringRef, 5> Parts;
    Step.split(Parts, '\x1f');
    unsigned Line = 0, Col = 0;
    if (Parts.size() != 5 || Parts[3].getAsInteger(10, Line) || Parts[4].getAsInteger(10, Col))
      return false;
    Each(Parts[0], Parts[1], SourcePos{Portable.absolute(Parts[2]), Line, Col});
  }
  return true;
}

llvm::Expected<std::string> Index::generation() {
  llvm::Expected<std::string> Gen = meta("generation");
  if (Gen && Gen->empty())
    return std::string("0");
  return Gen;
}

llvm::Expected<std::string> Index::effectsToken() { return meta("effects"); }

bool Index::isCurrentEffectsToken(llvm::StringRef Token) {
  return Token.split(':').second.starts_with("v" + std::to_string(ValueFlowRevision) + "-");
}

std::string Index::graphSnapshotPath() const {
  return (FinalPath.empty() ? Path : FinalPath) + ".graph";
}

llvm::Expected<std::string> Index::storeEffects(const CallGraph &G,
                                                llvm::StringRef LoadedGeneration) {
  return writeEffects(G, LoadedGeneration, nullptr, {});
}

llvm::Expected<std::string> Index::replaceEffects(const CallGraph &G,
                                                  llvm::StringRef LoadedGeneration,
                                                  llvm::ArrayRef<NodeId> Functions,
                                                  llvm::ArrayRef<std::string> Files) {
  return writeEffects(G, LoadedGeneration, &Functions, Files);
}

llvm::Expected<bool> Index::definedByAnyTU(llvm::StringRef Key) {
  auto S = statement("SELECT 1 FROM tu_func JOIN sym ON sym.id = tu_func.sym WHERE sym.key = ?1 "
                     "LIMIT 1");
  if (!S)
    return S.takeError();
  if (S->bind(Key).next())
    return true;
  if (llvm::Error E = S->done("cannot read functions"))
    return std::move(E);
  return false;
}

llvm::Expected<std::string> Index::writeEffects(const CallGraph &G,
                                                llvm::StringRef LoadedGeneration,
                                                const llvm::ArrayRef<NodeId> *Functions,
                                                llvm::ArrayRef<std::string> Files) {
  if (M == Mode::ReadOnly)
    return std::string();
  auto T = transaction(/*Immediate=*/true);
  if (!T)
    return T.takeError();
  // A TU stored since the graph was loaded: its effects would be an older
  // tree's. The next check stores them.
  llvm::Expected<std::string> Now = generation();
  if (!Now)
    return Now.takeError();
  if (*Now != LoadedGeneration)
    return std::string();
  std::vector<NodeId> Every;
  if (!Functions) {
    if (llvm::Error E = exec("DELETE FROM effect"))
      return E;
    for (NodeId N = 0; N < G.size(); ++N)
      Every.push_back(N);
  }
  llvm::StringSet<> InFiles;
  for (const std::string &F : Files)
    InFiles.insert(F);
  if (Functions) {
    for (NodeId N : *Functions) {
      if (N >= G.size() || G.node(N).Kind != NodeKind::Function)
        continue;
      if (llvm::Error E = runStatement(
              statement("DELETE FROM effect WHERE sym = (SELECT id FROM sym WHERE key = ?1)"),
              "cannot store effects", G.node(N).Key))
        return E;
    }
    for (const std::string &F : Files)
      if (llvm::Error E = runStatement(
              statement("DELETE FROM effect WHERE sym IS NULL AND file = ?1"),
              "cannot store effects", Portable.stored(F)))
        return E;
  }
  for (NodeId N : Functions ? *Functions : llvm::ArrayRef<NodeId>(Every)) {
    if (N >= G.size())
      continue;
    const std::vector<ValueEffect> &List = G.effectsOf(N);
    if (List.empty() || G.node(N).Kind != NodeKind::Function)
      continue;
    auto Sym = internSym(G.node(N).Key, G.node(N).Name);
    if (!Sym)
      return Sym.takeError();
    for (const ValueEffect &E : List)
      if (llvm::Error Err = runStatement(
              statement("INSERT INTO effect VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
              "cannot store effects", *Sym, int64_t(E.K), std::to_string(E.Registry),
              E.A.encode(), E.B.encode(), Portable.stored(G.file(E.Site.File)),
              int64_t(E.Site.Line), int64_t(E.Site.Column),
              E.Label ? G.field(E.Label) : std::string(), encodeChain(G, E, Portable)))
        return Err;
  }
  // Registrations tree-wide: a per-TU check dispatching on a head needs
  // what every other TU registered there.
  for (const CallGraph::RegistrationRow &R : G.registrations())
    if (Functions && !InFiles.count(G.file(R.Site.File)))
      continue;
    else if (llvm::Error Err = runStatement(
            statement("INSERT INTO effect(sym, kind, registry, a, b, file, line, col) "
                      "VALUES(NULL, -1, ?1, ?2, ?3, ?4, ?5, ?6)"),
            "cannot store effects", R.RegistryField, R.Head, R.Callback.encode(),
            Portable.stored(G.file(R.Site.File)), int64_t(R.Site.Line),
            int64_t(R.Site.Column)))
      return Err;
  // The token names this store of the effects (and so this state of the
  // facts): any later change of facts deletes it, and no other store, by
  // this index or a copy of it, makes the same one.
  std::string Token = LoadedGeneration.str() + ":v" + std::to_string(ValueFlowRevision) + "-" +
                      llvm::utohexstr((uint64_t(llvm::sys::Process::GetRandomNumber()) << 32) ^
                                      llvm::sys::Process::GetRandomNumber() ^
                                      uint64_t(std::chrono::steady_clock::now()
                                                   .time_since_epoch()
                                                   .count()));
  if (llvm::Error E = runStatement(statement("INSERT OR REPLACE INTO meta VALUES('effects', ?1)"),
                                   "cannot store effects", Token))
    return std::move(E);
  if (llvm::Error E = T->commit())
    return std::move(E);
  return Token;
}

llvm::Expected<bool> Index::hasEffects() {
  auto S = statement("SELECT 1 FROM meta WHERE key = 'effects'");
  if (!S)
    return S.takeError();
  if (S->next())
    return true;
  if (llvm::Error E = S->done("cannot read effects"))
    return E;
  return false;
}

llvm::Error Index::loadEffects(CallGraph &G, llvm::ArrayRef<NodeId> Functions) {
  auto Bad = [&] {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "index '" + Path + "' holds a malformed effect; run "
                                   "'kreach index --rebuild'");
  };
  llvm::Expected<std::string> Token = effectsToken();
  if (!Token)
    return Token.takeError();
  if (!Token->empty() && !isCurrentEffectsToken(*Token))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "index '" + Path + "' holds value-flow effects that an "
                                   "older kreach stored; run 'kreach check' to store them "
                                   "again");
  for (NodeId N : Functions) {
    auto S = statement("SELECT effect.kind, effect.registry, effect.a, effect.b, "
                       "kreach_path(effect.file), effect.line, effect.col, effect.label, "
                       "effect.chain "
                       "FROM effect JOIN sym ON sym.id = effect.sym WHERE sym.key = ?1");
    if (!S)
      return S.takeError();
    S->bind(G.node(N).Key);
    while (S->next()) {
      ValueEffect E;
      int64_t Kind = S->integer(0);
      std::optional<FlowValue> A = FlowValue::decode(S->text(2));
      std::optional<FlowValue> B = FlowValue::decode(S->text(3));
      unsigned Registry = 0;
      if (Kind < 0 || Kind > int64_t(ValueEffect::Kind::Dispatch) || !A || !B ||
          llvm::StringRef(S->text(1)).getAsInteger(10, Registry))
        return Bad();
      E.K = ValueEffect::Kind(Kind);
      E.Registry = Registry;
      E.A = *A;
      E.B = *B;
      E.Site = G.toLoc({S->text(4), unsigned(S->integer(5)), unsigned(S->integer(6))});
      if (std::string Label = S->text(7); !Label.empty())
        E.Label = G.internField(Label);
      if (!decodeSteps(S->text(8), Portable,
                       [&](llvm::StringRef Key, llvm::StringRef Name, SourcePos Site) {
                         E.Chain.push_back({G.getOrAddNode(Key, Name), G.toLoc(Site)});
                       }))
        return Bad();
      G.addExternalEffect(N, std::move(E));
    }
    if (llvm::Error E = S->done("cannot read effects"))
      return E;
  }
  auto R = statement(
      "SELECT registry, a, b, kreach_path(file), line, col FROM effect WHERE sym IS NULL");
  if (!R)
    return R.takeError();
  while (R->next()) {
    std::optional<FlowValue> Callback = FlowValue::decode(R->text(2));
    if (!Callback)
      return Bad();
    G.addExternalRegistration(
        {R->text(0), R->text(1), *Callback,
         G.toLoc({R->text(3), unsigned(R->integer(4)), unsigned(R->integer(5))})});
  }
  return R->done("cannot read effects");
}

llvm::Error Index::loadGlobals(CallGraph &G, llvm::ArrayRef<std::string> GlobalKeys) {
  for (const std::string &Key : GlobalKeys) {
    std::string Exact = FlowValue::global(Key).encode();
    for (const char *SQL :
         {"SELECT DISTINCT target, value FROM ginit WHERE target = ?1 OR "
          "(target >= ?1 || '|' AND target < ?1 || '}')",
          "SELECT DISTINCT target, value FROM assign WHERE target = ?1 OR "
          "(target >= ?1 || '|' AND target < ?1 || '}')"}) {
      auto S = statement(SQL);
      if (!S)
        return S.takeError();
      S->bind(Exact);
      while (S->next()) {
        std::optional<FlowValue> T = FlowValue::decode(S->text(0));
        std::optional<FlowValue> V = FlowValue::decode(S->text(1));
        if (T && V)
          G.addAssign(NoNode, *T, *V, {});
      }
      if (llvm::Error E = S->done("cannot read globals"))
        return E;
    }
  }
  return llvm::Error::success();
}

llvm::Error Index::loadReturns(CallGraph &G, llvm::ArrayRef<NodeId> Functions) {
  for (NodeId N : Functions) {
    auto S = statement("SELECT fret.value FROM fret JOIN sym ON sym.id = fret.func "
                       "WHERE sym.key = ?1");
    if (!S)
      return S.takeError();
    S->bind(G.node(N).Key);
    while (S->next())
      if (std::optional<FlowValue> V = FlowValue::decode(S->text(0)))
        G.addReturn(N, *V);
    if (llvm::Error E = S->done("cannot read returns"))
      return E;
  }
  return llvm::Error::success();
}

llvm::Expected<IndexCounts> Index::counts(CountScope Scope) {
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
  size_t Asked = Scope == CountScope::TUs ? 2 : Scope == CountScope::Functions ? 3 : 6;
  for (auto &Q : llvm::ArrayRef(Queries).take_front(Asked)) {
    auto S = statement(Q.SQL);
    if (!S)
      return S.takeError();
    if (llvm::Error E = S->row("cannot count"))
      return E;
    *Q.Out = S->integer(0);
  }
  return C;
}

llvm::Expected<std::vector<std::string>> Index::tuFiles() {
  auto S = statement("SELECT kreach_path(file) FROM tu");
  if (!S)
    return S.takeError();
  std::vector<std::string> Files;
  while (S->next())
    Files.push_back(S->text(0));
  if (llvm::Error E = S->done("cannot list TUs"))
    return std::move(E);
  return Files;
}

llvm::Expected<std::vector<TUState>> Index::failedTUs() {
  auto S = statement(
      "SELECT kreach_path(file), error FROM tu WHERE failed ORDER BY file");
  if (!S)
    return S.takeError();
  std::vector<TUState> Result;
  while (S->next()) {
    TUState T;
    T.File = S->text(0);
    T.Error = S->text(1);
    T.Failed = true;
    Result.push_back(std::move(T));
  }
  if (llvm::Error E = S->done("cannot read failed TUs"))
    return E;
  return Result;
}

llvm::Error Index::setMeta(llvm::StringRef Key, llvm::StringRef Value) {
  auto S = statement("INSERT OR REPLACE INTO meta VALUES(?1, ?2)");
  if (!S)
    return S.takeError();
  return S->bind(Key, Value).run("cannot record " + Key.str());
}

llvm::Expected<std::string> Index::meta(llvm::StringRef Key) {
  auto S = statement("SELECT value FROM meta WHERE key=?1");
  if (!S)
    return S.takeError();
  if (S->bind(Key).next())
    return S->text(0);
  return std::string();
}

} // namespace kreach
