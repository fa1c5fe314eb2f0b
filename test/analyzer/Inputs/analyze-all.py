#!/usr/bin/env python3
"""Runs the kreach analyzer checker on every TU of a compile
database, from the TU's directory as a build would.

Usage: analyze-all.py CLANG PLUGIN BUILD_DIR
Prints the analyzer's combined output and a last line "reports: N" counting
the reachability rules' warnings ("... can reach ..."); exits non-zero if clang failed.
"""
import json
import os
import re
import subprocess
import sys


def main():
    clang, plugin, build = sys.argv[1:4]
    with open(os.path.join(build, "compile_commands.json")) as f:
        entries = json.load(f)
    reports = 0
    status = 0
    seen = set()
    for e in sorted(entries, key=lambda e: e["file"]):
        if e["file"] in seen:
            continue
        seen.add(e["file"])
        includes = [a for a in e.get("arguments", []) if a.startswith("-I")]
        if not includes and "command" in e:
            includes = [a for a in e["command"].split() if a.startswith("-I")]
        cmd = [clang, "-cc1", "-triple", "x86_64-unknown-linux-gnu", "-analyze",
               "-load", plugin, "-analyzer-checker=linuxkernel.MmuNotifierDmaFenceWait",
               "-analyzer-output=text", "-nostdsysteminc", "-nobuiltininc"] + includes + [e["file"]]
        r = subprocess.run(cmd, cwd=e["directory"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True)
        sys.stdout.write(r.stdout)
        status |= r.returncode
        reports += len(re.findall(r"warning: [^\n]* can reach", r.stdout))
    print("reports: %d" % reports)
    return status


if __name__ == "__main__":
    sys.exit(main())
