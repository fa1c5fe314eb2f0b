//===- Gate.cpp - kreach check as a CI gate -------------------------------===//

#include "kreach/Gate.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"

namespace kreach {

llvm::Expected<RuleSet> loadBaseRules(const Project &P, BaseRevision &Base, bool AllRoots) {
  RulesConfig Config = RulesConfig::builtin();
  const std::string &Root = P.Paths.SourceRoot;
  llvm::Expected<std::string> Commit = Base.commit();
  if (!Commit)
    return Commit.takeError();
  std::string Rel = PathMapper(Root).relative(
      P.Paths.ConfigFile.empty() ? Root + "/" + ConfigFileName : P.Paths.ConfigFile);
  if (llvm::sys::path::is_absolute(Rel))
    return lineError("--config-from-base: the configuration '" + Rel +
                     "' is outside the source root");
  llvm::Expected<std::string> Exists =
      runGit(Root, {"ls-tree", "--name-only", "--end-of-options", *Commit, "--", Rel});
  if (!Exists)
    return Exists.takeError();
  if (!llvm::StringRef(*Exists).trim().empty()) {
    llvm::Expected<std::string> Text =
        runGit(Root, {"show", "--end-of-options", *Commit + ":./" + Rel});
    if (!Text)
      return Text.takeError();
    llvm::Expected<RulesConfig> Loaded =
        parseConfig(*Text, Base.revision() + ":" + Rel, std::move(Config));
    if (!Loaded)
      return Loaded.takeError();
    Config = std::move(*Loaded);
  }
  if (AllRoots)
    Config.enableOptionalRoots();
  return RuleSet::create(Config);
}

llvm::Expected<std::vector<GateChange>> addedNolints(llvm::StringRef Root, llvm::StringRef Base) {
  llvm::Expected<std::string> Diff =
      runGit(Root, {"diff", "-U0", "--no-color", "--no-ext-diff", "--relative",
                    "--end-of-options", Base, "--"});
  if (!Diff)
    return Diff.takeError();
  std::vector<GateChange> Result;
  std::string File;
  unsigned Line = 0;
  llvm::SmallVector<llvm::StringRef, 0> Lines;
  llvm::StringRef(*Diff).split(Lines, '\n');
  for (llvm::StringRef L : Lines) {
    if (L.consume_front("+++ ")) {
      File = L.consume_front("b/") ? L.str() : std::string();
      continue;
    }
    if (L.starts_with("@@")) {
      // @@ -a,b +c,d @@: added lines count from c.
      size_t Plus = L.find(" +");
      Line = 0;
      if (Plus != llvm::StringRef::npos)
        L.substr(Plus + 2).take_while(llvm::isDigit).getAsInteger(10, Line);
      continue;
    }
    if (L.starts_with("+") && !File.empty()) {
      if (L.contains("NOLINT"))
        Result.push_back({File, Line,
                          "patch adds a NOLINT comment, which silences clang-tidy's "
                          "linuxkernel checks here; the gate reports it for review"});
      ++Line;
    }
  }
  return Result;
}

llvm::Expected<std::vector<GateChange>> patchGateChanges(const SessionOptions &O,
                                                         const Project &P,
                                                         const PathMapper &Paths,
                                                         const llvm::StringSet<> &Changed,
                                                         bool ConfigFromBase,
                                                         BaseRevision &Base) {
  std::vector<GateChange> Gate;
  std::string ConfigRel = P.Paths.ConfigFile.empty() ? "" : Paths.relative(P.Paths.ConfigFile);
  if (!ConfigRel.empty() && Changed.count(ConfigRel) && !ConfigFromBase)
    Gate.push_back({ConfigRel, 1,
                    "patch changes kreach's configuration, which decides what this "
                    "gate reports; review it, or judge the patch with "
                    "--config-from-base"});
  if (!O.ChangedSince.empty()) {
    llvm::Expected<std::string> Commit = Base.commit();
    if (!Commit)
      return Commit.takeError();
    llvm::Expected<std::vector<GateChange>> Nolints = addedNolints(Base.root(), *Commit);
    if (!Nolints)
      return Nolints.takeError();
    llvm::append_range(Gate, *Nolints);
  }
  return Gate;
}

void addGateResults(llvm::json::Value &Log, llvm::ArrayRef<GateChange> Gate) {
  if (Gate.empty())
    return;
  llvm::json::Object *Run = nullptr;
  if (llvm::json::Array *Runs = Log.getAsObject()->getArray("runs"))
    if (!Runs->empty())
      Run = (*Runs)[0].getAsObject();
  if (!Run)
    return;
  if (llvm::json::Object *Tool = Run->getObject("tool"))
    if (llvm::json::Object *Driver = Tool->getObject("driver"))
      if (llvm::json::Array *Rules = Driver->getArray("rules"))
        Rules->push_back(llvm::json::Object{
            {"id", GateRuleName},
            {"shortDescription",
             llvm::json::Object{{"text", "A patch changes what the kreach gate reports"}}},
            {"fullDescription",
             llvm::json::Object{{"text", "The patch edits kreach's configuration or adds a "
                                         "NOLINT; either can silence the gate it is judged "
                                         "by, so it is reported for review."}}},
            {"defaultConfiguration", llvm::json::Object{{"level", "warning"}}}});
  llvm::json::Array *Results = Run->getArray("results");
  if (!Results)
    return;
  for (const GateChange &G : Gate)
    Results->push_back(llvm::json::Object{
        {"ruleId", GateRuleName},
        {"level", "warning"},
        {"message", llvm::json::Object{{"text", G.Message}}},
        {"locations",
         llvm::json::Array{llvm::json::Object{
             {"physicalLocation",
              llvm::json::Object{
                  {"artifactLocation", llvm::json::Object{{"uri", G.File}}},
                  {"region", llvm::json::Object{{"startLine", G.Line}}}}}}}}});
}

llvm::json::Array gateChangesToJSON(llvm::ArrayRef<GateChange> Gate) {
  llvm::json::Array Items;
  for (const GateChange &G : Gate)
    Items.push_back(llvm::json::Object{
        {"rule", GateRuleName}, {"file", G.File}, {"line", G.Line}, {"message", G.Message}});
  return Items;
}

void printGateChanges(llvm::raw_ostream &OS, llvm::ArrayRef<GateChange> Gate) {
  for (const GateChange &G : Gate)
    OS << G.File << ":" << G.Line << ":1: warning: " << G.Message << " [" << GateRuleName
       << "]\n";
}

llvm::Expected<llvm::StringSet<>> loadBaselineSet(llvm::StringRef File) {
  llvm::Expected<std::vector<std::string>> Prints = readBaseline(File);
  if (!Prints)
    return Prints.takeError();
  llvm::StringSet<> Baseline;
  for (const std::string &FP : *Prints)
    Baseline.insert(FP);
  return Baseline;
}

std::vector<BaselineState> baselineStates(llvm::ArrayRef<Finding> Findings,
                                          const llvm::StringSet<> *Baseline) {
  std::vector<BaselineState> States;
  if (Baseline)
    for (const Finding &F : Findings)
      States.push_back(Baseline->count(fingerprint(F)) ? BaselineState::Unchanged
                                                       : BaselineState::New);
  return States;
}

GateCounts countViolations(llvm::ArrayRef<Finding> Findings,
                           llvm::ArrayRef<BaselineState> States, size_t GateChanges) {
  GateCounts Counts;
  Counts.Violations = Counts.NewViolations = GateChanges;
  for (size_t K = 0; K < Findings.size(); ++K) {
    if (Findings[K].Allowed)
      continue;
    ++Counts.Violations;
    if (States.empty() || States[K] == BaselineState::New)
      ++Counts.NewViolations;
  }
  return Counts;
}

int gateExitCode(FailOn Mode, bool HaveBaseline, const GateCounts &Counts) {
  if (Mode == FailOn::Default)
    Mode = HaveBaseline ? FailOn::New : FailOn::Any;
  switch (Mode) {
  case FailOn::None:
    return ExitClean;
  case FailOn::New:
    return Counts.NewViolations ? ExitFindings : ExitClean;
  case FailOn::Any:
  case FailOn::Default:
    break;
  }
  return Counts.Violations ? ExitFindings : ExitClean;
}

} // namespace kreach
