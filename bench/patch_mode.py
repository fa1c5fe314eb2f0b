#!/usr/bin/env python3
"""Patch mode against a full check and against parsing the touched TUs.

With a warm index of a kernel tree, for one changed driver file:
  kreach check --no-update           the whole tree's report from the index
  kreach check --changed-files LIST  patch mode: re-index the TUs that read the
                                     file, report the findings through it
  clang -fsyntax-only                the same touched TUs, the floor
A comment is appended to each file (a change of content that keeps its facts:
kreach judges freshness by content, so a new time alone would re-parse
nothing) and the file restored afterwards.

Usage: bench/patch_mode.py -p KERNEL_BUILD --kreach build/bin/kreach FILE [FILE...]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from index_cost import syntax_only_args  # noqa: E402


def timed(cmd, **kw):
    start = time.perf_counter()
    res = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)
    return time.perf_counter() - start, res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-p", required=True)
    ap.add_argument("--kreach", required=True)
    ap.add_argument("--llvm", default="22")
    ap.add_argument("--db", help="index file (default: kreach.db in -p)")
    ap.add_argument("files", nargs="+", help="changed files, relative to the source root")
    args = ap.parse_args()
    db = ["--db", args.db] if args.db else []
    clang = "/usr/lib/llvm-%s/bin/clang" % args.llvm
    cdb = json.load(open(os.path.join(args.p, "compile_commands.json")))
    root = os.path.realpath(os.path.join(args.p, "source")) if os.path.isdir(
        os.path.join(args.p, "source")) else os.path.realpath(args.p)

    full, _ = timed([args.kreach, "check", "-p", args.p, "--no-update", "--quiet"] + db)

    originals = {}
    try:
        for f in args.files:
            path = os.path.join(root, f)
            with open(path, "rb") as fh:
                originals[path] = fh.read()
            with open(path, "ab") as fh:
                fh.write(b"/* kreach bench */\n")
        listing = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)
        listing.write("\n".join(args.files) + "\n")
        listing.close()
        patch, res = timed([args.kreach, "check", "-p", args.p, "--changed-files",
                            listing.name, "--format=json", "-j", "1"] + db)
        os.unlink(listing.name)
    finally:
        for path, text in originals.items():
            with open(path, "wb") as fh:
                fh.write(text)

    # The floor: the TUs whose main file changed (headers would add their readers).
    touched = [e for e in cdb if os.path.relpath(os.path.realpath(e["file"]), root) in args.files]
    parse = 0.0
    for e in touched:
        dt, _ = timed(syntax_only_args(e, clang), cwd=e["directory"])
        parse += dt

    print("changed: %s (%d TUs compile it)" % (", ".join(args.files), len(touched)))
    print("%-40s %8.2f s" % ("kreach check, full tree, warm index", full))
    print("%-40s %8.2f s" % ("kreach check --changed-files", patch))
    print("%-40s %8.2f s" % ("clang -fsyntax-only, touched TUs", parse))
    if parse:
        print("patch mode / parse of touched TUs: %.2f" % (patch / parse))
    print(res.stderr.decode().strip().splitlines()[-1] if res.stderr else "")


if __name__ == "__main__":
    main()
