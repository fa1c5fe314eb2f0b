#!/usr/bin/env python3
"""exitcode.py N CMD...: runs CMD and succeeds only if it exits with status N."""
import subprocess
import sys

want = int(sys.argv[1])
got = subprocess.call(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
if got != want:
    print("exit status %d, expected %d: %s" % (got, want, " ".join(sys.argv[2:])))
    sys.exit(1)
