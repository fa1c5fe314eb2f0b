//===- KreachTidyModule.cpp - kreach's clang-tidy module ------------------===//
//
// Registers a check per built-in reachability rule (rules/*.yaml), named as
// the rule, and linuxkernel-kreach-rules for rules a .kreach.yaml adds. One
// object library serves the KreachTidy.so plugin that clang-tidy --load's and
// kreach-clangd, which cannot load plugins.
//
//===----------------------------------------------------------------------===//

#include "RuleCheck.h"

#include "kreach/Rules.h"

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
    kreach::RulesConfig Builtin = kreach::RulesConfig::builtin();
    for (const kreach::RuleConfig &R : Builtin.Rules)
      if (R.Kind == kreach::RuleKind::Reachability)
        Factories.registerCheck<RuleCheck>(R.Name);
    Factories.registerCheck<RuleCheck>(UserRulesCheckName);
  }
};

} // namespace
} // namespace linuxkernel

// A module name of its own: upstream already registers "linuxkernel-module".
static ClangTidyModuleRegistry::Add<linuxkernel::KreachTidyModule>
    X("kreach-module", "kreach: reclaim callbacks that reach dma_fence waits");

// Referenced by kreach-clangd so the linker keeps this object, and with it
// the registration above.
volatile int KreachTidyModuleAnchorSource = 0;

} // namespace clang::tidy
