"""Parsed clause Markdown kept on disk between processes, so that a warm build neither imports nor
runs Python-Markdown (together about half the time of assembling an agreement).

One SQLite file in the cache folder of `generator.library.cache` (`KLAUSUL_NO_CACHE` turns it off
as well): rows of (key, blocks as JSON), never anything executable. The key is the sha256 of the
text and of a fingerprint of what the answer depends on: the source of the markup modules, the
model's block classes, and the installed Markdown's version. The file is named by that fingerprint,
so another code version never reads this one's rows; files of other versions unused for
KEEP_DAYS are removed. A file that cannot be read, or a row that does not decode, is ignored and
written again; a file that another user owns, that others may write, or a symbolic link is never
read (it could lie) but removed and started again where that is allowed.
Writes are collected and committed together (at the end of assembling an agreement and at exit).
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import stat
import time
from pathlib import Path

from generator.core import cachedir
from generator.core.model import Block, Inline, Link, ListBlock, Paragraph, Param, Styled, Table, Text

FORMAT = 1  # bump when the stored layout changes
KEEP_DAYS = 30
_SOURCES = ("draft/markup.py", "draft/markdown_reader.py", "draft/markup_cache.py", "draft/preview_lists.py",
            "core/placeholders.py", "core/model.py")

# this process's connection: (pid, file) it is for, the connection (None: off or broken), rows to write
_STATE: dict = {"where": None, "db": None, "pending": {}}
_INHERITED: list = []


def get(text: str) -> tuple[Block, ...] | None:
    """The stored blocks of `text`, or None when they are not stored (or the cache is off)."""
    db = _db()
    if db is None:
        return None
    try:
        row = db.execute("SELECT blocks FROM markup WHERE key = ?", (_key(text),)).fetchone()
    except Exception as exc:  # noqa: BLE001  locked: parse; damaged: go on without it, start it again
        _failed(exc)
        return None
    if row is None:
        return None
    try:
        return decode(json.loads(row[0]))
    except (ValueError, TypeError, KeyError, IndexError, RecursionError):  # not a row of ours: parse again
        return None


def put(text: str, blocks: tuple[Block, ...]) -> None:
    """Keep `blocks` to be written at the next flush()."""
    if _db() is not None:
        if not _STATE.get("atexit"):
            atexit.register(flush)  # the rows of texts parsed after the last draft was assembled
            _STATE["atexit"] = True
        _STATE["pending"][_key(text)] = json.dumps(encode(blocks), ensure_ascii=False, separators=(",", ":"))


def flush() -> None:
    """Write the kept rows in one transaction; a cache that cannot be written is no error."""
    db = _db()
    pending, _STATE["pending"] = _STATE["pending"], {}
    _write(db, pending)


def _write(db, pending: dict[str, str]) -> None:
    if not pending or db is None:
        return
    try:
        with db:
            db.executemany("INSERT OR REPLACE INTO markup (key, blocks) VALUES (?, ?)", pending.items())
    except Exception as exc:  # noqa: BLE001  locked too long, full disk, damaged: the next run parses again
        _failed(exc)


# --- the file ---------------------------------------------------------------------------------

def cache_path() -> Path:
    """This code version's file."""
    from generator.library.cache import cache_dir

    return cache_dir() / f"markup-{fingerprint().hex()[:20]}.sqlite3"


def _db():
    """The connection of this process (a forked worker opens its own), or None."""
    from generator.library.cache import enabled

    # the file to use: none when the cache is off; a changed cache folder (tests) means another file
    try:
        where = (os.getpid(), enabled() and cache_path())
    except OSError:  # the markup modules' source cannot be read (fingerprint): no cache
        where = (os.getpid(), None)
    if _STATE["where"] == where:
        return _STATE["db"]
    if _STATE["where"] is not None and _STATE["where"][0] == where[0]:
        _write(_STATE["db"], _STATE["pending"])  # rows kept for the previous file go there first
        _close()
    elif _STATE["db"] is not None:  # the parent's, after a fork: never used here, and never closed here
        _INHERITED.append(_STATE["db"])  # (closing it could checkpoint or remove the parent's journal)
    _STATE.update(where=where, db=None, pending={})
    if where[1]:
        _STATE["db"] = _open(where[1])
    return _STATE["db"]


def _open(path: Path):
    try:
        import sqlite3
    except ImportError:  # a Python built without it: parse every time
        return None
    for attempt in (1, 2):
        try:
            fresh = _create(path)
            if not _ours(path):  # planted or opened up by someone: not read, and replaced by our own
                raise PermissionError(f"{path} is not only ours")
            db = sqlite3.connect(path, timeout=2)
            db.execute("PRAGMA journal_mode=WAL")  # a commit without fsync; readers never wait
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS markup (key TEXT PRIMARY KEY, blocks TEXT NOT NULL)")
            db.execute("SELECT count(*) FROM markup WHERE key = ''").fetchone()  # a damaged file fails here
            if fresh:
                _prune(path)
            return db
        except sqlite3.OperationalError:  # locked by another process for too long, unwritable folder
            return None
        except Exception:  # noqa: BLE001  not a database, damaged, not ours: start it again
            if attempt == 2:
                return None
            _remove(path)
    return None


def _create(path: Path) -> bool:
    """Create the file only readable and writable by us; True when it is new."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        return True
    except FileExistsError:
        return False


def _ours(path: Path) -> bool:
    info = os.lstat(path)  # a symbolic link (planted in a shared folder) is not ours either
    return stat.S_ISREG(info.st_mode) and cachedir.trusted(info)


def _failed(exc: Exception) -> None:
    import sqlite3

    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
        _reset()  # "file is not a database", "database disk image is malformed"


def _reset() -> None:
    """Drop a file that failed: this process goes on without it, the next one starts it again."""
    _close()
    _STATE["pending"] = {}
    if _STATE["where"] and _STATE["where"][1]:
        _remove(_STATE["where"][1])


def _close() -> None:
    db, _STATE["db"] = _STATE["db"], None
    try:
        if db is not None:
            db.close()
    except Exception:  # noqa: BLE001  closing a broken connection
        pass


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(f"{path}{suffix}")
        except OSError:
            pass


def _prune(keep: Path) -> None:
    """Remove other versions' files unused for KEEP_DAYS."""
    now = time.time()
    try:
        old = [p for p in keep.parent.glob("markup-*.sqlite3")
               if p != keep and now - p.stat().st_mtime > KEEP_DAYS * 86400]
    except OSError:
        return
    for path in old:
        _remove(path)


def _key(text: str) -> str:
    digest = hashlib.sha256(fingerprint())
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


_FINGERPRINT: list[bytes] = []


def fingerprint() -> bytes:
    """sha256 of the code that turns a text into blocks, and of the installed Markdown's version."""
    if not _FINGERPRINT:
        import importlib.util

        package = Path(__file__).resolve().parents[1]
        digest = hashlib.sha256(f"klausul-markup {FORMAT}".encode("ascii"))
        for name in _SOURCES:
            digest.update(f"\n{name}\n".encode("ascii"))
            digest.update((package / name).read_bytes())
        spec = importlib.util.find_spec("markdown")  # finds the package without importing it
        locations = list(spec.submodule_search_locations or []) if spec else []
        meta = Path(locations[0]) / "__meta__.py" if locations else None
        digest.update(b"\nmarkdown\n" + (meta.read_bytes() if meta and meta.is_file() else b"absent"))
        _FINGERPRINT.append(digest.digest())
    return _FINGERPRINT[0]


# --- blocks as JSON -----------------------------------------------------------------------------

def encode(blocks: tuple[Block, ...]) -> list:
    """Blocks as JSON values: a text is a string, everything else a list led by its kind."""
    return [_encode_block(b) for b in blocks]


def _encode_block(block: Block) -> list:
    if isinstance(block, Paragraph):
        return ["P", _encode_inlines(block.inlines)]
    if isinstance(block, ListBlock):
        return ["L", block.ordered, block.start, [encode(item) for item in block.items]]
    return ["T", [_encode_inlines(c) for c in block.header], [[_encode_inlines(c) for c in row] for row in block.rows]]


def _encode_inlines(inlines: tuple[Inline, ...]) -> list:
    out: list = []
    for inline in inlines:
        if isinstance(inline, Text):
            out.append(inline.text)
        elif isinstance(inline, Param):
            out.append(["p", inline.name])
        elif isinstance(inline, Styled):
            out.append(["s", inline.style, _encode_inlines(inline.children)])
        else:
            out.append(["l", inline.url, _encode_inlines(inline.children)])
    return out


def decode(data: list) -> tuple[Block, ...]:
    """The blocks `encode` wrote; a value of any other shape raises ValueError, TypeError or KeyError."""
    return tuple(_DECODE_BLOCK[b[0]](b) for b in data)


def _decode_inlines(data: list) -> tuple[Inline, ...]:
    return tuple(Text(i) if isinstance(i, str) else _DECODE_INLINE[i[0]](i) for i in data)


def _text(value) -> str:
    if not isinstance(value, str):
        raise TypeError(f"not a text: {value!r}")
    return value


_DECODE_BLOCK = {
    "P": lambda b: Paragraph(_decode_inlines(b[1])),
    "L": lambda b: ListBlock(bool(b[1]), tuple(decode(item) for item in b[3]), int(b[2])),
    "T": lambda b: Table(tuple(_decode_inlines(c) for c in b[1]),
                         tuple(tuple(_decode_inlines(c) for c in row) for row in b[2])),
}
_DECODE_INLINE = {
    "p": lambda i: Param(_text(i[1])),
    "s": lambda i: Styled(_text(i[1]), _decode_inlines(i[2])),
    "l": lambda i: Link(_decode_inlines(i[2]), _text(i[1])),
}
