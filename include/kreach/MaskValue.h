//===- kreach/MaskValue.h - A flag argument's value, relative to its function ---===//
//
// The allocation rules ask one question of a gfp mask: may it carry a flag
// (__GFP_DIRECT_RECLAIM)? A mask is rarely a constant where the allocation
// is: helpers take it as a parameter and change it on the way (`gfp |
// __GFP_ZERO`, `gfp & ~__GFP_DIRECT_RECLAIM`). So a mask is kept the way the
// function computes it: (Base & And) | Or, where Base is nothing (a
// constant), one of the function's parameters, or a value no fact names
// (a field, a callee's result). Which bits matter is the rule's business,
// decided only when the graph is searched.
//
//===----------------------------------------------------------------------===//
#ifndef KREACH_MASKVALUE_H
#define KREACH_MASKVALUE_H

#include "llvm/ADT/StringRef.h"
#include <cstdint>
#include <optional>
#include <string>

namespace kreach {

struct MaskValue {
  enum class Base : char {
    Constant = 'c', ///< And is 0: the value is Or.
    Param = 'p',    ///< Param: the parameter's index, from 0.
    Unknown = '?',
  };
  Base Kind = Base::Unknown;
  unsigned Param = 0;
  uint64_t And = ~uint64_t(0), Or = 0;

  static MaskValue constant(uint64_t V) { return {Base::Constant, 0, 0, V}; }
  static MaskValue param(unsigned I) { return {Base::Param, I, ~uint64_t(0), 0}; }
  static MaskValue unknown() { return {}; }

  /// Whether the value may have one of Bits set when its base is unknown
  /// (Unknown), or whatever the base (the Or part alone).
  bool mayHaveAlways(uint64_t Bits) const {
    return (Or & Bits) || (Kind == Base::Unknown && (And & Bits));
  }
  /// Whether the base's bits among Bits survive into the value.
  bool passesParam(uint64_t Bits) const { return Kind == Base::Param && (And & Bits); }

  MaskValue operator|(const MaskValue &O) const;
  MaskValue operator&(const MaskValue &O) const;
  MaskValue operator~() const;

  /// "c0x400", "p2&0xfffffffffffffbff|0x0", "?&0x...|0x...".
  std::string encode() const;
  static std::optional<MaskValue> decode(llvm::StringRef S);
};

} // namespace kreach

#endif
