//===- kreach/CompileDB.h - Loading a compile_commands.json ---------------===//
#ifndef KREACH_COMPILEDB_H
#define KREACH_COMPILEDB_H

#include "kreach/Project.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/Error.h"
#include <memory>

namespace kreach {

/// Loads a JSON compilation database with one-line errors (the JSON is
/// checked before clang's parser sees it, whose diagnostics span lines), and
/// with `@file` response files expanded as clang's driver does, relative to
/// each entry's directory.
llvm::Expected<std::unique_ptr<clang::tooling::CompilationDatabase>>
loadCompileDB(llvm::StringRef Path);

/// Discovery for a build tree with its compile DB loaded.
struct Project {
  ProjectPaths Paths;
  std::unique_ptr<clang::tooling::CompilationDatabase> CDB;
  /// Entries in the database (before duplicates are merged).
  size_t Entries = 0;
};

llvm::Expected<Project> openProject(llvm::StringRef BuildPath,
                                    const ProjectOverrides &Overrides);

} // namespace kreach

#endif
