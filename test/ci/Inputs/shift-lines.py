#!/usr/bin/env python3
"""shift-lines.py FILE...: inserts three comment lines after the first line of
each file, moving every function without changing what it does."""
import sys

for path in sys.argv[1:]:
    with open(path) as f:
        lines = f.readlines()
    lines[1:1] = ["/* unrelated */\n"] * 3
    with open(path, "w") as f:
        f.writelines(lines)
