#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Write compile_commands.json for the minikernel tree (in-tree build).
# Usage: gen-compile-commands.sh [CC]
set -euo pipefail

dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)

cc=${1:-}
if [ -z "$cc" ]; then
	for c in clang-22 clang-19 clang; do
		if command -v "$c" >/dev/null 2>&1; then
			cc=$c
			break
		fi
	done
fi
if [ -z "$cc" ]; then
	echo "gen-compile-commands.sh: no clang found on PATH; pass CC" >&2
	exit 1
fi

cd "$dir"
# JSON is written by Python's encoder, with argument arrays, so a directory
# name with quotes, backslashes or spaces stays one well-formed string.
python3 - "$cc" <<'PY'
import json, os, sys
cc = sys.argv[1]
root = os.getcwd()
entries = []
for top in ("drivers", "mm", "kernel"):
    for d, dirs, files in os.walk(top):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(".c"):
                continue
            rel = os.path.join(d, name)
            entries.append({
                "directory": root,
                "file": os.path.join(root, rel),
                "arguments": [cc, "-nostdinc", "-I./include", "-D__KERNEL__", "-std=gnu11",
                              "-Wall", "-O2", "-c", "-o", rel[:-2] + ".o", rel],
            })
entries.sort(key=lambda e: e["file"])
tmp = "compile_commands.json.tmp.%d" % os.getpid()
with open(tmp, "w") as f:
    json.dump(entries, f, indent=2)
    f.write("\n")
os.replace(tmp, "compile_commands.json")
print("wrote " + os.path.join(root, "compile_commands.json"))
PY
