//===- Merge.cpp - `kreach merge`: shard indexes into one -----------------===//
//
// A CI job matrix indexes a tree in N shards (`kreach index --shard K/N`),
// each into its own database; the merge job copies every TU of every shard
// into a new index and computes the summaries once, for the whole tree. A
// merged index is complete only when the shards it was given are every
// shard of one split; a TU in two inputs must be the same TU in both.
//
//===----------------------------------------------------------------------===//

#include "kreach/Check.h"
#include "kreach/Driver.h"
#include "kreach/Index.h"
#include "kreach/Indexer.h"
#include "kreach/Rules.h"

#include "llvm/ADT/StringMap.h"
#include "kreach/Project.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

namespace kreach {

namespace {

struct Input {
  std::string Path;
  std::unique_ptr<Index> I;
  unsigned Shard = 0, Count = 0; ///< From its "shard" meta; 0 of 0: none.
  bool Complete = false;
};

llvm::Expected<Input> openInput(const std::string &Path) {
  Input In;
  In.Path = Path;
  if (!llvm::sys::fs::exists(Path))
    return lineError("no index at '" + Path + "'");
  auto I = Index::open(Path, Index::Mode::ReadOnly, IndexOpenOptions());
  if (!I)
    return I.takeError();
  In.I = std::move(*I);
  llvm::Expected<std::string> Shard = In.I->meta("shard");
  if (!Shard)
    return Shard.takeError();
  if (!Shard->empty() && !parseShard(*Shard, In.Shard, In.Count))
    return lineError("index '" + Path + "' says it is shard '" + *Shard +
                     "', which is not K/N");
  llvm::Expected<bool> Complete = In.I->isComplete();
  if (!Complete)
    return Complete.takeError();
  In.Complete = *Complete;
  return In;
}

/// Shards must be every shard of one split, once each, or no shard at all.
llvm::Error checkShards(const std::vector<Input> &Inputs) {
  unsigned Count = 0;
  std::vector<std::string> Seen;
  for (const Input &In : Inputs) {
    if (!In.Count)
      continue;
    if (Count && In.Count != Count)
      return lineError("'" + In.Path + "' is shard " + llvm::Twine(In.Shard) + " of " +
                       llvm::Twine(In.Count) + ", the others of " + llvm::Twine(Count));
    Count = In.Count;
    Seen.resize(Count);
    if (!Seen[In.Shard - 1].empty())
      return lineError("shard " + llvm::Twine(In.Shard) + "/" + llvm::Twine(Count) +
                       " is given twice ('" + Seen[In.Shard - 1] + "' and '" + In.Path +
                       "')");
    Seen[In.Shard - 1] = In.Path;
  }
  if (!Count)
    return llvm::Error::success();
  for (const Input &In : Inputs)
    if (!In.Count)
      return lineError("'" + In.Path + "' is no shard, the others are shards of " +
                       llvm::Twine(Count));
  std::string Missing;
  for (unsigned K = 0; K < Count; ++K)
    if (Seen[K].empty())
      Missing += (Missing.empty() ? "" : ", ") + std::to_string(K + 1);
  if (!Missing.empty())
    return lineError("shards " + Missing + " of " + llvm::Twine(Count) +
                     " are missing; a merged index must hold the whole tree");
  return llvm::Error::success();
}

} // namespace

int runMergeCommand(const MergeOptions &M) {
  if (M.Output.empty())
    return fail("merge needs -o OUT, the index to write");
  if (M.Inputs.empty())
    return fail("merge needs the indexes to merge");
  if (llvm::sys::fs::exists(M.Output))
    return fail("'" + M.Output + "' exists; kreach merge writes a new index");
  std::vector<Input> Inputs;
  for (const std::string &Path : M.Inputs) {
    llvm::Expected<Input> In = openInput(Path);
    if (!In)
      return fail(llvm::toString(In.takeError()));
    Inputs.push_back(std::move(*In));
  }
  if (llvm::Error E = checkShards(Inputs))
    return fail(llvm::toString(std::move(E)));
  // Shards store paths relative to their trees, so shards made at other
  // checkout paths (other machines of a CI matrix) merge: each is read as
  // if made at the first one's.
  PathMapper Merged;
  for (const Input &In : Inputs)
    if (Merged.root().empty())
      Merged = In.I->paths();
  for (Input &In : Inputs)
    In.I->usePaths(Merged);
  const std::string &SourceRoot = Merged.root();
  // The rules the per-TU front ends will look summaries up for: --config's,
  // else the tree's own .kreach.yaml (as project discovery finds it at the
  // source root), else the built-in ones.
  std::string ConfigFile = M.ConfigFile;
  if (ConfigFile.empty() && !SourceRoot.empty()) {
    llvm::SmallString<256> Beside(SourceRoot);
    llvm::sys::path::append(Beside, ConfigFileName);
    if (llvm::sys::fs::exists(Beside))
      ConfigFile = std::string(Beside);
  }
  llvm::Expected<RulesConfig> Config = loadRulesConfig(ConfigFile);
  if (!Config)
    return fail(llvm::toString(Config.takeError()));
  if (M.AllRoots)
    Config->enableOptionalRoots();
  llvm::Expected<RuleSet> Rules = RuleSet::create(*Config);
  if (!Rules)
    return fail(llvm::toString(Rules.takeError()));

  for (const Input &In : Inputs)
    if (!In.Complete)
      return fail("'" + In.Path + "' is not a finished index (its 'kreach index' was "
                  "interrupted); finish it before merging");
  // As a rebuild: written beside the output and put in its place only once
  // complete, so an interrupted merge leaves nothing that looks like the
  // tree's index.
  IndexOpenOptions Fresh;
  Fresh.Rebuild = true;
  Fresh.SourceRoot = SourceRoot;
  Fresh.BuildDir = Merged.buildDir();
  auto Out = Index::open(M.Output, Index::Mode::ReadWrite, Fresh);
  if (!Out)
    return fail(llvm::toString(Out.takeError()));
  llvm::StringMap<std::pair<std::string, TUState>> Taken;
  for (Input &In : Inputs) {
    llvm::Expected<llvm::StringMap<TUState>> States = In.I->tuStates();
    if (!States)
      return fail(llvm::toString(States.takeError()));
    for (auto &Entry : *States) {
      TUState &State = Entry.getValue();
      auto [It, New] = Taken.try_emplace(State.File, In.Path, State);
      if (!New) {
        const TUState &Had = It->second.second;
        if (Had.CommandHash != State.CommandHash || Had.StampHash != State.StampHash)
          return fail("'" + State.File + "' is in '" + It->second.first + "' and in '" +
                      In.Path + "', indexed from other commands or inputs");
        continue;
      }
      llvm::Expected<TUFacts> Facts = In.I->loadTUFacts(State.File);
      if (!Facts)
        return fail(llvm::toString(Facts.takeError()));
      if (llvm::Error E = (*Out)->storeTU(State, &*Facts))
        return fail(llvm::toString(std::move(E)));
    }
  }
  if (llvm::Error E = (*Out)->setComplete(true))
    return fail(llvm::toString(std::move(E)));
  if (llvm::Error E = (*Out)->recordPaths())
    return fail(llvm::toString(std::move(E)));
  // The summaries the per-TU front ends read, and the graph snapshot, once
  // for the whole tree.
  llvm::Expected<TreeCheck> R =
      checkTree(**Out, *Rules, PathMapper(SourceRoot), false, /*RefreshSummaries=*/true);
  if (!R)
    return fail(llvm::toString(R.takeError()));
  for (const std::string &W : R->Warnings)
    llvm::WithColor::warning(llvm::errs(), "kreach") << W << "\n";
  if (llvm::Error E = (*Out)->close())
    return fail(llvm::toString(std::move(E)));
  llvm::errs() << "kreach: merged " << Inputs.size() << " index"
               << (Inputs.size() == 1 ? "" : "es") << " (" << Taken.size() << " TUs) into '"
               << M.Output << "'\n";
  return ExitClean;
}

} // namespace kreach
