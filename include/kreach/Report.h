//===- kreach/Report.h - Findings as text, JSON ----------------------------===//
//
// The wording of every diagnostic lives here, so the CLI, the clang-tidy
// check, the analyzer checker and clangd say the same thing.
//
//===----------------------------------------------------------------------===//
#ifndef KREACH_REPORT_H
#define KREACH_REPORT_H

#include "kreach/Findings.h"
#include "kreach/Graph.h"
#include "kreach/Project.h"
#include "kreach/Rules.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace kreach {

std::string findingMessage(const Finding &F);
/// The finding message of rule R for a root reaching a sink, as every front
/// end words it.
/// (A section's root is the function it is in; an allocation sink has the
/// rule's allocation noun.)
std::string reachMessage(const Rule &R, llvm::StringRef Root, llvm::StringRef Sink,
                         bool Allowed, bool Section = false, bool SinkIsAllocation = false);
std::string hopMessage(const Hop &H);
std::string registrationMessage(const Finding &F, const Registration &R);
/// Identity of a finding that survives unrelated edits: rule, root, sink and
/// the functions along the chain, never line numbers.
std::string fingerprint(const Finding &F);

void printText(llvm::raw_ostream &OS, llvm::ArrayRef<Finding> Findings,
               const PathMapper &Paths);
llvm::json::Value toJSON(llvm::ArrayRef<Finding> Findings, const CheckStats &Stats,
                         const PathMapper &Paths);

//===----------------------------------------------------------------------===//
// CI gating: SARIF, baselines, call-chain pictures.
//===----------------------------------------------------------------------===//

/// Where a finding stands against a baseline of earlier results.
enum class BaselineState { None, New, Unchanged };

/// Every fingerprint recorded in a baseline file: kreach's own JSON
/// (findings[].fingerprint) or SARIF (runs[].results[].partialFingerprints).
llvm::Expected<std::vector<std::string>> readBaseline(llvm::StringRef Path);
/// readBaseline on text already in memory; Name is the file named in errors.
/// Any text gives the prints or one error, never a crash: nesting deeper than
/// llvm::json's recursive parser can take is refused before parsing.
llvm::Expected<std::vector<std::string>> parseBaseline(llvm::StringRef Text,
                                                       llvm::StringRef Name);

/// toJSON, with each finding's "baselineState" ("new" or "unchanged") when
/// States is non-empty (one entry per finding).
llvm::json::Value toJSON(llvm::ArrayRef<Finding> Findings, const CheckStats &Stats,
                         const PathMapper &Paths, llvm::ArrayRef<BaselineState> States);

/// A SARIF 2.1.0 log with one run: a rule entry per reachability rule of
/// Rules, one result per finding located at the root, with a code flow that
/// steps through the chain. States is empty or has one entry per finding.
llvm::json::Value toSARIF(llvm::ArrayRef<Finding> Findings, const RuleSet &Rules,
                          const PathMapper &Paths,
                          llvm::ArrayRef<BaselineState> States = {});

/// Graphviz DOT of every shortest chain from Root to a sink: the edges of
/// the shortest-path DAG reachable from Root.
void printDot(llvm::raw_ostream &OS, const CallGraph &G, const std::vector<SinkStep> &Steps,
              NodeId Root, const PathMapper &Paths);
/// Every call out of N on a shortest chain, once per callee and field; the
/// first call site stands for parallel calls.
std::vector<PathHop> chainHops(const CallGraph &G, const std::vector<SinkStep> &Steps,
                               NodeId N);

/// Every shortest chain from Root to a sink, one witness per line group,
/// up to Limit chains. SinkKind words the answer when there is none.
void printChains(llvm::raw_ostream &OS, const CallGraph &G,
                 const std::vector<SinkStep> &Steps, NodeId Root, const PathMapper &Paths,
                 unsigned Limit, llvm::StringRef SinkKind);

} // namespace kreach

#endif
