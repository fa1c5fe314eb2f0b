//===- GraphCacheFuzzer.cpp - Fuzz the readers of the files beside an index ===//
//
// The graph snapshot, its journal and the stored searches are files kreach
// writes beside its index, but a disk, a copy or another tool may leave
// anything there: each reader must return its result, nothing, or one
// llvm::Error for any bytes, never crash or read past them.
//
// The input: one byte choosing the reader, two the key's length (little
// endian), the key the file is read under, then the file's bytes (the seeds
// are real files, with the keys they were written under). The searches hold
// the reverse index of their snapshot's graph, checked against that graph:
// their input carries the snapshot first (four bytes of length, little
// endian, then its bytes), read under the same key.
//
//===----------------------------------------------------------------------===//

#include "kreach/GraphJournal.h"
#include "kreach/GraphSearches.h"
#include "kreach/GraphSnapshot.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  if (Size < 3)
    return 0;
  unsigned Reader = Data[0] % 3;
  size_t KeySize = std::min<size_t>(Data[1] | size_t(Data[2]) << 8, Size - 3);
  std::string Key(reinterpret_cast<const char *>(Data) + 3, KeySize);
  llvm::StringRef Bytes(reinterpret_cast<const char *>(Data) + 3 + KeySize, Size - 3 - KeySize);
  // The readers map files; one file per process, rewritten for each input.
  auto tempFile = [] {
    llvm::SmallString<128> P;
    llvm::sys::fs::createTemporaryFile("kreach-fuzz-graph-cache", "bin", P);
    return std::string(P);
  };
  static const std::string Path = tempFile(), SnapshotPath = tempFile();
  auto writeFile = [](const std::string &To, llvm::StringRef What) {
    std::error_code EC;
    llvm::raw_fd_ostream OS(To, EC);
    if (EC)
      return false;
    OS << What;
    return true;
  };
  llvm::StringRef Snapshot;
  if (Reader == 2) {
    if (Bytes.size() < 4)
      return 0;
    size_t SnapshotSize = std::min<size_t>(
        Bytes.bytes_begin()[0] | size_t(Bytes.bytes_begin()[1]) << 8 |
            size_t(Bytes.bytes_begin()[2]) << 16 | size_t(Bytes.bytes_begin()[3]) << 24,
        Bytes.size() - 4);
    Snapshot = Bytes.substr(4, SnapshotSize);
    Bytes = Bytes.drop_front(4 + SnapshotSize);
    if (!writeFile(SnapshotPath, Snapshot))
      return 0;
  }
  if (!writeFile(Path, Bytes))
    return 0;
  static const kreach::PathMapper Paths("/src/linux", "/src/build");
  switch (Reader) {
  case 0: {
    kreach::CallGraph G;
    llvm::Expected<bool> Read = kreach::readGraphSnapshot(G, Path, Key, /*IndexKeys=*/true);
    if (!Read)
      llvm::consumeError(Read.takeError());
    else if (*Read)
      (void)G.lookup(Key); // A graph read is whole: its key index answers.
    break;
  }
  case 1: {
    llvm::Expected<std::optional<kreach::GraphJournal>> Read =
        kreach::readGraphJournal(Path, Paths);
    if (!Read)
      llvm::consumeError(Read.takeError());
    break;
  }
  default: {
    // The graph the searches were run on; an empty one if it does not read.
    kreach::CallGraph G;
    llvm::Expected<bool> Graph = kreach::readGraphSnapshot(G, SnapshotPath, Key);
    if (!Graph || !*Graph) {
      if (!Graph)
        llvm::consumeError(Graph.takeError());
      G = kreach::CallGraph();
    }
    llvm::Expected<kreach::StoredSearches> Read = kreach::readGraphSearches(Path, Key, G);
    if (!Read)
      llvm::consumeError(Read.takeError());
    else if (Read->Reverse && G.size())
      (void)Read->Reverse->reaching({0}); // A reverse index taken is one of G.

    (void)kreach::holdsGraphSearches(Path, Key, {1, 2});
    break;
  }
  }
  return 0;
}
