//===- Output.cpp - Writing the CLI's reports -----------------------------===//

#include "kreach/Output.h"
#include "kreach/Driver.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

namespace kreach {

llvm::Error checkOutputPath(llvm::StringRef Out, const Project &P, llvm::StringRef Option) {
  llvm::SmallString<256> Abs(Out);
  llvm::sys::fs::make_absolute(Abs);
  llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
  std::vector<std::string> Protected = {P.Paths.CompileDB, P.Paths.ConfigFile};
  for (const char *Suffix : {"", "-wal", "-shm", "-journal", ".lock"})
    Protected.push_back(P.Paths.IndexFile + Suffix);
  for (const std::string &Keep : Protected) {
    if (Keep.empty())
      continue;
    bool Same = Abs == Keep;
    if (!Same && llvm::sys::fs::exists(Abs) && llvm::sys::fs::exists(Keep))
      llvm::sys::fs::equivalent(Abs, Keep, Same);
    if (Same)
      return lineError(Option + " '" + Out + "' would overwrite '" + Keep + "'");
  }
  return llvm::Error::success();
}

int finishOutput(llvm::raw_fd_ostream &OS, llvm::StringRef Name) {
  OS.flush();
  if (!OS.has_error())
    return ExitClean;
  std::error_code EC = OS.error();
  OS.clear_error();
  return fail("cannot write " + Name + ": " + EC.message());
}

int writeOutputFile(llvm::StringRef Path,
                    llvm::function_ref<void(llvm::raw_ostream &)> Write) {
  std::error_code EC;
  llvm::ToolOutputFile Out(Path, EC, llvm::sys::fs::OF_Text);
  if (EC)
    return fail("cannot write '" + Path + "': " + EC.message());
  Write(Out.os());
  if (int RC = finishOutput(Out.os(), ("'" + Path + "'").str()))
    return RC; // Out is not kept: a partial report is removed.
  Out.keep();
  return ExitClean;
}

int emit(llvm::StringRef OutputFile, llvm::function_ref<void(llvm::raw_ostream &)> Write) {
  if (OutputFile.empty() || OutputFile == "-") {
    Write(llvm::outs());
    return finishOutput(llvm::outs(), "standard output");
  }
  return writeOutputFile(OutputFile, Write);
}

} // namespace kreach
