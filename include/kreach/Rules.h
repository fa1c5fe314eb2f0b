//===- kreach/Rules.h - Rules as data --------------------------------------===//
//
// A rule names its roots (functions stored into struct fields), its sinks
// (functions, and calls through struct fields), its boundaries (ignored
// functions, deferred-execution and unresolved fields), where it is allowed,
// and how its findings read. The built-in rules are the YAML files in rules/,
// compiled into kreach; .kreach.yaml changes them or adds rules. Nothing in
// C++ lists a rule's roots or sinks.
//
//===----------------------------------------------------------------------===//
#ifndef KREACH_RULES_H
#define KREACH_RULES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
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
  // globs live together in one immutable block that copies share. Most
  // patterns are plain names ("dma_fence_wait_timeout"), matched against
  // every node of the graph rule by rule: those are one hash lookup.
  struct Storage {
    std::vector<std::string> Sources;
    std::deque<std::string> Texts;
    llvm::StringSet<> Literals;
    std::vector<llvm::GlobPattern> Globs;
  };
  std::shared_ptr<const Storage> Impl;
};

enum class RuleKind {
  /// Roots must not reach sinks on the call graph (every front end).
  Reachability,
  /// Path-sensitive: callbacks the mm core calls where they may not block
  /// must not sleep (the analyzer plugin only).
  NonBlockingSleep,
};

/// One rule as data, after inheritance (see docs/rules.md).
struct RuleConfig {
  std::string Name; ///< The check name, "linuxkernel-...".
  RuleKind Kind = RuleKind::Reachability;
  bool Enabled = true;
  std::string Severity = "warning"; ///< warning, error or note.
  std::string RootKind = "callback";
  std::string RootArticle = "a"; ///< "an" for "an mmu notifier callback".
  std::string SinkKind = "sink";
  std::string Summary, Description, Help, HelpMarkdown; ///< {allowed} expands.
  /// The analyzer's bug type; empty: "<sink kind> reachable from <root kind>".
  std::string BugType;
  /// The analyzer's note at the root's entry; empty: "<root kind> entry".
  std::string EntryLabel;
  /// Mixed into finding fingerprints; the rule's name unless its data sets
  /// it. "" (the notifier rule's) keeps the prints of baselines written
  /// before kreach had several rules.
  std::string FingerprintTag;
  std::vector<std::string> RootFields, OptionalRootFields, SinkFunctions, SinkFields,
      AllowedPaths, IgnoreFunctions, AsyncFields, UnresolvedFields;
  /// NonBlockingSleep: the contexts and what sleeps there.
  std::vector<std::string> RangeFields, PageTableLockFields, SleepingFunctions;
  /// The allocators, "name" (always may reclaim) or "name:N" (may reclaim
  /// when its mask argument N, from 0, may carry ReclaimFlags). They are
  /// sinks of a rule with ReclaimSinks.
  std::vector<std::string> AllocationFunctions;
  std::string ReclaimFlags; ///< A number: the mask flags that allow reclaim.
  bool ReclaimSinks = false;
  std::string AllocationSinkKind = "allocation that may enter reclaim";
  /// Region roots: the calls a function makes after a call of a begin
  /// function and before the next call of an end function (or its end).
  std::vector<std::string> SectionBeginFunctions, SectionEndFunctions;
  std::string SectionKind = "section in"; ///< "fence-signalling section in 'f'".
  /// Keys this rule sets itself; top-level settings leave them alone.
  std::vector<std::string> OwnKeys;
  /// Where the rule was last defined or changed, for messages.
  std::string Origin;

  bool owns(llvm::StringRef Key) const;
};

/// The rules and the project-level settings of a configuration.
/// A family of registration APIs (rules/defaults.yaml `registries:`): what
/// is registered on a head is what a call on that head calls, through the
/// items' callback Field. Arguments count from 0.
struct RegistryApiSpec {
  std::string Function;
  unsigned Head = 0, Item = 1;
};
struct RegistrySpec {
  std::string Name, Field;
  std::vector<RegistryApiSpec> Register, Call;
};

struct RulesConfig {
  std::vector<RuleConfig> Rules;
  /// Tree-wide, not per rule: they shape the call graph every rule reads.
  std::vector<RegistrySpec> Registries;
  /// What a rule added by a configuration starts from (rules/defaults.yaml
  /// as changed by top-level settings).
  RuleConfig Defaults;
  /// `source_root:` as written (relative to the configuration file); read by
  /// project discovery.
  std::string SourceRoot;

  /// The rules in rules/ as compiled into kreach.
  static RulesConfig builtin();
  RuleConfig *find(llvm::StringRef Name);
  const RuleConfig *find(llvm::StringRef Name) const;
  /// --all-roots: every rule's optional roots become roots.
  void enableOptionalRoots();
};

/// A rule ready to answer questions: its patterns compiled.
class Rule {
public:
  static llvm::Expected<Rule> create(const RuleConfig &Config);

  const std::string &name() const { return Config.Name; }
  RuleKind kind() const { return Config.Kind; }
  bool isRootField(llvm::StringRef Field) const { return RootFields.matches(Field); }
  bool isSinkFunction(llvm::StringRef Name) const { return SinkFunctions.matches(Name); }
  bool isSinkField(llvm::StringRef Field) const { return SinkFields.matches(Field); }
  bool isIgnored(llvm::StringRef Name) const { return IgnoreFunctions.matches(Name); }
  /// Whether a function of this name can be other than an ordinary one to
  /// the rule's search (ignored, a sink, an allocator): false for most.
  bool mayBeSpecial(llvm::StringRef Name) const { return SpecFunctions.matches(Name); }
  bool isAsyncField(llvm::StringRef Field) const { return AsyncFields.matches(Field); }
  bool isUnresolvedField(llvm::StringRef Field) const {
    return UnresolvedFields.matches(Field);
  }
  bool isSleepingFunction(llvm::StringRef Name) const {
    return SleepingFunctions.matches(Name);
  }
  bool isRangeField(llvm::StringRef Field) const { return RangeFields.matches(Field); }
  bool isPageTableLockField(llvm::StringRef Field) const {
    return PageTableLockFields.matches(Field);
  }
  /// Whether allocations that may reclaim are sinks, and the flags that
  /// let a mask reclaim.
  bool hasReclaimSinks() const {
    return Config.ReclaimSinks && (!Allocations.empty() || !NamedAllocations.empty());
  }
  uint64_t reclaimFlags() const { return ReclaimFlagBits; }
  /// Whether Name is an allocator of the rule: Always if it always may
  /// reclaim, else the mask arguments (from 0) that decide it.
  bool isAllocation(llvm::StringRef Name, bool &Always,
                    llvm::SmallVectorImpl<unsigned> &Masks) const;
  bool hasSections() const { return !SectionBegin.empty(); }
  bool isSectionBegin(llvm::StringRef Name) const { return SectionBegin.matches(Name); }
  bool isSectionEnd(llvm::StringRef Name) const { return SectionEnd.matches(Name); }
  /// A root field of another reachability rule of the same RuleSet. Calls
  /// through it dispatch to a callback that rule judges on its own (a
  /// shrinker that unmaps pages fires the mmu notifiers; their waits are the
  /// notifier rule's), so no rule's chain passes through another's roots.
  bool isOtherRulesRootField(llvm::StringRef Field) const {
    return OtherRootFields.matches(Field);
  }
  /// Path is relative to the kernel source root.
  bool isAllowedPath(llvm::StringRef RelativePath) const;

  const RuleConfig &config() const { return Config; }
  /// "drivers/gpu/" or "drivers/gpu/, drivers/accel/" for messages.
  std::string allowedPathsDescription() const;
  /// A rule text with {allowed} expanded.
  std::string expand(llvm::StringRef Text) const;
  /// "MmuNotifierDmaFenceWait" for linuxkernel-mmu-notifier-dma-fence-wait.
  std::string camelName() const;
  /// Changes when anything that affects sink summaries changes; rules with
  /// the same sinks and boundaries share summaries.
  std::string summaryFingerprint() const;

private:
  RuleConfig Config;
  PatternList RootFields, SinkFunctions, SinkFields, AllowedPaths, IgnoreFunctions,
      AsyncFields, UnresolvedFields, SleepingFunctions, RangeFields, PageTableLockFields,
      OtherRootFields, SectionBegin, SectionEnd, SpecFunctions;
  struct Allocation {
    PatternList Function;
    int Mask = -1; ///< -1: always may reclaim.
  };
  std::vector<Allocation> Allocations; ///< Those named by a glob.
  /// Those named plainly, by name: their masks (-1: always may reclaim).
  llvm::StringMap<llvm::SmallVector<int, 1>> NamedAllocations;
  uint64_t ReclaimFlagBits = 0;
  std::vector<std::string> OtherRootSources; ///< OtherRootFields' patterns.
  friend class RuleSet;
  /// The registries the rule's set resolves calls with: they change the
  /// graph, so they are part of the summaries' fingerprint.
  std::string RegistrySource;
};

/// Every enabled rule of a configuration, compiled. Findings point at the
/// rules of the set, so the set outlives them.
class RuleSet {
public:
  static llvm::Expected<RuleSet> create(const RulesConfig &Config);
  static RuleSet builtin();

  llvm::ArrayRef<Rule> rules() const { return Rules; }
  /// The enabled rule of that name, or null.
  const Rule *find(llvm::StringRef Name) const;
  /// Enabled rules of one kind, in configuration order.
  std::vector<const Rule *> ofKind(RuleKind K) const;
  const std::string &sourceRoot() const { return SourceRoot; }
  llvm::ArrayRef<RegistrySpec> registries() const { return Registries; }

private:
  std::vector<Rule> Rules;
  std::string SourceRoot;
  std::vector<RegistrySpec> Registries;
};

/// Reads .kreach.yaml on top of Base. Unknown keys and bad values are errors
/// naming file:line:col; a key given twice is an error naming both places.
/// Top-level keys change every rule that does not set the key itself, except
/// root_fields/add_root_fields, which change the first built-in rule (the
/// notifier rule, as before rules were data). `rules:` entries change the
/// rule of that name or add one. The file must be a regular file of at most
/// MaxConfigBytes.
llvm::Expected<RulesConfig> loadConfigFile(llvm::StringRef Path,
                                           RulesConfig Base = RulesConfig::builtin());
llvm::Expected<RulesConfig> parseConfig(llvm::StringRef Text, llvm::StringRef Name,
                                        RulesConfig Base = RulesConfig::builtin());
/// The built-in rules with a project's configuration file on top; the
/// built-in rules alone when ConfigFile is empty (the project has none).
llvm::Expected<RulesConfig> loadRulesConfig(llvm::StringRef ConfigFile);

/// An allocation_functions entry, "name" or "name:N" (N < 64, the mask
/// argument from 0): its name pattern, and Mask -1 for "always may reclaim".
/// False if it is neither.
bool parseAllocationEntry(llvm::StringRef Entry, llvm::StringRef &Name, int &Mask);

/// Splits "a;b, c" (clang-tidy option style) into its items.
std::vector<std::string> splitList(llvm::StringRef Value);

} // namespace kreach

#endif
