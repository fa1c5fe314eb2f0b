"""Two kreach JSON reports agree on their findings and on what they counted,
all but the timings and how the graph was obtained."""
import json
import sys

a, b = (json.load(open(p)) for p in sys.argv[1:3])
for r in (a, b):
    for k in ("check_seconds", "index_seconds", "graph", "snapshot_write", "searches",
              "reverse_index", "splice_refused",
              "summary_rows"):
        r["stats"].pop(k, None)
if a != b:
    print(json.dumps(a, indent=1, sort_keys=True))
    print(json.dumps(b, indent=1, sort_keys=True))
    sys.exit("the reports differ")
