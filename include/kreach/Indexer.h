//===- kreach/Indexer.h - Bring an index up to date from a compile DB -----===//
#ifndef KREACH_INDEXER_H
#define KREACH_INDEXER_H

#include "kreach/FactsRecord.h"
#include "kreach/Index.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/raw_ostream.h"

namespace kreach {

struct IndexOptions {
  unsigned Jobs = 0;          ///< 0: all cores.
  bool Progress = false;      ///< One rewritten line on a terminal.
  bool Verbose = true;        ///< Plain per-TU lines when not Progress.
  bool RemoveStale = true;    ///< Forget TUs that left the compile DB.
  /// When non-empty, only these main files are considered (patch mode).
  std::vector<std::string> OnlyFiles;
  llvm::raw_ostream *Log = &llvm::errs();
  /// `--shard K/N`: only the TUs of shard K (1-based) of N, chosen by a hash
  /// of each TU's path relative to the source root, so that every machine that
  /// indexes the same tree splits it alike. 0 of 0: every TU.
  unsigned Shard = 0, ShardCount = 0;
};

struct IndexRunStats {
  unsigned Total = 0;    ///< TUs considered.
  unsigned Parsed = 0;   ///< Re-parsed because inputs changed.
  /// Taken from the facts the plugin wrote into the TU's object (not
  /// parsed, and not counted in Parsed).
  unsigned FromBuild = 0;
  /// TUs whose facts this run stored, parsed or taken from their objects.
  unsigned stored() const { return Parsed + FromBuild; }
  unsigned UpToDate = 0;
  unsigned Failed = 0;   ///< Parsed with errors in this run.
  unsigned Removed = 0;
  unsigned Skipped = 0;  ///< Not C/C++ (assembly and the like).
  double Seconds = 0;
};

/// Reads "K/N" (1 <= K <= N), as `--shard` and a shard index's meta say it.
bool parseShard(llvm::StringRef Text, unsigned &Shard, unsigned &Count);

/// The shard (1-based, of Count) that the TU of RelativePath belongs to.
unsigned shardOf(llvm::StringRef RelativePath, unsigned Count);

/// Whether File is a C or C++ TU kreach parses (not assembly and the like).
bool isSourceFile(llvm::StringRef File);

/// Hash of everything in a compile command that affects the facts.
std::string commandHash(const clang::tooling::CompileCommand &Cmd,
                        const PathMapper &Portable);

/// The compiler arguments kreach parses a TU with: the build's own command,
/// made syntax-only, with its output and dependency files dropped and
/// warnings off (they cost time and change nothing kreach records).
std::vector<std::string> indexingArguments(const clang::tooling::CompileCommand &Cmd);

/// Parses one TU. On parse errors, FirstError holds the first one and the
/// facts are whatever clang recovered.
TUFacts parseTU(const clang::tooling::CompileCommand &Cmd, const PathMapper &Portable,
                std::string &FirstError);

/// The facts the facts plugin (tools/facts-plugin) wrote into the object
/// that Cmd builds, when they are this TU's and still hold: made by this
/// kreach's extractor, from a compile that parses as Cmd does, from inputs
/// with the contents Now finds (Now: the file of a recorded stamp as it is,
/// its content read unless the recorded time still holds). The record's
/// Inputs are then those stamps now. std::nullopt otherwise (no object, no
/// facts in it, or stale ones); a damaged facts section is said in Problem.
std::optional<FactsRecord>
factsFromBuild(const clang::tooling::CompileCommand &Cmd, const PathMapper &Portable,
               llvm::function_ref<FileStamp(const FileStamp &Recorded)> Now,
               std::string &Problem);

/// Re-indexes every TU whose command or inputs changed and stores its
/// facts: from its object when the build recorded them there, otherwise
/// parsed. Keys, command hashes and progress lines are relative to the
/// root the index's paths are (Index::paths()), so that every TU's facts
/// share one key space.
llvm::Expected<IndexRunStats> updateIndex(const clang::tooling::CompilationDatabase &CDB,
                                          Index &I, const IndexOptions &Opts);

} // namespace kreach

#endif
