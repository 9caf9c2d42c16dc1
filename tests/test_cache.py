"""The validation cache: reused only for identical inputs; any edit, code or schema change misses."""

from __future__ import annotations

import shutil
from pathlib import Path

import generator.library.cache as cache
import generator.core.workers as workers
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


def test_an_unreadable_cache_file_is_ignored_and_replaced(library):
    path = cache.cache_file(library)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x80\x05not a pickle")
    assert _codes(library) == []
    assert cache._read(path).get("format") == cache.FORMAT


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
