#!/usr/bin/env python3
"""Reduces kreach CLI or clang-tidy output to its findings, for comparison.

Each finding is its warning line and the notes after it, with paths made
relative to the source root. Source snippets, carets and summaries are
dropped, and findings are sorted, so the CLI (one pass over the tree) and
clang-tidy (one TU at a time) can be compared line by line.

Usage: findings.py ROOT OUTPUT_FILE
"""
import os
import re
import sys

DIAG = re.compile(r"^(?P<file>[^:\s][^:]*):(?P<line>\d+):(?P<col>\d+): "
                  r"(?P<kind>warning|note): (?P<msg>.*)$")


def main():
    root = os.path.realpath(sys.argv[1])
    findings = []
    with open(sys.argv[2]) as f:
        for raw in f:
            m = DIAG.match(raw.rstrip("\n"))
            if not m:
                continue
            path = m.group("file")
            if os.path.isabs(path):
                path = os.path.relpath(os.path.realpath(path), root)
            # A header as its include path spells it ("./include/...").
            path = os.path.normpath(path)
            msg = m.group("msg")
            # clang's own note on a macro call site, not one of kreach's.
            if msg.startswith("expanded from macro"):
                continue
            # clang-tidy tags only warnings; the CLI does the same.
            item = "%s:%s:%s: %s: %s" % (path, m.group("line"), m.group("col"),
                                         m.group("kind"), msg)
            if m.group("kind") == "warning":
                findings.append([item])
            elif findings:
                findings[-1].append(item)
    # clang-tidy reports each finding once per TU that sees it; keep one.
    unique = sorted({tuple(f) for f in findings})
    for f in unique:
        print("\n".join(f))
    print("findings: %d" % len(unique))


if __name__ == "__main__":
    main()
