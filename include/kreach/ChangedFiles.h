//===- kreach/ChangedFiles.h - The changed-files list of patch mode -------===//
//
// `kreach check --changed-files FILE` and `--changed-since REV` name the
// files a patch touches, one a line. This turns such a list into paths
// relative to the kernel source root, as the rest of patch mode compares.
//
//===----------------------------------------------------------------------===//
#ifndef KREACH_CHANGEDFILES_H
#define KREACH_CHANGEDFILES_H

#include "kreach/Report.h"
#include "llvm/ADT/StringSet.h"

namespace kreach {

/// One path a line; surrounding blanks and empty lines are ignored, "." and
/// ".." are folded. Absolute paths under the source root become relative to
/// it (also when the list names the tree through a symbolic link); other
/// absolute paths stay absolute. Any text is accepted.
llvm::StringSet<> parseChangedFiles(llvm::StringRef Text, const PathMapper &Paths);

} // namespace kreach

#endif
