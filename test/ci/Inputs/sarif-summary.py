#!/usr/bin/env python3
"""sarif-summary.py LOG: checks the SARIF shape kreach promises and prints
one line per fact, in a stable order, for FileCheck."""
import json
import re
import sys

log = json.load(open(sys.argv[1]))
print("schema", log["$schema"], "version", log["version"])
assert len(log["runs"]) == 1
run = log["runs"][0]
driver = run["tool"]["driver"]
rules = driver["rules"]
print("tool", driver["name"], "version-set", bool(driver.get("version")),
      "rules", " ".join(r["id"] for r in rules))
for r in rules:
    print("rule", r["id"], r["name"], "level", r["defaultConfiguration"]["level"],
          "help-text", bool(r["help"]["text"]), "help-markdown", bool(r["help"]["markdown"]),
          "short", r["shortDescription"]["text"])
for name, base in sorted(run.get("originalUriBaseIds", {}).items()):
    uri = base["uri"]
    print("base", name, "file-uri", uri.startswith("file:///"), "slash", uri.endswith("/"))


def where(loc):
    phys = loc["physicalLocation"]
    art = phys["artifactLocation"]
    region = phys.get("region", {})
    return "%s%s:%s:%s" % ("" if art.get("uriBaseId") != "SRCROOT" else "$SRCROOT/",
                           art["uri"], region.get("startLine", "?"),
                           region.get("startColumn", "?"))


for res in sorted(run["results"], key=lambda r: where(r["locations"][0])):
    rule = rules[res["ruleIndex"]]["id"]
    assert rule == res["ruleId"]
    fp = res["partialFingerprints"]["kreachChain/v1"]
    assert re.fullmatch("[0-9a-f]+", fp), fp
    print("result", res["level"], res["ruleId"], "at", where(res["locations"][0]),
          "baseline", res.get("baselineState", "-"))
    print("  message", res["message"]["text"])
    for flow in res["codeFlows"]:
        for tf in flow["threadFlows"]:
            for step in tf["locations"]:
                print("  step", step["nestingLevel"], where(step["location"]),
                      step["location"]["message"]["text"])
    for rel in res.get("relatedLocations", []):
        print("  related", rel["id"], where(rel), rel["message"]["text"])
