//===- Snapshot.cpp - A finalized call graph, kept on disk ----------------===//
//
// Layout: a header (magic, version, key, payload size, payload checksum,
// where each part starts), then the payload: the graph but its nodes and
// effects, the nodes, then the effects in two halves. Each part decodes on
// its own, so that two threads share the read however the tree divides it
// (a million synthetic functions are mostly edges, a whole kernel mostly
// effects). Integers are unsigned LEB128, so the common small ids, lines
// and columns take a byte or two; an edge's site names its file only when it
// differs from the previous site's (an edge list is mostly one file).
//
//===----------------------------------------------------------------------===//

#include "kreach/GraphSnapshot.h"

#include "kreach/FileIO.h"
#include "kreach/LEB128.h"
#include "kreach/ThreadTrace.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/LEB128.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/TimeProfiler.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include <atomic>
#include <functional>

namespace kreach {

namespace {

constexpr char Magic[8] = {'K', 'R', 'G', 'R', 'A', 'P', 'H', '\0'};
/// Magic, version, key length; then the key; then payload size and checksum.
constexpr size_t FixedHeader = sizeof(Magic) + 4 + 4;
/// The checksum is taken block by block so that the writer can stream.
constexpr size_t HashBlock = 1 << 20;
/// After the key: the payload's size, its checksum, and where in it the
/// nodes, the effects and their second half start.
constexpr size_t TailSize = 40;

uint64_t combineHash(uint64_t Hash, llvm::ArrayRef<uint8_t> Block) {
  return Hash * 0x9E3779B97F4A7C15ULL + llvm::xxh3_64bits(Block);
}

/// Appends to a buffer that it writes out, and hashes, a block at a time.
class Encoder {
public:
  explicit Encoder(llvm::raw_fd_ostream &OS) : OS(OS) {}

  void u(uint64_t V) {
    uint8_t Bytes[16];
    Buf.append(reinterpret_cast<const char *>(Bytes), llvm::encodeULEB128(V, Bytes));
    if (Buf.size() >= 2 * HashBlock)
      drain(false);
  }
  void byte(uint8_t V) { u(V); }
  void str(llvm::StringRef S) {
    u(S.size());
    Buf.append(S.data(), S.size());
    if (Buf.size() >= 2 * HashBlock)
      drain(false);
  }
  /// A node id, or NoNode, as one number.
  void node(NodeId N) { u(N == NoNode ? 0 : uint64_t(N) + 1); }
  void loc(const Loc &L) {
    u(L.File);
    u(L.Line);
    u(L.Column);
    u(L.Raw);
  }
  /// The payload's size so far.
  uint64_t written() const { return Size + Buf.size(); }
  /// Writes what is left; returns the payload's size and checksum.
  std::pair<uint64_t, uint64_t> finish() {
    drain(true);
    return {Size, Hash};
  }

private:
  void drain(bool All) {
    size_t Done = 0;
    while (Buf.size() - Done >= HashBlock || (All && Done < Buf.size())) {
      size_t N = std::min(HashBlock, Buf.size() - Done);
      llvm::ArrayRef<uint8_t> Block(reinterpret_cast<const uint8_t *>(Buf.data()) + Done, N);
      Hash = combineHash(Hash, Block);
      OS.write(Buf.data() + Done, N);
      Size += N;
      Done += N;
    }
    Buf.erase(0, Done);
  }
  llvm::raw_fd_ostream &OS;
  std::string Buf;
  uint64_t Size = 0, Hash = 0;
};

/// Reads what Encoder wrote; any read past the end, or an id out of range,
/// marks the snapshot damaged and yields zeros from then on.
class Decoder {
public:
  Decoder(const uint8_t *Begin, const uint8_t *End) : P(Begin), End(End) {}

  uint64_t u() {
    // Most ids, lines and columns take one to three bytes: decoded here,
    // without a call, when the bytes are surely there.
    if (End - P >= 3) {
      uint64_t B0 = P[0];
      if (B0 < 0x80) {
        ++P;
        return B0;
      }
      uint64_t B1 = P[1];
      if (B1 < 0x80) {
        P += 2;
        return (B0 & 0x7f) | B1 << 7;
      }
      uint64_t B2 = P[2];
      if (B2 < 0x80) {
        P += 3;
        return (B0 & 0x7f) | (B1 & 0x7f) << 7 | B2 << 14;
      }
    } else if (P < End && *P < 0x80) {
      return *P++;
    }
    const char *Error = nullptr;
    uint64_t V = readULEB128(P, End, &Error);
    if (Error) {
      Bad = true;
      P = End;
      return 0;
    }
    return V;
  }
  /// A number that must be below Limit (an id into a table of that size).
  uint32_t below(uint64_t Limit) {
    uint64_t V = u();
    if (V >= Limit) {
      Bad = true;
      return 0;
    }
    return uint32_t(V);
  }
  llvm::StringRef str() {
    uint64_t N = u();
    if (N > uint64_t(End - P)) {
      Bad = true;
      P = End;
      return {};
    }
    llvm::StringRef S(reinterpret_cast<const char *>(P), N);
    P += N;
    return S;
  }
  NodeId node(size_t NumNodes) {
    uint64_t V = u();
    if (V == 0)
      return NoNode;
    if (V > NumNodes) {
      Bad = true;
      return NoNode;
    }
    return NodeId(V - 1);
  }
  Loc loc(size_t NumFiles) {
    Loc L;
    L.File = below(NumFiles);
    L.Line = uint32_t(u());
    L.Column = uint32_t(u());
    L.Raw = u();
    return L;
  }
  /// A count of items that take at least a byte each: more than the bytes
  /// left means damage, not a huge allocation.
  size_t count() {
    uint64_t N = u();
    if (N > uint64_t(End - P)) {
      Bad = true;
      return 0;
    }
    return size_t(N);
  }
  bool bad() const { return Bad; }
  size_t remaining() const { return size_t(End - P); }
  bool atEnd() const { return P == End; }

private:
  const uint8_t *P, *End;
  bool Bad = false;
};

void writeFlowValue(Encoder &E, const FlowValue &V) {
  E.byte(uint8_t(V.Kind));
  E.str(V.Name);
  E.u(V.Param);
  E.u(V.Path.size());
  for (const std::string &F : V.Path)
    E.str(F);
}

FlowValue readFlowValue(Decoder &D) {
  FlowValue V;
  V.Kind = FlowValue::Base(char(D.u()));
  V.Name = D.str().str();
  V.Param = unsigned(D.u());
  for (size_t I = 0, N = D.count(); I < N; ++I)
    V.Path.push_back(D.str().str());
  return V;
}

/// Edge flags: the kind in the low bits, then which optional fields follow.
enum : uint8_t {
  KindMask = 0x7,
  HasLabel = 0x8,
  HasThrough = 0x10,
  HasHoist = 0x20,
  HasMask = 0x40,
  HasRaw = 0x80,
};

} // namespace

class GraphSnapshot {
public:
  /// The parts of the payload: the graph but its nodes and effects, the
  /// nodes, and the effects of the functions in [Begin, End).
  static void write(const CallGraph &G, Encoder &E);
  static void writeNodes(const CallGraph &G, Encoder &E);
  static void writeEffects(const CallGraph &G, Encoder &E, size_t Begin, size_t End);
  /// The sizes every part is checked against: each part states those it
  /// uses, and the parts must agree.
  struct Sizes {
    uint64_t Files = 0, Fields = 0, Nodes = 0;
    bool operator==(const Sizes &O) const {
      return Files == O.Files && Fields == O.Fields && Nodes == O.Nodes;
    }
  };
  static bool read(CallGraph &G, Decoder &D, Sizes &Seen);
  /// Into Nodes, a vector no other part touches while it is read.
  static bool readNodes(std::vector<Node> &Nodes, Decoder &D, Sizes &Seen);
  /// Into Effects[Begin, End), which the caller sized; the half read from D.
  static bool readEffects(std::vector<std::vector<ValueEffect>> &Effects, Decoder &D,
                          Sizes &Seen);
  /// Where the effects divide in halves, by count of effects, not of
  /// functions (most have none).
  static size_t effectsHalf(const CallGraph &G) {
    size_t Total = 0, Seen = 0, Half = 0;
    for (const std::vector<ValueEffect> &List : G.Effects)
      Total += List.size();
    while (Half < G.Effects.size() && 2 * Seen < Total)
      Seen += G.Effects[Half++].size();
    return Half;
  }
  static size_t effectLists(const CallGraph &G) { return G.Effects.size(); }
  /// Nodes' key index, into G while the rest of G is read (it touches
  /// nothing else of G): node ids stay valid when Nodes moves into G.
  static void indexKeysOf(CallGraph &G, const std::vector<Node> &Nodes) {
    G.NodeByKey.build(Nodes);
  }
  /// The nodes and effects read beside the rest; Indexed: indexKeysOf ran.
  static void adopt(CallGraph &G, std::vector<Node> Nodes,
                    std::vector<std::vector<ValueEffect>> Effects, bool Indexed) {
    G.Nodes = std::move(Nodes);
    G.Effects = std::move(Effects);
    if (Indexed) {
      G.KeysPending.reset();
    } else {
      G.NodeByKey.clear();
      G.KeysPending = std::make_unique<std::once_flag>();
    }
  }
};

void GraphSnapshot::write(const CallGraph &G, Encoder &E) {
  E.u(G.Files.size());
  for (const std::string &F : G.Files)
    E.str(F);
  E.u(G.Fields.size());
  for (const std::string &F : G.Fields)
    E.str(F);

  // The nodes themselves are a part of their own; their count here.
  E.u(G.Nodes.size());
  E.u(G.FieldNodes.size());
  for (NodeId N : G.FieldNodes)
    E.node(N);

  E.u(G.HoistChains.size());
  for (const auto &Chain : G.HoistChains) {
    E.u(Chain.size());
    for (const auto &[N, L] : Chain) {
      E.node(N);
      E.loc(L);
    }
  }
  E.u(G.MaskEdges.size());
  for (const CallGraph::MaskEdge &M : G.MaskEdges) {
    E.byte(uint8_t(M.Value.Kind));
    E.u(M.Value.Param);
    E.u(M.Value.And);
    E.u(M.Value.Or);
    E.byte(M.FromParam);
  }
  E.u(G.MaskedNodes.size());
  for (const auto &[Key, N] : G.MaskedNodes) {
    E.node(Key.first);
    E.u(Key.second);
    E.node(N);
  }

  // The total first: the reader lays the edges out in one array.
  size_t TotalEdges = 0;
  for (NodeId N = 0; N < G.size(); ++N)
    TotalEdges += G.edges(N).size();
  E.u(TotalEdges);
  for (NodeId N = 0; N < G.size(); ++N) {
    llvm::ArrayRef<Edge> List = G.edges(N);
    E.u(List.size());
    FileId LastFile = 0;
    for (const Edge &Ed : List) {
      uint8_t Flags = uint8_t(Ed.Kind) | (Ed.Label ? HasLabel : 0) |
                      (Ed.Through ? HasThrough : 0) |
                      (Ed.Hoist || Ed.HoistLength ? HasHoist : 0) | (Ed.Mask ? HasMask : 0) |
                      (Ed.Site.Raw ? HasRaw : 0);
      E.byte(Flags);
      E.node(Ed.To);
      // 0: the previous edge's file; otherwise the file's id plus one.
      E.u(Ed.Site.File == LastFile ? 0 : uint64_t(Ed.Site.File) + 1);
      LastFile = Ed.Site.File;
      E.u(Ed.Site.Line);
      E.u(Ed.Site.Column);
      if (Flags & HasRaw)
        E.u(Ed.Site.Raw);
      if (Flags & HasLabel)
        E.u(Ed.Label);
      if (Flags & HasThrough)
        E.u(Ed.Through);
      if (Flags & HasHoist) {
        E.u(Ed.Hoist);
        E.u(Ed.HoistLength);
      }
      if (Flags & HasMask)
        E.u(Ed.Mask);
    }
  }

  E.u(G.Stores.size());
  for (const Store &S : G.Stores) {
    E.u(S.Field);
    E.node(S.Target);
    E.loc(S.Site);
  }

  const ValueFlowStats &F = G.Flow;
  E.u(F.BoundCalls);
  E.u(F.TypeFallbacks);
  E.u(F.RegistryCalls);
  E.u(F.Malformed);
  E.u(NumUnresolvedKinds);
  for (size_t U : F.Unresolved)
    E.u(U);
  E.u(F.UnresolvedCalls.size());
  for (const UnresolvedCall &U : F.UnresolvedCalls) {
    E.node(U.Caller);
    E.loc(U.Site);
    E.byte(uint8_t(U.Kind));
    E.str(U.What);
  }

  IndirectPrecision P = G.indirectPrecision();
  E.u(P.Sites);
  E.u(P.ResolvedSites);
  E.u(P.Targets);
  E.u(P.SignatureTargets);

  E.u(G.Registrations.size());
  for (const CallGraph::RegistrationRow &R : G.Registrations) {
    E.str(R.RegistryField);
    E.str(R.Head);
    writeFlowValue(E, R.Callback);
    E.loc(R.Site);
  }

  // Which functions' callers are not all known: what a TU's own value flow
  // must be told to agree with the tree's (a patch's splice).
  std::vector<NodeId> Taken(G.AddressTaken.begin(), G.AddressTaken.end());
  llvm::sort(Taken);
  E.u(Taken.size());
  for (NodeId N : Taken)
    E.u(N);
}

void GraphSnapshot::writeNodes(const CallGraph &G, Encoder &E) {
  E.u(G.Files.size());
  E.u(G.Fields.size());
  E.u(G.Nodes.size());
  for (const Node &N : G.Nodes) {
    E.byte(uint8_t(N.Kind) | (N.Defined ? 2 : 0));
    E.str(N.Key);
    E.str(N.Name);
    E.u(N.Field);
    E.loc(N.Def);
    E.node(N.Base);
    E.u(N.Param);
  }
}

void GraphSnapshot::writeEffects(const CallGraph &G, Encoder &E, size_t Begin, size_t End) {
  E.u(G.Files.size());
  E.u(G.Fields.size());
  E.u(G.Nodes.size());
  E.u(G.Effects.size());
  E.u(Begin);
  E.u(End);
  for (const std::vector<ValueEffect> &List : llvm::ArrayRef(G.Effects).slice(Begin, End - Begin)) {
    E.u(List.size());
    for (const ValueEffect &V : List) {
      E.byte(uint8_t(V.K));
      E.u(V.Registry);
      writeFlowValue(E, V.A);
      writeFlowValue(E, V.B);
      E.loc(V.Site);
      E.u(V.Label);
      E.u(V.Chain.size());
      for (const auto &[N, L] : V.Chain) {
        E.node(N);
        E.loc(L);
      }
    }
  }
}

bool GraphSnapshot::read(CallGraph &G, Decoder &D, Sizes &Seen) {
  // What each part of the graph costs to read, in a --time-trace.
  std::optional<llvm::TimeTraceScope> Section;
  Section.emplace("snapshot: files and fields");
  G.Files.clear();
  G.Fields.clear();
  G.FieldNodes.clear();
  G.FileIds.clear();
  G.FieldIds.clear();
  G.LastFile = 0;

  size_t NumFiles = D.count();
  G.Files.reserve(NumFiles);
  for (size_t I = 0; I < NumFiles; ++I) {
    llvm::StringRef F = D.str();
    G.Files.push_back(F.str());
    if (I)
      G.FileIds.try_emplace(F, FileId(I));
  }
  size_t NumFields = D.count();
  G.Fields.reserve(NumFields);
  for (size_t I = 0; I < NumFields; ++I) {
    llvm::StringRef F = D.str();
    G.Fields.push_back(F.str());
    G.FieldIds.try_emplace(F, FieldId(I));
  }
  // The empty file and field every graph starts with.
  if (D.bad() || NumFiles == 0 || NumFields == 0)
    return false;

  // The nodes are read beside this part, into a vector of their own; each
  // takes at least a byte below (its count of edges).
  size_t NumNodes = D.count();
  if (D.bad())
    return false;
  Seen = {NumFiles, NumFields, NumNodes};
  size_t NumFieldNodes = D.count();
  if (NumFieldNodes != NumFields)
    return false;
  G.FieldNodes.resize(NumFieldNodes);
  for (NodeId &N : G.FieldNodes)
    N = D.node(NumNodes);

  size_t NumChains = D.count();
  G.HoistChains.resize(NumChains);
  for (auto &Chain : G.HoistChains)
    for (size_t I = 0, N = D.count(); I < N && !D.bad(); ++I) {
      NodeId Callee = D.node(NumNodes);
      Chain.push_back({Callee, D.loc(NumFiles)});
    }
  size_t NumMaskEdges = D.count();
  G.MaskEdges.resize(NumMaskEdges);
  for (CallGraph::MaskEdge &M : G.MaskEdges) {
    M.Value.Kind = MaskValue::Base(D.u());
    M.Value.Param = unsigned(D.u());
    M.Value.And = D.u();
    M.Value.Or = D.u();
    M.FromParam = D.u() != 0;
  }
  for (size_t I = 0, N = D.count(); I < N && !D.bad(); ++I) {
    NodeId Function = D.node(NumNodes);
    uint32_t Param = uint32_t(D.u());
    G.MaskedNodes[{Function, Param}] = D.node(NumNodes);
  }
  if (D.bad())
    return false;

  Section.emplace("snapshot: edges");
  size_t TotalEdges = D.count();
  if (D.bad() || TotalEdges > UINT32_MAX)
    return false;
  G.Out = {};
  G.FlatEdges.clear();
  // An edge takes at least five bytes (flags, target, file, line, column):
  // a damaged count reserves no more than the rest of the file could hold.
  // With room for a patch's splice to add calls without moving the array.
  size_t Expected = std::min(TotalEdges, D.remaining() / 5);
  G.FlatEdges.reserve(Expected + Expected / 256 + 256);
  G.EdgeStart.assign(1, 0);
  G.EdgeStart.reserve(NumNodes + 1);
  for (size_t Node = 0; Node < NumNodes; ++Node) {
    size_t N = D.count();
    if (N > TotalEdges - G.FlatEdges.size())
      return false;
    FileId LastFile = 0;
    for (size_t I = 0; I < N; ++I) {
      Edge &Ed = G.FlatEdges.emplace_back();
      uint8_t Flags = uint8_t(D.u());
      if ((Flags & KindMask) > uint8_t(EdgeKind::Entered))
        return false;
      Ed.Kind = EdgeKind(Flags & KindMask);
      Ed.To = D.node(NumNodes);
      if (uint64_t F = D.u()) {
        if (F > NumFiles)
          return false;
        LastFile = FileId(F - 1);
      }
      Ed.Site.File = LastFile;
      Ed.Site.Line = uint32_t(D.u());
      Ed.Site.Column = uint32_t(D.u());
      if (Flags & HasRaw)
        Ed.Site.Raw = D.u();
      if (Flags & HasLabel)
        Ed.Label = D.below(NumFields);
      if (Flags & HasThrough)
        Ed.Through = D.below(NumFields);
      if (Flags & HasHoist) {
        Ed.Hoist = D.below(NumChains + 1);
        Ed.HoistLength = uint16_t(D.u());
      }
      if (Flags & HasMask)
        Ed.Mask = D.below(NumMaskEdges);
      if (Ed.To == NoNode)
        return false;
    }
    if (D.bad())
      return false;
    G.EdgeStart.push_back(uint32_t(G.FlatEdges.size()));
  }
  if (G.FlatEdges.size() != TotalEdges)
    return false;

  Section.emplace("snapshot: stores");
  size_t NumStores = D.count();
  G.Stores.reserve(NumStores);
  for (size_t I = 0; I < NumStores && !D.bad(); ++I) {
    Store S;
    S.Field = D.below(NumFields);
    S.Target = D.node(NumNodes);
    S.Site = D.loc(NumFiles);
    G.Stores.push_back(S);
  }

  ValueFlowStats &F = G.Flow;
  F = ValueFlowStats();
  F.BoundCalls = D.u();
  F.TypeFallbacks = D.u();
  F.RegistryCalls = D.u();
  F.Malformed = D.u();
  if (D.u() != NumUnresolvedKinds)
    return false;
  for (size_t &U : F.Unresolved)
    U = D.u();
  for (size_t I = 0, N = D.count(); I < N && !D.bad(); ++I) {
    UnresolvedCall U;
    U.Caller = D.node(NumNodes);
    U.Site = D.loc(NumFiles);
    U.Kind = UnresolvedKind(D.below(NumUnresolvedKinds));
    U.What = D.str().str();
    F.UnresolvedCalls.push_back(std::move(U));
  }

  IndirectPrecision P;
  P.Sites = D.u();
  P.ResolvedSites = D.u();
  P.Targets = D.u();
  P.SignatureTargets = D.u();
  G.PrecisionCache = P;

  for (size_t I = 0, N = D.count(); I < N && !D.bad(); ++I) {
    CallGraph::RegistrationRow R;
    R.RegistryField = D.str().str();
    R.Head = D.str().str();
    R.Callback = readFlowValue(D);
    R.Site = D.loc(NumFiles);
    G.Registrations.push_back(std::move(R));
  }

  G.AddressTaken.clear();
  for (size_t I = 0, N = D.count(); I < N && !D.bad(); ++I)
    G.AddressTaken.insert(D.below(NumNodes));
  return !D.bad() && D.atEnd();
}

bool GraphSnapshot::readNodes(std::vector<Node> &Nodes, Decoder &D, Sizes &Seen) {
  llvm::TimeTraceScope Scope("snapshot: nodes");
  Seen.Files = D.u();
  Seen.Fields = D.u();
  Seen.Nodes = D.u();
  // A node takes at least eight bytes.
  if (D.bad() || Seen.Nodes > D.remaining() / 8 + 1)
    return false;
  const uint64_t NumFiles = Seen.Files, NumFields = Seen.Fields, NumNodes = Seen.Nodes;
  Nodes.resize(NumNodes);
  for (size_t I = 0; I < NumNodes && !D.bad(); ++I) {
    Node &N = Nodes[I];
    uint8_t Flags = uint8_t(D.u());
    N.Kind = (Flags & 1) ? NodeKind::Field : NodeKind::Function;
    N.Defined = Flags & 2;
    llvm::StringRef Key = D.str();
    N.Key = Key.str();
    N.Name = D.str().str();
    N.Field = D.below(NumFields);
    N.Def = D.loc(NumFiles);
    N.Base = D.node(NumNodes);
    N.Param = uint32_t(D.u());
  }
  return !D.bad() && D.atEnd();
}

bool GraphSnapshot::readEffects(std::vector<std::vector<ValueEffect>> &Effects, Decoder &D,
                                Sizes &Seen) {
  llvm::TimeTraceScope Scope("snapshot: effects");
  Seen.Files = D.u();
  Seen.Fields = D.u();
  Seen.Nodes = D.u();
  const uint64_t NumFiles = Seen.Files, NumFields = Seen.Fields, NumNodes = Seen.Nodes;
  // Checked against the array the caller sized, not against this half's
  // bytes: a half may hold fewer than there are lists.
  uint64_t NumEffectLists = D.u();
  uint64_t Begin = D.u(), End = D.u();
  if (D.bad() || NumEffectLists > NumNodes || NumEffectLists != Effects.size() || Begin > End ||
      End > NumEffectLists)
    return false;
  for (std::vector<ValueEffect> &List : llvm::MutableArrayRef(Effects).slice(Begin, End - Begin)) {
    size_t N = D.count();
    List.reserve(N);
    for (size_t I = 0; I < N && !D.bad(); ++I) {
      ValueEffect &V = List.emplace_back();
      V.K = ValueEffect::Kind(D.below(uint64_t(ValueEffect::Kind::Dispatch) + 1));
      V.Registry = unsigned(D.u());
      V.A = readFlowValue(D);
      V.B = readFlowValue(D);
      V.Site = D.loc(NumFiles);
      V.Label = D.below(NumFields);
      for (size_t J = 0, M = D.count(); J < M && !D.bad(); ++J) {
        NodeId Callee = D.node(NumNodes);
        V.Chain.push_back({Callee, D.loc(NumFiles)});
      }
    }
  }
  return !D.bad() && D.atEnd();
}

llvm::Error writeGraphSnapshot(const CallGraph &G, llvm::StringRef Path, llvm::StringRef Key) {
  auto Fail = [&](llvm::StringRef What, std::error_code EC) {
    return llvm::createStringError(EC, "cannot %s graph snapshot '%s': %s", What.data(),
                                   Path.str().c_str(), EC.message().c_str());
  };
  llvm::SmallString<256> Temp;
  int FD;
  if (std::error_code EC = llvm::sys::fs::createUniqueFile(Path + "-%%%%%%.tmp", FD, Temp))
    return Fail("create", EC);
  llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true);
  OS.write(Magic, sizeof(Magic));
  char Word[8];
  llvm::support::endian::write32le(Word, GraphSnapshotVersion);
  OS.write(Word, 4);
  llvm::support::endian::write32le(Word, uint32_t(Key.size()));
  OS.write(Word, 4);
  OS << Key;
  uint64_t SizeAt = FixedHeader + Key.size();
  // Payload size, checksum and where the effects start, written once known.
  OS.write_zeros(TailSize);
  Encoder E(OS);
  GraphSnapshot::write(G, E);
  uint64_t NodesAt = E.written();
  GraphSnapshot::writeNodes(G, E);
  uint64_t EffectsAt = E.written();
  size_t Half = GraphSnapshot::effectsHalf(G);
  GraphSnapshot::writeEffects(G, E, 0, Half);
  uint64_t SecondHalfAt = E.written();
  GraphSnapshot::writeEffects(G, E, Half, GraphSnapshot::effectLists(G));
  auto [Size, Hash] = E.finish();
  char Tail[TailSize];
  llvm::support::endian::write64le(Tail, Size);
  llvm::support::endian::write64le(Tail + 8, Hash);
  llvm::support::endian::write64le(Tail + 16, NodesAt);
  llvm::support::endian::write64le(Tail + 24, EffectsAt);
  llvm::support::endian::write64le(Tail + 32, SecondHalfAt);
  OS.pwrite(Tail, TailSize, SizeAt);
  OS.close();
  if (OS.has_error()) {
    std::error_code EC = OS.error();
    OS.clear_error();
    llvm::sys::fs::remove(Temp);
    return Fail("write", EC);
  }
  if (std::error_code EC = llvm::sys::fs::rename(Temp, Path)) {
    llvm::sys::fs::remove(Temp);
    return Fail("replace", EC);
  }
  return llvm::Error::success();
}

llvm::Expected<bool> readGraphSnapshot(CallGraph &G, llvm::StringRef Path, llvm::StringRef Key,
                                       bool IndexKeys, std::string *KeyRead) {
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> File = readCacheFile(Path, "graph snapshot");
  if (!File)
    return File.takeError();
  if (!*File)
    return false;
  auto Damaged = [&](llvm::StringRef Why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "graph snapshot '%s' is damaged (%s)", Path.str().c_str(),
                                   Why.str().c_str());
  };
  llvm::StringRef Data = (*File)->getBuffer();
  if (Data.size() < FixedHeader || !Data.starts_with(llvm::StringRef(Magic, sizeof(Magic))))
    return Damaged("not a kreach graph snapshot");
  const char *H = Data.data() + sizeof(Magic);
  if (llvm::support::endian::read32le(H) != GraphSnapshotVersion)
    return false; // Another kreach's: rewritten by this one.
  uint32_t KeySize = llvm::support::endian::read32le(H + 4);
  if (Data.size() - FixedHeader < uint64_t(KeySize) + TailSize)
    return Damaged("truncated header");
  if (KeyRead)
    *KeyRead = Data.substr(FixedHeader, KeySize).str();
  else if (Data.substr(FixedHeader, KeySize) != Key)
    return false;
  const char *Tail = Data.data() + FixedHeader + KeySize;
  uint64_t Size = llvm::support::endian::read64le(Tail);
  uint64_t Hash = llvm::support::endian::read64le(Tail + 8);
  uint64_t NodesAt = llvm::support::endian::read64le(Tail + 16);
  uint64_t EffectsAt = llvm::support::endian::read64le(Tail + 24);
  uint64_t SecondHalfAt = llvm::support::endian::read64le(Tail + 32);
  size_t PayloadAt = FixedHeader + KeySize + TailSize;
  if (Data.size() - PayloadAt != Size)
    return Damaged("truncated");
  if (NodesAt > EffectsAt || EffectsAt > SecondHalfAt || SecondHalfAt > Size)
    return Damaged("contents out of range");
  auto Payload = llvm::ArrayRef(reinterpret_cast<const uint8_t *>(Data.data()) + PayloadAt,
                                size_t(Size));
  uint64_t Actual = 0;
  for (size_t At = 0; At < Payload.size(); At += HashBlock)
    Actual = combineHash(Actual, Payload.slice(At, std::min(HashBlock, Payload.size() - At)));
  if (Actual != Hash)
    return Damaged("checksum mismatch");
  const uint8_t *P = Payload.data();
  Decoder Main(P, P + NodesAt), Nodes(P + NodesAt, P + EffectsAt),
      FirstHalf(P + EffectsAt, P + SecondHalfAt), SecondHalf(P + SecondHalfAt, P + Size);
  // The lists each half fills, read ahead of them: the halves must divide
  // one array between them, or two threads would fill the same lists.
  std::vector<std::vector<ValueEffect>> ReadEffects;
  {
    const uint64_t NodeBytes = EffectsAt - NodesAt;
    auto Range = [&](Decoder Peek, uint64_t &Lists, uint64_t &Begin, uint64_t &End) {
      Peek.u(), Peek.u();
      // Either half may hold fewer bytes than there are lists; the lists
      // are bounded by the nodes, of which the nodes' part holds at least
      // a byte each.
      uint64_t Nodes = Peek.u();
      Lists = Peek.u();
      if (Lists > Nodes || Nodes > NodeBytes)
        return false;
      Begin = Peek.u();
      End = Peek.u();
      return !Peek.bad();
    };
    uint64_t Lists[2], Begin[2], End[2];
    if (!Range(FirstHalf, Lists[0], Begin[0], End[0]) ||
        !Range(SecondHalf, Lists[1], Begin[1], End[1]) || Lists[0] != Lists[1] ||
        Begin[0] != 0 || End[0] != Begin[1] || End[1] != Lists[0] || Begin[1] > End[1])
      return Damaged("contents out of range");
    ReadEffects.resize(Lists[0]);
  }
  std::vector<Node> ReadNodes;
  GraphSnapshot::Sizes MainSizes, NodeSizes, FirstSizes, SecondSizes;
  std::atomic<bool> NodesRead{false}, FirstRead{false}, SecondRead{false};
  bool MainRead = false;
  // The nodes (then their key index), and each half of the effects: taken
  // in turn by the other thread, and by this one once its part is read.
  std::function<void()> Parts[] = {
      [&] {
        NodesRead = GraphSnapshot::readNodes(ReadNodes, Nodes, NodeSizes);
        if (NodesRead && IndexKeys) {
          llvm::TimeTraceScope Scope("snapshot: the nodes' key index");
          GraphSnapshot::indexKeysOf(G, ReadNodes);
        }
      },
      [&] { FirstRead = GraphSnapshot::readEffects(ReadEffects, FirstHalf, FirstSizes); },
      [&] { SecondRead = GraphSnapshot::readEffects(ReadEffects, SecondHalf, SecondSizes); }};
  std::atomic<size_t> NextPart{0};
  auto takeParts = [&] {
    for (size_t I; (I = NextPart++) < std::size(Parts);)
      Parts[I]();
  };
  {
    llvm::DefaultThreadPool Pool(llvm::hardware_concurrency(1));
    Pool.async([&, Tracing = llvm::timeTraceProfilerEnabled()] {
      ThreadTrace Trace(Tracing);
      takeParts();
    });
    MainRead = GraphSnapshot::read(G, Main, MainSizes);
    takeParts();
    Pool.wait();
  }
  if (!MainRead || !NodesRead || !FirstRead || !SecondRead || !(NodeSizes == MainSizes) ||
      !(FirstSizes == MainSizes) || !(SecondSizes == MainSizes) ||
      ReadNodes.size() != MainSizes.Nodes)
    return Damaged("contents out of range");
  GraphSnapshot::adopt(G, std::move(ReadNodes), std::move(ReadEffects), IndexKeys);
  return true;
}

} // namespace kreach
