//===- Sarif.cpp - Findings as SARIF 2.1.0, and baselines -----------------===//
//
// SARIF is what code-scanning services ingest. Each finding becomes one
// result at the root callback, and its chain becomes a thread flow so a
// viewer can step from the callback to the wait one call at a time. Paths are
// relative to a SRCROOT base so logs from different checkouts compare.
//
//===----------------------------------------------------------------------===//

#include "kreach/Config.h"
#include "kreach/Report.h"
#include "kreach/FileIO.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

namespace kreach {

/// Key under partialFingerprints. Versioned so a future change of the
/// fingerprint recipe cannot silently match old baselines.
static constexpr const char *FingerprintKey = "kreachChain/v1";
static constexpr const char *RootBaseId = "SRCROOT";

/// Percent-encodes everything but RFC 3986 unreserved characters and '/', so
/// kernel paths (which are plain) stay readable and odd ones stay valid.
static std::string encodeURIPath(llvm::StringRef Path) {
  std::string Out;
  for (char C : Path) {
    if (llvm::isAlnum(C) || C == '-' || C == '.' || C == '_' || C == '~' || C == '/') {
      Out += C;
      continue;
    }
    Out += '%';
    Out += llvm::hexdigit((static_cast<unsigned char>(C) >> 4) & 0xF);
    Out += llvm::hexdigit(static_cast<unsigned char>(C) & 0xF);
  }
  return Out;
}

static llvm::json::Object artifactLocation(llvm::StringRef File, const PathMapper &Paths) {
  std::string Rel = Paths.relative(File);
  if (!llvm::sys::path::is_absolute(Rel))
    return llvm::json::Object{{"uri", encodeURIPath(Rel)}, {"uriBaseId", RootBaseId}};
  // Outside the source root (a generated header in O=, a toolchain header):
  // only an absolute URI locates it.
  return llvm::json::Object{{"uri", "file://" + encodeURIPath(Rel)}};
}

static llvm::json::Object physicalLocation(const SourcePos &Pos, const PathMapper &Paths) {
  llvm::json::Object Physical{{"artifactLocation", artifactLocation(Pos.File, Paths)}};
  if (Pos.Line) {
    llvm::json::Object Region{{"startLine", Pos.Line}};
    if (Pos.Column)
      Region["startColumn"] = Pos.Column;
    Physical["region"] = std::move(Region);
  }
  return Physical;
}

/// SARIF viewers expect messages to be sentences.
static llvm::json::Object message(llvm::StringRef Text) {
  std::string S = Text.str();
  if (!S.empty() && S.back() != '.')
    S += '.';
  return llvm::json::Object{{"text", std::move(S)}};
}

static llvm::json::Object location(const SourcePos &Pos, const PathMapper &Paths,
                                   llvm::StringRef Text) {
  return llvm::json::Object{{"physicalLocation", physicalLocation(Pos, Paths)},
                            {"message", message(Text)}};
}

static llvm::json::Object rule(const Rule &R) {
  const RuleConfig &C = R.config();
  std::string Full = R.expand(C.Description);
  std::string Text = Full;
  if (!C.Help.empty())
    Text += "\n\n" + R.expand(C.Help);
  llvm::json::Object Help{{"text", Text}};
  if (!C.HelpMarkdown.empty())
    Help["markdown"] = R.expand(C.HelpMarkdown);
  std::string Level = C.Severity == "note" ? "note" : C.Severity;
  return llvm::json::Object{
      {"id", R.name()},
      {"name", R.camelName()},
      {"shortDescription", llvm::json::Object{{"text", C.Summary}}},
      {"fullDescription", llvm::json::Object{{"text", Full}}},
      {"help", std::move(Help)},
      {"defaultConfiguration", llvm::json::Object{{"level", Level}}}};
}

llvm::json::Value toSARIF(llvm::ArrayRef<Finding> Findings, const RuleSet &Rules,
                          const PathMapper &Paths, llvm::ArrayRef<BaselineState> States) {
  std::vector<const Rule *> Reported = Rules.ofKind(RuleKind::Reachability);
  // A finding's rule is in the set it was found with; one from elsewhere
  // (a caller's mistake) still gets an entry rather than a dangling index.
  for (const Finding &F : Findings)
    if (!llvm::is_contained(Reported, F.TheRule))
      Reported.push_back(F.TheRule);
  llvm::json::Array RuleEntries;
  for (const Rule *R : Reported)
    RuleEntries.push_back(rule(*R));
  llvm::json::Array Results;
  for (size_t I = 0; I < Findings.size(); ++I) {
    const Finding &F = Findings[I];
    llvm::json::Array Steps;
    const RuleConfig &C = F.TheRule->config();
    std::string Entry = "'" + F.RootName + "' is " + C.RootArticle + " " + C.RootKind;
    if (!F.Registrations.empty())
      Entry += " ('" + F.Registrations.front().Field + "')";
    Steps.push_back(llvm::json::Object{{"location", location(F.RootLoc, Paths, Entry)},
                                       {"nestingLevel", 0},
                                       {"importance", "essential"}});
    for (size_t H = 0; H < F.Chain.size(); ++H)
      Steps.push_back(llvm::json::Object{
          {"location", location(F.Chain[H].Site, Paths, hopMessage(F.Chain[H]))},
          {"nestingLevel", H},
          {"importance", "essential"}});

    llvm::json::Array Related;
    for (size_t R = 0; R < F.Registrations.size(); ++R) {
      llvm::json::Object L = location(F.Registrations[R].Site, Paths,
                                      registrationMessage(F, F.Registrations[R]));
      L["id"] = R + 1;
      Related.push_back(std::move(L));
    }

    llvm::json::Object Result{
        {"ruleId", F.TheRule->name()},
        {"ruleIndex", int64_t(llvm::find(Reported, F.TheRule) - Reported.begin())},
        {"level", F.Allowed ? "note" : C.Severity},
        {"message", message(findingMessage(F))},
        {"locations", llvm::json::Array{llvm::json::Object{
                          {"physicalLocation", physicalLocation(F.RootLoc, Paths)}}}},
        {"partialFingerprints", llvm::json::Object{{FingerprintKey, fingerprint(F)}}},
        {"codeFlows",
         llvm::json::Array{llvm::json::Object{
             {"message", message("Call chain from '" + F.RootName + "' to '" +
                                 F.SinkName + "'")},
             {"threadFlows",
              llvm::json::Array{llvm::json::Object{{"locations", std::move(Steps)}}}}}}}};
    if (!Related.empty())
      Result["relatedLocations"] = std::move(Related);
    if (I < States.size() && States[I] != BaselineState::None)
      Result["baselineState"] = States[I] == BaselineState::New ? "new" : "unchanged";
    Results.push_back(std::move(Result));
  }

  llvm::json::Object Run{
      {"tool",
       llvm::json::Object{
           {"driver", llvm::json::Object{{"name", "kreach"},
                                         {"version", KREACH_VERSION},
                                         {"semanticVersion", KREACH_VERSION},
                                         {"informationUri",
                                          "https://docs.kernel.org/mm/mmu_notifier.html"},
                                         {"rules", std::move(RuleEntries)}}}}},
      {"columnKind", "unicodeCodePoints"},
      {"results", std::move(Results)}};
  if (!Paths.root().empty())
    Run["originalUriBaseIds"] = llvm::json::Object{
        {RootBaseId,
         llvm::json::Object{{"uri", "file://" + encodeURIPath(Paths.root()) + "/"}}}};
  return llvm::json::Object{
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", llvm::json::Array{std::move(Run)}}};
}

llvm::json::Value toJSON(llvm::ArrayRef<Finding> Findings, const CheckStats &Stats,
                         const PathMapper &Paths, llvm::ArrayRef<BaselineState> States) {
  llvm::json::Value V = toJSON(Findings, Stats, Paths);
  if (States.empty())
    return V;
  if (llvm::json::Array *Items = V.getAsObject()->getArray("findings"))
    for (size_t I = 0; I < Items->size() && I < States.size(); ++I)
      if (States[I] != BaselineState::None)
        (*Items)[I].getAsObject()->insert(
            {"baselineState", States[I] == BaselineState::New ? "new" : "unchanged"});
  return V;
}

/// llvm::json's parser recurses once per nested array or object, so a
/// baseline nested deeply enough overflows the stack. Real baselines nest a
/// dozen levels; count the depth outside strings before parsing.
static constexpr unsigned MaxBaselineDepth = 256;

llvm::Expected<std::vector<std::string>> readBaseline(llvm::StringRef Path) {
  llvm::Expected<std::string> Text = readUserFile(Path, "baseline", MaxDocumentBytes);
  if (!Text)
    return Text.takeError();
  return parseBaseline(*Text, Path);
}

llvm::Expected<std::vector<std::string>> parseBaseline(llvm::StringRef Text,
                                                       llvm::StringRef Name) {
  auto Fail = [&](const llvm::Twine &Why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "baseline '" + Name + "': " + Why);
  };
  if (jsonNestedTooDeep(Text, MaxBaselineDepth))
    return Fail("nested too deep (more than " + llvm::Twine(MaxBaselineDepth) +
                " levels of arrays and objects)");
  llvm::Expected<llvm::json::Value> Doc = llvm::json::parse(Text);
  if (!Doc)
    return Fail(llvm::toString(Doc.takeError()));
  const llvm::json::Object *Root = Doc->getAsObject();
  if (!Root)
    return Fail("not a JSON object");

  std::vector<std::string> Prints;
  if (const llvm::json::Array *Runs = Root->getArray("runs")) {
    for (const llvm::json::Value &Run : *Runs) {
      const llvm::json::Object *R = Run.getAsObject();
      const llvm::json::Array *Results = R ? R->getArray("results") : nullptr;
      if (!Results)
        continue;
      for (const llvm::json::Value &Res : *Results) {
        const llvm::json::Object *O = Res.getAsObject();
        const llvm::json::Object *FP = O ? O->getObject("partialFingerprints") : nullptr;
        // Results from other tools in a merged log carry no kreach print and
        // cannot match a kreach finding anyway.
        if (FP)
          if (std::optional<llvm::StringRef> S = FP->getString(FingerprintKey))
            Prints.push_back(S->str());
      }
    }
    return Prints;
  }
  const llvm::json::Array *Items = Root->getArray("findings");
  if (!Items)
    return Fail("neither a kreach JSON result (\"findings\") nor a SARIF log (\"runs\")");
  for (const llvm::json::Value &Item : *Items) {
    const llvm::json::Object *O = Item.getAsObject();
    if (!O)
      continue;
    if (std::optional<llvm::StringRef> S = O->getString("fingerprint"))
      Prints.push_back(S->str());
  }
  return Prints;
}

} // namespace kreach
