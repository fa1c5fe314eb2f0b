//===- ValueFlow.cpp - Calls through values, resolved where values are known ===//
//
// Each function's facts name values relative to the function (FlowValue). A
// call through a parameter cannot be resolved in the function itself: it is
// an *effect* of the function ("calls its parameter release"), which every
// direct call site instantiates with what it passes. An instantiated effect
// that still names the caller's own parameters becomes the caller's effect;
// one that names none is concrete and is resolved to its targets. That is
// call-site sensitivity for every depth of pass-through (kref_put's caller,
// walk_page_range's caller through the walker's struct), without cloning a
// function per call site: a function's own node never gets edges for its
// parameters, so two callers passing different callbacks never join.
//
// Where a function's callers are not all known (its address is taken: an ops
// table, a callback), its parameter effects also resolve by the fields' types,
// as any call through a field does; a parameter called bare there is counted
// as unresolved.
//
// Writes are effects too: `n->notifier_call = cb` in a helper makes every
// call site's callback a target of the field (and of the global passed as n).
// Registries (the notifier chains, as data) are effects of their APIs:
// registering item I on head H, and calling everything on head H.
//
//===----------------------------------------------------------------------===//

#include "kreach/Graph.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/TimeProfiler.h"
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <tuple>

namespace kreach {

llvm::StringRef unresolvedKindName(UnresolvedKind K) {
  switch (K) {
  case UnresolvedKind::Parameter:
    return "parameter";
  case UnresolvedKind::Argument:
    return "argument";
  case UnresolvedKind::Return:
    return "return";
  case UnresolvedKind::Expression:
    return "expression";
  case UnresolvedKind::Global:
    return "global";
  case UnresolvedKind::UnknownHead:
    return "unknown-head";
  case UnresolvedKind::TooDeep:
    return "too-deep";
  }
  return "unknown";
}

class ValueFlow {
public:
  ValueFlow(CallGraph &G, const ValueFlowConfig &Config) : G(G), Config(Config) {}
  void run();

private:
  using EffectKind = ValueEffect::Kind;
  using Effect = ValueEffect;
  struct Concrete {
    NodeId Caller;
    Effect E;
  };
  using SiteKey = std::tuple<NodeId, NodeId, FileId, uint32_t, uint32_t>;

  static bool hasParam(const Effect &E) {
    return E.A.isParam() || (E.K != EffectKind::Invoke && E.K != EffectKind::Dispatch &&
                             E.B.isParam());
  }

  void addEffect(NodeId N, Effect E);
  std::string effectKey(const Effect &E) const { return E.key(); }
  void addConcrete(NodeId Caller, Effect E);
  llvm::SmallVector<FlowValue, 2> bind(const FlowValue &V, NodeId Caller, NodeId Callee,
                                       const Loc &Site);
  void instantiate(NodeId Callee, const Effect &E);
  void applyAssign(const FlowValue &Target, const FlowValue &Value, const Loc &Site,
                   bool FromFacts = false);
  /// What a concrete value may be: functions, and fields to resolve by type,
  /// with what could not be resolved on the way (UnresolvedKind bits).
  struct Resolution {
    llvm::SmallVector<NodeId, 4> Functions;
    llvm::SmallVector<FieldId, 2> Fields;
    unsigned Unresolved = 0;
  };
  /// Memoized per value: globals and results are shared by many calls.
  const Resolution &resolved(const FlowValue &W, unsigned Depth, bool AllowRegistryField);
  void resolveInto(const FlowValue &W, unsigned Depth, bool AllowRegistryField,
                   Resolution &Out);
  void byType(llvm::ArrayRef<std::string> Path, bool AllowRegistryField,
              llvm::SmallVectorImpl<NodeId> &Functions,
              llvm::SmallVectorImpl<FieldId> &Fields);
  void addEdges(NodeId Caller, const FlowValue &W, const Loc &Site, FieldId Label,
                llvm::ArrayRef<CallGraph::HoistStep> Chain,
                bool AllowRegistryField = false);
  /// LastStepAt, when given, is where the chain's last call is shown (a
  /// dispatch's: where the item was registered). Through, when given, is the
  /// field the call reads last (a dispatch's: the registry's, whatever the
  /// item's callback was bound to); otherwise W's last field.
  void addResolvedEdges(NodeId Caller, const FlowValue &W, const Resolution &R, const Loc &Site,
                        FieldId Label, llvm::ArrayRef<CallGraph::HoistStep> Chain,
                        const Loc *LastStepAt, FieldId Through = 0);
  /// An item on a head, resolved: what a dispatch on the head calls for it.
  struct DispatchItem {
    FlowValue Callback;
    const Resolution *Targets;
    Loc Where;
  };
  /// The items a dispatch on Key (empty: a head nobody could name) calls,
  /// resolved once per head rather than once per dispatching call site.
  const std::vector<DispatchItem> &itemsOnHead(unsigned Registry, const std::string &Key);
  void unresolved(NodeId Caller, const Loc &Site, UnresolvedKind K, const FlowValue &V);
  std::string headKey(const FlowValue &Head, unsigned Depth = 0) const;
  bool isRegistryField(llvm::StringRef F) const { return RegistryFields.count(F) != 0; }
  /// Whether V is an object nothing but its type says anything of: an
  /// allocation's result (a function with no returns indexed) or memory
  /// only a type names.
  bool isFresh(const FlowValue &V) const;

  CallGraph &G;
  const ValueFlowConfig &Config;
  llvm::StringSet<> RegistryFields;
  std::vector<std::vector<Effect>> &Effects = G.Effects;
  std::vector<llvm::StringSet<>> SeenEffects;
  std::deque<std::pair<NodeId, size_t>> Work;
  std::vector<Concrete> Concretes;
  /// Direct call sites of each function: (caller, edge index).
  std::vector<std::vector<std::pair<NodeId, uint32_t>>> Callers;
  llvm::DenseMap<SiteKey, llvm::SmallVector<uint32_t, 2>> ArgsAt;
  llvm::DenseSet<NodeId> &AddressTaken = G.AddressTaken;
  /// What each global holds, by access path.
  llvm::StringMap<std::vector<std::pair<llvm::SmallVector<std::string, 1>, FlowValue>>>
      Contents;
  /// Functions written into a field of an object reached through another
  /// field ("outer::f|inner::g"): the two-layer types of MLTA.
  llvm::StringMap<llvm::SmallVector<NodeId, 2>> TwoLayer;
  llvm::DenseMap<NodeId, std::vector<uint32_t>> ReturnsOf;
  /// Each function's writes into the fresh results it holds (isFresh, a
  /// Return base), by its assigns.
  llvm::DenseMap<NodeId, llvm::SmallVector<uint32_t, 2>> FreshWrites;
  /// Per registry: items registered per head, and on heads nobody could name.
  /// An item's callback and where it was registered (the last hop of a
  /// dispatch).
  using Item = std::pair<FlowValue, Loc>;
  std::vector<llvm::StringMap<std::vector<Item>>> Registered;
  std::vector<std::vector<Item>> RegisteredAnywhere;
  llvm::DenseSet<std::tuple<NodeId, NodeId, FileId, uint32_t, uint32_t>> EdgeSeen;
  llvm::StringMap<Resolution> Resolved[2];
  std::map<std::pair<unsigned, std::string>, std::vector<DispatchItem>> HeadItems;
  llvm::StringSet<> InProgress;
  /// Unresolved calls said once per place and kind.
  std::set<std::tuple<NodeId, FileId, uint32_t, uint32_t, unsigned>> UnresolvedSeen;
};

static constexpr unsigned MaxEffectsPerFunction = 64, MaxBindings = 16, MaxResolveDepth = 8;

void ValueFlow::unresolved(NodeId Caller, const Loc &Site, UnresolvedKind K,
                           const FlowValue &V) {
  if (!UnresolvedSeen.insert({Caller, Site.File, Site.Line, Site.Column, unsigned(K)}).second)
    return;
  ++G.Flow.Unresolved[unsigned(K)];
  G.Flow.UnresolvedCalls.push_back({Caller, Site, K, V.spell()});
}

void ValueFlow::addEffect(NodeId N, Effect E) {
  if (N >= Effects.size() || Effects[N].size() >= MaxEffectsPerFunction)
    return;
  if (!SeenEffects[N].insert(effectKey(E)).second)
    return;
  Effects[N].push_back(std::move(E));
  Work.push_back({N, Effects[N].size() - 1});
}

void ValueFlow::addConcrete(NodeId Caller, Effect E) {
  Concretes.push_back({Caller, std::move(E)});
}

bool ValueFlow::isFresh(const FlowValue &V) const {
  if (V.Kind == FlowValue::Base::Unknown)
    return true;
  if (V.Kind != FlowValue::Base::Return)
    return false;
  NodeId F = G.lookup(V.Name);
  return F == NoNode || !ReturnsOf.count(F);
}

llvm::SmallVector<FlowValue, 2> ValueFlow::bind(const FlowValue &V, NodeId Caller,
                                                NodeId Callee, const Loc &Site) {
  llvm::SmallVector<FlowValue, 2> Out;
  if (!V.isParam()) {
    Out.push_back(V);
    return Out;
  }
  // What the caller passes that V reads into: the argument's part holding
  // it (Part, a prefix of V's path) and its value there.
  struct Known {
    llvm::SmallVector<std::string, 2> Part;
    const FlowValue *Value;
  };
  llvm::SmallVector<Known, 4> Matching;
  auto It = ArgsAt.find({Caller, Callee, Site.File, Site.Line, Site.Column});
  bool Matched = false;
  if (It != ArgsAt.end())
    for (uint32_t I : It->second) {
      const CallGraph::ArgumentRow &A = G.Arguments[I];
      if (A.Index != V.Param)
        continue;
      Matched = true;
      if (!pathHasPrefix(V.Path, A.Part))
        continue;
      Matching.push_back({{A.Part.begin(), A.Part.end()}, &A.Value});
      // A fresh object the caller passes (`nb = kzalloc(...)`, then
      // `nb->notifier_call = cb`): its own writes into it are parts of the
      // argument, as a local struct's fields are. Only a named result:
      // memory only a type names could be any object of the type.
      if (A.Value.Kind != FlowValue::Base::Return || !isFresh(A.Value))
        continue;
      auto Writes = FreshWrites.find(Caller);
      if (Writes == FreshWrites.end())
        continue;
      for (uint32_t W : Writes->second) {
        const CallGraph::AssignRow &Write = G.Assigns[W];
        if (Write.Target.Kind != A.Value.Kind || Write.Target.Name != A.Value.Name ||
            Write.Target.Path.size() <= A.Value.Path.size() ||
            !pathHasPrefix(Write.Target.Path, A.Value.Path))
          continue;
        Known Part{{A.Part.begin(), A.Part.end()}, &Write.Value};
        llvm::append_range(Part.Part,
                           llvm::ArrayRef<std::string>(Write.Target.Path)
                               .drop_front(A.Value.Path.size()));
        if (pathHasPrefix(V.Path, Part.Part))
          Matching.push_back(std::move(Part));
      }
    }
  // A field the caller wrote into a fresh object is what the object holds
  // there (a strong update: only the caller holds it); the object's type,
  // which is all a fresh object's value says, adds nothing more. On the
  // kernel, iommu's kcalloc'd bus notifier blocks otherwise call every
  // notifier_call of the tree.
  size_t Deepest = 0;
  for (const Known &K : Matching)
    Deepest = std::max(Deepest, K.Part.size());
  for (const Known &K : Matching) {
    if (K.Part.size() < Deepest && isFresh(*K.Value))
      continue;
    if (Out.size() >= MaxBindings)
      break;
    Out.push_back(K.Value->append(llvm::ArrayRef<std::string>(V.Path).drop_front(K.Part.size())));
  }
  if (!Matched) // Nothing is known of the argument: only its type.
    Out.push_back(FlowValue::unknown().append(V.Path));
  return Out;
}

void ValueFlow::instantiate(NodeId Callee, const Effect &E) {
  for (auto [Caller, EdgeIndex] : Callers[Callee]) {
    const Edge &CallEdge = G.edges(Caller)[EdgeIndex];
    Effect Base = E;
    Base.Site = CallEdge.Site;
    Base.Chain.insert(Base.Chain.begin(), {Callee, E.Site});
    // A call through the callee's parameter is named in the callee's terms
    // ("kref_put(release)"); a registry call by the head it was given.
    if (E.K == EffectKind::Invoke && !E.Label)
      Base.Label = G.internField(E.A.spell());
    llvm::SmallVector<FlowValue, 2> As = bind(E.A, Caller, Callee, CallEdge.Site);
    llvm::SmallVector<FlowValue, 2> Bs;
    if (E.K == EffectKind::Assign || E.K == EffectKind::Register)
      Bs = bind(E.B, Caller, Callee, CallEdge.Site);
    else
      Bs.push_back(E.B);
    for (const FlowValue &A : As)
      for (const FlowValue &B : Bs) {
        Effect Bound = Base;
        Bound.A = A;
        Bound.B = B;
        if (E.K == EffectKind::Dispatch)
          Bound.Label = G.internField(A.spell());
        if (Bound.K == EffectKind::Invoke && A.isUnknown()) {
          unresolved(Caller, CallEdge.Site, UnresolvedKind::Argument, E.A);
          continue;
        }
        if (hasParam(Bound)) {
          // An assignment of something known through a parameter's object
          // is also known by the object's type right away.
          if (Bound.K == EffectKind::Assign && !Bound.B.isParam())
            applyAssign(Bound.A, Bound.B, Bound.Site);
          addEffect(Caller, std::move(Bound));
        } else if (Bound.K == EffectKind::Assign) {
          // Applied now rather than kept: nothing is resolved before every
          // effect has climbed, and on a whole tree these are most of the
          // concrete effects (each callback handed down to call_rcu and the
          // list and wait-queue helpers, once per call path), each holding
          // its whole hoist chain, which an assignment does not need.
          applyAssign(Bound.A, Bound.B, Bound.Site);
        } else {
          addConcrete(Caller, std::move(Bound));
        }
      }
  }
}

void ValueFlow::applyAssign(const FlowValue &Target, const FlowValue &Value, const Loc &Site,
                            bool FromFacts) {
  if (Target.Kind == FlowValue::Base::Global)
    Contents[Target.Name].push_back(
        {llvm::SmallVector<std::string, 1>(Target.Path.begin(), Target.Path.end()), Value});
  if (Target.Path.empty() || Value.Kind != FlowValue::Base::Function)
    return;
  NodeId F = G.getOrAddNode(Value.Name, Value.spell());
  // A function written in the code itself is a store fact already (with
  // the registration site the rules report); these add the ones that
  // arrive through parameters.
  if (!FromFacts)
    G.addStore(Target.Path.back(), F, G.toPos(Site));
  if (Target.Path.size() >= 2)
    TwoLayer[Target.Path[Target.Path.size() - 2] + "|" + Target.Path.back()].push_back(F);
}

void ValueFlow::byType(llvm::ArrayRef<std::string> Path, bool AllowRegistryField,
                       llvm::SmallVectorImpl<NodeId> &Functions,
                       llvm::SmallVectorImpl<FieldId> &Fields) {
  if (Path.empty())
    return;
  if (isRegistryField(Path.back()) && !AllowRegistryField)
    return; // Resolved by the registry's own edges.
  ++G.Flow.TypeFallbacks;
  if (Path.size() >= 2) {
    auto It = TwoLayer.find(Path[Path.size() - 2] + "|" + Path.back());
    if (It != TwoLayer.end()) {
      Functions.append(It->second.begin(), It->second.end());
      return;
    }
  }
  if (isRegistryField(Path.back())) {
    // Tree-wide for a registry's field: every stored callback.
    for (const Store &S : G.Stores)
      if (G.Fields[S.Field] == Path.back())
        Functions.push_back(S.Target);
    return;
  }
  Fields.push_back(G.internField(Path.back()));
}

const ValueFlow::Resolution &ValueFlow::resolved(const FlowValue &W, unsigned Depth,
                                                 bool AllowRegistryField) {
  static const Resolution None;
  std::string Key = W.encode();
  llvm::StringMap<Resolution> &Cache = Resolved[AllowRegistryField];
  if (auto It = Cache.find(Key); It != Cache.end())
    return It->second;
  // A value defined through itself (a list head pointing at itself, a
  // getter returning its own result): its other definitions say the rest.
  if (!InProgress.insert(Key + (AllowRegistryField ? "+" : "-")).second)
    return None;
  Resolution R;
  resolveInto(W, Depth, AllowRegistryField, R);
  InProgress.erase(Key + (AllowRegistryField ? "+" : "-"));
  llvm::sort(R.Functions);
  R.Functions.erase(std::unique(R.Functions.begin(), R.Functions.end()), R.Functions.end());
  llvm::sort(R.Fields);
  R.Fields.erase(std::unique(R.Fields.begin(), R.Fields.end()), R.Fields.end());
  return Cache[Key] = std::move(R);
}

void ValueFlow::resolveInto(const FlowValue &W, unsigned Depth, bool AllowRegistryField,
                            Resolution &Out) {
  auto Mark = [&](UnresolvedKind K) { Out.Unresolved |= 1u << unsigned(K); };
  // Only the value's type is known: its fields' stores, or nothing at all
  // for a bare value (said as K).
  auto ByTypeOr = [&](llvm::ArrayRef<std::string> Path, UnresolvedKind K) {
    if (Path.empty())
      Mark(K);
    else
      byType(Path, AllowRegistryField, Out.Functions, Out.Fields);
  };
  auto From = [&](const FlowValue &V) {
    const Resolution &R = resolved(V, Depth + 1, AllowRegistryField);
    Out.Functions.append(R.Functions.begin(), R.Functions.end());
    Out.Fields.append(R.Fields.begin(), R.Fields.end());
    Out.Unresolved |= R.Unresolved;
  };
  if (Depth > MaxResolveDepth) {
    Mark(UnresolvedKind::TooDeep);
    byType(W.Path, AllowRegistryField, Out.Functions, Out.Fields);
    return;
  }
  switch (W.Kind) {
  case FlowValue::Base::Function:
    if (W.Path.empty())
      Out.Functions.push_back(G.getOrAddNode(W.Name, W.spell()));
    return;
  case FlowValue::Base::Param:
    return; // Bound at call sites, never here.
  case FlowValue::Base::Global: {
    if (!W.Path.empty() && isRegistryField(W.Path.back()) && !AllowRegistryField)
      return;
    auto It = Contents.find(W.Name);
    if (It == Contents.end()) {
      // Nothing indexed writes it (defined outside the tree, or written in
      // ways facts do not see): only its type is known.
      ByTypeOr(W.Path, UnresolvedKind::Global);
      return;
    }
    for (const auto &[Part, V] : It->second)
      if (pathHasPrefix(W.Path, Part))
        From(V.append(llvm::ArrayRef<std::string>(W.Path).drop_front(Part.size())));
    return;
  }
  case FlowValue::Base::Return: {
    NodeId F = G.lookup(W.Name);
    auto It = F == NoNode ? ReturnsOf.end() : ReturnsOf.find(F);
    if (It == ReturnsOf.end()) {
      ByTypeOr(W.Path, UnresolvedKind::Return);
      return;
    }
    for (uint32_t R : It->second) {
      const FlowValue &V = G.Returns[R].Value;
      if (V.isParam()) {
        // What a caller passed in, returned: not bound per call site.
        ByTypeOr(FlowValue::unknown().append(V.Path).append(W.Path).Path,
                 UnresolvedKind::Return);
        continue;
      }
      From(V.append(W.Path));
    }
    return;
  }
  case FlowValue::Base::Unknown:
    ByTypeOr(W.Path, UnresolvedKind::Expression);
    return;
  }
}

void ValueFlow::addEdges(NodeId Caller, const FlowValue &W, const Loc &Site, FieldId Label,
                         llvm::ArrayRef<CallGraph::HoistStep> Chain,
                         bool AllowRegistryField) {
  addResolvedEdges(Caller, W, resolved(W, 0, AllowRegistryField), Site, Label, Chain,
                   /*LastStepAt=*/nullptr);
}

void ValueFlow::addResolvedEdges(NodeId Caller, const FlowValue &W, const Resolution &R,
                                 const Loc &Site, FieldId Label,
                                 llvm::ArrayRef<CallGraph::HoistStep> Chain,
                                 const Loc *LastStepAt, FieldId Through) {
  for (unsigned K = 0; K < NumUnresolvedKinds; ++K)
    if (R.Unresolved & (1u << K))
      unresolved(Caller, Site, UnresolvedKind(K), W);
  llvm::ArrayRef<NodeId> Functions = R.Functions;
  llvm::ArrayRef<FieldId> Fields = R.Fields;
  // The chain is kept once an edge needs it: a dispatch binds every item on
  // its head, call path by call path, and most of those edges exist already
  // (on the whole kernel, keeping a chain per attempt took 11 GB).
  uint32_t Hoist = 0;
  auto hoist = [&] {
    if (!Hoist && !Chain.empty()) {
      G.HoistChains.emplace_back(Chain.begin(), Chain.end());
      if (LastStepAt)
        G.HoistChains.back().back().second = *LastStepAt;
      Hoist = G.HoistChains.size();
    }
    return Hoist;
  };
  if (!Through && !W.Path.empty())
    Through = G.internField(W.Path.back());
  // A call through a value found here names the field it read last, as a
  // call through a field always has; a bare global or result its spelling.
  if (!Label)
    Label = Through ? Through : G.internField(W.spell());
  for (NodeId F : Functions) {
    if (!EdgeSeen.insert({Caller, F, Site.File, Site.Line, Site.Column}).second)
      continue;
    Edge E{F, Site, EdgeKind::Bound};
    E.Label = Label;
    E.Through = Through;
    E.Hoist = hoist();
    if (Through)
      G.fieldNode(Through); // So a rule can make the field a sink or a boundary.
    G.addEdge(Caller, E);
    ++G.Flow.BoundCalls;
  }
  for (FieldId F : Fields) {
    NodeId FN = G.fieldNode(F);
    if (!EdgeSeen.insert({Caller, FN, Site.File, Site.Line, Site.Column}).second)
      continue;
    if (!Chain.empty()) {
      // Type-based, but on a callee's behalf: bound, through the field.
      Edge E{FN, Site, EdgeKind::Bound};
      E.Label = Label;
      E.Hoist = hoist();
      E.HoistLength = uint16_t(std::min<size_t>(Chain.size(), UINT16_MAX));
      G.addEdge(Caller, E);
      continue;
    }
    G.addEdge(Caller, {FN, Site, EdgeKind::FieldCall});
  }
}

std::string ValueFlow::headKey(const FlowValue &Head, unsigned Depth) const {
  // A head inside an object is known by the field that holds it, however
  // the object was reached (a global, a parameter, a list): registration
  // and call must meet on the same key. A global head itself is its name.
  if (!Head.Path.empty())
    return "?" + Head.Path.back();
  if (Head.Kind == FlowValue::Base::Global)
    return Head.encode();
  // A head a function hands out (a hashed wait-queue table's entry): what
  // it returns, when that is one head.
  if (Head.Kind == FlowValue::Base::Return && Depth < 4) {
    NodeId F = G.lookup(Head.Name);
    auto It = F == NoNode ? ReturnsOf.end() : ReturnsOf.find(F);
    if (It == ReturnsOf.end())
      return std::string();
    std::string Key;
    for (uint32_t R : It->second) {
      std::string K = headKey(G.Returns[R].Value, Depth + 1);
      if (K.empty() || (!Key.empty() && K != Key))
        return std::string();
      Key = K;
    }
    return Key;
  }
  return std::string();
}

const std::vector<ValueFlow::DispatchItem> &ValueFlow::itemsOnHead(unsigned Registry,
                                                                   const std::string &Key) {
  auto [It, New] = HeadItems.try_emplace({Registry, Key});
  if (!New)
    return It->second;
  std::vector<Item> Items = RegisteredAnywhere[Registry];
  if (Key.empty()) {
    for (auto &Entry : Registered[Registry])
      llvm::append_range(Items, Entry.getValue());
  } else if (auto Head = Registered[Registry].find(Key); Head != Registered[Registry].end()) {
    llvm::append_range(Items, Head->getValue());
  }
  for (const auto &[Callback, Where] : Items) {
    const Resolution &Targets = resolved(Callback, 0, /*AllowRegistryField=*/true);
    It->second.push_back({Callback, &Targets, Where});
  }
  return It->second;
}

void ValueFlow::run() {
  const size_t N = G.size();
  Effects.resize(N);
  SeenEffects.resize(N);
  Callers.resize(N);
  for (const Registry &R : Config.Registries)
    RegistryFields.insert(R.Field);
  Registered.resize(Config.Registries.size());
  RegisteredAnywhere.resize(Config.Registries.size());

  for (NodeId From = 0; From < N; ++From)
    for (uint32_t I = 0; I < G.edges(From).size(); ++I)
      if (G.edges(From)[I].Kind == EdgeKind::Direct)
        Callers[G.edges(From)[I].To].push_back({From, I});
  for (uint32_t I = 0; I < G.Arguments.size(); ++I) {
    const CallGraph::ArgumentRow &A = G.Arguments[I];
    ArgsAt[{A.Caller, A.Callee, A.Site.File, A.Site.Line, A.Site.Column}].push_back(I);
    if (A.Value.Kind == FlowValue::Base::Function)
      if (NodeId F = G.lookup(A.Value.Name); F != NoNode)
        AddressTaken.insert(F);
  }
  for (uint32_t I = 0; I < G.Returns.size(); ++I)
    ReturnsOf[G.Returns[I].Function].push_back(I);
  for (uint32_t I = 0; I < G.Assigns.size(); ++I)
    if (const CallGraph::AssignRow &A = G.Assigns[I];
        A.Owner != NoNode && !A.Target.Path.empty() &&
        A.Target.Kind == FlowValue::Base::Return && isFresh(A.Target))
      FreshWrites[A.Owner].push_back(I);
  for (const Store &S : G.Stores)
    AddressTaken.insert(S.Target);
  for (const CallGraph::AssignRow &A : G.Assigns)
    if (A.Value.Kind == FlowValue::Base::Function)
      if (NodeId F = G.lookup(A.Value.Name); F != NoNode)
        AddressTaken.insert(F);
  for (const CallGraph::ReturnRow &R : G.Returns)
    if (R.Value.Kind == FlowValue::Base::Function)
      if (NodeId F = G.lookup(R.Value.Name); F != NoNode)
        AddressTaken.insert(F);

  // Each function's own effects, and the registry APIs' built-in ones.
  for (const CallGraph::ValueCallRow &V : G.ValueCalls) {
    if (V.Value.isParam())
      addEffect(V.Caller, {EffectKind::Invoke, 0, V.Value, {}, V.Site, 0});
    else
      addConcrete(V.Caller, {EffectKind::Invoke, 0, V.Value, {}, V.Site, 0});
  }
  for (const CallGraph::AssignRow &A : G.Assigns) {
    Effect E{EffectKind::Assign, 0, A.Target, A.Value, A.Site, 0};
    if (!A.Value.isParam())
      applyAssign(A.Target, A.Value, A.Site, /*FromFacts=*/true);
    if (A.Owner != NoNode && hasParam(E))
      addEffect(A.Owner, std::move(E));
  }
  // Registry APIs by name: a header's static inline (the wait queue's
  // __add_wait_queue) is keyed by its file.
  llvm::StringMap<llvm::SmallVector<NodeId, 1>> ByName;
  if (!Config.Registries.empty())
    for (NodeId F = 0; F < N; ++F)
      if (G.Nodes[F].Kind == NodeKind::Function)
        ByName[G.Nodes[F].Name].push_back(F);
  for (unsigned R = 0; R < Config.Registries.size(); ++R) {
    const Registry &Reg = Config.Registries[R];
    for (const RegistryApi &Api : Reg.Register)
      for (NodeId F : ByName.lookup(Api.Function))
        addEffect(F, {EffectKind::Register, R, FlowValue::param(Api.Head, "head"),
                      FlowValue::param(Api.Item, "item").member(Reg.Field), G.Nodes[F].Def, 0});
    for (const RegistryApi &Api : Reg.Call)
      for (NodeId F : ByName.lookup(Api.Function))
        addEffect(F, {EffectKind::Dispatch, R, FlowValue::param(Api.Head, "head"), {},
                      G.Nodes[F].Def, 0});
  }

  // Effects of functions defined elsewhere (a per-TU check reads them from
  // the index); a function's own facts take precedence.
  for (auto &[F, List] : G.ExternalEffects)
    if (F < N && !G.Nodes[F].Defined)
      for (const Effect &E : List)
        addEffect(F, E);

  // Up the call graph, one function's new effect at a time.
  // Each phase is one event of --time-trace.
  std::optional<llvm::TimeTraceScope> Phase;
  Phase.emplace("value flow: effects up the call graph");
  while (!Work.empty()) {
    auto [F, Index] = Work.front();
    Work.pop_front();
    Effect E = Effects[F][Index];
    instantiate(F, E);
  }

  // Functions whose callers are not all known (their address is taken: an
  // ops table, an initcall, a callback): their parameters are known by type
  // only. A function nothing in the tree calls or takes the address of
  // (an export only modules outside the tree use) has no calls to bind.
  for (NodeId F = 0; F < N; ++F) {
    if (!AddressTaken.count(F))
      continue;
    for (const Effect &E : Effects[F]) {
      if (E.K == EffectKind::Invoke) {
        if (E.A.Path.empty()) {
          unresolved(F, E.Site, UnresolvedKind::Parameter, E.A);
          continue;
        }
        Effect Typed = E;
        Typed.A = FlowValue::unknown().append(E.A.Path);
        addConcrete(F, std::move(Typed));
      } else if (E.K == EffectKind::Register || E.K == EffectKind::Dispatch) {
        Effect Typed = E;
        if (Typed.A.isParam())
          Typed.A = FlowValue::unknown().append(E.A.Path);
        if (Typed.B.isParam())
          Typed.B = FlowValue::unknown().append(E.B.Path);
        addConcrete(F, std::move(Typed));
      }
    }
  }

  // Registrations first: dispatches read them.
  Phase.reset();
  Phase.emplace("value flow: resolve at the call sites");
  for (const CallGraph::RegistrationRow &R : G.ExternalRegistrations)
    for (unsigned I = 0; I < Config.Registries.size(); ++I)
      if (Config.Registries[I].Field == R.RegistryField) {
        if (R.Head.empty())
          RegisteredAnywhere[I].push_back({R.Callback, R.Site});
        else
          Registered[I][R.Head].push_back({R.Callback, R.Site});
      }
  for (const Concrete &C : Concretes) {
    if (C.E.K == EffectKind::Assign)
      applyAssign(C.E.A, C.E.B, C.E.Site);
    if (C.E.K != EffectKind::Register)
      continue;
    std::string Key = headKey(C.E.A);
    if (Key.empty())
      RegisteredAnywhere[C.E.Registry].push_back({C.E.B, C.E.Site});
    else
      Registered[C.E.Registry][Key].push_back({C.E.B, C.E.Site});
    G.Registrations.push_back({Config.Registries[C.E.Registry].Field, Key, C.E.B, C.E.Site});
  }
  for (const Concrete &C : Concretes) {
    switch (C.E.K) {
    case EffectKind::Invoke:
      addEdges(C.Caller, C.E.A, C.E.Site, C.E.Label, C.E.Chain);
      break;
    case EffectKind::Dispatch: {
      std::string Key = headKey(C.E.A);
      if (Key.empty())
        unresolved(C.Caller, C.E.Site, UnresolvedKind::UnknownHead, C.E.A);
      size_t Before = G.Flow.BoundCalls;
      // The chain's last call is the registry's: shown where the item was
      // registered.
      for (const DispatchItem &OnHead : itemsOnHead(C.E.Registry, Key))
        addResolvedEdges(C.Caller, OnHead.Callback, *OnHead.Targets, C.E.Site, C.E.Label,
                         C.E.Chain, OnHead.Where.File ? &OnHead.Where : nullptr,
                         G.internField(Config.Registries[C.E.Registry].Field));
      G.Flow.RegistryCalls += G.Flow.BoundCalls - Before;
      break;
    }
    case EffectKind::Assign:
    case EffectKind::Register:
      break;
    }
  }
}

void resolveValueFlow(CallGraph &G, const ValueFlowConfig &Config) {
  ValueFlow(G, Config).run();
}

} // namespace kreach
