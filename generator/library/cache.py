"""The validation cache: each file's parse and schema check, and the library's cross-file problems,
kept on disk and reused only for inputs that are byte for byte the same.

Where: `$KLAUSUL_CACHE_DIR`, else `$XDG_CACHE_HOME/klausul`, else `~/.cache/klausul`; one file per
library, named by a hash of the library's absolute path, so nothing is written into the library or
into output/. `KLAUSUL_NO_CACHE=1` turns it off.

What makes a stale answer impossible: a file's entry is found by the sha256 of its path, kind and
bytes together with a fingerprint of everything else the answer depends on (the source of every
module of the generator package, the schema files, the Python version, and the installed PyYAML,
Cerberus and Markdown, by their module files' size and modification time). The cross-file problems
are found by the hash of every file key in order, so adding, removing, renaming or editing any
file misses. A cache file that cannot be read is ignored and rewritten.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
import sys
import tempfile
from pathlib import Path

from generator.core.errors import Diagnostic
from generator.library import cache_codec
from generator.library.load import Source, Unreadable, load_blobs, read_library
from generator.library.schema import schema_dir

FORMAT = 3  # bump when the stored layout changes (3: JSON instead of pickle)
KEEP_DAYS = 30  # cache files of libraries not opened for this long are removed
KEEP_FILES = 64  # and at most this many are kept, the most recently used
PARALLEL_FROM = 400  # files to parse before worker processes pay for themselves
_DEPENDENCIES = ("yaml", "yaml._yaml", "cerberus", "markdown")

Entry = tuple  # (Source | None, YAML problems, schema problems, document problems) of one file


def enabled() -> bool:
    """Whether the cache is on (KLAUSUL_NO_CACHE unset, empty or 0)."""
    return os.environ.get("KLAUSUL_NO_CACHE", "") in ("", "0")


def cache_dir() -> Path:
    """Where cache files live: $KLAUSUL_CACHE_DIR, $XDG_CACHE_HOME/klausul or ~/.cache/klausul."""
    if os.environ.get("KLAUSUL_CACHE_DIR"):
        return Path(os.environ["KLAUSUL_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "klausul"


def cache_file(root: Path) -> Path:
    """The cache file of the library at root."""
    name = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:24]
    return cache_dir() / f"{name}.json"


def load_checked(root: Path) -> tuple[list[Source], list[Diagnostic]]:
    """Every file parsed and checked (YAML problems, then schema problems, then cross-file problems),
    through the cache when it is on; the same answer as without it."""
    files = read_library(root)
    if not enabled():
        sources, problems, _cross = _combine(_check_many(files), None)
        return sources, problems
    prefix = fingerprint()
    keys = [_key(prefix, rel, kind, raw) for rel, kind, raw in files]
    path = cache_file(root)
    stored = _read(path)
    known: dict[str, Entry] = stored.get("files", {})
    missing = [i for i, key in enumerate(keys) if key not in known]
    fresh = dict(zip((keys[i] for i in missing), _check_many([files[i] for i in missing])))
    entries = [known.get(key) or fresh[key] for key in keys]
    library_key = hashlib.sha256("".join(keys).encode("ascii")).hexdigest()
    cross = stored.get("cross")
    cross = cross[1] if cross and cross[0] == library_key else None
    sources, problems, cross = _combine(entries, cross)
    if fresh or stored.get("cross", (None,))[0] != library_key:
        _write(path, {"format": FORMAT, "files": dict(zip(keys, entries)), "cross": (library_key, cross)})
    else:  # used: pruning goes by the time of last use
        with contextlib.suppress(OSError):
            os.utime(path)
    return sources, problems


def _combine(entries: list[Entry], cross: list[Diagnostic] | None):
    """Sources and problems in the order the uncached stages give them; also the cross-file problems."""
    sources = [e[0] for e in entries if e[0] is not None]
    yaml_problems = [d for e in entries for d in e[1]]
    schema_problems = [d for e in entries for d in e[2]]
    document_problems = [d for e in entries for d in e[3]]
    if cross is None:
        from generator.library.validate import cross_check  # here: a warm build never loads validation

        cross = cross_check([e[0] for e in entries if e[0] is not None and not e[2]])
    return sources, yaml_problems + schema_problems + document_problems + cross, cross


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
    from generator.library.validate import document_problems, schema_problems

    rel, _kind, raw = file
    sources, yaml_problems = load_blobs([(rel, raw)])
    source = sources[0] if sources else None
    schema = schema_problems(source) if source is not None else []
    return source, yaml_problems, schema, document_problems(source) if source is not None and not schema else []


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
    stat = os.stat(spec.origin)
    return f"{spec.origin} {stat.st_size} {stat.st_mtime_ns}"


def _read(path: Path) -> dict:
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            # Another user's file, or one others may write, could have been planted to lie about the library.
            if info.st_uid != os.geteuid() or info.st_mode & 0o022:
                return {}
            data = cache_codec.loads(handle.read())
    except Exception:  # missing, truncated, from another version: start again  # noqa: BLE001
        return {}
    return data if isinstance(data, dict) and data.get("format") == FORMAT else {}


def _write(path: Path, data: dict) -> None:
    """Replace the cache file atomically; a cache that cannot be written is no error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(cache_codec.dumps(data))
        os.replace(tmp, path)
    except BaseException as exc:  # a full disk or Ctrl-C: leave no temporary file behind
        Path(tmp).unlink(missing_ok=True)
        if not isinstance(exc, (OSError, TypeError)):
            raise
    _prune(path.parent, keep=path)


def _prune(directory: Path, keep: Path) -> None:
    """Remove cache files of libraries unused for KEEP_DAYS, beyond the KEEP_FILES most recent, and
    temporary files a killed process left (older than an hour)."""
    now = time.time()
    try:
        found = [(p.stat().st_mtime, p) for p in directory.iterdir()
                 if p.suffix in (".json", ".pickle", ".tmp") and p != keep]
    except OSError:
        return
    caches = sorted((f for f in found if f[1].suffix == ".json"), reverse=True)
    old = [p for mtime, p in found if p.suffix == ".pickle" or (p.suffix == ".tmp" and now - mtime > 3600)]
    old += [p for i, (mtime, p) in enumerate(caches) if i >= KEEP_FILES - 1 or now - mtime > KEEP_DAYS * 86400]
    for path in old:
        path.unlink(missing_ok=True)
