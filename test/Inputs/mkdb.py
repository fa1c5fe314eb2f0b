#!/usr/bin/env python3
"""Writes a kernel-style compile_commands.json for every .c file under a tree.

Usage: mkdb.py TREE [--out DIR] [--extra FLAG...]
Entries look like the ones scripts/clang-tools/gen_compile_commands.py writes
for an in-tree build: the directory is the tree, paths in the command are
relative to it. With --out (an O= build) the database goes to DIR, the
directory is DIR, and the source paths are absolute.
"""
import argparse
import json
import os

ap = argparse.ArgumentParser()
ap.add_argument("tree")
ap.add_argument("--out")
ap.add_argument("--cc", default="clang")
ap.add_argument("--extra", action="append", default=[])
args = ap.parse_args()

tree = os.path.abspath(args.tree)
out = os.path.abspath(args.out) if args.out else tree
entries = []
for root, dirs, files in os.walk(tree):
    dirs.sort()
    for name in sorted(files):
        if not name.endswith(".c"):
            continue
        path = os.path.join(root, name)
        rel = os.path.relpath(path, tree)
        src = path if args.out else rel
        inc = os.path.join(tree, "include") if args.out else "./include"
        cmd = [args.cc, "-nostdinc", "-I" + inc, "-D__KERNEL__", "-Wp,-MMD," +
               os.path.splitext(rel)[0].replace("/", "_") + ".o.d", "-c", "-o",
               os.path.splitext(rel)[0] + ".o", src] + args.extra
        entries.append({"directory": out, "file": path, "command": " ".join(cmd)})
with open(os.path.join(out, "compile_commands.json"), "w") as f:
    json.dump(entries, f, indent=1)
