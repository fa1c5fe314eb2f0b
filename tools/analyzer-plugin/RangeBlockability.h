//===- RangeBlockability.h - Path-sensitive state of a notifier callback --===//
//
// Which notifier callback is at the top of the analyzed stack, and, for a
// range callback, the symbolic value that says whether its range is
// blockable (mmu_notifier_range_blockable). The program-state traits live in
// RangeBlockability.cpp alone: a trait is private to the file registering it.
//
//===----------------------------------------------------------------------===//

#ifndef KREACH_ANALYZER_RANGEBLOCKABILITY_H
#define KREACH_ANALYZER_RANGEBLOCKABILITY_H

#include "clang/AST/Decl.h"
#include "clang/StaticAnalyzer/Core/BugReporter/BugReporter.h"
#include "clang/StaticAnalyzer/Core/PathSensitive/CallEvent.h"
#include "clang/StaticAnalyzer/Core/PathSensitive/CheckerContext.h"

#include <optional>

namespace kreach_analyzer {

/// State entering Root as the top frame: Root becomes the notifier root, and
/// with TrackRange the symbol of its range's blockability is kept.
/// BlockableFlag is the value of MMU_NOTIFIER_RANGE_BLOCKABLE.
clang::ento::ProgramStateRef enterNotifierRoot(clang::ento::ProgramStateRef State,
                                               const clang::FunctionDecl *Root,
                                               bool TrackRange, int64_t BlockableFlag,
                                               clang::ento::CheckerContext &C);

/// The notifier root of this path, or null outside notifier context.
const clang::Decl *notifierRoot(clang::ento::ProgramStateRef State);

/// The blockability condition kept at root entry, if any.
std::optional<clang::ento::DefinedOrUnknownSVal>
keptBlockableCondition(clang::ento::ProgramStateRef State);

/// True when blockability is not established as true in State.
bool mayBeNonBlockable(clang::ento::ProgramStateRef State,
                       std::optional<clang::ento::DefinedOrUnknownSVal> Cond);

/// Keeps the blockability symbol (and its constraints) alive.
void markBlockableLive(clang::ento::ProgramStateRef State, clang::ento::SymbolReaper &SR);

/// Whether Call is mmu_notifier_range_blockable(range), which
/// evalRangeBlockable models.
bool isRangeBlockableCall(const clang::ento::CallEvent &Call);

/// Models mmu_notifier_range_blockable(range) as the flag test it is.
/// Returns false when the call is left to the analyzer.
bool evalRangeBlockable(const clang::ento::CallEvent &Call, clang::ento::CheckerContext &C,
                        int64_t BlockableFlag);

/// Adds the note at the branch where the path learned that the range is
/// not blockable.
void addNotBlockableVisitor(clang::ento::PathSensitiveBugReport &Report,
                            clang::ento::DefinedOrUnknownSVal Cond);

} // namespace kreach_analyzer

#endif
