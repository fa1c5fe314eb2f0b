//===- KreachClangd.cpp - clangd with kreach's clang-tidy check -----------===//
//
// clangd cannot load clang-tidy plugins, so kreach-clangd is clangd itself
// (clangdMain, with every upstream clang-tidy module linked in by clangDaemon)
// plus the kreach module compiled into the executable. Enable the check in
// .clangd; see docs/editor.md.
//
//===----------------------------------------------------------------------===//

#include "kreach/Config.h"

#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace clang {
namespace clangd {
// Debian ships clangd's libraries without its headers; this is the entry
// point clangd's own tool/ClangdMain.cpp defines.
int clangdMain(int argc, char *argv[]);
} // namespace clangd
namespace tidy {
// Defined next to the module's registration: using it keeps that object, and
// so the registration, in the link whatever the linker's flags.
extern volatile int KreachTidyModuleAnchorSource;
} // namespace tidy
} // namespace clang

int main(int argc, char *argv[]) {
  (void)clang::tidy::KreachTidyModuleAnchorSource;
  // clangd looks for its builtin headers next to its own binary, which
  // kreach-clangd does not have; point it at the release it was built with
  // unless the user chose a resource directory.
  std::vector<char *> Args(argv, argv + argc);
  bool HasResourceDir = false;
  for (int I = 1; I < argc; ++I)
    if (llvm::StringRef(argv[I]).starts_with("--resource-dir") ||
        llvm::StringRef(argv[I]).starts_with("-resource-dir"))
      HasResourceDir = true;
  std::string ResourceDirFlag = std::string("--resource-dir=") + KREACH_CLANG_RESOURCE_DIR;
  if (!HasResourceDir)
    Args.insert(Args.begin() + 1, ResourceDirFlag.data());
  Args.push_back(nullptr);
  return clang::clangd::clangdMain(static_cast<int>(Args.size()) - 1, Args.data());
}
