//===- ChangedFilesFuzzer.cpp - Fuzz patch mode's changed-files list ------===//
//
// Any list (a file, stdin, git's output) must give a set of paths. The source
// root is a fixed path that does not exist, so absolute paths exercise the
// relative-path mapping and real_path's failure path, and never depend on
// the machine's files.
//
//===----------------------------------------------------------------------===//

#include "kreach/ChangedFiles.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  static const kreach::PathMapper Paths("/nonexistent/kreach-fuzz/linux");
  llvm::StringRef Text(reinterpret_cast<const char *>(Data), Size);
  llvm::StringSet<> Changed = kreach::parseChangedFiles(Text, Paths);
  for (const auto &Entry : Changed)
    if (Entry.getKey().empty())
      __builtin_trap(); // Empty lines are skipped; no entry is empty.
  return 0;
}
