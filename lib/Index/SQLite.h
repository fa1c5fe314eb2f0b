//===- SQLite.h - Prepared statements and transactions, scoped ------------===//
//
// The index's sqlite3 idioms, so that no caller can forget a reset, a bound
// value left behind for the next user of a cached statement, or a ROLLBACK.
//
//===----------------------------------------------------------------------===//
#ifndef KREACH_INDEX_SQLITE_H
#define KREACH_INDEX_SQLITE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/FunctionExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <sqlite3.h>
#include <string>

namespace kreach {

/// "index '<path>': <what>: <sqlite's message>".
llvm::Error sqliteError(sqlite3 *DB, llvm::StringRef Path, llvm::StringRef What);

/// A use of a prepared statement that its owner caches: binds, steps, reads
/// columns, and resets and unbinds the statement when it goes out of scope.
class Statement {
public:
  Statement(sqlite3_stmt *S, sqlite3 *DB, llvm::StringRef Path)
      : S(S), DB(DB), Path(Path) {}
  Statement(Statement &&O) : S(O.S), DB(O.DB), Path(O.Path), RC(O.RC) { O.S = nullptr; }
  Statement(const Statement &) = delete;
  Statement &operator=(const Statement &) = delete;
  Statement &operator=(Statement &&) = delete;
  ~Statement() { reset(); }

  /// Binds Values to ?1, ?2, ... in order.
  template <typename... Ts> Statement &bind(const Ts &...Values) {
    int I = 0;
    (bindOne(++I, Values), ...);
    return *this;
  }
  void bindOne(int I, int64_t V) { sqlite3_bind_int64(S, I, V); }
  void bindOne(int I, llvm::StringRef V) {
    sqlite3_bind_text(S, I, V.data(), V.size(), SQLITE_TRANSIENT);
  }
  void bindOne(int I, const std::string &V) { bindOne(I, llvm::StringRef(V)); }
  void bindOne(int I, const char *V) { bindOne(I, llvm::StringRef(V)); }
  void bindOne(int I, llvm::ArrayRef<uint8_t> V) {
    // An empty blob, not NULL (which a null pointer would bind).
    if (V.empty())
      sqlite3_bind_zeroblob(S, I, 0);
    else
      sqlite3_bind_blob(S, I, V.data(), int(V.size()), SQLITE_TRANSIENT);
  }

  /// Steps once: true with a row to read.
  bool next() { return (RC = sqlite3_step(S)) == SQLITE_ROW; }
  /// Once next() returned false: whether the rows ended, or an error
  /// (described by What) cut them short.
  llvm::Error done(llvm::StringRef What) const {
    return RC == SQLITE_DONE ? llvm::Error::success() : sqliteError(DB, Path, What);
  }
  /// Runs a statement that returns no rows.
  llvm::Error run(llvm::StringRef What) {
    next();
    return done(What);
  }
  /// Steps to the one row a query must return.
  llvm::Error row(llvm::StringRef What) {
    return next() ? llvm::Error::success() : sqliteError(DB, Path, What);
  }
  /// Result of the last step.
  int result() const { return RC; }
  int64_t integer(int Col) const { return sqlite3_column_int64(S, Col); }
  /// Valid until the next step.
  llvm::ArrayRef<uint8_t> blob(int Col) const {
    const void *B = sqlite3_column_blob(S, Col);
    return B ? llvm::ArrayRef(static_cast<const uint8_t *>(B), size_t(sqlite3_column_bytes(S, Col)))
             : llvm::ArrayRef<uint8_t>();
  }
  std::string text(int Col) const {
    const unsigned char *T = sqlite3_column_text(S, Col);
    return T ? std::string(reinterpret_cast<const char *>(T), sqlite3_column_bytes(S, Col))
             : std::string();
  }

private:
  void reset() {
    if (!S)
      return;
    sqlite3_reset(S);
    sqlite3_clear_bindings(S);
  }

  sqlite3_stmt *S;
  sqlite3 *DB;
  llvm::StringRef Path;
  int RC = SQLITE_OK;
};

/// Binds Values to a statement that returns no rows, and runs it.
template <typename... Ts>
llvm::Error runStatement(llvm::Expected<Statement> S, llvm::StringRef What,
                         const Ts &...Values) {
  if (!S)
    return S.takeError();
  return S->bind(Values...).run(What);
}

/// A transaction that rolls back when it goes out of scope uncommitted,
/// calling OnRollback afterwards (the index drops ids it cached meanwhile).
class Transaction {
public:
  enum Kind { Deferred, Immediate };
  static llvm::Expected<Transaction> begin(sqlite3 *DB, llvm::StringRef Path, Kind K,
                                           llvm::unique_function<void()> OnRollback = {});
  Transaction(Transaction &&O)
      : DB(O.DB), Path(O.Path), OnRollback(std::move(O.OnRollback)) {
    O.DB = nullptr;
  }
  Transaction(const Transaction &) = delete;
  Transaction &operator=(const Transaction &) = delete;
  Transaction &operator=(Transaction &&) = delete;
  ~Transaction() { rollback(); }

  /// A failed COMMIT rolls back.
  llvm::Error commit();
  void rollback();

private:
  Transaction(sqlite3 *DB, llvm::StringRef Path, llvm::unique_function<void()> OnRollback)
      : DB(DB), Path(Path), OnRollback(std::move(OnRollback)) {}
  sqlite3 *DB; ///< Null once committed or rolled back.
  llvm::StringRef Path;
  llvm::unique_function<void()> OnRollback;
};

/// Runs SQL without results (several statements at once).
llvm::Error execSQL(sqlite3 *DB, llvm::StringRef Path, llvm::StringRef SQL);

} // namespace kreach

#endif
