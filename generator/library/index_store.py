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

from generator.core import cachedir
from generator.core.errors import Diagnostic
from generator.library import cache_codec

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER,
                                  ino INTEGER, checked_ns INTEGER, key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS facts (key TEXT PRIMARY KEY, kind TEXT, id TEXT, refs TEXT, types TEXT);
CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, entry BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS library (name TEXT PRIMARY KEY, key TEXT NOT NULL, value BLOB NOT NULL);
"""
_TABLE_NAMES = ("meta", "files", "facts", "entries", "library")
_BUSY_SECONDS = 10  # how long to wait for another process's write before giving up on writing
_CHUNK = 500  # keys per `IN (...)` query, below SQLite's limit on host parameters


class Store:
    """An open index file."""

    def __init__(self, connection: sqlite3.Connection, path: Path):
        self.db, self.path = connection, path

    def files(self) -> dict[str, tuple]:
        """path → (size, mtime_ns, ctime_ns, ino, checked_ns, key, facts) as last recorded; facts are the
        packed (kind, id, refs, types) of the file's stored entry (see facts()), None when there is none."""
        rows = self.db.execute("SELECT f.path, f.size, f.mtime_ns, f.ctime_ns, f.ino, f.checked_ns, f.key, "
                               "x.kind, x.id, x.refs, x.types FROM files f LEFT JOIN facts x ON x.key = f.key")
        return {row[0]: (*row[1:7], None if row[7] is None else row[7:]) for row in rows}

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

    def result(self, name: str, library_key: str) -> list[Diagnostic] | None:
        """A stored whole-library list of problems, if it was computed for this library key; else None."""
        row = self.db.execute("SELECT key, value FROM library WHERE name = ?", (name,)).fetchone()
        if not row or row[0] != library_key:
            return None
        # plain rows, not the tagged codec: tens of thousands of warnings are read on every run
        return [Diagnostic(*fields) for fields in json.loads(row[1])]

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
                self.db.executemany("INSERT OR REPLACE INTO facts VALUES (?, ?, ?, ?, ?)",
                                    ((k, kind, ident, *_pack(refs)) for k, (_entry, kind, ident, refs) in entries.items()))
                self.db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?)",
                                    ((k, cache_codec.dumps(entry)) for k, (entry, *_facts) in entries.items()))
                self.db.execute("DELETE FROM library WHERE key != ?", (library_key,))
                self.db.executemany("INSERT OR REPLACE INTO library VALUES (?, ?, ?)",
                                    [(name, key, _rows(value)) for name, (key, value) in results.items()])
                if files is not None:
                    for table in ("facts", "entries"):
                        self.db.execute(f"DELETE FROM {table} WHERE key NOT IN (SELECT key FROM files)")
        except (sqlite3.Error, TypeError):  # busy, full disk, a value the codec cannot store
            pass

    def close(self) -> None:
        self.db.close()


def _rows(problems: list[Diagnostic]) -> str:
    return json.dumps([[d.path, d.line, d.key, d.message, d.code, d.severity] for d in problems],
                      ensure_ascii=False)


_ANY = "\x00"  # types of a shape the packing does not keep: the clause counts as applying to any type


def _pack(refs: dict | None) -> tuple[str | None, str | None]:
    """A document's refs as two columns: a clause's service types as lines (thousands of them are read
    on every run, and splitting lines is cheaper than parsing JSON), anything else as JSON."""
    if refs is None:
        return None, None
    if set(refs) != {"types"}:
        return json.dumps(refs), None
    types = refs["types"]
    if types is None:
        return "", None
    clean = isinstance(types, list) and types and all(isinstance(t, str) and t and "\n" not in t for t in types)
    return "", "\n".join(types) if clean else _ANY


def unpack(refs: str | None, types: str | None) -> dict | None:
    if refs is None:
        return None
    if refs:
        return json.loads(refs)
    return {"types": None if types is None or types == _ANY else types.split("\n")}


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
            if stored.get("fingerprint") != fingerprint:  # another version's tables, perhaps of another layout
                connection.executescript("".join(f"DROP TABLE IF EXISTS {t};" for t in _TABLE_NAMES) + _TABLES)
                with connection:
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
    if info is not None and (not stat.S_ISREG(info.st_mode) or not cachedir.trusted(info)):
        path.unlink()
        info = None
    if info is None:
        with contextlib.suppress(FileExistsError):  # another process made it first
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
