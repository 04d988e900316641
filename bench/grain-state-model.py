#!/usr/bin/env python3
"""What a charging commit costs SQLite for a given account-state size and table layout (bench/README, 2026-11-29 session 14).

usage: grain-state-model.py [accounts=324] [writes_per_commit=17] [commits=1500]

A model of the charging grain store (SQLite, WAL, synchronous=FULL, automatic checkpoints off so that every frame
written stays in the log and is counted): ACCOUNTS rows of grain_state, then COMMITS transactions that each rewrite
WRITES_PER_COMMIT random rows with a new payload of the given size, for each payload size, table layout
(WITHOUT ROWID as the store has it, or a rowid table with the same primary key) and page size. Prints the time of a
commit (Python's sqlite3 module and this machine's fsync included: compare rows, not absolute figures), the log
written per account write and the frames per commit. Defaults: what bench/run-charging-load.sh leaves (324 accounts,
~17 writes a commit at 32 sessions in flight; 9,000 bytes is a state with 32 tombstones, 2,200 one without them).
"""
import os
import random
import sys
import time

from sqlite_model import fresh_database

ACCOUNTS = int(sys.argv[1]) if len(sys.argv) > 1 else 324
WRITES = int(sys.argv[2]) if len(sys.argv) > 2 else 17
COMMITS = int(sys.argv[3]) if len(sys.argv) > 3 else 1500
PATH = '/tmp/grain-state-model.db'


def run(size, rowid, page):
    db = fresh_database(PATH)
    db.execute(f'pragma page_size={page}')
    db.execute('pragma journal_mode=wal')
    db.execute('pragma synchronous=full')
    db.execute('pragma wal_autocheckpoint=0')
    db.execute('create table grain_state (grain_type text not null, grain_id text not null, state_name text not null, version integer not null, '
               'payload blob, updated_at text not null, primary key (grain_type, grain_id, state_name))' + ('' if rowid else ' without rowid'))
    ids = ['%032x' % random.getrandbits(128) for _ in range(ACCOUNTS)]
    db.execute('begin')
    for grain in ids:
        db.execute('insert into grain_state values (?, ?, ?, 1, ?, ?)', ('charging-account', grain, 'account', os.urandom(size), 'now'))
    db.execute('commit')
    db.execute('pragma wal_checkpoint(truncate)')
    logged = 0
    started = time.perf_counter()
    for commit in range(COMMITS):
        db.execute('begin')
        for grain in random.sample(ids, WRITES):
            db.execute('update grain_state set version = version + 1, payload = ?, updated_at = ? where grain_type = ? and grain_id = ? and state_name = ?',
                       (os.urandom(size), 'later', 'charging-account', grain, 'account'))
        db.execute('commit')
        if commit % 200 == 199:
            logged += os.path.getsize(PATH + '-wal')
            db.execute('pragma wal_checkpoint(truncate)')
    elapsed = time.perf_counter() - started
    logged += os.path.getsize(PATH + '-wal')
    db.close()
    print(f'page {page:5d}  payload {size:5d}  {"rowid        " if rowid else "WITHOUT ROWID"}  {elapsed / COMMITS * 1e3:5.2f} ms a commit of {WRITES}  '
          f'{logged / COMMITS / WRITES / 1024:5.1f} KiB log a write  {logged / COMMITS / (page + 24):5.1f} frames a commit')


for page in (4096, 8192):
    for size in (9000, 2200):
        for rowid in (False, True):
            run(size, rowid, page)
