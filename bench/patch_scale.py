#!/usr/bin/env python3
"""Patch mode on a large graph: the base graph spliced against rebuilt.

On a synthetic tree made by bench/graph_scale.py (its TUs are facts written
straight into the index; their sources are placeholders), one real C TU is
added: an mmu notifier root calling into the synthetic functions. A first
check indexes it and writes the base graph. Then the TU is edited back and
forth between two versions (a line of comment and a direct call added, and
removed again), and `kreach check --changed-files` runs on each edit, in
turns: as it is (the graph spliced) and with --no-splice (rebuilt from the
index), pair by pair, on the same index. Printed: the medians and peak
memory of both, their ratio, the parse of the TU alone (`clang
-fsyntax-only`), and the fixed cost of a spliced patch check (its time less
the parse). With --baseline-kreach, an older kreach's spliced patch check
runs in each turn too, on its own copy of the index (so that the two may
keep their graph caches in different formats), and the ratio new/old of the
spliced medians is printed.

Usage: bench/patch_scale.py --kreach build/bin/kreach --tree WORKDIR/N-M
           [--runs 3] [--clang /usr/lib/llvm-22/bin/clang] [--time-trace FILE]
           [--baseline-kreach OLD]
The tree's compile_commands.json and index are restored afterwards.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

VERSIONS = [
    """struct mmu_notifier;
struct mmu_notifier_range;
struct mmu_notifier_ops {
	int (*invalidate_range_start)(struct mmu_notifier *mn,
				      const struct mmu_notifier_range *range);
};
void fn_129(void);
void fn_2515(void);
void fn_1602(void);

static int patch_invalidate(struct mmu_notifier *mn,
			    const struct mmu_notifier_range *range)
{
	fn_129();
	fn_2515();
	return 0;
}

const struct mmu_notifier_ops patch_ops = {
	.invalidate_range_start = patch_invalidate,
};
""",
]
# The edit: a comment above the callback, one more direct call in it.
VERSIONS.append(VERSIONS[0].replace("static int patch_invalidate",
                                    "/* changed */\nstatic int patch_invalidate")
                .replace("\tfn_2515();\n", "\tfn_2515();\n\tfn_1602();\n"))


def timed(cmd, cwd):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit("%s failed (%d): %s" % (" ".join(cmd), code, err.decode(errors="replace")))
    return elapsed, usage.ru_maxrss / 1024.0, out.decode(errors="replace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kreach", required=True)
    ap.add_argument("--tree", required=True, help="a tree graph_scale.py made")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--clang", default="/usr/lib/llvm-22/bin/clang")
    ap.add_argument("--time-trace", help="write the last spliced run's --time-trace here")
    ap.add_argument("--baseline-kreach", help="an older kreach, timed in turn with --kreach")
    args = ap.parse_args()
    tree = os.path.realpath(args.tree)
    kreach = os.path.realpath(args.kreach)
    cdb_path = os.path.join(tree, "compile_commands.json")
    db = os.path.join(tree, "kreach.patch.db")
    baseline_db = os.path.join(tree, "kreach.patch-baseline.db")
    source = os.path.join(tree, "drivers", "misc", "patchbench", "patch.c")
    os.makedirs(os.path.dirname(source), exist_ok=True)
    shutil.copyfile(cdb_path, cdb_path + ".before-patch-bench")
    for suffix in ("", ".graph"):
        shutil.copyfile(os.path.join(tree, "kreach.db" + suffix), db + suffix)
        if args.baseline_kreach:
            shutil.copyfile(os.path.join(tree, "kreach.db" + suffix), baseline_db + suffix)
    try:
        cdb = json.load(open(cdb_path))
        cdb.append({"directory": tree, "file": source,
                    "arguments": ["clang", "-c", source]})
        json.dump(cdb, open(cdb_path, "w"))
        with open(source, "w") as f:
            f.write(VERSIONS[0])
        base = ["check", "-p", tree, "--db", db, "--quiet"]
        timed([kreach] + base, tree)  # indexes the TU, writes the base graph
        if args.baseline_kreach:
            timed([os.path.realpath(args.baseline_kreach), "check", "-p", tree, "--db",
                   baseline_db, "--quiet"], tree)
        listing = os.path.join(tree, "patchbench.list")
        with open(listing, "w") as f:
            f.write("drivers/misc/patchbench/patch.c\n")
        patch = [kreach, "check", "-p", tree, "--db", db, "--changed-files", listing,
                 "--format=json"]
        results = {"spliced": [], "rebuilt": []}
        modes = ["spliced", "rebuilt"]
        if args.baseline_kreach:
            results["baseline"] = []
            modes.insert(1, "baseline")
        # Each index's TU as it last indexed it: each run edits it from there.
        version = {"spliced": 0, "rebuilt": 0, "baseline": 0}
        for _ in range(args.runs):
            for mode in modes:
                own = "baseline" if mode == "baseline" else "spliced"
                version[own] = 1 - version[own]
                with open(source, "w") as f:
                    f.write(VERSIONS[version[own]])
                cmd = patch + ([] if mode != "rebuilt" else ["--no-splice"])
                if mode == "baseline":
                    cmd = [os.path.realpath(args.baseline_kreach)] + cmd[1:]
                    cmd[cmd.index(db)] = baseline_db
                if mode == "spliced" and args.time_trace:
                    cmd.append("--time-trace=" + os.path.realpath(args.time_trace))
                t, m, out = timed(cmd, tree)
                graph = json.loads(out)["stats"]["graph"]
                want = "index" if mode == "rebuilt" else "spliced"
                if graph != want:
                    sys.exit("%s run read its graph from '%s': %s" %
                             (mode, graph, json.loads(out)["stats"].get("splice_refused")))
                results[mode].append((t, m))
        parse = []
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run([args.clang, "-fsyntax-only", source], check=True)
            parse.append(time.perf_counter() - start)
    finally:
        shutil.move(cdb_path + ".before-patch-bench", cdb_path)
        shutil.rmtree(os.path.dirname(source), ignore_errors=True)
        for suffix in ("", ".graph", ".graph.journal", ".graph.searches", ".lock", "-wal",
                       "-shm"):
            for path in (db, baseline_db):
                if os.path.exists(path + suffix):
                    os.remove(path + suffix)
    med = {k: (statistics.median(t for t, _ in v), max(m for _, m in v))
           for k, v in results.items()}
    for k, (t, m) in med.items():
        print("patch mode, %-8s median %.2f s, peak %.0f MB over %d runs" % (k, t, m, args.runs))
    p = statistics.median(parse)
    print("ratio spliced/rebuilt time %.3f, memory %.2f" %
          (med["spliced"][0] / med["rebuilt"][0], med["spliced"][1] / med["rebuilt"][1]))
    print("parse of the TU (clang -fsyntax-only) median %.3f s" % p)
    if "baseline" in med:
        print("ratio spliced new/baseline time %.3f, memory %.2f (baseline median %.2f s)" %
              (med["spliced"][0] / med["baseline"][0], med["spliced"][1] / med["baseline"][1],
               med["baseline"][0]))
    print("fixed_seconds=%.2f spliced_seconds=%.2f rebuilt_seconds=%.2f" %
          (med["spliced"][0] - p, med["spliced"][0], med["rebuilt"][0]))


if __name__ == "__main__":
    main()
