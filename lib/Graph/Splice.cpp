//===- Splice.cpp - A finalized graph updated for one changed TU ----------===//
//
// The TU's facts before and after are compared kind by kind, owner by owner,
// with positions in the changed file left out: what value flow reads must
// come out the same, and the changed file's positions pair up, giving where
// each old position went. A changed function's direct calls are aligned
// (longest common subsequence), so that an inserted call does not make every
// later one look new. Then every position the graph holds in the file must be
// one the pairs account for, or the splice is refused.
//
//===----------------------------------------------------------------------===//

#include "kreach/GraphSplice.h"

#include "kreach/FactKinds.h"
#include "kreach/FlowValue.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/TimeProfiler.h"
#include "llvm/Support/raw_ostream.h"
#include <map>
#include <set>

namespace kreach {

namespace {

/// One fact, as compared: everything but its position in the changed file.
struct FactRecord {
  std::string Content;
  const SourcePos *Site = nullptr;
  llvm::StringRef Callee, CalleeName; ///< For a call.
  llvm::StringRef Value;              ///< For a value called or passed.
  /// The changed functions' stack objects the fact names, as spelled
  /// (their names hold their declaration's line, left out of Content).
  std::vector<std::string> Locals;
};

using GroupKey = std::pair<FactKind, std::string>; ///< Kind, owner ("" at file scope).
using Groups = std::map<GroupKey, std::vector<FactRecord>>;

/// Line and column in one 64-bit key.
uint64_t posKey(uint32_t Line, uint32_t Column) { return (uint64_t(Line) << 32) | Column; }

std::string nodeText(const CallGraph &G, NodeId N) {
  const Node &Nd = G.node(N);
  return Nd.Kind == NodeKind::Field ? "field:" + Nd.Name : Nd.Key;
}

std::string locText(const CallGraph &G, const Loc &L) {
  return G.file(L.File) + ":" + std::to_string(L.Line) + ":" + std::to_string(L.Column);
}

/// An edge by what it says, not by the ids of one graph; without its sites,
/// what it calls wherever the call is.
std::string edgeText(const CallGraph &G, const Edge &E, bool WithSites = true) {
  std::string T = std::to_string(int(E.Kind)) + "|" + nodeText(G, E.To) + "|" +
                  (WithSites ? locText(G, E.Site) : "") + "|" +
                  (E.Label ? G.field(E.Label) : "") + "|" +
                  (E.Through ? G.field(E.Through) : "") + "|" + std::to_string(E.HoistLength);
  for (const auto &[N, L] : G.hoistChain(E.Hoist))
    T += "|" + nodeText(G, N) + (WithSites ? "@" + locText(G, L) : "");
  return T;
}

/// What Text says of each item, sorted: two graphs' sets compared by what
/// they hold, not by ids or order.
template <typename RangeT, typename TextFn>
std::vector<std::string> sortedTexts(const RangeT &Items, TextFn Text) {
  std::vector<std::string> Out;
  for (const auto &Item : Items)
    Out.push_back(Text(Item));
  llvm::sort(Out);
  return Out;
}

/// Bounds the alignment of one function's calls (its table is quadratic).
constexpr size_t MaxAlignCells = size_t(1) << 24;

} // namespace

/// For each file, the nodes with a definition or a call there, the nodes
/// with an effect there (its site or a step of its chain), and the hoist
/// chains with a step there; for each chain, the nodes with a call that
/// uses it; the nodes with an effect naming a stack object. A splice moves
/// the positions of one file, so it visits only that file's, instead of
/// every node, edge and effect of the graph for each TU it splices. Lists
/// are sorted and may hold more than they need to (a splice adds, never
/// removes): each visit still checks the position's file.
struct CallGraph::LocationIndex {
  std::vector<std::vector<NodeId>> Nodes, EffectNodes;
  std::vector<std::vector<uint32_t>> Chains; ///< Chain numbers (Edge::Hoist).
  std::vector<std::vector<NodeId>> ChainUsers; ///< By chain number.
  std::vector<NodeId> StackNaming;

  static void add(std::vector<NodeId> &List, NodeId N) {
    auto It = std::lower_bound(List.begin(), List.end(), N);
    if (It == List.end() || *It != N)
      List.insert(It, N);
  }
  template <typename T> static std::vector<T> &slot(std::vector<std::vector<T>> &Of, size_t I) {
    if (I >= Of.size())
      Of.resize(I + 1);
    return Of[I];
  }
  template <typename T>
  static llvm::ArrayRef<T> at(const std::vector<std::vector<T>> &Of, size_t I) {
    return I < Of.size() ? llvm::ArrayRef<T>(Of[I]) : llvm::ArrayRef<T>();
  }
  /// Each list N's positions belong in, given to Add with N.
  template <typename AddFn> void eachListOf(const CallGraph &G, NodeId N, AddFn Add) {
    if (G.Nodes[N].Def.File)
      Add(slot(Nodes, G.Nodes[N].Def.File), N);
    if (N + 1 < G.EdgeStart.size()) {
      // A function's calls are mostly in one file: each file once in a row.
      FileId Last = ~FileId(0);
      for (uint32_t I = G.EdgeStart[N]; I < G.EdgeStart[N + 1]; ++I) {
        const Edge &E = G.FlatEdges[I];
        if (E.Site.File != Last) {
          Last = E.Site.File;
          Add(slot(Nodes, Last), N);
        }
        if (E.Hoist)
          Add(slot(ChainUsers, E.Hoist), N);
      }
    }
    if (N < G.Effects.size())
      for (const ValueEffect &E : G.Effects[N]) {
        Add(slot(EffectNodes, E.Site.File), N);
        for (const auto &Step : E.Chain)
          Add(slot(EffectNodes, Step.second.File), N);
        if (E.A.Name.find('#') != std::string::npos || E.B.Name.find('#') != std::string::npos)
          Add(StackNaming, N);
      }
  }
  /// N's positions, as they are now.
  void addNode(const CallGraph &G, NodeId N) { eachListOf(G, N, add); }
  void addChain(const CallGraph &G, uint32_t Number) {
    for (const auto &Step : G.HoistChains[Number - 1]) {
      std::vector<uint32_t> &List = slot(Chains, Step.second.File);
      auto It = std::lower_bound(List.begin(), List.end(), Number);
      if (It == List.end() || *It != Number)
        List.insert(It, Number);
    }
  }
  /// The whole graph's, in one pass (each list comes out sorted: nodes and
  /// chains are visited in order, and a list's last entry is the one
  /// being added when it is already there).
  explicit LocationIndex(const CallGraph &G) {
    for (NodeId N = 0; N < G.Nodes.size(); ++N)
      eachListOf(G, N, [](std::vector<NodeId> &List, NodeId N) {
        if (List.empty() || List.back() != N)
          List.push_back(N);
      });
    for (uint32_t C = 0; C < G.HoistChains.size(); ++C)
      for (const auto &Step : G.HoistChains[C]) {
        std::vector<uint32_t> &List = slot(Chains, Step.second.File);
        if (List.empty() || List.back() != C + 1)
          List.push_back(C + 1);
      }
  }
};

void CallGraph::indexLocations() {
  if (!Locations)
    Locations = std::make_shared<LocationIndex>(*this);
}

class GraphSplicer {
public:
  GraphSplicer(CallGraph &G, const ValueFlowConfig &Config, llvm::StringRef Main,
               const TUFacts &Old, const TUFacts &New,
               llvm::function_ref<bool(llvm::StringRef)> DefinedElsewhere,
               llvm::function_ref<LocalGraphs(const CallGraph &)> BuildLocal)
      : G(G), Config(Config), Main(Main), Old(Old), New(New),
        DefinedElsewhere(DefinedElsewhere), BuildLocal(BuildLocal),
        ChainsAtStart(uint32_t(G.HoistChains.size())) {}

  SpliceResult run();

private:
  void collect(const TUFacts &F, Groups &Out) const;
  bool mapPosition(const SourcePos &From, const SourcePos &To);
  /// Whether Name is a stack object of a changed function ("<function
  /// key>#<name>:<line>").
  bool isOwnedLocal(llvm::StringRef Name) const {
    size_t Hash = Name.rfind('#'), Colon = Name.rfind(':');
    return Hash != llvm::StringRef::npos && Colon != llvm::StringRef::npos && Colon > Hash &&
           Colon + 1 < Name.size() &&
           llvm::all_of(Name.substr(Colon + 1), [](char C) { return C >= '0' && C <= '9'; }) &&
           Owned.count(Name.take_front(Hash));
  }
  /// The stack objects of two facts that pair up: where each is now.
  bool mapLocals(const FactRecord &From, const FactRecord &To);
  /// Text with every stack object that moved named as it is now.
  std::string renamed(llvm::StringRef Text) const;
  bool compareFunctions();
  bool compareGroups();
  bool align(FactKind Kind, llvm::StringRef Owner, const std::vector<FactRecord> &Before,
             const std::vector<FactRecord> &After);
  /// Redoes value flow for the changed functions on the TU's own graphs.
  bool checkLocalGraphs();
  /// An edge of graph From, in G's terms (nodes made as needed).
  bool translate(const CallGraph &From, const Edge &E, Edge &Out);
  bool callMayChange(llvm::StringRef Callee, llvm::StringRef Name, llvm::StringRef Owner,
                     const SourcePos &Site);
  bool checkBaseEdges();
  /// Whether a changed function's edge is made again from the new facts
  /// (its direct calls; every edge but the masks' when value flow is redone).
  bool rebuilt(const Edge &E) const {
    return E.Kind == EdgeKind::Direct || (NeedsValueFlow && E.Kind != EdgeKind::MaskCall);
  }
  /// Calls Each on every position the graph holds in the changed file,
  /// except the owned functions' direct calls (rebuilt from the facts);
  /// Each returns false to stop.
  template <typename Fn> bool eachLoc(Fn Each);
  void replaceEdgeRuns(llvm::DenseMap<NodeId, std::vector<Edge>> &Lists);
  void apply(SpliceResult &Out);
  /// The value-flow figures moved by what the TU's own graphs say changed.
  void applyLocalStats(llvm::DenseSet<NodeId> &Moved);
  bool refuse(std::string Why) {
    if (Refused.empty())
      Refused = std::move(Why);
    return false;
  }

  CallGraph &G;
  const ValueFlowConfig &Config;
  llvm::StringRef Main;
  const TUFacts &Old, &New;
  llvm::function_ref<bool(llvm::StringRef)> DefinedElsewhere;
  llvm::function_ref<LocalGraphs(const CallGraph &)> BuildLocal;
  /// The hoist chains the graph had before this splice made any.
  uint32_t ChainsAtStart;
  /// Whether value flow must be redone for the changed functions.
  bool NeedsValueFlow = false;
  LocalGraphs Local;
  /// Hoist chains of edges kept, by chain number (Edge::Hoist): the scan
  /// of every edge sets one bit each, no hashing.
  std::vector<bool> LiveChains;
  std::string Refused;
  FileId MainId = 0; ///< 0: the graph holds nothing in the changed file.
  /// Where each old position in the changed file is now.
  llvm::DenseMap<uint64_t, uint64_t> Moved;
  /// What each moved stack object of a changed function is named now.
  std::map<std::string, std::string> Renamed;
  std::set<std::string> RenamedTo;
  /// Functions defined in the changed file, before or after.
  llvm::StringSet<> Owned;
  /// Their nodes in the base graph (looked up once: a whole tree's keys are
  /// too many to hash node by node).
  llvm::DenseSet<NodeId> OwnedNodes;
  /// The same as bits, for the scans of every node.
  std::vector<bool> OwnedBits;
  bool ownedBit(NodeId N) const { return N < OwnedBits.size() && OwnedBits[N]; }
  /// Header functions whose facts only one side has (used before or after
  /// only), defined by other TUs too: left as the graph has them.
  llvm::StringSet<> Skipped;
  llvm::StringMap<const FunctionFact *> OldFunctions, NewFunctions;
  Groups OldGroups, NewGroups;
  llvm::StringSet<> RegistryApis;
};

void GraphSplicer::collect(const TUFacts &F, Groups &Out) const {
  llvm::SmallVector<FactValue, 8> Values;
  for (const FactKindInfo &K : factKinds()) {
    for (size_t I = 0, N = factCount(F, K.Kind); I < N; ++I) {
      Values.clear();
      factValues(F, K.Kind, I, Values);
      FactRecord R;
      std::string Owner;
      llvm::raw_string_ostream OS(R.Content);
      for (size_t C = 0; C < K.Columns.size(); ++C) {
        const FactValue &V = Values[C];
        switch (K.Columns[C].Kind) {
        case ColumnKind::Owner:
          Owner = V.Text.str();
          break;
        case ColumnKind::File:
          R.Site = V.Site;
          OS << V.Text << '\x1f';
          break;
        case ColumnKind::Line:
        case ColumnKind::Col:
          break; // Below, unless the position is the changed file's.
        case ColumnKind::Symbol:
          if (K.Kind == FactKind::Call || K.Kind == FactKind::Argument) {
            R.Callee = V.Text;
            R.CalleeName = V.Name;
          }
          OS << V.Text << '\x1f';
          break;
        case ColumnKind::Integer:
          OS << V.Int << '\x1f';
          break;
        case ColumnKind::OwnerTU:
        case ColumnKind::Field:
        case ColumnKind::Text:
          if (K.Columns[C].Name == "value")
            R.Value = V.Text;
          if (K.Columns[C].Name == "value" || K.Columns[C].Name == "target")
            if (std::optional<FlowValue> FV = FlowValue::decode(V.Text);
                FV && FV->Kind == FlowValue::Base::Global && isOwnedLocal(FV->Name)) {
              R.Locals.push_back(FV->Name);
              FV->Name = FV->Name.substr(0, FV->Name.rfind(':') + 1) + "L";
              OS << FV->encode() << '\x1f';
              break;
            }
          OS << V.Text << '\x1f';
          break;
        }
      }
      if (R.Site && R.Site->File != Main)
        OS << R.Site->Line << ':' << R.Site->Column;
      Out[{K.Kind, Owner}].push_back(std::move(R));
    }
  }
}

bool GraphSplicer::mapPosition(const SourcePos &From, const SourcePos &To) {
  if (From.File != Main || To.File != Main)
    return true;
  auto [It, Inserted] = Moved.try_emplace(posKey(From.Line, From.Column),
                                          posKey(To.Line, To.Column));
  if (!Inserted && It->second != posKey(To.Line, To.Column))
    return refuse("two facts at one position of " + Main.str() + " moved apart");
  return true;
}

bool GraphSplicer::mapLocals(const FactRecord &From, const FactRecord &To) {
  for (size_t I = 0; I < From.Locals.size() && I < To.Locals.size(); ++I) {
    auto [It, Inserted] = Renamed.try_emplace(From.Locals[I], To.Locals[I]);
    if (!Inserted && It->second != To.Locals[I])
      return refuse("a stack object of " + Main.str() + " moved apart from itself");
    if (Inserted && !RenamedTo.insert(To.Locals[I]).second)
      return refuse("two stack objects of " + Main.str() + " became one");
  }
  return true;
}

std::string GraphSplicer::renamed(llvm::StringRef Text) const {
  std::string Out = Text.str();
  for (const auto &[From, To] : Renamed) {
    if (From == To)
      continue;
    // "f#x:63" is no part of "f#x:637".
    for (size_t At = Out.find(From); At != std::string::npos;
         At = Out.find(From, At + To.size())) {
      size_t End = At + From.size();
      if (End < Out.size() && Out[End] >= '0' && Out[End] <= '9') {
        At = End - To.size();
        continue;
      }
      Out.replace(At, From.size(), To);
    }
  }
  return Out;
}

bool GraphSplicer::compareFunctions() {
  for (const FunctionFact &F : Old.Functions)
    OldFunctions[F.Key] = &F;
  for (const FunctionFact &F : New.Functions)
    NewFunctions[F.Key] = &F;
  for (const auto &Side : {&OldFunctions, &NewFunctions})
    for (const auto &Entry : *Side)
      if (Entry.getValue()->Loc.File == Main)
        Owned.insert(Entry.getKey());
  OwnedBits.assign(G.Nodes.size(), false);
  for (const auto &Entry : Owned)
    if (NodeId N = G.lookup(Entry.getKey()); N != NoNode) {
      OwnedNodes.insert(N);
      OwnedBits[N] = true;
    }
  for (const auto &Entry : OldFunctions) {
    const FunctionFact &F = *Entry.getValue();
    auto Now = NewFunctions.find(F.Key);
    if (Now != NewFunctions.end()) {
      const FunctionFact &N = *Now->getValue();
      if (F.Loc.File == Main || N.Loc.File == Main) {
        if (F.Loc.File != N.Loc.File)
          return refuse("function " + F.Name + " moved to another file");
        if (!mapPosition(F.Loc, N.Loc))
          return false;
      } else if (F.Loc.Line != N.Loc.Line || F.Loc.Column != N.Loc.Column ||
                 F.Loc.File != N.Loc.File) {
        return refuse("header function " + F.Name + " is defined elsewhere now");
      }
      continue;
    }
    if (F.Loc.File == Main)
      continue; // Removed by the change.
    // A header inline the TU no longer uses: other TUs' facts still hold it.
    if (!DefinedElsewhere(F.Key))
      return refuse("header function " + F.Name + " is no longer defined by any TU");
    Skipped.insert(F.Key);
  }
  for (const auto &Entry : NewFunctions) {
    const FunctionFact &F = *Entry.getValue();
    if (OldFunctions.count(F.Key) || F.Loc.File == Main)
      continue;
    // A header inline the TU uses now: the graph has it from another TU.
    NodeId N = G.lookup(F.Key);
    if (N == NoNode || !G.node(N).Defined || G.file(G.node(N).Def.File) != F.Loc.File ||
        G.node(N).Def.Line != F.Loc.Line || G.node(N).Def.Column != F.Loc.Column)
      return refuse("header function " + F.Name + " is new to the tree");
    Skipped.insert(F.Key);
  }
  return true;
}

bool GraphSplicer::callMayChange(llvm::StringRef Callee, llvm::StringRef Name,
                                 llvm::StringRef Owner, const SourcePos &Site) {
  if (RegistryApis.count(Name))
    return refuse("a call to the registration API " + Name.str() + " changed");
  // A callee with effects binds the call's arguments: value flow is redone
  // for the caller. One that writes or registers what it is passed changes
  // what other TUs' calls resolve to.
  if (NodeId N = G.lookup(Callee); N != NoNode)
    for (const ValueEffect &E : G.effectsOf(N)) {
      if (E.K == ValueEffect::Kind::Assign || E.K == ValueEffect::Kind::Register)
        return refuse("a call to " + Name.str() + ", which stores or registers what it is " +
                      "passed, changed");
      NeedsValueFlow = true;
    }
  // A call at an indirect call's position stands for it in the precision
  // figures.
  auto Types = OldGroups.find({FactKind::CallType, Owner.str()});
  if (Types != OldGroups.end())
    for (const FactRecord &T : Types->second)
      if (T.Site && T.Site->File == Site.File && T.Site->Line == Site.Line &&
          T.Site->Column == Site.Column)
        return refuse("a call at an indirect call's position changed");
  return true;
}

bool GraphSplicer::align(FactKind Kind, llvm::StringRef Owner,
                         const std::vector<FactRecord> &Before,
                         const std::vector<FactRecord> &After) {
  const size_t N = Before.size(), M = After.size();
  if ((N + 1) * (M + 1) > MaxAlignCells)
    return refuse("a function with too many calls to align");
  // Lengths of the longest common subsequence of suffixes.
  std::vector<uint32_t> L((N + 1) * (M + 1), 0);
  auto At = [&](size_t I, size_t J) -> uint32_t & { return L[I * (M + 1) + J]; };
  for (size_t I = N; I-- > 0;)
    for (size_t J = M; J-- > 0;)
      At(I, J) = Before[I].Content == After[J].Content
                     ? At(I + 1, J + 1) + 1
                     : std::max(At(I + 1, J), At(I, J + 1));
  // What was added or removed: a call is judged by its callee; a callback
  // passed or a value called is value flow's.
  auto Changed = [&](const FactRecord &R) {
    if (Kind == FactKind::Call || Kind == FactKind::Argument)
      if (!callMayChange(R.Callee, R.CalleeName, Owner, *R.Site))
        return false;
    if (Kind == FactKind::Call)
      return true;
    // A parameter (the function's own effect, compared below), a function,
    // or nothing known: the TU's own graph resolves them as the tree does.
    // A global, a result or typed memory would need the tree's knowledge of
    // what they hold.
    std::optional<FlowValue> V = FlowValue::decode(R.Value);
    bool Local = V && (V->Kind == FlowValue::Base::Param ||
                       V->Kind == FlowValue::Base::Function ||
                       (V->Kind == FlowValue::Base::Global && isOwnedLocal(V->Name)) ||
                       (V->Kind == FlowValue::Base::Unknown && V->Path.empty() &&
                        Kind == FactKind::Argument));
    if (!Local)
      return refuse("a changed function now calls or passes a value only the whole tree " +
                    std::string("resolves (") + R.Value.str() + ")");
    NeedsValueFlow = true;
    return true;
  };
  size_t I = 0, J = 0;
  while (I < N || J < M) {
    if (I < N && J < M && Before[I].Content == After[J].Content) {
      if (Before[I].Site && !mapPosition(*Before[I].Site, *After[J].Site))
        return false;
      if (!mapLocals(Before[I], After[J]))
        return false;
      ++I;
      ++J;
    } else if (J == M || (I < N && At(I + 1, J) >= At(I, J + 1))) {
      if (!Changed(Before[I++]))
        return false;
    } else {
      if (!Changed(After[J++]))
        return false;
    }
  }
  return true;
}

bool GraphSplicer::compareGroups() {
  collect(Old, OldGroups);
  collect(New, NewGroups);
  // A function passed as a value has callers nobody sees: its parameters
  // resolve by type. One the tree already takes the address of may be
  // passed anew; one the TU stops passing may be taken nowhere else now.
  auto Passed = [](const TUFacts &F) {
    std::set<std::string> Out;
    for (const ArgumentFact &A : F.Arguments)
      if (std::optional<FlowValue> V = FlowValue::decode(A.Value);
          V && V->Kind == FlowValue::Base::Function)
        Out.insert(V->Name);
    return Out;
  };
  std::set<std::string> Was = Passed(Old), Now = Passed(New);
  for (const std::string &F : Was)
    if (!Now.count(F))
      return refuse("the change no longer passes " + F + " as a value");
  for (const std::string &F : Now)
    if (!Was.count(F))
      if (NodeId N = G.lookup(F); N == NoNode || !G.isAddressTaken(N))
        return refuse("the change passes " + F + ", whose address nothing took before, as a value");
  std::set<GroupKey> Keys;
  for (const auto &[K, V] : OldGroups)
    Keys.insert(K);
  for (const auto &[K, V] : NewGroups)
    Keys.insert(K);
  static const std::vector<FactRecord> None;
  for (const GroupKey &K : Keys) {
    if (Skipped.count(K.second))
      continue;
    auto O = OldGroups.find(K), N = NewGroups.find(K);
    const std::vector<FactRecord> &Before = O == OldGroups.end() ? None : O->second;
    const std::vector<FactRecord> &After = N == NewGroups.end() ? None : N->second;
    // Within a changed function, calls, callbacks passed and values
    // called may change; the rest of what value flow reads may not.
    bool Relaxed = K.first == FactKind::Call || K.first == FactKind::Argument ||
                   K.first == FactKind::ValueCall;
    if (Relaxed && Owned.count(K.second)) {
      if (!align(K.first, K.second, Before, After))
        return false;
      continue;
    }
    bool Same = Before.size() == After.size();
    for (size_t I = 0; Same && I < Before.size(); ++I)
      Same = Before[I].Content == After[I].Content;
    if (!Same) {
      std::string Where = K.second.empty() ? std::string("at file scope")
                                           : "in " + K.second;
      return refuse(factKind(K.first).Table.str() + " facts " + Where +
                    " changed (value flow would see it)");
    }
    for (size_t I = 0; I < Before.size(); ++I)
      if ((Before[I].Site && !mapPosition(*Before[I].Site, *After[I].Site)) ||
          !mapLocals(Before[I], After[I]))
        return false;
  }
  return true;
}

bool GraphSplicer::checkLocalGraphs() {
  Local = BuildLocal(G);
  if (!Local.Error.empty())
    return refuse(Local.Error);
  if (!Local.Old || !Local.New)
    return refuse("the TU's own graphs could not be made");
  const CallGraph &LO = *Local.Old, &LN = *Local.New;
  auto Edges = [](const CallGraph &Of, NodeId N) {
    std::vector<std::string> Out;
    if (N != NoNode)
      for (const Edge &E : Of.edges(N))
        if (E.Kind != EdgeKind::MaskCall)
          Out.push_back(edgeText(Of, E));
    return Out;
  };
  // An effect whole, in order: where it arises and the way it was found
  // decide its callers' chains. Moved, the old graph's positions in the
  // changed file are given as they are now (or as unknown, which no new
  // position equals).
  auto EffectTexts = [&](const CallGraph &Of, NodeId N, bool Move) {
    auto At = [&](const Loc &L) {
      if (!Move || Of.file(L.File) != Main)
        return locText(Of, L);
      auto It = Moved.find(posKey(L.Line, L.Column));
      if (It == Moved.end())
        return std::string("?");
      return Of.file(L.File) + ":" + std::to_string(uint32_t(It->second >> 32)) + ":" +
             std::to_string(uint32_t(It->second));
    };
    std::vector<std::string> Out;
    if (N != NoNode)
      for (const ValueEffect &E : Of.effectsOf(N)) {
        std::string T = E.key() + "|" + At(E.Site) + "|" + (E.Label ? Of.field(E.Label) : "");
        for (const auto &[C, L] : E.Chain)
          T += "|" + nodeText(Of, C) + "@" + At(L);
        Out.push_back(std::move(T));
      }
    return Out;
  };
  // Where a position is the changed file's, it is left out.
  auto Where = [&](const CallGraph &Of, const Loc &L) {
    return Of.file(L.File) == Main ? std::string("main") : locText(Of, L);
  };
  for (const auto &Entry : Owned) {
    llvm::StringRef Key = Entry.getKey();
    NodeId Base = G.lookup(Key), InOld = LO.lookup(Key), InNew = LN.lookup(Key);
    bool Before = Base != NoNode && G.node(Base).Defined;
    // The TU's own value flow must be the tree's, or its answer for the
    // change cannot stand for the tree's.
    if (Before && Edges(G, Base) != Edges(LO, InOld))
      return refuse("the TU's own value flow gives " + G.node(Base).Name +
                    " other calls than the tree's");
    if (Before && EffectTexts(G, Base, false) != EffectTexts(LO, InOld, false))
      return refuse("the TU's own value flow gives " + G.node(Base).Name +
                    " other effects than the tree's");
    if (EffectTexts(LO, InOld, true) != EffectTexts(LN, InNew, false))
      return refuse("the change alters what " + Key.str() +
                    " does with its parameters (value flow in its callers would change)");
    // A call through a value binds the masks passed at it to what it
    // resolves to (addMaskEdges), from facts the TU's graph may not hold.
    if (Before && InNew != NoNode) {
      std::set<std::string> Was, Now;
      for (const std::string &T : Edges(G, Base))
        Was.insert(T);
      for (const std::string &T : Edges(LN, InNew))
        Now.insert(T);
      auto HasMasks = [&](const CallGraph &Of, const Edge &E) {
        NodeId To = G.lookup(Of.node(E.To).Key);
        if (Of.node(E.To).Kind == NodeKind::Field)
          To = G.nodeOfField(G.FieldIds.lookup(Of.node(E.To).Name));
        if (To == NoNode)
          return false;
        if (G.node(To).Kind == NodeKind::Field) {
          for (const Edge &T : G.edges(To))
            if (!G.maskedNodesOf(T.To).empty())
              return true;
          return false;
        }
        return !G.maskedNodesOf(To).empty();
      };
      for (const Edge &E : G.edges(Base))
        if ((E.Kind == EdgeKind::Bound || E.Kind == EdgeKind::FieldCall) &&
            !Now.count(edgeText(G, E)) && HasMasks(G, E))
          return refuse("a call through a value to a function taking an allocation mask changed");
      for (const Edge &E : LN.edges(InNew))
        if ((E.Kind == EdgeKind::Bound || E.Kind == EdgeKind::FieldCall) &&
            !Was.count(edgeText(LN, E)) && HasMasks(LN, E))
          return refuse("a call through a value to a function taking an allocation mask changed");
    }
  }
  // Counted once per value resolved by type, tree-wide: a difference in the
  // TU's own graphs need not be the tree's.
  if (LO.Flow.TypeFallbacks != LN.Flow.TypeFallbacks)
    return refuse("the change alters what value flow resolves by type");
  // A site's targets are a set over every chain ending there, callers in
  // other TUs included: the TU's own difference is the tree's only when no
  // such chain ends in a changed function.
  {
    IndirectPrecision PO = LO.indirectPrecision(), PN = LN.indirectPrecision();
    if (PO.Targets != PN.Targets || PO.ResolvedSites != PN.ResolvedSites)
      for (NodeId N = 0; N + 1 < G.EdgeStart.size(); ++N) {
        if (OwnedNodes.count(N))
          continue;
        for (uint32_t I = G.EdgeStart[N]; I < G.EdgeStart[N + 1]; ++I) {
          llvm::ArrayRef<CallGraph::HoistStep> Chain = G.hoistChain(G.FlatEdges[I].Hoist);
          if (!Chain.empty() && OwnedNodes.count(Chain.back().first))
            return refuse("the change alters the targets of a call other TUs' chains end at");
        }
      }
  }
  auto Registrations = [&](const CallGraph &Of) {
    return sortedTexts(Of.registrations(), [&](const CallGraph::RegistrationRow &R) {
      return R.RegistryField + "|" + R.Head + "|" + R.Callback.encode() + "|" +
             Where(Of, R.Site);
    });
  };
  if (Registrations(LO) != Registrations(LN))
    return refuse("the change alters what is registered on a notifier chain or list");
  auto Stores = [&](const CallGraph &Of) {
    return sortedTexts(Of.stores(), [&](const Store &S) {
      return Of.field(S.Field) + "|" + nodeText(Of, S.Target) + "|" + Where(Of, S.Site);
    });
  };
  if (Stores(LO) != Stores(LN))
    return refuse("the change alters what is stored into a field");
  auto Taken = [](const CallGraph &Of) {
    return sortedTexts(Of.AddressTaken, [&](NodeId N) { return nodeText(Of, N); });
  };
  if (Taken(LO) != Taken(LN))
    return refuse("the change takes the address of another function");
  // The new graph's edges must land on nodes the tree has or can make: a
  // masked node is made only by finalize, from the masks' facts.
  for (const auto &Entry : Owned) {
    NodeId In = LN.lookup(Entry.getKey());
    if (In == NoNode)
      continue;
    for (const Edge &E : LN.edges(In)) {
      if (E.Kind == EdgeKind::MaskCall)
        continue;
      auto Known = [&](NodeId N) {
        return !LN.node(N).isMasked() || G.lookup(LN.node(N).Key) != NoNode;
      };
      if (!Known(E.To) || llvm::any_of(LN.hoistChain(E.Hoist),
                                       [&](const auto &S) { return !Known(S.first); }))
        return refuse("a changed function calls into a mask the tree does not know");
    }
  }
  // A mask passed through a call that names no function binds to what the
  // call resolves to, which the change may have moved.
  for (const MaskArgumentFact &M : New.MaskArguments)
    if (M.Callee.empty() && Owned.count(M.Caller))
      return refuse("a mask passed through an indirect call in a changed function");
  return true;
}

bool GraphSplicer::translate(const CallGraph &From, const Edge &E, Edge &Out) {
  auto MapNode = [&](NodeId N) -> NodeId {
    const Node &Nd = From.node(N);
    if (Nd.Kind == NodeKind::Field)
      return G.fieldNode(G.internField(Nd.Name));
    if (Nd.isMasked())
      return G.lookup(Nd.Key);
    return G.getOrAddNode(Nd.Key, Nd.Name);
  };
  Out = E;
  Out.To = MapNode(E.To);
  if (Out.To == NoNode)
    return refuse("a changed function calls into a mask the tree does not know");
  Out.Site = G.toLoc(From.toPos(E.Site));
  Out.Site.Raw = 0;
  Out.Label = E.Label ? G.internField(From.field(E.Label)) : 0;
  Out.Through = E.Through ? G.internField(From.field(E.Through)) : 0;
  if (Out.Through)
    G.fieldNode(Out.Through); // So a rule can make the field a sink or a boundary.
  Out.Mask = 0;
  Out.Hoist = 0;
  if (E.Hoist) {
    llvm::SmallVector<CallGraph::HoistStep, 2> Chain;
    for (const auto &[N, L] : From.hoistChain(E.Hoist)) {
      NodeId To = MapNode(N);
      if (To == NoNode)
        return refuse("a changed function's chain goes through a mask the tree does not know");
      Loc At = G.toLoc(From.toPos(L));
      At.Raw = 0;
      Chain.push_back({To, At});
    }
    G.HoistChains.push_back(std::move(Chain));
    Out.Hoist = uint32_t(G.HoistChains.size());
  }
  return true;
}

template <typename Fn> bool GraphSplicer::eachLoc(Fn Each) {
  if (!MainId)
    return true;
  G.indexLocations();
  const CallGraph::LocationIndex &X = *G.Locations;
  auto Visit = [&](Loc &L) { return L.File != MainId || Each(L); };
  for (NodeId N : X.at(X.Nodes, MainId)) {
    Node &Nd = G.Nodes[N];
    bool Mine = ownedBit(N);
    // An owned function's definition is set from the facts.
    if (!Mine && !Visit(Nd.Def))
      return false;
    if (N + 1 >= G.EdgeStart.size())
      continue;
    for (uint32_t I = G.EdgeStart[N]; I < G.EdgeStart[N + 1]; ++I) {
      Edge &E = G.FlatEdges[I];
      if (Mine && rebuilt(E))
        continue;
      if (!Visit(E.Site))
        return false;
    }
  }
  for (Store &S : G.Stores)
    if (!Visit(S.Site))
      return false;
  // A chain only rebuilt edges used goes with them.
  LiveChains.assign(G.HoistChains.size() + 1, false);
  for (uint32_t Number : X.at(X.Chains, MainId)) {
    bool Live = false;
    for (NodeId U : X.at(X.ChainUsers, Number)) {
      bool Mine = ownedBit(U);
      for (const Edge &E : G.edges(U))
        if (E.Hoist == Number && !(Mine && rebuilt(E))) {
          Live = true;
          break;
        }
      if (Live)
        break;
    }
    if (!Live)
      continue;
    LiveChains[Number] = true;
    for (auto &Step : G.HoistChains[Number - 1])
      if (!Visit(Step.second))
        return false;
  }
  for (NodeId N : X.at(X.EffectNodes, MainId))
    for (ValueEffect &E : G.Effects[N]) {
      if (!Visit(E.Site))
        return false;
      for (auto &Step : E.Chain)
        if (!Visit(Step.second))
          return false;
    }
  for (CallGraph::RegistrationRow &R : G.Registrations)
    if (!Visit(R.Site))
      return false;
  for (UnresolvedCall &U : G.Flow.UnresolvedCalls)
    if (!Visit(U.Site))
      return false;
  return true;
}

bool GraphSplicer::checkBaseEdges() {
  // The base's direct calls of each changed function must be its old call
  // facts, one for one: otherwise the graph is not of this index.
  for (const auto &Entry : Owned) {
    NodeId N = G.lookup(Entry.getKey());
    if (N == NoNode)
      continue;
    auto O = OldGroups.find({FactKind::Call, Entry.getKey().str()});
    size_t Facts = O == OldGroups.end() ? 0 : O->second.size();
    size_t Direct = 0;
    for (const Edge &E : G.edges(N)) {
      if (E.Kind != EdgeKind::Direct)
        continue;
      if (Direct >= Facts)
        return refuse("the graph snapshot does not match the index's facts of " + Main.str());
      const SourcePos &Site = *O->second[Direct].Site;
      if (G.file(E.Site.File) != Site.File || E.Site.Line != Site.Line ||
          E.Site.Column != Site.Column)
        return refuse("the graph snapshot does not match the index's facts of " + Main.str());
      ++Direct;
    }
    if (Direct != Facts)
      return refuse("the graph snapshot does not match the index's facts of " + Main.str());
  }
  return true;
}

SpliceResult GraphSplicer::run() {
  SpliceResult Out;
  for (const Registry &R : Config.Registries) {
    for (const RegistryApi &A : R.Register)
      RegistryApis.insert(A.Function);
    for (const RegistryApi &A : R.Call)
      RegistryApis.insert(A.Function);
  }
  if (G.EdgeStart.empty() || !G.ValueCalls.empty() || !G.Arguments.empty() ||
      !G.Assigns.empty() || !G.ExternalEffects.empty() || !G.ExternalRegistrations.empty())
    refuse("the base graph is not a finalized whole-tree graph");
  if (auto It = G.FileIds.find(Main); It != G.FileIds.end())
    MainId = It->second;
  auto Traced = [](const char *Phase, auto Step) {
    llvm::TimeTraceScope Scope(Phase);
    return Step();
  };
  if (Refused.empty() && Traced("splice: compare the facts", [&] {
        return compareFunctions() && compareGroups() && checkBaseEdges();
      }) &&
      (!NeedsValueFlow ||
       Traced("splice: the TU's own value flow", [&] { return checkLocalGraphs(); })))
    Traced("splice: every position in the file", [&] {
      return eachLoc([&](Loc &L) {
      if (Moved.count(posKey(L.Line, L.Column)))
        return true;
      return refuse("the graph holds a position of " + Main.str() +
                    " that no fact of the TU accounts for (line " + std::to_string(L.Line) +
                    ")");
      });
    });
  // A label naming a moved stack object is renamed in place: it must not
  // become another label's spelling.
  if (Refused.empty())
    for (FieldId F = 1; F < G.Fields.size() && Refused.empty(); ++F)
      if (std::string Now = renamed(G.Fields[F]); Now != G.Fields[F] && G.FieldIds.count(Now))
        refuse("a moved stack object's new name is spelled as another value already");
  if (!Refused.empty()) {
    Out.Refused = std::move(Refused);
    return Out;
  }
  Traced("splice: apply", [&] {
    apply(Out);
    return true;
  });
  return Out;
}

void GraphSplicer::applyLocalStats(llvm::DenseSet<NodeId> &Moved) {
  const CallGraph &LO = *Local.Old, &LN = *Local.New;
  auto Shift = [](size_t &Total, size_t Before, size_t After) {
    Total = Total + After >= Before ? Total + After - Before : 0;
  };
  ValueFlowStats &F = G.Flow;
  Shift(F.BoundCalls, LO.Flow.BoundCalls, LN.Flow.BoundCalls);
  Shift(F.TypeFallbacks, LO.Flow.TypeFallbacks, LN.Flow.TypeFallbacks);
  Shift(F.RegistryCalls, LO.Flow.RegistryCalls, LN.Flow.RegistryCalls);
  for (unsigned K = 0; K < NumUnresolvedKinds; ++K)
    Shift(F.Unresolved[K], LO.Flow.Unresolved[K], LN.Flow.Unresolved[K]);
  // The changed functions' unresolved calls are the new graph's.
  llvm::erase_if(F.UnresolvedCalls, [&](const UnresolvedCall &U) {
    return OwnedNodes.count(U.Caller) != 0;
  });
  for (const UnresolvedCall &U : LN.Flow.UnresolvedCalls) {
    if (!Owned.count(LN.node(U.Caller).Key))
      continue;
    UnresolvedCall Mapped = U;
    Mapped.Caller = G.getOrAddNode(LN.node(U.Caller).Key, LN.node(U.Caller).Name);
    Mapped.Site = G.toLoc(LN.toPos(U.Site));
    Mapped.Site.Raw = 0;
    Moved.insert(Mapped.Caller);
    F.UnresolvedCalls.push_back(std::move(Mapped));
  }
  // The indirect calls are the same ones (their facts did not change); what
  // they resolve to in the changed functions may have.
  IndirectPrecision P = G.indirectPrecision();
  IndirectPrecision Before = LO.indirectPrecision(), After = LN.indirectPrecision();
  Shift(P.Targets, Before.Targets, After.Targets);
  Shift(P.ResolvedSites, Before.ResolvedSites, After.ResolvedSites);
  G.PrecisionCache = P;
}

/// Replaces the edge runs of the nodes in Lists, in place: the edges
/// between the runs move by what the runs before them grew or shrank. A
/// whole kernel's edge array is hundreds of megabytes, and a copy of it
/// would cost more than the rest of the splice (the snapshot reserves room
/// for a splice to grow into).
void GraphSplicer::replaceEdgeRuns(llvm::DenseMap<NodeId, std::vector<Edge>> &Lists) {
  std::vector<Edge> &Flat = G.FlatEdges;
  std::vector<uint32_t> &Start = G.EdgeStart;
  const size_t OldSize = Flat.size();
  Start.resize(G.Nodes.size() + 1, Start.empty() ? 0 : Start.back());
  std::vector<NodeId> Runs;
  for (const auto &Entry : Lists)
    Runs.push_back(Entry.first);
  llvm::sort(Runs);
  // Shift[J]: how far the old edges between run J-1 and run J move (J = 0:
  // those before the first run, which stay; J = Runs.size(): the tail).
  std::vector<int64_t> Shift(Runs.size() + 1, 0);
  for (size_t R = 0; R < Runs.size(); ++R) {
    NodeId N = Runs[R];
    Shift[R + 1] = Shift[R] + int64_t(Lists[N].size()) - int64_t(Start[N + 1] - Start[N]);
  }
  auto SegmentBegin = [&](size_t J) { return J == 0 ? size_t(0) : size_t(Start[Runs[J - 1] + 1]); };
  auto SegmentEnd = [&](size_t J) { return J == Runs.size() ? OldSize : size_t(Start[Runs[J]]); };
  const int64_t Growth = Shift.back();
  if (Growth > 0)
    Flat.resize(OldSize + size_t(Growth));
  // Segments moving left go first, in order, then those moving right, last
  // to first: neither lands on edges still to move (order is kept).
  for (size_t J = 1; J <= Runs.size(); ++J)
    if (Shift[J] < 0)
      std::move(Flat.begin() + SegmentBegin(J), Flat.begin() + SegmentEnd(J),
                Flat.begin() + (int64_t(SegmentBegin(J)) + Shift[J]));
  for (size_t J = Runs.size(); J >= 1; --J)
    if (Shift[J] > 0)
      std::move_backward(Flat.begin() + SegmentBegin(J), Flat.begin() + SegmentEnd(J),
                         Flat.begin() + (int64_t(SegmentEnd(J)) + Shift[J]));
  for (size_t R = 0; R < Runs.size(); ++R) {
    std::vector<Edge> &List = Lists[Runs[R]];
    std::move(List.begin(), List.end(), Flat.begin() + (int64_t(Start[Runs[R]]) + Shift[R]));
  }
  if (Growth < 0)
    Flat.resize(size_t(int64_t(OldSize) + Growth));
  // Every run's start moves with the segment it is in or follows.
  size_t R = 0;
  for (NodeId N = 0; N < G.Nodes.size(); ++N) {
    while (R < Runs.size() && Runs[R] < N)
      ++R;
    Start[N] = uint32_t(int64_t(Start[N]) + Shift[R]);
  }
  Start[G.Nodes.size()] = uint32_t(Flat.size());
}

void GraphSplicer::apply(SpliceResult &Out) {
  llvm::DenseSet<NodeId> Touched, MovedOnly, EffectsMoved;
  llvm::DenseSet<uint32_t> MovedChains;
  auto Move = [&](Loc &L) {
    auto It = Moved.find(posKey(L.Line, L.Column));
    if (It == Moved.end())
      return false; // Only on what is about to go: eachLoc checked the rest.
    uint64_t To = It->second;
    bool Changed = To != posKey(L.Line, L.Column);
    L.Line = uint32_t(To >> 32);
    L.Column = uint32_t(To);
    L.Raw = 0;
    return Changed;
  };
  G.indexLocations();
  CallGraph::LocationIndex &X = *G.Locations;
  if (MainId) {
    for (NodeId N : X.at(X.Nodes, MainId)) {
      Node &Nd = G.Nodes[N];
      bool Mine = ownedBit(N);
      if (!Mine && Nd.Def.File == MainId && Move(Nd.Def))
        MovedOnly.insert(N);
      if (N + 1 >= G.EdgeStart.size())
        continue;
      for (uint32_t I = G.EdgeStart[N]; I < G.EdgeStart[N + 1]; ++I) {
        Edge &E = G.FlatEdges[I];
        if ((Mine && rebuilt(E)) || E.Site.File != MainId)
          continue;
        if (Move(E.Site))
          MovedOnly.insert(N);
      }
    }
    for (Store &S : G.Stores)
      if (S.Site.File == MainId)
        Move(S.Site);
    for (uint32_t Number : X.at(X.Chains, MainId))
      if (Number < LiveChains.size() && LiveChains[Number])
        for (auto &Step : G.HoistChains[Number - 1])
          if (Step.second.File == MainId && Move(Step.second))
            MovedChains.insert(Number);
    for (NodeId N : X.at(X.EffectNodes, MainId))
      for (ValueEffect &E : G.Effects[N]) {
        bool Changed = E.Site.File == MainId && Move(E.Site);
        for (auto &Step : E.Chain)
          Changed |= Step.second.File == MainId && Move(Step.second);
        // Rewritten even when only the line moved: the stored copy says
        // where.
        if (Changed || E.Site.File == MainId ||
            llvm::any_of(E.Chain, [&](const auto &S) { return S.second.File == MainId; }))
          EffectsMoved.insert(N);
      }
    for (CallGraph::RegistrationRow &R : G.Registrations)
      if (R.Site.File == MainId)
        Move(R.Site);
    for (UnresolvedCall &U : G.Flow.UnresolvedCalls)
      if (U.Site.File == MainId)
        Move(U.Site);
    for (uint32_t Number : MovedChains)
      for (NodeId U : X.at(X.ChainUsers, Number))
        if (llvm::any_of(G.edges(U), [&](const Edge &E) { return E.Hoist == Number; }))
          MovedOnly.insert(U);
  }

  // Stack objects of the changed functions are named by their line: where
  // it moved, every value, head and label naming one says so.
  if (llvm::any_of(Renamed, [](const auto &R) { return R.first != R.second; })) {
    auto Rename = [&](std::string &Text) {
      std::string Now = renamed(Text);
      bool Changed = Now != Text;
      Text = std::move(Now);
      return Changed;
    };
    // Every function's: a registration of a changed function's stack
    // object on a head it was passed is its callers' effect too, in any TU.
    auto MayName = [](const std::string &Name) { return Name.find('#') != std::string::npos; };
    for (NodeId N : X.StackNaming)
      for (ValueEffect &E : G.Effects[N])
        if ((MayName(E.A.Name) && Rename(E.A.Name)) | (MayName(E.B.Name) && Rename(E.B.Name)))
          EffectsMoved.insert(N);
    for (CallGraph::RegistrationRow &R : G.Registrations)
      if (Rename(R.Head) | Rename(R.Callback.Name))
        Out.RegistrationFiles.push_back(G.file(R.Site.File));
    for (UnresolvedCall &U : G.Flow.UnresolvedCalls)
      Rename(U.What);
    for (FieldId F = 1; F < G.Fields.size(); ++F) {
      std::string Was = G.Fields[F];
      if (Rename(G.Fields[F])) {
        G.FieldIds.erase(Was);
        G.FieldIds[G.Fields[F]] = F;
      }
    }
  }

  // The changed functions: defined where the facts say, calling what they
  // say, and keeping what value flow and the masks gave them.
  llvm::DenseMap<NodeId, std::vector<Edge>> Lists;
  const NodeId FirstNew = NodeId(G.Nodes.size());
  for (const auto &Entry : Owned) {
    llvm::StringRef Key = Entry.getKey();
    auto Now = NewFunctions.find(Key);
    const FunctionFact *F = Now == NewFunctions.end() ? nullptr : Now->getValue();
    NodeId N = F ? G.getOrAddNode(Key, F->Name) : G.lookup(Key);
    if (N == NoNode)
      continue;
    MovedOnly.insert(N); // Touched too below, if what it calls changed.
    Node &Nd = G.Nodes[N];
    Nd.Defined = F != nullptr;
    Nd.Def = F ? G.toLoc(F->Loc) : Loc();
    Nd.Def.Raw = 0;
    std::vector<Edge> List;
    if (NeedsValueFlow) {
      // The TU's own value flow, which checkLocalGraphs found to agree with
      // the tree's before the change.
      const CallGraph &LN = *Local.New;
      if (NodeId In = LN.lookup(Key); F && In != NoNode)
        for (const Edge &E : LN.edges(In)) {
          if (E.Kind == EdgeKind::MaskCall)
            continue;
          Edge Mapped;
          translate(LN, E, Mapped); // Checked in checkLocalGraphs' pass.
          List.push_back(Mapped);
        }
    } else if (auto Calls = NewGroups.find({FactKind::Call, Key.str()});
               Calls != NewGroups.end()) {
      for (const FactRecord &C : Calls->second) {
        Loc Site = G.toLoc(*C.Site);
        Site.Raw = 0;
        List.push_back({G.getOrAddNode(C.Callee, C.CalleeName), Site, EdgeKind::Direct});
      }
    }
    if (N + 1 < G.EdgeStart.size())
      for (uint32_t I = G.EdgeStart[N]; I < G.EdgeStart[N + 1]; ++I)
        if (!rebuilt(G.FlatEdges[I]))
          List.push_back(G.FlatEdges[I]);
    // What the function calls, wherever the calls are now, in order.
    auto Calls = [&](llvm::ArrayRef<Edge> Of) {
      std::vector<std::string> Out;
      for (const Edge &E : Of)
        Out.push_back(edgeText(G, E, /*WithSites=*/false) + "|" + std::to_string(E.Mask));
      return Out;
    };
    if (N + 1 >= G.EdgeStart.size() ||
        Calls(llvm::ArrayRef(G.FlatEdges).slice(G.EdgeStart[N],
                                                G.EdgeStart[N + 1] - G.EdgeStart[N])) !=
            Calls(List) ||
        !G.Nodes[N].Defined) // Nodes may have grown: no reference held.
      Touched.insert(N);
    Lists[N] = std::move(List);
  }
  if (NeedsValueFlow)
    applyLocalStats(MovedOnly);
  // A field node the change made calls what is stored into it, as
  // finalize links every field's node.
  llvm::StringSet<> RegistryFields;
  for (const Registry &R : Config.Registries)
    RegistryFields.insert(R.Field);
  for (NodeId N = FirstNew; N < G.Nodes.size(); ++N) {
    if (G.Nodes[N].Kind != NodeKind::Field || RegistryFields.count(G.Nodes[N].Name))
      continue;
    std::vector<std::pair<NodeId, Loc>> Targets;
    for (const Store &S : G.Stores)
      if (S.Field == G.Nodes[N].Field)
        Targets.push_back({S.Target, S.Site});
    Lists[N] = CallGraph::fieldTargetEdges(std::move(Targets));
    Touched.insert(N);
  }
  // Nodes made above (new callees, new functions) go after every existing
  // one; their runs are empty unless listed.
  replaceEdgeRuns(Lists);
  // The index follows: the changed functions' positions and chains as they
  // are now (the positions that moved stayed in their files).
  for (const auto &Entry : Lists)
    X.addNode(G, Entry.first);
  for (NodeId N = FirstNew; N < G.Nodes.size(); ++N)
    X.addNode(G, N);
  for (uint32_t Number = ChainsAtStart + 1; Number <= G.HoistChains.size(); ++Number)
    X.addChain(G, Number);

  // A node the change made (a callee nothing called before, a sink among
  // them) has a summary of its own.
  for (NodeId N = FirstNew; N < G.Nodes.size(); ++N)
    Touched.insert(N);
  Out.Touched.assign(Touched.begin(), Touched.end());
  llvm::sort(Out.Touched);
  for (NodeId N : MovedOnly)
    if (!Touched.count(N))
      Out.Moved.push_back(N);
  llvm::sort(Out.Moved);
  Out.EffectsMoved.assign(EffectsMoved.begin(), EffectsMoved.end());
  llvm::sort(Out.EffectsMoved);
  llvm::sort(Out.RegistrationFiles);
  Out.RegistrationFiles.erase(
      std::unique(Out.RegistrationFiles.begin(), Out.RegistrationFiles.end()),
      Out.RegistrationFiles.end());
  Out.ValueFlowRedone = NeedsValueFlow;
}

SpliceResult spliceTU(CallGraph &G, const ValueFlowConfig &Config, llvm::StringRef MainFile,
                      const TUFacts &Old, const TUFacts &New,
                      llvm::function_ref<bool(llvm::StringRef Key)> DefinedElsewhere,
                      llvm::function_ref<LocalGraphs(const CallGraph &Tree)> BuildLocal) {
  return GraphSplicer(G, Config, MainFile, Old, New, DefinedElsewhere, BuildLocal).run();
}

} // namespace kreach
