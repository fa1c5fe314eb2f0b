//===- kreach/Policy.h - Roots, sinks, allowed paths, configuration -------===//
//
// What counts as a notifier callback (root), a dma_fence wait (sink), an async
// boundary, and where waiting is allowed. Defaults follow the kernel from 5.4
// to today; .kreach.yaml and the front ends' options override them.
//
//===----------------------------------------------------------------------===//
#ifndef KREACH_POLICY_H
#define KREACH_POLICY_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/GlobPattern.h"
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace kreach {

/// A list of glob patterns ("dma_fence_wait*", "drivers/gpu/").
class PatternList {
public:
  PatternList() = default;
  static llvm::Expected<PatternList> create(const std::vector<std::string> &Patterns);
  bool matches(llvm::StringRef S) const;
  const std::vector<std::string> &patterns() const;
  bool empty() const { return !Impl || Impl->Sources.empty(); }

private:
  // GlobPattern keeps references into its pattern text, so the text and the
  // globs live together in one immutable block that copies share.
  struct Storage {
    std::vector<std::string> Sources;
    std::deque<std::string> Texts;
    std::vector<llvm::GlobPattern> Globs;
  };
  std::shared_ptr<const Storage> Impl;
};

struct PolicyConfig {
  std::vector<std::string> RootFields;
  std::vector<std::string> SinkFunctions;
  std::vector<std::string> SinkFields;
  std::vector<std::string> AllowedPaths;
  std::vector<std::string> IgnoreFunctions;
  std::vector<std::string> AsyncFields;
  std::vector<std::string> UnresolvedFields;
  /// `source_root:` as written (relative to the configuration file); not
  /// part of the policy, read by project discovery.
  std::string SourceRoot;

  static PolicyConfig defaults();
  /// The opt-in roots: callbacks that also run from reclaim but are not
  /// invalidations (enable with `add_root_fields` or `--all-roots`).
  static std::vector<std::string> optionalRootFields();
};

class Policy {
public:
  static llvm::Expected<Policy> create(const PolicyConfig &Config);
  static Policy defaults();

  bool isRootField(llvm::StringRef Field) const { return RootFields.matches(Field); }
  bool isSinkFunction(llvm::StringRef Name) const { return SinkFunctions.matches(Name); }
  bool isSinkField(llvm::StringRef Field) const { return SinkFields.matches(Field); }
  bool isIgnored(llvm::StringRef Name) const { return IgnoreFunctions.matches(Name); }
  bool isAsyncField(llvm::StringRef Field) const { return AsyncFields.matches(Field); }
  bool isUnresolvedField(llvm::StringRef Field) const {
    return UnresolvedFields.matches(Field);
  }
  /// Path is relative to the kernel source root.
  bool isAllowedPath(llvm::StringRef RelativePath) const;

  const PolicyConfig &config() const { return Config; }
  /// "drivers/gpu/" or "drivers/gpu/, drivers/accel/" for messages.
  std::string allowedPathsDescription() const;
  /// Changes when anything that affects sink summaries changes.
  std::string summaryFingerprint() const;

private:
  PolicyConfig Config;
  PatternList RootFields, SinkFunctions, SinkFields, AllowedPaths, IgnoreFunctions,
      AsyncFields, UnresolvedFields;
};

/// Reads .kreach.yaml. Unknown keys and bad values are errors naming
/// file:line:col. Keys: root_fields, add_root_fields, sink_functions,
/// add_sink_functions, sink_fields, allowed_paths, ignore_functions,
/// add_ignore_functions, async_fields, add_async_fields, unresolved_fields,
/// add_unresolved_fields, source_root. A key given twice is an error naming
/// both places. The file must be a regular file of at most MaxConfigBytes.
llvm::Expected<PolicyConfig> loadConfigFile(llvm::StringRef Path,
                                            PolicyConfig Base = PolicyConfig::defaults());
llvm::Expected<PolicyConfig> parseConfig(llvm::StringRef Text, llvm::StringRef Name,
                                         PolicyConfig Base = PolicyConfig::defaults());

/// Splits "a;b, c" (clang-tidy option style) into its items.
std::vector<std::string> splitList(llvm::StringRef Value);

} // namespace kreach

#endif
