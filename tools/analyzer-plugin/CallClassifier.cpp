//===- CallClassifier.cpp - What a call amounts to in notifier context ----===//
//
// A wait, a sleeping lock, or a call the analyzer cannot follow that the
// kreach index says reaches a wait (its body in another TU, or a call
// through an ops field resolved tree-wide).
//
//===----------------------------------------------------------------------===//

#include "MmuNotifierDmaFenceWaitChecker.h"
#include "ReclaimState.h"

#include "kreach/Check.h"
#include "kreach/Facts.h"

#include "clang/AST/Expr.h"

using namespace clang;
using namespace ento;

namespace kreach_analyzer {

namespace {

/// "struct::field" of the field a call goes through: ops->wait(...),
/// (*ops->wait)(...), ops.wait(...).
std::string calledField(const CallEvent &Call, const kreach::PathMapper &Portable) {
  const auto *CE = dyn_cast_or_null<CallExpr>(Call.getOriginExpr());
  if (!CE)
    return "";
  const Expr *Callee = CE->getCallee()->IgnoreParenImpCasts();
  if (const auto *U = dyn_cast<UnaryOperator>(Callee))
    if (U->getOpcode() == UO_Deref)
      Callee = U->getSubExpr()->IgnoreParenImpCasts();
  if (const auto *ME = dyn_cast<MemberExpr>(Callee))
    if (const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl()))
      return kreach::fieldKey(FD, Portable);
  return "";
}

/// Whether a chain's sink is one of the rule's allocators.
bool isAllocationSink(const kreach::Rule &Sinks, llvm::StringRef Sink) {
  bool Always;
  llvm::SmallVector<unsigned, 2> Masks;
  return Sinks.hasReclaimSinks() && Sinks.isAllocation(Sink, Always, Masks);
}

} // namespace

const kreach::TUGraph *MmuNotifierDmaFenceWaitChecker::graphFor(const kreach::Rule &Sinks,
                                                              CheckerContext &C) const {
  TUContext &T = tu(C);
  if (!T.Facts) {
    // The whole TU, as clang-tidy collects it: header inlines it uses too.
    ASTContext &Ctx = C.getASTContext();
    std::vector<Decl *> Scope = Ctx.getTraversalScope();
    Ctx.setTraversalScope({Ctx.getTranslationUnitDecl()});
    T.Facts = kreach::collectFacts(Ctx, T.KeyPaths, /*ResolveSites=*/false);
    Ctx.setTraversalScope(Scope);
  }
  std::unique_ptr<kreach::TUGraph> &Slot = T.Graphs[&Sinks];
  if (!Slot) {
    std::string ReadError, Missing;
    Slot = kreach::buildTUGraph(*T.Facts, T.Index.get(), Sinks, ReadError, &Missing, T.Flow);
    if (!ReadError.empty())
      noteIndexError(T, C.getASTContext(), ReadError);
  }
  return Slot.get();
}

CallClass MmuNotifierDmaFenceWaitChecker::classifyByGraph(const CallEvent &Call,
                                                          const kreach::Rule &Sinks,
                                                          CheckerContext &C,
                                                          bool &Resolved) const {
  CallClass Result;
  Resolved = false;
  TUContext &T = tu(C);
  const auto *CE = dyn_cast_or_null<CallExpr>(Call.getOriginExpr());
  const auto *Frame = dyn_cast_or_null<FunctionDecl>(C.getStackFrame()->getDecl());
  if (!CE || !Frame)
    return Result;
  const kreach::TUGraph &TG = *graphFor(Sinks, C);
  kreach::NodeId FN = TG.G.lookup(kreach::functionKey(Frame, C.getSourceManager(), T.KeyPaths));
  if (FN == kreach::NoNode || !TG.G.node(FN).Defined)
    return Result;
  Resolved = true;
  // The call's positions as the facts recorded them: its start, and the
  // field's name for a call through a field.
  uint64_t Begin = CE->getBeginLoc().getRawEncoding(), Member = 0;
  const Expr *Callee = CE->getCallee()->IgnoreParenImpCasts();
  if (const auto *U = dyn_cast<UnaryOperator>(Callee))
    if (U->getOpcode() == UO_Deref)
      Callee = U->getSubExpr()->IgnoreParenImpCasts();
  if (const auto *ME = dyn_cast<MemberExpr>(Callee))
    Member = ME->getMemberLoc().getRawEncoding();
  bool Direct = Call.getDecl() && CE->getDirectCallee();
  uint32_t Best = UINT32_MAX;
  for (const kreach::Edge &E : TG.G.edges(FN)) {
    if (E.Site.Raw != Begin && (!Member || E.Site.Raw != Member))
      continue;
    // A direct call is the analyzer's own to follow; what the graph adds
    // there is what the callee does with the values passed to it.
    if (E.Kind == kreach::EdgeKind::Direct || (Direct && E.Kind != kreach::EdgeKind::Bound))
      continue;
    kreach::NodeId To = kreach::effectiveTarget(TG.G, TG.Spec, E);
    if (To == kreach::NoNode || !TG.Steps[To].reaches())
      continue;
    uint32_t Dist = TG.Steps[To].Dist + E.weight();
    if (Dist >= Best)
      continue;
    kreach::PathHop First{FN, To, E.Site, 0, E.Hoist};
    if (TG.G.node(To).Kind == kreach::NodeKind::Field) {
      First.Via = TG.G.node(To).Field;
      if (TG.Steps[To].Dist != 0)
        First.Callee = TG.Steps[To].Next;
    } else if (E.Kind == kreach::EdgeKind::Bound) {
      First.Via = E.Through ? E.Through : E.Label;
    }
    llvm::SmallVector<kreach::PathHop, 2> Hops = kreach::expandHop(TG.G, First);
    CallClass Candidate;
    const kreach::Node &Target = TG.G.node(Hops.back().Callee);
    if (Target.Kind == kreach::NodeKind::Field) {
      // The call through the field is the wait.
      if (Hops.size() == 1) {
        Candidate.K = CallClass::Wait;
        Candidate.Name = Candidate.SinkName = Target.Name;
      } else {
        Candidate.K = CallClass::IndexWait;
        Candidate.Name = TG.G.node(Hops.front().Callee).Name;
        for (size_t I = 1; I < Hops.size(); ++I)
          Candidate.Chain.push_back(kreach::toHop(TG.G, Hops[I]));
        Candidate.SinkName = Target.Name;
      }
    } else {
      Candidate.K = CallClass::IndexWait;
      Candidate.Name = TG.G.node(Hops.front().Callee).Name;
      if (Hops.size() == 1 && First.Via)
        Candidate.Via = TG.G.field(First.Via);
      for (size_t I = 1; I < Hops.size(); ++I)
        Candidate.Chain.push_back(kreach::toHop(TG.G, Hops[I]));
      std::string ReadError;
      if (!kreach::chainFrom(TG, T.Index.get(), Hops.back().Callee, Candidate.Chain,
                             Candidate.SinkName, &ReadError)) {
        if (!ReadError.empty())
          noteIndexError(T, C.getASTContext(), ReadError);
        continue;
      }
    }
    Best = Dist;
    Result = std::move(Candidate);
  }
  if (Result.K != CallClass::None || Direct)
    return Result;
  // Inside an inlined callee, a call through its parameter was bound where
  // an enclosing frame called it: the edge from that frame whose hoist chain
  // ends at this very call.
  for (const StackFrameContext *F = C.getStackFrame(); F && F->getParent();) {
    const auto *Site = dyn_cast_or_null<CallExpr>(F->getCallSite());
    F = F->getParent()->getStackFrame();
    const auto *Outer = F ? dyn_cast_or_null<FunctionDecl>(F->getDecl()) : nullptr;
    if (!Site || !Outer)
      break;
    kreach::NodeId ON = TG.G.lookup(kreach::functionKey(Outer, C.getSourceManager(), T.KeyPaths));
    if (ON == kreach::NoNode)
      break;
    for (const kreach::Edge &E : TG.G.edges(ON)) {
      if (E.Kind != kreach::EdgeKind::Bound ||
          E.Site.Raw != Site->getBeginLoc().getRawEncoding())
        continue;
      llvm::ArrayRef<kreach::CallGraph::HoistStep> Chain = TG.G.hoistChain(E.Hoist);
      if (Chain.empty() || (Chain.back().second.Raw != Begin &&
                            (!Member || Chain.back().second.Raw != Member)))
        continue;
      kreach::NodeId To = kreach::effectiveTarget(TG.G, TG.Spec, E);
      if (To == kreach::NoNode || !TG.Steps[To].reaches() ||
          TG.G.node(To).Kind != kreach::NodeKind::Function || TG.Steps[To].Dist >= Best)
        continue;
      CallClass Candidate;
      Candidate.K = CallClass::IndexWait;
      Candidate.Name = TG.G.node(To).Name;
      Candidate.Via = TG.G.field(E.Through ? E.Through : E.Label);
      std::string ReadError;
      if (!kreach::chainFrom(TG, T.Index.get(), To, Candidate.Chain, Candidate.SinkName,
                             &ReadError))
        continue;
      Best = TG.Steps[To].Dist;
      Result = std::move(Candidate);
    }
    if (Result.K != CallClass::None)
      break;
  }
  return Result;
}

CallClass MmuNotifierDmaFenceWaitChecker::classify(const CallEvent &Call,
                                                   const kreach::Rule &Sinks,
                                                   CheckerContext &C) const {
  TUContext &T = tu(C);
  CallClass Result;
  const auto *FD = dyn_cast_or_null<FunctionDecl>(Call.getDecl());
  if (FD && FD->getIdentifier()) {
    llvm::StringRef Name = FD->getName();
    if (Sinks.isIgnored(Name))
      return Result;
    bool Always = false;
    llvm::SmallVector<unsigned, 2> Masks;
    if (Sinks.hasReclaimSinks() && Sinks.isAllocation(Name, Always, Masks)) {
      // An allocator is judged at its call, by the mask on this path.
      bool Reclaims = Always;
      for (unsigned M : Masks)
        if (M < Call.getNumArgs() && mayCarry(Call.getArgSVal(M), Sinks.reclaimFlags(), C))
          Reclaims = true;
      if (Reclaims) {
        Result.K = CallClass::Wait;
        Result.Name = Result.SinkName = Name.str();
        Result.Allocation = true;
      }
      return Result;
    }
    if (Sinks.isSinkFunction(Name)) {
      Result.K = CallClass::Wait;
      Result.Name = Result.SinkName = Name.str();
      return Result;
    }
    if (ReportSleepingLocks && isSleepingLock(T.Sleep, Name)) {
      Result.K = CallClass::Lock;
      Result.Name = Name.str();
      return Result;
    }
    // A body in this TU is inlined and judged path by path; only a call the
    // analyzer has to treat as opaque needs the index's summary, and what
    // value flow says the callee does with the values passed here.
    if (!FD->hasBody()) {
      bool Resolved = false;
      CallClass ByGraph = classifyByGraph(Call, Sinks, C, Resolved);
      if (ByGraph.K != CallClass::None)
        return ByGraph;
    }
    if (T.Index && !FD->hasBody()) {
      std::vector<kreach::Hop> Chain;
      std::string Sink, ReadError;
      bool Reaches = kreach::continueFromIndex(
          *T.Index, Sinks.summaryFingerprint(), kreach::functionKey(FD, C.getSourceManager(), T.KeyPaths),
          Chain, Sink, &ReadError);
      if (!ReadError.empty())
        noteIndexError(T, C.getASTContext(), ReadError);
      if (Reaches) {
        Result.K = CallClass::IndexWait;
        Result.Name = Name.str();
        Result.SinkName = Sink;
        Result.Chain = std::move(Chain);
        Result.Allocation = isAllocationSink(Sinks, Sink);
        return Result;
      }
    }
    if (!FD->hasBody() && Sinks.hasReclaimSinks())
      return classifyMasked(Call, *FD, Sinks, C);
    return Result;
  }
  // A call through a value the analyzer does not know on this path: the
  // graph's resolution decides wherever it knows the calling function.
  bool Resolved = false;
  CallClass ByGraph = classifyByGraph(Call, Sinks, C, Resolved);
  if (Resolved)
    return ByGraph;
  std::string Field = calledField(Call, T.KeyPaths);
  if (Field.empty())
    return Result;
  if (Sinks.isSinkField(Field)) {
    Result.K = CallClass::Wait;
    Result.Name = Result.SinkName = Field;
    return Result;
  }
  // A call through a driver's own ops field the analyzer cannot resolve:
  // like the core, take every function stored into that field tree-wide and
  // keep the one closest to a wait. Async fields hand work to another
  // context and are never calls.
  if (!T.Index || Sinks.isAsyncField(Field))
    return Result;
  auto Rows = T.Index->storesInto(Field);
  if (!Rows) {
    noteIndexError(T, C.getASTContext(), llvm::toString(Rows.takeError()));
    return Result;
  }
  for (const kreach::StoreRow &Row : *Rows) {
    if (Sinks.isIgnored(Row.TargetName))
      continue;
    std::vector<kreach::Hop> Chain;
    std::string Sink, ReadError;
    bool Reaches = kreach::continueFromIndex(*T.Index, Sinks.summaryFingerprint(),
                                             Row.TargetKey, Chain, Sink, &ReadError);
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
    Result.Allocation = isAllocationSink(Sinks, Sink);
  }
  return Result;
}

CallClass MmuNotifierDmaFenceWaitChecker::classifyMasked(const CallEvent &Call,
                                                         const FunctionDecl &FD,
                                                         const kreach::Rule &Sinks,
                                                         CheckerContext &C) const {
  CallClass Result;
  const auto *CE = dyn_cast_or_null<CallExpr>(Call.getOriginExpr());
  if (!CE)
    return Result;
  TUContext &T = tu(C);
  const kreach::TUGraph *TG = graphFor(Sinks, C);
  if (!TG)
    return Result;
  kreach::NodeId FN = TG->G.lookup(kreach::functionKey(&FD, C.getSourceManager(), T.KeyPaths));
  if (FN == kreach::NoNode)
    return Result;
  // The callee entered with each mask that may reclaim on this path; its
  // masked node holds what it reaches then (seeded from the index's
  // summary for a body in another TU). The closest one wins.
  uint32_t Best = UINT32_MAX;
  for (unsigned A = 0; A < Call.getNumArgs() && A < FD.getNumParams(); ++A) {
    if (!kreach::isMaskType(FD.getParamDecl(A)->getType()) ||
        !mayCarry(Call.getArgSVal(A), Sinks.reclaimFlags(), C))
      continue;
    kreach::NodeId Masked = TG->G.maskedNode(FN, A);
    if (Masked == kreach::NoNode || !TG->Steps[Masked].reaches() ||
        TG->Steps[Masked].Dist >= Best)
      continue;
    CallClass Candidate;
    std::string ReadError;
    if (!kreach::chainFrom(*TG, T.Index.get(), Masked, Candidate.Chain, Candidate.SinkName,
                           &ReadError)) {
      if (!ReadError.empty())
        noteIndexError(T, C.getASTContext(), ReadError);
      continue;
    }
    Candidate.K = CallClass::IndexWait;
    Candidate.Name = FD.getNameAsString();
    Candidate.Mask = kreach::spellExpression(CE->getArg(A), C.getSourceManager(),
                                             C.getASTContext().getLangOpts());
    Candidate.Allocation = isAllocationSink(Sinks, Candidate.SinkName);
    Best = TG->Steps[Masked].Dist;
    Result = std::move(Candidate);
  }
  return Result;
}

} // namespace kreach_analyzer
