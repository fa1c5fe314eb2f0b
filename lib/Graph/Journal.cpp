//===- Journal.cpp - What changed since the graph snapshot ----------------===//

#include "kreach/GraphJournal.h"
#include "kreach/FactsRecord.h"
#include "kreach/FileIO.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

namespace kreach {

namespace {
constexpr llvm::StringLiteral Magic("KRJOURNAL");
constexpr uint32_t JournalFormat = 1;
/// A journal holds a few TUs' facts: a size past this is damage, not data.
constexpr uint64_t MaxJournalBytes = uint64_t(1) << 30;

void put64(std::string &Out, uint64_t V) {
  char Word[8];
  llvm::support::endian::write64le(Word, V);
  Out.append(Word, 8);
}

void putString(std::string &Out, llvm::StringRef S) {
  put64(Out, S.size());
  Out += S;
}
} // namespace

std::string graphJournalPath(llvm::StringRef SnapshotPath) {
  return (SnapshotPath + ".journal").str();
}

llvm::Error writeGraphJournal(const GraphJournal &J, llvm::StringRef Path,
                              const PathMapper &Paths) {
  std::string Data(Magic);
  put64(Data, JournalFormat);
  putString(Data, J.BaseKey);
  putString(Data, J.StateKey);
  put64(Data, J.Before.size());
  std::string Records;
  for (const auto &[File, Facts] : J.Before) {
    FactsRecord R;
    R.Facts = Facts;
    R.Facts.MainFile = File;
    Records += encodeFactsRecord(R, Paths);
  }
  putString(Data, Records);
  put64(Data, llvm::xxh3_64bits(Data));

  // A new file renamed over the old: a reader sees one journal or the other.
  if (llvm::Error E = llvm::writeToOutput(Path, [&](llvm::raw_ostream &OS) {
        OS << Data;
        return llvm::Error::success();
      }))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot write graph journal '%s': %s", Path.str().c_str(),
                                   llvm::toString(std::move(E)).c_str());
  return llvm::Error::success();
}

llvm::Expected<std::optional<GraphJournal>> readGraphJournal(llvm::StringRef Path,
                                                             const PathMapper &Paths) {
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> File = readCacheFile(Path, "graph journal");
  if (!File)
    return File.takeError();
  if (!*File)
    return std::nullopt;
  auto Damaged = [&](llvm::StringRef Why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "graph journal '%s' is damaged (%s)", Path.str().c_str(),
                                   Why.str().c_str());
  };
  llvm::StringRef Data = (*File)->getBuffer();
  if (!Data.starts_with(Magic))
    return Damaged("not a kreach graph journal");
  if (Data.size() > MaxJournalBytes || Data.size() < Magic.size() + 8 + 8)
    return Damaged("truncated");
  llvm::StringRef Body = Data.drop_back(8);
  if (llvm::support::endian::read64le(Data.end() - 8) != llvm::xxh3_64bits(Body))
    return Damaged("checksum mismatch");
  Body = Body.drop_front(Magic.size());
  bool Short = false;
  auto get64 = [&]() -> uint64_t {
    if (Body.size() < 8) {
      Short = true;
      return 0;
    }
    uint64_t V = llvm::support::endian::read64le(Body.data());
    Body = Body.drop_front(8);
    return V;
  };
  auto getString = [&]() -> llvm::StringRef {
    uint64_t Size = get64();
    if (Short || Size > Body.size()) {
      Short = true;
      return {};
    }
    llvm::StringRef S = Body.take_front(Size);
    Body = Body.drop_front(Size);
    return S;
  };
  if (get64() != JournalFormat)
    return std::nullopt; // Another kreach's: the check reads the index.
  GraphJournal J;
  J.BaseKey = getString().str();
  J.StateKey = getString().str();
  uint64_t Count = get64();
  llvm::StringRef Records = getString();
  if (Short || !Body.empty())
    return Damaged("contents out of range");
  llvm::Expected<std::vector<FactsRecord>> Decoded = decodeFactsSection(Records, Paths);
  if (!Decoded)
    return Damaged(llvm::toString(Decoded.takeError()));
  // A record of another facts revision is skipped by the decoder: such a
  // journal is another kreach's.
  if (Decoded->size() != Count)
    return std::nullopt;
  for (FactsRecord &R : *Decoded) {
    std::string File = R.Facts.MainFile;
    J.Before.push_back({std::move(File), std::move(R.Facts)});
  }
  return std::move(J);
}

} // namespace kreach
