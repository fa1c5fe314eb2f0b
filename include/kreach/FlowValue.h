//===- kreach/FlowValue.h - Where a function pointer's value comes from ---===//
//
// A function's facts describe the values it calls, passes, returns and
// stores symbolically, relative to the function itself: a function's
// address, one of its parameters, a global variable, what a callee returns,
// or memory the function cannot name (a heap object, reached by field). Each
// is followed by an access path of fields ("struct::field"), so that
// `walk->ops->pte_entry` in a function whose third parameter is `walk` is
// Param 2 . mm_walk::ops . mm_walk_ops::pte_entry. Pointers and the objects
// they point to are not told apart (`&x`, `*p`, `p->f` and `p.f` walk the
// same paths); that is what keeps the facts small and the resolution linear.
//
//===----------------------------------------------------------------------===//
#ifndef KREACH_FLOWVALUE_H
#define KREACH_FLOWVALUE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>

namespace kreach {

struct FlowValue {
  enum class Base : char {
    Function = 'F', ///< Name: a function key; the path is empty.
    Param = 'P',    ///< Param: its index; Name: its spelling, for messages.
    Global = 'G',   ///< Name: a global variable's key (as a function's).
    Return = 'R',   ///< Name: the key of the function whose result it is.
    Unknown = '?',  ///< Memory no fact names; only the path is known.
  };
  Base Kind = Base::Unknown;
  std::string Name;
  unsigned Param = 0;
  llvm::SmallVector<std::string, 2> Path;

  /// The longest path kept: deeper values keep their innermost fields as an
  /// Unknown value, which is what type-based resolution looks at.
  static constexpr unsigned MaxPath = 4;

  static FlowValue function(llvm::StringRef Key) { return {Base::Function, Key.str(), 0, {}}; }
  static FlowValue param(unsigned Index, llvm::StringRef Name) {
    return {Base::Param, Name.str(), Index, {}};
  }
  static FlowValue global(llvm::StringRef Key) { return {Base::Global, Key.str(), 0, {}}; }
  static FlowValue returnOf(llvm::StringRef Key) { return {Base::Return, Key.str(), 0, {}}; }
  static FlowValue unknown() { return {}; }

  bool isUnknown() const { return Kind == Base::Unknown && Path.empty(); }
  bool isParam() const { return Kind == Base::Param; }
  /// This value, one field further (`v->Field`).
  FlowValue member(llvm::StringRef Field) const;
  /// This value followed by Fields.
  FlowValue append(llvm::ArrayRef<std::string> Fields) const;

  /// "P2=walk|mm_walk::ops|mm_walk_ops::pte_entry": the base's letter, its
  /// name (a parameter's index, '=', its spelling), then each field after a
  /// '|'. A '|' or '\' inside a name is escaped with '\'.
  std::string encode() const;
  static std::optional<FlowValue> decode(llvm::StringRef Text);
  /// "walk->ops->pte_entry", "my_ops.pte_entry", "get_ops()->f": for messages.
  std::string spell() const;

  friend bool operator==(const FlowValue &A, const FlowValue &B) {
    return A.Kind == B.Kind && A.Name == B.Name && A.Param == B.Param && A.Path == B.Path;
  }
};

/// Whether Prefix is a prefix of Path; Rest gets what follows it.
bool pathHasPrefix(llvm::ArrayRef<std::string> Path, llvm::ArrayRef<std::string> Prefix);

/// Access paths joined like values' (for a fact's sub-object column).
std::string encodePath(llvm::ArrayRef<std::string> Path);
std::optional<llvm::SmallVector<std::string, 2>> decodePath(llvm::StringRef Text);

} // namespace kreach

#endif
