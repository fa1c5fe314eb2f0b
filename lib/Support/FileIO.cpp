//===- FileIO.cpp - Reading what users hand kreach ------------------------===//

#include "kreach/FileIO.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

namespace kreach {

llvm::Expected<std::string> readUserFile(llvm::StringRef Path, llvm::StringRef What,
                                         uint64_t MaxBytes, bool AllowStdin) {
  auto Error = [&](const llvm::Twine &Why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot read " + What + " '" + Path + "': " + Why);
  };
  if (AllowStdin && Path == "-") {
    llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> Buf = llvm::MemoryBuffer::getSTDIN();
    if (!Buf)
      return Error(Buf.getError().message());
    if ((*Buf)->getBufferSize() > MaxBytes)
      return Error("larger than " + llvm::Twine(MaxBytes >> 20) + " MiB");
    return (*Buf)->getBuffer().str();
  }
  llvm::sys::fs::file_status Status;
  if (std::error_code EC = llvm::sys::fs::status(Path, Status))
    return Error(EC.message());
  if (Status.type() == llvm::sys::fs::file_type::directory_file)
    return Error("is a directory");
  if (Status.type() != llvm::sys::fs::file_type::regular_file)
    return Error("not a regular file");
  if (Status.getSize() > MaxBytes)
    return Error("larger than " + llvm::Twine(MaxBytes >> 20) + " MiB");
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> Buf =
      llvm::MemoryBuffer::getFile(Path, /*IsText=*/true, /*RequiresNullTerminator=*/false);
  if (!Buf)
    return Error(Buf.getError().message());
  return (*Buf)->getBuffer().str();
}

bool jsonNestedTooDeep(llvm::StringRef Text, unsigned MaxDepth) {
  unsigned Depth = 0;
  bool InString = false;
  for (size_t I = 0, E = Text.size(); I < E; ++I) {
    char C = Text[I];
    if (InString) {
      if (C == '\\')
        ++I; // The escaped character cannot end the string.
      else if (C == '"')
        InString = false;
      continue;
    }
    if (C == '"')
      InString = true;
    else if (C == '[' || C == '{') {
      if (++Depth > MaxDepth)
        return true;
    } else if ((C == ']' || C == '}') && Depth > 0)
      --Depth;
  }
  return false;
}

} // namespace kreach
