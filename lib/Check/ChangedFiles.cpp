//===- ChangedFiles.cpp - The changed-files list of patch mode ------------===//

#include "kreach/ChangedFiles.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace kreach {

llvm::StringSet<> parseChangedFiles(llvm::StringRef Text, const PathMapper &Paths) {
  llvm::StringSet<> Changed;
  llvm::SmallVector<llvm::StringRef, 64> Lines;
  Text.split(Lines, '\n', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef Line : Lines) {
    Line = Line.trim();
    if (Line.empty())
      continue;
    llvm::SmallString<256> Path(Line);
    llvm::sys::path::remove_dots(Path, /*remove_dot_dot=*/true);
    // "." or "a/.." names the source root itself, which is no file.
    if (Path.empty())
      continue;
    if (llvm::sys::path::is_absolute(Path)) {
      std::string Rel = Paths.relative(Path);
      // The root is a real path; the list may name the tree through a link.
      llvm::SmallString<256> Real;
      if (llvm::sys::path::is_absolute(Rel) && !llvm::sys::fs::real_path(Path, Real))
        Rel = Paths.relative(Real);
      if (!Rel.empty())
        Changed.insert(Rel);
    } else {
      Changed.insert(Path);
    }
  }
  return Changed;
}

} // namespace kreach
