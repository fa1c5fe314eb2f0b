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
  for (const PathSpelling &S : Known)
    learnSpelling(S.Spelled, S.Real);
}

PathMapper::Base PathMapper::locate(llvm::StringRef Path, llvm::StringRef &Rest) const {
  // A build directory inside the source tree is part of it: its files are
  // as portable as the sources.
  if (under(Path, Root, Rest))
    return Base::Root;
  if (under(Path, Build, Rest))
    return Base::Build;
  for (const Spelling &S : Spellings)
    if (under(Path, S.Prefix, Rest))
      return S.Of;
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

bool PathMapper::learnSpelling(llvm::StringRef Spelled, llvm::StringRef Real) {
  std::string SpelledDir = withoutTrailingSeparators(Spelled.str());
  std::string RealDir = withoutTrailingSeparators(Real.str());
  llvm::StringRef Rest;
  if (SpelledDir.empty() || locate(SpelledDir, Rest) != Base::None)
    return false;
  for (auto [Dir, Of] : {std::pair{llvm::StringRef(Root), Base::Root},
                         std::pair{llvm::StringRef(Build), Base::Build}}) {
    if (!under(RealDir, Dir, Rest))
      continue;
    // Spelled must end with the same components below Dir: a link to a
    // subdirectory (drivers -> ../other/drivers) spells nothing of Dir.
    llvm::StringRef Prefix = SpelledDir;
    if (!Rest.empty()) {
      if (!Prefix.consume_back(Rest) || Prefix.empty() ||
          !llvm::sys::path::is_separator(Prefix.back()))
        continue;
      Prefix = Prefix.rtrim('/');
    }
    if (Prefix.empty() || Prefix == "/")
      continue;
    Spellings.push_back({Prefix.str(), Of});
    return true;
  }
  return false;
}

bool PathMapper::learnSpellingOf(llvm::StringRef Dir) {
  llvm::StringRef Rest;
  if (locate(Dir, Rest) != Base::None)
    return false;
  llvm::SmallString<256> Real;
  if (llvm::sys::fs::real_path(Dir, Real))
    return false;
  return learnSpelling(Dir, Real);
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
  // The longer directory first: a build directory inside the root would
  // otherwise be written as the root's subdirectory in one command and as
  // itself in another.
  std::vector<std::pair<llvm::StringRef, Base>> Dirs = {{Root, Base::Root}, {Build, Base::Build}};
  for (const Spelling &S : Spellings)
    Dirs.push_back({S.Prefix, S.Of});
  llvm::stable_sort(Dirs, [](const auto &A, const auto &B) { return A.first.size() > B.first.size(); });
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
      for (auto [Dir, Of] : Dirs) {
        if (Dir.empty() || Dir == "/" || !Text.substr(I).starts_with(Dir))
          continue;
        size_t End = I + Dir.size();
        if (End != Text.size() && Text[End] != '/')
          continue;
        Out += Of == Base::Root ? llvm::StringRef("$(srctree)") : llvm::StringRef(ObjTreePrefix);
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
