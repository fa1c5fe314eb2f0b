//===- FactsRecord.cpp - A TU's facts as bytes that travel with its object ===//
//
// Layout of a record: "KRFACTS" and a format byte (a record of another
// format is skipped), the payload's size (8 bytes, little endian), the
// payload. The payload starts with the facts revision and kreach's version
// (a record of another kreach is skipped) and the parse's fingerprint, then
// says how the rest is stored (as is, or zlib-compressed, with its size):
// a string table, then everything else as ULEB128 numbers and string ids.
// A kernel TU repeats its file names and function keys thousands of times;
// compressed, a record is a fraction of its object.
//
//===----------------------------------------------------------------------===//

#include "kreach/FactsRecord.h"

#include "kreach/Config.h"
#include "kreach/FactKinds.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Compression.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "kreach/LEB128.h"
#include "llvm/Support/xxhash.h"

namespace kreach {

uint64_t contentHash(llvm::StringRef Bytes) {
  uint64_t H = llvm::xxh3_64bits(Bytes);
  // Keep the two reserved values for what they mean.
  return H == MissingContent || H == UnreadableContent ? H + 2 : H;
}

FileStamp statFile(llvm::StringRef Path) {
  FileStamp S;
  S.Path = Path.str();
  llvm::sys::fs::file_status Status;
  if (!llvm::sys::fs::status(Path, Status) && llvm::sys::fs::exists(Status)) {
    S.Size = int64_t(Status.getSize());
    S.MTime = Status.getLastModificationTime().time_since_epoch().count();
  }
  return S;
}

FileStamp stampFile(llvm::StringRef Path) {
  FileStamp S = statFile(Path);
  if (S.Size < 0)
    return S;
  // A FIFO would block the read, /dev/zero never end it.
  if (!llvm::sys::fs::is_regular_file(Path)) {
    S.Content = UnreadableContent;
    return S;
  }
  auto Bytes = llvm::MemoryBuffer::getFile(Path, /*IsText=*/false,
                                           /*RequiresNullTerminator=*/false);
  S.Content = Bytes ? contentHash((*Bytes)->getBuffer()) : UnreadableContent;
  return S;
}

FileStamp stampNow(llvm::StringRef Path, const FileStamp &Known) {
  FileStamp S = statFile(Path);
  if (S.Size >= 0 && Known.MTime >= 0 && S.Size == Known.Size && S.MTime == Known.MTime) {
    S.Content = Known.Content;
    return S;
  }
  return S.Size < 0 ? S : stampFile(Path);
}

/// How long before a read a file's time must lie for that time to vouch for
/// the content read: a file system's clock ticks coarsely (a second on some),
/// and a write in the same tick as the read leaves the time as it was.
constexpr std::chrono::seconds SettledFor(2);

std::vector<FileStamp> parseStamps(const TUFacts &Facts,
                                   std::chrono::system_clock::time_point ParseStart) {
  std::vector<FileStamp> Out;
  Out.reserve(Facts.Inputs.size());
  int64_t Settled = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        (ParseStart - SettledFor).time_since_epoch())
                        .count();
  for (size_t I = 0; I < Facts.Inputs.size(); ++I) {
    FileStamp S = statFile(Facts.Inputs[I]);
    S.Content = I < Facts.InputContent.size() ? Facts.InputContent[I] : UnreadableContent;
    if (S.Size >= 0 && S.MTime > Settled)
      S.MTime = -1;
    Out.push_back(std::move(S));
  }
  return Out;
}

namespace {

constexpr llvm::StringLiteral Magic("KRFACTS");
/// 3: input stamps carry their content. 4: paths relative to the compile's
/// root and build directory.
constexpr char Format = 4;
enum Encoding : uint8_t { Plain = 0, Zlib = 1 };
/// A record inflates to at most this: a damaged size must not allocate the
/// machine's memory.
constexpr uint64_t MaxPlainBytes = uint64_t(256) << 20;

class Writer {
public:
  explicit Writer(const PathMapper &Paths) : Paths(Paths) {}
  void u(uint64_t V) {
    uint8_t Bytes[16];
    Body.append(reinterpret_cast<const char *>(Bytes), llvm::encodeULEB128(V, Bytes));
  }
  void s(int64_t V) {
    uint8_t Bytes[16];
    Body.append(reinterpret_cast<const char *>(Bytes), llvm::encodeSLEB128(V, Bytes));
  }
  void str(llvm::StringRef S) {
    auto [It, New] = Ids.try_emplace(S, Strings.size());
    if (New)
      Strings.push_back(S.str());
    u(It->second);
  }
  /// A path, relative to the compile's root and build directory.
  void path(llvm::StringRef P) { str(P.empty() ? std::string() : Paths.stored(P)); }
  void site(const SourcePos &P) {
    path(P.File);
    u(P.Line);
    u(P.Column);
  }
  /// The payload: header, then the string table and the body written so
  /// far, compressed where zlib is there and it helps.
  std::string finish(llvm::StringRef Fingerprint) {
    std::string Head;
    auto U = [&](uint64_t V) {
      uint8_t Bytes[16];
      Head.append(reinterpret_cast<const char *>(Bytes), llvm::encodeULEB128(V, Bytes));
    };
    auto Raw = [&](llvm::StringRef S) {
      U(S.size());
      Head += S;
    };
    U(FactsRevision);
    Raw(KREACH_VERSION);
    Raw(Fingerprint);
    std::string Tail;
    std::swap(Head, Tail);
    U(Strings.size());
    for (const std::string &S : Strings)
      Raw(S);
    std::swap(Head, Tail);
    Tail += Body;
    if (llvm::compression::zlib::isAvailable()) {
      llvm::SmallVector<uint8_t, 0> Packed;
      llvm::compression::zlib::compress(llvm::arrayRefFromStringRef(Tail), Packed,
                                        llvm::compression::zlib::BestSpeedCompression);
      if (Packed.size() < Tail.size()) {
        U(Zlib);
        U(Tail.size());
        return Head + std::string(llvm::toStringRef(Packed));
      }
    }
    U(Plain);
    U(Tail.size());
    return Head + Tail;
  }

private:
  const PathMapper &Paths;
  std::string Body;
  llvm::StringMap<uint64_t> Ids;
  std::vector<std::string> Strings;
};

class Reader {
public:
  explicit Reader(llvm::StringRef Data) : Data(Data) {}
  bool failed() const { return Failed; }
  /// What is left to read, taken whole.
  llvm::StringRef rest() {
    llvm::StringRef All = Data;
    Data = llvm::StringRef();
    return All;
  }
  bool atEnd() const { return Data.empty(); }
  uint64_t u() { return leb(readULEB128); }
  int64_t s() { return int64_t(leb(readSLEB128)); }
  llvm::StringRef raw() {
    uint64_t Size = u();
    if (Failed || Size > Data.size())
      return fail(), llvm::StringRef();
    llvm::StringRef S = Data.take_front(Size);
    Data = Data.drop_front(Size);
    return S;
  }
  llvm::StringRef str() {
    uint64_t Id = u();
    if (Failed || Id >= Strings.size())
      return fail(), llvm::StringRef();
    return Strings[Id];
  }
  bool readStrings() {
    uint64_t Count = u();
    // Each string takes at least a byte: a count past the data is damage.
    if (Failed || Count > Data.size())
      return fail(), false;
    Strings.reserve(Count);
    for (uint64_t I = 0; I < Count && !Failed; ++I)
      Strings.push_back(raw());
    return !Failed;
  }
  /// A count of items that take at least a byte each.
  uint64_t count() {
    uint64_t N = u();
    if (N > Data.size())
      return fail();
    return N;
  }

private:
  template <typename ReadFn> uint64_t leb(ReadFn Read) {
    const uint8_t *P = reinterpret_cast<const uint8_t *>(Data.data());
    const uint8_t *End = P + Data.size();
    const char *Error = nullptr;
    uint64_t V = uint64_t(Read(P, End, &Error));
    if (Error)
      return fail();
    Data = Data.drop_front(P - reinterpret_cast<const uint8_t *>(Data.data()));
    return V;
  }
  uint64_t fail() {
    Failed = true;
    Data = llvm::StringRef();
    return 0;
  }
  llvm::StringRef Data;
  std::vector<llvm::StringRef> Strings;
  bool Failed = false;
};

} // namespace

std::string encodeFactsRecord(const FactsRecord &Record, const PathMapper &Paths) {
  Writer W(Paths);
  const TUFacts &F = Record.Facts;
  W.path(F.MainFile);
  W.str(Record.SourceRoot);
  W.u(F.UnresolvedIndirectCalls);
  W.u(Record.Inputs.size());
  for (const FileStamp &In : Record.Inputs) {
    W.path(In.Path);
    W.s(In.Size);
    W.s(In.MTime);
    W.u(In.Content);
  }
  W.u(F.Functions.size());
  for (const FunctionFact &Fn : F.Functions) {
    W.str(Fn.Key);
    W.str(Fn.Name);
    W.site(Fn.Loc);
    W.u(Fn.Internal);
  }
  llvm::SmallVector<FactValue, 8> Values;
  for (const FactKindInfo &Kind : factKinds()) {
    size_t N = factCount(F, Kind.Kind);
    W.u(N);
    for (size_t I = 0; I < N; ++I) {
      Values.clear();
      factValues(F, Kind.Kind, I, Values);
      for (size_t C = 0; C < Values.size(); ++C)
        switch (Kind.Columns[C].Kind) {
        case ColumnKind::Symbol:
          W.str(Values[C].Text);
          W.str(Values[C].Name);
          break;
        case ColumnKind::Line:
        case ColumnKind::Col:
        case ColumnKind::Integer:
          W.s(Values[C].Int);
          break;
        case ColumnKind::File:
          W.path(Values[C].Text);
          break;
        default:
          W.str(Values[C].Text);
          break;
        }
    }
  }
  std::string Payload = W.finish(Record.Fingerprint);
  std::string Out(Magic);
  Out += Format;
  char Size[8];
  llvm::support::endian::write64le(Size, Payload.size());
  Out.append(Size, 8);
  return Out + Payload;
}

llvm::Expected<std::vector<FactsRecord>> decodeFactsSection(llvm::StringRef Section,
                                                            const PathMapper &Paths) {
  auto Bad = [](llvm::StringRef What) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "malformed kreach facts section: " + What);
  };
  std::vector<FactsRecord> Records;
  while (!Section.empty()) {
    // ld -r may pad between the sections it concatenates.
    if (Section.front() == '\0') {
      Section = Section.drop_front();
      continue;
    }
    if (!Section.starts_with(Magic) || Section.size() < Magic.size() + 9)
      return Bad("no record header");
    char RecordFormat = Section[Magic.size()];
    uint64_t Size = llvm::support::endian::read64le(Section.data() + Magic.size() + 1);
    Section = Section.drop_front(Magic.size() + 9);
    if (Size > Section.size())
      return Bad("a record runs past the section");
    Reader R(Section.take_front(Size));
    Section = Section.drop_front(Size);
    if (RecordFormat != Format)
      continue; // Another kreach's format: the TU is parsed instead.
    uint64_t Revision = R.u();
    llvm::StringRef Version = R.raw();
    llvm::StringRef Fingerprint = R.raw();
    if (R.failed())
      return Bad("a truncated record header");
    if (Revision != FactsRevision || Version != KREACH_VERSION)
      continue; // Another kreach's facts: the TU is parsed instead.
    uint64_t Stored = R.u(), PlainSize = R.u();
    llvm::StringRef Rest = R.rest();
    if (R.failed() || Stored > Zlib || PlainSize > MaxPlainBytes ||
        (Stored == Plain && PlainSize != Rest.size()))
      return Bad("a record's contents are stored in no way kreach knows");
    llvm::SmallVector<uint8_t, 0> Inflated;
    if (Stored == Zlib) {
      if (!llvm::compression::zlib::isAvailable())
        return Bad("compressed facts, and this kreach was built without zlib");
      if (llvm::Error E = llvm::compression::zlib::decompress(llvm::arrayRefFromStringRef(Rest),
                                                              Inflated, PlainSize))
        return Bad("compressed facts that do not inflate (" + llvm::toString(std::move(E)) +
                   ")");
      Rest = llvm::toStringRef(Inflated);
    }
    R = Reader(Rest);
    if (!R.readStrings())
      return Bad("a truncated string table");
    FactsRecord Record;
    Record.Fingerprint = Fingerprint.str();
    TUFacts &F = Record.Facts;
    // Paths come back under the reader's tree, each stored string mapped
    // once (a TU's facts name a few hundred files, thousands of times).
    llvm::StringMap<std::string> Absolute;
    auto Path = [&](llvm::StringRef Stored) -> llvm::StringRef {
      if (Stored.empty())
        return Stored;
      auto [It, New] = Absolute.try_emplace(Stored);
      if (New)
        It->second = Paths.absolute(Stored);
      return It->second;
    };
    F.MainFile = Path(R.str()).str();
    Record.SourceRoot = R.str().str();
    F.UnresolvedIndirectCalls = unsigned(R.u());
    for (uint64_t I = 0, N = R.count(); I < N && !R.failed(); ++I) {
      FileStamp In;
      In.Path = Path(R.str()).str();
      In.Size = R.s();
      In.MTime = R.s();
      In.Content = R.u();
      F.Inputs.push_back(In.Path);
      F.InputContent.push_back(In.Content);
      Record.Inputs.push_back(std::move(In));
    }
    for (uint64_t I = 0, N = R.count(); I < N && !R.failed(); ++I) {
      FunctionFact &Fn = F.Functions.emplace_back();
      Fn.Key = R.str().str();
      Fn.Name = R.str().str();
      Fn.Loc.File = Path(R.str()).str();
      Fn.Loc.Line = unsigned(R.u());
      Fn.Loc.Column = unsigned(R.u());
      Fn.Internal = R.u() != 0;
    }
    llvm::SmallVector<FactValue, 8> Values;
    for (const FactKindInfo &Kind : factKinds()) {
      for (uint64_t I = 0, N = R.count(); I < N && !R.failed(); ++I) {
        Values.clear();
        for (const FactColumn &C : Kind.Columns) {
          FactValue &V = Values.emplace_back();
          switch (C.Kind) {
          case ColumnKind::Symbol:
            V.Text = R.str();
            V.Name = R.str();
            break;
          case ColumnKind::Line:
          case ColumnKind::Col:
          case ColumnKind::Integer:
            V.Int = R.s();
            break;
          case ColumnKind::File:
            V.Text = Path(R.str());
            break;
          default:
            V.Text = R.str();
            break;
          }
        }
        if (!R.failed())
          appendFact(F, Kind.Kind, Values);
      }
    }
    if (R.failed() || !R.atEnd())
      return Bad("a record's facts do not decode");
    Records.push_back(std::move(Record));
  }
  return Records;
}

} // namespace kreach
