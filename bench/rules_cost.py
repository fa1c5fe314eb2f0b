#!/usr/bin/env python3
"""What the rules beyond the first cost a whole-tree check.

On a warm index, runs `kreach check --no-update` with every built-in rule
(the notifier and shrinker fence-wait rules, the two reclaim rules) and with
the notifier fence-wait rule alone (every other built-in reachability rule
disabled, as before rules were data), interleaved pair by pair so that
machine noise hits both alike, and prints the median of each and their
ratio. Each configuration is checked once first so that both have their
summaries in the index (a check that has to write them would time the
write).

Usage: bench/rules_cost.py -p BUILD --kreach build/bin/kreach [--runs N] [--db FILE]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

# The built-in reachability rules other than the notifier fence-wait rule
# (rules/*.yaml).
OTHER_RULES = ["linuxkernel-shrinker-dma-fence-wait", "linuxkernel-mmu-notifier-reclaim",
               "linuxkernel-dma-fence-signalling"]
ONE_RULE = "rules:\n" + "".join("  - name: %s\n    enabled: false\n" % r for r in OTHER_RULES)


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
        every = os.path.join(tmp, "all.yaml")
        one = os.path.join(tmp, "one.yaml")
        open(every, "w").write(base)
        open(one, "w").write(base + ONE_RULE)
        common = [args.kreach, "check", "-p", args.p, "--no-update", "--quiet"]
        if args.db:
            common += ["--db", args.db]
        cmds = {"all rules": common + ["--config", every], "one rule": common + ["--config", one]}
        for cmd in cmds.values():
            run(cmd)  # Summaries for both configurations.
        times = {name: [] for name in cmds}
        for _ in range(args.runs):
            for name, cmd in cmds.items():
                times[name].append(run(cmd))
    one_t = statistics.median(times["one rule"])
    all_t = statistics.median(times["all rules"])
    print("one rule (notifier fence wait): median %.3f s over %d runs" % (one_t, args.runs))
    print("all %d built-in reach rules:     median %.3f s over %d runs"
          % (len(OTHER_RULES) + 1, all_t, args.runs))
    print("ratio all/one: %.2f" % (all_t / one_t))


if __name__ == "__main__":
    main()
