#!/usr/bin/env python3
"""Index cost of kreach against the floors an AST tool can reach.

On the same sample of TUs from a kernel compile_commands.json, one thread each,
side by side:

  clang -fsyntax-only      every TU, one clang process per TU (as a build runs)
  clang-tidy (trivial)     one upstream check that does almost nothing: the real
                           floor for an AST tool (it skips clang's CFG warnings)
  kreach index -j 1        a fresh index of the same TUs
  clang-tidy + kreach      the linuxkernel-mmu-notifier-dma-fence-wait check
                           (only with --tidy-plugin)

and prints each as a ratio of the floors. With --full-db it also times
`kreach check --no-update` on a whole existing index and prints its size.

Each command runs once per round, the rounds interleaved (a noisy machine slows
every command alike), and each command's best round is what it costs.
--baseline-kreach indexes the same sample with another kreach build in the
same rounds (say, the commit before a change to the facts).

Usage: bench/index_cost.py -p KERNEL_BUILD --kreach build/bin/kreach
         [--sample 40] [--rounds 3] [--llvm 22] [--tidy-plugin build/lib/KreachTidy.so]
         [--baseline-kreach OLD/bin/kreach] [--full-db KREACH_DB]
"""
import argparse
import json
import os
import random
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

TRIVIAL_CHECK = "-*,misc-definitions-in-headers"
# A C++-only check registers no matcher on C files: clang-tidy with no check
# at work (clang-tidy refuses to run with none enabled at all).
NO_CHECK = "-*,modernize-use-override"
# Upstream's own kernel check: what one real AST-matcher check costs on C.
UPSTREAM_KERNEL_CHECK = "-*,linuxkernel-must-check-errs"


def timed(cmd, **kw):
    start = time.perf_counter()
    res = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - start, res.returncode


def syntax_only_args(entry, clang):
    args = entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
    out = [clang]
    skip = False
    for a in args[1:]:
        if skip:
            skip = False
            continue
        if a == "-o":
            skip = True
            continue
        if a == "-c" or a.startswith("-Wp,-MMD") or a.startswith("-Wp,-MD"):
            continue
        out.append(a)
    return out + ["-fsyntax-only"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-p", required=True, help="directory with compile_commands.json")
    ap.add_argument("--kreach", required=True)
    ap.add_argument("--sample", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--llvm", default="22")
    ap.add_argument("--tidy-plugin")
    ap.add_argument("--full-db", help="an existing kreach.db of the whole tree")
    ap.add_argument("--rounds", type=int, default=3,
                    help="interleaved rounds; each command's best round counts")
    ap.add_argument("--baseline-kreach",
                    help="another kreach build to index the same sample beside this one")
    args = ap.parse_args()

    bindir = "/usr/lib/llvm-%s/bin" % args.llvm
    clang, tidy = os.path.join(bindir, "clang"), os.path.join(bindir, "clang-tidy")
    db = json.load(open(os.path.join(args.p, "compile_commands.json")))
    db = [e for e in db if e["file"].endswith(".c")]
    random.Random(args.seed).shuffle(db)
    sample = sorted(db[: args.sample], key=lambda e: e["file"])
    work = tempfile.mkdtemp(prefix="kreach-bench-")
    with open(os.path.join(work, "compile_commands.json"), "w") as f:
        json.dump(sample, f)
    src = os.path.join(args.p, "source")
    if os.path.isdir(src):
        os.symlink(os.path.realpath(src), os.path.join(work, "source"))
    files = [e["file"] for e in sample]

    # The commands of one round, each timed as a whole; rounds interleave
    # them so that a noisy machine slows every command alike, and each
    # command's best round is what it costs.
    def syntax_only():
        t = 0.0
        for e in sample:
            dt, _ = timed(syntax_only_args(e, clang), cwd=e["directory"])
            t += dt
        return t

    def run(cmd):
        def go():
            dt, rc = timed(cmd)
            if rc != 0 and cmd[0] == args.kreach:
                print("kreach index failed (%d)" % rc, file=sys.stderr)
            return dt
        return go

    commands = [("clang -fsyntax-only", syntax_only),
                ("clang-tidy, one trivial check",
                 run([tidy, "-p", work, "-checks=" + TRIVIAL_CHECK, "--quiet"] + files)),
                ("kreach index -j 1",
                 run([args.kreach, "index", "-p", work, "-j", "1", "--rebuild", "--quiet"]))]
    if args.baseline_kreach:
        base = tempfile.mkdtemp(prefix="kreach-bench-base-")
        shutil.copy(os.path.join(work, "compile_commands.json"), base)
        if os.path.isdir(src):
            os.symlink(os.path.realpath(src), os.path.join(base, "source"))
        commands.append(("kreach index -j 1, baseline build",
                         run([args.baseline_kreach, "index", "-p", base, "-j", "1",
                              "--rebuild", "--quiet"])))
    if args.tidy_plugin:
        check = "linuxkernel-mmu-notifier-dma-fence-wait"
        # The sample's own fresh index: cross-TU lookups, as in a real run.
        index = os.path.join(work, "kreach.db")
        commands += [
            ("clang-tidy, no check at work",
             run([tidy, "-p", work, "-checks=" + NO_CHECK, "--quiet"] + files)),
            ("clang-tidy, linuxkernel-must-check-errs",
             run([tidy, "-p", work, "-checks=" + UPSTREAM_KERNEL_CHECK, "--quiet"] + files)),
            ("clang-tidy, kreach check + index",
             run([tidy, "--load=" + args.tidy_plugin, "-p", work, "--quiet",
                  "-checks=-*," + check,
                  "-config={CheckOptions: {%s.IndexFile: '%s'}}" % (check, index)] + files))]
    best = {}
    for _ in range(args.rounds):
        for name, go in commands:
            dt = go()
            best[name] = min(best.get(name, dt), dt)
    rows = [(name, best[name]) for name, _ in commands]

    syntax, floor = rows[0][1], rows[1][1]
    print("%d TUs from %s, one thread each, best of %d interleaved rounds"
          % (len(sample), args.p, args.rounds))
    nocheck = dict(rows).get("clang-tidy, no check at work")
    print("%-34s %8s %11s %12s %10s" % ("", "seconds", "/ -fsyntax", "/ tidy floor",
                                        "/ no check" if nocheck else ""))
    for name, secs in rows:
        print("%-34s %8.2f %11.2f %12.2f %10s" % (
            name, secs, secs / syntax, secs / floor,
            "%.2f" % (secs / nocheck) if nocheck else ""))
    size = os.path.getsize(os.path.join(work, "kreach.db"))
    print("index of the sample: %.1f MiB" % (size / 2**20))
    if args.full_db:
        dbdir = os.path.dirname(os.path.abspath(args.full_db))
        dt, rc = timed([args.kreach, "check", "-p", dbdir, "--db", args.full_db,
                        "--no-update", "--quiet", "--all"])
        print("kreach check on the whole index: %.2f s (exit %d), index %.1f MiB"
              % (dt, rc, os.path.getsize(args.full_db) / 2**20))
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
