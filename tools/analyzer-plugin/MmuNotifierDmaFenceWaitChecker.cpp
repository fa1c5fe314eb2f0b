//===- MmuNotifierDmaFenceWaitChecker.cpp - Path-sensitive notifier check -===//
//
// linuxkernel.MmuNotifierDmaFenceWait, a Clang Static Analyzer plugin.
//
// The kreach core answers "can this notifier callback reach a dma_fence
// wait" on the call graph, with no notion of paths. This checker asks the
// same question path by path, which adds what the call graph cannot see:
//
//  Rule 1: a wait reached on a feasible path from a root defined outside the
//          allowed paths (drivers/gpu/ by default). Calls the analyzer cannot
//          inline (bodies in other TUs) are looked up in the kreach index.
//  Rule 2: a wait (or a sleeping lock) where the mm core forbids sleeping,
//          wherever the driver lives: in a range callback on a path that has
//          not established mmu_notifier_range_blockable(range), and in the
//          callbacks that run under the page-table lock on any path.
//
// Roots are found exactly as the core finds them (function addresses stored
// into notifier ops fields), and only a root analyzed as the top frame puts
// the analysis into notifier context, which then follows inlined callees.
//
//===----------------------------------------------------------------------===//

#include "kreach/Check.h"
#include "kreach/Facts.h"
#include "kreach/Index.h"
#include "kreach/Project.h"
#include "llvm/ADT/StringExtras.h"
#include "kreach/Policy.h"
#include "kreach/Report.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/Basic/SourceManager.h"
#include "clang/StaticAnalyzer/Core/BugReporter/BugReporter.h"
#include "clang/StaticAnalyzer/Core/BugReporter/BugReporterVisitors.h"
#include "clang/StaticAnalyzer/Core/BugReporter/BugType.h"
#include "clang/StaticAnalyzer/Core/Checker.h"
#include "clang/StaticAnalyzer/Core/CheckerManager.h"
#include "clang/StaticAnalyzer/Core/PathSensitive/CallEvent.h"
#include "clang/StaticAnalyzer/Core/PathSensitive/CheckerContext.h"
#include "clang/StaticAnalyzer/Core/PathSensitive/ProgramStateTrait.h"
#include "clang/StaticAnalyzer/Frontend/CheckerRegistry.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace clang;
using namespace ento;

namespace {

constexpr llvm::StringLiteral CheckerFullName = "linuxkernel.MmuNotifierDmaFenceWait";
constexpr llvm::StringLiteral BugCategory = "Linux kernel";

/// What the mm core guarantees about the context a callback runs in.
enum class SleepContext {
  /// Not one of the callbacks rule 2 knows.
  Unknown,
  /// Gets a range that may not be blockable (the OOM reaper passes one).
  MaybeNonBlockableRange,
  /// Runs under the page-table lock: never sleeps.
  PageTableLock,
};

/// The fields whose callbacks the mm core calls with a range the OOM reaper
/// may mark non-blockable.
constexpr llvm::StringLiteral RangeFields[] = {
    "mmu_notifier_ops::invalidate_range_start",
    "mmu_notifier_ops::invalidate_range_end",
    "mmu_interval_notifier_ops::invalidate",
    "mmu_interval_notifier_ops::invalidate_start",
};

/// The fields whose callbacks run with the page-table lock held.
/// invalidate_range is the pre-6.6 name of arch_invalidate_secondary_tlbs.
constexpr llvm::StringLiteral PageTableLockFields[] = {
    "mmu_notifier_ops::arch_invalidate_secondary_tlbs",
    "mmu_notifier_ops::invalidate_range",
    "mmu_notifier_ops::clear_flush_young",
    "mmu_notifier_ops::clear_young",
    "mmu_notifier_ops::test_young",
};

/// Locks that sleep when contended. Trylocks are absent on purpose: they are
/// the documented way to take a lock in a non-blockable callback.
constexpr llvm::StringLiteral SleepingLocks[] = {
    "mutex_lock",
    "mutex_lock_nested",
    "mutex_lock_io",
    "mutex_lock_interruptible",
    "mutex_lock_interruptible_nested",
    "mutex_lock_killable",
    "mutex_lock_killable_nested",
    "down",
    "down_interruptible",
    "down_killable",
    "down_timeout",
    "down_read",
    "down_read_nested",
    "down_read_interruptible",
    "down_read_killable",
    "down_write",
    "down_write_nested",
    "down_write_killable",
    "ww_mutex_lock",
    "ww_mutex_lock_interruptible",
    "ww_mutex_lock_slow",
    "ww_mutex_lock_slow_interruptible",
    "dma_resv_lock",
    "dma_resv_lock_interruptible",
    "dma_resv_lock_slow",
    "dma_resv_lock_slow_interruptible",
    "mmap_read_lock",
    "mmap_read_lock_killable",
    "mmap_write_lock",
    "mmap_write_lock_killable",
    "i_mmap_lock_read",
    "i_mmap_lock_write",
};

SleepContext sleepContextOf(llvm::StringRef Field) {
  for (llvm::StringRef F : PageTableLockFields)
    if (F == Field)
      return SleepContext::PageTableLock;
  for (llvm::StringRef F : RangeFields)
    if (F == Field)
      return SleepContext::MaybeNonBlockableRange;
  return SleepContext::Unknown;
}

/// One notifier callback, with what the stores of this TU (and the index)
/// say about how the mm core calls it.
struct RootInfo {
  std::string Name;
  /// The field deciding the rule-2 context (the strictest registration), or
  /// else the first registration.
  std::string Field;
  kreach::SourcePos Registration; ///< Invalid when registered in another TU.
  SleepContext Context = SleepContext::Unknown;
  /// Registered through a field the policy calls a root (rule 1 applies).
  bool PolicyRoot = false;
  /// Defined outside the allowed paths; computed when the root is entered.
  bool OutsideAllowed = false;
};

/// What a call amounts to in notifier context.
struct CallClass {
  enum Kind { None, Wait, IndexWait, Lock } K = None;
  std::string Name;     ///< The callee (or "struct::field") as written.
  std::string SinkName; ///< The wait it reaches.
  std::string Via;      ///< The field an IndexWait goes through, if any.
  std::vector<kreach::Hop> Chain;
};

/// The per-TU part of the checker: roots, policy, index. The checker object
/// itself lives as long as one TU's analysis, but nothing here is computed
/// until the first function is entered, so TUs without notifiers pay only a
/// pointer compare per call.
struct TUContext {
  const ASTContext *Ctx = nullptr;
  kreach::Policy Policy;
  kreach::PathMapper Paths;
  std::unique_ptr<kreach::Index> Index;
  llvm::StringMap<RootInfo> RootsByKey;
  llvm::DenseMap<const Decl *, const RootInfo *> RootsByDecl;
  /// Functions ruled out as roots, to skip the key computation next time.
  llvm::DenseMap<const Decl *, bool> NotRoots;
  /// MMU_NOTIFIER_RANGE_BLOCKABLE, (1 << 0) since it exists (5.2). The
  /// macro is an expression, which the analyzer's macro helper cannot fold.
  int64_t BlockableFlag = 1;
  std::string IndexPath;
  bool IndexErrorReported = false;
};

} // namespace

/// The notifier callback at the top of the analyzed stack, when there is one.
/// Inlined callees inherit it with the rest of the state.
REGISTER_TRAIT_WITH_PROGRAMSTATE(NotifierRoot, const Decl *)

/// The symbolic value that is non-zero exactly when the root's range is
/// blockable, taken when the root is entered. Keeping the symbol (rather than
/// re-reading range->flags at each wait) survives a reassigned parameter, and
/// checkLiveSymbols keeps it, and the constraints the branches put on it,
/// alive after the callback's last use of `range`.
REGISTER_TRAIT_WITH_PROGRAMSTATE(BlockableSym, SymbolRef)

namespace {

class MmuNotifierDmaFenceWaitChecker
    : public Checker<check::BeginFunction, check::PreCall, eval::Call,
                     check::LiveSymbols> {
public:
  // Options, set at registration.
  std::string IndexFile;
  std::string SourceRoot;
  std::string ConfigFile;
  std::string AllowedPaths;
  bool ReportSleepingLocks = true;

  const BugType ReachBug{this, "dma_fence wait reachable from an mmu notifier",
                         BugCategory};
  const BugType NonBlockableWaitBug{
      this, "dma_fence wait in a non-blockable mmu notifier context", BugCategory};
  const BugType NonBlockableLockBug{
      this, "Sleeping lock in a non-blockable mmu notifier context", BugCategory};

  void checkBeginFunction(CheckerContext &C) const;
  void checkPreCall(const CallEvent &Call, CheckerContext &C) const;
  bool evalCall(const CallEvent &Call, CheckerContext &C) const;
  void checkLiveSymbols(ProgramStateRef State, SymbolReaper &SR) const;

private:
  mutable std::unique_ptr<TUContext> TU;

  TUContext &tu(CheckerContext &C) const;
  const RootInfo *rootFor(const FunctionDecl *FD, CheckerContext &C) const;
  CallClass classify(const CallEvent &Call, CheckerContext &C) const;
  std::optional<DefinedOrUnknownSVal> blockableCondition(const FunctionDecl *Root,
                                                          CheckerContext &C) const;
  bool isOurBug(const BugType &BT) const {
    return &BT == &ReachBug || &BT == &NonBlockableWaitBug || &BT == &NonBlockableLockBug;
  }
};

//===----------------------------------------------------------------------===//
// Per-TU set-up
//===----------------------------------------------------------------------===//

std::string mainFilePath(const SourceManager &SM) {
  OptionalFileEntryRef FE = SM.getFileEntryRefForID(SM.getMainFileID());
  if (!FE)
    return "";
  llvm::SmallString<256> Path(FE->getName());
  SM.getFileManager().makeAbsolutePath(Path);
  return kreach::normalizePath(Path);
}

void warn(ASTContext &Ctx, llvm::StringRef Message) {
  DiagnosticsEngine &D = Ctx.getDiagnostics();
  unsigned ID = D.getCustomDiagID(DiagnosticsEngine::Warning, "%0");
  D.Report(ID) << (llvm::Twine("kreach: ") + Message).str();
}

/// A read error in the index means cross-TU chains may be missing: said
/// once per TU, never swallowed.
void noteIndexError(TUContext &T, const ASTContext &Ctx, llvm::StringRef Message) {
  if (T.IndexErrorReported)
    return;
  T.IndexErrorReported = true;
  warn(const_cast<ASTContext &>(Ctx),
       "index '" + T.IndexPath + "' could not be read (" + Message.str() +
           "); chains through other translation units may be missing");
}

void addRoot(TUContext &T, llvm::StringRef Key, llvm::StringRef Name, llvm::StringRef Field,
             const kreach::SourcePos &Site) {
  bool PolicyRoot = T.Policy.isRootField(Field);
  SleepContext Ctx = sleepContextOf(Field);
  if (!PolicyRoot && Ctx == SleepContext::Unknown)
    return;
  auto [It, New] = T.RootsByKey.try_emplace(Key);
  RootInfo &R = It->second;
  if (New) {
    R.Name = Name.str();
    R.Field = Field.str();
    R.Registration = Site;
  }
  R.PolicyRoot |= PolicyRoot;
  // The page-table lock is the strictest context; a range callback is next.
  if (static_cast<int>(Ctx) > static_cast<int>(R.Context)) {
    R.Context = Ctx;
    R.Field = Field.str();
    R.Registration = Site;
  }
  if (!R.Registration.valid() && Site.valid())
    R.Registration = Site;
}

TUContext &MmuNotifierDmaFenceWaitChecker::tu(CheckerContext &C) const {
  ASTContext &Ctx = C.getASTContext();
  if (TU && TU->Ctx == &Ctx)
    return *TU;
  TU = std::make_unique<TUContext>();
  TUContext &T = *TU;
  T.Ctx = &Ctx;
  const SourceManager &SM = C.getSourceManager();
  std::string MainFile = mainFilePath(SM);
  // The same discovery as the CLI's; the analyzer runs where the build
  // runs its compiler, so the working directory is the build directory.
  llvm::SmallString<256> Cwd;
  if (llvm::sys::fs::current_path(Cwd))
    Cwd.clear();
  kreach::ProjectOverrides Overrides;
  Overrides.SourceRoot = SourceRoot;
  Overrides.ConfigFile = ConfigFile;
  Overrides.IndexFile = IndexFile;
  kreach::TUProject Found = kreach::openTUProject(MainFile, Cwd, Overrides);
  const kreach::ProjectPaths &Project = Found.Paths;
  const std::string &IndexProblem = Found.IndexProblem;
  bool WantIndex = Found.WantIndex;
  T.Index = std::move(Found.Idx);
  T.IndexPath = Project.IndexFile;
  T.Paths = kreach::PathMapper(Project.SourceRoot);
  for (const std::string &W : Project.Warnings)
    warn(Ctx, W);

  // The tree's .kreach.yaml, as the CLI reads it, so both agree on roots,
  // sinks and allowed paths; the AllowedPaths option overrides the file.
  kreach::PolicyConfig Config = kreach::PolicyConfig::defaults();
  if (!Project.ConfigFile.empty()) {
    llvm::Expected<kreach::PolicyConfig> Loaded = kreach::loadConfigFile(Project.ConfigFile);
    if (Loaded)
      Config = std::move(*Loaded);
    else
      warn(Ctx, llvm::toString(Loaded.takeError()));
  }
  if (!AllowedPaths.empty())
    Config.AllowedPaths = kreach::splitList(AllowedPaths);
  llvm::Expected<kreach::Policy> P = kreach::Policy::create(Config);
  if (P) {
    T.Policy = std::move(*P);
  } else {
    warn(Ctx, llvm::toString(P.takeError()));
    T.Policy = kreach::Policy::defaults();
  }

  if (WantIndex && !T.Index) {
    if (!IndexProblem.empty())
      warn(Ctx, IndexProblem + "; calls into other translation units are not followed");
    else if (!IndexFile.empty())
      warn(Ctx, "index '" + Project.IndexFile + "' does not exist");
    else
      warn(Ctx, "no index found (looked for " + llvm::join(Project.IndexSearched, ", ") +
                    "); calls into other translation units are not followed (set "
                    "IndexFile=none to silence this)");
  }
  if (T.Index) {
    // The summaries answer "which wait does this reach" under the policy of
    // the last `kreach index`/`kreach check` that wrote them; another
    // policy's chains (other sinks, other ignored functions) would be
    // reported as this one's without a word.
    llvm::Expected<std::string> Stored = T.Index->summaryFingerprint();
    if (!Stored) {
      noteIndexError(T, Ctx, llvm::toString(Stored.takeError()));
      T.Index.reset();
    } else if (!Stored->empty() && *Stored != T.Policy.summaryFingerprint()) {
      warn(Ctx, "the summaries in index '" + Project.IndexFile +
                    "' were computed with another policy; run 'kreach check' "
                    "with this tree's policy to refresh them");
    }
  }

  kreach::TUFacts Facts = kreach::collectFacts(Ctx);
  for (const kreach::StoreFact &S : Facts.Stores)
    addRoot(T, S.Target, S.TargetName, S.Field, S.Site);
  if (T.Index) {
    auto Rows = T.Index->stores([&](llvm::StringRef Field) {
      return T.Policy.isRootField(Field) || sleepContextOf(Field) != SleepContext::Unknown;
    });
    if (Rows) {
      for (const kreach::StoreRow &Row : *Rows)
        addRoot(T, Row.TargetKey, Row.TargetName, Row.Field, kreach::SourcePos());
    } else {
      noteIndexError(T, Ctx, llvm::toString(Rows.takeError()));
    }
  }
  return T;
}

std::string realFileOf(const Decl *D, const SourceManager &SM) {
  SourceLocation Loc = SM.getExpansionLoc(D->getLocation());
  OptionalFileEntryRef FE = SM.getFileEntryRefForID(SM.getFileID(Loc));
  if (!FE)
    return "";
  llvm::StringRef Real = FE->getFileEntry().tryGetRealPathName();
  if (!Real.empty())
    return Real.str();
  llvm::SmallString<256> Path(FE->getName());
  SM.getFileManager().makeAbsolutePath(Path);
  return kreach::normalizePath(Path);
}

const RootInfo *MmuNotifierDmaFenceWaitChecker::rootFor(const FunctionDecl *FD,
                                                        CheckerContext &C) const {
  TUContext &T = tu(C);
  if (auto It = T.RootsByDecl.find(FD); It != T.RootsByDecl.end())
    return It->second;
  if (T.NotRoots.count(FD))
    return nullptr;
  const SourceManager &SM = C.getSourceManager();
  auto It = T.RootsByKey.find(kreach::functionKey(FD, SM));
  if (It == T.RootsByKey.end()) {
    T.NotRoots[FD] = true;
    return nullptr;
  }
  RootInfo &R = It->second;
  std::string File = realFileOf(FD, SM);
  R.OutsideAllowed = R.PolicyRoot && !T.Policy.isAllowedPath(T.Paths.relative(File));
  T.RootsByDecl[FD] = &R;
  return &R;
}

//===----------------------------------------------------------------------===//
// Blockability of the range
//===----------------------------------------------------------------------===//

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

std::optional<DefinedOrUnknownSVal>
MmuNotifierDmaFenceWaitChecker::blockableCondition(const FunctionDecl *Root,
                                                   CheckerContext &C) const {
  const LocationContext *Top = C.getLocationContext();
  while (Top->getParent())
    Top = Top->getParent();
  ProgramStateRef State = C.getState();
  for (const ParmVarDecl *P : Root->parameters()) {
    SVal V = State->getSVal(State->getLValue(P, Top));
    if (isNotifierRange(P->getType()))
      return rangeBlockableValue(State, V, pointeeRecord(P->getType()),
                                 tu(C).BlockableFlag, C.getSValBuilder());
    // Before 5.0 the callbacks took `bool blockable` instead of a range.
    if (P->getName() == "blockable" && P->getType()->isScalarType())
      return V.getAs<DefinedOrUnknownSVal>();
  }
  return std::nullopt;
}

/// True when blockability is not established as true in State.
bool mayBeNonBlockable(ProgramStateRef State, std::optional<DefinedOrUnknownSVal> Cond) {
  if (!Cond)
    return true;
  return static_cast<bool>(State->assume(*Cond, false));
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

//===----------------------------------------------------------------------===//
// Callbacks
//===----------------------------------------------------------------------===//

std::string entryNote(const RootInfo &R, bool Rule2) {
  std::string M = "notifier entry: '" + R.Name + "' runs as '" + R.Field + "'";
  if (!Rule2)
    return M;
  if (R.Context == SleepContext::PageTableLock)
    return M + " under the page-table lock";
  return M + ", possibly with a range that is not blockable";
}

void MmuNotifierDmaFenceWaitChecker::checkBeginFunction(CheckerContext &C) const {
  if (!C.inTopFrame())
    return;
  const auto *FD = dyn_cast_or_null<FunctionDecl>(C.getLocationContext()->getDecl());
  if (!FD)
    return;
  const RootInfo *R = rootFor(FD, C);
  if (!R)
    return;
  RootInfo Copy = *R;
  const NoteTag *Tag = C.getNoteTag([this, Copy](PathSensitiveBugReport &BR) -> std::string {
    const BugType &BT = BR.getBugType();
    if (!isOurBug(BT))
      return "";
    return entryNote(Copy, &BT != &ReachBug);
  });
  ProgramStateRef State = C.getState()->set<NotifierRoot>(FD);
  if (R->Context == SleepContext::MaybeNonBlockableRange)
    if (std::optional<DefinedOrUnknownSVal> Cond = blockableCondition(FD, C))
      if (SymbolRef Sym = Cond->getAsSymbol())
        State = State->set<BlockableSym>(Sym);
  C.addTransition(State, Tag);
}

bool isSleepingLock(llvm::StringRef Name) {
  for (llvm::StringRef L : SleepingLocks)
    if (L == Name)
      return true;
  return false;
}

/// "struct::field" of the field a call goes through: ops->wait(...),
/// (*ops->wait)(...), ops.wait(...).
std::string calledField(const CallEvent &Call) {
  const auto *CE = dyn_cast_or_null<CallExpr>(Call.getOriginExpr());
  if (!CE)
    return "";
  const Expr *Callee = CE->getCallee()->IgnoreParenImpCasts();
  if (const auto *U = dyn_cast<UnaryOperator>(Callee))
    if (U->getOpcode() == UO_Deref)
      Callee = U->getSubExpr()->IgnoreParenImpCasts();
  if (const auto *ME = dyn_cast<MemberExpr>(Callee))
    if (const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl()))
      return kreach::fieldKey(FD);
  return "";
}

CallClass MmuNotifierDmaFenceWaitChecker::classify(const CallEvent &Call,
                                                   CheckerContext &C) const {
  TUContext &T = tu(C);
  CallClass Result;
  const auto *FD = dyn_cast_or_null<FunctionDecl>(Call.getDecl());
  if (FD && FD->getIdentifier()) {
    llvm::StringRef Name = FD->getName();
    if (T.Policy.isIgnored(Name))
      return Result;
    if (T.Policy.isSinkFunction(Name)) {
      Result.K = CallClass::Wait;
      Result.Name = Result.SinkName = Name.str();
      return Result;
    }
    if (ReportSleepingLocks && isSleepingLock(Name)) {
      Result.K = CallClass::Lock;
      Result.Name = Name.str();
      return Result;
    }
    // A body in this TU is inlined and judged path by path; only a call the
    // analyzer has to treat as opaque needs the index's summary.
    if (T.Index && !FD->hasBody()) {
      std::vector<kreach::Hop> Chain;
      std::string Sink, ReadError;
      bool Reaches = kreach::continueFromIndex(
          *T.Index, kreach::functionKey(FD, C.getSourceManager()), Chain, Sink, &ReadError);
      if (!ReadError.empty())
        noteIndexError(T, C.getASTContext(), ReadError);
      if (Reaches) {
        Result.K = CallClass::IndexWait;
        Result.Name = Name.str();
        Result.SinkName = Sink;
        Result.Chain = std::move(Chain);
      }
    }
    return Result;
  }
  std::string Field = calledField(Call);
  if (Field.empty())
    return Result;
  if (T.Policy.isSinkField(Field)) {
    Result.K = CallClass::Wait;
    Result.Name = Result.SinkName = Field;
    return Result;
  }
  // A call through a driver's own ops field the analyzer cannot resolve:
  // like the core, take every function stored into that field tree-wide and
  // keep the one closest to a wait. Async fields hand work to another
  // context and are never calls.
  if (!T.Index || T.Policy.isAsyncField(Field))
    return Result;
  auto Rows = T.Index->storesInto(Field);
  if (!Rows) {
    noteIndexError(T, C.getASTContext(), llvm::toString(Rows.takeError()));
    return Result;
  }
  for (const kreach::StoreRow &Row : *Rows) {
    if (T.Policy.isIgnored(Row.TargetName))
      continue;
    std::vector<kreach::Hop> Chain;
    std::string Sink, ReadError;
    bool Reaches = kreach::continueFromIndex(*T.Index, Row.TargetKey, Chain, Sink, &ReadError);
    if (!ReadError.empty())
      noteIndexError(T, C.getASTContext(), ReadError);
    if (!Reaches)
      continue;
    if (Result.K == CallClass::IndexWait && Chain.size() >= Result.Chain.size())
      continue;
    Result.K = CallClass::IndexWait;
    Result.Name = Row.TargetName;
    Result.Via = Field;
    Result.SinkName = Sink;
    Result.Chain = std::move(Chain);
  }
  return Result;
}

/// True inside the body of a wait or a lock reached from the root: its call
/// was judged already, and what it does inside is the mm/dma-buf core's
/// business, not the driver's.
bool insideReportedCallee(const LocationContext *LC, const kreach::Policy &P) {
  for (; LC && LC->getParent(); LC = LC->getParent()) {
    const auto *FD = dyn_cast_or_null<FunctionDecl>(LC->getDecl());
    if (FD && FD->getIdentifier() &&
        (P.isSinkFunction(FD->getName()) || isSleepingLock(FD->getName())))
      return true;
  }
  return false;
}

void MmuNotifierDmaFenceWaitChecker::checkPreCall(const CallEvent &Call,
                                                  CheckerContext &C) const {
  ProgramStateRef State = C.getState();
  const auto *RootDecl = dyn_cast_or_null<FunctionDecl>(State->get<NotifierRoot>());
  if (!RootDecl)
    return;
  const RootInfo *R = rootFor(RootDecl, C);
  if (!R)
    return;
  TUContext &T = tu(C);
  if (insideReportedCallee(C.getLocationContext(), T.Policy))
    return;
  CallClass CC = classify(Call, C);
  if (CC.K == CallClass::None)
    return;

  struct Pending {
    const BugType *BT;
    std::string Message;
  };
  llvm::SmallVector<Pending, 2> Reports;
  bool IsWait = CC.K != CallClass::Lock;
  if (IsWait && R->PolicyRoot && R->OutsideAllowed)
    Reports.push_back({&ReachBug, "mmu notifier callback '" + R->Name +
                                      "' can reach dma_fence wait '" + CC.SinkName +
                                      "' outside " + T.Policy.allowedPathsDescription()});

  std::optional<DefinedOrUnknownSVal> Cond;
  bool Rule2 = false;
  if (R->Context == SleepContext::PageTableLock) {
    Rule2 = true;
  } else if (R->Context == SleepContext::MaybeNonBlockableRange) {
    if (SymbolRef Sym = State->get<BlockableSym>())
      Cond = nonloc::SymbolVal(Sym);
    Rule2 = mayBeNonBlockable(State, Cond);
  }
  if (Rule2) {
    std::string Where = R->Context == SleepContext::PageTableLock
                            ? "under the page-table lock"
                            : "where the range may not be blockable";
    if (IsWait)
      Reports.push_back({&NonBlockableWaitBug, "dma_fence wait '" + CC.SinkName +
                                                   "' in mmu notifier callback '" +
                                                   R->Name + "' " + Where});
    else
      Reports.push_back({&NonBlockableLockBug, "sleeping lock '" + CC.Name +
                                                   "' in mmu notifier callback '" +
                                                   R->Name + "' " + Where});
  }
  if (Reports.empty())
    return;

  const NoteTag *Tag = nullptr;
  if (CC.K == CallClass::IndexWait) {
    std::string Note = "calls '" + CC.Name + "'" +
                       (CC.Via.empty() ? "" : " through '" + CC.Via + "'") +
                       " which reaches '" + CC.SinkName + "'";
    // Only for the reports at this call: a later report on the same path
    // would otherwise show it too, as if its own call went through CC.Name.
    const Stmt *At = Call.getOriginExpr();
    const StackFrameContext *Frame = C.getStackFrame();
    Tag = C.getNoteTag([this, Note, At, Frame](PathSensitiveBugReport &BR) -> std::string {
      if (!isOurBug(BR.getBugType()))
        return "";
      const ExplodedNode *N = BR.getErrorNode();
      if (!N || N->getStmtForDiagnostics() != At || N->getStackFrame() != Frame)
        return "";
      return Note;
    });
  }
  // The tag goes on a node of its own before the error node: the bug
  // reporter's visitors start above the error node, so a note on the error
  // node itself would never be shown.
  ExplodedNode *Pred = C.getPredecessor();
  if (Tag) {
    Pred = C.addTransition(State, Tag);
    if (!Pred)
      return;
  }
  // One node for all reports: a second node for the same point and state
  // would not be new, and the reports would be lost.
  ExplodedNode *N = C.generateNonFatalErrorNode(State, Pred);
  if (!N)
    return;
  // Loading the other TUs' files for the notes needs a mutable manager.
  SourceManager &SM = C.getASTContext().getSourceManager();
  for (Pending &P : Reports) {
    auto Report = std::make_unique<PathSensitiveBugReport>(*P.BT, P.Message, N);
    Report->addRange(Call.getSourceRange());
    // The rest of the chain lives in other TUs; the index knows where.
    for (const kreach::Hop &H : CC.Chain) {
      SourceLocation L = kreach::toSourceLocation(SM, H.Site);
      if (L.isValid())
        Report->addNote(kreach::hopMessage(H), PathDiagnosticLocation(L, SM));
    }
    if (P.BT == &ReachBug && R->Registration.valid()) {
      SourceLocation L = kreach::toSourceLocation(SM, R->Registration);
      if (L.isValid())
        Report->addNote("'" + R->Name + "' is registered as '" + R->Field + "' here",
                        PathDiagnosticLocation(L, SM));
    }
    if (P.BT != &ReachBug && Cond && !Cond->isUnknown())
      Report->addVisitor<NotBlockableVisitor>(*Cond);
    C.emitReport(std::move(Report));
  }
}

void MmuNotifierDmaFenceWaitChecker::checkLiveSymbols(ProgramStateRef State,
                                                      SymbolReaper &SR) const {
  if (SymbolRef Sym = State->get<BlockableSym>())
    for (SymbolRef S : Sym->symbols())
      SR.markLive(S);
}

/// Models mmu_notifier_range_blockable(range) as the flag test it is, so the
/// condition is the same symbolic value whether the helper is inlined,
/// declared only, or replaced by the flag test written out.
bool MmuNotifierDmaFenceWaitChecker::evalCall(const CallEvent &Call,
                                              CheckerContext &C) const {
  const auto *FD = dyn_cast_or_null<FunctionDecl>(Call.getDecl());
  if (!FD || !FD->getIdentifier() || FD->getName() != "mmu_notifier_range_blockable" ||
      Call.getNumArgs() != 1)
    return false;
  const Expr *Origin = Call.getOriginExpr();
  if (!Origin || !isNotifierRange(Call.getArgExpr(0)->getType()))
    return false;
  ProgramStateRef State = C.getState();
  SValBuilder &SVB = C.getSValBuilder();
  std::optional<DefinedOrUnknownSVal> V =
      rangeBlockableValue(State, Call.getArgSVal(0), pointeeRecord(Call.getArgExpr(0)->getType()),
                          tu(C).BlockableFlag, SVB);
  if (!V || V->isUnknown())
    return false;
  QualType ResultTy = Call.getResultType();
  SVal Result = SVB.evalBinOp(State, BO_NE, *V, SVB.makeZeroVal(V->getType(C.getASTContext())),
                              ResultTy);
  C.addTransition(State->BindExpr(Origin, C.getLocationContext(), Result));
  return true;
}

//===----------------------------------------------------------------------===//
// Registration
//===----------------------------------------------------------------------===//

void registerChecker(CheckerManager &Mgr) {
  auto *Checker = Mgr.registerChecker<MmuNotifierDmaFenceWaitChecker>();
  const AnalyzerOptions &Opts = Mgr.getAnalyzerOptions();
  Checker->IndexFile = Opts.getCheckerStringOption(Checker, "IndexFile").str();
  Checker->AllowedPaths = Opts.getCheckerStringOption(Checker, "AllowedPaths").str();
  Checker->SourceRoot = Opts.getCheckerStringOption(Checker, "SourceRoot").str();
  Checker->ConfigFile = Opts.getCheckerStringOption(Checker, "ConfigFile").str();
  Checker->ReportSleepingLocks =
      Opts.getCheckerBooleanOption(Checker, "ReportSleepingLocks");
}

bool shouldRegisterChecker(const CheckerManager &) { return true; }

} // namespace

extern "C" void clang_registerCheckers(CheckerRegistry &Registry) {
  Registry.addChecker(registerChecker, shouldRegisterChecker, CheckerFullName,
                      "Finds dma_fence waits and sleeping locks reachable from mmu "
                      "notifier invalidate callbacks (kreach; see docs/analyzer.md)",
                      /*DocsUri=*/"NoDocsUri", /*IsHidden=*/false);
  Registry.addCheckerOption("string", CheckerFullName, "IndexFile", "",
                            "kreach index (kreach.db) used for calls into other TUs "
                            "and roots registered there; empty: found as the CLI finds "
                            "it (next to the real compile_commands.json above the "
                            "working directory or the file); 'none': no index",
                            "released");
  Registry.addCheckerOption("string", CheckerFullName, "SourceRoot", "",
                            "Kernel source root; empty: found as the CLI finds it",
                            "released");
  Registry.addCheckerOption("string", CheckerFullName, "ConfigFile", "",
                            "kreach configuration; empty: .kreach.yaml in the build "
                            "directory, else at the source root",
                            "released");
  Registry.addCheckerOption("string", CheckerFullName, "AllowedPaths", "",
                            "Paths (relative to the kernel source root, ';' or ',' "
                            "separated globs) where notifiers may wait on fences; "
                            "empty: .kreach.yaml, else drivers/gpu/",
                            "released");
  Registry.addCheckerOption("bool", CheckerFullName, "ReportSleepingLocks", "true",
                            "Also report sleeping locks (mutex_lock, down_read, "
                            "dma_resv_lock, ...) where the callback must not sleep",
                            "released");
}

extern "C" const char clang_analyzerAPIVersionString[] = CLANG_ANALYZER_API_VERSION_STRING;
