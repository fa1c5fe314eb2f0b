//===- CompileDB.cpp - Loading a compile_commands.json --------------------===//

#include "kreach/CompileDB.h"
#include "kreach/FileIO.h"

#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/VirtualFileSystem.h"

namespace kreach {

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
  P.CDB = std::move(*CDB);
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
  return std::move(P);
}

} // namespace kreach
