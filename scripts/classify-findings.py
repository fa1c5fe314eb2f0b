#!/usr/bin/env python3
"""Group a kreach JSON report's findings by the hop on which their chain
enters a directory (drivers/gpu by default): the call that leaves the rest
of the tree, with the field it goes through when it is a call through one.

Findings whose chains enter the directory on the same hop share a cause,
so reading one chain per group explains the group (docs/whole-kernel.md).

Usage: scripts/classify-findings.py REPORT.json [--into drivers/gpu/]
           [--rule NAME]... [--examples N]
"""
import argparse
import collections
import json
import sys


def entry_hop(chain, into):
    """The hop whose callee's body lies under `into`: the next hop's call is
    in the callee, and the last hop's callee is the sink itself."""
    for i, hop in enumerate(chain):
        if hop["file"].startswith(into):
            return None  # The chain starts inside the directory.
        if i + 1 < len(chain) and chain[i + 1]["file"].startswith(into):
            return hop
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("--into", default="drivers/gpu/")
    ap.add_argument("--rule", action="append", default=[],
                    help="only this rule's findings (repeatable)")
    ap.add_argument("--examples", type=int, default=2)
    args = ap.parse_args()
    try:
        with open(args.report) as f:
            report = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit("classify-findings: cannot read %s: %s" % (args.report, e))
    groups = collections.OrderedDict()
    for finding in report.get("findings", []):
        if finding.get("allowed"):
            continue
        if args.rule and finding.get("rule") not in args.rule:
            continue
        hop = entry_hop(finding.get("chain", []), args.into)
        if hop is None:
            key = "(does not enter %s)" % args.into
        elif hop.get("indirect"):
            key = "%s -> %s through %s" % (hop["caller"], hop["callee"], hop["indirect"])
        else:
            key = "%s -> %s" % (hop["caller"], hop["callee"])
        groups.setdefault(key, []).append(finding)
    total = sum(len(v) for v in groups.values())
    print("%d findings, %d entry hops" % (total, len(groups)))
    for key, found in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        print("%4d  %s" % (len(found), key))
        for finding in found[:args.examples]:
            chain = finding.get("chain", [])
            root = chain[0]["caller"] if chain else "?"
            print("        %s (%s, %d hops)" % (root, finding.get("rule"), len(chain)))


if __name__ == "__main__":
    main()
