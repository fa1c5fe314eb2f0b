#!/usr/bin/env python3
"""Damages the kreach facts section of an ELF object in place: the first
record's size is made to run past the section, as a truncated copy would."""
import sys

path = sys.argv[1]
data = bytearray(open(path, "rb").read())
at = data.find(b"KRFACTS")
if at < 0:
    sys.exit("damage-facts.py: no facts record in " + path)
# The size is 8 bytes little endian after "KRFACTS" and the format byte.
data[at + 8 + 4] = 0x10
open(path, "wb").write(bytes(data))
