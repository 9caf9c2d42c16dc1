"""The library index: an agreement's commands read only what the agreement can use, and answer exactly as
with KLAUSUL_NO_CACHE=1 after any edit, addition, removal, rename, touch or broken file."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import time
from pathlib import Path

import pytest

import generator.library.cache as cache
from generator.library import index_store
from tests.conftest import REPO

SETTLED = 10  # seconds by which files are backdated, so that the index may trust their stat


def _settle(root: Path) -> None:
    """Backdate every file: the next run records stats old enough to be trusted (not racy)."""
    past = time.time() - SETTLED
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (past, past))


def _commands(agreement: str, out: Path, followup: bool = True) -> list[tuple[str, ...]]:
    found = [("build", agreement, "--out", str(out)), ("coverage", agreement, "--format", "json"),
             ("export", "requirements", agreement, "--format", "csv", "-o", "-"), ("validate",)]
    return found + ([("followup", agreement, "--format", "md")] if followup else [])


def _answers(klausul, root: Path, commands, out: Path) -> list:
    """(exit code, stdout, stderr, the bytes of every file written) of each command."""
    found = []
    for args in commands:
        shutil.rmtree(out, ignore_errors=True)
        result = klausul(root, *args)
        files = {p.name: p.read_bytes() for p in sorted(out.glob("*"))} if out.exists() else {}
        stderr = re.sub(r" in [0-9.]+ s$", " in N s", result.stderr, flags=re.M)  # the batch's elapsed time
        found.append((args, result.exit_code, result.stdout, stderr, files))
    return found


def _same_as_uncached(klausul, root: Path, commands, out: Path, monkeypatch) -> list:
    """The answers twice through the cache (the first run stores, the second reuses) and once without it,
    all equal; the answers."""
    first = _answers(klausul, root, commands, out)
    second = _answers(klausul, root, commands, out)
    with monkeypatch.context() as m:
        m.setenv("KLAUSUL_NO_CACHE", "1")
        reference = _answers(klausul, root, commands, out)
    assert first == reference
    assert second == reference
    return reference


def _edits(root: Path):
    """Each change to the test library, with a name: yields after making it."""
    alpha = root / "clauses" / "alpha.yaml"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace("\ntext:", "\n# edited\ntext:", 1)
                     .replace("en: |\n", "en: |\n    Edited first paragraph.\n\n", 1), encoding="utf-8")
    yield "edited clause the agreement uses"
    gaps = root / "agreements" / "gaps.yaml"
    gaps.write_text(gaps.read_text(encoding="utf-8").replace("include: [delta]", "include: [delta, beta]"),
                    encoding="utf-8")
    yield "an agreement includes a clause made for another service type"
    beta = root / "clauses" / "beta.yaml"
    os.utime(beta, (time.time() - 3, time.time() - 3))
    yield "touched but unchanged"
    (root / "clauses" / "beta-two.yaml").write_text(
        beta.read_text(encoding="utf-8").replace("id: beta", "id: beta-two"), encoding="utf-8")
    yield "added clause"
    (root / "clauses" / "gamma.yaml").rename(root / "clauses" / "gamma-renamed.yaml")
    yield "renamed clause"
    (root / "clauses" / "beta-two.yaml").unlink()
    yield "removed clause"
    (root / "terms" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    yield "invalid file elsewhere"
    (root / "terms" / "broken.yaml").unlink()
    (root / "services" / "hall.yaml").unlink()
    yield "removed a service the agreement names"


def test_the_test_library_answers_as_uncached_through_every_change(klausul, library, tmp_path, monkeypatch):
    out = tmp_path / "out"
    commands = _commands("pilot", out) + _commands("gaps", out, followup=False) + [
        ("build", "pilot", "gaps", "--out", str(out), "--jobs", "1"), ("build", "--out", str(out), "--jobs", "1"),
        ("coverage", "no-such-agreement"), ("build", "pilot", "no-such-agreement", "--out", str(out), "--jobs", "1")]
    _settle(library)
    seen = {_same_as_uncached(klausul, library, commands, tmp_path / "out", monkeypatch)[0][1]}
    for _name in _edits(library):
        answers = _same_as_uncached(klausul, library, commands, tmp_path / "out", monkeypatch)
        seen.add(answers[0][1])
        _settle(library)
        assert _answers(klausul, library, commands, tmp_path / "out") == answers  # settled: stats trusted
    assert seen == {0, 1}  # the builds succeeded, then failed on the broken file and the missing service


def test_the_samples_answer_as_uncached(klausul, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    root = tmp_path / "samples"
    for folder in ("clauses", "services", "catalogs", "agreements", "terms", "klausul.yaml"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder)
        elif (REPO / folder).is_file():
            shutil.copy(REPO / folder, root / folder)
    _settle(root)
    for agreement in sorted(p.stem for p in (root / "agreements").glob("*.yaml")):
        answers = _same_as_uncached(klausul, root, _commands(agreement, tmp_path / "out"), tmp_path / "out",
                                    monkeypatch)
        assert answers[0][1] == 0 and any(name.endswith(".docx") for name in answers[0][4])


def _synth():
    spec = importlib.util.spec_from_file_location("synth", REPO / "bench" / "synth.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_warm_build_reads_only_what_the_agreement_can_use(klausul, tmp_path, monkeypatch):
    root = tmp_path / "synth"
    _synth().generate(root, 120, 3)  # 20 clauses for every service, 10 for each of 10 service types
    _settle(root)
    out = tmp_path / "out"
    assert klausul(root, "build", "agreement-00000", "--out", str(out)).exit_code == 0
    asked, real = [], index_store.Store.entries
    monkeypatch.setattr(index_store.Store, "entries", lambda self, keys: asked.extend(keys) or real(self, keys))
    monkeypatch.setattr(cache, "_check_file", lambda _f: pytest.fail("a file was parsed although none changed"))
    monkeypatch.setattr(cache, "read_file", lambda *_a: pytest.fail("a file was read although its stat is settled"))
    for args in _commands("agreement-00000", out, followup=False)[:3]:
        asked.clear()
        assert klausul(root, *args).exit_code == 0
        paths = {path for path, key in _keys(root).items() if key in asked}
        clauses = {p for p in paths if p.startswith("clauses/")}
        assert len(clauses) == 40  # the 20 common ones and the 10 of each of its two services' types
        assert {p.split("/")[0] for p in paths} == {"clauses", "services", "catalogs", "agreements"}
        assert len([p for p in paths if p.startswith("services/")]) == 2
        assert [p for p in paths if p.startswith("agreements/")] == ["agreements/agreement-00000.yaml"]


def _keys(root: Path) -> dict[str, str]:
    store = index_store.open_store(cache.cache_file(root), cache.fingerprint().hex())
    try:
        return {path: row[5] for path, row in store.files().items()}
    finally:
        store.close()


def test_an_edit_within_the_clock_tick_of_the_recorded_stat_is_seen(library, monkeypatch):
    """A file system with a coarse clock (whole seconds here, and no change time) can leave the stat of
    an edited file alike: a file modified within RACY_SECONDS of when its stat was recorded is hashed again."""
    from generator.draft.check import diagnose

    real = cache._signature

    def coarse(info):
        found = real(info)
        return found and (found[0], found[1] // 10**9 * 10**9, found[1] // 10**9 * 10**9, found[3])

    monkeypatch.setattr(cache, "_signature", coarse)
    clause = library / "clauses" / "alpha.yaml"
    tick = time.time_ns() // 10**9 * 10**9
    os.utime(clause, ns=(tick, tick))
    monkeypatch.setattr(cache, "_now", lambda: tick + 500_000_000)  # the stat is recorded within the tick
    assert diagnose(library) == []
    text = clause.read_text(encoding="utf-8")
    clause.write_text(text.replace("{{ alert_time }}", "{{ alert_timx }}", 1), encoding="utf-8")  # same size
    os.utime(clause, ns=(tick, tick))  # and, on this clock, the same tick
    monkeypatch.setattr(cache, "_now", lambda: tick + 10**10)
    assert ("clauses/alpha.yaml", "placeholder-undeclared") in [(d.path, d.code) for d in diagnose(library)]


def test_a_settled_unchanged_library_is_not_read_again(library, monkeypatch):
    from generator.draft.check import diagnose

    _settle(library)
    assert diagnose(library) == []
    monkeypatch.setattr(cache, "read_file", lambda *_a: pytest.fail("a settled file was read again"))
    assert diagnose(library) == []


def test_concurrent_processes_share_one_index(library, tmp_path):
    """Processes that open, check and write the same index at once all answer correctly and leave it sound."""
    import subprocess
    import sys

    (library / "clauses" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    env = {**os.environ, "KLAUSUL_CACHE_DIR": os.environ["KLAUSUL_CACHE_DIR"]}
    env.pop("KLAUSUL_NO_CACHE", None)
    runs = [subprocess.Popen([sys.executable, "-m", "generator.cli", "--root", str(library), "validate"],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
    results = [(p.wait(timeout=300), p.stdout.read(), p.stderr.read()) for p in runs]
    assert len({r for r in results}) == 1 and results[0][0] == 1
    assert b"broken.yaml" in results[0][1] + results[0][2]
    again = subprocess.run([sys.executable, "-m", "generator.cli", "--root", str(library), "validate"], env=env,
                           capture_output=True, timeout=300)
    assert (again.returncode, again.stdout, again.stderr) == results[0]


def test_a_library_that_extends_the_shipped_one_answers_as_uncached(klausul, tmp_path, monkeypatch):
    """Base documents are chosen like the library's own, and an own clause that overrides a base clause
    replaces it in the draft exactly as without the cache."""
    import yaml

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    root = tmp_path / "ext"
    assert klausul(tmp_path, "init", str(root), "--extends", "klausul-sv").exit_code == 0
    _settle(root)
    commands = _commands("example", tmp_path / "out")
    assert _same_as_uncached(klausul, root, commands, tmp_path / "out", monkeypatch)[0][1] == 0
    shipped = yaml.safe_load((REPO / "clauses" / "incident-management" / "incident-notification.yaml")
                             .read_text(encoding="utf-8"))
    own = (REPO / "clauses" / "incident-management" / "incident-notification.yaml").read_text(encoding="utf-8")
    own = own.replace("id: incident-notification", f"id: incident-notification\noverrides: incident-notification@"
                      f"{shipped['version']}", 1)
    (root / "clauses" / "incident-management").mkdir(parents=True, exist_ok=True)
    (root / "clauses" / "incident-management" / "incident-notification.yaml").write_text(own, encoding="utf-8")
    _settle(root)
    answers = _same_as_uncached(klausul, root, commands, tmp_path / "out", monkeypatch)
    assert answers[0][1] == 0
    # an own fork of a base clause for the agreement's service type, narrowed to another type: the base
    # clause is chosen by its type, and the fork that replaces it must come along and drop it
    base = REPO / "clauses" / "subcontracting" / "cloud-service-security.yaml"
    fork = base.read_text(encoding="utf-8").replace("id: cloud-service-security", "id: cloud-service-security\n"
                                                     "overrides: cloud-service-security@1.3.0", 1)
    fork = fork.replace("service_types: [cloud-service]", "service_types: [it-workplace]")
    (root / "clauses" / "subcontracting").mkdir(parents=True, exist_ok=True)
    (root / "clauses" / "subcontracting" / "cloud-service-security.yaml").write_text(fork, encoding="utf-8")
    _settle(root)
    narrowed = _same_as_uncached(klausul, root, commands, tmp_path / "out", monkeypatch)
    assert narrowed[0][1] == 0 and narrowed[0][4] != answers[0][4]  # the clause left the draft


def test_a_broken_file_stops_a_warm_build_without_loading_the_library(klausul, library, tmp_path, monkeypatch):
    (library / "clauses" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    _settle(library)
    out = tmp_path / "out"
    first = klausul(library, "build", "pilot", "--out", str(out))
    monkeypatch.setattr(index_store.Store, "entries", lambda self, keys: pytest.fail("documents were loaded"))
    again = klausul(library, "build", "pilot", "--out", str(out))
    assert (again.exit_code, again.stderr) == (first.exit_code, first.stderr) and first.exit_code != 0
    assert "clauses/broken.yaml:2: YAML syntax" in again.stderr and not out.exists()
