//===- kreach/LEB128.h - LEB128 read from bytes kreach did not write ------===//
//
// llvm/Support/LEB128.h decodes what LLVM wrote; given an overlong
// encoding (zero slices padded past 64 bits) its decoders shift by 64 or
// more, which is undefined behaviour (the facts-section fuzzer found it).
// An index, a snapshot and an object's facts come from files anyone may
// have damaged, so kreach refuses any encoding longer than a 64-bit value
// needs (10 bytes) before LLVM's decoder sees it.
//
//===----------------------------------------------------------------------===//
#ifndef KREACH_LEB128_H
#define KREACH_LEB128_H

#include "llvm/Support/LEB128.h"
#include <cstdint>

namespace kreach {

/// Whether the LEB128 at P (before End) ends within 10 bytes.
inline bool lebFits(const uint8_t *P, const uint8_t *End) {
  for (unsigned I = 0; I < 10 && P + I < End; ++I)
    if (P[I] < 0x80)
      return true;
  return false;
}

/// Reads a ULEB128 at P and moves past it; Error is set, and 0 returned,
/// when it is malformed, overlong or runs past End.
inline uint64_t readULEB128(const uint8_t *&P, const uint8_t *End, const char **Error) {
  if (!lebFits(P, End)) {
    *Error = "malformed uleb128";
    return 0;
  }
  return llvm::decodeULEB128AndInc(P, End, Error);
}

inline int64_t readSLEB128(const uint8_t *&P, const uint8_t *End, const char **Error) {
  if (!lebFits(P, End)) {
    *Error = "malformed sleb128";
    return 0;
  }
  return llvm::decodeSLEB128AndInc(P, End, Error);
}

} // namespace kreach

#endif
