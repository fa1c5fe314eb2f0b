#!/usr/bin/env python3
"""How `kreach check` scales with the size of the graph.

Builds a synthetic kernel-shaped tree and its index with kreach-synth
(bench/synth/kreach-synth.cpp says the shape: functions in files and
directories, direct calls, ops tables with stores and calls through fields,
notifier roots and waits; every input stamp on disk), then times, run after
run, the default `kreach check` (every stamp verified, nothing changed) and
`kreach check --no-update`, each with its peak resident memory.

Usage: bench/graph_scale.py --kreach build/bin/kreach --functions 1000000
           --edges 10000000 --workdir /tmp/scale [--runs 3] [--synth PATH]
           [--baseline-kreach OLD]
The tree is kept in WORKDIR/N-M and reused when it exists. With
--baseline-kreach, the old binary runs the same checks interleaved, pair by
pair, on its own copy of the index (kreach.baseline.db, taken before the new
binary first opens the tree, which may migrate it), and the ratios new/old are
printed; both must hash compile commands alike (the same facts revision,
include/kreach/Facts.h), or each re-parses the tree the other wrote and the
default check times the parse. The last line is
`check_seconds=X peak_rss_mb=Y` for the default check (medians).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time


def timed(cmd):
    """Wall seconds and peak RSS (MB) of one run of cmd."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit("kreach failed (%d): %s" % (code, err.strip()))
    return elapsed, usage.ru_maxrss / 1024.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kreach", required=True)
    ap.add_argument("--functions", type=int, required=True)
    ap.add_argument("--edges", type=int, required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--synth", help="kreach-synth (default: next to --kreach)")
    ap.add_argument("--baseline-kreach", help="an older kreach to compare with, interleaved")
    args = ap.parse_args()
    synth = args.synth or os.path.join(os.path.dirname(os.path.abspath(args.kreach)),
                                       "kreach-synth")
    tree = os.path.join(os.path.abspath(args.workdir), "%d-%d" % (args.functions, args.edges))
    db = os.path.join(tree, "kreach.db")
    if not os.path.exists(os.path.join(tree, "done")):
        start = time.perf_counter()
        subprocess.check_call([synth, "--out", tree, "--functions", str(args.functions),
                               "--edges", str(args.edges)])
        open(os.path.join(tree, "done"), "w").close()
        print("built the tree in %.0f s" % (time.perf_counter() - start))
    # Each binary checks its own copy of the index: a newer kreach may
    # migrate the index to a schema the older one cannot read. The copy is
    # taken before the new binary first opens the tree's index.
    binaries = {"new": (args.kreach, db)}
    if args.baseline_kreach:
        old_db = os.path.join(tree, "kreach.baseline.db")
        if not os.path.exists(old_db):
            shutil.copyfile(db, old_db)
        binaries["old"] = (args.baseline_kreach, old_db)
    modes = {"check": [], "check --no-update": ["--no-update"]}
    # The first check of each binary writes its summaries (and migrates its
    # copy, if it must); not timed.
    for exe, index in binaries.values():
        timed([exe, "check", "-p", tree, "--db", index, "--quiet"])
    results = {(b, m): [] for b in binaries for m in modes}
    for _ in range(args.runs):
        for mode, extra in modes.items():
            for name, (exe, index) in binaries.items():
                results[(name, mode)].append(
                    timed([exe, "check", "-p", tree, "--db", index, "--quiet"] + extra))
    snapshot = db + ".graph"
    print("tree: %d functions, %d direct calls; index %.0f MB, graph snapshot %s"
          % (args.functions, args.edges, os.path.getsize(db) / 1e6,
             "%.0f MB" % (os.path.getsize(snapshot) / 1e6) if os.path.exists(snapshot)
             else "none"))
    med = {}
    for (name, mode), runs in results.items():
        t = statistics.median(r[0] for r in runs)
        m = statistics.median(r[1] for r in runs)
        med[(name, mode)] = (t, m)
        print("%-4s %-18s median %.2f s, peak %.0f MB over %d runs" % (name, mode, t, m, len(runs)))
    if "old" in binaries:
        for mode in modes:
            print("ratio new/old %-18s time %.2f, memory %.2f"
                  % (mode, med[("new", mode)][0] / med[("old", mode)][0],
                     med[("new", mode)][1] / med[("old", mode)][1]))
    t, m = med[("new", "check")]
    print("check_seconds=%.2f peak_rss_mb=%.0f" % (t, m))


if __name__ == "__main__":
    main()
