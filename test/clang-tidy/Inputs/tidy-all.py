#!/usr/bin/env python3
"""Runs clang-tidy with the kreach plugin on every TU of a compile database.

Usage: tidy-all.py CLANG_TIDY PLUGIN BUILD_DIR [CHECKS]
CHECKS defaults to the notifier rule's check. Prints clang-tidy's combined output; exits non-zero if clang-tidy failed.
"""
import json
import os
import subprocess
import sys


def main():
    tidy, plugin, build = sys.argv[1:4]
    checks = sys.argv[4] if len(sys.argv) > 4 else "linuxkernel-mmu-notifier-dma-fence-wait"
    with open(os.path.join(build, "compile_commands.json")) as f:
        files = sorted({e["file"] for e in json.load(f)})
    cmd = [tidy, "--load=" + plugin,
           "-checks=-*," + checks, "-p", build] + files
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    sys.stdout.write(r.stdout)
    # Findings are warnings, not errors: clang-tidy exits 0 unless it broke.
    return r.returncode


if __name__ == "__main__":
    sys.exit(main())
