#!/usr/bin/env python3
"""Prints what an index derived from its facts, by name rather than by row id:
the sink summaries of every rule set and the value-flow effects. Two indexes of
the same facts print the same, however each got there (a graph spliced for a
change, or one rebuilt from the rows)."""
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
rows = db.execute(
    "SELECT ss.fingerprint, s.key, summary.dist, n.key, f.path, summary.line, summary.col, "
    "v.name, summary.hops, m.name FROM summary JOIN summary_set ss ON ss.id = summary.rule_set "
    "JOIN sym s ON s.id = summary.sym LEFT JOIN sym n ON n.id = summary.next "
    "LEFT JOIN file f ON f.id = summary.file LEFT JOIN field v ON v.id = summary.via "
    "LEFT JOIN field m ON m.id = summary.mask").fetchall()
for r in sorted(rows, key=repr):
    print("summary", *r)
rows = db.execute(
    "SELECT s.key, e.kind, e.registry, e.a, e.b, e.file, e.line, e.col, e.label, e.chain "
    "FROM effect e LEFT JOIN sym s ON s.id = e.sym").fetchall()
for r in sorted(rows, key=repr):
    print("effect", *r)
