//===- TUContext.cpp - The checker's per-TU set-up: roots, policy, index --===//

#include "MmuNotifierDmaFenceWaitChecker.h"

#include "kreach/Check.h"
#include "kreach/Facts.h"

#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace clang;
using namespace ento;

namespace kreach_analyzer {

namespace {

std::string mainFilePath(const SourceManager &SM) {
  OptionalFileEntryRef FE = SM.getFileEntryRefForID(SM.getMainFileID());
  if (!FE)
    return "";
  llvm::SmallString<256> Path(FE->getName());
  SM.getFileManager().makeAbsolutePath(Path);
  return kreach::normalizePath(Path);
}

void warn(ASTContext &Ctx, llvm::StringRef Message) {
  DiagnosticsEngine &D = Ctx.getDiagnostics();
  unsigned ID = D.getCustomDiagID(DiagnosticsEngine::Warning, "%0");
  D.Report(ID) << (llvm::Twine("kreach: ") + Message).str();
}

void addRoot(TUContext &T, llvm::StringRef Key, llvm::StringRef Name, llvm::StringRef Field,
             const kreach::SourcePos &Site) {
  llvm::SmallVector<const kreach::Rule *, 2> Reach;
  for (const kreach::Rule *Rl : T.Rules.ofKind(kreach::RuleKind::Reachability))
    if (Rl->isRootField(Field))
      Reach.push_back(Rl);
  SleepContext Ctx = sleepContextOf(T.Sleep, Field);
  if (Reach.empty() && Ctx == SleepContext::Unknown)
    return;
  auto [It, New] = T.RootsByKey.try_emplace(Key);
  RootInfo &R = It->second;
  if (New) {
    R.Name = Name.str();
    R.Field = Field.str();
    R.Registration = Site;
  }
  // Registered through several fields, the callback is a root of each
  // field's rules, kept in the configuration's order.
  llvm::SmallVector<const kreach::Rule *, 2> Merged;
  for (const kreach::Rule *Rl : T.Rules.ofKind(kreach::RuleKind::Reachability))
    if (llvm::is_contained(R.Reach, Rl) || llvm::is_contained(Reach, Rl))
      Merged.push_back(Rl);
  R.Reach = std::move(Merged);
  // The page-table lock is the strictest context; a range callback is next.
  if (static_cast<int>(Ctx) > static_cast<int>(R.Context)) {
    R.Context = Ctx;
    R.Field = Field.str();
    R.Registration = Site;
  }
  if (!R.Registration.valid() && Site.valid())
    R.Registration = Site;
}

std::string realFileOf(const Decl *D, const SourceManager &SM) {
  SourceLocation Loc = SM.getExpansionLoc(D->getLocation());
  OptionalFileEntryRef FE = SM.getFileEntryRefForID(SM.getFileID(Loc));
  if (!FE)
    return "";
  llvm::StringRef Real = FE->getFileEntry().tryGetRealPathName();
  if (!Real.empty())
    return Real.str();
  llvm::SmallString<256> Path(FE->getName());
  SM.getFileManager().makeAbsolutePath(Path);
  return kreach::normalizePath(Path);
}

} // namespace

void noteIndexError(TUContext &T, const ASTContext &Ctx, llvm::StringRef Message) {
  if (T.IndexErrorReported)
    return;
  T.IndexErrorReported = true;
  warn(const_cast<ASTContext &>(Ctx),
       "index '" + T.IndexPath + "' could not be read (" + Message.str() +
           "); chains through other translation units may be missing");
}

TUContext &MmuNotifierDmaFenceWaitChecker::tu(CheckerContext &C) const {
  ASTContext &Ctx = C.getASTContext();
  if (TU && TU->Ctx == &Ctx)
    return *TU;
  TU = std::make_unique<TUContext>();
  TUContext &T = *TU;
  T.Ctx = &Ctx;
  const SourceManager &SM = C.getSourceManager();
  std::string MainFile = mainFilePath(SM);
  // The same discovery as the CLI's; the analyzer runs where the build
  // runs its compiler, so the working directory is the build directory.
  llvm::SmallString<256> Cwd;
  if (llvm::sys::fs::current_path(Cwd))
    Cwd.clear();
  kreach::ProjectOverrides Overrides;
  Overrides.SourceRoot = SourceRoot;
  Overrides.ConfigFile = ConfigFile;
  Overrides.IndexFile = IndexFile;
  kreach::TUProject Found = kreach::openTUProject(MainFile, Cwd, Overrides);
  const kreach::ProjectPaths &Project = Found.Paths;
  const std::string &IndexProblem = Found.IndexProblem;
  bool WantIndex = Found.WantIndex;
  T.Index = std::move(Found.Idx);
  T.IndexPath = Project.IndexFile;
  T.Paths = kreach::PathMapper(Project.SourceRoot, Project.BuildDir);
  T.KeyPaths = T.Index ? T.Index->paths() : T.Paths;
  for (const std::string &W : Project.Warnings)
    warn(Ctx, W);

  // The tree's .kreach.yaml, as the CLI reads it, so both agree on roots,
  // sinks and allowed paths; the AllowedPaths option overrides the file.
  kreach::RulesConfig Config = kreach::RulesConfig::builtin();
  if (llvm::Expected<kreach::RulesConfig> Loaded = kreach::loadRulesConfig(Project.ConfigFile))
    Config = std::move(*Loaded);
  else
    warn(Ctx, llvm::toString(Loaded.takeError()));
  if (!AllowedPaths.empty())
    for (kreach::RuleConfig &R : Config.Rules)
      if (R.Kind == kreach::RuleKind::Reachability)
        R.AllowedPaths = kreach::splitList(AllowedPaths);
  llvm::Expected<kreach::RuleSet> Rules = kreach::RuleSet::create(Config);
  if (Rules) {
    T.Rules = std::move(*Rules);
  } else {
    warn(Ctx, llvm::toString(Rules.takeError()));
    T.Rules = kreach::RuleSet::builtin();
  }
  T.Flow = kreach::valueFlowConfig(T.Rules);
  std::vector<const kreach::Rule *> Sleep = T.Rules.ofKind(kreach::RuleKind::NonBlockingSleep);
  T.Sleep = Sleep.empty() ? nullptr : Sleep.front();
  std::vector<const kreach::Rule *> Reach = T.Rules.ofKind(kreach::RuleKind::Reachability);
  T.FirstReach = Reach.empty() ? nullptr : Reach.front();
  for (const kreach::Rule *R : Reach)
    if (R->hasSections())
      T.SectionRules.push_back(R);

  if (WantIndex && !T.Index) {
    if (!IndexProblem.empty())
      warn(Ctx, IndexProblem + "; calls into other translation units are not followed");
    else if (!IndexFile.empty())
      warn(Ctx, "index '" + Project.IndexFile + "' does not exist");
    else
      warn(Ctx, "no index found (looked for " + llvm::join(Project.IndexSearched, ", ") +
                    "); calls into other translation units are not followed (set "
                    "IndexFile=none to silence this)");
  }
  if (T.Index) {
    // The summaries answer "which wait does this reach" for one rule's sinks
    // and boundaries; an index without them for this configuration's rules
    // would silently answer "none".
    for (const kreach::Rule *R : Reach) {
      llvm::Expected<bool> Has = T.Index->hasSummaries(R->summaryFingerprint());
      if (!Has) {
        noteIndexError(T, Ctx, llvm::toString(Has.takeError()));
        T.Index.reset();
        break;
      }
      if (!*Has)
        warn(Ctx, "index '" + Project.IndexFile + "' holds no call summaries for rule '" +
                      R->name() + "' with this configuration's sinks and boundaries; "
                      "run 'kreach check' with the same configuration to add them");
    }
  }

  kreach::TUFacts Facts = kreach::collectFacts(Ctx, T.KeyPaths);
  for (const kreach::StoreFact &S : Facts.Stores)
    addRoot(T, S.Target, S.TargetName, S.Field, S.Site);
  if (T.Index) {
    auto Rows = T.Index->stores([&](llvm::StringRef Field) {
      for (const kreach::Rule *R : Reach)
        if (R->isRootField(Field))
          return true;
      return sleepContextOf(T.Sleep, Field) != SleepContext::Unknown;
    });
    if (Rows) {
      for (const kreach::StoreRow &Row : *Rows)
        addRoot(T, Row.TargetKey, Row.TargetName, Row.Field, kreach::SourcePos());
    } else {
      noteIndexError(T, Ctx, llvm::toString(Rows.takeError()));
    }
  }
  return T;
}

const RootInfo *MmuNotifierDmaFenceWaitChecker::rootFor(const FunctionDecl *FD,
                                                        CheckerContext &C) const {
  TUContext &T = tu(C);
  if (auto It = T.RootsByDecl.find(FD); It != T.RootsByDecl.end())
    return It->second;
  if (T.NotRoots.count(FD))
    return nullptr;
  const SourceManager &SM = C.getSourceManager();
  auto It = T.RootsByKey.find(kreach::functionKey(FD, SM, T.KeyPaths));
  if (It == T.RootsByKey.end()) {
    T.NotRoots[FD] = true;
    return nullptr;
  }
  RootInfo &R = It->second;
  std::string File = realFileOf(FD, SM);
  std::string Relative = T.Paths.relative(File);
  R.OutsideAllowed.clear();
  for (const kreach::Rule *Rl : R.Reach)
    R.OutsideAllowed.push_back(!Rl->isAllowedPath(Relative));
  T.RootsByDecl[FD] = &R;
  return &R;
}

} // namespace kreach_analyzer
