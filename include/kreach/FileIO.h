//===- kreach/FileIO.h - Reading what users hand kreach -------------------===//
#ifndef KREACH_FILEIO_H
#define KREACH_FILEIO_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"
#include <memory>
#include <string>

namespace kreach {

/// Reads a user-given text file (configuration, baseline, changed-files
/// list, compile DB): a regular file, or "-" for standard input when
/// AllowStdin, of at most MaxBytes. A FIFO, a device or a directory is
/// refused rather than read (a FIFO would block forever, /dev/zero would
/// exhaust memory). Errors are one line naming What and the file.
llvm::Expected<std::string> readUserFile(llvm::StringRef Path, llvm::StringRef What,
                                         uint64_t MaxBytes, bool AllowStdin = false);

/// A file kreach keeps beside its index (a graph snapshot, its journal),
/// mapped; null when there is none. The error names What and the file.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> readCacheFile(llvm::StringRef Path,
                                                                  llvm::StringRef What);

/// Whether JSON Text nests arrays and objects deeper than MaxDepth, counted
/// outside strings. llvm::json and the YAML parser recurse per level, so a
/// deep enough document overflows the stack; callers check this first.
bool jsonNestedTooDeep(llvm::StringRef Text, unsigned MaxDepth);

/// Checks that Text is one JSON document that llvm::json::parse accepts,
/// and nests no deeper than MaxDepth, without building it: a whole
/// kernel's compile DB is 40 MB, and building a json::Value of it only to
/// discard it took a second of every check. Callers that read a document
/// through a laxer parser (clang's compile DB parser is YAML's, which takes
/// more than JSON) check it first, so a malformed file is refused instead
/// of read as something else. The error says where, as llvm::json's does.
llvm::Error checkJSONSyntax(llvm::StringRef Text, unsigned MaxDepth);

/// Sizes readUserFile callers allow: a configuration or a list is small; a
/// kernel's compile DB or a baseline of a whole tree is not.
constexpr uint64_t MaxConfigBytes = 4u << 20;
constexpr uint64_t MaxListBytes = 64u << 20;
constexpr uint64_t MaxDocumentBytes = 2048ull << 20;

} // namespace kreach

#endif
