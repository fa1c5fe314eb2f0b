//===- SQLite.cpp - Prepared statements and transactions, scoped ----------===//

#include "SQLite.h"

namespace kreach {

llvm::Error sqliteError(sqlite3 *DB, llvm::StringRef Path, llvm::StringRef What) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "index '" + Path.str() + "': " + What.str() + ": " +
                                     sqlite3_errmsg(DB));
}

llvm::Error execSQL(sqlite3 *DB, llvm::StringRef Path, llvm::StringRef SQL) {
  char *Msg = nullptr;
  if (sqlite3_exec(DB, SQL.str().c_str(), nullptr, nullptr, &Msg) != SQLITE_OK) {
    std::string M = Msg ? Msg : "unknown error";
    sqlite3_free(Msg);
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "index '" + Path.str() + "': " + M);
  }
  return llvm::Error::success();
}

llvm::Expected<Transaction> Transaction::begin(sqlite3 *DB, llvm::StringRef Path, Kind K,
                                               llvm::unique_function<void()> OnRollback) {
  if (llvm::Error E = execSQL(DB, Path, K == Immediate ? "BEGIN IMMEDIATE" : "BEGIN"))
    return E;
  return Transaction(DB, Path, std::move(OnRollback));
}

llvm::Error Transaction::commit() {
  if (!DB)
    return llvm::Error::success();
  if (llvm::Error E = execSQL(DB, Path, "COMMIT")) {
    rollback();
    return E;
  }
  DB = nullptr;
  return llvm::Error::success();
}

void Transaction::rollback() {
  if (!DB)
    return;
  llvm::consumeError(execSQL(DB, Path, "ROLLBACK"));
  DB = nullptr;
  if (OnRollback)
    OnRollback();
}

} // namespace kreach
