//===- RangeBlockability.cpp - Rule 2's path-sensitive blockability -------===//

#include "RangeBlockability.h"

#include "clang/AST/Expr.h"
#include "clang/StaticAnalyzer/Core/BugReporter/BugReporterVisitors.h"
#include "clang/StaticAnalyzer/Core/PathSensitive/ProgramStateTrait.h"

#include <memory>

using namespace clang;
using namespace ento;

/// The notifier callback at the top of the analyzed stack, when there is one.
/// Inlined callees inherit it with the rest of the state.
REGISTER_TRAIT_WITH_PROGRAMSTATE(NotifierRoot, const Decl *)

/// The symbolic value that is non-zero exactly when the root's range is
/// blockable, taken when the root is entered. Keeping the symbol (rather than
/// re-reading range->flags at each wait) survives a reassigned parameter, and
/// checkLiveSymbols keeps it, and the constraints the branches put on it,
/// alive after the callback's last use of `range`.
REGISTER_TRAIT_WITH_PROGRAMSTATE(BlockableSym, SymbolRef)

namespace kreach_analyzer {

namespace {

const RecordDecl *pointeeRecord(QualType T) {
  if (const auto *PT = T->getAs<PointerType>())
    if (const RecordDecl *RD = PT->getPointeeType()->getAsRecordDecl())
      return RD->getDefinition();
  return nullptr;
}

const FieldDecl *fieldNamed(const RecordDecl *RD, llvm::StringRef Name) {
  if (!RD)
    return nullptr;
  for (const FieldDecl *F : RD->fields())
    if (F->getName() == Name)
      return F;
  return nullptr;
}

/// The value that is non-zero exactly when the range behind RangePtr is
/// blockable: `range->flags & MMU_NOTIFIER_RANGE_BLOCKABLE` since 5.2,
/// `range->blockable` in 5.0/5.1. Computed from the same region the kernel's
/// helper reads, so a branch on the helper (or on the flag test written out)
/// constrains exactly this symbolic value.
std::optional<DefinedOrUnknownSVal> rangeBlockableValue(ProgramStateRef State,
                                                         SVal RangePtr,
                                                         const RecordDecl *Range,
                                                         int64_t Flag,
                                                         SValBuilder &SVB) {
  if (!RangePtr.getAs<Loc>())
    return std::nullopt;
  if (const FieldDecl *Flags = fieldNamed(Range, "flags")) {
    QualType Ty = Flags->getType();
    SVal Field = State->getLValue(Flags, RangePtr);
    if (!Field.getAs<Loc>())
      return std::nullopt;
    SVal V = State->getSVal(Field.castAs<Loc>(), Ty);
    SVal Masked = SVB.evalBinOp(State, BO_And, V, SVB.makeIntVal(Flag, Ty), Ty);
    return Masked.getAs<DefinedOrUnknownSVal>();
  }
  if (const FieldDecl *Blockable = fieldNamed(Range, "blockable")) {
    SVal Field = State->getLValue(Blockable, RangePtr);
    if (!Field.getAs<Loc>())
      return std::nullopt;
    SVal V = State->getSVal(Field.castAs<Loc>(), Blockable->getType());
    return V.getAs<DefinedOrUnknownSVal>();
  }
  return std::nullopt;
}

bool isNotifierRange(QualType T) {
  const RecordDecl *RD = pointeeRecord(T);
  return RD && RD->getName() == "mmu_notifier_range";
}

/// The value that is non-zero exactly when Root's range is blockable, read
/// from Root's parameters in the top frame.
std::optional<DefinedOrUnknownSVal> blockableCondition(const FunctionDecl *Root,
                                                       int64_t BlockableFlag,
                                                       CheckerContext &C) {
  const LocationContext *Top = C.getLocationContext();
  while (Top->getParent())
    Top = Top->getParent();
  ProgramStateRef State = C.getState();
  for (const ParmVarDecl *P : Root->parameters()) {
    SVal V = State->getSVal(State->getLValue(P, Top));
    if (isNotifierRange(P->getType()))
      return rangeBlockableValue(State, V, pointeeRecord(P->getType()), BlockableFlag,
                                 C.getSValBuilder());
    // Before 5.0 the callbacks took `bool blockable` instead of a range.
    if (P->getName() == "blockable" && P->getType()->isScalarType())
      return V.getAs<DefinedOrUnknownSVal>();
  }
  return std::nullopt;
}

/// Points at the branch where the path learned that the range is not
/// blockable. Walking from the error node back to the entry, that is the
/// first node whose predecessor still allowed a blockable range.
class NotBlockableVisitor final : public BugReporterVisitor {
public:
  explicit NotBlockableVisitor(DefinedOrUnknownSVal Cond) : Cond(Cond) {}

  void Profile(llvm::FoldingSetNodeID &ID) const override {
    static int Tag = 0;
    ID.AddPointer(&Tag);
    Cond.Profile(ID);
  }

  PathDiagnosticPieceRef VisitNode(const ExplodedNode *N, BugReporterContext &BRC,
                                   PathSensitiveBugReport &BR) override {
    const ExplodedNode *Pred = N->getFirstPred();
    if (Done)
      return nullptr;
    if (!Pred || !knownFalse(N->getState()) || knownFalse(Pred->getState()))
      return nullptr;
    Done = true;
    const Stmt *S = N->getStmtForDiagnostics();
    if (!S)
      return nullptr;
    PathDiagnosticLocation L(S, BRC.getSourceManager(), N->getLocationContext());
    return std::make_shared<PathDiagnosticEventPiece>(L, "range is not blockable here");
  }

private:
  bool knownFalse(const ProgramStateRef &State) const {
    auto [Blockable, NotBlockable] = State->assume(Cond);
    return !Blockable && NotBlockable;
  }

  DefinedOrUnknownSVal Cond;
  bool Done = false;
};

} // namespace

ProgramStateRef enterNotifierRoot(ProgramStateRef State, const FunctionDecl *Root,
                                  bool TrackRange, int64_t BlockableFlag, CheckerContext &C) {
  State = State->set<NotifierRoot>(Root);
  if (TrackRange)
    if (std::optional<DefinedOrUnknownSVal> Cond = blockableCondition(Root, BlockableFlag, C))
      if (SymbolRef Sym = Cond->getAsSymbol())
        State = State->set<BlockableSym>(Sym);
  return State;
}

const Decl *notifierRoot(ProgramStateRef State) { return State->get<NotifierRoot>(); }

std::optional<DefinedOrUnknownSVal> keptBlockableCondition(ProgramStateRef State) {
  if (SymbolRef Sym = State->get<BlockableSym>())
    return nonloc::SymbolVal(Sym);
  return std::nullopt;
}

/// True when blockability is not established as true in State.
bool mayBeNonBlockable(ProgramStateRef State, std::optional<DefinedOrUnknownSVal> Cond) {
  if (!Cond)
    return true;
  return static_cast<bool>(State->assume(*Cond, false));
}

void markBlockableLive(ProgramStateRef State, SymbolReaper &SR) {
  if (SymbolRef Sym = State->get<BlockableSym>())
    for (SymbolRef S : Sym->symbols())
      SR.markLive(S);
}

bool isRangeBlockableCall(const CallEvent &Call) {
  const auto *FD = dyn_cast_or_null<FunctionDecl>(Call.getDecl());
  if (!FD || !FD->getIdentifier() || FD->getName() != "mmu_notifier_range_blockable" ||
      Call.getNumArgs() != 1)
    return false;
  return Call.getOriginExpr() && isNotifierRange(Call.getArgExpr(0)->getType());
}

/// The condition is the same symbolic value whether the helper is inlined,
/// declared only, or replaced by the flag test written out.
bool evalRangeBlockable(const CallEvent &Call, CheckerContext &C, int64_t BlockableFlag) {
  const Expr *Origin = Call.getOriginExpr();
  ProgramStateRef State = C.getState();
  SValBuilder &SVB = C.getSValBuilder();
  std::optional<DefinedOrUnknownSVal> V =
      rangeBlockableValue(State, Call.getArgSVal(0), pointeeRecord(Call.getArgExpr(0)->getType()),
                          BlockableFlag, SVB);
  if (!V || V->isUnknown())
    return false;
  QualType ResultTy = Call.getResultType();
  SVal Result = SVB.evalBinOp(State, BO_NE, *V, SVB.makeZeroVal(V->getType(C.getASTContext())),
                              ResultTy);
  C.addTransition(State->BindExpr(Origin, C.getLocationContext(), Result));
  return true;
}

void addNotBlockableVisitor(PathSensitiveBugReport &Report, DefinedOrUnknownSVal Cond) {
  Report.addVisitor<NotBlockableVisitor>(Cond);
}

} // namespace kreach_analyzer
