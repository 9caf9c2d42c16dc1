"""The validation cache: each file's parse and schema check, and the library's cross-file problems,
kept on disk in an index of the library and reused only for inputs that are byte for byte the same.

Where: `$KLAUSUL_CACHE_DIR`, else `$XDG_CACHE_HOME/klausul`, else `~/.cache/klausul`; one SQLite
file per library (see index_store), named by a hash of the library's absolute path, so nothing is
written into the library or into output/. `KLAUSUL_NO_CACHE=1` turns it off.

What makes a stale answer impossible: a file's entry is found by the sha256 of its path, kind and
bytes together with a fingerprint of everything else the answer depends on (the source of every
module of the generator package, the schema files, the Python version, and the installed PyYAML,
Cerberus, Markdown and holidays, by their module files' size and modification time). The
cross-file problems are found by the hash of every file key in order, so adding, removing,
renaming or editing any file misses.

What makes it fast: a file whose size, mtime_ns, ctime_ns and inode are those recorded with its
key is not read again. A file can change within one tick of a coarse clock without its stat
changing ("racy" timestamps, as git calls them), so a file modified less than RACY_SECONDS before
its stat was recorded is read and hashed again until a later run records it as settled. And an
agreement's commands load only the entries of the documents it can use (see needs), when no file
changed since the library's problems were stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
import stat
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from generator.core import cachedir
from generator.core.errors import Diagnostic
from generator.library import index_store
from generator.library.entries import Entry, check_file, combine, schema_valid
from generator.library.load import MAX_FILE_BYTES, Source, Unreadable, printable, read_file
from generator.library.schema import schema_dir

FORMAT = 4  # bump when the stored layout changes (3: JSON instead of pickle; 4: an SQLite index)
KEEP_DAYS = 30  # cache files of libraries not opened for this long are removed
KEEP_FILES = 64  # and at most this many are kept, the most recently used
PARALLEL_FROM = 400  # files to parse before worker processes pay for themselves
RACY_SECONDS = 2  # a file modified this close to its recorded stat is hashed again (FAT's clock ticks 2 s)
_DEPENDENCIES = ("yaml", "yaml._yaml", "cerberus", "markdown", "holidays")
_SUFFIX = ".sqlite"
_now = time.time_ns



def enabled() -> bool:
    """Whether the cache is on (KLAUSUL_NO_CACHE unset, empty or 0)."""
    return cachedir.caching()


def cache_dir() -> Path:
    """Where cache files live: $KLAUSUL_CACHE_DIR, $XDG_CACHE_HOME/klausul or ~/.cache/klausul."""
    return cachedir.cache_root()


def cache_file(root: Path) -> Path:
    """The cache file (the index) of the library at root."""
    name = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:24]
    return cache_dir() / f"{name}{_SUFFIX}"


@dataclass
class _File:
    """One library file as the index sees it: its key, and its bytes when they had to be read."""

    rel: str
    kind: str
    raw: bytes | None  # None: the key was trusted from the index, the file not read
    key: str
    row: tuple | None  # (path, size, mtime_ns, ctime_ns, ino, checked_ns, key) to record; None: never trusted
    facts: tuple | None = None  # (kind, id, refs, types) as the index holds them for this key; None: not stored


@dataclass
class _Scan:
    files: list[_File]
    key: str  # of the whole library: every file key in order
    dirty: bool  # the recorded file rows differ from these


def load_checked(root: Path) -> tuple[list[Source], list[Diagnostic]]:
    """Every file parsed and checked (YAML problems, then schema problems, then cross-file problems),
    through the cache when it is on; the same answer as without it."""
    return _through_index(root, lambda store: _load_all(root, store))


def load_for(root: Path, agreements: set[str]) -> tuple[list[Source], list[Diagnostic], bool]:
    """The library's problems (all of them, as load_checked gives them), the sources of the documents
    the agreements can use (see needs; every source without the index, or when the choice cannot be
    made from it; none when there are errors, as nothing is built) and whether the library has any file."""
    return _through_index(root, lambda store: _load_for(root, agreements, store))


def _load_for(root: Path, agreements: set[str], store) -> tuple[list[Source], list[Diagnostic], bool]:
    from generator.library.needs import facts_of, needed

    if store is None:
        sources, problems = _load_all(root, None)
        return sources, problems, bool(sources or problems)
    scan = _scan(root, store)
    indexed = all(f.facts is not None for f in scan.files)  # every key's entry is stored
    problems = store.result("problems", scan.key) if indexed else None
    if problems is not None and any(d.severity == "error" for d in problems):
        _remember(store, scan, {}, {})
        return [], problems, True
    if problems is not None:
        uses = needed([(f.facts[0], f.facts[1], index_store.unpack(*f.facts[2:])) for f in scan.files], agreements)
        keys = [f.key for f, use in zip(scan.files, uses or ()) if use]
        entries = store.entries(keys)
        if uses is not None and len(entries) == len(keys):  # else pruned by another process meanwhile
            _remember(store, scan, {}, {})
            return [entries[k][0] for k in keys if entries[k][0] is not None], problems, bool(scan.files)
    sources, problems = _load_all(root, store, scan)
    if any(d.severity == "error" for d in problems):
        return [], problems, True
    uses = needed([facts_of(s) for s in sources], agreements)
    return ([s for s, use in zip(sources, uses) if use] if uses is not None else sources), problems, bool(sources)


def remembered(root: Path, name: str, compute):
    """compute(), a whole-library list of problems, reused while no library file changes."""
    if not enabled():
        return compute()

    def lookup(store):
        if store is None:
            return None, None
        scan = _scan(root, store)
        found = store.result(name, scan.key)
        if found is not None:
            _remember(store, scan, {}, {})
        return scan.key, found

    def keep(store):
        if store is not None and key is not None:
            again = _scan(root, store)
            if again.key == key:  # no file changed while computing: the value is of this state
                _remember(store, again, {}, {name: (again.key, value)})

    key, found = _through_index(root, lookup)
    if found is not None:
        return found
    value = compute()  # loads (and stores) the library itself
    _through_index(root, keep)
    return value


def _through_index(root: Path, work):
    """work(store) with the library's index; when the index turns out unreadable half-way (a damaged
    file), it is removed and the work done again without it."""
    try:
        with _opened(root) as store:
            return work(store)
    except sqlite3.DatabaseError:
        with contextlib.suppress(OSError):
            cache_file(root).unlink()
        return work(None)


@contextlib.contextmanager
def _opened(root: Path):
    """The library's index, None when the cache is off or cannot be kept."""
    store = index_store.open_store(cache_file(root), fingerprint().hex()) if enabled() else None
    try:
        yield store
    finally:
        if store is not None:
            store.close()


def _load_all(root: Path, store, scan: _Scan | None = None) -> tuple[list[Source], list[Diagnostic]]:
    """Every source and the library's problems; stored entries reused, the rest parsed and stored (scan:
    the library just scanned, so that no file is read twice)."""
    if store is None:
        from generator.library.load import read_library

        sources, problems, _cross = _combine(_check_many(read_library(root)), None)
        return sources, problems
    scan = scan or _scan(root, store)
    stored = store.entries(f.key for f in scan.files)
    if any(f.raw is None and f.key not in stored for f in scan.files):  # pruned meanwhile: read every file
        scan = _scan(root, store, trust=False)
        stored = store.entries(f.key for f in scan.files)
    missing = list({f.key: f for f in scan.files if f.key not in stored}.values())
    fresh = dict(zip((f.key for f in missing), _check_many([(f.rel, f.kind, f.raw) for f in missing])))
    entries = [stored.get(f.key) or fresh[f.key] for f in scan.files]
    problems = store.result("problems", scan.key)
    if problems is None:
        sources, problems, _cross = _combine(entries, None)
        results = {"problems": (scan.key, problems)}
    else:
        sources, results = [e[0] for e in entries if e[0] is not None], {}
    from generator.library.needs import facts_of

    # a file that does not parse has facts too (its kind from its folder): the index knows every key
    _remember(store, scan, {f.key: (fresh[f.key], f.kind, *facts_of(fresh[f.key][0])[1:]) for f in missing},
              results)
    return sources, problems


def _remember(store, scan: _Scan, entries: dict, results: dict) -> None:
    """Write what changed (file rows, new entries, results) in one transaction; when nothing did, only
    touch the file: pruning goes by the time of last use."""
    if not (scan.dirty or entries or results):
        with contextlib.suppress(OSError):
            os.utime(store.path)
        return
    store.save([f.row for f in scan.files if f.row is not None], entries, results, scan.key)
    _prune(cache_dir(), keep=store.path)


def _scan(root: Path, store, trust: bool = True) -> _Scan:
    """Every library file with its key, read as read_library reads it: the key from the index where
    the file's stat is the recorded one and settled, else the file read and hashed."""
    from generator.library.extend import base_of, library_input_paths

    prefix = fingerprint()
    rows = store.files()
    base = base_of(root)
    files, dirty = [], False
    checked = _now()  # taken before any stat: each file is at least this old when its stat matches
    settled = checked - RACY_SECONDS * 1_000_000_000
    for rel, kind, file in library_input_paths(root):
        rel = rel if rel.isascii() else printable(rel)
        try:
            info = os.lstat(file)  # a link is always read: read_file decides where it may lead
        except OSError:
            info = None
        signature = _signature(info)
        row = rows.get(rel)
        if (trust and signature is not None and row is not None and row[:4] == signature and row[6] is not None
                and signature[1] < row[4] - RACY_SECONDS * 1_000_000_000 and signature[1] < settled):
            files.append(_File(rel, kind, None, row[5], (rel, *row[:6]), row[6]))
            continue
        within = root if base is None or Path(file).is_relative_to(root) else base[1]
        raw = read_file(within, Path(file))
        key = _key(prefix, rel, kind, raw)
        record = signature is not None and not isinstance(raw, Unreadable) and len(raw) == signature[0]
        facts = row[6] if row is not None and row[5] == key else None  # read again, yet the same bytes
        files.append(_File(rel, kind, raw, key, (rel, *signature, checked, key) if record else None, facts))
        dirty = dirty or record or row is not None
    dirty = dirty or len(rows) != sum(f.row is not None for f in files)
    library_key = hashlib.sha256("".join(f.key for f in files).encode("ascii")).hexdigest()
    return _Scan(files, library_key, dirty)


def _signature(info: os.stat_result | None) -> tuple | None:
    """(size, mtime_ns, ctime_ns, inode) of a regular file the index may trust by its stat; None otherwise."""
    if info is None or not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


def _combine(entries: list[Entry], cross: list[Diagnostic] | None):
    """Sources and problems in the order the uncached stages give them; also the cross-file problems."""
    if cross is None:
        from generator.library.validate import cross_check  # here: a warm build never loads validation

        cross = cross_check(schema_valid(entries))
    return (*combine(entries, cross), cross)


def _check_many(files: list[tuple[str, str, bytes]]) -> list[Entry]:
    """Each file's Entry; in worker processes when there are many."""
    from generator.core.workers import default_jobs, run

    jobs = min(default_jobs(), len(files) // PARALLEL_FROM)
    if jobs <= 1:
        return [_check_file(f) for f in files]
    chunks = [files[i::jobs * 4] for i in range(jobs * 4)]  # interleaved: every chunk gets big and small files
    results: list[Entry | None] = [None] * len(files)
    for index, entries in run(_check_chunk, chunks, jobs):
        results[index::jobs * 4] = entries
    return results


def _check_chunk(files: list[tuple[str, str, bytes]]) -> list[Entry]:
    return [_check_file(f) for f in files]


def _check_file(file: tuple[str, str, bytes]) -> Entry:
    rel, _kind, raw = file
    return check_file(rel, raw)


def _key(prefix: bytes, rel: str, kind: str, raw: bytes) -> str:
    digest = hashlib.sha256(prefix)
    # An unreadable file's stand-in has a fourth part, so its key is never that of real bytes.
    extra = (b"unreadable",) if isinstance(raw, Unreadable) else ()
    for part in (rel.encode("utf-8"), kind.encode("ascii"), raw, *extra):
        digest.update(len(part).to_bytes(8, "big"))  # lengths first: no two inputs run together alike
        digest.update(part)
    return digest.hexdigest()


_FINGERPRINT: list[bytes] = []


def fingerprint() -> bytes:
    """sha256 of everything besides the file itself that a file's or the library's answer depends on."""
    if _FINGERPRINT:
        return _FINGERPRINT[0]
    digest = hashlib.sha256(f"klausul-cache {FORMAT} {sys.version}".encode("utf-8"))
    package = Path(__file__).resolve().parents[1]
    schemas = Path(str(schema_dir()))
    inputs = [(p.relative_to(package).as_posix(), p) for p in sorted(package.rglob("*.py"))]
    inputs += [(f"schemas/{p.name}", p) for p in sorted(schemas.glob("*.yaml"))]
    for name, path in inputs:
        digest.update(f"\n{name}\n".encode("utf-8"))
        digest.update(path.read_bytes())
    for module in _DEPENDENCIES:
        digest.update(f"\n{module} {_installed(module)}".encode("utf-8"))
    _FINGERPRINT.append(digest.digest())
    return _FINGERPRINT[0]


def _installed(module: str) -> str:
    """Where a module is installed, with its file's size and mtime: a reinstall or upgrade changes it."""
    import importlib.util

    spec = importlib.util.find_spec(module)
    if spec is None or not spec.origin or not os.path.exists(spec.origin):
        return "absent"
    info = os.stat(spec.origin)
    return f"{spec.origin} {info.st_size} {info.st_mtime_ns}"


_OLD_FORMAT = re.compile(r"[0-9a-f]{24}\.(json|pickle)")  # the cache files of earlier versions


def _prune(directory: Path, keep: Path) -> None:
    """Remove cache files of libraries unused for KEEP_DAYS, beyond the KEEP_FILES most recent, those of
    earlier formats, and temporary files a killed process left (older than an hour)."""
    now = time.time()
    try:
        found = [(p.stat().st_mtime, p) for p in directory.iterdir()
                 if p != keep and (p.suffix in (_SUFFIX, ".pickle", ".tmp") or _OLD_FORMAT.fullmatch(p.name))]
    except OSError:
        return
    caches = sorted((f for f in found if f[1].suffix == _SUFFIX), reverse=True)
    old = [p for mtime, p in found if p.suffix == ".pickle" or _OLD_FORMAT.fullmatch(p.name)
           or (p.suffix == ".tmp" and now - mtime > 3600)]
    old += [p for i, (mtime, p) in enumerate(caches) if i >= KEEP_FILES - 1 or now - mtime > KEEP_DAYS * 86400]
    for path in old:
        path.unlink(missing_ok=True)
        if path.suffix == _SUFFIX:
            Path(f"{path}-journal").unlink(missing_ok=True)
