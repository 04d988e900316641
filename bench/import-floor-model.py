#!/usr/bin/env python3
"""What SQLite alone costs for the rows a legacy import writes (issue 6; bench/README, session 15).

The 50,000-customer import (LegacySim seed 1) wrote 2,556,954 rows into dialtone.db: 52.6 a customer, of which ~5.6
TMF documents (party, customer, billing accounts, the lines' products and migration orders, bodies of a few KB) and the
rest search entries (ADR 0003: one row per searchable attribute, in a table with an AUTOINCREMENT key, a foreign key to
its document and four indexes, three of them partial). This script writes rows of the same shapes, in transactions of
1,000 customers as the import does, through Python's sqlite3 `executemany` (no ORM, no JSON, no encryption: the work the
database itself has to do) and reports the CPU seconds of the writes alone, per customer.

    python3 bench/import-floor-model.py                 # 20,000 customers, ~1 minute
    N=10000 V=nosd,nofk,noauto,cache python3 bench/import-floor-model.py

V switches off one thing at a time, to see what the schema's parts cost: nosd (secure_delete, on in Dialtone), nofk
(foreign keys), noauto (AUTOINCREMENT on the entries' key), cache (a 256 MiB page cache instead of SQLite's 2 MiB).
"""
import os
import random
import sqlite3
import time
import uuid

from sqlite_model import fresh_database

N = int(os.environ.get('N', '20000'))
V = os.environ.get('V', '')
path = os.environ.get('DB', '/tmp/import-floor-model.db')
c = fresh_database(path)
c.execute('PRAGMA journal_mode = WAL')
c.execute('PRAGMA foreign_keys = %d' % (0 if 'nofk' in V else 1))
c.execute('PRAGMA secure_delete = %s' % ('OFF' if 'nosd' in V else 'ON'))
if 'cache' in V:
    c.execute('PRAGMA cache_size = -262144')
c.execute('CREATE TABLE d ("Id" TEXT NOT NULL PRIMARY KEY, "ResourceType" TEXT NOT NULL, "Body" TEXT NOT NULL, '
          '"Version" INTEGER NOT NULL, "LastUpdate" INTEGER NOT NULL, "CreatedBy" TEXT NULL)')
c.execute('CREATE TABLE e ("Id" INTEGER NOT NULL PRIMARY KEY ' + ('' if 'noauto' in V else 'AUTOINCREMENT') + ', '
          '"DocumentId" TEXT NOT NULL, "ResourceType" TEXT NOT NULL, "Path" TEXT NOT NULL, "Text" TEXT NULL, '
          '"Number" INTEGER NULL, "Time" INTEGER NULL, FOREIGN KEY ("DocumentId") REFERENCES d ("Id") ON DELETE CASCADE)')
c.execute('CREATE INDEX d1 ON d ("ResourceType", "CreatedBy")')
c.execute('CREATE INDEX d2 ON d ("ResourceType", "Id")')
c.execute('CREATE INDEX e1 ON e ("DocumentId", "Path")')
c.execute('CREATE INDEX e2 ON e ("ResourceType", "Path", "Number") WHERE "Number" IS NOT NULL')
c.execute('CREATE INDEX e3 ON e ("ResourceType", "Path", "Text") WHERE "Text" IS NOT NULL')
c.execute('CREATE INDEX e4 ON e ("ResourceType", "Path", "Time") WHERE "Time" IS NOT NULL')

rnd = random.Random(1)
body = 'x' * 3000
preparing = 0.0
started = time.process_time()
for batch in range(0, N, 1000):
    p0 = time.process_time()
    documents, entries = [], []
    for _ in range(1000):
        for kind in range(6 if rnd.random() < 0.6 else 5):
            doc = str(uuid.UUID(int=rnd.getrandbits(128)))
            documents.append((doc, 'r%d' % kind, body, 1, 123, 'user:x'))
            for p in range(8):
                entries.append((doc, 'r%d' % kind, 'path%d' % p, uuid.UUID(int=rnd.getrandbits(128)).hex[:20] if p % 4 else None,
                                None, 1_700_000_000_000 + rnd.getrandbits(20) if p % 4 == 0 else None))
    preparing += time.process_time() - p0
    c.execute('BEGIN IMMEDIATE')
    c.executemany('INSERT INTO d VALUES (?, ?, ?, ?, ?, ?)', documents)
    c.executemany('INSERT INTO e ("DocumentId", "ResourceType", "Path", "Text", "Number", "Time") VALUES (?, ?, ?, ?, ?, ?)', entries)
    c.execute('COMMIT')
    if (batch // 1000) % 10 == 9:
        c.execute('PRAGMA wal_checkpoint(TRUNCATE)')

cpu = time.process_time() - started - preparing
rows = c.execute('SELECT (SELECT count(*) FROM d) + (SELECT count(*) FROM e)').fetchone()[0]
print(f'SQLite {sqlite3.sqlite_version} {V or "as Dialtone"}: {N} customers, {rows} rows ({rows / N:.1f} a customer): '
      f'{cpu:.1f} s CPU for the writes = {1e6 * cpu / N:.0f} us a customer, {rows / cpu:,.0f} rows/s; file {os.path.getsize(path) / 1e6:.0f} MB')
