#!/usr/bin/env python3
"""Runs every command of a compile_commands.json in its directory, as a build
would (for trees whose objects the tests need: the facts plugin's).

Usage: build.py DIR [--launcher PROGRAM] [--only FILE_SUFFIX] [--extra FLAG...]
--launcher runs each command under PROGRAM (ccache); --only builds the
entries whose file ends with the suffix; --extra appends flags to those
commands only (not to the database).
"""
import argparse
import json
import os
import shlex
import subprocess
import sys

ap = argparse.ArgumentParser()
ap.add_argument("dir")
ap.add_argument("--launcher")
ap.add_argument("--only")
ap.add_argument("--extra", action="append", default=[])
args = ap.parse_args()
with open(os.path.join(args.dir, "compile_commands.json")) as f:
    entries = json.load(f)
for e in entries:
    if args.only and not e["file"].endswith(args.only):
        continue
    argv = e["arguments"] if "arguments" in e else shlex.split(e["command"])
    argv = argv + args.extra
    if args.launcher:
        argv = [args.launcher] + argv
    r = subprocess.run(argv, cwd=e["directory"])
    if r.returncode:
        sys.exit("build.py: %s failed" % e["file"])
