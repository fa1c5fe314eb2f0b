//===- CompileDB.cpp - Loading a compile_commands.json --------------------===//

#include "kreach/CompileDB.h"
#include "kreach/Facts.h"
#include "kreach/FileIO.h"

#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/VirtualFileSystem.h"
#include <mutex>

namespace kreach {

namespace {

/// Directories' real paths, each resolved once.
class RealDirs {
public:
  std::string of(llvm::StringRef Dir) {
    std::lock_guard<std::mutex> Guard(Lock);
    auto [It, New] = Known.try_emplace(Dir);
    if (New)
      It->second = realPathOr(Dir);
    return It->second;
  }
  /// File with its directory's links resolved (a file that is itself a link
  /// keeps its name, as Kbuild's rules name it).
  std::string fileOf(llvm::StringRef File) {
    llvm::SmallString<256> P(of(llvm::sys::path::parent_path(File)));
    llvm::sys::path::append(P, llvm::sys::path::filename(File));
    return std::string(P);
  }

private:
  std::mutex Lock;
  llvm::StringMap<std::string> Known;
};

/// The compile DB with every command's file and directory named by their
/// real paths. A tree reached through a symlink (a home directory on
/// another disk, a CI workspace) then keys its TUs as the real tree does,
/// and as clang's real file names in the facts do, instead of indexing
/// everything a second time under absolute paths.
class RealPathCompileDB : public clang::tooling::CompilationDatabase {
public:
  explicit RealPathCompileDB(std::unique_ptr<clang::tooling::CompilationDatabase> Inner)
      : Inner(std::move(Inner)) {
    llvm::StringSet<> Listed;
    for (const std::string &File : this->Inner->getAllFiles()) {
      std::string Spelled = normalizePath(File);
      std::string Real = Dirs.fileOf(Spelled);
      if (Real != Spelled)
        SpelledOf[Real].push_back(Spelled);
      // A file the DB names both ways is one file.
      if (Listed.insert(Real).second)
        Files.push_back(std::move(Real));
    }
  }

  std::vector<clang::tooling::CompileCommand>
  getCompileCommands(llvm::StringRef FilePath) const override {
    std::string File = normalizePath(FilePath);
    auto It = SpelledOf.find(File);
    if (It == SpelledOf.end())
      return canonical(Inner->getCompileCommands(FilePath));
    // Every spelling's commands, and the real path's own if it has any.
    std::vector<clang::tooling::CompileCommand> Cmds = Inner->getCompileCommands(File);
    for (const std::string &Spelled : It->second)
      llvm::append_range(Cmds, Inner->getCompileCommands(Spelled));
    return canonical(std::move(Cmds));
  }
  std::vector<std::string> getAllFiles() const override { return Files; }
  std::vector<clang::tooling::CompileCommand> getAllCompileCommands() const override {
    return canonical(Inner->getAllCompileCommands());
  }

  /// Directories as the DB spells them, each with its real path, where the
  /// two differ: what the compile DB's arguments may still spell that way.
  std::vector<PathSpelling> spellings() const {
    std::vector<PathSpelling> Out;
    llvm::StringSet<> Seen;
    for (const auto &Entry : SpelledOf)
      for (const std::string &Spelled : Entry.getValue()) {
        llvm::StringRef Dir = llvm::sys::path::parent_path(Spelled);
        if (Seen.insert(Dir).second)
          Out.push_back({Dir.str(), llvm::sys::path::parent_path(Entry.getKey()).str()});
      }
    // Deterministic whatever the map's order: the first spelling learned of
    // a directory wins (PathMapper::learnSpelling).
    llvm::sort(Out, [](const PathSpelling &A, const PathSpelling &B) {
      return A.Spelled < B.Spelled;
    });
    return Out;
  }

private:
  std::vector<clang::tooling::CompileCommand>
  canonical(std::vector<clang::tooling::CompileCommand> Cmds) const {
    for (clang::tooling::CompileCommand &C : Cmds) {
      C.Filename = Dirs.fileOf(normalizePath(C.Filename, C.Directory));
      C.Directory = Dirs.of(normalizePath(C.Directory));
    }
    return Cmds;
  }

  std::unique_ptr<clang::tooling::CompilationDatabase> Inner;
  mutable RealDirs Dirs;
  std::vector<std::string> Files;
  /// Real file -> the DB's other spellings of it.
  llvm::StringMap<std::vector<std::string>> SpelledOf;
};

} // namespace

/// Real compile DBs nest three levels (array, entry, arguments).
constexpr unsigned MaxCompileDBDepth = 256;

llvm::Expected<std::unique_ptr<clang::tooling::CompilationDatabase>>
loadCompileDB(llvm::StringRef Path) {
  llvm::Expected<std::string> Text = readUserFile(Path, "compilation database", MaxDocumentBytes);
  if (!Text)
    return Text.takeError();
  auto Bad = [&](const llvm::Twine &Why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot load compilation database '" + Path + "': " + Why);
  };
  if (llvm::Error E = checkJSONSyntax(*Text, MaxCompileDBDepth))
    return Bad(llvm::toString(std::move(E)));
  if (!llvm::StringRef(*Text).ltrim(" \t\r\n").starts_with("["))
    return Bad("expected an array of compile commands");
  std::string Error;
  std::unique_ptr<clang::tooling::CompilationDatabase> CDB =
      clang::tooling::JSONCompilationDatabase::loadFromBuffer(
          *Text, Error, clang::tooling::JSONCommandLineSyntax::AutoDetect);
  if (!CDB)
    return Bad(llvm::StringRef(Error).split('\n').first);
  // `@file` arguments name response files relative to each command's
  // directory, as the driver reads them.
  return clang::tooling::expandResponseFiles(std::move(CDB), llvm::vfs::getRealFileSystem());
}

llvm::Expected<Project> openProject(llvm::StringRef BuildPath,
                                    const ProjectOverrides &Overrides) {
  // Discovery needs the TUs' files, so the database is loaded first, from
  // the path discovery resolves the same way.
  llvm::SmallString<256> DB(BuildPath);
  llvm::sys::fs::make_absolute(DB);
  if (llvm::sys::fs::is_directory(DB))
    llvm::sys::path::append(DB, CompileDBFileName);
  if (!llvm::sys::fs::exists(DB))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "no compilation database at '" + DB.str() + "'");
  llvm::Expected<std::unique_ptr<clang::tooling::CompilationDatabase>> CDB =
      loadCompileDB(DB);
  if (!CDB)
    return CDB.takeError();
  Project P;
  auto Real = std::make_unique<RealPathCompileDB>(std::move(*CDB));
  RealPathCompileDB &RealDB = *Real;
  P.CDB = std::move(Real);
  std::vector<std::string> Files = P.CDB->getAllFiles();
  P.Entries = Files.size();
  auto TUDirs = [&] {
    std::vector<std::string> Result;
    for (const std::string &F : Files)
      Result.push_back(llvm::sys::path::parent_path(F).str());
    return Result;
  };
  auto CommandDirs = [&] {
    std::vector<std::string> Result;
    for (const clang::tooling::CompileCommand &C : P.CDB->getAllCompileCommands())
      Result.push_back(C.Directory);
    return Result;
  };
  llvm::Expected<ProjectPaths> Paths =
      discoverFromBuild(BuildPath, Overrides, TUDirs, CommandDirs);
  if (!Paths)
    return Paths.takeError();
  P.Paths = std::move(*Paths);
  // The DB's own directory counts too: it is the directory of an in-tree
  // build's commands. (Its own real path: a DB linked from the source tree
  // spells nothing of the build directory it links to.)
  llvm::StringRef DBDir = llvm::sys::path::parent_path(P.Paths.CompileDB);
  std::vector<PathSpelling> Candidates = {{DBDir.str(), realPathOr(DBDir)}};
  llvm::append_range(Candidates, RealDB.spellings());
  PathMapper Learner(P.Paths.SourceRoot, P.Paths.BuildDir);
  for (PathSpelling &S : Candidates)
    if (Learner.learnSpelling(S.Spelled, S.Real))
      P.Paths.Spellings.push_back(std::move(S));
  return std::move(P);
}

} // namespace kreach
