//===- kreach/PathMapper.h - Paths relative to the source root ------------===//
//
// Paths are absolute in memory (files are opened, stat()ed and shown by
// them) and portable wherever they persist: in the index, in symbol keys
// and in the facts a build writes into its objects. Portable means relative
// to the kernel's source root ("drivers/x/y.c"), or to the build directory
// ("$(objtree)/include/generated/autoconf.h", for the generated files of an
// O= build), and absolute only outside both (the compiler's own headers).
// So an index made at one checkout path holds at another, and a note names
// "(anonymous at drivers/x/y.c:12)::f", not a home directory.
//
//===----------------------------------------------------------------------===//
#ifndef KREACH_PATHMAPPER_H
#define KREACH_PATHMAPPER_H

#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace kreach {

/// The prefix of a stored path under the build directory (and not under the
/// source root), in Kbuild's own name for that directory.
constexpr llvm::StringLiteral ObjTreePrefix = "$(objtree)";

/// A directory as a compile command spells it, and the real path it names.
struct PathSpelling {
  std::string Spelled, Real;
};

class PathMapper {
public:
  explicit PathMapper(std::string SourceRoot = "", std::string BuildDir = "",
                      const std::vector<PathSpelling> &Spellings = {});

  /// For messages: "drivers/x/y.c" under the root; Path unchanged elsewhere.
  std::string relative(llvm::StringRef Path) const;
  /// Whether Path lies under the root (always false without a root).
  bool inside(llvm::StringRef Path) const;
  const std::string &root() const { return Root; }
  const std::string &buildDir() const { return Build; }

  /// How Path (absolute) persists: relative to the root ("." for the root
  /// itself), else "$(objtree)/..." under the build directory, else as is.
  std::string stored(llvm::StringRef Path) const;
  /// The absolute path of a stored one (stored()'s inverse). A relative path
  /// with no root to resolve it against is returned as is.
  std::string absolute(llvm::StringRef Stored) const;
  /// Text, typically one argument of a compile command, with the root and
  /// the build directory written as placeholders wherever a path starts
  /// with them: what stays the same when the tree moves.
  std::string portable(llvm::StringRef Text) const;

  /// Learns another spelling of the root or the build directory. Spelled is
  /// a directory as a compile command names it (through a symlink, say),
  /// Real the path it resolves to. When Real is the root or the build
  /// directory, or lies under one at the relative path Spelled ends with,
  /// and the prefix of Spelled that stands for it resolves to it, that
  /// prefix is mapped as the real directory in everything above but
  /// absolute(), which keeps the real spelling; the other directory, nested
  /// in it or around it, is learned through the same link. So a tree
  /// reached through a link keys, stores and hashes as it does when named by
  /// its real path. Returns whether a spelling was learned.
  bool learnSpelling(llvm::StringRef Spelled, llvm::StringRef Real);
  /// What learnSpelling() learned from: to teach a mapper of another root.
  const std::vector<PathSpelling> &taught() const { return Taught; }

private:
  /// Which of the two directories Path lies under (lexically, by the real
  /// spelling or a learned one; the root before the build directory), and
  /// what follows it there.
  enum class Base { None, Root, Build };
  Base locate(llvm::StringRef Path, llvm::StringRef &Rest) const;
  bool addSpelling(llvm::StringRef Prefix, Base Of);
  void sortPrefixes();

  std::string Root, Build;
  struct Spelling {
    std::string Prefix;
    Base Of;
  };
  std::vector<Spelling> Spellings;
  std::vector<PathSpelling> Taught;
  /// Root, build directory and spellings, longest first, for portable().
  std::vector<Spelling> ByLength;
};

} // namespace kreach

#endif
