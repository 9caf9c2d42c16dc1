"""The library index on disk: one SQLite file per library, read by key, never executed.

Tables: `files` (per library file: path, size, mtime_ns, ctime_ns, inode, when its stat was taken,
and its content key), `facts` (per content key: kind, id and what the document refers to, small
rows read all at once), `entries` (per content key: the stored parse-and-check result as
cache_codec JSON, read only for the keys asked for), `library` (results for the whole library, such
as its cross-file problems, each with the key of the set of file keys it was computed from) and
`meta` (format and fingerprint of the generator). Every write is one transaction, so a killed
process or a concurrent one never leaves a half-written index; a file SQLite cannot read is removed
and started again.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
from pathlib import Path
from typing import Any, Iterable

from generator.library import cache_codec

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER,
                                  ino INTEGER, checked_ns INTEGER, key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS facts (key TEXT PRIMARY KEY, kind TEXT, id TEXT, refs TEXT);
CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, entry BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS library (name TEXT PRIMARY KEY, key TEXT NOT NULL, value BLOB NOT NULL);
"""
_BUSY_SECONDS = 10  # how long to wait for another process's write before giving up on writing
_CHUNK = 500  # keys per `IN (...)` query, below SQLite's limit on host parameters


class Store:
    """An open index file."""

    def __init__(self, connection: sqlite3.Connection, path: Path):
        self.db, self.path = connection, path

    def files(self) -> dict[str, tuple]:
        """path → (size, mtime_ns, ctime_ns, ino, checked_ns, key) as last recorded."""
        rows = self.db.execute("SELECT path, size, mtime_ns, ctime_ns, ino, checked_ns, key FROM files")
        return {row[0]: row[1:] for row in rows}

    def keys(self) -> set[str]:
        """The content keys that have a stored entry."""
        return {row[0] for row in self.db.execute("SELECT key FROM facts")}

    def facts(self, keys: Iterable[str]) -> dict[str, tuple[str, Any, Any]]:
        """key → (kind, id, refs) of the stored entries among keys."""
        wanted = set(keys)
        rows = self.db.execute("SELECT key, kind, id, refs FROM facts")
        return {k: (kind, ident, json.loads(refs) if refs else None) for k, kind, ident, refs in rows if k in wanted}

    def entries(self, keys: Iterable[str]) -> dict[str, tuple]:
        """key → stored entry of those keys that have one."""
        keys = list(dict.fromkeys(keys))
        found = {}
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start:start + _CHUNK]
            rows = self.db.execute(f"SELECT key, entry FROM entries WHERE key IN ({','.join('?' * len(chunk))})",
                                   chunk)
            found.update((k, cache_codec.loads(blob)) for k, blob in rows)
        return found

    def result(self, name: str, library_key: str) -> Any:
        """A stored whole-library result, if it was computed for this library key; else None."""
        row = self.db.execute("SELECT key, value FROM library WHERE name = ?", (name,)).fetchone()
        return cache_codec.loads(row[1]) if row and row[0] == library_key else None

    def save(self, files: list[tuple] | None, entries: dict[str, tuple], results: dict[str, tuple[str, Any]],
             library_key: str) -> None:
        """In one transaction: the file rows (all of them, when given), new entries as (entry, kind, id,
        refs), results as name → (library key, value); rows of other library keys and entries no file
        names any more are removed. A write another process holds too long is given up: the index is
        a cache."""
        try:
            with self.db:
                if files is not None:
                    self.db.execute("DELETE FROM files")
                    self.db.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?)", files)
                self.db.executemany("INSERT OR REPLACE INTO facts VALUES (?, ?, ?, ?)",
                                    [(k, kind, ident, None if refs is None else json.dumps(refs))
                                     for k, (_entry, kind, ident, refs) in entries.items()])
                self.db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?)",
                                    [(k, cache_codec.dumps(entry)) for k, (entry, *_facts) in entries.items()])
                self.db.execute("DELETE FROM library WHERE key != ?", (library_key,))
                self.db.executemany("INSERT OR REPLACE INTO library VALUES (?, ?, ?)",
                                    [(name, key, cache_codec.dumps(value)) for name, (key, value) in results.items()])
                if files is not None:
                    for table in ("facts", "entries"):
                        self.db.execute(f"DELETE FROM {table} WHERE key NOT IN (SELECT key FROM files)")
        except (sqlite3.Error, TypeError):  # busy, full disk, a value the codec cannot store
            pass

    def close(self) -> None:
        self.db.close()


def open_store(path: Path, fingerprint: str) -> Store | None:
    """The index at path, emptied when it was written by another generator version; a file that
    cannot be trusted or read is replaced. None when no index can be kept (e.g. a read-only disk)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    for _attempt in range(2):
        connection = None
        try:
            _make(path)
            connection = sqlite3.connect(path, timeout=_BUSY_SECONDS, check_same_thread=False)
            connection.executescript(_TABLES)
            stored = dict(connection.execute("SELECT name, value FROM meta"))
            if stored.get("fingerprint") != fingerprint:
                with connection:
                    for table in ("files", "facts", "entries", "library", "meta"):
                        connection.execute(f"DELETE FROM {table}")
                    connection.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (fingerprint,))
            return Store(connection, path)
        except sqlite3.DatabaseError:  # not an SQLite file (a planted or truncated one): start again
            if connection is not None:
                connection.close()
            with contextlib.suppress(OSError):
                path.unlink()
        except (sqlite3.Error, OSError):
            if connection is not None:
                connection.close()
            return None
    return None


def _make(path: Path) -> None:
    """An index file only this user may write: another's file, or one others may write, could have been
    planted to lie about the library, so it is removed; a new file is created private."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    if info is not None and (not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o022):
        path.unlink()
        info = None
    if info is None:
        with contextlib.suppress(FileExistsError):  # another process made it first
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
