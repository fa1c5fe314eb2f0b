#!/usr/bin/env python3
"""to-old-schema.py INDEX VERSION: turns a kreach index back into schema 5
(one row per input stamp), 4 (also before mask arguments), 3 (also before
value flow: no value-flow facts, no effects) or 2 (also one summary table
keyed by symbol, and the policy's fingerprint in meta), as older kreach
releases wrote them, for the migration tests. Schema 5's stamps are the
files' as they are now."""
import os
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
version = int(sys.argv[2])


def ids(blob):
    out, v, shift = [], 0, 0
    for b in blob:
        v |= (b & 0x7f) << shift
        if b & 0x80:
            shift += 7
        else:
            out.append(v)
            v, shift = 0, 0
    return out


# Schema 7 keeps paths relative to the source root.
root = db.execute("SELECT value FROM meta WHERE key='source_root'").fetchone()[0]
paths = {i: os.path.join(root, p) for i, p in db.execute("SELECT id, path FROM file")}
rows = []
for tu, blob in db.execute("SELECT tu, files FROM tu_inputs ORDER BY tu"):
    for f in ids(blob):
        st = os.stat(paths[f])
        rows.append((tu, f, st.st_size, st.st_mtime_ns))
db.executescript("""
DROP TABLE tu_inputs;
CREATE TABLE tu_input(tu INTEGER NOT NULL, file INTEGER NOT NULL, size INTEGER,
                      mtime INTEGER);
CREATE INDEX tu_input_tu ON tu_input(tu);
CREATE INDEX tu_input_file ON tu_input(file);
UPDATE meta SET value='5' WHERE key='schema';
""")
db.executemany("INSERT INTO tu_input VALUES(?, ?, ?, ?)", rows)
if version <= 4:
    db.executescript("""
DROP TABLE maskarg;
UPDATE meta SET value='4' WHERE key='schema';
""")
if version <= 3:
    db.executescript("""
DROP TABLE vcall;
DROP TABLE carg;
DROP TABLE fret;
DROP TABLE assign;
DROP TABLE ginit;
DROP TABLE effect;
DROP TABLE fsig;
DROP TABLE ctype;
DELETE FROM meta WHERE key='effects';
UPDATE meta SET value='3' WHERE key='schema';
""")
if version == 2:
    db.executescript("""
DROP TABLE summary;
DROP TABLE summary_set;
CREATE TABLE summary(sym INTEGER PRIMARY KEY, dist INTEGER NOT NULL, next INTEGER,
                     file INTEGER, line INTEGER, col INTEGER, via INTEGER);
INSERT INTO meta VALUES('summary_policy', 'ABC');
UPDATE meta SET value='2' WHERE key='schema';
""")
db.commit()
