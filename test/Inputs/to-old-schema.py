#!/usr/bin/env python3
"""to-old-schema.py INDEX VERSION: turns a kreach index back into schema 4
(before mask arguments), 3 (also before value flow: no value-flow facts, no
effects) or 2 (also one summary table keyed by symbol, and the policy's
fingerprint in meta), as older kreach releases wrote them, for the migration
tests."""
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
version = int(sys.argv[2])
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
