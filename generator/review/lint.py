"""Review checks on a change to the library, for pre-commit and CI.

A revision of the library (the working tree, the staged files, or a commit) is compared with a base
by meaning, not by bytes: YAML layout, comments, line wrapping and Markdown spelling of the same
content need no new version; a change to text, parameters, rules or coverage does, and only to the
next patch, minor or major version. A version never goes down, and a merge may not reach the same
version from different content on its two sides. When one language of a text changed and another
did not, the translation may have drifted (a warning). Each check is one function in CHECKS; the
rules per document kind are data in KIND_RULES.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from generator.core.errors import Diagnostic
from generator.review.consequences import consequences, regressions
from generator.library.load import Source
from generator.library.translation import acknowledged
from generator.library.validate import key_path
from generator.review.diff import prose_meaning as _prose
from generator.review.gitrev import Repo, Revision, Snapshot, worktree

LAYOUT_ONLY = ("version", "order", "translation_checked")  # keys whose change alone needs no new version


@dataclass(frozen=True)
class KindRules:
    """What lint checks for one kind of document."""

    versioned: bool = True  # a MAJOR.MINOR.PATCH `version` must be bumped when the content changes
    localized: tuple[tuple, ...] = ()  # {language: text} values compared for drift; "*" = each item of a list


KIND_RULES = {
    "clause": KindRules(localized=(("title",), ("text",), ("verification",), ("followup", "kpi"),
                                   ("tender_evidence",))),
    "agreement": KindRules(localized=(("title",), ("scope",))),
    "service": KindRules(localized=(("name",), ("description",), ("processing", "purpose"), ("processing", "data"),
                                    ("processing", "subjects"), ("processing", "location"))),
    "catalog": KindRules(localized=(("title",), ("items", "*", "title"), ("items", "*", "text"))),
    "terms": KindRules(localized=(("title",), ("text",))),
}


@dataclass(frozen=True)
class LintResult:
    """The problems of a change, and what it was compared with."""

    base: Revision
    changed: int  # documents whose content (meaning) changed
    problems: tuple[Diagnostic, ...]
    target: Revision | None = None

    def failed(self, strict: bool) -> bool:
        """Whether the change must not go in: any error, or with --strict any warning."""
        return any(d.severity == "error" or strict for d in self.problems)


@dataclass
class LintContext:
    """What every check sees: the base, the linted snapshot and its documents, and a merge's parents."""

    base: Snapshot
    work: Snapshot
    sources: list[Source]
    pairs: list[tuple[Source, Source]]  # (before, after) of every document whose file differs from the base
    parents: tuple[Snapshot, ...] = ()  # a merge's other parents, each checked on its own

    def changed(self) -> list[tuple[Source, Source]]:
        """The pairs whose meaning differs."""
        return [(a, b) for a, b in self.pairs if meaning(a) != meaning(b)]


def lint(base: Snapshot, work: Snapshot, parents: tuple[Snapshot, ...] = (), check_library: bool = False
         ) -> LintResult:
    """Every lint problem of `work` against `base` (and against each of a merge's `parents`)."""
    if check_library:  # the staged tree or a commit: no `validate` has looked at exactly these files
        sources, problems = work.checked()
        problems = [d for d in problems if d.severity == "error"]  # warnings: validate's (YAML's are all errors)
    else:
        sources, problems = work.load()
    context = LintContext(base, work, sources, _pairs(base, work, sources), parents)
    for check in CHECKS:
        problems += check(context)
    return LintResult(base.revision, len(context.changed()), tuple(problems), work.revision)


def _pairs(base: Snapshot, work: Snapshot, sources: list[Source]) -> list[tuple[Source, Source]]:
    same = {p for p, oid in base.blob_ids.items() if work.blob_ids.get(p) == oid}
    old_sources, _unreadable = base.load(p for p in base.blob_ids if p not in same)
    old = {(s.kind, _id(s)): s for s in old_sources if _id(s) is not None}
    return [(old[key], s) for s in sources if s.path not in same and _id(s) is not None
            and (key := (s.kind, _id(s))) in old]


def _id(source: Source) -> str | None:
    """The document's id when it is a string; lint runs before validation, so `id: [x]` can occur."""
    ident = source.data.get("id") if isinstance(source.data, dict) else None
    return ident if isinstance(ident, str) else None


# --- meaning --------------------------------------------------------------------------------------

def meaning(source: Source) -> Any:
    """The document's content as it reads: layout-only keys out, prose parsed as Markdown."""
    return _normal({k: v for k, v in source.data.items() if k not in LAYOUT_ONLY})


def _normal(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, str):
        return _prose(value)
    return value


# --- checks ---------------------------------------------------------------------------------------

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


def _versioned(before: Source, after: Source) -> tuple[tuple, tuple] | None:
    rules = KIND_RULES.get(after.kind)
    old, new = semver(before.data.get("version")), semver(after.data.get("version"))
    return (old, new) if rules and rules.versioned and old and new else None


def _bumps(ctx: LintContext) -> list[Diagnostic]:
    """A changed document needs the next version; no version goes down or skips one."""
    found = []
    for before, after in ctx.pairs:
        if (versions := _versioned(before, after)) is None:
            continue
        old, new = versions
        changed = meaning(before) != meaning(after)
        name, old_v, new_v = _name(after), before.data["version"], after.data["version"]
        allowed = next_versions(old)
        if new < old:
            found.append(_at(after, f"{name} went from version {old_v} down to {new_v}; versions only go up "
                                    f"(next: {_words(allowed)})", "version-decreased"))
        elif new == old and changed:
            fields = ", ".join(_changed_fields(before, after))
            found.append(_at(after, f"{name} changed ({fields}) but its version is still {new_v}; bump it to "
                                    f"{_words(allowed)}", "version-not-bumped"))
        elif new != old and new not in allowed:
            found.append(_at(after, f"{name} jumped from version {old_v} to {new_v}; the next version is "
                                    f"{_words(allowed)}", "version-skipped"))
    return found


def _merge_versions(ctx: LintContext) -> list[Diagnostic]:
    """Against each other parent of a merge: one version, one content; and no version goes down."""
    found = []
    for parent in ctx.parents:
        for before, after in _pairs(parent, ctx.work, ctx.sources):
            if (versions := _versioned(before, after)) is None:
                continue
            old, new = versions
            name, version, where = _name(after), after.data["version"], parent.revision.label
            if new < old:
                found.append(_at(after, f"{name} is {version} here but already {before.data['version']} in "
                                        f"{where}; versions only go up", "version-decreased"))
            elif new == old and meaning(before) != meaning(after):
                found.append(_at(after, f"{name} is version {version} here and in {where}, with different "
                                        f"content: the same version was reached twice from different content; "
                                        f"bump it to {_words(next_versions(new))}", "version-conflict"))
    return found


def _drift(ctx: LintContext) -> list[Diagnostic]:
    """A warning for each localized field where some languages changed and others did not."""
    found = []
    for before, after in ctx.changed():
        if acknowledged(after.data):  # someone confirmed these texts say the same
            continue
        for path in KIND_RULES.get(after.kind, KindRules()).localized:
            for concrete, old, new in _expand(before.data, after.data, path):
                if not isinstance(old, dict) or not isinstance(new, dict) or old.keys() != new.keys() \
                        or len(new) < 2:
                    continue
                edited = [lang for lang in new if _prose(str(old[lang])) != _prose(str(new[lang]))]
                kept = [lang for lang in new if lang not in edited]
                if edited and kept:
                    key = key_path(concrete)
                    found.append(Diagnostic(
                        after.path, after.line(concrete + (edited[0],)), f"{key}.{edited[0]}",
                        f"{_name(after)}: {key} changed in {', '.join(edited)} but not in {', '.join(kept)}; "
                        f"update the translation or confirm it still says the same", "translation-drift",
                        "warning"))
    return found


def _expand(old: Any, new: Any, path: tuple, done: tuple = ()) -> list[tuple[tuple, Any, Any]]:
    """(concrete path, old value, new value) for a path whose "*" steps run over list items matched by id."""
    if not path:
        return [(done, old, new)]
    step, rest = path[0], path[1:]
    if step == "*":
        if not isinstance(old, list) or not isinstance(new, list):
            return []
        olds = {i.get("id"): i for i in old if isinstance(i, dict) and isinstance(i.get("id"), str)}
        return [hit for n, item in enumerate(new) if isinstance(item, dict) and isinstance(item.get("id"), str)
                and item.get("id") in olds
                for hit in _expand(olds[item.get("id")], item, rest, done + (n,))]
    if not isinstance(old, dict) or not isinstance(new, dict):
        return []
    return _expand(old.get(step), new.get(step), rest, done + (step,))


def _agreement_problems(ctx: LintContext) -> list[Diagnostic]:
    """No agreement includes a retired clause; a final agreement includes no draft clause."""
    status = {_id(s): s.data.get("status") for s in ctx.sources if s.kind == "clause" and _id(s) is not None}
    found = []
    for source in ctx.sources:
        if source.kind != "agreement" or not isinstance(source.data.get("include"), list):
            continue
        final = source.data.get("status") == "final"
        for i, ident in enumerate(source.data["include"]):
            where = (source.path, source.line(("include", i)), f"include[{i}]")
            if not isinstance(ident, str):
                continue
            if status.get(ident) == "retired":
                found.append(Diagnostic(*where, f"agreement '{source.data.get('id')}' includes clause '{ident}', "
                                        f"which is retired; remove it or include its successor",
                                        "retired-clause-used"))
            elif final and status.get(ident) == "draft":
                found.append(Diagnostic(*where, f"agreement '{source.data.get('id')}' is final but includes clause "
                                        f"'{ident}', which is still a draft; approve the clause or set the "
                                        f"agreement back to draft", "draft-clause-in-final"))
    return found


def _folders(ctx: LintContext) -> list[Diagnostic]:
    """A clause this change moved into a category folder (clauses/CATEGORY/x.yaml), or whose category it
    changed, lies in the folder of its category. (validate warns about every mismatch, new or old.)"""
    found = []
    for before, after in ctx.pairs:
        parts = after.path.split("/")
        category = after.data.get("category")
        touched = before.path != after.path or before.data.get("category") != category
        if after.kind == "clause" and touched and len(parts) > 2 and isinstance(category, str) \
                and parts[1] != category:
            found.append(Diagnostic(after.path, after.line(("category",)), "category",
                                    f"clause '{after.data.get('id')}' lies in folder clauses/{parts[1]}/ but its "
                                    f"category is '{category}'; move the file to clauses/{category}/ or correct "
                                    f"the category", "category-folder-mismatch"))
    return found


def _coverage(ctx: LintContext) -> list[Diagnostic]:
    """No change leaves an agreement with a new coverage gap or an inadequate value (review/consequences)."""
    return regressions(consequences(ctx.base, ctx.work))


# One function per check, each from a LintContext to diagnostics: a new check is one more entry.
CHECKS: list[Callable[[LintContext], list[Diagnostic]]] = [
    _bumps, _merge_versions, _drift, _agreement_problems, _folders, _coverage]


def _name(source: Source) -> str:
    return f"{source.kind} '{source.data.get('id')}'"


def _at(source: Source, message: str, code: str) -> Diagnostic:
    return Diagnostic(source.path, source.line(("version",)), "version", message, code)


def _words(versions: list[tuple[int, int, int]]) -> str:
    names = [".".join(map(str, v)) for v in versions]
    return f"{', '.join(names[:-1])} or {names[-1]}"


def _changed_fields(before: Source, after: Source) -> list[str]:
    return [k for k in list(before.data) + [k for k in after.data if k not in before.data]
            if k not in LAYOUT_ONLY and _normal(before.data.get(k)) != _normal(after.data.get(k))]


# --- output ---------------------------------------------------------------------------------------

def render_text(result: LintResult) -> str:
    """Each problem as `path:line: key: message [code]`, then a count; for stderr."""
    lines = [f"{d} ({d.severity})" if d.severity != "error" else str(d) for d in result.problems]
    errors = sum(d.severity == "error" for d in result.problems)
    warnings = len(result.problems) - errors
    what = f"{result.target.label} " if result.target is not None and result.target.commit else (
        "the staged files " if result.target is not None and result.target.name == STAGED else "")
    lines.append(f"lint {what}against {result.base.label}: {result.changed} document(s) changed, "
                 f"{errors} error(s), {warnings} warning(s)")
    return "\n".join(lines) + "\n"


def render_json(result: LintResult, strict: bool) -> str:
    """{ok, base, changed, errors, warnings, problems: [...]}."""
    errors = sum(d.severity == "error" for d in result.problems)
    base = {"name": result.base.name, "commit": result.base.commit}
    return json.dumps({"ok": not result.failed(strict), "base": base,
                       "changed": result.changed, "errors": errors, "warnings": len(result.problems) - errors,
                       "problems": [d.as_dict() for d in result.problems]}, ensure_ascii=False, indent=2) + "\n"


# --- what is linted against what ---------------------------------------------------------------

STAGED = "staged files"
_EMPTY = Snapshot(Revision("HEAD (no commits yet)"), {}, lambda paths: {})


def lint_repo(root: Path, base_name: str | None = None, staged: bool = False, rev: str | None = None
              ) -> LintResult:
    """Lint the working tree, the staged files (`staged`) or commit `rev` of the library at `root`.

    The base is where the linted state branched off `base_name` (git merge-base); default HEAD, or
    for a commit its first parent. A merge (a commit with several parents, or a commit in progress
    with MERGE_HEAD) is also checked against each other parent.
    """
    repo = Repo(root)
    if rev is not None:
        target = repo.resolve(rev)
        parents = [Revision(f"{rev}^{n}", c) for n, c in enumerate(repo.parents(target), 1)]
        if base_name is not None:
            base = repo.snapshot(repo.merge_base(repo.resolve(base_name), target))
        else:
            base = repo.snapshot(parents[0]) if parents else _EMPTY
        others = tuple(repo.snapshot(p) for p in parents[1:])
        return lint(base, repo.snapshot(target), others, check_library=True)
    work = repo.staged(STAGED) if staged else worktree(root)
    if not repo.has_commits():  # the first commit: everything is new
        return lint(_EMPTY, work, check_library=staged)
    head = repo.resolve("HEAD")
    base = repo.snapshot(repo.merge_base(repo.resolve(base_name or "HEAD"), head))
    merging = repo.merge_head()
    others = (repo.snapshot(merging),) if merging is not None else ()
    return lint(base, work, others, check_library=staged)
