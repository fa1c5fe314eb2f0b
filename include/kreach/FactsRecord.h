//===- kreach/FactsRecord.h - A TU's facts as bytes that travel with its object ===//
//
// The facts plugin (tools/facts-plugin) extracts a TU's facts while clang
// compiles it and writes them, as one record, into the object's
// `.kreach.facts` section; `kreach index` reads them back instead of parsing
// the TU. A record says what it was made from (the parse's fingerprint and
// the stamp of every input), so that an object older than its sources or
// compiled with other flags is never trusted. `ld -r` concatenates the
// sections of the objects it links, so a section holds any number of
// records, each framed by its own magic and size.
//
//===----------------------------------------------------------------------===//
#ifndef KREACH_FACTSRECORD_H
#define KREACH_FACTSRECORD_H

#include "kreach/Facts.h"
#include "kreach/PathMapper.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace clang {
class CompilerInvocation;
} // namespace clang

namespace kreach {

/// The section the plugin writes: not allocated, and excluded from final
/// links (SHF_EXCLUDE), so vmlinux and modules never load it, while `ld -r`
/// keeps it. Named in the kernel's own convention for what an object carries
/// that no image keeps (`.discard.*`, which the kernel's linker scripts drop
/// and modpost accepts: a non-allocated section of another name makes
/// modpost warn, "unexpected non-allocatable section", for every module).
inline constexpr llvm::StringLiteral FactsSectionName = ".discard.kreach.facts";

/// What a file was when it was read: its size and modification time (-1
/// each when it did not exist) and contentHash() of its bytes. A time of -1
/// beside a size means that no time vouches for the content (the file was
/// modified too shortly before it was read): whoever checks the stamp
/// compares contents. Content decides whether a TU is up to date; size and
/// time only spare reading a file whose stamp still matches.
struct FileStamp {
  std::string Path;
  int64_t Size = -1;
  int64_t MTime = -1;
  uint64_t Content = MissingContent;
  bool operator==(const FileStamp &O) const {
    return Path == O.Path && Size == O.Size && MTime == O.MTime && Content == O.Content;
  }
};
/// The size and time only (Content left as MissingContent).
FileStamp statFile(llvm::StringRef Path);
/// Size, time and content, the file read now.
FileStamp stampFile(llvm::StringRef Path);
/// The file now, with its content: Known's when its size and time still
/// agree with Known's (and Known's time vouches for its content), read
/// otherwise.
FileStamp stampNow(llvm::StringRef Path, const FileStamp &Known);
/// The stamps of what a parse read (TUFacts::Inputs and InputContent),
/// which began at ParseStart: each file's size and time as they are now,
/// with the content the parse saw; the time only where it vouches for that
/// content (the file unmodified since well before the parse began).
std::vector<FileStamp> parseStamps(const TUFacts &Facts,
                                   std::chrono::system_clock::time_point ParseStart);

struct FactsRecord {
  /// The source root the facts' keys are relative to (PathMapper), empty
  /// when the compile found none.
  std::string SourceRoot;
  /// parseFingerprint() of the compile that made the facts.
  std::string Fingerprint;
  /// Every input as the compile found it.
  std::vector<FileStamp> Inputs;
  TUFacts Facts;
};

/// What in a compiler invocation can change the facts of its TU: the
/// language, target, preprocessor and header search options, and nothing of
/// code generation, diagnostics, outputs or plugins. The plugin's compile and
/// kreach's syntax-only parse of the same compile command agree on it.
/// Paths in it are written as Paths.portable() gives them, so that the same
/// compile of a tree checked out elsewhere has the same fingerprint.
std::string parseFingerprint(const clang::CompilerInvocation &Invocation,
                             const PathMapper &Paths);

/// One framed record, for a facts section.
/// Every path in it (the main file, the inputs, each fact's file) is
/// written as Paths.stored() gives it: relative to the root and build
/// directory of the compile, so that a record made in one checkout (a ccache
/// hit from another workspace, an object restored elsewhere) reads the same
/// in another.
std::string encodeFactsRecord(const FactsRecord &Record, const PathMapper &Paths);

/// Every record of a facts section. An error names what is malformed; a
/// record of another facts revision or kreach version is skipped, not an
/// error (its TU is parsed instead).
/// Paths are read back as Paths.absolute() gives them: under the tree of the
/// reader, wherever the record was made.
llvm::Expected<std::vector<FactsRecord>> decodeFactsSection(llvm::StringRef Section,
                                                            const PathMapper &Paths);

} // namespace kreach

#endif
