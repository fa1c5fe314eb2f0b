//===- PathMapperTest.cpp - Paths relative to the source root ------------===//

#include "kreach/PathMapper.h"
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

TEST(PathMapperTest, LearnedSpellingsMapAsTheRealPath) {
  PathMapper P("/data/linux", "/data/obj");
  // The tree through a link: a directory below the root, as the compile DB
  // spells it, teaches the link's prefix.
  EXPECT_TRUE(P.learnSpelling("/home/a/linux/drivers/x", "/data/linux/drivers/x"));
  EXPECT_FALSE(P.learnSpelling("/home/a/linux/mm", "/data/linux/mm")); // Known now.
  EXPECT_EQ(P.stored("/home/a/linux/drivers/x/y.c"), "drivers/x/y.c");
  EXPECT_EQ(P.relative("/home/a/linux/mm/a.c"), "mm/a.c");
  EXPECT_TRUE(P.inside("/home/a/linux/mm/a.c"));
  EXPECT_EQ(P.portable("-I/home/a/linux/include"), P.portable("-I/data/linux/include"));
  // absolute() keeps the real spelling.
  EXPECT_EQ(P.absolute(P.stored("/home/a/linux/mm/a.c")), "/data/linux/mm/a.c");
  // The build directory through a link.
  EXPECT_TRUE(P.learnSpelling("/home/a/obj", "/data/obj"));
  EXPECT_EQ(P.stored("/home/a/obj/include/generated/autoconf.h"),
            "$(objtree)/include/generated/autoconf.h");
  EXPECT_EQ(P.portable("/home/a/obj"), "$(objtree)");
  // A link to one subdirectory spells nothing of the root, and neither does
  // a directory outside both or an empty spelling.
  EXPECT_FALSE(P.learnSpelling("/home/a/other/drivers", "/data/linux/drivers/x"));
  EXPECT_FALSE(P.learnSpelling("/mnt/stuff", "/srv/stuff"));
  EXPECT_FALSE(P.learnSpelling("", "/data/linux"));
  EXPECT_EQ(P.stored("/home/a/other/drivers/y.c"), "/home/a/other/drivers/y.c");
  // A sibling sharing the learned prefix is not under it.
  EXPECT_EQ(P.stored("/home/a/linux-next/mm/a.c"), "/home/a/linux-next/mm/a.c");
  // Spellings given at construction are learned the same way.
  PathMapper Q("/data/linux", "", {{"/home/a/linux", "/data/linux"}});
  EXPECT_EQ(Q.stored("/home/a/linux/mm/a.c"), "mm/a.c");
}
