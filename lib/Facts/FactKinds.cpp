//===- FactKinds.cpp - Every per-TU fact kind, generically ----------------===//

#include "kreach/FactKinds.h"

namespace kreach {

namespace {

#define KREACH_COLUMN(Name, Type, Member) {Name, ColumnKind::Type},
#define KREACH_SYMBOL(Name, KeyMember, NameMember) {Name, ColumnKind::Symbol},
#define KREACH_SITE(Member)                                                                \
  {"file", ColumnKind::File}, {"line", ColumnKind::Line}, {"col", ColumnKind::Col},
#define KREACH_FACT_KIND(Kind, Struct, Member, Table, HashTag, Columns)                    \
  const FactColumn Kind##ColumnTable[] = {Columns};
#include "kreach/FactKinds.def"

bool hasFileScope(llvm::ArrayRef<FactColumn> Columns) {
  return llvm::any_of(Columns,
                      [](const FactColumn &C) { return C.Kind == ColumnKind::OwnerTU; });
}

const FactKindInfo Kinds[] = {
#define KREACH_FACT_KIND(Kind, Struct, Member, Table, HashTag, Columns)                    \
  {FactKind::Kind, Table, HashTag, Kind##ColumnTable, hasFileScope(Kind##ColumnTable)},
#include "kreach/FactKinds.def"
};

// A KREACH_COLUMN's value by its member's type.
FactValue value(const std::string &S) { return {S, {}, 0, nullptr}; }
FactValue value(int64_t V) { return {{}, {}, V, nullptr}; }

void site(const SourcePos &P, llvm::SmallVectorImpl<FactValue> &Out) {
  Out.push_back({P.File, {}, 0, &P});
  Out.push_back({{}, {}, int64_t(P.Line), &P});
  Out.push_back({{}, {}, int64_t(P.Column), &P});
}

} // namespace

llvm::ArrayRef<FactKindInfo> factKinds() { return Kinds; }

const FactKindInfo &factKind(FactKind K) { return Kinds[size_t(K)]; }

size_t factCount(const TUFacts &Facts, FactKind K) {
  switch (K) {
#define KREACH_FACT_KIND(Kind, Struct, Member, Table, HashTag, Columns)                    \
  case FactKind::Kind:                                                                     \
    return Facts.Member.size();
#include "kreach/FactKinds.def"
  }
  return 0;
}

void factValues(const TUFacts &Facts, FactKind K, size_t I,
                llvm::SmallVectorImpl<FactValue> &Out) {
  switch (K) {
#define KREACH_COLUMN(Name, Type, Member) Out.push_back(value(F.Member));
#define KREACH_SYMBOL(Name, KeyMember, NameMember)                                         \
  Out.push_back({F.KeyMember, F.NameMember, 0, nullptr});
#define KREACH_SITE(Member) site(F.Member, Out);
#define KREACH_FACT_KIND(Kind, Struct, Member, Table, HashTag, Columns)                    \
  case FactKind::Kind: {                                                                   \
    const Struct &F = Facts.Member[I];                                                     \
    Columns return;                                                                        \
  }
#include "kreach/FactKinds.def"
  }
}

namespace {
void assign(std::string &Member, const FactValue &V) { Member = V.Text.str(); }
void assign(int64_t &Member, const FactValue &V) { Member = V.Int; }
} // namespace

void appendFact(TUFacts &Facts, FactKind K, llvm::ArrayRef<FactValue> Values) {
  size_t C = 0;
  switch (K) {
#define KREACH_COLUMN(Column, Type, Member) assign(F.Member, Values[C++]);
#define KREACH_SYMBOL(Column, KeyMember, NameMember)                                       \
  F.KeyMember = Values[C].Text.str();                                                      \
  F.NameMember = Values[C].Name.str();                                                     \
  ++C;
#define KREACH_SITE(Member)                                                                \
  F.Member.File = Values[C].Text.str();                                                    \
  F.Member.Line = unsigned(Values[C + 1].Int);                                             \
  F.Member.Column = unsigned(Values[C + 2].Int);                                           \
  C += 3;
#define KREACH_FACT_KIND(Kind, Struct, Member, Table, HashTag, Columns)                    \
  case FactKind::Kind: {                                                                   \
    Struct &F = Facts.Member.emplace_back();                                               \
    Columns return;                                                                        \
  }
#include "kreach/FactKinds.def"
  }
}

} // namespace kreach
