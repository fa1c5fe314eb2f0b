#!/usr/bin/env python3
"""Patch mode against a full check and against parsing the touched TUs.

With a warm index of a kernel tree, for one changed driver file:
  kreach check --no-update           the whole tree's report from the index
  kreach check --changed-files LIST  patch mode: re-index the TUs that read the
                                     file, update the base's graph for the
                                     change (the splice), report the findings
                                     through it
  ... --no-splice                    the same with the graph rebuilt from the
                                     index, as before the splice
  clang -fsyntax-only                the same touched TUs, the floor
Each run changes the file: a line of comment inserted at its top (so every
position in it moves), one more each run, spliced and rebuilt runs in turns,
pair by pair; the file is restored afterwards (the next check re-parses it).

With --baseline-kreach OLD --baseline-db DB2, the pairs are this kreach's
patch mode against OLD's on its own copy of the index (the same edits,
runs in turns), instead of spliced against rebuilt.

Usage: bench/patch_mode.py -p KERNEL_BUILD --kreach build/bin/kreach [--db DB]
           [--runs 3] [--baseline-kreach OLD --baseline-db DB2] FILE [FILE...]
"""
import argparse
import json
import statistics
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from index_cost import syntax_only_args  # noqa: E402


def timed_json(cmd):
    """Wall seconds and the JSON report of one kreach run."""
    start = time.perf_counter()
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if res.returncode not in (0, 1):
        sys.exit("%s failed (%d): %s" % (" ".join(cmd), res.returncode,
                                         res.stderr.decode(errors="replace")))
    return elapsed, json.loads(res.stdout)


def timed(cmd, **kw):
    start = time.perf_counter()
    res = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)
    return time.perf_counter() - start, res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-p", required=True)
    ap.add_argument("--kreach", required=True)
    ap.add_argument("--llvm", default="22")
    ap.add_argument("--db", help="index file (default: kreach.db in -p)")
    ap.add_argument("--source-root", help="passed on to kreach")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--baseline-kreach", help="an older kreach, for pairs against it")
    ap.add_argument("--baseline-db", help="the baseline's own copy of the index")
    ap.add_argument("files", nargs="+", help="changed files, relative to the source root")
    args = ap.parse_args()
    if bool(args.baseline_kreach) != bool(args.baseline_db):
        sys.exit("patch_mode.py: --baseline-kreach and --baseline-db go together")
    other = "baseline" if args.baseline_kreach else "rebuilt"
    extra = (["--db", args.db] if args.db else []) + (
        ["--source-root", args.source_root] if args.source_root else [])
    clang = "/usr/lib/llvm-%s/bin/clang" % args.llvm
    cdb = json.load(open(os.path.join(args.p, "compile_commands.json")))
    if args.source_root:
        root = os.path.realpath(args.source_root)
    elif os.path.isdir(os.path.join(args.p, "source")):
        root = os.path.realpath(os.path.join(args.p, "source"))
    else:
        root = os.path.realpath(args.p)

    full, _ = timed([args.kreach, "check", "-p", args.p, "--no-update", "--quiet"] + extra)

    listing = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)
    listing.write("\n".join(args.files) + "\n")
    listing.close()
    originals = {}
    results = {"spliced": [], other: []}
    last = {}
    try:
        for f in args.files:
            path = os.path.join(root, f)
            with open(path, "rb") as fh:
                originals[path] = fh.read()
        edits = 0
        for _ in range(args.runs):
            for mode in ("spliced", other):
                edits += 1
                for path, text in originals.items():
                    with open(path, "wb") as fh:
                        fh.write(b"/* kreach bench */\n" * edits + text)
                binary, flags = args.kreach, extra
                if mode == "baseline":
                    binary = args.baseline_kreach
                    flags = ["--db", args.baseline_db] + (
                        ["--source-root", args.source_root] if args.source_root else [])
                cmd = [binary, "check", "-p", args.p, "--changed-files", listing.name,
                       "--format=json", "-j", "1"] + flags
                if mode == "rebuilt":
                    cmd.append("--no-splice")
                dt, res = timed_json(cmd)
                results[mode].append(dt)
                last[mode] = res
    finally:
        for path, text in originals.items():
            with open(path, "wb") as fh:
                fh.write(text)
        os.unlink(listing.name)

    # The floor: the TUs whose main file changed (headers would add their readers).
    touched = [e for e in cdb if os.path.relpath(os.path.realpath(e["file"]), root) in args.files]
    parse = []
    for _ in range(args.runs):
        total = 0.0
        for e in touched:
            dt, _ = timed(syntax_only_args(e, clang), cwd=e["directory"])
            total += dt
        parse.append(total)
    med = {k: statistics.median(v) for k, v in results.items()}
    p = statistics.median(parse)
    print("changed: %s (%d TUs compile it)" % (", ".join(args.files), len(touched)))
    print("%-44s %8.2f s" % ("kreach check, full tree, warm index", full))
    print("%-44s %8.2f s" % ("kreach check --changed-files (spliced)", med["spliced"]))
    print("%-44s %8.2f s" % ("kreach check --changed-files --no-splice" if other == "rebuilt"
                             else "baseline kreach check --changed-files", med[other]))
    print("%-44s %8.2f s" % ("clang -fsyntax-only, touched TUs", p))
    for mode in ("spliced", other):
        stats = last[mode].get("stats", {})
        print("%s: graph %s%s, wrote %s, summary rows %s, searches %s" % (
            mode, stats.get("graph"),
            (" (%s)" % stats["splice_refused"]) if stats.get("splice_refused") else "",
            stats.get("snapshot_write") or "-", stats.get("summary_rows"),
            stats.get("searches", "-")))
    if p:
        print("patch mode / parse of touched TUs: spliced %.2f, %s %.2f" %
              (med["spliced"] / p, other, med[other] / p))
    pairs = [a / b for a, b in zip(results["spliced"], results[other])]
    print("runs: spliced %s, %s %s" % (" ".join("%.2f" % t for t in results["spliced"]), other,
                                       " ".join("%.2f" % t for t in results[other])))
    print("ratio spliced/%s %.3f (median of %d pairs)" % (other, statistics.median(pairs),
                                                        len(pairs)))


if __name__ == "__main__":
    main()
