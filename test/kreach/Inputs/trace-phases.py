"""Prints the distinct phase names of a Chrome trace JSON, sorted."""
import json
import sys

events = json.load(open(sys.argv[1]))["traceEvents"]
names = sorted({e["name"] for e in events if e.get("ph") == "X" and not e["name"].startswith("Total ")})
for name in names:
    print("phase:", name)
