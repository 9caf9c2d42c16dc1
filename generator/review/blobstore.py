"""Library files parsed and schema-checked once per git blob, kept across runs for the review commands.

A git blob id names a file's exact bytes, so the parse of `clauses/x.yaml` with blob 1a2b... is the
same in every revision and every run. Each file's answer (its Source, YAML problems, schema problems,
document problems) is kept in an SQLite file in the cache folder, found by the sha256 of the blob id,
the path and kind, and the generator's fingerprint (its code, schemas and the parsers installed), so a
new version of Klausul never reads an old answer. The cross-file problems of a whole set of files are
kept the same way, by the hash of every file's key. Values are JSON (library/cache_codec), which no
reader can execute; writes are transactions, so a killed process leaves the last complete state; two
processes may read and write at once (SQLite's locks; one that waits too long just does not store).
A store that cannot be read is removed and rebuilt; KLAUSUL_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import sys
import time
from dataclasses import astuple
from pathlib import Path
from typing import Callable

from generator.core import cachedir
from generator.core.errors import Diagnostic
from generator.library import cache_codec
from generator.library.entries import Entry, check_file, with_checks
from generator.library.load import Source, Unreadable, kind_of

FILE = "review-blobs.sqlite3"
SCHEMA = 6  # bump when the tables or the stored values change
KEEP_DAYS = 30  # entries not used for this long are removed
BUSY_SECONDS = 2.0  # how long to wait for another process's write before going on without the store

class Store:
    """The file answers of one process, backed by the SQLite store when the cache is on."""

    def __init__(self, path: Path | None):
        self.path = path
        self.memo: dict[str, Entry] = {}  # decoded this run: a revision opened twice is decoded once
        self._db: sqlite3.Connection | None = None
        self._broken = path is None
        self._rebuilt = False
        self._keys: dict[tuple[str, str, str], str] = {}
        self._base = None  # sha256 of the fingerprint, copied for each key
        self.libraries: dict[tuple, object] = {}  # opened this run (gitrev.open_at), by revision, root and keys

    # --- files ------------------------------------------------------------------------------------

    def entries(self, files: list[tuple[str, str]], read: Callable[[list[str]], dict[str, bytes]],
                checked: bool = True) -> list[Entry]:
        """The Entry of each (path, blob id), in order; only the files nobody has parsed before are read, and
        (`checked`) only those nobody has checked are checked. A diff needs no schema check; validating does."""
        keys = [self.key("file", oid, rel) for rel, oid in files]
        missing = [k for k in dict.fromkeys(keys) if k not in self.memo]
        self.memo.update(self._get("files", missing))
        found = {k: self.memo[k] for k in keys if k in self.memo}
        fresh = {}
        if checked:
            for key, entry in found.items():
                if entry[2] is None:  # parsed before, for a diff: now checked too
                    found[key] = fresh[key] = with_checks(entry)
        wanted = {rel: key for (rel, _oid), key in zip(files, keys) if key not in found}
        if wanted:
            data = read(list(wanted))
            for rel, key in wanted.items():
                found[key] = check_file(rel, data[rel], checked)
                if not isinstance(data[rel], Unreadable):  # a stand-in for a file that was not read is no blob
                    fresh[key] = found[key]
        if fresh:
            self.memo.update(fresh)
            self._put("files", fresh)
        return [found[k] for k in keys]

    def cross(self, keys: list[str], sources: list[Source], compute: Callable[[list[Source]], list[Diagnostic]]
              ) -> list[Diagnostic]:
        """The cross-file problems of exactly these files (by their keys), computed once."""
        key = hashlib.sha256("\n".join(keys).encode("ascii")).hexdigest()
        found = self._get("libraries", [key]).get(key)
        if found is None:
            found = compute(sources)
            self._put("libraries", {key: found})
        return list(found)

    def results(self, keys: list[str], compute: Callable[[str], object], encode: Callable[[object], object],
                decode: Callable[[object], object]) -> dict[str, object]:
        """A pure function's answer for each key (which must name all of its inputs), each computed once."""
        found = {}
        for k, v in self._get("results", [k for k in dict.fromkeys(keys) if k not in self.memo]).items():
            with contextlib.suppress(Exception):  # a value this code cannot read is computed again
                found[k] = decode(v[0])
        found |= {k: self.memo[k] for k in keys if k in self.memo}
        fresh = {k: compute(k) for k in dict.fromkeys(keys) if k not in found}
        self.memo.update(fresh)
        self._put("results", {k: [encode(v)] for k, v in fresh.items()})
        return found | fresh

    def key(self, kind: str, oid: str, rel: str) -> str:
        """The store's key of a blob at a path: with the generator's fingerprint, so new code never reads old answers."""
        found = self._keys.get((kind, oid, rel))
        if found is None:
            if self._base is None:
                from generator.library.cache import fingerprint

                self._base = hashlib.sha256(fingerprint())
            digest = self._base.copy()
            for part in (kind, oid, rel, kind_of(rel) or ""):
                data = part.encode("utf-8", "surrogateescape")
                digest.update(len(data).to_bytes(8, "big"))  # lengths first: no two inputs run together alike
                digest.update(data)
            found = self._keys[(kind, oid, rel)] = digest.hexdigest()
        return found

    # --- the SQLite file --------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is not None or self._broken:
            return self._db
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                info = os.fstat(fd)
            finally:
                os.close(fd)
            # Another user's file, or one others may write, could have been planted to lie about the library.
            if not cachedir.trusted(info):
                self._broken = True
                return None
            self._db = self._open()
        except (OSError, sqlite3.Error):
            self._broken = True
        return self._db

    def _open(self) -> sqlite3.Connection:
        """The store, with its tables; a file that is not such a store is removed and created anew."""
        for attempt in (1, 2):
            db = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
            try:
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version != SCHEMA:
                    with db:
                        db.execute("BEGIN IMMEDIATE")
                        if db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA:  # another process made it
                            return db
                        for table in ("files", "libraries", "results"):
                            db.execute(f"DROP TABLE IF EXISTS {table}")
                            db.execute(f"CREATE TABLE {table} (key TEXT PRIMARY KEY, value BLOB NOT NULL, "
                                       "used INTEGER NOT NULL)")
                        db.execute(f"PRAGMA user_version = {SCHEMA}")
                return db
            except sqlite3.DatabaseError as exc:
                db.close()
                if attempt == 2 or _busy(exc):
                    raise  # locked past the timeout: go on without the store this run
                self.path.unlink(missing_ok=True)  # not a database (truncated, overwritten): start again
        raise AssertionError("unreachable")

    def _get(self, table: str, keys: list[str]) -> dict:
        db = self._connect()
        if db is None or not keys:
            return {}
        found, stale = {}, []
        today = _day()
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                rows = db.execute(f"SELECT key, value, used FROM {table} WHERE key IN "
                                  f"({','.join('?' * len(chunk))})", chunk).fetchall()
                for key, value, used in rows:
                    try:
                        found[key] = _decode(table, value)
                    except Exception:  # noqa: BLE001 - a damaged value is a miss; it is written again
                        continue
                    if used < today:
                        stale.append(key)
        except sqlite3.Error:
            self._fail()
            return found
        if stale:  # used today: keep it past the pruning
            self._write(lambda: db.executemany(f"UPDATE {table} SET used = ? WHERE key = ?",
                                               [(today, k) for k in stale]))
        return found

    def _put(self, table: str, values: dict) -> None:
        db = self._connect()
        if db is None or not values:
            return
        today = _day()
        rows = []
        for key, value in values.items():
            try:
                rows.append((key, _encode(table, value), today))
            except TypeError:  # a value the codec cannot carry is simply not kept
                continue

        def write():
            db.executemany(f"INSERT OR REPLACE INTO {table} (key, value, used) VALUES (?, ?, ?)", rows)
            db.execute(f"DELETE FROM {table} WHERE used < ?", (today - KEEP_DAYS,))
        self._write(write)

    def _write(self, change: Callable[[], object]) -> None:
        """One transaction; a store that is busy for too long or fails is left as it was."""
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                change()
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            if _busy(exc):  # locked by another process past the timeout: this run does not store
                return
            self._fail()

    def _fail(self) -> None:
        """Stop using a store that went wrong mid-run; a damaged file is removed and started again."""
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
        self._db, self._broken = None, True
        if not _busy(sys.exc_info()[1]) and not self._rebuilt:  # not a lock: the file is bad (or a table gone)
            with contextlib.suppress(OSError):
                self.path.unlink()
                self._broken, self._rebuilt = False, True  # start it again, once per run

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None


def _encode(table: str, value) -> bytes:
    """An Entry as plain JSON when it reads back equal (most do: quick to read, no hook per object),
    else in library/cache_codec's tagged JSON (dates, keys that are not strings)."""
    if table == "files":
        source, *problems = value
        if source is not None:
            source = [source.kind, source.path, source.data, [list(p) for p in source.lines],
                      list(source.lines.values()), [list(p) for p in source.block_scalars]]
        plain = ["plain", source, *[None if group is None else [list(astuple(d)) for d in group]
                                    for group in problems]]
        if _same_types(plain):  # then JSON gives back exactly this (NaN and infinity aside: ValueError)
            with contextlib.suppress(ValueError):
                return json.dumps(plain, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
        value = ["tagged", source, *problems]
    return cache_codec.dumps(value)


def _same_types(value) -> bool:
    """Whether JSON gives back exactly these types: dicts with string keys, lists, strings, numbers, booleans
    and None (no tuples, sets, dates or keys of other types, which the tagged form carries)."""
    if isinstance(value, dict):
        return all(type(k) is str and _same_types(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_same_types(v) for v in value)
    return value is None or type(value) in (str, int, float, bool)


def _decode(table: str, value: bytes):
    if table == "files":
        if value.startswith(b'["plain",'):
            _tag, source, *groups = json.loads(value)
            problems = [None if group is None else [Diagnostic(*d) for d in group] for group in groups]
        else:
            _tag, source, *problems = cache_codec.loads(value)
            problems = [None if group is None else list(group) for group in problems]
        if source is not None:
            kind, path, data, paths, lines, blocks = source
            source = Source(kind, path, data, dict(zip(map(tuple, paths), lines)), set(map(tuple, blocks)))
        if len(problems) != 3 or problems[0] is None or (problems[1] is None) != (problems[2] is None) or \
                not all(isinstance(d, Diagnostic) for group in problems for d in group or ()):
            raise ValueError("not diagnostics")
        return (source, *problems)
    found = cache_codec.loads(value)
    if table == "results":
        if not isinstance(found, list) or len(found) != 1:
            raise ValueError("not a result")
        return found
    if not isinstance(found, list) or not all(isinstance(d, Diagnostic) for d in found):
        raise ValueError("not a list of diagnostics")
    return found


def _busy(exc: BaseException | None) -> bool:
    """Whether an SQLite error is another process holding the store (wait, keep it), not a damaged file."""
    name = getattr(exc, "sqlite_errorname", None)  # Python 3.11+
    if name is not None:
        return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))
    return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)


def _day() -> int:
    return int(time.time() // 86400)


_STORES: dict[tuple, Store] = {}


def store() -> Store:
    """This process's store: in the cache folder when the cache is on, else answers kept for this run only."""
    where = tuple(os.environ.get(k) for k in ("KLAUSUL_NO_CACHE", "KLAUSUL_CACHE_DIR", "XDG_CACHE_HOME", "HOME"))
    found = _STORES.get(where)
    if found is None:
        from generator.library.cache import cache_dir, enabled

        found = _STORES[where] = Store(cache_dir() / FILE if enabled() else None)
    return found
