#!/usr/bin/env python3
"""Compares two kernel compile databases TU by TU: the commands a recording
build wrote (scripts/record-compile-commands.sh) against those of a real
build, for the TUs both hold.

Usage: compare-compile-commands.py RECORDED.json REAL.json
Each entry's file is taken relative to its tree (the entry's directory) and
its command split into arguments, so two trees at different paths compare.
Prints how many TUs are in both, how many have identical arguments, and the
first differences; exits 1 if any common TU differs.
"""
import json
import os
import shlex
import sys


def load(path):
    with open(path) as f:
        entries = json.load(f)
    out = {}
    for e in entries:
        directory = e["directory"]
        args = e.get("arguments") or shlex.split(e["command"])
        rel = os.path.relpath(os.path.join(directory, e["file"]), directory)
        # Absolute paths into the tree (rare in Kbuild's relative commands).
        args = [a.replace(directory.rstrip("/") + "/", "") for a in args]
        out[rel] = args
    return out


def main():
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    recorded, real = load(sys.argv[1]), load(sys.argv[2])
    common = sorted(set(recorded) & set(real))
    same = [f for f in common if recorded[f] == real[f]]
    print("recorded: %d TUs, real: %d TUs, in both: %d, identical arguments: %d"
          % (len(recorded), len(real), len(common), len(same)))
    only_real = sorted(set(real) - set(recorded))
    if only_real:
        print("in the real build only: %d (first: %s)" % (len(only_real), ", ".join(only_real[:5])))
    shown = 0
    for f in common:
        if recorded[f] == real[f] or shown >= 5:
            continue
        shown += 1
        a, b = recorded[f], real[f]
        print("differs: %s" % f)
        print("  recorded only: %s" % [x for x in a if x not in b][:8])
        print("  real only:     %s" % [x for x in b if x not in a][:8])
    return 0 if len(same) == len(common) else 1


if __name__ == "__main__":
    sys.exit(main())
