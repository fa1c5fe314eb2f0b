//===- CallClassifier.cpp - What a call amounts to in notifier context ----===//
//
// A wait, a sleeping lock, or a call the analyzer cannot follow that the
// kreach index says reaches a wait (its body in another TU, or a call
// through an ops field resolved tree-wide).
//
//===----------------------------------------------------------------------===//

#include "MmuNotifierDmaFenceWaitChecker.h"

#include "kreach/Check.h"
#include "kreach/Facts.h"

#include "clang/AST/Expr.h"

using namespace clang;
using namespace ento;

namespace kreach_analyzer {

namespace {

/// "struct::field" of the field a call goes through: ops->wait(...),
/// (*ops->wait)(...), ops.wait(...).
std::string calledField(const CallEvent &Call) {
  const auto *CE = dyn_cast_or_null<CallExpr>(Call.getOriginExpr());
  if (!CE)
    return "";
  const Expr *Callee = CE->getCallee()->IgnoreParenImpCasts();
  if (const auto *U = dyn_cast<UnaryOperator>(Callee))
    if (U->getOpcode() == UO_Deref)
      Callee = U->getSubExpr()->IgnoreParenImpCasts();
  if (const auto *ME = dyn_cast<MemberExpr>(Callee))
    if (const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl()))
      return kreach::fieldKey(FD);
  return "";
}

} // namespace

CallClass MmuNotifierDmaFenceWaitChecker::classify(const CallEvent &Call,
                                                   CheckerContext &C) const {
  TUContext &T = tu(C);
  CallClass Result;
  const auto *FD = dyn_cast_or_null<FunctionDecl>(Call.getDecl());
  if (FD && FD->getIdentifier()) {
    llvm::StringRef Name = FD->getName();
    if (T.Policy.isIgnored(Name))
      return Result;
    if (T.Policy.isSinkFunction(Name)) {
      Result.K = CallClass::Wait;
      Result.Name = Result.SinkName = Name.str();
      return Result;
    }
    if (ReportSleepingLocks && isSleepingLock(Name)) {
      Result.K = CallClass::Lock;
      Result.Name = Name.str();
      return Result;
    }
    // A body in this TU is inlined and judged path by path; only a call the
    // analyzer has to treat as opaque needs the index's summary.
    if (T.Index && !FD->hasBody()) {
      std::vector<kreach::Hop> Chain;
      std::string Sink, ReadError;
      bool Reaches = kreach::continueFromIndex(
          *T.Index, kreach::functionKey(FD, C.getSourceManager()), Chain, Sink, &ReadError);
      if (!ReadError.empty())
        noteIndexError(T, C.getASTContext(), ReadError);
      if (Reaches) {
        Result.K = CallClass::IndexWait;
        Result.Name = Name.str();
        Result.SinkName = Sink;
        Result.Chain = std::move(Chain);
      }
    }
    return Result;
  }
  std::string Field = calledField(Call);
  if (Field.empty())
    return Result;
  if (T.Policy.isSinkField(Field)) {
    Result.K = CallClass::Wait;
    Result.Name = Result.SinkName = Field;
    return Result;
  }
  // A call through a driver's own ops field the analyzer cannot resolve:
  // like the core, take every function stored into that field tree-wide and
  // keep the one closest to a wait. Async fields hand work to another
  // context and are never calls.
  if (!T.Index || T.Policy.isAsyncField(Field))
    return Result;
  auto Rows = T.Index->storesInto(Field);
  if (!Rows) {
    noteIndexError(T, C.getASTContext(), llvm::toString(Rows.takeError()));
    return Result;
  }
  for (const kreach::StoreRow &Row : *Rows) {
    if (T.Policy.isIgnored(Row.TargetName))
      continue;
    std::vector<kreach::Hop> Chain;
    std::string Sink, ReadError;
    bool Reaches = kreach::continueFromIndex(*T.Index, Row.TargetKey, Chain, Sink, &ReadError);
    if (!ReadError.empty())
      noteIndexError(T, C.getASTContext(), ReadError);
    if (!Reaches)
      continue;
    if (Result.K == CallClass::IndexWait && Chain.size() >= Result.Chain.size())
      continue;
    Result.K = CallClass::IndexWait;
    Result.Name = Row.TargetName;
    Result.Via = Field;
    Result.SinkName = Sink;
    Result.Chain = std::move(Chain);
  }
  return Result;
}

} // namespace kreach_analyzer
