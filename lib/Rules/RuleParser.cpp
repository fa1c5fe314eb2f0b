//===- RuleParser.cpp - rules/*.yaml and .kreach.yaml ---------------------===//
//
// One parser reads the built-in rule files and users' configurations, so a
// built-in rule and a user's rule are written the same way. Keys are looked
// up in tables, each entry naming the RuleConfig member it fills.
//
//===----------------------------------------------------------------------===//

#include "kreach/FileIO.h"
#include "kreach/Rules.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLParser.h"

namespace kreach {

namespace {

struct ListKey {
  llvm::StringLiteral Name;
  std::vector<std::string> RuleConfig::*Member;
};
// Each also has an add_<name> form that appends.
constexpr ListKey ListKeys[] = {
    {"root_fields", &RuleConfig::RootFields},
    {"optional_root_fields", &RuleConfig::OptionalRootFields},
    {"sink_functions", &RuleConfig::SinkFunctions},
    {"sink_fields", &RuleConfig::SinkFields},
    {"allowed_paths", &RuleConfig::AllowedPaths},
    {"ignore_functions", &RuleConfig::IgnoreFunctions},
    {"async_fields", &RuleConfig::AsyncFields},
    {"unresolved_fields", &RuleConfig::UnresolvedFields},
    {"range_fields", &RuleConfig::RangeFields},
    {"page_table_lock_fields", &RuleConfig::PageTableLockFields},
    {"sleeping_functions", &RuleConfig::SleepingFunctions},
    {"allocation_functions", &RuleConfig::AllocationFunctions},
    {"section_begin_functions", &RuleConfig::SectionBeginFunctions},
    {"section_end_functions", &RuleConfig::SectionEndFunctions},
};

struct TextKey {
  llvm::StringLiteral Name;
  std::string RuleConfig::*Member;
};
constexpr TextKey TextKeys[] = {
    {"root_kind", &RuleConfig::RootKind},
    {"root_article", &RuleConfig::RootArticle},
    {"sink_kind", &RuleConfig::SinkKind},
    {"summary", &RuleConfig::Summary},
    {"description", &RuleConfig::Description},
    {"help", &RuleConfig::Help},
    {"help_markdown", &RuleConfig::HelpMarkdown},
    {"fingerprint_tag", &RuleConfig::FingerprintTag},
    {"bug_type", &RuleConfig::BugType},
    {"entry_label", &RuleConfig::EntryLabel},
    {"reclaim_flags", &RuleConfig::ReclaimFlags},
    {"allocation_sink_kind", &RuleConfig::AllocationSinkKind},
    {"section_kind", &RuleConfig::SectionKind},
};

/// Keys whose top-level form changes only the first built-in rule: roots
/// belong to one rule, and before rules were data they were that rule's.
bool isFirstRuleKey(llvm::StringRef Key) {
  return Key == "root_fields" || Key == "optional_root_fields";
}

bool isValidRuleName(llvm::StringRef Name) {
  return !Name.empty() && llvm::isLower(Name.front()) &&
         llvm::all_of(Name, [](char C) {
           return llvm::isLower(C) || llvm::isDigit(C) || C == '-';
         });
}

class ConfigParser {
public:
  ConfigParser(llvm::StringRef Text, llvm::StringRef Name) {
    SM.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBuffer(Text, Name), llvm::SMLoc());
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
  }

  /// A configuration: top-level settings, source_root, rules.
  llvm::Error parseConfig(RulesConfig &Config, RuleConfig &Defaults) {
    return parseDocument([&](llvm::yaml::MappingNode *Map) {
      return settings(Map, Config, Defaults);
    });
  }

  /// A rule file of rules/: one rule, inheriting Defaults.
  llvm::Error parseRuleFile(RulesConfig &Config, const RuleConfig &Defaults) {
    return parseDocument([&](llvm::yaml::MappingNode *Map) {
      llvm::StringMap<std::string> Names;
      return ruleEntry(Map, Config, Defaults, Names);
    });
  }

  std::string SyntaxError;

private:
  llvm::Error parseDocument(llvm::function_ref<llvm::Error(llvm::yaml::MappingNode *)> Body) {
    llvm::MemoryBufferRef Ref = *SM.getMemoryBuffer(1);
    llvm::yaml::Stream Stream(Ref, SM, /*ShowColors=*/false);
    llvm::yaml::document_iterator Doc = Stream.begin();
    if (Doc == Stream.end())
      return llvm::Error::success();
    llvm::yaml::Node *Root = Doc->getRoot();
    if (Stream.failed() || !Root)
      return error(Root, "invalid YAML");
    if (llvm::isa<llvm::yaml::NullNode>(Root))
      return llvm::Error::success();
    auto *Map = llvm::dyn_cast<llvm::yaml::MappingNode>(Root);
    if (!Map)
      return error(Root, "expected a mapping of kreach settings");
    if (llvm::Error E = Body(Map))
      return E;
    if (Stream.failed())
      return error(Root, "invalid YAML");
    if (++Doc != Stream.end())
      return error(nullptr, "expected a single YAML document");
    return llvm::Error::success();
  }

  /// Calls Each(key, key node, value) for every entry, refusing a key given
  /// twice: a second `allowed_paths` would otherwise silently replace the first.
  llvm::Error forEachKey(
      llvm::yaml::MappingNode *Map,
      llvm::function_ref<llvm::Error(llvm::StringRef, llvm::yaml::Node *, llvm::yaml::Node *)>
          Each) {
    return forEachKey(Map->begin(), Map->end(), {}, Each);
  }
  llvm::Error forEachKey(
      llvm::yaml::MappingNode::iterator Begin, llvm::yaml::MappingNode::iterator End,
      llvm::StringMap<std::string> Seen,
      llvm::function_ref<llvm::Error(llvm::StringRef, llvm::yaml::Node *, llvm::yaml::Node *)>
          Each) {
    for (auto It = Begin; It != End; ++It) {
      llvm::yaml::KeyValueNode &KV = *It;
      auto *KeyNode = llvm::dyn_cast_or_null<llvm::yaml::ScalarNode>(KV.getKey());
      if (!KeyNode)
        return error(KV.getKey(), "expected a key");
      llvm::SmallString<32> Storage;
      std::string Key = KeyNode->getValue(Storage).str();
      auto [First, New] = Seen.try_emplace(Key, where(KeyNode));
      if (!New)
        return error(KeyNode, "duplicate key '" + Key + "' (first given at " +
                                  First->second + ")");
      if (llvm::Error E = Each(Key, KeyNode, KV.getValue()))
        return E;
      if (!SyntaxError.empty())
        return error(KV.getValue(), "invalid YAML");
    }
    return llvm::Error::success();
  }

  llvm::Error settings(llvm::yaml::MappingNode *Map, RulesConfig &Config,
                       RuleConfig &Defaults) {
    llvm::StringMap<std::string> RuleNames;
    return forEachKey(Map, [&](llvm::StringRef Key, llvm::yaml::Node *KeyNode,
                               llvm::yaml::Node *Value) -> llvm::Error {
      if (Key == "source_root") {
        llvm::Expected<std::string> Dir = scalar(Value, "expected a directory");
        if (!Dir)
          return Dir.takeError();
        Config.SourceRoot = *Dir;
        return llvm::Error::success();
      }
      if (Key == "rules") {
        auto *Seq = llvm::dyn_cast_or_null<llvm::yaml::SequenceNode>(Value);
        if (!Seq)
          return error(Value, "expected a list of rules");
        for (llvm::yaml::Node &Item : *Seq) {
          auto *Entry = llvm::dyn_cast<llvm::yaml::MappingNode>(&Item);
          if (!Entry)
            return error(&Item, "expected a rule (a mapping with a name)");
          if (llvm::Error E = ruleEntry(Entry, Config, Defaults, RuleNames))
            return E;
        }
        return llvm::Error::success();
      }
      if (Key == "registries" || Key == "add_registries") {
        std::vector<RegistrySpec> Parsed;
        if (llvm::Error E = registries(Value, Parsed))
          return E;
        if (Key == "registries")
          Config.Registries.clear();
        llvm::append_range(Config.Registries, std::move(Parsed));
        return llvm::Error::success();
      }
      const ListKey *List = listKey(Key);
      if (!List)
        return error(KeyNode, "unknown key '" + Key.str() + "'");
      llvm::Expected<std::vector<std::string>> Values = stringList(Value);
      if (!Values)
        return Values.takeError();
      if (llvm::Error E = checkAllocations(*List, *Values, Value))
        return E;
      bool Append = Key.starts_with("add_");
      if (isFirstRuleKey(List->Name)) {
        if (Config.Rules.empty())
          return error(KeyNode, "'" + Key.str() + "' needs a rule; set it in a rule");
        apply(Config.Rules.front(), *List, *Values, Append, /*Own=*/false);
        return llvm::Error::success();
      }
      // Settings every rule inherits: the defaults new rules start from, and
      // every rule that does not set the key itself.
      apply(Defaults, *List, *Values, Append, /*Own=*/false);
      for (RuleConfig &R : Config.Rules)
        if (!R.owns(List->Name))
          apply(R, *List, *Values, Append, /*Own=*/false);
      return llvm::Error::success();
    });
  }

  /// `registries:` - a list of {name, field, register: [{function, head,
  /// item}], call: [{function, head}]}.
  llvm::Error registries(llvm::yaml::Node *Value, std::vector<RegistrySpec> &Out) {
    auto *Seq = llvm::dyn_cast_or_null<llvm::yaml::SequenceNode>(Value);
    if (!Seq)
      return error(Value, "expected a list of registries");
    for (llvm::yaml::Node &Item : *Seq) {
      auto *Entry = llvm::dyn_cast<llvm::yaml::MappingNode>(&Item);
      if (!Entry)
        return error(&Item, "expected a registry (name, field, register, call)");
      RegistrySpec R;
      if (llvm::Error E = forEachKey(Entry, [&](llvm::StringRef Key, llvm::yaml::Node *KeyNode,
                                                llvm::yaml::Node *V) -> llvm::Error {
            if (Key == "name" || Key == "field") {
              llvm::Expected<std::string> Text = scalar(V, "expected text");
              if (!Text)
                return Text.takeError();
              (Key == "name" ? R.Name : R.Field) = *Text;
              return llvm::Error::success();
            }
            if (Key == "register" || Key == "call")
              return registryApis(V, Key == "register",
                                  Key == "register" ? R.Register : R.Call);
            return error(KeyNode, "unknown registry key '" + Key.str() + "'");
          }))
        return E;
      if (R.Name.empty() || R.Field.empty() || R.Field.find("::") == std::string::npos)
        return error(Entry, "a registry needs a name and a field ('struct::field')");
      if (R.Register.empty() || R.Call.empty())
        return error(Entry, "registry '" + R.Name + "' needs register and call functions");
      Out.push_back(std::move(R));
    }
    return llvm::Error::success();
  }

  llvm::Error registryApis(llvm::yaml::Node *Value, bool WithItem,
                           std::vector<RegistryApiSpec> &Out) {
    auto *Seq = llvm::dyn_cast_or_null<llvm::yaml::SequenceNode>(Value);
    if (!Seq)
      return error(Value, "expected a list of {function, head" +
                              std::string(WithItem ? ", item" : "") + "}");
    for (llvm::yaml::Node &Item : *Seq) {
      auto *Entry = llvm::dyn_cast<llvm::yaml::MappingNode>(&Item);
      if (!Entry)
        return error(&Item, "expected {function, head" +
                                std::string(WithItem ? ", item" : "") + "}");
      RegistryApiSpec A;
      bool HasItem = false;
      if (llvm::Error E = forEachKey(Entry, [&](llvm::StringRef Key, llvm::yaml::Node *KeyNode,
                                                llvm::yaml::Node *V) -> llvm::Error {
            llvm::Expected<std::string> Text = scalar(V, "expected a value");
            if (!Text)
              return Text.takeError();
            if (Key == "function") {
              A.Function = *Text;
              return llvm::Error::success();
            }
            unsigned N = 0;
            if ((Key == "head" || (WithItem && Key == "item")) &&
                !llvm::StringRef(*Text).getAsInteger(10, N) && N < 64) {
              (Key == "head" ? A.Head : A.Item) = N;
              HasItem |= Key == "item";
              return llvm::Error::success();
            }
            if (Key == "head" || (WithItem && Key == "item"))
              return error(V, "expected an argument number (from 0)");
            return error(KeyNode, "unknown key '" + Key.str() + "'");
          }))
        return E;
      if (A.Function.empty() || (WithItem && !HasItem) || (WithItem && A.Head == A.Item))
        return error(Entry, WithItem ? "expected {function, head, item} with head != item"
                                     : "expected {function, head}");
      Out.push_back(std::move(A));
    }
    return llvm::Error::success();
  }

  llvm::Error ruleEntry(llvm::yaml::MappingNode *Entry, RulesConfig &Config,
                        const RuleConfig &Defaults, llvm::StringMap<std::string> &Names) {
    // The name says which rule the other keys change. The YAML stream is read
    // once, front to back, so the name comes first.
    auto KV = Entry->begin();
    auto *FirstKey = KV == Entry->end()
                         ? nullptr
                         : llvm::dyn_cast_or_null<llvm::yaml::ScalarNode>(KV->getKey());
    llvm::SmallString<16> FirstKeyStorage;
    if (!FirstKey || FirstKey->getValue(FirstKeyStorage) != "name")
      return error(Entry, "a rule starts with its name ('name: linuxkernel-...')");
    llvm::yaml::Node *NameValue = KV->getValue();
    llvm::Expected<std::string> Name = scalar(NameValue, "expected a rule name");
    if (!Name)
      return Name.takeError();
    if (!isValidRuleName(*Name))
      return error(NameValue, "bad rule name '" + *Name +
                                  "' (lower-case letters, digits and '-', as in "
                                  "linuxkernel-my-rule)");
    auto [First, New] = Names.try_emplace(*Name, where(NameValue));
    if (!New)
      return error(NameValue, "duplicate rule '" + *Name + "' (first given at " +
                                  First->second + ")");
    RuleConfig *R = Config.find(*Name);
    bool Added = !R;
    if (Added) {
      Config.Rules.push_back(Defaults);
      R = &Config.Rules.back();
      R->Name = *Name;
      // A rule's findings are its own unless its data says otherwise.
      R->FingerprintTag = *Name;
      R->OwnKeys.clear();
    }
    R->Origin = where(Entry);
    llvm::StringMap<std::string> Seen;
    Seen["name"] = where(FirstKey);
    if (llvm::Error E = forEachKey(++KV, Entry->end(), std::move(Seen),
                                   [&](llvm::StringRef Key, llvm::yaml::Node *KeyNode,
                                       llvm::yaml::Node *Value) {
                                     return ruleKey(*R, Key, KeyNode, Value);
                                   }))
      return E;
    if (R->Kind == RuleKind::Reachability && (Added || R->Enabled)) {
      if (R->RootFields.empty() && R->SectionBeginFunctions.empty())
        return error(Entry,
                     "rule '" + R->Name + "' has no root_fields or section_begin_functions");
      if (R->SinkFunctions.empty() && R->SinkFields.empty() &&
          !(R->ReclaimSinks && !R->AllocationFunctions.empty()))
        return error(Entry, "rule '" + R->Name +
                                "' has no sink_functions, sink_fields or reclaim_sinks");
    }
    return llvm::Error::success();
  }

  llvm::Error ruleKey(RuleConfig &R, llvm::StringRef Key, llvm::yaml::Node *KeyNode,
                      llvm::yaml::Node *Value) {
    if (Key == "name")
      return llvm::Error::success();
    if (Key == "enabled" || Key == "reclaim_sinks") {
      llvm::Expected<std::string> V = scalar(Value, "expected true or false");
      if (!V)
        return V.takeError();
      if (*V != "true" && *V != "false")
        return error(Value, "expected true or false");
      (Key == "enabled" ? R.Enabled : R.ReclaimSinks) = *V == "true";
      return llvm::Error::success();
    }
    if (Key == "reclaim_flags") {
      llvm::Expected<std::string> V = scalar(Value, "expected a number (0x400)");
      if (!V)
        return V.takeError();
      uint64_t Bits = 0;
      if (llvm::StringRef(*V).getAsInteger(0, Bits) || Bits == 0)
        return error(Value, "expected a non-zero number (0x400)");
      R.ReclaimFlags = *V;
      return llvm::Error::success();
    }
    if (Key == "severity" || Key == "kind") {
      llvm::Expected<std::string> V = scalar(Value, "expected a " + Key.str());
      if (!V)
        return V.takeError();
      if (Key == "severity") {
        if (*V != "warning" && *V != "error" && *V != "note")
          return error(Value, "severity must be warning, error or note");
        R.Severity = *V;
      } else if (*V == "reachability") {
        R.Kind = RuleKind::Reachability;
      } else if (*V == "nonblocking-sleep") {
        R.Kind = RuleKind::NonBlockingSleep;
      } else {
        return error(Value, "kind must be reachability or nonblocking-sleep");
      }
      return llvm::Error::success();
    }
    for (const TextKey &T : TextKeys)
      if (Key == T.Name) {
        auto *S = llvm::dyn_cast_or_null<llvm::yaml::ScalarNode>(Value);
        auto *B = llvm::dyn_cast_or_null<llvm::yaml::BlockScalarNode>(Value);
        if (!S && !B)
          return error(Value, "expected text");
        llvm::SmallString<128> Storage;
        R.*T.Member = S ? S->getValue(Storage).str() : B->getValue().str();
        return llvm::Error::success();
      }
    const ListKey *List = listKey(Key);
    if (!List)
      return error(KeyNode, "unknown rule key '" + Key.str() + "'");
    llvm::Expected<std::vector<std::string>> Values = stringList(Value);
    if (!Values)
      return Values.takeError();
    if (llvm::Error E = checkAllocations(*List, *Values, Value))
      return E;
    apply(R, *List, *Values, Key.starts_with("add_"), /*Own=*/true);
    return llvm::Error::success();
  }

  /// allocation_functions entries are "name" or "name:N". (A YAML sequence
  /// is read once, so the check reads the parsed entries.)
  llvm::Error checkAllocations(const ListKey &List, const std::vector<std::string> &Values,
                               llvm::yaml::Node *Value) {
    if (List.Member != &RuleConfig::AllocationFunctions)
      return llvm::Error::success();
    for (llvm::StringRef Entry : Values) {
      llvm::StringRef Name;
      int Mask = -1;
      if (!parseAllocationEntry(Entry, Name, Mask))
        return error(Value, "expected 'function' or 'function:N' (N: the mask argument, "
                            "from 0), not '" + Entry.str() + "'");
    }
    return llvm::Error::success();
  }

  static const ListKey *listKey(llvm::StringRef Key) {
    Key.consume_front("add_");
    for (const ListKey &L : ListKeys)
      if (Key == L.Name)
        return &L;
    return nullptr;
  }

  static void apply(RuleConfig &R, const ListKey &Key, const std::vector<std::string> &Values,
                    bool Append, bool Own) {
    std::vector<std::string> &Target = R.*Key.Member;
    if (!Append)
      Target.clear();
    llvm::append_range(Target, Values);
    if (Own && !R.owns(Key.Name))
      R.OwnKeys.push_back(Key.Name.str());
  }

  llvm::Expected<std::string> scalar(llvm::yaml::Node *N, const llvm::Twine &Expected) {
    auto *Value = llvm::dyn_cast_or_null<llvm::yaml::ScalarNode>(N);
    if (!Value)
      return error(N, Expected);
    llvm::SmallString<64> Storage;
    std::string Result = Value->getValue(Storage).str();
    if (Result.empty())
      return error(Value, Expected);
    return Result;
  }

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
    if (!SyntaxError.empty())
      return error(N, "invalid YAML");
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
};

struct BuiltinFile {
  const char *Name;
  const char *Text;
};
// Generated from rules/*.yaml: defaults.yaml first, then the rules in order.
constexpr BuiltinFile BuiltinFiles[] = {
#include "kreach/BuiltinRules.inc"
};

} // namespace

RulesConfig RulesConfig::builtin() {
  static const RulesConfig Builtin = [] {
    RulesConfig C;
    RuleConfig &Defaults = C.Defaults;
    for (const BuiltinFile &F : BuiltinFiles) {
      ConfigParser P(F.Text, F.Name);
      llvm::StringRef Name(F.Name);
      llvm::Error E = Name.ends_with("/defaults.yaml") ? P.parseConfig(C, Defaults)
                                                       : P.parseRuleFile(C, Defaults);
      // The unit tests parse every built-in file; a bad one is a build bug.
      if (E)
        llvm::report_fatal_error(llvm::Twine("built-in ") + llvm::toString(std::move(E)));
    }
    return C;
  }();
  return Builtin;
}

llvm::Expected<RulesConfig> parseConfig(llvm::StringRef Text, llvm::StringRef Name,
                                        RulesConfig Base) {
  ConfigParser P(Text, Name);
  if (llvm::Error E = P.parseConfig(Base, Base.Defaults))
    return std::move(E);
  return std::move(Base);
}

llvm::Expected<RulesConfig> loadRulesConfig(llvm::StringRef ConfigFile) {
  if (ConfigFile.empty())
    return RulesConfig::builtin();
  return loadConfigFile(ConfigFile);
}

llvm::Expected<RulesConfig> loadConfigFile(llvm::StringRef Path, RulesConfig Base) {
  llvm::Expected<std::string> Text = readUserFile(Path, "config", MaxConfigBytes);
  if (!Text)
    return Text.takeError();
  return parseConfig(*Text, Path, std::move(Base));
}

} // namespace kreach
