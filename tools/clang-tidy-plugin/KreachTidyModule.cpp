//===- KreachTidyModule.cpp - kreach's clang-tidy module ------------------===//
//
// Registers linuxkernel-mmu-notifier-dma-fence-wait. Built twice: as the
// KreachTidy.so plugin that clang-tidy --load's, and straight into
// kreach-clangd, which cannot load plugins.
//
//===----------------------------------------------------------------------===//

#include "MmuNotifierDmaFenceWaitCheck.h"

#include "kreach/Report.h"

#include "clang/Basic/Version.h"
#include "clang-tidy/ClangTidyModule.h"
// Before LLVM 22 the registry had a header of its own; 22 deprecated it.
#if CLANG_VERSION_MAJOR < 22
#include "clang-tidy/ClangTidyModuleRegistry.h"
#endif

namespace clang::tidy {
namespace linuxkernel {
namespace {

class KreachTidyModule : public ClangTidyModule {
public:
  void addCheckFactories(ClangTidyCheckFactories &Factories) override {
    Factories.registerCheck<MmuNotifierDmaFenceWaitCheck>(kreach::CheckName);
  }
};

} // namespace
} // namespace linuxkernel

// A module name of its own: upstream already registers "linuxkernel-module".
static ClangTidyModuleRegistry::Add<linuxkernel::KreachTidyModule>
    X("kreach-module", "kreach: mmu notifier callbacks that reach dma_fence waits");

// Referenced by kreach-clangd so the linker keeps this object, and with it
// the registration above.
volatile int KreachTidyModuleAnchorSource = 0;

} // namespace clang::tidy
