"""A counterparty's edits to a built draft, made with python-docx, and the shipped library in a real git repository."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import docx as python_docx
import yaml

from tests.gitrepo import ENV

REPO = Path(__file__).parent.parent
LIBRARY_PARTS = ("clauses", "services", "catalogs", "agreements")


def shipped_repo(top: Path) -> Path:
    """The shipped library, committed in a fresh git repository at `top`."""
    for part in LIBRARY_PARTS:
        shutil.copytree(REPO / part, top / part)
    _git(top, "init", "-q", "-b", "main")
    commit(top, "library")
    return top


def commit(top: Path, message: str) -> None:
    """Commit everything in the repository at `top`."""
    _git(top, "add", "-A")
    _git(top, "commit", "-q", "-m", message)


def _git(top: Path, *args: str) -> None:
    env = dict(os.environ, **ENV, GIT_AUTHOR_DATE="2027-03-01T10:00:00Z", GIT_COMMITTER_DATE="2027-03-01T10:00:00Z")
    for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(key, None)
    done = subprocess.run(["git", *args], cwd=top, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"


def clause_paragraphs(document, title: str) -> list:
    """The paragraphs of the clause headed `title`: its heading up to the next heading."""
    body = document.paragraphs
    start = next(i for i, p in enumerate(body) if p.style.style_id == "Heading2" and p.text == title)
    end = next(i for i in range(start + 1, len(body)) if body[i].style.style_id.startswith(("Heading", "Annex")))
    return body[start:end]


def replace_words(paragraphs, old: str, new: str) -> None:
    """Change `old` to `new` in the run that holds it, as a user typing over it would."""
    for p in paragraphs:
        for run in p.runs:
            if old in run.text:
                run.text = run.text.replace(old, new, 1)
                return
    raise AssertionError(f"{old!r} is not in the clause")


def fallback_text(clause_file: Path, number: int, lang: str, values: dict[str, str]) -> list[str]:
    """A fallback's paragraphs with its placeholders filled in by hand, as a lawyer pastes it."""
    text = yaml.safe_load(clause_file.read_text(encoding="utf-8"))["fallbacks"][number - 1]["text"][lang]
    for name, value in values.items():
        text = text.replace("{{ " + name + " }}", value)
    return [" ".join(p.split()) for p in text.strip().split("\n\n")]


def set_body(paragraphs, texts: list[str]) -> None:
    """Put `texts` into the clause's body paragraphs (after its heading and an optional 'Punkten gäller' line)."""
    body = [p for p in paragraphs[1:] if p.style.style_id == "Normal" and not p.text.startswith(("Punkten gäller",
                                                                                                    "This clause"))]
    for p, text in zip(body, texts):
        for run in p.runs[1:]:
            run._r.getparent().remove(run._r)
        p.runs[0].text = text
    for p in body[len(texts):]:
        p._p.getparent().remove(p._p)


def delete(paragraphs) -> None:
    for p in paragraphs:
        p._p.getparent().remove(p._p)


def open_docx(data: bytes):
    return python_docx.Document(io.BytesIO(data))


def save(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
