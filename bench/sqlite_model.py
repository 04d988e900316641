"""What the SQLite models in bench/ share (grain-state-model.py, import-floor-model.py, usage-id-model.py)."""
import os
import sqlite3


def fresh_database(path):
    """A new, empty SQLite file at path (with its WAL and shared-memory files gone), opened in autocommit mode."""
    for suffix in ('', '-wal', '-shm'):
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass
    return sqlite3.connect(path, isolation_level=None)
