#!/usr/bin/env python3
"""Runs a checker as the kernel's `make C=1 CHECK=...` does, for every TU.

Usage: kbuild-check.py DIR [-j N] -- CHECKER...
DIR holds a compile_commands.json (test/Inputs/mkdb.py). Its commands are
first put in Kbuild's order (`$(CC) $(c_flags) -c -o OBJ SRC`, where c_flags
begins with -Wp,-MMD,...) and the database rewritten so; then, for each entry
and from its directory, with CC set as Kbuild exports it, runs
  CHECKER $(CHECKFLAGS) $(c_flags) SRC
with the CHECKFLAGS of an x86_64 Kbuild (sparse's own flags among them), N at
a time. Exits non-zero when any checker run does.
"""
import concurrent.futures
import json
import os
import shlex
import subprocess
import sys

CHECKFLAGS = ["-D__linux__", "-Dlinux", "-D__STDC__", "-Dunix", "-D__unix__", "-Wbitwise",
              "-Wno-return-void", "-Wno-unknown-attribute", "--arch=x86", "-mlittle-endian",
              "-m64", "-D__x86_64__"]

argv = sys.argv[1:]
sep = argv.index("--")
checker, opts = argv[sep + 1:], argv[:sep]
tree = opts[0]
jobs = int(opts[opts.index("-j") + 1]) if "-j" in opts else 1
db_path = os.path.join(tree, "compile_commands.json")
entries = json.load(open(db_path))
runs = []
for e in entries:
    args = shlex.split(e["command"])
    cc, rest = args[0], args[1:]
    dep = [a for a in rest if a.startswith("-Wp,-MMD,")]
    rest = dep + [a for a in rest if not a.startswith("-Wp,-MMD,")]
    e["command"] = " ".join([cc] + rest)
    src = rest[-1]
    c_flags, skip = [], False
    for a in rest[:-1]:
        if skip:
            skip = False
            continue
        if a == "-o":
            skip = True
            continue
        if a != "-c":
            c_flags.append(a)
    runs.append((e["directory"], cc, checker + CHECKFLAGS + c_flags + [src]))
with open(db_path, "w") as f:
    json.dump(entries, f, indent=1)


def run(item):
    directory, cc, cmd = item
    env = dict(os.environ, CC=cc)
    return subprocess.run(cmd, cwd=directory, env=env).returncode


with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
    codes = list(pool.map(run, runs))
sys.exit(max(codes) if codes else 0)
