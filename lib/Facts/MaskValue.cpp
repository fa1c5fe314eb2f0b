//===- MaskValue.cpp - A flag argument's value, relative to its function --===//

#include "kreach/MaskValue.h"

#include "llvm/ADT/StringExtras.h"

namespace kreach {

// The base of a combination: a constant takes the other side's; two
// different bases become one unknown base, which keeps "may a bit be set"
// sound (every bit either base lets through stays possible).
static MaskValue::Base joinBase(const MaskValue &A, const MaskValue &B, unsigned &Param) {
  using B_ = MaskValue::Base;
  if (A.Kind == B_::Constant) {
    Param = B.Param;
    return B.Kind;
  }
  if (B.Kind == B_::Constant || (A.Kind == B.Kind && A.Param == B.Param)) {
    Param = A.Param;
    return A.Kind;
  }
  Param = 0;
  return B_::Unknown;
}

MaskValue MaskValue::operator|(const MaskValue &O) const {
  MaskValue R;
  R.Kind = joinBase(*this, O, R.Param);
  R.And = And | O.And;
  R.Or = Or | O.Or;
  if (R.Kind == Base::Constant)
    R.And = 0;
  return R;
}

MaskValue MaskValue::operator&(const MaskValue &O) const {
  if (Kind == Base::Constant || O.Kind == Base::Constant) {
    const MaskValue &C = Kind == Base::Constant ? *this : O;
    const MaskValue &V = Kind == Base::Constant ? O : *this;
    // (b & A | O) & c == b & (A & c) | (O & c)
    MaskValue R = V;
    R.And = V.Kind == Base::Constant ? 0 : V.And & C.Or;
    R.Or = V.Or & C.Or;
    return R;
  }
  // Both depend on something: only the bits both may have can survive.
  MaskValue R;
  R.Kind = joinBase(*this, O, R.Param);
  R.And = (And | Or) & (O.And | O.Or);
  R.Or = 0;
  return R;
}

MaskValue MaskValue::operator~() const {
  if (Kind == Base::Constant)
    return constant(~Or);
  return unknown();
}

std::string MaskValue::encode() const {
  if (Kind == Base::Constant)
    return "c0x" + llvm::utohexstr(Or, /*LowerCase=*/true);
  std::string S(1, char(Kind));
  if (Kind == Base::Param)
    S += std::to_string(Param);
  return S + "&0x" + llvm::utohexstr(And, true) + "|0x" + llvm::utohexstr(Or, true);
}

static bool parseHex(llvm::StringRef S, uint64_t &V) {
  return S.consume_front("0x") && !S.empty() && S.size() <= 16 && !S.getAsInteger(16, V);
}

std::optional<MaskValue> MaskValue::decode(llvm::StringRef S) {
  MaskValue V;
  if (S.consume_front("c")) {
    if (!parseHex(S, V.Or))
      return std::nullopt;
    V.Kind = Base::Constant;
    V.And = 0;
    return V;
  }
  if (S.consume_front("p")) {
    V.Kind = Base::Param;
    size_t Amp = S.find('&');
    if (Amp == 0 || Amp == llvm::StringRef::npos || S.take_front(Amp).getAsInteger(10, V.Param) ||
        V.Param >= 1024)
      return std::nullopt;
    S = S.drop_front(Amp);
  } else if (S.consume_front("?")) {
    V.Kind = Base::Unknown;
  } else {
    return std::nullopt;
  }
  if (!S.consume_front("&"))
    return std::nullopt;
  auto [AndText, OrText] = S.split('|');
  if (!parseHex(AndText, V.And) || !parseHex(OrText, V.Or))
    return std::nullopt;
  return V;
}

} // namespace kreach
