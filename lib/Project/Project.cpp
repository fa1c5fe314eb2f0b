//===- Project.cpp - Where a tree's pieces are, for every front end -------===//

#include "kreach/Project.h"
#include "kreach/Rules.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace kreach {

llvm::StringRef describe(RootOrigin O) {
  switch (O) {
  case RootOrigin::Override:
    return "the source-root option";
  case RootOrigin::Config:
    return "the configuration's source_root";
  case RootOrigin::Index:
    return "the index";
  case RootOrigin::SourceLink:
    return "the build directory's 'source' link";
  case RootOrigin::TUFiles:
    return "the TUs' files";
  case RootOrigin::CommandDirs:
    return "the compile commands' directories";
  case RootOrigin::BuildDir:
    return "the build directory";
  case RootOrigin::None:
    break;
  }
  return "nothing";
}

std::string realPathOr(llvm::StringRef Path) {
  llvm::SmallString<256> Real;
  if (llvm::sys::fs::real_path(Path, Real))
    return Path.str();
  return std::string(Real);
}

static bool isDir(llvm::StringRef Dir, llvm::StringRef Child1, llvm::StringRef Child2 = "") {
  llvm::SmallString<256> P(Dir);
  llvm::sys::path::append(P, Child1, Child2);
  return llvm::sys::fs::is_directory(P);
}

static std::string childPath(llvm::StringRef Dir, llvm::StringRef Child) {
  llvm::SmallString<256> P(Dir);
  llvm::sys::path::append(P, Child);
  return std::string(P);
}

static bool exists(llvm::StringRef Dir, llvm::StringRef Child) {
  return llvm::sys::fs::exists(childPath(Dir, Child));
}

/// Dir/.kreach.yaml when there is one, else empty.
static std::string configIn(llvm::StringRef Dir) {
  return exists(Dir, ConfigFileName) ? childPath(Dir, ConfigFileName) : std::string();
}

/// The kernel tree Dir's `source` link points to (Kbuild's O= builds), else
/// empty.
static std::string sourceLinkOf(llvm::StringRef Dir) {
  std::string Link = childPath(Dir, "source");
  return KernelRootFinder::isKernelRoot(Link, /*Strict=*/false) ? realPathOr(Link)
                                                                : std::string();
}

bool KernelRootFinder::isKernelRoot(llvm::StringRef Dir, bool Strict) {
  if (!isDir(Dir, "include", "linux"))
    return false;
  // A driver may carry an include/linux of its own (compat headers); the top
  // of a tree also has the build's entry points.
  return !Strict || exists(Dir, "Kbuild") || exists(Dir, "Kconfig") || exists(Dir, "Makefile");
}

std::string KernelRootFinder::rootOf(llvm::StringRef Dir) {
  auto It = Cache.find(Dir);
  if (It != Cache.end())
    return It->second;
  // Walk up once, remembering the nearest loose candidate; the nearest
  // strict one ends the walk.
  std::vector<std::string> Visited;
  size_t LooseAt = 0;
  std::string Loose, Strict;
  for (llvm::StringRef D = Dir; !D.empty(); D = llvm::sys::path::parent_path(D)) {
    Visited.push_back(D.str());
    if (isKernelRoot(D, /*Strict=*/true)) {
      Strict = D.str();
      break;
    }
    if (Loose.empty() && isKernelRoot(D, /*Strict=*/false)) {
      Loose = D.str();
      LooseAt = Visited.size();
    }
  }
  std::string Root = realPathOr(Strict.empty() ? Loose : Strict);
  if (Strict.empty() && Loose.empty())
    Root.clear();
  // Directories above a loose hit may have answers of their own.
  size_t Known = Strict.empty() && !Loose.empty() ? LooseAt : Visited.size();
  for (size_t K = 0; K < Known; ++K)
    Cache[Visited[K]] = Root;
  if (Strict.empty() && Loose.empty())
    for (const std::string &V : Visited)
      Cache[V] = "";
  return Root;
}

std::string majorityRoot(llvm::ArrayRef<std::string> Dirs, KernelRootFinder &Finder,
                         unsigned *Holding) {
  llvm::StringMap<unsigned> Votes;
  std::vector<std::string> Order;
  for (const std::string &D : Dirs) {
    std::string R = Finder.rootOf(D);
    if (R.empty())
      continue;
    if (Votes[R]++ == 0)
      Order.push_back(R);
  }
  std::string Best;
  unsigned BestVotes = 0;
  for (const std::string &R : Order)
    if (Votes[R] > BestVotes) {
      Best = R;
      BestVotes = Votes[R];
    }
  if (Holding)
    *Holding = BestVotes;
  return Best;
}

llvm::Expected<std::string> realDirectory(llvm::StringRef Path, llvm::StringRef What) {
  llvm::SmallString<256> Real;
  if (std::error_code EC = llvm::sys::fs::real_path(Path, Real))
    return llvm::createStringError(EC, What + " '" + Path + "' " +
                                           (EC == std::errc::no_such_file_or_directory
                                                ? std::string("does not exist")
                                                : "cannot be read: " + EC.message()));
  if (!llvm::sys::fs::is_directory(Real))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   What + " '" + Path + "' is not a directory");
  return std::string(Real);
}

llvm::Expected<std::string> configSourceRoot(llvm::StringRef ConfigFile) {
  llvm::Expected<RulesConfig> Config = loadConfigFile(ConfigFile);
  if (!Config)
    return Config.takeError();
  if (Config->SourceRoot.empty())
    return std::string();
  llvm::SmallString<256> Root(Config->SourceRoot);
  if (llvm::sys::path::is_relative(Root)) {
    Root = llvm::sys::path::parent_path(realPathOr(ConfigFile));
    llvm::sys::path::append(Root, Config->SourceRoot);
  }
  return realDirectory(Root, (ConfigFile + ": source_root").str());
}

static void noteRootFallback(ProjectPaths &P) {
  if (P.RootFrom == RootOrigin::BuildDir)
    P.Warnings.push_back("no kernel source root found (no directory with include/linux/ "
                         "above the TUs' files, no 'source' link in the build directory); "
                         "using the build directory '" +
                         P.SourceRoot +
                         "': files outside it keep absolute paths, which relative "
                         "allowed_paths never match; set the source root (--source-root, or the SourceRoot option)");
}

llvm::Expected<ProjectPaths>
discoverFromBuild(llvm::StringRef BuildPath, const ProjectOverrides &Overrides,
                  llvm::function_ref<std::vector<std::string>()> TUDirs,
                  llvm::function_ref<std::vector<std::string>()> CommandDirs) {
  ProjectPaths P;
  llvm::SmallString<256> DB(BuildPath);
  llvm::sys::fs::make_absolute(DB);
  llvm::sys::path::remove_dots(DB, /*remove_dot_dot=*/true);
  if (llvm::sys::fs::is_directory(DB))
    llvm::sys::path::append(DB, CompileDBFileName);
  if (!llvm::sys::fs::exists(DB))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "no compilation database at '" + DB.str() + "'");
  P.CompileDB = std::string(DB);
  // A linked database (the usual clangd set-up of an O= build) stands for the
  // build it points to: the index lives there.
  P.BuildDir = std::string(llvm::sys::path::parent_path(realPathOr(DB)));

  P.ConfigFile = !Overrides.ConfigFile.empty() ? Overrides.ConfigFile : configIn(P.BuildDir);

  if (!Overrides.SourceRoot.empty()) {
    llvm::Expected<std::string> R = realDirectory(Overrides.SourceRoot, "source root");
    if (!R)
      return R.takeError();
    P.SourceRoot = *R;
    P.RootFrom = RootOrigin::Override;
  }
  if (P.RootFrom == RootOrigin::None && !P.ConfigFile.empty()) {
    llvm::Expected<std::string> R = configSourceRoot(P.ConfigFile);
    if (!R)
      return R.takeError();
    if (!R->empty()) {
      P.SourceRoot = *R;
      P.RootFrom = RootOrigin::Config;
    }
  }
  if (P.RootFrom == RootOrigin::None) {
    P.SourceRoot = sourceLinkOf(P.BuildDir);
    if (!P.SourceRoot.empty())
      P.RootFrom = RootOrigin::SourceLink;
  }
  if (P.RootFrom == RootOrigin::None) {
    KernelRootFinder Finder;
    std::vector<std::string> Dirs = TUDirs();
    // TUs outside the root are reported where they matter: at findings.
    std::string R = majorityRoot(Dirs, Finder);
    if (!R.empty()) {
      P.SourceRoot = R;
      P.RootFrom = RootOrigin::TUFiles;
    } else {
      std::vector<std::string> Cmds = CommandDirs();
      for (std::string &D : Cmds) {
        // Kbuild runs commands in the object tree, which links the source.
        std::string Linked = sourceLinkOf(D);
        if (!Linked.empty())
          D = Linked;
      }
      R = majorityRoot(Cmds, Finder);
      if (!R.empty()) {
        P.SourceRoot = R;
        P.RootFrom = RootOrigin::CommandDirs;
      }
    }
  }
  if (P.RootFrom == RootOrigin::None) {
    P.SourceRoot = P.BuildDir;
    P.RootFrom = RootOrigin::BuildDir;
    noteRootFallback(P);
  }

  if (P.ConfigFile.empty())
    P.ConfigFile = configIn(P.SourceRoot);

  if (!Overrides.IndexFile.empty()) {
    llvm::SmallString<256> I(Overrides.IndexFile);
    llvm::sys::fs::make_absolute(I);
    P.IndexFile = std::string(I);
  } else {
    llvm::SmallString<256> I(P.BuildDir);
    llvm::sys::path::append(I, IndexFileName);
    P.IndexFile = std::string(I);
  }
  P.IndexSearched.push_back(P.IndexFile);
  P.IndexExists = llvm::sys::fs::exists(P.IndexFile);
  return P;
}

ProjectPaths discoverForTU(llvm::StringRef MainFile, llvm::StringRef BuildDir,
                           const ProjectOverrides &Overrides,
                           llvm::function_ref<std::string(llvm::StringRef)> IndexRoot) {
  ProjectPaths P;
  std::string MainDir = llvm::sys::path::parent_path(MainFile).str();

  // The compile DB: above the directory the command runs in (the object
  // tree), then above the file (a database linked into the source tree).
  std::vector<std::string> Starts;
  if (!BuildDir.empty())
    Starts.push_back(BuildDir.str());
  Starts.push_back(MainDir);
  for (const std::string &Start : Starts) {
    for (llvm::StringRef D = Start; !D.empty() && P.CompileDB.empty();
         D = llvm::sys::path::parent_path(D)) {
      llvm::SmallString<256> C(D);
      llvm::sys::path::append(C, CompileDBFileName);
      if (llvm::sys::fs::exists(C))
        P.CompileDB = std::string(C);
    }
    if (!P.CompileDB.empty())
      break;
  }
  if (!P.CompileDB.empty())
    P.BuildDir = llvm::sys::path::parent_path(realPathOr(P.CompileDB)).str();
  else
    P.BuildDir = BuildDir.empty() ? std::string() : realPathOr(BuildDir);

  if (!Overrides.IndexFile.empty()) {
    llvm::SmallString<256> I(Overrides.IndexFile);
    // A relative IndexFile is relative to the build directory, where the
    // command runs.
    if (llvm::sys::path::is_relative(I) && !BuildDir.empty() && !llvm::sys::fs::exists(I)) {
      I = BuildDir;
      llvm::sys::path::append(I, Overrides.IndexFile);
    }
    llvm::sys::fs::make_absolute(I);
    P.IndexFile = std::string(I);
    P.IndexSearched.push_back(P.IndexFile);
    P.IndexExists = llvm::sys::fs::exists(P.IndexFile);
  } else {
    // Next to the real compile DB first, then next to the link, then the
    // file's ancestors (an index kept in the source tree).
    std::vector<std::string> Candidates;
    auto Add = [&](llvm::StringRef Dir) {
      if (Dir.empty())
        return;
      llvm::SmallString<256> I(Dir);
      llvm::sys::path::append(I, IndexFileName);
      if (!llvm::is_contained(Candidates, std::string(I)))
        Candidates.push_back(std::string(I));
    };
    if (!P.CompileDB.empty()) {
      Add(P.BuildDir);
      Add(llvm::sys::path::parent_path(P.CompileDB));
    } else if (!BuildDir.empty()) {
      Add(BuildDir);
    }
    for (llvm::StringRef D = MainDir; !D.empty(); D = llvm::sys::path::parent_path(D))
      Add(D);
    for (const std::string &C : Candidates) {
      P.IndexSearched.push_back(C);
      if (llvm::sys::fs::is_regular_file(C)) {
        P.IndexFile = C;
        P.IndexExists = true;
        break;
      }
    }
    // Keep the list readable: the directories up to the root say it all.
    if (!P.IndexExists && P.IndexSearched.size() > 3)
      P.IndexSearched.resize(3);
  }

  if (!Overrides.ConfigFile.empty())
    P.ConfigFile = Overrides.ConfigFile;
  else if (!P.BuildDir.empty())
    P.ConfigFile = configIn(P.BuildDir);

  if (!Overrides.SourceRoot.empty()) {
    P.SourceRoot = realPathOr(Overrides.SourceRoot);
    P.RootFrom = RootOrigin::Override;
  }
  if (P.RootFrom == RootOrigin::None && !P.ConfigFile.empty()) {
    llvm::Expected<std::string> R = configSourceRoot(P.ConfigFile);
    if (R && !R->empty()) {
      P.SourceRoot = *R;
      P.RootFrom = RootOrigin::Config;
    } else if (!R) {
      llvm::consumeError(R.takeError()); // The policy loader reports it.
    }
  }
  if (P.RootFrom == RootOrigin::None && P.IndexExists) {
    std::string R = IndexRoot(P.IndexFile);
    // An index made at another checkout path (moved, or restored from a CI
    // cache) names a root this file is not under: discovery goes on.
    if (!R.empty() && llvm::sys::fs::is_directory(R) && PathMapper(R).inside(MainFile)) {
      P.SourceRoot = R;
      P.RootFrom = RootOrigin::Index;
    }
  }
  if (P.RootFrom == RootOrigin::None && !P.BuildDir.empty()) {
    P.SourceRoot = sourceLinkOf(P.BuildDir);
    if (!P.SourceRoot.empty())
      P.RootFrom = RootOrigin::SourceLink;
  }
  if (P.RootFrom == RootOrigin::None) {
    KernelRootFinder Finder;
    std::string R = Finder.rootOf(MainDir);
    if (R.empty() && !BuildDir.empty())
      R = Finder.rootOf(BuildDir);
    if (!R.empty()) {
      P.SourceRoot = R;
      P.RootFrom = RootOrigin::TUFiles;
    }
  }
  if (P.RootFrom == RootOrigin::None && !P.BuildDir.empty()) {
    P.SourceRoot = P.BuildDir;
    P.RootFrom = RootOrigin::BuildDir;
    noteRootFallback(P);
  }
  if (P.ConfigFile.empty() && !P.SourceRoot.empty())
    P.ConfigFile = configIn(P.SourceRoot);
  return P;
}

} // namespace kreach
