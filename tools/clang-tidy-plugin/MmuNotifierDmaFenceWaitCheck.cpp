//===- MmuNotifierDmaFenceWaitCheck.cpp - clang-tidy front end of kreach --===//

#include "MmuNotifierDmaFenceWaitCheck.h"

#include "kreach/Check.h"
#include "kreach/Facts.h"
#include "kreach/Index.h"
#include "kreach/Policy.h"
#include "kreach/Report.h"

#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace clang::ast_matchers;

namespace clang::tidy::linuxkernel {

static constexpr const char *IndexFileName = "kreach.db";

static std::optional<std::string> optionalString(std::optional<StringRef> V) {
  if (!V)
    return std::nullopt;
  return V->str();
}

static std::string joinList(const std::vector<std::string> &Items) {
  return llvm::join(Items, ";");
}

MmuNotifierDmaFenceWaitCheck::MmuNotifierDmaFenceWaitCheck(StringRef Name,
                                                           ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context), TidyContext(Context),
      IndexFile(Options.get("IndexFile", "")), SourceRoot(Options.get("SourceRoot", "")),
      RootFields(optionalString(Options.get("RootFields"))),
      SinkFunctions(optionalString(Options.get("SinkFunctions"))),
      AllowedPaths(optionalString(Options.get("AllowedPaths"))) {}

void MmuNotifierDmaFenceWaitCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  // Unset lists are stored as the built-in defaults so --dump-config shows
  // what the check really uses.
  kreach::PolicyConfig Defaults = kreach::PolicyConfig::defaults();
  Options.store(Opts, "IndexFile", IndexFile);
  Options.store(Opts, "SourceRoot", SourceRoot);
  Options.store(Opts, "RootFields", RootFields.value_or(joinList(Defaults.RootFields)));
  Options.store(Opts, "SinkFunctions",
                SinkFunctions.value_or(joinList(Defaults.SinkFunctions)));
  Options.store(Opts, "AllowedPaths", AllowedPaths.value_or(joinList(Defaults.AllowedPaths)));
}

void MmuNotifierDmaFenceWaitCheck::registerMatchers(MatchFinder *Finder) {
  // Only the ASTContext is wanted. clangd restricts traversal to the main
  // file's top-level declarations and never visits the TranslationUnitDecl
  // itself, so a function definition there is matched as well.
  Finder->addMatcher(translationUnitDecl().bind("tu"), this);
  Finder->addMatcher(functionDecl(isDefinition()).bind("fn"), this);
}

void MmuNotifierDmaFenceWaitCheck::check(const MatchFinder::MatchResult &Result) {
  PendingAST = Result.Context;
}

void MmuNotifierDmaFenceWaitCheck::onEndOfTranslationUnit() {
  if (!PendingAST)
    return;
  ASTContext *Ctx = PendingAST;
  PendingAST = nullptr;
  analyze(*Ctx);
}

static std::string realPathOr(StringRef Path) {
  SmallString<256> Real;
  if (llvm::sys::fs::real_path(Path, Real))
    return Path.str();
  return std::string(Real);
}

std::string MmuNotifierDmaFenceWaitCheck::findSourceRoot(StringRef MainFile) const {
  if (!SourceRoot.empty())
    return realPathOr(SourceRoot);
  // The kernel tree is the nearest ancestor holding include/linux.
  for (StringRef Dir = llvm::sys::path::parent_path(MainFile); !Dir.empty();
       Dir = llvm::sys::path::parent_path(Dir)) {
    SmallString<256> Marker(Dir);
    llvm::sys::path::append(Marker, "include", "linux");
    if (llvm::sys::fs::is_directory(Marker))
      return realPathOr(Dir);
  }
  const std::string &BuildDir = TidyContext->getCurrentBuildDirectory();
  if (!BuildDir.empty())
    return kreach::detectSourceRoot(BuildDir, "");
  return "";
}

std::string MmuNotifierDmaFenceWaitCheck::findIndex(StringRef MainFile) const {
  // kreach index writes kreach.db next to compile_commands.json, which is
  // where the kernel's commands run from (the object tree); the file's own
  // ancestors cover a database in the source tree.
  SmallVector<std::string, 2> Starts;
  const std::string &BuildDir = TidyContext->getCurrentBuildDirectory();
  if (!BuildDir.empty())
    Starts.push_back(BuildDir);
  Starts.push_back(llvm::sys::path::parent_path(MainFile).str());
  for (const std::string &Start : Starts)
    for (StringRef Dir = Start; !Dir.empty(); Dir = llvm::sys::path::parent_path(Dir)) {
      SmallString<256> Candidate(Dir);
      llvm::sys::path::append(Candidate, IndexFileName);
      if (llvm::sys::fs::is_regular_file(Candidate))
        return std::string(Candidate);
    }
  return "";
}

void MmuNotifierDmaFenceWaitCheck::analyze(ASTContext &Ctx) {
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

  std::string Root = findSourceRoot(MainFile);
  kreach::PolicyConfig Config = kreach::PolicyConfig::defaults();
  if (!Root.empty()) {
    // The tree's .kreach.yaml is what the CLI reads; the check's options
    // override it.
    SmallString<256> ConfigPath(Root);
    llvm::sys::path::append(ConfigPath, ".kreach.yaml");
    if (llvm::sys::fs::exists(ConfigPath)) {
      llvm::Expected<kreach::PolicyConfig> Loaded =
          kreach::loadConfigFile(ConfigPath, Config);
      if (Loaded)
        Config = std::move(*Loaded);
      else
        diag(FileStart, "cannot use kreach configuration: %0")
            << llvm::toString(Loaded.takeError());
    }
  }
  if (RootFields)
    Config.RootFields = kreach::splitList(*RootFields);
  if (SinkFunctions)
    Config.SinkFunctions = kreach::splitList(*SinkFunctions);
  if (AllowedPaths)
    Config.AllowedPaths = kreach::splitList(*AllowedPaths);
  llvm::Expected<kreach::Policy> Pol = kreach::Policy::create(Config);
  if (!Pol) {
    diag(FileStart, "invalid options for %0: %1")
        << kreach::CheckName << llvm::toString(Pol.takeError());
    return;
  }

  std::unique_ptr<kreach::Index> Idx;
  std::string IndexPath = IndexFile;
  if (!IndexPath.empty()) {
    SmallString<256> Path(IndexPath);
    const std::string &BuildDir = TidyContext->getCurrentBuildDirectory();
    if (llvm::sys::path::is_relative(Path) && !BuildDir.empty() &&
        !llvm::sys::fs::exists(Path)) {
      Path = BuildDir;
      llvm::sys::path::append(Path, IndexPath);
    }
    IndexPath = std::string(Path);
    if (!llvm::sys::fs::exists(IndexPath)) {
      diag(FileStart, "kreach index '%0' does not exist; analysing this translation unit "
                      "alone")
          << IndexPath;
      IndexPath.clear();
    }
  } else {
    IndexPath = findIndex(MainFile);
  }
  if (!IndexPath.empty()) {
    llvm::Expected<std::unique_ptr<kreach::Index>> Opened =
        kreach::Index::open(IndexPath, kreach::Index::Mode::ReadOnly);
    if (Opened)
      Idx = std::move(*Opened);
    else
      // Index errors name the file already.
      diag(FileStart, "kreach %0; analysing this translation unit alone")
          << llvm::toString(Opened.takeError());
  }

  kreach::TUFacts Facts;
  {
    // clangd limits traversal to the main file's declarations; the static
    // inline functions of headers the TU calls are part of its facts too.
    std::vector<Decl *> Scope = Ctx.getTraversalScope();
    Ctx.setTraversalScope({Ctx.getTranslationUnitDecl()});
    Facts = kreach::collectFacts(Ctx, /*ResolveSites=*/false);
    Ctx.setTraversalScope(Scope);
  }
  kreach::PathMapper Paths(Root);
  std::vector<kreach::Finding> Findings =
      kreach::checkTU(Facts, Idx.get(), *Pol, Paths, /*IncludeAllowed=*/false);
  for (const kreach::Finding &F : Findings)
    report(SM, F, *Pol, Root);
}

void MmuNotifierDmaFenceWaitCheck::report(SourceManager &SM, const kreach::Finding &F,
                                          const kreach::Policy &P, StringRef Root) {
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
  // Names go in as arguments: the message text is not a format string.
  diag(RootLoc, "%0") << kreach::findingMessage(F, P);
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
