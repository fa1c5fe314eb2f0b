//===- Report.cpp - Findings as text, JSON --------------------------------===//

#include "kreach/Report.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/xxhash.h"
#include "llvm/Support/FormatVariadic.h"

namespace kreach {

static llvm::json::Object valueFlowToJSON(const CheckStats &Stats) {
  llvm::json::Object Unresolved;
  for (unsigned K = 0; K < NumUnresolvedKinds; ++K)
    Unresolved[unresolvedKindName(UnresolvedKind(K))] = Stats.Unresolved[K];
  const IndirectPrecision &P = Stats.Precision;
  return llvm::json::Object{
      {"bound_calls", Stats.BoundCalls},
      {"type_fallbacks", Stats.TypeFallbacks},
      {"registry_calls", Stats.RegistryCalls},
      {"unresolved", std::move(Unresolved)},
      // Per call that names no function: kreach's targets against every
      // address-taken function of the callee's type.
      {"indirect_sites", uint64_t(P.Sites)},
      {"indirect_sites_resolved", uint64_t(P.ResolvedSites)},
      {"indirect_targets", uint64_t(P.Targets)},
      {"signature_targets", uint64_t(P.SignatureTargets)}};
}

std::string reachMessage(const Rule &R, llvm::StringRef Root, llvm::StringRef Sink,
                         bool Allowed, bool Section, bool SinkIsAllocation) {
  const RuleConfig &C = R.config();
  std::string M = (Section ? C.SectionKind : C.RootKind) + " '" + Root.str() +
                  "' can reach " + (SinkIsAllocation ? C.AllocationSinkKind : C.SinkKind) +
                  " '" + Sink.str() + "'";
  // A rule that allows no path holds everywhere: nothing to add.
  if (C.AllowedPaths.empty())
    return M;
  if (Allowed)
    return M + " (allowed under " + R.allowedPathsDescription() + ")";
  return M + " outside " + R.allowedPathsDescription();
}

std::string findingMessage(const Finding &F) {
  return reachMessage(*F.TheRule, F.RootName, F.SinkName, F.Allowed, F.Section,
                      F.SinkIsAllocation);
}

std::string hopMessage(const Hop &H) {
  if (H.calleeIsField())
    return "'" + H.Caller + "' waits through '" + H.Via + "'";
  std::string M = "'" + H.Caller + "' calls '" + H.Callee + "'";
  if (!H.Via.empty())
    M += " through '" + H.Via + "'";
  if (!H.Mask.empty())
    M += " with mask '" + H.Mask + "'";
  return M;
}

std::string registrationMessage(const Finding &F, const Registration &R) {
  return "'" + F.RootName + "' is registered as '" + R.Field + "' here";
}

std::string fingerprint(const Finding &F) {
  // Keys of static functions carry their file's path (relative to the source
  // root since schema 7, absolute before); the file name alone keeps the
  // baselines of either kind matching.
  auto Portable = [](llvm::StringRef Key) {
    size_t Colon = Key.rfind(':');
    if (Colon == llvm::StringRef::npos)
      return Key.str();
    return llvm::sys::path::filename(Key.substr(0, Colon)).str() + Key.substr(Colon).str();
  };
  // A rule's tag keeps its findings apart from another rule's on the same
  // chain; the first rule's is empty, so baselines from before rules had
  // names keep matching.
  const std::string &Tag = F.TheRule->config().FingerprintTag;
  std::string S = (Tag.empty() ? "" : Tag + "#") + Portable(F.RootKey) + "|" + F.SinkName;
  for (const Hop &H : F.Chain)
    S += "|" + (H.calleeIsField() ? "field:" + H.Callee : Portable(H.CalleeKey)) +
         (H.Via.empty() ? "" : "@" + H.Via);
  return llvm::utohexstr(llvm::xxh3_64bits(S), /*LowerCase=*/true);
}

static void printLoc(llvm::raw_ostream &OS, const SourcePos &P, const PathMapper &Paths) {
  OS << Paths.relative(P.File) << ':' << P.Line << ':' << P.Column << ": ";
}

void printText(llvm::raw_ostream &OS, llvm::ArrayRef<Finding> Findings,
               const PathMapper &Paths) {
  for (const Finding &F : Findings) {
    printLoc(OS, F.RootLoc, Paths);
    OS << (F.Allowed ? "remark" : F.TheRule->config().Severity) << ": " << findingMessage(F)
       << " [" << F.TheRule->name() << "]\n";
    for (const Hop &H : F.Chain) {
      printLoc(OS, H.Site, Paths);
      OS << "note: " << hopMessage(H) << "\n";
    }
    for (const Registration &R : F.Registrations) {
      printLoc(OS, R.Site, Paths);
      OS << "note: " << registrationMessage(F, R) << "\n";
    }
  }
}

llvm::json::Value toJSON(llvm::ArrayRef<Finding> Findings, const CheckStats &Stats,
                         const PathMapper &Paths) {
  llvm::json::Array Items;
  for (const Finding &F : Findings) {
    llvm::json::Array Chain;
    for (const Hop &H : F.Chain)
      Chain.push_back(llvm::json::Object{
          {"caller", H.Caller},
          {"callee", H.Callee},
          {"file", Paths.relative(H.Site.File)},
          {"line", H.Site.Line},
          {"column", H.Site.Column},
          {"indirect", H.Via.empty() ? llvm::json::Value(nullptr)
                                     : llvm::json::Value(H.Via)},
          {"mask", H.Mask.empty() ? llvm::json::Value(nullptr)
                                  : llvm::json::Value(H.Mask)}});
    llvm::json::Array Registrations;
    for (const Registration &R : F.Registrations)
      Registrations.push_back(llvm::json::Object{{"field", R.Field},
                                                 {"file", Paths.relative(R.Site.File)},
                                                 {"line", R.Site.Line},
                                                 {"column", R.Site.Column}});
    Items.push_back(llvm::json::Object{
        {"rule", F.TheRule->name()},
        {"allowed", F.Allowed},
        {"fingerprint", fingerprint(F)},
        {"section", F.Section},
        {"root",
         llvm::json::Object{
             {"function", F.RootName},
             {"file", Paths.relative(F.RootLoc.File)},
             {"line", F.RootLoc.Line},
             {"column", F.RootLoc.Column},
             {"field", F.Registrations.empty() ? "" : F.Registrations.front().Field}}},
        {"registrations", std::move(Registrations)},
        {"sink", llvm::json::Object{{"function", F.SinkName}}},
        {"chain", std::move(Chain)}});
  }
  llvm::json::Array Rules;
  for (const RuleStats &R : Stats.Rules)
    Rules.push_back(llvm::json::Object{{"rule", R.Name},
                                       {"roots", R.Roots},
                                       {"findings", R.Findings},
                                       {"allowed", R.Allowed}});
  return llvm::json::Object{
      {"version", 1},
      {"findings", std::move(Items)},
      {"stats", llvm::json::Object{{"tus", Stats.TUs},
                                   {"tus_failed", Stats.FailedTUs},
                                   {"tus_parsed", Stats.Parsed},
                                   {"tus_from_build", Stats.FromBuild},
                                   {"functions", Stats.Functions},
                                   {"call_edges", Stats.CallEdges},
                                   {"roots", Stats.Roots},
                                   {"unresolved_indirect_calls",
                                    Stats.UnresolvedIndirectCalls},
                                   {"value_flow", valueFlowToJSON(Stats)},
                                   {"index_seconds", Stats.IndexSeconds},
                                   {"check_seconds", Stats.CheckSeconds},
                                   {"graph", Stats.GraphSource},
                                   {"snapshot_write", Stats.SnapshotWrite},
                                   {"searches",
                                    llvm::json::Object{{"whole", Stats.WholeSearches},
                                                       {"incremental", Stats.IncrementalSearches}}},
                                   {"reverse_index", Stats.ReverseIndex},
                                   {"splice_refused", Stats.SpliceRefused},
                                   {"summary_rows",
                                    llvm::json::Object{{"written", Stats.SummaryRowsWritten},
                                                       {"removed", Stats.SummaryRowsRemoved},
                                                       {"kept", Stats.SummaryRowsKept}}},
                                   {"rules", std::move(Rules)}}}};
}

} // namespace kreach
