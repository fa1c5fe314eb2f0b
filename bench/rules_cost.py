#!/usr/bin/env python3
"""What a second rule costs a whole-tree check.

On a warm index, runs `kreach check --no-update` with the built-in rules
(notifier + shrinker) and with the shrinker rule disabled (the notifier rule
alone, as before rules were data), interleaved pair by pair so that machine
noise hits both alike, and prints the median of each and their ratio. Each
configuration is checked once first so that both have their summaries in
the index (a check that has to write them would time the write).

Usage: bench/rules_cost.py -p BUILD --kreach build/bin/kreach [--runs N] [--db FILE]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ONE_RULE = """rules:
  - name: linuxkernel-shrinker-dma-fence-wait
    enabled: false
"""


def run(cmd):
    start = time.perf_counter()
    res = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if res.returncode not in (0, 1):
        sys.exit("kreach failed (%d): %s" % (res.returncode, res.stderr.strip()))
    return elapsed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-p", required=True)
    ap.add_argument("--kreach", required=True)
    ap.add_argument("--db")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--config", help="the tree's own .kreach.yaml, if any, to start from")
    args = ap.parse_args()
    base = open(args.config).read() if args.config else ""
    if "rules:" in base:
        sys.exit("--config already has rules:; merge the one-rule setting by hand")
    with tempfile.TemporaryDirectory() as tmp:
        two = os.path.join(tmp, "two.yaml")
        one = os.path.join(tmp, "one.yaml")
        open(two, "w").write(base)
        open(one, "w").write(base + ONE_RULE)
        common = [args.kreach, "check", "-p", args.p, "--no-update", "--quiet"]
        if args.db:
            common += ["--db", args.db]
        cmds = {"two rules": common + ["--config", two], "one rule": common + ["--config", one]}
        for cmd in cmds.values():
            run(cmd)  # Summaries for both configurations.
        times = {name: [] for name in cmds}
        for _ in range(args.runs):
            for name, cmd in cmds.items():
                times[name].append(run(cmd))
    one_t = statistics.median(times["one rule"])
    two_t = statistics.median(times["two rules"])
    print("one rule (notifier):        median %.3f s over %d runs" % (one_t, args.runs))
    print("two rules (+ shrinker):     median %.3f s over %d runs" % (two_t, args.runs))
    print("ratio two/one: %.2f" % (two_t / one_t))


if __name__ == "__main__":
    main()
