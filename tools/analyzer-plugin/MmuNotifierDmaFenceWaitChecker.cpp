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
//  The reclaim rules (and any reachability rule of the configuration): an
//          allocation whose gfp mask may allow direct reclaim on this path
//          (the mask's value where the path decides it), reached from a
//          rule's root or inside a fence-signalling section, which opens at
//          dma_fence_begin_signalling() and closes at its end on the same
//          path.
//
// Roots are found exactly as the core finds them (function addresses stored
// into notifier ops fields), and only a root analyzed as the top frame puts
// the analysis into notifier context, which then follows inlined callees.
//
// This file holds the callbacks and the registration; TUContext.cpp the
// per-TU set-up, CallClassifier.cpp the index lookups, RangeBlockability.cpp
// rule 2's path-sensitive state, SleepContext.cpp rule 2's tables.
//
//===----------------------------------------------------------------------===//

#include "MmuNotifierDmaFenceWaitChecker.h"
#include "RangeBlockability.h"
#include "ReclaimState.h"

#include "kreach/Facts.h"

#include "clang/Basic/SourceManager.h"
#include "clang/StaticAnalyzer/Core/CheckerManager.h"
#include "clang/StaticAnalyzer/Frontend/CheckerRegistry.h"

#include <memory>
#include <optional>
#include <string>

using namespace clang;
using namespace ento;

namespace kreach_analyzer {

namespace {

/// "notifier entry" for the notifier rules, as a rule's entry_label says.
std::string entryLabel(const kreach::Rule *R) {
  if (!R)
    return "callback entry";
  const kreach::RuleConfig &C = R->config();
  return C.EntryLabel.empty() ? C.RootKind + " entry" : C.EntryLabel;
}

std::string entryNote(const RootInfo &R, llvm::StringRef Label, bool Rule2) {
  std::string M = Label.str() + ": '" + R.Name + "' runs as '" + R.Field + "'";
  if (!Rule2)
    return M;
  if (R.Context == SleepContext::PageTableLock)
    return M + " under the page-table lock";
  return M + ", possibly with a range that is not blockable";
}

/// True inside the body of a wait, an allocation or a lock reached from the
/// root or the section: its call was judged already, and what it does inside
/// is the core kernel's business, not the caller's.
bool insideReportedCallee(const LocationContext *LC, const kreach::Rule &Sinks,
                          const kreach::Rule *Sleep) {
  bool Always;
  llvm::SmallVector<unsigned, 2> Masks;
  for (; LC && LC->getParent(); LC = LC->getParent()) {
    const auto *FD = dyn_cast_or_null<FunctionDecl>(LC->getDecl());
    if (FD && FD->getIdentifier() &&
        (Sinks.isSinkFunction(FD->getName()) || isSleepingLock(Sleep, FD->getName()) ||
         (Sinks.hasReclaimSinks() && Sinks.isAllocation(FD->getName(), Always, Masks))))
      return true;
  }
  return false;
}

/// The note an opaque call gets, for the reports made at it.
std::string indexNote(const CallClass &CC) {
  std::string Note = "calls '" + CC.Name + "'";
  if (!CC.Via.empty())
    Note += " through '" + CC.Via + "'";
  if (!CC.Mask.empty())
    Note += " with mask '" + CC.Mask + "'";
  return Note + " which reaches '" + CC.SinkName + "'";
}

} // namespace

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
  std::string SleepLabel = entryLabel(tu(C).Sleep);
  const NoteTag *Tag = C.getNoteTag([this, Copy, SleepLabel](
                                        PathSensitiveBugReport &BR) -> std::string {
    const BugType &BT = BR.getBugType();
    if (&BT == &NonBlockableWaitBug || &BT == &NonBlockableLockBug)
      return entryNote(Copy, SleepLabel, /*Rule2=*/true);
    for (const kreach::Rule *Rl : Copy.Reach)
      if (&BT == &reachBug(*Rl))
        return entryNote(Copy, entryLabel(Rl), /*Rule2=*/false);
    return "";
  });
  ProgramStateRef State =
      enterNotifierRoot(C.getState(), FD, R->Context == SleepContext::MaybeNonBlockableRange,
                        tu(C).BlockableFlag, C);
  C.addTransition(State, Tag);
}

void MmuNotifierDmaFenceWaitChecker::checkPostCall(const CallEvent &Call,
                                                   CheckerContext &C) const {
  const auto *FD = dyn_cast_or_null<FunctionDecl>(Call.getDecl());
  if (!FD || !FD->getIdentifier())
    return;
  TUContext &T = tu(C);
  ProgramStateRef State = C.getState();
  // One transition for every rule this call opens a section of, each note
  // shown only for its own rule's section reports.
  llvm::SmallVector<std::pair<const BugType *, std::string>, 1> Notes;
  for (const kreach::Rule *Rl : T.SectionRules) {
    if (!Rl->isSectionBegin(FD->getName()) || openSection(State, *Rl))
      continue;
    State = beginSection(State, *Rl, C.getStackFrame());
    Notes.emplace_back(&reachBug(*Rl, /*Section=*/true),
                       "'" + FD->getName().str() + "' begins a " + Rl->config().SectionKind +
                           " '" +
                           C.getStackFrame()->getDecl()->getAsFunction()->getNameAsString() +
                           "'");
  }
  if (Notes.empty())
    return;
  C.addTransition(State, C.getNoteTag([Notes](PathSensitiveBugReport &BR) -> std::string {
    for (const auto &[BT, Note] : Notes)
      if (BT == &BR.getBugType())
        return Note;
    return "";
  }));
}

void MmuNotifierDmaFenceWaitChecker::checkPreCall(const CallEvent &Call,
                                                  CheckerContext &C) const {
  ProgramStateRef State = C.getState();
  TUContext &T = tu(C);
  const auto *Callee = dyn_cast_or_null<FunctionDecl>(Call.getDecl());
  // The end of a section is no sink of its own: close it and go on.
  if (Callee && Callee->getIdentifier()) {
    bool Closed = false;
    for (const kreach::Rule *Rl : T.SectionRules)
      if (Rl->isSectionEnd(Callee->getName()) && openSection(State, *Rl)) {
        State = endSection(State, *Rl);
        Closed = true;
      }
    if (Closed) {
      C.addTransition(State);
      return;
    }
  }

  struct Pending {
    const BugType *BT;
    std::string Message;
    const CallClass *CC;
    bool Rule2 = false;
    bool Section = false;
  };
  llvm::SmallVector<Pending, 2> Reports;
  // Each rule's class of this call, computed once for its root and section
  // reports alike.
  llvm::SmallVector<std::pair<const kreach::Rule *, CallClass>, 2> Classes;
  auto ClassFor = [&](const kreach::Rule &Rl) -> const CallClass * {
    for (auto &[Of, CC] : Classes)
      if (Of == &Rl)
        return &CC;
    if (insideReportedCallee(C.getLocationContext(), Rl, T.Sleep))
      return nullptr;
    Classes.emplace_back(&Rl, classify(Call, Rl, C));
    return &Classes.back().second;
  };
  auto IsSink = [](const CallClass *CC) {
    return CC && (CC->K == CallClass::Wait || CC->K == CallClass::IndexWait);
  };

  const auto *RootDecl = dyn_cast_or_null<FunctionDecl>(notifierRoot(State));
  const RootInfo *R = RootDecl ? rootFor(RootDecl, C) : nullptr;
  std::optional<DefinedOrUnknownSVal> Cond;
  if (R) {
    for (size_t I = 0; I < R->Reach.size(); ++I) {
      if (!R->OutsideAllowed[I])
        continue;
      const CallClass *CC = ClassFor(*R->Reach[I]);
      if (IsSink(CC))
        Reports.push_back({&reachBug(*R->Reach[I]),
                           kreach::reachMessage(*R->Reach[I], R->Name, CC->SinkName, false,
                                                false, CC->Allocation),
                           CC});
    }
    const kreach::Rule *Sinks = T.sinkRule(*R);
    const CallClass *CC = Sinks ? ClassFor(*Sinks) : nullptr;
    bool Rule2 = false;
    if (CC && CC->K != CallClass::None && !CC->Allocation) {
      if (R->Context == SleepContext::PageTableLock) {
        Rule2 = true;
      } else if (R->Context == SleepContext::MaybeNonBlockableRange) {
        Cond = keptBlockableCondition(State);
        Rule2 = mayBeNonBlockable(State, Cond);
      }
    }
    if (Rule2) {
      std::string Where = R->Context == SleepContext::PageTableLock
                              ? "under the page-table lock"
                              : "where the range may not be blockable";
      if (CC->K != CallClass::Lock)
        Reports.push_back({&NonBlockableWaitBug,
                           "dma_fence wait '" + CC->SinkName + "' in mmu notifier callback '" +
                               R->Name + "' " + Where,
                           CC, true});
      else
        Reports.push_back({&NonBlockableLockBug,
                           "sleeping lock '" + CC->Name + "' in mmu notifier callback '" +
                               R->Name + "' " + Where,
                           CC, true});
    }
  }
  for (const kreach::Rule *Rl : T.SectionRules) {
    const StackFrameContext *Frame = openSection(State, *Rl);
    if (!Frame)
      continue;
    const CallClass *CC = ClassFor(*Rl);
    if (!IsSink(CC))
      continue;
    std::string Fn = Frame->getDecl()->getAsFunction()->getNameAsString();
    Reports.push_back({&reachBug(*Rl, /*Section=*/true),
                       kreach::reachMessage(*Rl, Fn, CC->SinkName, false, true, CC->Allocation),
                       CC, false, true});
  }
  if (Reports.empty())
    return;

  // The notes of opaque calls, each only for the reports of its rule at this
  // call: a later report on the same path would otherwise show it too, as
  // if its own call went through this callee.
  llvm::SmallVector<std::pair<const BugType *, std::string>, 2> Notes;
  for (const Pending &P : Reports)
    if (P.CC->K == CallClass::IndexWait)
      Notes.emplace_back(P.BT, indexNote(*P.CC));
  const NoteTag *Tag = nullptr;
  if (!Notes.empty()) {
    const Stmt *At = Call.getOriginExpr();
    const StackFrameContext *Frame = C.getStackFrame();
    Tag = C.getNoteTag([Notes, At, Frame](PathSensitiveBugReport &BR) -> std::string {
      const ExplodedNode *N = BR.getErrorNode();
      if (!N || N->getStmtForDiagnostics() != At || N->getStackFrame() != Frame)
        return "";
      for (const auto &[BT, Note] : Notes)
        if (BT == &BR.getBugType())
          return Note;
      return "";
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
    for (const kreach::Hop &H : P.CC->Chain) {
      SourceLocation L = kreach::toSourceLocation(SM, H.Site);
      if (L.isValid())
        Report->addNote(kreach::hopMessage(H), PathDiagnosticLocation(L, SM));
    }
    if (!P.Rule2 && !P.Section && R && R->Registration.valid()) {
      SourceLocation L = kreach::toSourceLocation(SM, R->Registration);
      if (L.isValid())
        Report->addNote("'" + R->Name + "' is registered as '" + R->Field + "' here",
                        PathDiagnosticLocation(L, SM));
    }
    if (P.Rule2 && Cond && !Cond->isUnknown())
      addNotBlockableVisitor(*Report, *Cond);
    C.emitReport(std::move(Report));
  }
}

const BugType &MmuNotifierDmaFenceWaitChecker::reachBug(const kreach::Rule &R,
                                                        bool Section) const {
  std::unique_ptr<BugType> &BT = (Section ? SectionBugs : ReachBugs)[R.name()];
  if (!BT) {
    const kreach::RuleConfig &C = R.config();
    std::string Name = !C.BugType.empty()
                           ? C.BugType
                           : C.SinkKind + " reachable from " + C.RootArticle + " " + C.RootKind;
    BT = std::make_unique<BugType>(this, Name, BugCategory);
  }
  return *BT;
}

bool MmuNotifierDmaFenceWaitChecker::isReachBug(const BugType &BT) const {
  for (const auto *Bugs : {&ReachBugs, &SectionBugs})
    for (const auto &Entry : *Bugs)
      if (Entry.second.get() == &BT)
        return true;
  return false;
}

void MmuNotifierDmaFenceWaitChecker::checkLiveSymbols(ProgramStateRef State,
                                                      SymbolReaper &SR) const {
  markBlockableLive(State, SR);
}

/// Models mmu_notifier_range_blockable(range), so that a branch on it
/// constrains the blockability symbol kept at the root's entry.
bool MmuNotifierDmaFenceWaitChecker::evalCall(const CallEvent &Call,
                                              CheckerContext &C) const {
  if (!isRangeBlockableCall(Call))
    return false;
  return evalRangeBlockable(Call, C, tu(C).BlockableFlag);
}

//===----------------------------------------------------------------------===//
// Registration
//===----------------------------------------------------------------------===//

namespace {

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

} // namespace kreach_analyzer

using namespace kreach_analyzer;

extern "C" void clang_registerCheckers(CheckerRegistry &Registry) {
  Registry.addChecker(registerChecker, shouldRegisterChecker, CheckerFullName,
                      "Finds dma_fence waits and sleeping locks reachable from mmu "
                      "notifier and shrinker callbacks, by kreach's rules (see "
                      "docs/analyzer.md)",
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
