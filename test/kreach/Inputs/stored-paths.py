"""Counts the rows of a kreach index whose text names a checkout path.

Usage: stored-paths.py INDEX PATH. Every text column of every table is
searched (keys, fields, files, values, effects, summaries' steps); meta is
left out, since it records where the index was last used.
"""
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
needle = sys.argv[2]
naming = 0
for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'"):
    if table == "meta":
        continue
    columns = [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]
    for row in db.execute(f'SELECT * FROM "{table}"'):
        if any(isinstance(v, str) and needle in v for v in row):
            naming += 1
print("rows naming the checkout path:", naming)
relative = db.execute("SELECT count(*) FROM file WHERE path NOT LIKE '/%'").fetchone()[0]
print("relative files:", relative)
