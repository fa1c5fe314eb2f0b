#!/usr/bin/env python3
"""Checks the one set of mock kernel headers (docs/testing.md).

Usage: check-headers.py CLANG SHARED_INCLUDE TEST_ROOT

Every header of the shared set, and every suite-local header layered on it,
compiles on its own (-nostdinc, C11, the shared set and the layer's own
include directory as search path). A suite-local header must not have the
name of a shared one: a layer adds headers, it does not fork them. Prints
one line per problem and exits 1 if there was any.
"""
import os
import subprocess
import sys

clang, shared, test_root = sys.argv[1:4]
shared_linux = os.path.join(shared, "linux")
shared_names = set(n for n in os.listdir(shared_linux) if n.endswith(".h"))
problems = []


def compiles(name, includes):
    cmd = [clang, "-fsyntax-only", "-nostdinc", "-std=gnu11", "-Werror", "-x", "c", "-"]
    cmd += ["-I" + i for i in includes]
    p = subprocess.run(cmd, input="#include <linux/%s>\n" % name, universal_newlines=True,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return p.returncode == 0, p.stdout


for name in sorted(shared_names):
    ok, out = compiles(name, [shared])
    if not ok:
        problems.append("shared linux/%s does not compile on its own:\n%s" % (name, out))

layers = 0
for root, dirs, files in os.walk(test_root):
    dirs.sort()
    if os.path.basename(root) != "linux" or os.path.basename(os.path.dirname(root)) != "include":
        continue
    for name in sorted(f for f in files if f.endswith(".h")):
        rel = os.path.relpath(os.path.join(root, name), test_root)
        layers += 1
        if name in shared_names:
            problems.append("%s has the name of a shared header: add to examples/minikernel/include/linux/%s instead" % (rel, name))
            continue
        ok, out = compiles(name, [os.path.dirname(root), shared])
        if not ok:
            problems.append("%s does not compile on top of the shared set:\n%s" % (rel, out))

for p in problems:
    print(p)
print("%d shared headers, %d suite-local, %d problems" % (len(shared_names), layers, len(problems)))
sys.exit(1 if problems else 0)
