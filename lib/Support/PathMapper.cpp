//===- PathMapper.cpp - Paths relative to the source root ----------------===//

#include "kreach/PathMapper.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace kreach {

static std::string withoutTrailingSeparators(std::string Dir) {
  while (Dir.size() > 1 && llvm::sys::path::is_separator(Dir.back()))
    Dir.pop_back();
  return Dir;
}

/// Whether Path is Dir or lies under it; Rest is what follows Dir's
/// separator.
static bool under(llvm::StringRef Path, llvm::StringRef Dir, llvm::StringRef &Rest) {
  if (Dir.empty() || !Path.consume_front(Dir))
    return false;
  if (Path.empty() || Dir == "/") {
    Rest = Path;
    return true;
  }
  if (!llvm::sys::path::is_separator(Path.front()))
    return false;
  Rest = Path.ltrim('/');
  return true;
}

PathMapper::PathMapper(std::string SourceRoot, std::string BuildDir,
                       const std::vector<PathSpelling> &Known)
    : Root(withoutTrailingSeparators(std::move(SourceRoot))),
      Build(withoutTrailingSeparators(std::move(BuildDir))) {
  if (Build == Root)
    Build.clear();
  sortPrefixes();
  for (const PathSpelling &S : Known)
    learnSpelling(S.Spelled, S.Real);
}

void PathMapper::sortPrefixes() {
  ByLength.clear();
  for (auto [Dir, Of] : {std::pair{llvm::StringRef(Root), Base::Root},
                         std::pair{llvm::StringRef(Build), Base::Build}})
    if (!Dir.empty() && Dir != "/")
      ByLength.push_back({Dir.str(), Of});
  for (const Spelling &S : Spellings)
    ByLength.push_back({S.Prefix, S.Of});
  llvm::stable_sort(ByLength, [](const Spelling &A, const Spelling &B) {
    return A.Prefix.size() > B.Prefix.size();
  });
}

PathMapper::Base PathMapper::locate(llvm::StringRef Path, llvm::StringRef &Rest) const {
  // A build directory inside the source tree is part of it: its files are
  // as portable as the sources. The same holds for their other spellings.
  for (Base Of : {Base::Root, Base::Build}) {
    if (under(Path, Of == Base::Root ? Root : Build, Rest))
      return Of;
    for (const Spelling &S : Spellings)
      if (S.Of == Of && under(Path, S.Prefix, Rest))
        return Of;
  }
  return Base::None;
}

bool PathMapper::inside(llvm::StringRef Path) const {
  llvm::StringRef Rest;
  return locate(Path, Rest) == Base::Root;
}

std::string PathMapper::relative(llvm::StringRef Path) const {
  llvm::StringRef Rest;
  if (locate(Path, Rest) != Base::Root)
    return Path.str();
  return Rest.str();
}

std::string PathMapper::stored(llvm::StringRef Path) const {
  llvm::StringRef Rest;
  switch (locate(Path, Rest)) {
  case Base::Root:
    return Rest.empty() ? "." : Rest.str();
  case Base::Build:
    return Rest.empty() ? ObjTreePrefix.str() : (ObjTreePrefix + "/" + Rest).str();
  case Base::None:
    break;
  }
  return Path.str();
}

bool PathMapper::addSpelling(llvm::StringRef Prefix, Base Of) {
  const std::string &Dir = Of == Base::Root ? Root : Build;
  if (Dir.empty() || Prefix.empty() || Prefix == "/" || Prefix == Dir)
    return false;
  for (const Spelling &S : Spellings)
    if (S.Prefix == Prefix)
      return false;
  // Only a prefix that is that very directory: a match of the text alone
  // (a link to one subdirectory, /x/drivers/net -> the tree's) would map
  // unrelated files under /x into the tree.
  llvm::SmallString<256> Resolved;
  if (llvm::sys::fs::real_path(Prefix, Resolved) || Resolved != Dir)
    return false;
  Spellings.push_back({Prefix.str(), Of});
  return true;
}

bool PathMapper::learnSpelling(llvm::StringRef Spelled, llvm::StringRef Real) {
  std::string SpelledDir = withoutTrailingSeparators(Spelled.str());
  std::string RealDir = withoutTrailingSeparators(Real.str());
  llvm::StringRef Rest;
  if (SpelledDir.empty() || locate(SpelledDir, Rest) != Base::None)
    return false;
  for (Base Of : {Base::Root, Base::Build}) {
    const std::string &Dir = Of == Base::Root ? Root : Build;
    if (Dir.empty() || !under(RealDir, Dir, Rest))
      continue;
    // Spelled must end with the same components below Dir.
    llvm::StringRef Prefix = SpelledDir;
    if (!Rest.empty()) {
      if (!Prefix.consume_back(Rest) || Prefix.empty() ||
          !llvm::sys::path::is_separator(Prefix.back()))
        continue;
      Prefix = Prefix.rtrim('/');
    }
    if (!addSpelling(Prefix, Of))
      continue;
    // The other directory, nested in this one or around it, is reached
    // through the same link: a DB that names only one of them spells both.
    Base OtherOf = Of == Base::Root ? Base::Build : Base::Root;
    const std::string &Other = OtherOf == Base::Root ? Root : Build;
    llvm::StringRef Below;
    if (!Other.empty() && under(Other, Dir, Below) && !Below.empty()) {
      addSpelling((Prefix + "/" + Below).str(), OtherOf);
    } else if (!Other.empty() && under(Dir, Other, Below) && !Below.empty()) {
      llvm::StringRef Around = Prefix;
      if (Around.consume_back(Below) && !Around.empty() &&
          llvm::sys::path::is_separator(Around.back()))
        addSpelling(Around.rtrim('/'), OtherOf);
    }
    Taught.push_back({SpelledDir, RealDir});
    sortPrefixes();
    return true;
  }
  return false;
}

std::string PathMapper::absolute(llvm::StringRef Stored) const {
  if (Stored.empty() || llvm::sys::path::is_absolute(Stored))
    return Stored.str();
  llvm::StringRef Rest = Stored;
  if (Rest.consume_front(ObjTreePrefix) && (Rest.empty() || Rest.front() == '/')) {
    if (Build.empty() && Root.empty())
      return Stored.str();
    llvm::SmallString<256> P(Build.empty() ? Root : Build);
    if (!Rest.empty())
      llvm::sys::path::append(P, Rest.drop_front());
    return std::string(P);
  }
  if (Root.empty())
    return Stored.str();
  if (Stored == ".")
    return Root;
  llvm::SmallString<256> P(Root);
  llvm::sys::path::append(P, Stored);
  return std::string(P);
}

std::string PathMapper::portable(llvm::StringRef Text) const {
  // The longer directory first (ByLength): a build directory inside the
  // root would otherwise be written as the root's subdirectory in one
  // command and as itself in another.
  std::string Out;
  Out.reserve(Text.size());
  size_t I = 0;
  while (I < Text.size()) {
    bool Replaced = false;
    // Where a path may start: the text, after a separator of an option's
    // value ("-Wp,-MMD,/x", "--sysroot=/x", "-fmacro-prefix-map=/a=/b"), or
    // right after an option's name ("-I/x"); not inside another path.
    llvm::StringRef Before = Text.take_front(I);
    bool MayStart = I == 0 || llvm::StringRef("=,:; \"'").contains(Text[I - 1]) ||
                    (Text.front() == '-' && !Before.contains('/'));
    if (MayStart)
      for (const Spelling &Dir : ByLength) {
        if (!Text.substr(I).starts_with(Dir.Prefix))
          continue;
        size_t End = I + Dir.Prefix.size();
        if (End != Text.size() && Text[End] != '/')
          continue;
        Out += Dir.Of == Base::Root ? llvm::StringRef("$(srctree)") : llvm::StringRef(ObjTreePrefix);
        I = End;
        Replaced = true;
        break;
      }
    if (!Replaced)
      Out += Text[I++];
  }
  return Out;
}

} // namespace kreach
