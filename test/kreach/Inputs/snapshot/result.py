"""Prints what a `kreach check --format=json` result says, for comparing two
checks: `graph` prints where the graph came from (stats.graph); `findings`
prints everything but timings, that, snapshot_write, how the searches and their
reverse index were obtained, tus_parsed, tus_from_build and summary_rows (what the
index held before), sorted."""
import json
import sys

what, path = sys.argv[1], sys.argv[2]
doc = json.load(open(path))
if what == "graph":
    print("graph: " + doc["stats"]["graph"])
else:
    for k in list(doc["stats"]):
        if "seconds" in k or k in ("graph", "snapshot_write", "searches", "reverse_index", "tus_parsed", "tus_from_build", "summary_rows"):
            del doc["stats"][k]
    print(json.dumps(doc, indent=1, sort_keys=True))
