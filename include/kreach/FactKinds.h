//===- kreach/FactKinds.h - Every per-TU fact kind, generically -----------===//
//
// The fact kinds of FactKinds.def as data: their tables and columns, and each
// fact's values column by column. The index, the graph and `kreach facts`
// work from these, so a new kind needs no code of its own there.
//
//===----------------------------------------------------------------------===//
#ifndef KREACH_FACTKINDS_H
#define KREACH_FACTKINDS_H

#include "kreach/Facts.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

namespace kreach {

enum class FactKind {
#define KREACH_FACT_KIND(Kind, Struct, Member, Table, HashTag, Columns) Kind,
#include "kreach/FactKinds.def"
};

/// What a column holds; see FactKinds.def.
enum class ColumnKind { Owner, OwnerTU, Symbol, Field, File, Line, Col, Integer, Text };

struct FactColumn {
  llvm::StringRef Name;
  ColumnKind Kind;
};

struct FactKindInfo {
  FactKind Kind;
  llvm::StringRef Table;
  char HashTag;
  llvm::ArrayRef<FactColumn> Columns;
  /// Whether facts of this kind may sit at file scope (an OwnerTU column).
  bool FileScope;
};

/// Every kind, in FactKinds.def order (the order facts are stored, hashed,
/// added to the graph and printed in).
llvm::ArrayRef<FactKindInfo> factKinds();
const FactKindInfo &factKind(FactKind K);

/// One column's value in one fact. It refers into the fact.
struct FactValue {
  llvm::StringRef Text; ///< Owner, OwnerTU, Symbol (the key), Field, File, Text.
  llvm::StringRef Name; ///< Symbol: the function's name.
  int64_t Int = 0;      ///< Line, Col, Integer.
  /// File, Line, Col: the whole position (with SourcePos::RawLoc).
  const SourcePos *Site = nullptr;
};

/// How many facts of kind K the TU has.
size_t factCount(const TUFacts &Facts, FactKind K);
/// The values of the I'th fact of kind K, one per column of the kind.
void factValues(const TUFacts &Facts, FactKind K, size_t I,
                llvm::SmallVectorImpl<FactValue> &Out);
/// Adds a fact of kind K from its values, one per column of the kind (as
/// factValues gives them; a Site's Text is its file).
void appendFact(TUFacts &Facts, FactKind K, llvm::ArrayRef<FactValue> Values);

} // namespace kreach

#endif
