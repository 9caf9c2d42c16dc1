"""Review checks on a change to the library, for pre-commit and CI.

The working tree is compared with a base revision: a clause whose substance changed needs a version
bump, and only to the next patch, minor or major version; a version never goes down; when one
language of a text changed and another did not, the translation may have drifted (a warning).
In the working tree as a whole, no agreement may include a retired clause, and an agreement marked
final may not include a draft clause.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from generator.core.errors import Diagnostic
from generator.review.consequences import consequences, regressions
from generator.review.gitrev import Repo, Revision, Snapshot, worktree
from generator.library.open import content_hash
from generator.library.load import Source
from generator.library.translation import acknowledged
from generator.library.validate import key_path

LAYOUT_ONLY = ("version", "order", "translation_checked")  # keys whose change alone needs no new version
LOCALIZED = (("title",), ("text",), ("verification",), ("followup", "kpi"), ("tender_evidence",))


@dataclass(frozen=True)
class LintResult:
    """The problems of a change, and what it was compared with."""

    base: Revision
    changed: int  # clauses whose substance changed
    problems: tuple[Diagnostic, ...]

    def failed(self, strict: bool) -> bool:
        """Whether the change must not go in: any error, or with --strict any warning."""
        return any(d.severity == "error" or strict for d in self.problems)


def lint(base: Snapshot, work: Snapshot) -> LintResult:
    """Every lint problem of `work` (the working tree) against `base`."""
    sources, problems = work.load()
    same = {p for p, oid in base.blob_ids.items() if work.blob_ids.get(p) == oid}
    old_sources, _unreadable = base.load(p for p in base.blob_ids if p not in same and p.startswith("clauses/"))
    old = {s.data.get("id"): s for s in old_sources if s.kind == "clause"}
    changed = 0
    for source in sources:
        if source.kind != "clause" or source.path in same or (before := old.get(source.data.get("id"))) is None:
            continue
        if _substance(before) != _substance(source):
            changed += 1
            problems += _version_problems(before, source, changed=True) + _drift(before, source)
        else:
            problems += _version_problems(before, source, changed=False)
    problems += _agreement_problems(sources)
    problems += regressions(consequences(base, work, new_sources=sources))  # new gaps or inadequacies
    return LintResult(base.revision, changed, tuple(problems))


def _substance(source: Source) -> str:
    return content_hash({k: v for k, v in source.data.items() if k not in LAYOUT_ONLY})


def semver(version) -> tuple[int, int, int] | None:
    """(major, minor, patch), or None for something that is not MAJOR.MINOR.PATCH (validate reports it)."""
    parts = str(version).split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    return tuple(int(p) for p in parts)


def next_versions(version: tuple[int, int, int]) -> list[tuple[int, int, int]]:
    """The versions that may follow: the next patch, minor and major."""
    major, minor, patch = version
    return [(major, minor, patch + 1), (major, minor + 1, 0), (major + 1, 0, 0)]


def _version_problems(before: Source, after: Source, changed: bool) -> list[Diagnostic]:
    ident, old_v, new_v = after.data["id"], before.data.get("version"), after.data.get("version")
    old, new = semver(old_v), semver(new_v)
    if old is None or new is None:
        return []
    line = after.line(("version",))

    def problem(message: str, code: str) -> list[Diagnostic]:
        return [Diagnostic(after.path, line, "version", message, code)]

    allowed = next_versions(old)
    if new < old:
        return problem(f"clause '{ident}' went from version {old_v} down to {new_v}; versions only go up "
                       f"(next: {_words(allowed)})", "version-decreased")
    if new == old:
        if not changed:
            return []
        fields = ", ".join(_changed_fields(before, after))
        return problem(f"clause '{ident}' changed ({fields}) but its version is still {new_v}; bump it to "
                       f"{_words(allowed)}", "version-not-bumped")
    if new not in allowed:
        return problem(f"clause '{ident}' jumped from version {old_v} to {new_v}; the next version is "
                       f"{_words(allowed)}", "version-skipped")
    return []


def _words(versions: list[tuple[int, int, int]]) -> str:
    names = [".".join(map(str, v)) for v in versions]
    return f"{', '.join(names[:-1])} or {names[-1]}"


def _changed_fields(before: Source, after: Source) -> list[str]:
    keys = [k for k in list(before.data) + [k for k in after.data if k not in before.data]
            if k not in LAYOUT_ONLY and before.data.get(k) != after.data.get(k)]
    return keys


def _drift(before: Source, after: Source) -> list[Diagnostic]:
    """A warning for each localized field where some languages changed and others did not."""
    if acknowledged(after.data):  # someone confirmed these texts say the same
        return []
    found = []
    for path in LOCALIZED:
        old, new = _get(before.data, path), _get(after.data, path)
        if not isinstance(old, dict) or not isinstance(new, dict) or old.keys() != new.keys() or len(new) < 2:
            continue
        edited = [lang for lang in new if old[lang] != new[lang]]
        kept = [lang for lang in new if lang not in edited]
        if edited and kept:
            key = key_path(path)
            found.append(Diagnostic(
                after.path, after.line(path + (edited[0],)), f"{key}.{edited[0]}",
                f"clause '{after.data['id']}': {key} changed in {', '.join(edited)} but not in {', '.join(kept)}; "
                f"update the translation or confirm it still says the same", "translation-drift", "warning"))
    return found


def _get(data, path: tuple):
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _agreement_problems(sources: list[Source]) -> list[Diagnostic]:
    status = {s.data.get("id"): s.data.get("status") for s in sources if s.kind == "clause"}
    found = []
    for source in sources:
        if source.kind != "agreement" or not isinstance(source.data.get("include"), list):
            continue
        final = source.data.get("status") == "final"
        for i, ident in enumerate(source.data["include"]):
            where = (source.path, source.line(("include", i)), f"include[{i}]")
            if status.get(ident) == "retired":
                found.append(Diagnostic(*where, f"agreement '{source.data.get('id')}' includes clause '{ident}', "
                                        f"which is retired; remove it or include its successor",
                                        "retired-clause-used"))
            elif final and status.get(ident) == "draft":
                found.append(Diagnostic(*where, f"agreement '{source.data.get('id')}' is final but includes clause "
                                        f"'{ident}', which is still a draft; approve the clause or set the "
                                        f"agreement back to draft", "draft-clause-in-final"))
    return found


def render_text(result: LintResult) -> str:
    """Each problem as `path:line: key: message [code]`, then a count; for stderr."""
    lines = [f"{d} ({d.severity})" if d.severity != "error" else str(d) for d in result.problems]
    errors = sum(d.severity == "error" for d in result.problems)
    warnings = len(result.problems) - errors
    lines.append(f"lint against {result.base.label}: {result.changed} clause(s) changed, "
                 f"{errors} error(s), {warnings} warning(s)")
    return "\n".join(lines) + "\n"


def render_json(result: LintResult, strict: bool) -> str:
    """{ok, base, changed, errors, warnings, problems: [...]}."""
    errors = sum(d.severity == "error" for d in result.problems)
    base = {"name": result.base.name, "commit": result.base.commit}
    return json.dumps({"ok": not result.failed(strict), "base": base,
                       "changed": result.changed, "errors": errors, "warnings": len(result.problems) - errors,
                       "problems": [d.as_dict() for d in result.problems]}, ensure_ascii=False, indent=2) + "\n"


def lint_repo(root: Path, base_name: str) -> LintResult:
    """Lint the working tree of the library at `root` against where it branched off `base_name`."""
    repo = Repo(root)
    if base_name == "HEAD" and not repo.has_commits():  # the first commit: everything is new
        base = Snapshot(Revision("HEAD (no commits yet)"), {}, lambda paths: {})
    else:
        base = repo.snapshot(repo.merge_base(repo.resolve(base_name), repo.resolve("HEAD")))
    return lint(base, worktree(root))
