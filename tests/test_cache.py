"""The validation cache: reused only for identical inputs; any edit, code or schema change misses."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import generator.library.cache as cache
import generator.core.workers as workers
from generator.core.errors import Diagnostic
from generator.draft.check import diagnose
from generator.library.open import open_library


def _codes(root: Path) -> list[tuple[str, str]]:
    return [(d.path, d.code) for d in diagnose(root)]


def _forbid_parsing(monkeypatch) -> None:
    def parse(_file):
        raise AssertionError("a file was parsed although the cache had it")

    monkeypatch.setattr(cache, "_check_file", parse)


def test_second_run_answers_from_the_cache(library, monkeypatch):
    assert _codes(library) == []
    assert cache.cache_file(library).is_file()
    assert not any(cache.cache_dir().rglob("*.tmp"))
    with monkeypatch.context() as m:
        _forbid_parsing(m)
        assert _codes(library) == []
        library_obj, _ = open_library(library)
    assert sorted(library_obj.agreements) == ["gaps", "pilot"]


def test_editing_a_file_invalidates_its_entry_and_the_cross_file_result(library, monkeypatch):
    assert _codes(library) == []
    clause = library / "clauses" / "alpha.yaml"
    clause.write_text(clause.read_text(encoding="utf-8").replace("{{ alert_time }}", "{{ alert_tim }}", 1),
                      encoding="utf-8")
    assert ("clauses/alpha.yaml", "placeholder-undeclared") in _codes(library)
    with monkeypatch.context() as m:  # the broken state is cached in its turn
        _forbid_parsing(m)
        assert ("clauses/alpha.yaml", "placeholder-undeclared") in _codes(library)
    clause.write_text(clause.read_text(encoding="utf-8").replace("{{ alert_tim }}", "{{ alert_time }}"),
                      encoding="utf-8")
    assert _codes(library) == []


def test_removing_a_file_that_others_refer_to_is_seen(library):
    assert _codes(library) == []
    (library / "services" / "hall.yaml").unlink()
    assert ("agreements/pilot.yaml", "unknown-reference") in _codes(library)


def test_cached_answers_equal_uncached_ones(library, monkeypatch):
    shutil.copy(Path(__file__).parent / "data" / "invalid" / "clauses" / "invalid_unknown_cover.yaml",
                library / "clauses")
    shutil.copy(Path(__file__).parent / "data" / "invalid" / "clauses" / "invalid_term_variant.yaml",
                library / "clauses")  # a problem of the document alone, kept in its file's entry
    (library / "clauses" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    cold, warm = diagnose(library), diagnose(library)
    monkeypatch.setenv("KLAUSUL_NO_CACHE", "1")
    assert diagnose(library) == cold == warm
    assert {d.code for d in cold} >= {"yaml-syntax", "unknown-reference", "term-variant"}


def test_a_changed_schema_or_generator_module_changes_the_fingerprint(tmp_path, monkeypatch):
    schemas = tmp_path / "schemas"
    shutil.copytree(cache.schema_dir(), schemas)
    monkeypatch.setattr(cache, "schema_dir", lambda: schemas)
    monkeypatch.setattr(cache, "_FINGERPRINT", [])
    before = cache.fingerprint()
    (schemas / "clause.yaml").write_text((schemas / "clause.yaml").read_text() + "\n# changed\n")
    monkeypatch.setattr(cache, "_FINGERPRINT", [])
    assert cache.fingerprint() != before
    assert cache._key(before, "clauses/a.yaml", "clause", b"x") != cache._key(cache.fingerprint(), "clauses/a.yaml",
                                                                               "clause", b"x")


def test_no_cache_writes_nothing(library, monkeypatch):
    monkeypatch.setenv("KLAUSUL_NO_CACHE", "1")
    assert _codes(library) == []
    assert not cache.cache_dir().exists() or not any(cache.cache_dir().iterdir())


def _stored_problems(path: Path) -> list | None:
    """The library's problems as the index file holds them, read with plain sqlite3; None if it has none."""
    import json
    import sqlite3

    with contextlib.closing(sqlite3.connect(path)) as db:
        fingerprint = db.execute("SELECT value FROM meta WHERE name = 'fingerprint'").fetchone()
        row = db.execute("SELECT value FROM library WHERE name = 'problems'").fetchone()
    assert fingerprint == (cache.fingerprint().hex(),)
    return [Diagnostic(*fields) for fields in json.loads(row[0])] if row else None


def test_an_unreadable_cache_file_is_ignored_and_replaced(library):
    path = cache.cache_file(library)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x80\x05not json")
    assert _codes(library) == []
    assert _stored_problems(path) == []


def test_cache_lives_outside_the_library_and_output(library):
    diagnose(library)
    assert not cache.cache_file(library).resolve().is_relative_to(library.resolve())


def test_many_files_are_parsed_in_workers_with_the_same_result(library, monkeypatch):
    for n in range(12):
        (library / "clauses" / f"copy-{n}.yaml").write_text(
            (library / "clauses" / "beta.yaml").read_text(encoding="utf-8").replace("id: beta", f"id: copy-{n}"),
            encoding="utf-8")
    monkeypatch.setenv("KLAUSUL_NO_CACHE", "1")
    one = diagnose(library)
    calls, real_run = [], workers.run
    monkeypatch.setattr(cache, "PARALLEL_FROM", 2)
    monkeypatch.setattr(workers, "default_jobs", lambda: 2)
    monkeypatch.setattr(workers, "run", lambda *args, **kw: calls.append(args) or real_run(*args, **kw))
    assert diagnose(library) == one
    assert calls, "the files were not parsed in workers"


def test_a_planted_pickle_never_runs(library, tmp_path):
    """The cache is JSON: a file planted where the cache lives is data at most, never code."""
    import pickle

    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (Path.touch, (marker,))

    path = cache.cache_file(library)
    path.parent.mkdir(parents=True, exist_ok=True)
    for planted in (path, path.with_suffix(".pickle")):
        planted.write_bytes(pickle.dumps({"format": cache.FORMAT, "files": Payload()}))
    assert _codes(library) == []
    assert not marker.exists()
    assert _stored_problems(path) == []  # replaced by a readable cache


def test_a_cache_file_others_may_write_is_not_trusted(library):
    import sqlite3

    from generator.library.index_store import _rows

    assert _codes(library) == []
    path = cache.cache_file(library)
    planted = [Diagnostic("clauses/alpha.yaml", 1, "", "planted", "planted", "error")]
    with contextlib.closing(sqlite3.connect(path)) as db, db:  # someone else's lie: an error that is not there
        db.execute("UPDATE library SET value = ?", (_rows(planted),))
    path.chmod(0o666)
    assert _codes(library) == []
    assert path.stat().st_mode & 0o077 == 0  # replaced by a private file of our own


def test_old_cache_files_are_pruned(library):
    import os
    import time

    directory = cache.cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    stale = [directory / f"{n:024x}.sqlite" for n in range(cache.KEEP_FILES + 5)]
    earlier = [directory / f"{0xabc:024x}.json", directory / f"{0xabd:024x}.pickle"]  # the formats before
    others = directory / "markdown-parse.json"  # another cache's file in the same folder is left alone
    for path in earlier + [others]:
        path.write_bytes(b"{}")
    old = time.time() - (cache.KEEP_DAYS + 1) * 86400
    for n, path in enumerate(stale):
        path.write_bytes(b"{}")
        os.utime(path, (old if n < 3 else time.time() - n,) * 2)
    leftover = directory / ".x.json.abc.tmp"
    leftover.write_bytes(b"")
    os.utime(leftover, (old, old))
    assert _codes(library) == []
    kept = {p for p in directory.iterdir()}
    assert cache.cache_file(library) in kept and leftover not in kept
    assert not kept & set(stale[:3])  # unused for longer than KEEP_DAYS
    assert len([p for p in kept if p.suffix == ".sqlite"]) == cache.KEEP_FILES
    assert not kept & set(earlier) and others in kept


def test_the_codec_round_trips_every_value_a_source_holds():
    import datetime as dt

    from generator.library import cache_codec
    from generator.library.load import Source

    source = Source("clause", "clauses/a.yaml", {"levels": {1: 24, 2: 8.5}, "date": dt.date(2027, 1, 1),
                                                 "when": dt.datetime(2027, 1, 1, 12), "x": [None, True, "\x00tuple"],
                                                 "\x00map": "key like a tag"},
                    {("levels", 1): 3, (): 1}, {("text", "sv")})
    back = cache_codec.loads(cache_codec.dumps({"s": source, "t": (1, "a")}))
    assert back["s"] == source and back["t"] == (1, "a")


def test_a_damaged_index_is_removed_and_the_answer_still_right(library, tmp_path):
    """An index cut short (a full disk, a copy interrupted) fails only when a page is read: that run
    still answers as without the cache, and the next run has a sound index again."""
    (library / "clauses" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    expected = _codes(library)
    path = cache.cache_file(library)
    data = path.read_bytes()
    half = len(data) // 2 // 4096 * 4096
    path.write_bytes(data[:half] + b"\xff" * (len(data) - half))  # opens; pages read later are garbage
    assert _codes(library) == expected
    assert _codes(library) == expected
    assert _stored_problems(cache.cache_file(library)) is not None
