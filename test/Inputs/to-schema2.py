#!/usr/bin/env python3
"""to-schema2.py INDEX: turns a kreach index back into schema 2, as an older
kreach wrote it (one summary table, keyed by symbol, and the policy's
fingerprint in meta), for the migration tests."""
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
db.executescript("""
DROP TABLE summary;
DROP TABLE summary_set;
CREATE TABLE summary(sym INTEGER PRIMARY KEY, dist INTEGER NOT NULL, next INTEGER,
                     file INTEGER, line INTEGER, col INTEGER, via INTEGER);
INSERT INTO meta VALUES('summary_policy', 'ABC');
UPDATE meta SET value='2' WHERE key='schema';
""")
db.commit()
