//===- Rules.cpp - Rules as data, compiled -------------------------------===//

#include "kreach/Rules.h"

#include "kreach/Graph.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/xxhash.h"
#include "llvm/Support/raw_ostream.h"

namespace kreach {

llvm::Expected<PatternList> PatternList::create(const std::vector<std::string> &Patterns) {
  auto S = std::make_shared<Storage>();
  for (const std::string &P : Patterns) {
    std::string &Text = S->Texts.emplace_back(P);
    // "drivers/gpu/" means everything under it.
    if (llvm::StringRef(Text).ends_with("/"))
      Text += "*";
    S->Sources.push_back(P);
    if (llvm::StringRef(Text).find_first_of("*?[]{}\\") == llvm::StringRef::npos) {
      S->Literals.insert(Text);
      continue;
    }
    llvm::Expected<llvm::GlobPattern> G = llvm::GlobPattern::create(Text);
    if (!G)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "bad pattern '" + P + "': " +
                                         llvm::toString(G.takeError()));
    S->Globs.push_back(std::move(*G));
  }
  PatternList L;
  L.Impl = std::move(S);
  return L;
}

bool PatternList::matches(llvm::StringRef S) const {
  return Impl && (Impl->Literals.contains(S) ||
                  llvm::any_of(Impl->Globs,
                              [&](const llvm::GlobPattern &G) { return G.match(S); }));
}

const std::vector<std::string> &PatternList::patterns() const {
  static const std::vector<std::string> Empty;
  return Impl ? Impl->Sources : Empty;
}

bool RuleConfig::owns(llvm::StringRef Key) const { return llvm::is_contained(OwnKeys, Key); }

RuleConfig *RulesConfig::find(llvm::StringRef Name) {
  for (RuleConfig &R : Rules)
    if (R.Name == Name)
      return &R;
  return nullptr;
}

const RuleConfig *RulesConfig::find(llvm::StringRef Name) const {
  return const_cast<RulesConfig *>(this)->find(Name);
}

void RulesConfig::enableOptionalRoots() {
  for (RuleConfig &R : Rules)
    llvm::append_range(R.RootFields, R.OptionalRootFields);
}

llvm::Expected<Rule> Rule::create(const RuleConfig &Config) {
  Rule R;
  R.Config = Config;
  struct Item {
    PatternList &List;
    const std::vector<std::string> &Source;
  } Items[] = {{R.RootFields, Config.RootFields},
               {R.SinkFunctions, Config.SinkFunctions},
               {R.SinkFields, Config.SinkFields},
               {R.AllowedPaths, Config.AllowedPaths},
               {R.IgnoreFunctions, Config.IgnoreFunctions},
               {R.AsyncFields, Config.AsyncFields},
               {R.UnresolvedFields, Config.UnresolvedFields},
               {R.SleepingFunctions, Config.SleepingFunctions},
               {R.RangeFields, Config.RangeFields},
               {R.PageTableLockFields, Config.PageTableLockFields},
               {R.SectionBegin, Config.SectionBeginFunctions},
               {R.SectionEnd, Config.SectionEndFunctions}};
  for (Item &I : Items) {
    llvm::Expected<PatternList> L = PatternList::create(I.Source);
    if (!L)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "rule '" + Config.Name +
                                         "': " + llvm::toString(L.takeError()));
    I.List = std::move(*L);
  }
  auto Fail = [&](const std::string &Message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "rule '" + Config.Name + "': " + Message);
  };
  // Every function name the spec looks at, in one list: most of a graph's
  // functions are in none, and are then told apart by one lookup instead
  // of three.
  std::vector<std::string> SpecFunctions = Config.IgnoreFunctions;
  llvm::append_range(SpecFunctions, Config.SinkFunctions);
  for (const std::string &Entry : Config.AllocationFunctions) {
    llvm::StringRef Name;
    Allocation A;
    if (!parseAllocationEntry(Entry, Name, A.Mask))
      return Fail("bad allocation function '" + Entry + "'");
    SpecFunctions.push_back(Name.str());
    if (Name.find_first_of("*?[]{}\\") == llvm::StringRef::npos) {
      R.NamedAllocations[Name].push_back(A.Mask);
      continue;
    }
    llvm::Expected<PatternList> L = PatternList::create({Name.str()});
    if (!L)
      return Fail(llvm::toString(L.takeError()));
    A.Function = std::move(*L);
    R.Allocations.push_back(std::move(A));
  }
  llvm::Expected<PatternList> Spec = PatternList::create(SpecFunctions);
  if (!Spec)
    return Fail(llvm::toString(Spec.takeError()));
  R.SpecFunctions = std::move(*Spec);
  if (Config.ReclaimSinks) {
    if (Config.ReclaimFlags.empty() ||
        llvm::StringRef(Config.ReclaimFlags).getAsInteger(0, R.ReclaimFlagBits) ||
        !R.ReclaimFlagBits)
      return Fail("reclaim_sinks needs reclaim_flags (a non-zero number)");
  }
  return R;
}

bool Rule::isAllocation(llvm::StringRef Name, bool &Always,
                        llvm::SmallVectorImpl<unsigned> &Masks) const {
  Always = false;
  Masks.clear();
  if (auto It = NamedAllocations.find(Name); It != NamedAllocations.end())
    for (int Mask : It->second) {
      if (Mask < 0)
        Always = true;
      else
        Masks.push_back(unsigned(Mask));
    }
  for (const Allocation &A : Allocations)
    if (A.Function.matches(Name)) {
      if (A.Mask < 0)
        Always = true;
      else
        Masks.push_back(unsigned(A.Mask));
    }
  return Always || !Masks.empty();
}

bool Rule::isAllowedPath(llvm::StringRef RelativePath) const {
  return AllowedPaths.matches(RelativePath);
}

std::string Rule::allowedPathsDescription() const {
  if (Config.AllowedPaths.empty())
    return "any allowed path"; // Read as "anywhere": the rule allows none.
  return llvm::join(Config.AllowedPaths, ", ");
}

std::string Rule::expand(llvm::StringRef Text) const {
  std::string Out;
  for (;;) {
    size_t At = Text.find("{allowed}");
    Out += Text.substr(0, At).str();
    if (At == llvm::StringRef::npos)
      return Out;
    Out += allowedPathsDescription();
    Text = Text.substr(At + strlen("{allowed}"));
  }
}

std::string Rule::camelName() const {
  llvm::StringRef Rest = llvm::StringRef(Config.Name);
  Rest.consume_front("linuxkernel-");
  llvm::SmallVector<llvm::StringRef, 8> Words;
  Rest.split(Words, '-', -1, false);
  std::string Camel;
  for (llvm::StringRef W : Words)
    Camel += llvm::toUpper(W.front()) + W.drop_front().str();
  return Camel;
}

std::string Rule::summaryFingerprint() const {
  std::string S;
  llvm::raw_string_ostream OS(S);
  // Root fields count, this rule's and the others': calls through them are
  // not followed.
  for (const auto *List : {&Config.SinkFunctions, &Config.SinkFields,
                           &Config.IgnoreFunctions, &Config.AsyncFields,
                           &Config.UnresolvedFields, &Config.RootFields,
                           &OtherRootSources}) {
    OS << llvm::join(*List, ",") << ";";
  }
  // Allocation sinks change the distances, and the masked nodes' with them.
  if (hasReclaimSinks())
    OS << "alloc:" << llvm::join(Config.AllocationFunctions, ",") << "/" << ReclaimFlagBits
       << ";";
  OS << RegistrySource;
  // Summaries hold chains that value flow found: another meaning of its
  // effects is another set of summaries.
  OS << ";value flow " << ValueFlowRevision;
  return llvm::utohexstr(llvm::xxh3_64bits(S));
}

llvm::Expected<RuleSet> RuleSet::create(const RulesConfig &Config) {
  RuleSet Set;
  Set.SourceRoot = Config.SourceRoot;
  Set.Registries = Config.Registries;
  std::string Registries;
  for (const RegistrySpec &R : Config.Registries) {
    Registries += R.Name + "/" + R.Field + ":";
    for (const RegistryApiSpec &A : R.Register)
      Registries += "+" + A.Function + "," + std::to_string(A.Head) + "," +
                    std::to_string(A.Item);
    for (const RegistryApiSpec &A : R.Call)
      Registries += "*" + A.Function + "," + std::to_string(A.Head);
    Registries += ";";
  }
  for (const RuleConfig &C : Config.Rules) {
    if (!C.Enabled)
      continue;
    llvm::Expected<Rule> R = Rule::create(C);
    if (!R)
      return R.takeError();
    R->RegistrySource = Registries;
    Set.Rules.push_back(std::move(*R));
  }
  for (Rule &R : Set.Rules) {
    if (R.kind() != RuleKind::Reachability)
      continue;
    for (const Rule &Other : Set.Rules)
      if (&Other != &R && Other.kind() == RuleKind::Reachability)
        llvm::append_range(R.OtherRootSources, Other.config().RootFields);
    llvm::Expected<PatternList> L = PatternList::create(R.OtherRootSources);
    if (!L)
      return L.takeError(); // Compiled once already, as the other rule's roots.
    R.OtherRootFields = std::move(*L);
  }
  return std::move(Set);
}

RuleSet RuleSet::builtin() { return llvm::cantFail(create(RulesConfig::builtin())); }

const Rule *RuleSet::find(llvm::StringRef Name) const {
  for (const Rule &R : Rules)
    if (R.name() == Name)
      return &R;
  return nullptr;
}

std::vector<const Rule *> RuleSet::ofKind(RuleKind K) const {
  std::vector<const Rule *> Result;
  for (const Rule &R : Rules)
    if (R.kind() == K)
      Result.push_back(&R);
  return Result;
}

bool parseAllocationEntry(llvm::StringRef Entry, llvm::StringRef &Name, int &Mask) {
  auto [Function, Arg] = Entry.split(':');
  Name = Function;
  Mask = -1;
  if (Function.empty())
    return false;
  if (!Entry.contains(':'))
    return true;
  unsigned N = 0;
  if (Arg.getAsInteger(10, N) || N >= 64)
    return false;
  Mask = int(N);
  return true;
}

std::vector<std::string> splitList(llvm::StringRef Value) {
  llvm::SmallVector<llvm::StringRef, 8> Parts;
  Value.split(Parts, ';', -1, false);
  std::vector<std::string> Result;
  for (llvm::StringRef Part : Parts) {
    llvm::SmallVector<llvm::StringRef, 8> Items;
    Part.split(Items, ',', -1, false);
    for (llvm::StringRef Item : Items)
      if (!Item.trim().empty())
        Result.push_back(Item.trim().str());
  }
  return Result;
}

} // namespace kreach
