//===- RuleCheck.cpp - clang-tidy front end of kreach ---------------------===//

#include "RuleCheck.h"

#include "kreach/Check.h"
#include "kreach/Facts.h"
#include "kreach/Index.h"
#include "kreach/Rules.h"
#include "kreach/Project.h"
#include "kreach/Report.h"

#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include <atomic>

using namespace clang::ast_matchers;

namespace clang::tidy::linuxkernel {

static std::optional<std::string> optionalString(std::optional<StringRef> V) {
  if (!V)
    return std::nullopt;
  return V->str();
}

static std::string joinList(const std::vector<std::string> &Items) {
  return llvm::join(Items, ";");
}

RuleCheck::RuleCheck(StringRef Name, ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context), TidyContext(Context), RuleName(Name.str()),
      IndexFile(Options.get("IndexFile", "")), SourceRoot(Options.get("SourceRoot", "")),
      ConfigFile(Options.get("ConfigFile", "")),
      RootFields(optionalString(Options.get("RootFields"))),
      SinkFunctions(optionalString(Options.get("SinkFunctions"))),
      AllowedPaths(optionalString(Options.get("AllowedPaths"))) {}

void RuleCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "IndexFile", IndexFile);
  Options.store(Opts, "SourceRoot", SourceRoot);
  Options.store(Opts, "ConfigFile", ConfigFile);
  // Unset lists are stored as the built-in rule's so --dump-config shows
  // what the check really uses; the user-rules check has no lists of its own.
  kreach::RulesConfig Builtin = kreach::RulesConfig::builtin();
  const kreach::RuleConfig *Defaults = Builtin.find(RuleName);
  if (!Defaults)
    return;
  Options.store(Opts, "RootFields", RootFields.value_or(joinList(Defaults->RootFields)));
  Options.store(Opts, "SinkFunctions",
                SinkFunctions.value_or(joinList(Defaults->SinkFunctions)));
  Options.store(Opts, "AllowedPaths",
                AllowedPaths.value_or(joinList(Defaults->AllowedPaths)));
}

void RuleCheck::registerMatchers(MatchFinder *Finder) {
  // Only the ASTContext is wanted. clangd restricts traversal to the main
  // file's top-level declarations and never visits the TranslationUnitDecl
  // itself, so a function definition there is matched as well.
  Finder->addMatcher(translationUnitDecl().bind("tu"), this);
  Finder->addMatcher(functionDecl(isDefinition()).bind("fn"), this);
}

void RuleCheck::check(const MatchFinder::MatchResult &Result) {
  PendingAST = Result.Context;
}

void RuleCheck::onEndOfTranslationUnit() {
  if (!PendingAST)
    return;
  ASTContext *Ctx = PendingAST;
  PendingAST = nullptr;
  analyze(*Ctx);
}

void RuleCheck::analyze(ASTContext &Ctx) {
  SourceManager &SM = Ctx.getSourceManager();
  OptionalFileEntryRef MainEntry = SM.getFileEntryRefForID(SM.getMainFileID());
  if (!MainEntry)
    return;
  SmallString<256> MainFile(MainEntry->getFileEntry().tryGetRealPathName());
  if (MainFile.empty()) {
    MainFile = MainEntry->getName();
    SM.getFileManager().makeAbsolutePath(MainFile);
  }
  SourceLocation FileStart = SM.getLocForStartOfFile(SM.getMainFileID());

  // The same discovery as the CLI's, from the TU's side.
  kreach::ProjectOverrides Overrides;
  Overrides.SourceRoot = SourceRoot;
  Overrides.ConfigFile = ConfigFile;
  Overrides.IndexFile = IndexFile;
  kreach::TUProject TU =
      kreach::openTUProject(MainFile, TidyContext->getCurrentBuildDirectory(), Overrides);
  const kreach::ProjectPaths &Project = TU.Paths;
  std::unique_ptr<kreach::Index> &Idx = TU.Idx;
  const std::string &IndexProblem = TU.IndexProblem;
  bool WantIndex = TU.WantIndex;
  const std::string &Root = Project.SourceRoot;
  for (const std::string &W : Project.Warnings)
    diag(FileStart, "kreach: %0") << W;

  // The tree's .kreach.yaml is what the CLI reads; the check's options
  // override it.
  kreach::RulesConfig Config = kreach::RulesConfig::builtin();
  if (llvm::Expected<kreach::RulesConfig> Loaded = kreach::loadRulesConfig(Project.ConfigFile))
    Config = std::move(*Loaded);
  else
    diag(FileStart, "cannot use kreach configuration: %0")
        << llvm::toString(Loaded.takeError());
  // This check's rules: its own, or every rule the configuration added.
  std::vector<std::string> RuleNames;
  if (RuleName == UserRulesCheckName) {
    kreach::RulesConfig Builtin = kreach::RulesConfig::builtin();
    for (const kreach::RuleConfig &R : Config.Rules)
      if (!Builtin.find(R.Name) && R.Kind == kreach::RuleKind::Reachability)
        RuleNames.push_back(R.Name);
  } else if (kreach::RuleConfig *Own = Config.find(RuleName)) {
    if (RootFields)
      Own->RootFields = kreach::splitList(*RootFields);
    if (SinkFunctions)
      Own->SinkFunctions = kreach::splitList(*SinkFunctions);
    if (AllowedPaths)
      Own->AllowedPaths = kreach::splitList(*AllowedPaths);
    RuleNames.push_back(Own->Name);
  }
  llvm::Expected<kreach::RuleSet> Rules = kreach::RuleSet::create(Config);
  if (!Rules) {
    diag(FileStart, "invalid options for %0: %1") << RuleName << llvm::toString(Rules.takeError());
    return;
  }
  std::vector<const kreach::Rule *> Checked;
  for (const std::string &N : RuleNames)
    if (const kreach::Rule *R = Rules->find(N))
      Checked.push_back(R);
  // A configuration that disables this check's rule leaves nothing to do.
  if (Checked.empty())
    return;

  if (WantIndex && !Idx) {
    if (!IndexProblem.empty()) {
      // Index errors name the file already.
      diag(FileStart, "kreach %0; analysing this translation unit alone")
          << IndexProblem;
    } else if (!IndexFile.empty()) {
      diag(FileStart, "kreach index '%0' does not exist; analysing this translation unit "
                      "alone")
          << Project.IndexFile;
    } else {
      // Said once per process: clang-tidy over many files, or a clangd
      // session, should not repeat it for every TU.
      static std::atomic<bool> Told{false};
      if (!Told.exchange(true))
        diag(FileStart, "no kreach index found (looked for %0); analysing each "
                        "translation unit alone, so chains through other translation "
                        "units are not followed (run 'kreach index', or set IndexFile "
                        "to 'none' to silence this)")
            << llvm::join(Project.IndexSearched, ", ");
    }
  }
  kreach::PathMapper Paths(Root, Project.BuildDir);
  // Keys as the index made them: against its root, which a root found here
  // may lie inside of.
  const kreach::PathMapper &KeyPaths = Idx ? Idx->paths() : Paths;
  kreach::TUFacts Facts;
  {
    // clangd limits traversal to the main file's declarations; the static
    // inline functions of headers the TU calls are part of its facts too.
    std::vector<Decl *> Scope = Ctx.getTraversalScope();
    Ctx.setTraversalScope({Ctx.getTranslationUnitDecl()});
    Facts = kreach::collectFacts(Ctx, KeyPaths, /*ResolveSites=*/false);
    Ctx.setTraversalScope(Scope);
  }
  kreach::ValueFlowConfig Flow = kreach::valueFlowConfig(*Rules);
  for (const kreach::Rule *R : Checked) {
    std::string ReadError, MissingSummaries;
    std::vector<kreach::Finding> Findings =
        kreach::checkTU(Facts, Idx.get(), *R, Paths, /*IncludeAllowed=*/false, ReadError,
                        &MissingSummaries, Flow);
    if (!MissingSummaries.empty())
      diag(FileStart, "kreach: %0; chains through other translation units are not followed")
          << MissingSummaries;
    if (!ReadError.empty())
      diag(FileStart, "kreach index '%0' could not be read (%1); chains through other "
                      "translation units may be missing")
          << Project.IndexFile << ReadError;
    for (const kreach::Finding &F : Findings)
      report(SM, F, Root);
  }
}

void RuleCheck::report(SourceManager &SM, const kreach::Finding &F, StringRef Root) {
  if (F.Allowed)
    return;
  kreach::PathMapper Paths(Root.str());
  // A position whose file is gone cannot be shown as a location; the note
  // then names it in its text so the chain stays readable.
  auto Where = [&](const kreach::SourcePos &Pos, SourceLocation &Loc) {
    Loc = kreach::toSourceLocation(SM, Pos);
    if (Loc.isValid() || !Pos.valid())
      return std::string();
    return " at " + Paths.relative(Pos.File) + ":" + std::to_string(Pos.Line) + ":" +
           std::to_string(Pos.Column);
  };
  // The root is defined in this TU, so its location always maps.
  SourceLocation RootLoc = kreach::toSourceLocation(SM, F.RootLoc);
  if (RootLoc.isInvalid())
    return;
  // Names go in as arguments: the message text is not a format string. The
  // user-rules check reports several rules, so it names each finding's.
  std::string Message = kreach::findingMessage(F);
  if (RuleName == UserRulesCheckName)
    Message += " [" + F.TheRule->name() + "]";
  diag(RootLoc, "%0") << Message;
  for (const kreach::Hop &H : F.Chain) {
    SourceLocation Loc;
    std::string Suffix = Where(H.Site, Loc);
    diag(Loc, "%0", DiagnosticIDs::Note) << kreach::hopMessage(H) + Suffix;
  }
  for (const kreach::Registration &R : F.Registrations) {
    SourceLocation Loc;
    std::string Suffix = Where(R.Site, Loc);
    diag(Loc, "%0", DiagnosticIDs::Note) << kreach::registrationMessage(F, R) + Suffix;
  }
}

} // namespace clang::tidy::linuxkernel
