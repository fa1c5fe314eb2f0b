//===- PathMapper.cpp - Paths relative to the source root ----------------===//

#include "kreach/PathMapper.h"

#include "llvm/ADT/SmallString.h"
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

PathMapper::PathMapper(std::string SourceRoot, std::string BuildDir)
    : Root(withoutTrailingSeparators(std::move(SourceRoot))),
      Build(withoutTrailingSeparators(std::move(BuildDir))) {
  if (Build == Root)
    Build.clear();
}

bool PathMapper::inside(llvm::StringRef Path) const {
  llvm::StringRef Rest;
  return under(Path, Root, Rest);
}

std::string PathMapper::relative(llvm::StringRef Path) const {
  llvm::StringRef Rest;
  if (!under(Path, Root, Rest))
    return Path.str();
  return Rest.str();
}

std::string PathMapper::stored(llvm::StringRef Path) const {
  llvm::StringRef Rest;
  // A build directory inside the source tree is part of it: its files are
  // as portable as the sources.
  if (under(Path, Root, Rest))
    return Rest.empty() ? "." : Rest.str();
  if (under(Path, Build, Rest))
    return Rest.empty() ? ObjTreePrefix.str() : (ObjTreePrefix + "/" + Rest).str();
  return Path.str();
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
  llvm::StringRef First = Root, Second = Build;
  if (Second.size() > First.size())
    std::swap(First, Second);
  auto Placeholder = [&](llvm::StringRef Dir) {
    return Dir == Root ? llvm::StringRef("$(srctree)") : llvm::StringRef(ObjTreePrefix);
  };
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
      for (llvm::StringRef Dir : {First, Second}) {
        if (Dir.empty() || Dir == "/" || !Text.substr(I).starts_with(Dir))
          continue;
        size_t End = I + Dir.size();
        if (End != Text.size() && Text[End] != '/')
          continue;
        Out += Placeholder(Dir);
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
