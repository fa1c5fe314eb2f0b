//===- kreach-synth.cpp - A synthetic kernel-shaped tree and its index ----===//
//
// For bench/graph_scale.py: writes a tree of source and header files, its
// compile_commands.json and a kreach index of it, through the index's own
// writer (Index::storeTU), as if `kreach index` had parsed every TU. The
// files exist, so a default `kreach check` verifies every input stamp and
// finds nothing to re-parse; the graph is as large as asked, which parsing
// real code of that size could not give in a benchmark's time.
//
// Shape (per function, on average, as measured on the 6.12 slice): about
// 8.5 direct calls (EdgesPerFunction), 0.3 calls through ops fields and 0.5
// stores of a function's address into an ops field; 30 functions per TU,
// 100 TUs per directory, 10% of the directories under drivers/gpu/; every
// TU reads its own file and a shared run of up to 759 headers (the
// kernel's typical include closure). One function in a thousand is an mmu
// notifier callback (stored into mmu_notifier_ops::invalidate_range_start),
// one in two thousand calls dma_fence_wait. Calls go mostly to the same
// directory, the rest anywhere: locality as in a kernel, and long chains.
//
//===----------------------------------------------------------------------===//

#include "kreach/Facts.h"
#include "kreach/Index.h"
#include "kreach/Indexer.h"

#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <random>
#include <string>
#include <vector>

using namespace llvm;

static cl::opt<std::string> OutDir("out", cl::desc("Directory to write the tree into"),
                                   cl::Required);
static cl::opt<unsigned> Functions("functions", cl::desc("Functions in the tree"),
                                   cl::init(100000));
static cl::opt<uint64_t> Edges("edges", cl::desc("Direct calls in the tree"),
                               cl::init(850000));
static cl::opt<unsigned> Seed("seed", cl::desc("Pseudo-random seed"), cl::init(1));

namespace {

constexpr unsigned FunctionsPerTU = 30, TUsPerDir = 100, HeadersPerTU = 759;

std::string tuPath(unsigned TU) {
  unsigned Dir = TU / TUsPerDir;
  // Every tenth directory is a GPU driver's.
  std::string Parent = Dir % 10 == 0 ? "drivers/gpu/drm/d" : "drivers/misc/d";
  return Parent + std::to_string(Dir) + "/f" + std::to_string(TU) + ".c";
}

bool writeFile(const std::string &Path, StringRef Text) {
  sys::fs::create_directories(sys::path::parent_path(Path));
  std::error_code EC;
  raw_fd_ostream OS(Path, EC);
  if (EC) {
    errs() << "kreach-synth: cannot write '" << Path << "': " << EC.message() << "\n";
    return false;
  }
  OS << Text;
  return true;
}

} // namespace

int main(int argc, char **argv) {
  cl::ParseCommandLineOptions(argc, argv, "kreach-synth: a synthetic tree and its index\n");
  SmallString<256> Root(OutDir);
  sys::fs::make_absolute(Root);
  std::string RootDir = kreach::normalizePath(Root);
  unsigned TUs = std::max(1u, Functions / FunctionsPerTU);
  unsigned Headers = std::max(HeadersPerTU + 1, TUs / 8);
  std::mt19937_64 Rng(Seed);
  auto Pick = [&](uint64_t N) { return std::uniform_int_distribution<uint64_t>(0, N - 1)(Rng); };

  // Headers, then sources: the stamps must be those of files on disk.
  std::vector<std::string> HeaderPaths;
  llvm::StringMap<kreach::FileStamp> Stamps;
  for (unsigned H = 0; H < Headers; ++H) {
    HeaderPaths.push_back(RootDir + "/include/linux/h" + std::to_string(H) + ".h");
    if (!writeFile(HeaderPaths.back(), "/* synthetic header */\n"))
      return 2;
  }
  if (!writeFile(RootDir + "/Makefile", "# synthetic tree\n"))
    return 2;
  json::Array Commands;
  for (unsigned T = 0; T < TUs; ++T) {
    std::string File = RootDir + "/" + tuPath(T);
    if (!writeFile(File, "/* synthetic TU */\n"))
      return 2;
    Commands.push_back(json::Object{
        {"directory", RootDir},
        {"file", File},
        {"arguments", json::Array{"clang", "-c", "-Iinclude", File}}});
  }
  if (!writeFile(RootDir + "/compile_commands.json",
                 formatv("{0:2}", json::Value(std::move(Commands))).str()))
    return 2;

  // Paths relative to the tree, as `kreach index` run there stores them.
  kreach::IndexOpenOptions OpenOpts;
  OpenOpts.SourceRoot = RootDir;
  auto Opened =
      kreach::Index::open(RootDir + "/kreach.db", kreach::Index::Mode::ReadWrite, OpenOpts);
  if (!Opened) {
    errs() << "kreach-synth: " << toString(Opened.takeError()) << "\n";
    return 2;
  }
  kreach::Index &I = **Opened;
  if (Error E = I.setMeta("source_root", RootDir)) {
    errs() << "kreach-synth: " << toString(std::move(E)) << "\n";
    return 2;
  }
  uint64_t N = uint64_t(TUs) * FunctionsPerTU;
  double CallsPerFunction = double(Edges) / double(N);
  unsigned Fields = std::max(10u, unsigned(N / 100));
  auto FnKey = [](uint64_t F) { return "fn_" + std::to_string(F); };
  uint64_t Stored = 0;
  for (unsigned T = 0; T < TUs; ++T) {
    std::string File = RootDir + "/" + tuPath(T);
    kreach::TUFacts Facts;
    Facts.MainFile = File;
    kreach::TUState State;
    State.File = File;
    State.Directory = RootDir;
    clang::tooling::CompileCommand Cmd(RootDir, File, {"clang", "-c", "-Iinclude", File}, "");
    State.CommandHash = kreach::commandHash(Cmd, I.paths());
    // The TU's own file, and a run of headers starting where its directory's
    // run starts (TUs of a directory share most of their headers).
    unsigned First = unsigned((uint64_t(T / TUsPerDir) * 37) % (Headers - HeadersPerTU));
    Facts.Inputs.push_back(File);
    for (unsigned H = 0; H < HeadersPerTU; ++H)
      Facts.Inputs.push_back(HeaderPaths[First + H]);
    for (const std::string &In : Facts.Inputs) {
      auto [It, New] = Stamps.try_emplace(In);
      if (New)
        It->second = kreach::stampFile(In); // Headers are shared: read once.
      State.Inputs.push_back(It->second);
    }
    uint64_t DirFirst = uint64_t(T / TUsPerDir) * TUsPerDir * FunctionsPerTU;
    uint64_t DirSize = std::min<uint64_t>(uint64_t(TUsPerDir) * FunctionsPerTU, N - DirFirst);
    for (unsigned K = 0; K < FunctionsPerTU; ++K) {
      uint64_t F = uint64_t(T) * FunctionsPerTU + K;
      kreach::FunctionFact Fn;
      Fn.Key = Fn.Name = FnKey(F);
      Fn.Loc = {File, 10 + K * 20, 1};
      Facts.Functions.push_back(Fn);
      unsigned Line = 11 + K * 20;
      // Direct calls: the fractional part of the average by chance.
      unsigned Calls = unsigned(CallsPerFunction);
      if (std::uniform_real_distribution<double>(0, 1)(Rng) < CallsPerFunction - Calls)
        ++Calls;
      for (unsigned C = 0; C < Calls; ++C) {
        uint64_t To = Pick(10) < 7 ? DirFirst + Pick(DirSize) : Pick(N);
        Facts.Calls.push_back({Fn.Key, FnKey(To), FnKey(To), {File, Line, 2 + C}});
      }
      if (Pick(2000) == 0)
        Facts.Calls.push_back({Fn.Key, "dma_fence_wait", "dma_fence_wait", {File, Line, 1}});
      if (Pick(10) < 3)
        Facts.IndirectCalls.push_back(
            {Fn.Key, "synth_ops_" + std::to_string(Pick(Fields)) + "::fn", {File, Line + 1, 2}});
      if (Pick(2) == 0) {
        Facts.Stores.push_back({"", "synth_ops_" + std::to_string(Pick(Fields)) + "::fn",
                                Fn.Key, Fn.Name, {File, Line + 2, 2}});
        ++Stored;
      }
      if (Pick(1000) == 0)
        Facts.Stores.push_back({"", "mmu_notifier_ops::invalidate_range_start", Fn.Key,
                                Fn.Name, {File, Line + 3, 2}});
    }
    if (Error E = I.storeTU(State, &Facts)) {
      errs() << "kreach-synth: " << toString(std::move(E)) << "\n";
      return 2;
    }
  }
  if (Error E = I.setComplete(true)) {
    errs() << "kreach-synth: " << toString(std::move(E)) << "\n";
    return 2;
  }
  if (Error E = I.close()) {
    errs() << "kreach-synth: " << toString(std::move(E)) << "\n";
    return 2;
  }
  outs() << "tus=" << TUs << " functions=" << N << " headers=" << Headers
         << " stores=" << Stored << "\n";
  return 0;
}
