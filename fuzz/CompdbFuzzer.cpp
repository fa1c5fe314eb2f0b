//===- CompdbFuzzer.cpp - Fuzz compile_commands.json and kreach's use of it ===//
//
// The database is parsed by clang's JSONCompilationDatabase (Debian's
// library, not instrumented: libFuzzer sees kreach's code only); every
// command it yields goes through kreach's indexingArguments and commandHash,
// which must accept any command line (empty, a lone compiler, odd flags).
// kreach's own JSON syntax check, which stands in for llvm::json::parse in
// front of that parser, must accept exactly what llvm::json accepts.
//
//===----------------------------------------------------------------------===//

#include "kreach/FileIO.h"
#include "kreach/Indexer.h"

#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/Support/JSON.h"

#include <cstdint>

using namespace clang::tooling;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  llvm::StringRef Text(reinterpret_cast<const char *>(Data), Size);
  constexpr unsigned Depth = 64;
  bool Accepted = !llvm::errorToBool(kreach::checkJSONSyntax(Text, Depth));
  // llvm::json recurses per level: compare only where it cannot overflow.
  if (!kreach::jsonNestedTooDeep(Text, Depth)) {
    llvm::Expected<llvm::json::Value> Doc = llvm::json::parse(Text);
    if (Accepted != bool(Doc))
      __builtin_trap();
    llvm::consumeError(Doc.takeError());
  } else if (Accepted) {
    __builtin_trap();
  }
  std::string Error;
  std::unique_ptr<JSONCompilationDatabase> DB = JSONCompilationDatabase::loadFromBuffer(
      Text, Error, JSONCommandLineSyntax::Gnu);
  if (!DB)
    return 0;
  for (const CompileCommand &Cmd : DB->getAllCompileCommands()) {
    std::vector<std::string> Args = kreach::indexingArguments(Cmd);
    // The command's own directory as the root: every path of the command
    // goes through portable()'s rewriting.
    kreach::PathMapper Portable(Cmd.Directory, Cmd.Directory);
    std::string Hash = kreach::commandHash(Cmd, Portable);
    if (Hash.empty())
      __builtin_trap();
    (void)Args;
  }
  for (const std::string &File : DB->getAllFiles())
    (void)DB->getCompileCommands(File);
  return 0;
}
