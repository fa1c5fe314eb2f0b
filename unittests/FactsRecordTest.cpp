//===- FactsRecordTest.cpp - A TU's facts as the plugin writes them -------===//

#include "kreach/FactKinds.h"
#include "kreach/FactsRecord.h"
#include "FactsText.h"
#include "llvm/Support/Compression.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"
#include <sys/stat.h>
#include "gtest/gtest.h"

using namespace kreach;

namespace {

/// The tree the sample records are made in.
const PathMapper Paths("/src", "/src");

FactsRecord sampleRecord(llvm::StringRef Main) {
  FactsRecord R;
  R.Fingerprint = "ABC123";
  R.Inputs = {{Main.str(), 120, 1700000000123456789, 0xfedcba9876543210},
              {"/src/include/linux/x.h", -1, -1, MissingContent}};
  TUFacts &F = R.Facts;
  F.MainFile = Main.str();
  F.Inputs = {Main.str(), "/src/include/linux/x.h"};
  F.UnresolvedIndirectCalls = 3;
  F.Functions.push_back({"f", "f", {Main.str(), 3, 5}, false});
  F.Functions.push_back({Main.str() + ":g", "g", {Main.str(), 9, 12}, true});
  F.Calls.push_back({"f", Main.str() + ":g", "g", {Main.str(), 4, 2}});
  F.Stores.push_back({"", "ops::run", "f", "f", {Main.str(), 20, 9}});
  F.Arguments.push_back({"f", "kref_put", "kref_put", 1, "", "F" + Main.str() + ":g",
                         {Main.str(), 4, 2}});
  F.MaskArguments.push_back({"f", "kmalloc", 1, "c3264", "GFP_KERNEL", {Main.str(), 5, 7}});
  return R;
}

std::string dump(const TUFacts &F) { return test::factsText(F); }

TEST(FactsRecordTest, ARecordDecodesToTheFactsItWasMadeFrom) {
  FactsRecord R = sampleRecord("/src/a.c");
  llvm::Expected<std::vector<FactsRecord>> Back = decodeFactsSection(encodeFactsRecord(R, Paths), Paths);
  ASSERT_TRUE(bool(Back)) << llvm::toString(Back.takeError());
  ASSERT_EQ(Back->size(), 1u);
  EXPECT_EQ((*Back)[0].Fingerprint, "ABC123");
  EXPECT_EQ((*Back)[0].Inputs, R.Inputs);
  // What the parse read, beside each input of its facts.
  EXPECT_EQ((*Back)[0].Facts.InputContent,
            (std::vector<uint64_t>{0xfedcba9876543210, MissingContent}));
  EXPECT_EQ(dump((*Back)[0].Facts), dump(R.Facts));
}

// A kernel TU's record repeats its strings: stored compressed (zlib, where
// LLVM has it), it still decodes to the same facts.
TEST(FactsRecordTest, ALargeRecordIsStoredCompressedAndDecodes) {
  FactsRecord R = sampleRecord("/src/drivers/gpu/drm/big.c");
  for (unsigned I = 0; I < 2000; ++I)
    R.Facts.Calls.push_back({"f", "callee_" + std::to_string(I % 50), "callee",
                             {"/src/drivers/gpu/drm/big.c", 100 + I, 5}});
  std::string Bytes = encodeFactsRecord(R, Paths);
  if (llvm::compression::zlib::isAvailable())
    EXPECT_LT(Bytes.size(), 2000u * 3) << "not compressed: a call takes 7 bytes or more plain";
  llvm::Expected<std::vector<FactsRecord>> Back = decodeFactsSection(Bytes, Paths);
  ASSERT_TRUE(bool(Back)) << llvm::toString(Back.takeError());
  ASSERT_EQ(Back->size(), 1u);
  EXPECT_EQ(dump((*Back)[0].Facts), dump(R.Facts));
}

// Overlong LEB128 (zero slices past 64 bits) made LLVM's decoders shift by
// 70: the fuzzer's find. Such a record is damage, said as such.
TEST(FactsRecordTest, OverlongNumbersAreDamage) {
  for (const char *Seed : {"overlong-uleb", "overlong-sleb"}) {
    auto Buffer = llvm::MemoryBuffer::getFile(std::string(KREACH_SOURCE_ROOT) +
                                              "/fuzz/corpus/facts-section/" + Seed);
    ASSERT_TRUE(bool(Buffer)) << Seed;
    llvm::Expected<std::vector<FactsRecord>> Back =
        decodeFactsSection((*Buffer)->getBuffer(), Paths);
    ASSERT_FALSE(bool(Back)) << Seed << " decoded";
    llvm::consumeError(Back.takeError());
  }
}

// ld -r concatenates the sections of the objects it links, perhaps padded.
TEST(FactsRecordTest, ASectionOfACompositeObjectHoldsEveryTUsRecord) {
  std::string Section = encodeFactsRecord(sampleRecord("/src/a.c"), Paths) + std::string(3, '\0') +
                        encodeFactsRecord(sampleRecord("/src/b.c"), Paths);
  llvm::Expected<std::vector<FactsRecord>> Back = decodeFactsSection(Section, Paths);
  ASSERT_TRUE(bool(Back)) << llvm::toString(Back.takeError());
  ASSERT_EQ(Back->size(), 2u);
  EXPECT_EQ((*Back)[0].Facts.MainFile, "/src/a.c");
  EXPECT_EQ((*Back)[1].Facts.MainFile, "/src/b.c");
}

TEST(FactsRecordTest, TruncationIsAnErrorAndNoDamageCrashes) {
  std::string Good = encodeFactsRecord(sampleRecord("/src/a.c"), Paths);
  // Every truncation fails to decode. A flipped byte may still decode (a
  // flip inside a string changes that string), but never reads past the
  // section: the sanitized suite runs this.
  for (size_t Cut = 1; Cut < Good.size(); ++Cut) {
    llvm::Expected<std::vector<FactsRecord>> Back = decodeFactsSection(Good.substr(0, Cut), Paths);
    EXPECT_FALSE(bool(Back)) << "truncated at " << Cut;
    if (!Back)
      llvm::consumeError(Back.takeError());
  }
  for (size_t At = 0; At < Good.size(); ++At) {
    std::string Bad = Good;
    Bad[At] = char(Bad[At] ^ 0x5a);
    llvm::Expected<std::vector<FactsRecord>> Back = decodeFactsSection(Bad, Paths);
    if (!Back)
      llvm::consumeError(Back.takeError()); // Said, and the TU parsed.
  }
}

} // namespace

// A parse's stamps: the content it read, and a time only where the time
// vouches for that content (the file unmodified since well before the parse).
TEST(FactsRecordTest, AParseIsStampedWithWhatItRead) {
  llvm::SmallString<128> Dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("kreach-stamps", Dir));
  std::string Old = (Dir + "/old.h").str(), Fresh = (Dir + "/fresh.h").str(),
              Gone = (Dir + "/gone.h").str();
  for (const std::string &P : {Old, Fresh}) {
    std::error_code EC;
    llvm::raw_fd_ostream(P, EC) << "int x;\n";
    ASSERT_FALSE(EC);
  }
  {
    int FD;
    ASSERT_FALSE(llvm::sys::fs::openFileForWrite(Old, FD, llvm::sys::fs::CD_OpenExisting));
    auto Then = llvm::sys::toTimePoint(1000);
    ASSERT_FALSE(llvm::sys::fs::setLastAccessAndModificationTime(FD, Then, Then));
    llvm::sys::Process::SafelyCloseFileDescriptor(FD);
  }
  TUFacts F;
  F.Inputs = {Old, Fresh, Gone};
  F.InputContent = {contentHash("int x;\n"), 42, MissingContent};
  std::vector<FileStamp> S = parseStamps(F, std::chrono::system_clock::now());
  ASSERT_EQ(S.size(), 3u);
  EXPECT_EQ(S[0].Size, 7);
  EXPECT_EQ(S[0].MTime, int64_t(1000) * 1000000000);
  EXPECT_EQ(S[0].Content, contentHash("int x;\n"));
  // Written just now: what the parse read is kept, the time is not.
  EXPECT_EQ(S[1].Size, 7);
  EXPECT_EQ(S[1].MTime, -1);
  EXPECT_EQ(S[1].Content, 42u);
  EXPECT_EQ(S[2].Size, -1);
  EXPECT_EQ(S[2].Content, MissingContent);
  // Read now, the file's own bytes.
  EXPECT_EQ(stampFile(Fresh).Content, contentHash("int x;\n"));
  llvm::sys::fs::remove_directories(Dir);
}

// Something that is not a regular file is never read: a FIFO would block.
TEST(FactsRecordTest, AFIFOIsStampedWithoutReadingIt) {
  llvm::SmallString<128> Dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("kreach-fifo", Dir));
  std::string Fifo = (Dir + "/fifo.c").str();
  ASSERT_EQ(::mkfifo(Fifo.c_str(), 0600), 0);
  EXPECT_EQ(stampFile(Fifo).Content, UnreadableContent);
  EXPECT_EQ(stampFile(Dir).Content, UnreadableContent);
  EXPECT_EQ(stampFile((Dir + "/none").str()).Content, MissingContent);
  llvm::sys::fs::remove_directories(Dir);
}

// A record made in one checkout reads in another: its paths are stored
// relative to the compile's tree and come back under the reader's; keys,
// relative already, are as they were.
TEST(FactsRecordTest, ARecordReadsTheSameInAnotherCheckout) {
  FactsRecord R = sampleRecord("/src/a.c");
  std::string Bytes = encodeFactsRecord(R, Paths);
  llvm::Expected<std::vector<FactsRecord>> Back =
      decodeFactsSection(Bytes, PathMapper("/ws/2/linux", "/ws/2/linux"));
  ASSERT_TRUE(bool(Back)) << llvm::toString(Back.takeError());
  ASSERT_EQ(Back->size(), 1u);
  const FactsRecord &Moved = (*Back)[0];
  EXPECT_EQ(Moved.Facts.MainFile, "/ws/2/linux/a.c");
  ASSERT_EQ(Moved.Inputs.size(), 2u);
  EXPECT_EQ(Moved.Inputs[1].Path, "/ws/2/linux/include/linux/x.h");
  EXPECT_EQ(Moved.Inputs[0].Content, R.Inputs[0].Content);
  ASSERT_EQ(Moved.Facts.Functions.size(), 2u);
  EXPECT_EQ(Moved.Facts.Functions[1].Loc.File, "/ws/2/linux/a.c");
  EXPECT_EQ(Moved.Facts.Functions[1].Key, R.Facts.Functions[1].Key); // Not a path.
  ASSERT_EQ(Moved.Facts.Calls.size(), 1u);
  EXPECT_EQ(Moved.Facts.Calls[0].Site.File, "/ws/2/linux/a.c");
}
