//===- RuleCheck.h - clang-tidy front end of kreach ------------------------===//
//
// One clang-tidy check per built-in kreach rule, named as the rule
// (linuxkernel-mmu-notifier-dma-fence-wait, linuxkernel-shrinker-dma-fence-wait),
// and linuxkernel-kreach-rules for the rules a .kreach.yaml adds. The analysis
// lives in the kreach core (kreach::checkTU); a check only gathers the TU's
// facts, finds the index and the rules, and turns findings into clang-tidy
// diagnostics worded like the CLI's.
//
//===----------------------------------------------------------------------===//
#ifndef KREACH_TIDY_RULECHECK_H
#define KREACH_TIDY_RULECHECK_H

#include "clang-tidy/ClangTidyCheck.h"
#include <optional>
#include <string>

namespace kreach {
class Rule;
struct Finding;
} // namespace kreach

namespace clang::tidy::linuxkernel {

/// The name of the check that reports every rule a configuration adds.
constexpr llvm::StringLiteral UserRulesCheckName = "linuxkernel-kreach-rules";

/// Warns at a root of the rule (for the built-in notifier rule, an mmu
/// notifier invalidate callback) that can reach a sink outside the rule's
/// allowed paths, with one note per call on the chain and one at the
/// registration.
class RuleCheck : public ClangTidyCheck {
public:
  RuleCheck(StringRef Name, ClangTidyContext *Context);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(ast_matchers::MatchFinder *Finder) override;
  void check(const ast_matchers::MatchFinder::MatchResult &Result) override;
  void onEndOfTranslationUnit() override;

private:
  void analyze(ASTContext &Ctx);
  void report(SourceManager &SM, const kreach::Finding &F, StringRef Root);

  ClangTidyContext *TidyContext;
  /// The check's name: its rule's, or UserRulesCheckName.
  const std::string RuleName;
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
