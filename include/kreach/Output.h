//===- kreach/Output.h - Writing the CLI's reports ------------------------===//
//
// Reports go to standard output or to a file; a write failure is one line
// and exit status 2, and a partial file is removed rather than left behind.
//
//===----------------------------------------------------------------------===//

#ifndef KREACH_OUTPUT_H
#define KREACH_OUTPUT_H

#include "kreach/CompileDB.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/raw_ostream.h"

namespace kreach {

/// Refuses an output path (given as Option) that would overwrite one of the
/// tree's own inputs: the index (and its journal and lock), the compile DB
/// or the configuration.
llvm::Error checkOutputPath(llvm::StringRef Out, const Project &P, llvm::StringRef Option);

/// Flushes OS and turns a write failure into one line naming Name (LLVM
/// would otherwise abort at exit with "IO failure on output stream").
int finishOutput(llvm::raw_fd_ostream &OS, llvm::StringRef Name);

/// Writes to the file Path, kept only when every byte was written.
int writeOutputFile(llvm::StringRef Path, llvm::function_ref<void(llvm::raw_ostream &)> Write);

/// Writes to OutputFile, or to standard output when it is empty or "-".
int emit(llvm::StringRef OutputFile, llvm::function_ref<void(llvm::raw_ostream &)> Write);

} // namespace kreach

#endif
