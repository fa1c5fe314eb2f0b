//===- Policy.cpp - Roots, sinks, allowed paths, configuration ------------===//

#include "kreach/Policy.h"
#include "kreach/FileIO.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLParser.h"
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
    llvm::Expected<llvm::GlobPattern> G = llvm::GlobPattern::create(Text);
    if (!G)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "bad pattern '" + P + "': " +
                                         llvm::toString(G.takeError()));
    S->Sources.push_back(P);
    S->Globs.push_back(std::move(*G));
  }
  PatternList L;
  L.Impl = std::move(S);
  return L;
}

bool PatternList::matches(llvm::StringRef S) const {
  return Impl && llvm::any_of(Impl->Globs,
                              [&](const llvm::GlobPattern &G) { return G.match(S); });
}

const std::vector<std::string> &PatternList::patterns() const {
  static const std::vector<std::string> Empty;
  return Impl ? Impl->Sources : Empty;
}

PolicyConfig PolicyConfig::defaults() {
  PolicyConfig C;
  C.RootFields = {"mmu_notifier_ops::invalidate_range_start",
                  "mmu_notifier_ops::invalidate_range_end",
                  "mmu_notifier_ops::invalidate_range",
                  "mmu_notifier_ops::arch_invalidate_secondary_tlbs",
                  "mmu_interval_notifier_ops::invalidate",
                  "mmu_interval_notifier_ops::invalidate_start",
                  "mmu_interval_notifier_ops::invalidate_finish"};
  C.SinkFunctions = {"dma_fence_wait",
                     "dma_fence_wait_timeout",
                     "dma_fence_wait_any_timeout",
                     "dma_fence_default_wait",
                     "dma_resv_wait_timeout",
                     "dma_resv_wait_timeout_rcu",
                     "dma_resv_wait_timeout_unlocked",
                     "reservation_object_wait_timeout_rcu",
                     "fence_wait",
                     "fence_wait_timeout",
                     "fence_wait_any_timeout",
                     "fence_default_wait"};
  C.SinkFields = {"dma_fence_ops::wait", "fence_ops::wait"};
  C.AllowedPaths = {"drivers/gpu/"};
  // Deferred execution: storing a function here hands it to another context
  // (a worker, a timer, an RCU callback, an interrupt thread), never a call.
  C.AsyncFields = {"work_struct::func",      "kthread_work::func",
                   "timer_list::function",   "hrtimer::function",
                   "callback_head::func",    "rcu_head::func",
                   "tasklet_struct::func",   "tasklet_struct::callback",
                   "irq_work::func",         "irqaction::handler",
                   "irqaction::thread_fn",   "kthread_create_info::threadfn",
                   "delayed_call::fn",       "dma_fence_cb::func",
                   "execute_work::work",     "srcu_struct::*"};
  // Boundaries, each a place where the tree-wide call graph would otherwise
  // join every notifier to GPU waits that are not the notifier's (see
  // docs/real-kernel.md for what each one removes):
  //  - the system is stopping;
  //  - memory reclaim re-entered through an allocation: shrinkers and OOM
  //    notifiers run as reclaim, whose waits the fence contract puts on the
  //    GPU drivers (and lockdep's fs_reclaim annotation checks);
  //  - the context switch: what the scheduler runs there (perf PMU reads,
  //    sched hooks) runs with interrupts off, and sleeping itself is the
  //    analyzer's rule 2, not a fence wait.
  C.IgnoreFunctions = {"panic", "nmi_panic", "vpanic", "out_of_memory", "shrink_slab",
                       "__schedule"};
  // Page-walk callbacks are bound per walk (walk_page_range(..., &ops, ...));
  // resolved tree-wide, every walk would reach every walker, HMM's faulting
  // one included.
  C.UnresolvedFields = {"mm_walk_ops::*"};
  return C;
}

std::vector<std::string> PolicyConfig::optionalRootFields() {
  return {"mmu_notifier_ops::release", "mmu_notifier_ops::clear_flush_young",
          "mmu_notifier_ops::clear_young", "mmu_notifier_ops::test_young"};
}

llvm::Expected<Policy> Policy::create(const PolicyConfig &Config) {
  Policy P;
  P.Config = Config;
  struct Item {
    PatternList &List;
    const std::vector<std::string> &Source;
  } Items[] = {{P.RootFields, Config.RootFields},
               {P.SinkFunctions, Config.SinkFunctions},
               {P.SinkFields, Config.SinkFields},
               {P.AllowedPaths, Config.AllowedPaths},
               {P.IgnoreFunctions, Config.IgnoreFunctions},
               {P.AsyncFields, Config.AsyncFields},
               {P.UnresolvedFields, Config.UnresolvedFields}};
  for (Item &I : Items) {
    llvm::Expected<PatternList> L = PatternList::create(I.Source);
    if (!L)
      return L.takeError();
    I.List = std::move(*L);
  }
  return P;
}

Policy Policy::defaults() { return llvm::cantFail(create(PolicyConfig::defaults())); }

bool Policy::isAllowedPath(llvm::StringRef RelativePath) const {
  return AllowedPaths.matches(RelativePath);
}

std::string Policy::allowedPathsDescription() const {
  if (Config.AllowedPaths.empty())
    return "any allowed path";
  return llvm::join(Config.AllowedPaths, ", ");
}

std::string Policy::summaryFingerprint() const {
  std::string S;
  llvm::raw_string_ostream OS(S);
  // Root fields count: calls through them are not followed.
  for (const auto *List : {&Config.SinkFunctions, &Config.SinkFields,
                           &Config.IgnoreFunctions, &Config.AsyncFields,
                           &Config.UnresolvedFields, &Config.RootFields}) {
    OS << llvm::join(*List, ",") << ";";
  }
  return llvm::utohexstr(llvm::xxh3_64bits(S));
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

namespace {

class ConfigParser {
public:
  ConfigParser(llvm::StringRef Text, llvm::StringRef Name)
      : Buffer(llvm::MemoryBuffer::getMemBuffer(Text, Name)) {}

  llvm::Expected<PolicyConfig> parse(PolicyConfig Config) {
    SM.AddNewSourceBuffer(std::move(Buffer), llvm::SMLoc());
    // Keep the parser's own diagnostic for our one-line error instead of
    // letting it print to stderr.
    SM.setDiagHandler(
        [](const llvm::SMDiagnostic &D, void *Context) {
          auto *Self = static_cast<ConfigParser *>(Context);
          if (Self->SyntaxError.empty())
            Self->SyntaxError = D.getFilename().str() + ":" +
                                std::to_string(D.getLineNo()) + ":" +
                                std::to_string(D.getColumnNo() + 1) + ": " +
                                D.getMessage().str();
        },
        this);
    llvm::MemoryBufferRef Ref = *SM.getMemoryBuffer(1);
    llvm::yaml::Stream Stream(Ref, SM, /*ShowColors=*/false);
    llvm::yaml::document_iterator Doc = Stream.begin();
    if (Doc == Stream.end())
      return Config;
    llvm::yaml::Node *Root = Doc->getRoot();
    if (Stream.failed() || !Root)
      return error(Root, "invalid YAML");
    if (llvm::isa<llvm::yaml::NullNode>(Root))
      return Config;
    auto *Map = llvm::dyn_cast<llvm::yaml::MappingNode>(Root);
    if (!Map)
      return error(Root, "expected a mapping of kreach settings");
    // Where each key was first given: a second `allowed_paths` would
    // otherwise silently replace the first.
    llvm::StringMap<std::string> Seen;
    for (llvm::yaml::KeyValueNode &KV : *Map) {
      auto *KeyNode = llvm::dyn_cast_or_null<llvm::yaml::ScalarNode>(KV.getKey());
      if (!KeyNode)
        return error(KV.getKey(), "expected a key");
      llvm::SmallString<32> KeyStorage;
      llvm::StringRef Key = KeyNode->getValue(KeyStorage);
      auto [First, New] = Seen.try_emplace(Key, where(KeyNode));
      if (!New)
        return error(KeyNode, "duplicate key '" + Key.str() + "' (first given at " +
                                  First->second + ")");
      if (Key == "source_root") {
        auto *Value = llvm::dyn_cast_or_null<llvm::yaml::ScalarNode>(KV.getValue());
        if (!Value)
          return error(KV.getValue(), "expected a directory");
        llvm::SmallString<64> Storage;
        Config.SourceRoot = Value->getValue(Storage).str();
        if (Config.SourceRoot.empty())
          return error(Value, "expected a directory");
        continue;
      }
      std::vector<std::string> *Target = nullptr;
      bool Append = false;
      if (Key == "root_fields")
        Target = &Config.RootFields;
      else if (Key == "add_root_fields")
        Target = &Config.RootFields, Append = true;
      else if (Key == "sink_functions")
        Target = &Config.SinkFunctions;
      else if (Key == "add_sink_functions")
        Target = &Config.SinkFunctions, Append = true;
      else if (Key == "sink_fields")
        Target = &Config.SinkFields;
      else if (Key == "allowed_paths")
        Target = &Config.AllowedPaths;
      else if (Key == "ignore_functions")
        Target = &Config.IgnoreFunctions;
      else if (Key == "add_ignore_functions")
        Target = &Config.IgnoreFunctions, Append = true;
      else if (Key == "unresolved_fields")
        Target = &Config.UnresolvedFields;
      else if (Key == "add_unresolved_fields")
        Target = &Config.UnresolvedFields, Append = true;
      else if (Key == "async_fields")
        Target = &Config.AsyncFields;
      else if (Key == "add_async_fields")
        Target = &Config.AsyncFields, Append = true;
      else
        return error(KeyNode, "unknown key '" + Key.str() + "'");
      llvm::Expected<std::vector<std::string>> Values = stringList(KV.getValue());
      if (!Values)
        return Values.takeError();
      if (!Append)
        Target->clear();
      llvm::append_range(*Target, *Values);
      if (Stream.failed())
        return error(KV.getValue(), "invalid YAML");
    }
    if (Stream.failed())
      return error(Root, "invalid YAML");
    if (++Doc != Stream.end())
      return error(nullptr, "expected a single YAML document");
    return Config;
  }

private:
  llvm::Expected<std::vector<std::string>> stringList(llvm::yaml::Node *N) {
    auto *Seq = llvm::dyn_cast_or_null<llvm::yaml::SequenceNode>(N);
    if (!Seq)
      return error(N, "expected a list of strings");
    std::vector<std::string> Result;
    for (llvm::yaml::Node &Item : *Seq) {
      auto *Scalar = llvm::dyn_cast<llvm::yaml::ScalarNode>(&Item);
      if (!Scalar)
        return error(&Item, "expected a string");
      llvm::SmallString<64> Storage;
      llvm::StringRef Value = Scalar->getValue(Storage);
      if (Value.empty())
        return error(&Item, "empty pattern");
      if (llvm::Expected<llvm::GlobPattern> G = llvm::GlobPattern::create(Value); !G)
        return error(&Item, "bad pattern '" + Value.str() + "': " +
                                llvm::toString(G.takeError()));
      Result.push_back(Value.str());
    }
    return Result;
  }

  std::string where(llvm::yaml::Node *N) {
    std::string Where = SM.getMemoryBuffer(1)->getBufferIdentifier().str();
    if (N) {
      llvm::SMLoc Loc = N->getSourceRange().Start;
      auto LineCol = SM.getLineAndColumn(Loc, 1);
      Where += ":" + std::to_string(LineCol.first) + ":" + std::to_string(LineCol.second);
    }
    return Where;
  }

  llvm::Error error(llvm::yaml::Node *N, const llvm::Twine &Message) {
    if (!SyntaxError.empty())
      return llvm::createStringError(llvm::inconvertibleErrorCode(), SyntaxError);
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   where(N) + ": " + Message.str());
  }

  llvm::SourceMgr SM;
  std::unique_ptr<llvm::MemoryBuffer> Buffer;

public:
  std::string SyntaxError;
};

} // namespace

llvm::Expected<PolicyConfig> parseConfig(llvm::StringRef Text, llvm::StringRef Name,
                                         PolicyConfig Base) {
  // YAML syntax errors are printed by the parser itself; silence them and
  // report one line instead.
  return ConfigParser(Text, Name).parse(std::move(Base));
}

llvm::Expected<PolicyConfig> loadConfigFile(llvm::StringRef Path, PolicyConfig Base) {
  llvm::Expected<std::string> Text = readUserFile(Path, "config", MaxConfigBytes);
  if (!Text)
    return Text.takeError();
  return parseConfig(*Text, Path, std::move(Base));
}

} // namespace kreach
