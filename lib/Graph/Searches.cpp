//===- Searches.cpp - A check's searches, kept for the next ---------------===//

#include "kreach/GraphSearches.h"
#include "kreach/FileIO.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

namespace kreach {

namespace {
constexpr llvm::StringLiteral Magic("KRSEARCHES");
/// 2: the reverse index of the snapshot's graph follows the searches.
constexpr uint64_t SearchesFormat = 2;
constexpr size_t StepBytes = 12;

void put64(std::string &Out, uint64_t V) {
  char Word[8];
  llvm::support::endian::write64le(Word, V);
  Out.append(Word, 8);
}

/// Reads the file's layout; Steps is called with each search's spec and
/// encoded steps. False when the bytes do not hold that layout.
class Layout {
public:
  explicit Layout(llvm::StringRef Data) : Rest(Data) {}
  bool get64(uint64_t &V) {
    if (Rest.size() < 8)
      return false;
    V = llvm::support::endian::read64le(Rest.data());
    Rest = Rest.drop_front(8);
    return true;
  }
  bool getBytes(uint64_t Size, llvm::StringRef &Out) {
    if (Size > Rest.size())
      return false;
    Out = Rest.take_front(Size);
    Rest = Rest.drop_front(Size);
    return true;
  }
  llvm::StringRef rest() const { return Rest; }

private:
  llvm::StringRef Rest;
};

/// The header: false if the data is not a searches file of this format.
bool readHeader(Layout &L, llvm::StringRef &Key, uint64_t &Count) {
  llvm::StringRef Seen;
  uint64_t Format = 0, KeySize = 0;
  return L.getBytes(Magic.size(), Seen) && Seen == Magic && L.get64(Format) &&
         Format == SearchesFormat && L.get64(KeySize) && L.getBytes(KeySize, Key) &&
         L.get64(Count);
}

/// One search's spec and its encoded steps.
bool readSearch(Layout &L, uint64_t &Spec, llvm::StringRef &Encoded) {
  uint64_t Nodes = 0;
  return L.get64(Spec) && L.get64(Nodes) && Nodes <= UINT32_MAX &&
         L.getBytes(Nodes * StepBytes, Encoded);
}
/// The reverse index after the searches: a flag, then its arrays.
bool readReverse(Layout &L, const CallGraph &G, std::optional<ReverseEdges> &Out,
                 bool &Mismatch) {
  uint64_t Held = 0, Nodes = 0, Entries = 0;
  if (!L.get64(Held) || Held > 1)
    return false;
  if (!Held)
    return true;
  llvm::StringRef Starts, In, Weights;
  if (!L.get64(Nodes) || !L.get64(Entries) || Nodes >= UINT32_MAX || Entries > UINT32_MAX ||
      !L.getBytes((Nodes + 1) * 4, Starts) || !L.getBytes(Entries * 8, In) ||
      !L.getBytes(Entries, Weights))
    return false;
  std::vector<uint32_t> Start(Nodes + 1);
  for (size_t I = 0; I < Start.size(); ++I)
    Start[I] = llvm::support::endian::read32le(Starts.data() + 4 * I);
  std::vector<std::pair<NodeId, uint32_t>> Entry(Entries);
  for (size_t I = 0; I < Entry.size(); ++I)
    Entry[I] = {llvm::support::endian::read32le(In.data() + 8 * I),
                llvm::support::endian::read32le(In.data() + 8 * I + 4)};
  std::vector<uint8_t> Weight(Weights.bytes_begin(), Weights.bytes_end());
  Out = ReverseEdges::fromArrays(G, std::move(Start), std::move(Entry), std::move(Weight));
  Mismatch = !Out;
  return true;
}
} // namespace

std::string graphSearchesPath(llvm::StringRef SnapshotPath) {
  return (SnapshotPath + ".searches").str();
}

llvm::Error writeGraphSearches(llvm::StringRef Path, llvm::StringRef Key,
                               llvm::ArrayRef<StoredSearch> Searches,
                               const ReverseEdges *Reverse) {
  size_t Size = Magic.size() + 40 + Key.size();
  for (const StoredSearch &S : Searches)
    Size += 16 + S.Steps.size() * StepBytes;
  if (Reverse)
    Size += 16 + Reverse->starts().size() * 4 + Reverse->entries().size() * 9;
  std::string Data;
  Data.reserve(Size + 8);
  Data += Magic;
  put64(Data, SearchesFormat);
  put64(Data, Key.size());
  Data += Key;
  put64(Data, Searches.size());
  for (const StoredSearch &S : Searches) {
    put64(Data, S.Spec);
    put64(Data, S.Steps.size());
    size_t At = Data.size();
    Data.resize(At + S.Steps.size() * StepBytes);
    char *Out = Data.data() + At;
    for (const SinkStep &Step : S.Steps) {
      llvm::support::endian::write32le(Out, Step.Dist);
      llvm::support::endian::write32le(Out + 4, Step.Next);
      llvm::support::endian::write32le(Out + 8, Step.EdgeIndex);
      Out += StepBytes;
    }
  }
  put64(Data, Reverse ? 1 : 0);
  if (Reverse) {
    llvm::ArrayRef<uint32_t> Starts = Reverse->starts();
    llvm::ArrayRef<std::pair<NodeId, uint32_t>> In = Reverse->entries();
    put64(Data, Starts.size() - 1);
    put64(Data, In.size());
    size_t At = Data.size();
    Data.resize(At + Starts.size() * 4 + In.size() * 8);
    char *Out = Data.data() + At;
    for (uint32_t S : Starts) {
      llvm::support::endian::write32le(Out, S);
      Out += 4;
    }
    for (const auto &[From, Index] : In) {
      llvm::support::endian::write32le(Out, From);
      llvm::support::endian::write32le(Out + 4, Index);
      Out += 8;
    }
    llvm::ArrayRef<uint8_t> Weights = Reverse->weights();
    Data.append(reinterpret_cast<const char *>(Weights.data()), Weights.size());
  }
  put64(Data, llvm::xxh3_64bits(Data));
  if (llvm::Error E = llvm::writeToOutput(Path, [&](llvm::raw_ostream &OS) {
        OS << Data;
        return llvm::Error::success();
      }))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot write the graph's searches '%s': %s",
                                   Path.str().c_str(), llvm::toString(std::move(E)).c_str());
  return llvm::Error::success();
}

llvm::Expected<StoredSearches> readGraphSearches(llvm::StringRef Path, llvm::StringRef Key,
                                                 const CallGraph &G) {
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> File =
      readCacheFile(Path, "graph searches");
  if (!File)
    return File.takeError();
  if (!*File)
    return StoredSearches();
  auto Damaged = [&](llvm::StringRef Why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the graph's searches '%s' are damaged (%s)",
                                   Path.str().c_str(), Why.str().c_str());
  };
  llvm::StringRef Data = (*File)->getBuffer();
  if (!Data.starts_with(Magic))
    return Damaged("not a kreach searches file");
  Layout L(Data);
  llvm::StringRef StoredKey;
  uint64_t Count = 0;
  if (!readHeader(L, StoredKey, Count)) {
    // Another format's (another kreach) is not damage: it is not read.
    uint64_t Format = 0;
    Layout Probe(Data.drop_front(Magic.size()));
    if (Probe.get64(Format) && Format != SearchesFormat)
      return StoredSearches();
    return Damaged("truncated");
  }
  if (StoredKey != Key)
    return StoredSearches(); // Another snapshot's.
  if (Data.size() < 8 ||
      llvm::support::endian::read64le(Data.end() - 8) != llvm::xxh3_64bits(Data.drop_back(8)))
    return Damaged("checksum mismatch");
  StoredSearches Out;
  for (uint64_t I = 0; I < Count; ++I) {
    StoredSearch &S = Out.Searches.emplace_back();
    llvm::StringRef Encoded;
    if (!readSearch(L, S.Spec, Encoded))
      return Damaged("contents out of range");
    S.Steps.resize(Encoded.size() / StepBytes);
    const char *In = Encoded.data();
    for (SinkStep &Step : S.Steps) {
      Step.Dist = llvm::support::endian::read32le(In);
      Step.Next = llvm::support::endian::read32le(In + 4);
      Step.EdgeIndex = llvm::support::endian::read32le(In + 8);
      In += StepBytes;
    }
  }
  bool Mismatch = false;
  if (!readReverse(L, G, Out.Reverse, Mismatch) || L.rest().size() != 8)
    return Damaged("contents out of range");
  if (Mismatch)
    return Damaged("a reverse index not of the snapshot's graph");
  return std::move(Out);
}

bool holdsGraphSearches(llvm::StringRef Path, llvm::StringRef Key,
                        llvm::ArrayRef<uint64_t> Specs) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> File =
      llvm::MemoryBuffer::getFile(Path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!File)
    return false;
  Layout L((*File)->getBuffer());
  llvm::StringRef StoredKey;
  uint64_t Count = 0;
  if (!readHeader(L, StoredKey, Count) || StoredKey != Key)
    return false;
  std::vector<uint64_t> Held;
  for (uint64_t I = 0; I < Count; ++I) {
    uint64_t Spec = 0;
    llvm::StringRef Encoded;
    if (!readSearch(L, Spec, Encoded))
      return false;
    Held.push_back(Spec);
  }
  uint64_t HasReverse = 0;
  return L.get64(HasReverse) && HasReverse == 1 &&
         llvm::all_of(Specs, [&](uint64_t S) { return llvm::is_contained(Held, S); });
}

} // namespace kreach
