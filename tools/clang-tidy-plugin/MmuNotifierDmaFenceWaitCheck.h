//===- MmuNotifierDmaFenceWaitCheck.h - clang-tidy front end of kreach ----===//
//
// linuxkernel-mmu-notifier-dma-fence-wait: the per-TU front end of kreach.
// The analysis itself lives in kreachCore (kreach::checkTU); this check only
// gathers the TU's facts, finds the index and the policy, and turns findings
// into clang-tidy diagnostics worded like the CLI's.
//
//===----------------------------------------------------------------------===//
#ifndef KREACH_TIDY_MMUNOTIFIERDMAFENCEWAITCHECK_H
#define KREACH_TIDY_MMUNOTIFIERDMAFENCEWAITCHECK_H

#include "clang-tidy/ClangTidyCheck.h"
#include <optional>
#include <string>

namespace kreach {
class Policy;
struct Finding;
} // namespace kreach

namespace clang::tidy::linuxkernel {

/// Warns at an mmu notifier invalidate callback that can reach a dma_fence
/// wait outside the allowed paths, with one note per call on the chain and
/// one at the registration.
class MmuNotifierDmaFenceWaitCheck : public ClangTidyCheck {
public:
  MmuNotifierDmaFenceWaitCheck(StringRef Name, ClangTidyContext *Context);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  void onEndOfTranslationUnit() override;

private:
  void analyze(ASTContext &Ctx);
  void report(SourceManager &SM, const kreach::Finding &F, const kreach::Policy &P,
              StringRef Root);

  ClangTidyContext *TidyContext;
  const std::string IndexFile;
  const std::string SourceRoot;
  const std::string ConfigFile;
  const std::optional<std::string> RootFields;
  const std::optional<std::string> SinkFunctions;
  const std::optional<std::string> AllowedPaths;
  /// The AST of the TU being checked; the work runs once, at its end.
  ASTContext *PendingAST = nullptr;
};

} // namespace clang::tidy::linuxkernel

#endif
