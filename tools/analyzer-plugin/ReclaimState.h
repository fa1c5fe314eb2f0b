//===- ReclaimState.h - Masks and signalling sections along a path --------===//
//
// The reclaim rules' path-sensitive half: what a gfp mask argument holds on
// the path being analyzed, and which fence-signalling sections are open
// there. The program-state trait lives in ReclaimState.cpp alone.
//
//===----------------------------------------------------------------------===//

#ifndef KREACH_ANALYZER_RECLAIMSTATE_H
#define KREACH_ANALYZER_RECLAIMSTATE_H

#include "kreach/MaskValue.h"

#include "clang/StaticAnalyzer/Core/PathSensitive/CheckerContext.h"

namespace kreach {
class Rule;
} // namespace kreach

namespace kreach_analyzer {

/// The mask V holds on this path, as kreach's facts write masks: a constant
/// where the path (or its constraints) decides it; a parameter of the top
/// frame, possibly with bits set or cleared, where it comes from the root's
/// own arguments, which no caller on this path supplied; unknown otherwise
/// (a field, a callee's result).
kreach::MaskValue maskOnPath(clang::ento::SVal V, clang::ento::CheckerContext &C);

/// Whether a mask argument holding V may carry one of Bits, as the core's
/// graph decides it for a MaskCall edge from the root.
bool mayCarry(clang::ento::SVal V, uint64_t Bits, clang::ento::CheckerContext &C);

/// The frame whose dma_fence_begin_signalling() call opened a section of
/// rule R on this path, or null when none is open.
const clang::StackFrameContext *openSection(clang::ento::ProgramStateRef State,
                                                  const kreach::Rule &R);
clang::ento::ProgramStateRef beginSection(clang::ento::ProgramStateRef State,
                                          const kreach::Rule &R,
                                          const clang::StackFrameContext *Frame);
clang::ento::ProgramStateRef endSection(clang::ento::ProgramStateRef State,
                                        const kreach::Rule &R);

} // namespace kreach_analyzer

#endif
