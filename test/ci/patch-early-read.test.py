"""Says which reads ahead of the graph snapshot a kreach --time-trace shows:
their number, and whether each began before the project was loaded."""
import json
import sys

events = [e for e in json.load(open(sys.argv[1]))["traceEvents"] if e.get("ph") == "X"]
reads = [e.get("args", {}).get("detail", "") or "begun once the index was open"
         for e in events if e["name"] == "read graph snapshot (ahead)"]
print("%d read(s) ahead: %s" % (len(reads), "; ".join(reads)))
