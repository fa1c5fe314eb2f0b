//===- MmuNotifierDmaFenceWaitChecker.h - The analyzer checker's pieces ---===//
//
// Shared by the checker's files: the callbacks and registration
// (MmuNotifierDmaFenceWaitChecker.cpp), the per-TU set-up (TUContext.cpp),
// the classification of calls with the index lookups (CallClassifier.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef KREACH_ANALYZER_CHECKER_H
#define KREACH_ANALYZER_CHECKER_H

#include "SleepContext.h"

#include "kreach/Index.h"
#include "kreach/Check.h"
#include "kreach/Rules.h"
#include "kreach/Project.h"
#include "kreach/Report.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/StaticAnalyzer/Core/BugReporter/BugType.h"
#include "clang/StaticAnalyzer/Core/Checker.h"
#include "clang/StaticAnalyzer/Core/PathSensitive/CallEvent.h"
#include "clang/StaticAnalyzer/Core/PathSensitive/CheckerContext.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kreach_analyzer {

constexpr llvm::StringLiteral CheckerFullName = "linuxkernel.MmuNotifierDmaFenceWait";
constexpr llvm::StringLiteral BugCategory = "Linux kernel";

/// One notifier callback, with what the stores of this TU (and the index)
/// say about how the mm core calls it.
struct RootInfo {
  std::string Name;
  /// The field deciding the rule-2 context (the strictest registration), or
  /// else the first registration.
  std::string Field;
  kreach::SourcePos Registration; ///< Invalid when registered in another TU.
  SleepContext Context = SleepContext::Unknown;
  /// The reachability rules whose root fields hold this callback, in the
  /// configuration's order (a notifier is a root of the fence-wait rule and
  /// of the reclaim rule).
  llvm::SmallVector<const kreach::Rule *, 2> Reach;
  /// Per rule of Reach: defined outside its allowed paths; computed when the
  /// root is entered.
  llvm::SmallVector<bool, 2> OutsideAllowed;
};

/// What a call amounts to in notifier context.
struct CallClass {
  enum Kind { None, Wait, IndexWait, Lock } K = None;
  std::string Name;     ///< The callee (or "struct::field") as written.
  std::string SinkName; ///< The wait (or allocation) it reaches.
  std::string Via;      ///< The field an IndexWait goes through, if any.
  std::string Mask;     ///< The mask an IndexWait passes on, as written.
  /// The sink is an allocation that may enter direct reclaim.
  bool Allocation = false;
  std::vector<kreach::Hop> Chain;
};

/// The per-TU part of the checker: roots, policy, index. The checker object
/// itself lives as long as one TU's analysis, but nothing here is computed
/// until the first function is entered, so TUs without notifiers pay only a
/// pointer compare per call.
struct TUContext {
  const clang::ASTContext *Ctx = nullptr;
  kreach::RuleSet Rules;
  /// The nonblocking-sleep rule (rule 2); null when disabled.
  const kreach::Rule *Sleep = nullptr;
  /// Whose sinks and summaries judge a rule-2-only root: the first
  /// reachability rule.
  const kreach::Rule *FirstReach = nullptr;
  /// The rules with fence-signalling sections (begin/end calls).
  std::vector<const kreach::Rule *> SectionRules;
  /// The rule whose sinks and index summaries judge rule 2 at calls from
  /// root R.
  const kreach::Rule *sinkRule(const RootInfo &R) const {
    return R.Reach.empty() ? FirstReach : R.Reach.front();
  }
  kreach::PathMapper Paths;
  /// What keys are relative to: the index's root when there is an index
  /// (it may keep one the discovered root lies in), else the discovered one.
  kreach::PathMapper KeyPaths;
  std::unique_ptr<kreach::Index> Index;
  llvm::StringMap<RootInfo> RootsByKey;
  llvm::DenseMap<const clang::Decl *, const RootInfo *> RootsByDecl;
  /// Functions ruled out as roots, to skip the key computation next time.
  llvm::DenseMap<const clang::Decl *, bool> NotRoots;
  /// MMU_NOTIFIER_RANGE_BLOCKABLE, (1 << 0) since it exists (5.2). The
  /// macro is an expression, which the analyzer's macro helper cannot fold.
  int64_t BlockableFlag = 1;
  std::string IndexPath;
  bool IndexErrorReported = false;
  /// The TU's facts and, per rule, its graph with value flow resolved (as
  /// clang-tidy's and the CLI's), built on the first call that needs one.
  std::optional<kreach::TUFacts> Facts;
  kreach::ValueFlowConfig Flow;
  llvm::DenseMap<const kreach::Rule *, std::unique_ptr<kreach::TUGraph>> Graphs;
};

class MmuNotifierDmaFenceWaitChecker
    : public clang::ento::Checker<clang::ento::check::BeginFunction,
                                  clang::ento::check::PreCall, clang::ento::check::PostCall,
                                  clang::ento::eval::Call,
                                  clang::ento::check::LiveSymbols> {
public:
  // Options, set at registration.
  std::string IndexFile;
  std::string SourceRoot;
  std::string ConfigFile;
  std::string AllowedPaths;
  bool ReportSleepingLocks = true;

  const clang::ento::BugType NonBlockableWaitBug{
      this, "dma_fence wait in a non-blockable mmu notifier context", BugCategory};
  const clang::ento::BugType NonBlockableLockBug{
      this, "Sleeping lock in a non-blockable mmu notifier context", BugCategory};

  void checkBeginFunction(clang::ento::CheckerContext &C) const;
  void checkPreCall(const clang::ento::CallEvent &Call, clang::ento::CheckerContext &C) const;
  /// Opens a signalling section after its begin call.
  void checkPostCall(const clang::ento::CallEvent &Call, clang::ento::CheckerContext &C) const;
  bool evalCall(const clang::ento::CallEvent &Call, clang::ento::CheckerContext &C) const;
  void checkLiveSymbols(clang::ento::ProgramStateRef State,
                        clang::ento::SymbolReaper &SR) const;

private:
  mutable std::unique_ptr<TUContext> TU;

  TUContext &tu(clang::ento::CheckerContext &C) const;
  const RootInfo *rootFor(const clang::FunctionDecl *FD, clang::ento::CheckerContext &C) const;
  /// The TU's graph for a rule's sinks (the TU's facts and the index),
  /// built on first use.
  const kreach::TUGraph *graphFor(const kreach::Rule &Sinks, clang::ento::CheckerContext &C) const;
  /// What kreach's value flow resolved at this call, as the CLI resolves it:
  /// Resolved is false when the graph does not know the calling function.
  CallClass classifyByGraph(const clang::ento::CallEvent &Call, const kreach::Rule &Sinks,
                            clang::ento::CheckerContext &C, bool &Resolved) const;
  CallClass classify(const clang::ento::CallEvent &Call, const kreach::Rule &Sinks,
                     clang::ento::CheckerContext &C) const;
  /// A mask argument of an opaque call that may carry a rule's reclaim
  /// flags on this path: the callee's masked summary (its body in another
  /// TU) decides whether the call reaches an allocation.
  CallClass classifyMasked(const clang::ento::CallEvent &Call, const clang::FunctionDecl &FD,
                           const kreach::Rule &Sinks, clang::ento::CheckerContext &C) const;
  /// The bug type of a reachability rule's reports from its roots (Section
  /// false) or from its signalling sections, made on first use.
  const clang::ento::BugType &reachBug(const kreach::Rule &R, bool Section = false) const;
  bool isReachBug(const clang::ento::BugType &BT) const;
  bool isOurBug(const clang::ento::BugType &BT) const {
    return isReachBug(BT) || &BT == &NonBlockableWaitBug || &BT == &NonBlockableLockBug;
  }
  mutable llvm::StringMap<std::unique_ptr<clang::ento::BugType>> ReachBugs, SectionBugs;
};

/// A read error in the index means cross-TU chains may be missing: said
/// once per TU, never swallowed.
void noteIndexError(TUContext &T, const clang::ASTContext &Ctx, llvm::StringRef Message);

} // namespace kreach_analyzer

#endif
