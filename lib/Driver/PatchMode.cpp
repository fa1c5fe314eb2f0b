//===- PatchMode.cpp - Checking a patch against an indexed base tree ------===//

#include "kreach/PatchMode.h"
#include "kreach/ChangedFiles.h"
#include "kreach/FileIO.h"
#include "kreach/Indexer.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

namespace kreach {

llvm::Expected<std::string> runGit(llvm::StringRef Root, llvm::ArrayRef<llvm::StringRef> Args) {
  llvm::ErrorOr<std::string> Git = llvm::sys::findProgramByName("git");
  if (!Git)
    return lineError("--changed-since needs git, which is not on PATH");
  llvm::SmallString<128> OutPath, ErrPath;
  if (std::error_code EC = llvm::sys::fs::createTemporaryFile("kreach-git", "txt", OutPath))
    return llvm::createStringError(EC, "cannot create a temporary file");
  llvm::FileRemover RemoveOut(OutPath);
  if (std::error_code EC = llvm::sys::fs::createTemporaryFile("kreach-git", "err", ErrPath))
    return llvm::createStringError(EC, "cannot create a temporary file");
  llvm::FileRemover RemoveErr(ErrPath);
  std::vector<llvm::StringRef> Argv{*Git, "-C", Root};
  llvm::append_range(Argv, Args);
  std::optional<llvm::StringRef> Redirects[] = {llvm::StringRef(""), llvm::StringRef(OutPath),
                                                llvm::StringRef(ErrPath)};
  std::string Error;
  int RC = llvm::sys::ExecuteAndWait(*Git, Argv, std::nullopt, Redirects, 0, 0, &Error);
  if (RC != 0) {
    std::string Why = Error;
    if (llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> Err =
            llvm::MemoryBuffer::getFile(ErrPath, /*IsText=*/true))
      Why = (*Err)->getBuffer().trim().split('\n').first.str();
    return lineError("git " + Args.front() + " in '" + Root + "' failed" +
                     (Why.empty() ? "" : ": " + Why));
  }
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> Out =
      llvm::MemoryBuffer::getFile(OutPath, /*IsText=*/true);
  if (!Out)
    return llvm::createStringError(Out.getError(), "cannot read the output of git");
  return (*Out)->getBuffer().str();
}

/// The commit a user-given revision names. The value is never an option of
/// git's: a revision starting with '-' is refused, and git is told where
/// its options end.
static llvm::Expected<std::string> resolveRevision(llvm::StringRef Root, llvm::StringRef Rev) {
  if (Rev.empty() || Rev.starts_with("-"))
    return lineError("--changed-since: '" + Rev + "' is not a git revision");
  if (llvm::Expected<std::string> Dir = runGit(Root, {"rev-parse", "--git-dir"}); !Dir) {
    llvm::consumeError(Dir.takeError());
    return lineError("--changed-since: the source root '" + Root + "' is not in a git repository");
  }
  llvm::Expected<std::string> Commit =
      runGit(Root, {"rev-parse", "--verify", "--quiet", "--end-of-options",
                    Rev.str() + "^{commit}"});
  if (!Commit) {
    llvm::consumeError(Commit.takeError());
    return lineError("--changed-since: '" + Rev + "' is not a commit of the git repository at '" +
                     Root + "'");
  }
  return llvm::StringRef(*Commit).trim().str();
}

llvm::Expected<std::string> BaseRevision::commit() {
  if (Resolved)
    return *Resolved;
  llvm::Expected<std::string> Commit = resolveRevision(Root, Rev);
  if (Commit)
    Resolved = *Commit;
  return Commit;
}

llvm::Expected<llvm::StringSet<>> loadChangedFiles(const SessionOptions &O, BaseRevision &Base,
                                                   const PathMapper &Paths) {
  std::string Text;
  if (!O.ChangedSince.empty()) {
    // --relative: names relative to the source root even when the kernel is
    // a subdirectory of the repository. --no-renames: a renamed file is its
    // old name deleted and its new one added, so the old TU leaves the
    // index. New files a patch adds without committing them count too.
    llvm::Expected<std::string> Commit = Base.commit();
    if (!Commit)
      return Commit.takeError();
    llvm::Expected<std::string> Diff = runGit(
        Base.root(), {"diff", "--name-only", "--no-renames", "--relative", "--end-of-options",
                      *Commit, "--"});
    if (!Diff)
      return Diff.takeError();
    llvm::Expected<std::string> Untracked =
        runGit(Base.root(), {"ls-files", "--others", "--exclude-standard"});
    if (!Untracked)
      return Untracked.takeError();
    Text = *Diff + "\n" + *Untracked;
  }
  if (!O.ChangedFiles.empty()) {
    llvm::Expected<std::string> List =
        readUserFile(O.ChangedFiles, "changed-files list", MaxListBytes, /*AllowStdin=*/true);
    if (!List)
      return List.takeError();
    Text += "\n" + *List;
  }
  return parseChangedFiles(Text, Paths);
}

llvm::Expected<std::vector<std::string>> tusToReindex(const Project &P, Index &I,
                                                      const llvm::StringSet<> &Changed,
                                                      std::vector<std::string> &Unbuilt) {
  llvm::Expected<IndexCounts> Counts = I.counts(Index::CountScope::TUs);
  if (!Counts)
    return Counts.takeError();
  // Without the base tree's facts patch mode would see only the patch and
  // miss every chain that leaves it: say so rather than pass quietly.
  if (Counts->TUs == 0)
    llvm::WithColor::warning(llvm::errs(), "kreach")
        << "patch mode with an empty index: only the changed TUs will be known; "
           "index the base tree first (kreach index -p BUILD_DIR)\n";
  std::vector<std::string> ChangedPaths;
  for (const auto &C : Changed) {
    llvm::SmallString<256> Abs(C.getKey());
    if (!llvm::sys::path::is_absolute(Abs)) {
      Abs = P.Paths.SourceRoot;
      llvm::sys::path::append(Abs, C.getKey());
    }
    ChangedPaths.push_back(std::string(Abs));
  }
  llvm::Expected<std::vector<std::string>> Readers = I.tusReading(ChangedPaths);
  if (!Readers)
    return Readers.takeError();
  std::vector<std::string> Only;
  for (const std::string &TU : *Readers) {
    if (!llvm::sys::fs::exists(TU)) {
      if (llvm::Error E = I.removeTU(TU))
        return std::move(E);
      continue;
    }
    Only.push_back(TU);
  }
  // A changed file the index does not know may be a new TU; a C file that
  // no command builds (new, and the compile DB not regenerated, or outside
  // this configuration) cannot be checked at all.
  for (const std::string &Abs : ChangedPaths) {
    if (llvm::is_contained(*Readers, Abs))
      continue;
    if (isSourceFile(Abs) && llvm::sys::fs::exists(Abs) && P.CDB->getCompileCommands(Abs).empty())
      Unbuilt.push_back(Abs);
    else
      Only.push_back(Abs);
  }
  llvm::sort(Unbuilt);
  llvm::sort(Only);
  Only.erase(std::unique(Only.begin(), Only.end()), Only.end());
  return Only;
}

bool touchesChange(const Finding &F, const CallGraph &G, const PathMapper &Paths,
                   const llvm::StringSet<> &Changed) {
  auto In = [&](llvm::StringRef File) {
    return !File.empty() && Changed.count(Paths.relative(File));
  };
  auto Defined = [&](llvm::StringRef Key) {
    NodeId N = G.lookup(Key);
    return N != NoNode && G.node(N).Def.File && In(G.file(G.node(N).Def.File));
  };
  if (In(F.RootLoc.File) || Defined(F.RootKey))
    return true;
  for (const Registration &R : F.Registrations)
    if (In(R.Site.File))
      return true;
  for (const Hop &H : F.Chain)
    if (In(H.Site.File) || Defined(H.CallerKey) || Defined(H.CalleeKey))
      return true;
  return false;
}

} // namespace kreach
