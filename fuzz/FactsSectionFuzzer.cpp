//===- FactsSectionFuzzer.cpp - Fuzz the reader of objects' facts sections ===//
//
// A `.discard.kreach.facts` section comes from whatever object file the compile
// DB's -o names: decodeFactsSection must return records or one llvm::Error
// for any bytes, never crash or read past them, and a record it returns
// must encode again.
//
//===----------------------------------------------------------------------===//

#include "kreach/FactsRecord.h"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  // Exactly Size bytes, copied, so that a read past them is a report.
  std::string Bytes(reinterpret_cast<const char *>(Data), Size);
  // A reader's tree, and an O= build beside it: stored paths of every kind.
  static const kreach::PathMapper Paths("/src/linux", "/src/build");
  llvm::Expected<std::vector<kreach::FactsRecord>> Records =
      kreach::decodeFactsSection(Bytes, Paths);
  if (!Records) {
    llvm::consumeError(Records.takeError());
    return 0;
  }
  for (const kreach::FactsRecord &R : *Records)
    (void)kreach::encodeFactsRecord(R, Paths);
  return 0;
}
