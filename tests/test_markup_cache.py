"""Parsed clause Markdown kept on disk: the same blocks as parsing, a changed text misses, a broken
or foreign file is not trusted, and builds with and without the cache are byte for byte the same."""

from __future__ import annotations

import io
import json
import os
import subprocess
import zipfile
import sys
from pathlib import Path

import yaml

from generator.draft import markup_cache
from generator.draft.markdown_reader import read
from generator.draft.markup import parse
from tests.conftest import DATA, REPO


def _clause_texts() -> list[str]:
    texts = []
    for folder in (REPO / "clauses", DATA / "library" / "clauses", DATA / "valid"):
        for path in sorted(folder.rglob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            if isinstance(data, dict):
                texts += [t for t in (data.get("text") or {}).values() if isinstance(t, str)]
                for fallback in data.get("fallbacks") or ():
                    texts += [t for t in (fallback.get("text") or {}).values() if isinstance(t, str)]
    return texts


TRICKY = ["A *b* **c** `d & <e>` [f](http://x.se/(y)) ![alt](img.png) {{ p_1 }}\n\n- one\n- two\n  1. nested",
          "| a | b |\n|---|---|\n| {{ x }} | *y* |", "3. starts at three\n4. four", "# heading\n\n---\n\n> quoted"]


def test_every_clause_text_comes_back_from_json_as_parsed():
    texts = _clause_texts() + TRICKY
    assert len(texts) > 100
    for text in texts:
        blocks = read(text)
        stored = markup_cache.decode(json.loads(json.dumps(markup_cache.encode(blocks))))
        assert stored == blocks and [type(b) for b in stored] == [type(b) for b in blocks]


def test_stored_blocks_are_read_back_and_a_changed_text_misses():
    text = "Leverantören ska *inom* {{ hours }} timmar:\n\n- meddela\n- åtgärda"
    assert markup_cache.get(text) is None
    markup_cache.put(text, read(text))
    markup_cache.flush()
    assert markup_cache.get(text) == read(text)
    assert markup_cache.get(text + " ") is None and markup_cache.get(text.replace("*inom*", "inom")) is None
    assert markup_cache.cache_path().is_file()


def test_another_code_version_misses(monkeypatch):
    text = "Ett stycke."
    markup_cache.put(text, read(text))
    markup_cache.flush()
    assert markup_cache.get(text) is not None
    monkeypatch.setattr(markup_cache, "_FINGERPRINT", [b"another version of markup.py"])
    assert markup_cache.get(text) is None


def test_the_markdown_version_is_part_of_the_fingerprint(monkeypatch, tmp_path):
    import importlib.util

    before = markup_cache.fingerprint()
    fake = tmp_path / "markdown"
    fake.mkdir()
    (fake / "__meta__.py").write_text("__version_info__ = (99, 0, 0, 'final', 0)\n")
    real = importlib.util.find_spec

    def find_spec(name, *args):
        spec = real(name, *args)
        if name == "markdown":
            spec.submodule_search_locations = [str(fake)]
        return spec

    monkeypatch.setattr(markup_cache, "_FINGERPRINT", [])
    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    assert markup_cache.fingerprint() != before


def test_a_broken_file_is_ignored_and_rewritten():
    text = "Ett *annat* stycke."
    path = markup_cache.cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    markup_cache._close()
    markup_cache._STATE["where"] = None
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)  # a header, then garbage
    os.chmod(path, 0o600)
    assert markup_cache.get(text) is None
    markup_cache.put(text, read(text))
    markup_cache.flush()
    assert markup_cache.get(text) == read(text)
    markup_cache._close()
    markup_cache._STATE["where"] = None  # a new process, as far as the cache can tell
    assert markup_cache.get(text) == read(text)


def test_a_row_that_does_not_decode_is_parsed_again_and_replaced():
    text = "Tredje stycket."
    markup_cache.get(text)  # opens the file
    db = markup_cache._STATE["db"]
    with db:
        db.execute("INSERT INTO markup (key, blocks) VALUES (?, ?)", (markup_cache._key(text), '[["X", 1]]'))
    assert markup_cache.get(text) is None
    parse.cache_clear()
    assert parse(text) == read(text)
    markup_cache.flush()
    assert markup_cache.get(text) == read(text)


def test_a_file_others_may_write_is_not_used():
    text = "Fjärde stycket."
    markup_cache.get(text)
    markup_cache.put(text, read(text))
    markup_cache.flush()
    markup_cache._close()
    markup_cache._STATE["where"] = None
    os.chmod(markup_cache.cache_path(), 0o666)
    assert markup_cache.get(text) is None  # not read: replaced by a file only we may write
    assert markup_cache.cache_path().stat().st_mode & 0o777 == 0o600


def test_no_cache_means_no_file(monkeypatch):
    monkeypatch.setenv("KLAUSUL_NO_CACHE", "1")
    markup_cache.put("Femte stycket.", read("Femte stycket."))
    markup_cache.flush()
    assert markup_cache.get("Femte stycket.") is None
    assert not list(Path(os.environ["KLAUSUL_CACHE_DIR"]).glob("markup-*"))


def _build(root: Path, out: Path, env: dict) -> dict[str, bytes]:
    subprocess.run([sys.executable, "-m", "generator", "--root", str(root), "build", "--out", str(out), "-q",
                    "--jobs", "1"], check=True, env={**os.environ, **env}, timeout=600)
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_cached_and_uncached_builds_are_byte_identical_and_an_edited_text_is_read_anew(shipped_copy, tmp_path):
    cache = {"KLAUSUL_CACHE_DIR": str(tmp_path / "cache"), "SOURCE_DATE_EPOCH": "1800000000"}
    cold = _build(shipped_copy, tmp_path / "cold", cache)
    assert list((tmp_path / "cache").glob("markup-*.sqlite3"))
    warm = _build(shipped_copy, tmp_path / "warm", cache)
    off = _build(shipped_copy, tmp_path / "off", {**cache, "KLAUSUL_NO_CACHE": "1"})
    assert len(cold) >= 6 and cold == warm == off
    clause = next(p for p in (shipped_copy / "clauses").rglob("*.yaml") if "text:" in p.read_text())
    data = yaml.safe_load(clause.read_text(encoding="utf-8"))
    lang = next(iter(data["text"]))
    data["text"][lang] = data["text"][lang].rstrip() + "\n\nKlausulcachetestord *betonat* här."
    clause.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    edited = _build(shipped_copy, tmp_path / "edited", cache)
    md = {k: v for k, v in edited.items() if k.endswith(".md")}
    changed = [name for name in edited if edited[name] != warm.get(name)]
    assert changed, "the edited clause changed nothing"
    texts = [zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml") for name, data in edited.items()
             if name.endswith(".docx") and name in changed]
    assert any(b"Klausulcachetestord" in t for t in texts) or any(b"Klausulcachetestord" in v for v in md.values())


def test_a_symbolic_link_in_place_of_the_file_is_not_followed(tmp_path):
    victim = tmp_path / "someone-elses-file"
    victim.write_bytes(b"")
    os.chmod(victim, 0o600)
    path = markup_cache.cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(victim)
    markup_cache._close()
    markup_cache._STATE["where"] = None
    assert markup_cache.get("Sjätte stycket.") is None
    markup_cache.put("Sjätte stycket.", read("Sjätte stycket."))
    markup_cache.flush()
    assert victim.read_bytes() == b""  # never opened as a database
    assert not path.is_symlink() and markup_cache.get("Sjätte stycket.") == read("Sjätte stycket.")
