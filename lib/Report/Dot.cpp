//===- Dot.cpp - Every chain from one root, as text and as a Graphviz graph ===//
//
// A finding shows one shortest chain, but a reviewer deciding how to break it
// needs all of them: fixing one call may leave another path of the same
// length. "Every chain" is the shortest-path DAG from the root: the edges
// u->v with dist(v) + 1 == dist(u), reachable from the root. Longer detours
// are left out on purpose; they exist in every large call graph and would
// bury the ones that matter.
//
//===----------------------------------------------------------------------===//

#include "kreach/Report.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringMap.h"
#include <map>
#include <set>
#include <tuple>

namespace kreach {

namespace {

/// Nodes (in discovery order, root first) and calls of the shortest-path DAG
/// from Root. Parallel calls with the same field (or both direct) are one
/// edge; the first call site represents them.
struct Dag {
  llvm::SetVector<NodeId> Nodes;
  std::vector<PathHop> Edges;
  llvm::DenseMap<NodeId, std::vector<size_t>> Out;
};

} // namespace

std::vector<PathHop> chainHops(const CallGraph &G, const std::vector<SinkStep> &Steps,
                               NodeId N) {
  std::vector<PathHop> Hops;
  std::set<std::pair<NodeId, FieldId>> Seen;
  for (const PathHop &H : shortestHops(G, Steps, N))
    if (Seen.insert({H.Callee, H.Via}).second)
      Hops.push_back(H);
  return Hops;
}

static Dag buildDag(const CallGraph &G, const std::vector<SinkStep> &Steps, NodeId Root) {
  Dag D;
  if (Root >= G.size() || !Steps[Root].reaches())
    return D;
  D.Nodes.insert(Root);
  for (size_t I = 0; I < D.Nodes.size(); ++I) {
    NodeId From = D.Nodes[I];
    for (const PathHop &H : chainHops(G, Steps, From)) {
      D.Out[From].push_back(D.Edges.size());
      D.Edges.push_back(H);
      D.Nodes.insert(H.Callee);
    }
  }
  return D;
}

static std::string where(const CallGraph &G, const Loc &L, const PathMapper &Paths) {
  if (!L.File)
    return "";
  return Paths.relative(G.file(L.File)) + ":" + std::to_string(L.Line);
}

/// DOT double-quoted string body.
static std::string quote(llvm::StringRef S) {
  std::string Out = "\"";
  for (char C : S) {
    if (C == '"' || C == '\\')
      Out += '\\';
    Out += C;
  }
  return Out + "\"";
}

void printDot(llvm::raw_ostream &OS, const CallGraph &G, const std::vector<SinkStep> &Steps,
              NodeId Root, const PathMapper &Paths) {
  Dag D = buildDag(G, Steps, Root);
  // Node ids are function names, so the rendered SVG's <title>s read as the
  // code does; two statics of one name in different files get the file too.
  llvm::StringMap<unsigned> NameCount;
  for (NodeId N : D.Nodes)
    ++NameCount[G.node(N).Name];
  auto Id = [&](NodeId N) {
    const Node &Nd = G.node(N);
    if (NameCount[Nd.Name] < 2 || !Nd.Def.File)
      return Nd.Name;
    return Nd.Name + " (" + Paths.relative(G.file(Nd.Def.File)) + ")";
  };

  OS << "digraph kreach {\n"
     << "  rankdir=LR;\n"
     << "  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
     << "  edge [fontname=\"Helvetica\", fontsize=10];\n";
  for (NodeId N : D.Nodes) {
    const Node &Nd = G.node(N);
    // "\n" is DOT's line break inside a label, so it goes between the
    // quoted pieces rather than through quote().
    std::string Label = quote(Nd.Name);
    std::string At = where(G, Nd.Def, Paths);
    if (!At.empty())
      Label = Label.substr(0, Label.size() - 1) + "\\n" + quote(At).substr(1);
    OS << "  " << quote(Id(N)) << " [label=" << Label;
    if (N == Root)
      OS << ", shape=doubleoctagon, style=bold, color=\"#1f4e9c\"";
    else if (Steps[N].Dist == 0)
      OS << ", shape=box, style=filled, fillcolor=\"#f4b6b6\", color=\"#a40000\"";
    OS << "];\n";
  }
  for (const PathHop &E : D.Edges) {
    OS << "  " << quote(Id(E.Caller)) << " -> " << quote(Id(E.Callee)) << " [";
    if (E.Via)
      OS << "label=" << quote(G.field(E.Via)) << ", style=dashed, ";
    OS << "tooltip=" << quote(where(G, E.Site, Paths)) << "];\n";
  }
  OS << "}\n";
}

void printChains(llvm::raw_ostream &OS, const CallGraph &G,
                 const std::vector<SinkStep> &Steps, NodeId Root, const PathMapper &Paths,
                 unsigned Limit, llvm::StringRef SinkKind) {
  Dag D = buildDag(G, Steps, Root);
  if (D.Nodes.empty()) {
    OS << "'" << G.node(Root).Name << "' reaches no " << SinkKind << "\n";
    return;
  }
  // Depth-first over the DAG; every root-to-sink path is one chain. The
  // count can grow exponentially with the depth, hence the limit. The walk
  // keeps its own stack: a chain can be as deep as the call graph.
  unsigned Printed = 0;
  bool Truncated = false;
  std::vector<size_t> Path; ///< DAG edges from Root to the node on top.
  auto PrintPath = [&] {
    ++Printed;
    OS << "chain " << Printed << ": " << G.node(Root).Name;
    for (size_t E : Path)
      OS << " -> " << G.node(D.Edges[E].Callee).Name;
    OS << "\n";
    for (size_t E : Path) {
      Hop H = toHop(G, D.Edges[E]);
      const SourcePos &Site = H.Site;
      OS << "  " << Paths.relative(Site.File) << ':' << Site.Line << ':' << Site.Column
         << ": " << hopMessage(H) << "\n";
    }
  };
  struct Frame {
    const std::vector<size_t> *Children;
    size_t Next;
  };
  std::vector<Frame> Stack;
  // Visits N: prints the chain if N ends one, else pushes it.
  auto Enter = [&](NodeId N) {
    if (Printed >= Limit) {
      Truncated = true;
      return false;
    }
    auto It = D.Out.find(N);
    if (It == D.Out.end() || It->second.empty()) {
      PrintPath();
      return false;
    }
    Stack.push_back({&It->second, 0});
    return true;
  };
  Enter(Root);
  while (!Stack.empty()) {
    Frame &F = Stack.back();
    if (F.Next == F.Children->size()) {
      Stack.pop_back();
      if (!Path.empty()) // Root's frame has no edge into it.
        Path.pop_back();
      continue;
    }
    size_t E = (*F.Children)[F.Next++];
    Path.push_back(E);
    if (!Enter(D.Edges[E].Callee))
      Path.pop_back();
  }
  if (Truncated)
    OS << "(more chains not shown; raise --max-chains)\n";
}

} // namespace kreach
