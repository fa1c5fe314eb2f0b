//===- kreach/Facts.h - Per-translation-unit facts from the Clang AST ------===//
//
// The facts kreach needs from one translation unit: function definitions,
// direct calls, calls through struct fields, and stores of function addresses
// into struct fields. Everything else (roots, sinks, async boundaries) is a
// policy decision taken later, so the facts stay policy-free and cacheable.
//
//===----------------------------------------------------------------------===//
#ifndef KREACH_FACTS_H
#define KREACH_FACTS_H

#include "kreach/PathMapper.h"
#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/StringRef.h"
#include <cstdint>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class Expr;
class LangOptions;
class QualType;
class FieldDecl;
class FunctionDecl;
class SourceManager;
} // namespace clang

namespace kreach {

struct SourcePos {
  std::string File; ///< Absolute, normalized path.
  unsigned Line = 0;
  unsigned Column = 0;
  /// A clang SourceLocation of the TU being analysed, for per-TU front ends
  /// that resolve a position only when they report it; 0 otherwise.
  uint64_t RawLoc = 0;
  bool valid() const { return !File.empty(); }
};

/// A function definition. Key identifies the function tree-wide: the plain
/// name for external linkage, "<defining file>:<name>" for internal linkage
/// (the file as PathMapper::stored() writes it, relative to the source root),
/// so a static function is one node per file and a static inline function
/// from a header is one node however many TUs include it.
struct FunctionFact {
  std::string Key;
  std::string Name;
  SourcePos Loc;
  bool Internal = false;
};

struct CallFact {
  std::string Caller; ///< Function key.
  std::string Callee; ///< Function key.
  std::string CalleeName;
  SourcePos Site;
};

/// A call through a struct field: p->ops->f(...), s.f(...), (*p->f)(...).
struct IndirectCallFact {
  std::string Caller;
  std::string Field; ///< "struct_name::field_name"
  SourcePos Site;
};

/// A function address stored into a struct field, by initializer or
/// assignment.
struct StoreFact {
  std::string Owner; ///< Enclosing function key; empty at file scope.
  std::string Field;
  std::string Target; ///< Function key.
  std::string TargetName;
  SourcePos Site;
};

/// A call through a value the caller can name (see FlowValue): a parameter,
/// a global, a callee's result, and fields of those. It is resolved where
/// the value is known: at the caller's own call sites for a parameter.
struct ValueCallFact {
  std::string Caller;
  std::string Value; ///< FlowValue::encode().
  SourcePos Site;
};

/// What a direct call passes that may lead to a function: argument Index
/// (from 0), or, with a Part, the part of it at that access path (`&walk`
/// whose `walk.ops` holds the caller's parameter `ops`).
struct ArgumentFact {
  std::string Caller;
  std::string Callee;
  std::string CalleeName;
  int64_t Index = 0;
  std::string Part;  ///< encodePath(); empty for the argument itself.
  std::string Value; ///< FlowValue::encode(); "?" when nothing is known.
  SourcePos Site;    ///< The call's, as its CallFact's.
};

/// A value a function may return that may lead to a function.
struct ReturnFact {
  std::string Function;
  std::string Value;
  SourcePos Site;
};

/// A value that leads to a function, written into memory the function can
/// name: a global (or its field), a field of what a parameter points to, or
/// of an object only its type says. GlobalInits: a global's initializer.
struct AssignFact {
  std::string Owner; ///< Enclosing function key; empty for an initializer.
  std::string Target; ///< The written place, as a FlowValue.
  std::string Value;
  SourcePos Site;
};

/// A defined function's type, canonical ("int (struct mm_walk *, unsigned
/// long)"): what matching by signature would compare, for measuring value
/// flow against it.
struct SignatureFact {
  std::string Function;
  std::string Type;
};

/// The callee type of a call that names no function (its site as the
/// call's other facts have it).
struct CallTypeFact {
  std::string Caller;
  std::string Type;
  SourcePos Site;
};

/// A gfp_t argument of a call: the kernel's allocation masks, which sparse's
/// __bitwise keeps in that one type, so that a rule whose sinks depend on a
/// mask's flags (an allocation that may reclaim) can follow it from helper
/// to helper. The value is relative to the caller (MaskValue::encode()).
struct MaskArgumentFact {
  std::string Caller;
  /// Function key; empty for a call that names no function (its site is
  /// then the callee's, as IndirectCallFact's and ValueCallFact's).
  std::string Callee;
  int64_t Index = 0;
  std::string Value;
  std::string Spelling; ///< The argument as written, shortened, for messages.
  SourcePos Site;
};

/// The extractor's revision: part of every TU's command hash, so that a
/// kreach whose facts for the same source differ (a new kind of value
/// followed, a mask evaluated further) parses every TU again instead of
/// keeping facts an older extractor wrote. Bump it with such a change.
/// 2: mask helpers (a gfp_t function of one return) evaluated per call.
/// 3: a mask's spelling is where it was written in a file.
/// 4: keys name files relative to the source root (PathMapper::stored()).
/// 5: no calls to functions declared __attribute__((error)).
constexpr unsigned FactsRevision = 5;

struct TUFacts {
  std::string MainFile;
  std::vector<FunctionFact> Functions;
  /// Calls, IndirectCalls, Stores: one vector per kind of FactKinds.def.
#define KREACH_FACT_KIND(Kind, Struct, Member, Table, HashTag, Columns)                    \
  std::vector<Struct> Member;
#include "kreach/FactKinds.def"
  /// Calls through something other than a struct field (a local or a
  /// parameter); counted so the stats show what the graph cannot follow.
  unsigned UnresolvedIndirectCalls = 0;
  /// Every file the TU read, for incremental re-indexing.
  std::vector<std::string> Inputs;
  /// Beside each of Inputs: contentHash() of the bytes the parse read, so
  /// that what a TU was made from is known even when a file changes while
  /// it is parsed. Not part of the stored facts (its stamps carry it).
  std::vector<uint64_t> InputContent;
};

/// What stamps a file's content (xxh3 of its bytes); 0 for a file that
/// does not exist, 1 for one that cannot be read.
uint64_t contentHash(llvm::StringRef Bytes);
constexpr uint64_t MissingContent = 0, UnreadableContent = 1;

/// Extracts the facts of a parsed translation unit. Header functions are
/// recorded only when the TU's own code uses them, directly or through other
/// header functions it uses; that keeps the per-TU cost close to parsing and
/// leaves every other inline of every header to the TUs that use it.
/// With ResolveSites false, call and store sites keep their SourceLocation
/// (SourcePos::RawLoc) and their line and column, but no file; function
/// definitions are always resolved, since allowed-path decisions need their
/// files. Keys name files as Portable stores them (relative to the source
/// root): every front end that looks facts up by key must pass the mapper
/// of the same root.
TUFacts collectFacts(clang::ASTContext &Ctx, const PathMapper &Portable,
                     bool ResolveSites = true);

/// Tree-wide key of a function (see FunctionFact).
std::string functionKey(const clang::FunctionDecl *FD, const clang::SourceManager &SM,
                        const PathMapper &Portable);

/// "struct::field" for a field. Anonymous records use their typedef name,
/// else "outer::(anonymous)", else "(anonymous at file:line)", the file as
/// Portable stores it.
std::string fieldKey(const clang::FieldDecl *FD, const PathMapper &Portable);

/// gfp_t, through any typedefs of it: the type of the masks that
/// MaskArgumentFact records.
bool isMaskType(clang::QualType T);

/// An expression as written, on one line and shortened, for messages (a
/// mask argument's "gfp | __GFP_NOWARN").
std::string spellExpression(const clang::Expr *E, const clang::SourceManager &SM,
                            const clang::LangOptions &LO);

/// Absolute, normalized path of a file as kreach records it.
std::string normalizePath(llvm::StringRef Path, llvm::StringRef WorkingDir = "");

/// Maps a recorded position back into a SourceManager, loading the file if
/// the TU did not include it. Returns an invalid location when the file is
/// gone or the position is out of range.
clang::SourceLocation toSourceLocation(clang::SourceManager &SM,
                                       const SourcePos &Pos);

} // namespace kreach

#endif
