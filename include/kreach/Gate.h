//===- kreach/Gate.h - kreach check as a CI gate --------------------------===//
//
// What decides `kreach check`'s exit status beyond the findings themselves:
// a baseline of known findings, the --fail-on mode, and the changes a patch
// makes to the gate itself (its configuration, an added NOLINT), which are
// reported as findings of their own rule.
//
//===----------------------------------------------------------------------===//

#ifndef KREACH_GATE_H
#define KREACH_GATE_H

#include "kreach/CompileDB.h"
#include "kreach/Driver.h"
#include "kreach/PatchMode.h"
#include "kreach/Rules.h"
#include "kreach/Report.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace kreach {

/// A change a patch makes to the gate itself, so that a patch cannot
/// quietly widen what it is judged by.
struct GateChange {
  std::string File;
  unsigned Line = 1;
  std::string Message;
};
constexpr const char *GateRuleName = "kreach-gate-change";

/// The policy the base revision's configuration gives (the defaults when
/// the base has none).
llvm::Expected<RuleSet> loadBaseRules(const Project &P, BaseRevision &Base, bool AllRoots);

/// Lines a patch adds since Base (a commit) that carry a NOLINT.
llvm::Expected<std::vector<GateChange>> addedNolints(llvm::StringRef Root, llvm::StringRef Base);

/// The gate changes of a patch: its configuration among the Changed files
/// (unless judged by the base's, ConfigFromBase), then, with a base
/// revision, the NOLINTs it adds.
llvm::Expected<std::vector<GateChange>> patchGateChanges(const SessionOptions &O,
                                                         const Project &P,
                                                         const PathMapper &Paths,
                                                         const llvm::StringSet<> &Changed,
                                                         bool ConfigFromBase,
                                                         BaseRevision &Base);

/// Gate changes as SARIF results of their own rule, added to Log's run.
void addGateResults(llvm::json::Value &Log, llvm::ArrayRef<GateChange> Gate);
/// Gate changes as the "gate_changes" array of the JSON report.
llvm::json::Array gateChangesToJSON(llvm::ArrayRef<GateChange> Gate);
/// Gate changes as clang-style warnings.
void printGateChanges(llvm::raw_ostream &OS, llvm::ArrayRef<GateChange> Gate);

/// The fingerprints of a baseline file (kreach JSON or SARIF).
llvm::Expected<llvm::StringSet<>> loadBaselineSet(llvm::StringRef File);

/// Each finding's state against Baseline; empty without one.
std::vector<BaselineState> baselineStates(llvm::ArrayRef<Finding> Findings,
                                          const llvm::StringSet<> *Baseline);

/// Findings outside the allowed paths (plus gate changes), and how many of
/// them the baseline does not hold.
struct GateCounts {
  unsigned Violations = 0;
  unsigned NewViolations = 0;
};
GateCounts countViolations(llvm::ArrayRef<Finding> Findings,
                           llvm::ArrayRef<BaselineState> States, size_t GateChanges);

/// The exit status --fail-on gives for Counts.
int gateExitCode(FailOn Mode, bool HaveBaseline, const GateCounts &Counts);

} // namespace kreach

#endif
