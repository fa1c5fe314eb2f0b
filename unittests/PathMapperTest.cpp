//===- PathMapperTest.cpp - Paths relative to the source root ------------===//

#include "kreach/PathMapper.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "gtest/gtest.h"

using namespace kreach;

TEST(PathMapperTest, StoredPathsAreRelativeToTheRootThenTheBuildDirectory) {
  PathMapper P("/src/linux/", "/build/out");
  EXPECT_EQ(P.stored("/src/linux/drivers/x/y.c"), "drivers/x/y.c");
  EXPECT_EQ(P.stored("/src/linux"), ".");
  EXPECT_EQ(P.stored("/build/out/include/generated/autoconf.h"),
            "$(objtree)/include/generated/autoconf.h");
  EXPECT_EQ(P.stored("/build/out"), "$(objtree)");
  // Outside both (the compiler's headers), and a sibling sharing a prefix.
  EXPECT_EQ(P.stored("/usr/lib/clang/22/include/stddef.h"), "/usr/lib/clang/22/include/stddef.h");
  EXPECT_EQ(P.stored("/src/linux-next/mm/a.c"), "/src/linux-next/mm/a.c");
}

TEST(PathMapperTest, AbsoluteInvertsStoredAtAnyRoot) {
  PathMapper Made("/home/a/linux", "/home/a/obj"), Moved("/ci/ws/linux", "/ci/ws/obj");
  for (const char *Path : {"/home/a/linux/mm/vmscan.c", "/home/a/linux",
                           "/home/a/obj/include/generated/bounds.h", "/usr/include/x.h"}) {
    EXPECT_EQ(Made.absolute(Made.stored(Path)), Path);
  }
  EXPECT_EQ(Moved.absolute(Made.stored("/home/a/linux/mm/vmscan.c")), "/ci/ws/linux/mm/vmscan.c");
  EXPECT_EQ(Moved.absolute(Made.stored("/home/a/obj/include/generated/bounds.h")),
            "/ci/ws/obj/include/generated/bounds.h");
  // An in-tree build: the build directory is the root.
  PathMapper InTree("/src", "/src");
  EXPECT_EQ(InTree.stored("/src/include/generated/autoconf.h"), "include/generated/autoconf.h");
  EXPECT_EQ(InTree.absolute("$(objtree)/x.h"), "/src/x.h");
  // Without a root nothing relative can be resolved: it stays as it is.
  EXPECT_EQ(PathMapper().absolute("mm/a.c"), "mm/a.c");
  EXPECT_EQ(PathMapper().stored("/src/mm/a.c"), "/src/mm/a.c");
}

TEST(PathMapperTest, PortableCommandsAreTheSameWhereverTheTreeIs) {
  PathMapper A("/home/a/linux"), B("/ci/ws/linux");
  for (auto [FromA, FromB] : {std::pair{"-I/home/a/linux/include", "-I/ci/ws/linux/include"},
                              {"-Wp,-MMD,/home/a/linux/mm/.a.o.d", "-Wp,-MMD,/ci/ws/linux/mm/.a.o.d"},
                              {"/home/a/linux/mm/a.c", "/ci/ws/linux/mm/a.c"},
                              {"-fmacro-prefix-map=/home/a/linux/=", "-fmacro-prefix-map=/ci/ws/linux/="},
                              {"/home/a/linux", "/ci/ws/linux"}})
    EXPECT_EQ(A.portable(FromA), B.portable(FromB)) << FromA;
  // Not a path of the tree: another directory that shares the prefix, the
  // root's name inside another path, an unrelated argument.
  EXPECT_EQ(A.portable("-I/home/a/linux-next/include"), "-I/home/a/linux-next/include");
  EXPECT_EQ(A.portable("/mnt/home/a/linux/x.c"), "/mnt/home/a/linux/x.c");
  EXPECT_EQ(A.portable("-O2"), "-O2");
  EXPECT_NE(A.portable("-I/home/a/linux/include"), A.portable("-I/home/a/linux/arch/include"));
}

/// A scratch directory holding real directories and links to them.
class SpellingTest : public ::testing::Test {
protected:
  void SetUp() override {
    llvm::SmallString<128> Dir;
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("kreach-spelling", Dir));
    llvm::SmallString<128> Real;
    ASSERT_FALSE(llvm::sys::fs::real_path(Dir, Real));
    Top = std::string(Real);
  }
  void TearDown() override { llvm::sys::fs::remove_directories(Top); }
  std::string at(llvm::StringRef Rel) const { return Top + "/" + Rel.str(); }
  void mkdir(llvm::StringRef Rel) const {
    ASSERT_FALSE(llvm::sys::fs::create_directories(at(Rel)));
  }
  void link(llvm::StringRef To, llvm::StringRef From) const {
    ASSERT_FALSE(llvm::sys::fs::create_link(at(To), at(From)));
  }
  std::string Top;
};

TEST_F(SpellingTest, LearnedSpellingsMapAsTheRealPath) {
  mkdir("data/linux/drivers/x");
  mkdir("data/linux/mm");
  mkdir("data/obj");
  mkdir("home/a");
  link("data/linux", "home/a/linux");
  link("data/obj", "home/a/obj");
  PathMapper P(at("data/linux"), at("data/obj"));
  // The tree through a link: a directory below the root, as the compile DB
  // spells it, teaches the link's prefix.
  EXPECT_TRUE(P.learnSpelling(at("home/a/linux/drivers/x"), at("data/linux/drivers/x")));
  EXPECT_FALSE(P.learnSpelling(at("home/a/linux/mm"), at("data/linux/mm"))); // Known now.
  EXPECT_EQ(P.stored(at("home/a/linux/drivers/x/y.c")), "drivers/x/y.c");
  EXPECT_EQ(P.relative(at("home/a/linux/mm/a.c")), "mm/a.c");
  EXPECT_TRUE(P.inside(at("home/a/linux/mm/a.c")));
  EXPECT_EQ(P.portable("-I" + at("home/a/linux/include")), P.portable("-I" + at("data/linux/include")));
  // absolute() keeps the real spelling.
  EXPECT_EQ(P.absolute(P.stored(at("home/a/linux/mm/a.c"))), at("data/linux/mm/a.c"));
  // The build directory through a link.
  EXPECT_TRUE(P.learnSpelling(at("home/a/obj"), at("data/obj")));
  EXPECT_EQ(P.stored(at("home/a/obj/include/generated/autoconf.h")),
            "$(objtree)/include/generated/autoconf.h");
  EXPECT_EQ(P.portable(at("home/a/obj")), "$(objtree)");
  // A sibling sharing the learned prefix is not under it.
  EXPECT_EQ(P.stored(at("home/a/linux-next/mm/a.c")), at("home/a/linux-next/mm/a.c"));
  // Spellings given at construction are learned the same way.
  PathMapper Q(at("data/linux"), "", {{at("home/a/linux"), at("data/linux")}});
  EXPECT_EQ(Q.stored(at("home/a/linux/mm/a.c")), "mm/a.c");
  EXPECT_EQ(Q.taught().size(), 1u);
}

TEST_F(SpellingTest, OnlyAPrefixThatIsTheDirectoryIsASpelling) {
  mkdir("data/linux/drivers/net");
  mkdir("x");
  // /x/drivers/net links to the tree's drivers/net: its text ends as the
  // real path does, but /x is not the tree.
  mkdir("x/drivers");
  link("data/linux/drivers/net", "x/drivers/net");
  PathMapper P(at("data/linux"));
  EXPECT_FALSE(P.learnSpelling(at("x/drivers/net"), at("data/linux/drivers/net")));
  EXPECT_EQ(P.stored(at("x/other.c")), at("x/other.c"));
  // Nor a directory outside both, nor an empty spelling.
  EXPECT_FALSE(P.learnSpelling(at("x"), at("x")));
  EXPECT_FALSE(P.learnSpelling("", at("data/linux")));
}

TEST_F(SpellingTest, NestedDirectoriesAreSpelledThroughTheSameLink) {
  // The root inside the build directory's tree: a workspace linked into place.
  mkdir("ws/linux/mm");
  mkdir("home/ci");
  link("ws", "home/ci/ws");
  PathMapper Around(at("ws/linux"), at("ws"));
  EXPECT_TRUE(Around.learnSpelling(at("home/ci/ws"), at("ws")));
  EXPECT_EQ(Around.stored(at("home/ci/ws/linux/mm/a.c")), "mm/a.c");
  EXPECT_EQ(Around.portable("-I" + at("home/ci/ws/linux/include")), "-I$(srctree)/include");
  EXPECT_EQ(Around.stored(at("home/ci/ws/gen.h")), "$(objtree)/gen.h");
  // make O=out inside the tree, the tree reached through a link.
  mkdir("src/linux/out/include/generated");
  link("src/linux", "home/ci/linux");
  PathMapper Inside(at("src/linux"), at("src/linux/out"));
  EXPECT_TRUE(Inside.learnSpelling(at("home/ci/linux/out"), at("src/linux/out")));
  EXPECT_EQ(Inside.portable("-I" + at("home/ci/linux/out/include/generated")),
            Inside.portable("-I" + at("src/linux/out/include/generated")));
  EXPECT_EQ(Inside.stored(at("home/ci/linux/out/include/generated/x.h")),
            Inside.stored(at("src/linux/out/include/generated/x.h")));
}
