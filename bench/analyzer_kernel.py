#!/usr/bin/env python3
"""Run the Clang Static Analyzer on a kernel's mmu notifier TUs, with and
without kreach's linuxkernel.MmuNotifierDmaFenceWait checker, and time it.

For each TU the exact compile command is taken from compile_commands.json,
`-Wp,-MMD,...` and `-c -o X.o` are dropped, and the analyzer is run in the
command's directory, one run at a time, in these configurations:

  core      --analyze --analyzer-no-default-checks -analyzer-checker=core
  kreach    core + the plugin, no index (none is found above the sources)
  kreach-ix core + the plugin, IndexFile=<index> (only with --index)

Wall clock and child CPU time (user+sys) are recorded per run; the
analyzer's text output (-analyzer-output=text) is saved per run so the
warnings and their notes can be read. Results go to <out>/results.json.

  bench/analyzer_kernel.py -p /work/kernel/partial/compile_commands.json \
      --plugin build/lib/KreachAnalyzer.so [--index kreach.db] -o out/ FILE...

FILE is a source path relative to the kernel tree (as in the DB's "file" or
relative to its "directory").
"""
import argparse
import json
import os
import re
import resource
import shlex
import subprocess
import sys
import time

CHECKER = "linuxkernel.MmuNotifierDmaFenceWait"


def load_db(path):
    entries = {}
    for e in json.load(open(path)):
        full = os.path.normpath(os.path.join(e["directory"], e["file"]))
        entries[full] = e
    return entries


def base_args(entry):
    args = entry.get("arguments") or shlex.split(entry["command"])
    out = []
    skip = False
    for i, a in enumerate(args):
        if skip:
            skip = False
            continue
        if a.startswith("-Wp,-MMD") or a.startswith("-Wp,-MD"):
            continue
        if a == "-c":
            continue
        if a == "-o":
            skip = True
            continue
        out.append(a)
    return out


def run(cmd, cwd, log):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    with open(log, "w") as f:
        p = subprocess.run(cmd, cwd=cwd, stdout=f, stderr=subprocess.STDOUT)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return p.returncode, wall, cpu


WARN_RE = re.compile(r"^(\S+?):(\d+):(\d+): warning: (.*?)( \[(\S+)\])?$")


def kreach_warnings(log):
    """The checker's warnings with the notes that follow each."""
    found = []
    cur = None
    for line in open(log, errors="replace"):
        line = line.rstrip("\n")
        m = WARN_RE.match(line)
        if m:
            cur = None
            if m.group(6) == CHECKER or "kreach" in m.group(4):
                cur = {"file": m.group(1), "line": int(m.group(2)), "message": m.group(4),
                       "notes": []}
                found.append(cur)
            continue
        if cur is not None and ": note: " in line:
            cur["notes"].append(line)
        elif cur is not None and re.match(r"^\S+:\d+:\d+: (warning|error)", line):
            cur = None
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-p", "--db", required=True)
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--index")
    ap.add_argument("--clang", default="clang-22")
    ap.add_argument("--configs", default="core,kreach,kreach-ix")
    ap.add_argument("-o", "--out", required=True)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    db = load_db(a.db)
    plugin = os.path.abspath(a.plugin)
    res_path = os.path.join(a.out, "results.json")
    results = json.load(open(res_path)) if os.path.exists(res_path) else {}
    configs = a.configs.split(",")
    for rel in a.files:
        entry = next((e for full, e in db.items() if full.endswith("/" + rel)), None)
        if entry is None:
            print(f"{rel}: not in the compile DB", flush=True)
            results[rel] = {"in_db": False}
            continue
        args = base_args(entry)
        clang = [a.clang] + args[1:]
        common = ["--analyze", "--analyzer-no-default-checks", "-Xclang",
                  "-analyzer-checker=core", "-Xclang", "-analyzer-output=text",
                  "-o", "/dev/null"]
        load = ["-Xclang", "-load", "-Xclang", plugin, "-Xclang",
                f"-analyzer-checker={CHECKER}"]
        variants = {
            "core": common,
            "kreach": common + load,
        }
        if a.index:
            variants["kreach-ix"] = common + load + [
                "-Xclang", "-analyzer-config", "-Xclang",
                f"{CHECKER}:IndexFile={os.path.abspath(a.index)}"]
        r = results.setdefault(rel, {"in_db": True})
        for name in configs:
            if name not in variants:
                continue
            log = os.path.join(a.out, rel.replace("/", "__") + f".{name}.log")
            cmd = ["nice", "-n", "10"] + clang + variants[name]
            rc, wall, cpu = run(cmd, entry["directory"], log)
            w = kreach_warnings(log)
            r[name] = {"rc": rc, "wall": round(wall, 2), "cpu": round(cpu, 2),
                       "kreach_warnings": w, "log": log}
            print(f"{rel} {name}: rc={rc} wall={wall:.1f}s cpu={cpu:.1f}s "
                  f"kreach warnings={len(w)}", flush=True)
            json.dump(results, open(res_path, "w"), indent=1)
    json.dump(results, open(res_path, "w"), indent=1)


if __name__ == "__main__":
    sys.exit(main())
