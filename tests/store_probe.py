"""Reads a store's committed state from outside, the way a second process sees it while a writer runs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from veracity.store.store import DB_NAME


def committed_value(store: Path, query: str) -> int:
    """The integer `query` returns from the store's database, read-only; 0 while it cannot be read yet."""
    try:
        with sqlite3.connect(f"file:{store / DB_NAME}?mode=ro", uri=True, timeout=5) as connection:
            return int(connection.execute(query).fetchone()[0])
    except sqlite3.Error:
        return 0
