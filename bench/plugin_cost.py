#!/usr/bin/env python3
"""What the facts plugin adds to a build: the same compile commands run with
and without KreachFacts.so, side by side.

For a sample of TUs from a compile_commands.json (a kernel's, or any C
tree's), each TU's own compile command (to an object in a temporary
directory, dependency files there too) runs once plain and once with
`-fplugin=KreachFacts.so -fpass-plugin=KreachFacts.so`, one process at a time
(-j1), the two alternating TU by TU and round by round so that a noisy
machine slows both alike. Each variant's best round per TU counts. Prints
the total CPU time (user + system of the compiler processes) of each, the
ratio, the median of the per-TU ratios and the objects' facts sizes, and as
its last line `plugin_over_plain=R`. The goal (docs/build-facts.md) is
R <= 1.03.

Usage: bench/plugin_cost.py -p BUILD_DIR --plugin build/lib/KreachFacts.so
         [--sample 40] [--rounds 3] [--seed 1] [--clang clang-22]
"""
import argparse
import json
import os
import random
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile


def compile_args(entry, clang, out_dir, index):
    """The entry's own command, its outputs moved to out_dir, the plugin's
    flags (if the DB was written by a plugin build) left out."""
    args = entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
    out = [clang or args[0]]
    skip = False
    obj = os.path.join(out_dir, "%d.o" % index)
    for a in args[1:]:
        if skip:
            skip = False
            continue
        if a == "-o":
            skip = True
            continue
        if a.startswith("-fplugin=") or a.startswith("-fpass-plugin="):
            continue
        if a.startswith("-Wp,-MMD,") or a.startswith("-Wp,-MD,"):
            a = ",".join(a.split(",")[:2]) + "," + os.path.join(out_dir, "%d.d" % index)
        out.append(a)
    return out + ["-o", obj], obj


def cpu_run(argv, cwd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, r.returncode


def facts_size(obj):
    r = subprocess.run(["readelf", "-S", "-W", obj], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, universal_newlines=True)
    for line in r.stdout.splitlines():
        if ".kreach.facts" in line:
            fields = line.split(".kreach.facts", 1)[1].split()
            return int(fields[3], 16)
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-p", required=True, help="directory with compile_commands.json")
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--sample", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--clang", help="compiler to run (default: each command's own)")
    args = ap.parse_args()
    plugin = os.path.abspath(args.plugin)
    with open(os.path.join(args.p, "compile_commands.json")) as f:
        entries = [e for e in json.load(f) if e["file"].endswith(".c")]
    random.Random(args.seed).shuffle(entries)
    flags = ["-fplugin=" + plugin, "-fpass-plugin=" + plugin]
    plain_best, plugin_best, sizes = {}, {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        chosen = []
        for e in entries:
            if len(chosen) == args.sample:
                break
            argv, obj = compile_args(e, args.clang, tmp, len(chosen))
            # Only TUs that compile here: a sample of the build, not of its
            # failures.
            if cpu_run(argv, e["directory"])[1] == 0:
                chosen.append((e, argv, obj))
        if not chosen:
            sys.exit("plugin_cost.py: no TU of the database compiles here")
        for rnd in range(args.rounds):
            for i, (e, argv, obj) in enumerate(chosen):
                order = [False, True] if (rnd + i) % 2 == 0 else [True, False]
                for with_plugin in order:
                    cpu, rc = cpu_run(argv + flags if with_plugin else argv, e["directory"])
                    if rc:
                        sys.exit("plugin_cost.py: %s failed%s" %
                                 (e["file"], " with the plugin" if with_plugin else ""))
                    best = plugin_best if with_plugin else plain_best
                    best[i] = min(best.get(i, cpu), cpu)
                    if with_plugin:
                        sizes[i] = facts_size(obj)
    plain, with_p = sum(plain_best.values()), sum(plugin_best.values())
    ratios = [plugin_best[i] / plain_best[i] for i in plain_best if plain_best[i] > 0]
    print("TUs: %d, rounds: %d (best round per TU and variant, CPU seconds)" %
          (len(chosen), args.rounds))
    print("plain compile:       %8.2f s" % plain)
    print("with KreachFacts.so: %8.2f s" % with_p)
    print("median per-TU ratio: %8.3f" % statistics.median(ratios))
    print("facts per object:    %8.1f KiB mean, %.1f KiB largest" %
          (statistics.mean(sizes.values()) / 1024, max(sizes.values()) / 1024))
    print("plugin_over_plain=%.3f" % (with_p / plain))


if __name__ == "__main__":
    main()
