//===- BaselineFuzzer.cpp - Fuzz the JSON / SARIF baseline reader ---------===//
//
// parseBaseline must return the fingerprints or one llvm::Error for any
// text: kreach's own JSON results, SARIF logs, and anything else.
//
//===----------------------------------------------------------------------===//

#include "kreach/Report.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  llvm::StringRef Text(reinterpret_cast<const char *>(Data), Size);
  llvm::Expected<std::vector<std::string>> Prints =
      kreach::parseBaseline(Text, "fuzz-baseline.json");
  if (!Prints)
    llvm::consumeError(Prints.takeError());
  return 0;
}
