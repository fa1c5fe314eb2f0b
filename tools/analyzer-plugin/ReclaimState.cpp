//===- ReclaimState.cpp - Masks and signalling sections along a path ------===//

#include "ReclaimState.h"

#include "clang/AST/Decl.h"
#include "clang/StaticAnalyzer/Core/PathSensitive/ProgramStateTrait.h"
#include "clang/StaticAnalyzer/Core/PathSensitive/SValBuilder.h"

using namespace clang;
using namespace ento;

/// Open signalling sections, by rule: the frame of the begin call. A begin
/// inside an open section of the same rule (a nested annotation) keeps the
/// outer one; the matching end closes it.
REGISTER_MAP_WITH_PROGRAMSTATE(OpenSections, const void *, const void *)

namespace kreach_analyzer {

namespace {

// A symbolic constant is an APSInt reference up to LLVM 19, an APSIntPtr
// from 20 on.
[[maybe_unused]] const llvm::APSInt &integerOf(const llvm::APSInt &V) { return V; }
template <typename Ptr> const llvm::APSInt &integerOf(const Ptr &V) { return *V; }

kreach::MaskValue combine(BinaryOperatorKind Op, const kreach::MaskValue &L,
                          const kreach::MaskValue &R) {
  switch (Op) {
  case BO_Or:
    return L | R;
  case BO_And:
    return L & R;
  default:
    return kreach::MaskValue::unknown();
  }
}

kreach::MaskValue maskOfSymbol(SymbolRef S, const StackFrameContext *Top, unsigned Depth) {
  // Deeper than any mask a kernel function computes; bounds the recursion.
  if (!S || Depth > 16)
    return kreach::MaskValue::unknown();
  if (const auto *SI = dyn_cast<SymIntExpr>(S))
    return combine(SI->getOpcode(), maskOfSymbol(SI->getLHS(), Top, Depth + 1),
                   kreach::MaskValue::constant(integerOf(SI->getRHS()).getZExtValue()));
  if (const auto *IS = dyn_cast<IntSymExpr>(S))
    return combine(IS->getOpcode(),
                   kreach::MaskValue::constant(integerOf(IS->getLHS()).getZExtValue()),
                   maskOfSymbol(IS->getRHS(), Top, Depth + 1));
  if (const auto *SS = dyn_cast<SymSymExpr>(S))
    return combine(SS->getOpcode(), maskOfSymbol(SS->getLHS(), Top, Depth + 1),
                   maskOfSymbol(SS->getRHS(), Top, Depth + 1));
  if (const auto *Cast = dyn_cast<SymbolCast>(S))
    return maskOfSymbol(Cast->getOperand(), Top, Depth + 1);
  if (const auto *RV = dyn_cast<SymbolRegionValue>(S))
    if (const auto *VR = dyn_cast<VarRegion>(RV->getRegion()))
      if (const auto *PD = dyn_cast<ParmVarDecl>(VR->getDecl()))
        if (VR->getStackFrame() == Top)
          return kreach::MaskValue::param(PD->getFunctionScopeIndex());
  return kreach::MaskValue::unknown();
}

} // namespace

kreach::MaskValue maskOnPath(SVal V, CheckerContext &C) {
  ProgramStateRef State = C.getState();
  if (const llvm::APSInt *K = C.getSValBuilder().getKnownValue(State, V))
    return kreach::MaskValue::constant(K->getZExtValue());
  const StackFrameContext *Top = C.getStackFrame();
  while (Top->getParent())
    Top = Top->getParent()->getStackFrame();
  return maskOfSymbol(V.getAsSymbol(), Top, 0);
}

bool mayCarry(SVal V, uint64_t Bits, CheckerContext &C) {
  return maskOnPath(V, C).mayHaveAlways(Bits);
}

const StackFrameContext *openSection(ProgramStateRef State, const kreach::Rule &R) {
  const void *const *Frame = State->get<OpenSections>(&R);
  return Frame ? static_cast<const StackFrameContext *>(*Frame) : nullptr;
}

ProgramStateRef beginSection(ProgramStateRef State, const kreach::Rule &R,
                             const StackFrameContext *Frame) {
  if (State->get<OpenSections>(&R))
    return State;
  return State->set<OpenSections>(&R, Frame);
}

ProgramStateRef endSection(ProgramStateRef State, const kreach::Rule &R) {
  return State->remove<OpenSections>(&R);
}

} // namespace kreach_analyzer
