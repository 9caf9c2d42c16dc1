"""`klausul impact`: the agreements and services a clause reaches, in the working tree and at a revision."""

from __future__ import annotations

import json

import pytest

from tests.gitrepo import GitRepo


@pytest.fixture
def repo(tmp_path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


def _impact(klausul, root, clause: str, *args: str) -> dict:
    result = klausul(root, "impact", clause, "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _uses(data: dict) -> dict[str, tuple]:
    return {a["id"]: (a["how"], tuple(a["services"])) for a in data["agreements"]}


def test_agreements_and_services_of_a_clause(library, klausul):
    data = _impact(klausul, library, "alpha")
    assert _uses(data) == {"gaps": ("rules", ("desk",)), "pilot": ("rules", ("desk", "hall"))}
    assert [s["id"] for s in data["services"]] == ["desk", "hall"]
    beta = _impact(klausul, library, "beta")
    assert _uses(beta) == {"gaps": ("unused", ()), "pilot": ("rules", ("hall",))}
    assert [s["id"] for s in beta["services"]] == ["hall"]
    delta = _impact(klausul, library, "delta")  # a draft clause: only where an agreement names it
    assert _uses(delta) == {"gaps": ("include", ("desk",)), "pilot": ("unused", ())}
    assert delta["services"] == []


def test_an_excluded_clause_shows_the_reason(library, klausul):
    spec = library / "agreements" / "pilot.yaml"
    spec.write_text(spec.read_text().replace("exclude:\n", "exclude:\n  - clause: gamma\n    reason: Not processed.\n"))
    data = _impact(klausul, library, "gamma")
    pilot = next(a for a in data["agreements"] if a["id"] == "pilot")
    assert (pilot["how"], pilot["includes"], pilot["note"]) == ("excluded", False, "Not processed.")
    text = klausul(library, "impact", "gamma").stdout
    assert "agreements that include it: 0 of 2" in text and "excluded: Not processed." in text


def test_impact_at_a_revision(repo, klausul):
    repo.edit("services/hall.yaml", "availability: 3", "availability: 2")
    repo.commit("hall at availability 2")
    assert _uses(_impact(klausul, repo.root, "beta"))["pilot"] == ("unused", ())
    assert _uses(_impact(klausul, repo.root, "beta", "--rev", "HEAD~1"))["pilot"] == ("rules", ("hall",))
    md = klausul(repo.root, "impact", "beta", "--rev", "HEAD~1", "--format", "md").stdout
    assert "| `pilot` Pilot security schedule | draft | by its rules | hall |" in md


def test_unknown_clause_is_a_usage_error(library, klausul):
    result = klausul(library, "impact", "alpah")
    assert result.exit_code == 2 and "unknown clause 'alpah'" in result.stderr
    assert "did you mean 'alpha'" in result.stderr
