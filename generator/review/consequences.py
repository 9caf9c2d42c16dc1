"""What a change to the library does to the agreements: coverage status changes per catalog item and
service, with their cause, and how many sentences of each draft change. `lint` fails on new gaps and
inadequacies; `diff --format md` shows every change in its "consequences" section."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from generator.core.errors import Diagnostic, KlausulError
from generator.core.model import Draft, Library, ServiceCoverage
from generator.review.gitrev import Repo, Snapshot, WORKTREE, Revision

BAD = ("gap", "inadequate")  # a service newly in one of these fails lint
_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+")


@dataclass(frozen=True)
class StatusChange:
    """One catalog item for one service whose coverage status changed."""

    item: str  # catalog:item
    service: str
    old: str | None  # None: the item did not concern the service before (or the agreement is new)
    new: str | None  # None: it no longer does
    cause: str
    path: str  # the file of the cause (or the agreement), for the lint message
    line: int

    @property
    def regression(self) -> bool:
        """A new gap or inadequacy: what lint refuses."""
        return self.new in BAD and self.old != self.new


@dataclass(frozen=True)
class Consequence:
    """What the change does to one agreement."""

    agreement: str
    path: str
    changes: tuple[StatusChange, ...]
    sentences: int  # sentences of the draft that change (inserted, deleted or reworded)
    note: str | None = None  # why the agreement could not be compared, or that it is new or removed


def consequences(old: Snapshot, new: Snapshot, root: Path = Path(".")) -> tuple[Consequence, ...]:
    """The consequences of going from `old` to `new`, for every agreement of `new` (and removed ones).

    Files whose git blob is the same at both revisions are parsed once and serve both.
    """
    if old.blob_ids == new.blob_ids:  # nothing changed, nothing to assemble
        return ()
    same = {p for p, oid in old.blob_ids.items() if new.blob_ids.get(p) == oid}
    # Each file's schema check comes with its parse (review/blobstore), kept across runs.
    valid = _schema_valid(new.entries())
    changed = _schema_valid(old.entries(p for p in old.blob_ids if p not in same))
    old_lib = _library([s for s in valid if s.path in same] + changed, root)
    new_lib = _library(valid, root)
    new_sources = {s.path: s for s in valid}
    touched = {p for p in old.blob_ids.keys() | new.blob_ids.keys() if p not in same}
    found = []
    for agreement_id in sorted(new_lib.agreements.keys() | old_lib.agreements.keys()):
        if _affected(agreement_id, touched, old_lib, new_lib):
            found.append(_agreement(agreement_id, old_lib, new_lib, new_sources))
    return tuple(c for c in found if c.changes or c.sentences or c.note)


def consequences_revisions(root: Path, old: str, new: str | None) -> tuple[Consequence, ...]:
    """consequences() between two revision names of the repository at `root` (`new` None: the working tree)."""
    repo = Repo(root)
    b = repo.resolve(new) if new is not None else Revision(WORKTREE)
    return consequences(repo.snapshot(repo.resolve(old)), repo.snapshot(b), root)


def regressions(result: tuple[Consequence, ...]) -> list[Diagnostic]:
    """One lint error per agreement, catalog item and cause that brings a new gap or inadequacy,
    naming the agreement, the item, the services and the cause."""
    found = []
    for c in result:
        for (item, old, new, cause, path, line), services in _grouped(ch for ch in c.changes if ch.regression):
            was = f" (was {old})" if old else ""
            found.append(Diagnostic(path, line, "coverage", f"agreement '{c.agreement}': catalog item '{item}' becomes "
                                    f"{'a gap' if new == 'gap' else 'inadequate'} for {_services(services)}{was}: "
                                    f"{cause}", "coverage-regression"))
    return found


def _grouped(changes) -> list[tuple[tuple, list[str]]]:
    """Changes that differ only in their service, as one entry with the services in order."""
    groups: dict[tuple, list[str]] = {}
    for ch in changes:
        groups.setdefault((ch.item, ch.old, ch.new, ch.cause, ch.path, ch.line), []).append(ch.service)
    return list(groups.items())


def _services(services: list[str]) -> str:
    names = ", ".join(f"'{s}'" for s in services)
    return f"service {names}" if len(services) == 1 else f"services {names}"


def render_md(result: tuple[Consequence, ...]) -> list[str]:
    """The "consequences" section of the pull-request comment, as Markdown lines."""
    from generator.render.markdown import escape

    lines = ["", "#### Consequences", ""]
    if not result:
        return lines + ["No agreement's coverage or draft text changes."]
    for c in result:
        words = f"{c.sentences} sentence{'s' if c.sentences != 1 else ''} of its draft change"
        lines += [f"**`{c.agreement}`**: " + (escape(c.note) if c.note else words)
                  + ("" if c.changes else "; no coverage status changes") + ".", ""]
        if c.changes:
            lines += ["| Catalog item | Service | Before | After | Cause |", "|---|---|---|---|---|"]
            for (item, old, new, cause, _path, _line), services in _grouped(c.changes):
                bad = new in BAD and old != new
                lines.append(f"| `{item}` | {', '.join(services)} | {old or '–'} | "
                             f"{'**' + new + '**' if bad else (new or '–')} | {escape(cause)} |")
            lines.append("")
    return lines


# --- inside -------------------------------------------------------------------------------------

def _schema_valid(entries: list) -> list:
    """The sources that pass their schema: enough to type them, even when cross-file checks fail (a
    change that breaks a reference still has consequences to report)."""
    return [source for source, _yaml, schema, _document in entries if source is not None and not schema]


def _library(sources: list, root: Path) -> Library:
    from generator.library.open import typed

    return typed(root, sources)


def _affected(agreement: str, touched: set[str], old_lib: Library, new_lib: Library) -> bool:
    """Whether a changed file can change the agreement's draft: its own file, a service or catalog
    it names, or a clause that applies (before or after) to one of its services or that it names."""
    from generator.draft.assemble import applies

    for lib in (old_lib, new_lib):
        spec = lib.agreements.get(agreement)
        if spec is None or spec.path in touched:
            return True
        services = [lib.services[s] for s in spec.services if s in lib.services]
        if len(services) < len(spec.services) or any(s.path in touched for s in services):
            return True
        if any(c not in lib.catalogs or lib.catalogs[c].path in touched for c in spec.catalogs):
            return True
        named = set(spec.include) | {e.clause for e in spec.exclude if e.clause}
        for clause in lib.clauses.values():
            if clause.path in touched and (clause.id in named or any(applies(clause, s) for s in services)):
                return True
    # A clause file removed or added at a path neither library types (e.g. a schema-invalid one).
    return any(p for p in touched if p.startswith("clauses/") and not _typed_path(p, old_lib, new_lib))


def _typed_path(path: str, *libraries: Library) -> bool:
    return any(c.path == path for lib in libraries for c in lib.clauses.values())


def _draft(library: Library, agreement: str) -> tuple[Draft | None, str | None]:
    from generator.draft.assemble import assemble

    if agreement not in library.agreements:
        return None, None
    try:
        return assemble(library, agreement), None
    except (KlausulError, KeyError) as exc:  # a broken reference at one revision
        return None, f"cannot be assembled ({exc})"


def _agreement(agreement: str, old_lib: Library, new_lib: Library, sources: dict) -> Consequence:
    old, old_error = _draft(old_lib, agreement)
    new, new_error = _draft(new_lib, agreement)
    spec = new_lib.agreements.get(agreement) or old_lib.agreements[agreement]
    if new is None:
        note = new_error or "removed in this change"
        return Consequence(agreement, spec.path, (), 0, note)
    if old is None and not old_error:  # a new agreement: `coverage --strict` judges it, not the change
        return Consequence(agreement, spec.path, (), 0, "new in this change")
    note = old_error and f"before this change it {old_error}"
    before = _statuses(old) if old else {}
    after_all = _statuses(new)
    changes = []
    for key, (after, _item) in after_all.items():
        was, old_item = before.get(key, (None, None))
        if (was and was.status) != after.status:
            changes.append(_change(key, was and was.status, after, old_item, old_lib, new_lib, spec, sources))
    for key, (gone, _item) in before.items():
        if key not in after_all:
            changes.append(StatusChange(key[0], key[1], gone.status, None, "the item no longer concerns the service",
                                        spec.path, spec.line))
    return Consequence(agreement, spec.path, tuple(changes), _sentences(old, new) if old else 0, note)


def _statuses(draft: Draft) -> dict[tuple[str, str], tuple[ServiceCoverage, object]]:
    return {(f"{cat.id}:{i.id}", s.service): (s, i) for cat in draft.coverage for i in cat.items for s in i.services}


def _change(key: tuple[str, str], was: str | None, after: ServiceCoverage, old_item, old_lib: Library,
            new_lib: Library, spec, sources: dict) -> StatusChange:
    ref, service = key
    old_cov = None
    if old_item is not None:
        old_cov = next(s for s in old_item.services if s.service == service)
    lost = [c for c in (old_cov.clauses if old_cov else ()) if c not in after.clauses]
    if after.status == "inadequate" and was != "inadequate":
        path, line = _value_at(after, new_lib, spec, sources)
        return StatusChange(ref, service, was, after.status, after.reason or "a value fails the item's rule",
                            path, line)
    for cid in lost:
        cause, path, key_path = _why_lost(cid, ref, service, old_lib, new_lib, spec)
        line = sources[path].line(key_path) if path in sources and key_path else spec.line
        return StatusChange(ref, service, was, after.status, cause, path, line)
    reason = after.reason or ("now covered" if after.status == "covered" else "the catalog item changed")
    return StatusChange(ref, service, was, after.status, reason, spec.path, spec.line)


def _value_at(after: ServiceCoverage, new_lib: Library, spec, sources: dict) -> tuple[str, int]:
    """Where the first failing value is set: the agreement's or the service's override, else the clause."""
    check = next(c for c in after.checks if not c.ok)
    path = {"agreement": spec.path, "service": new_lib.services[after.service].path}.get(
        check.origin, new_lib.clauses[check.clause].path)
    source = sources.get(path)
    return path, source.line(("parameters", check.parameter)) if source else spec.line


def _why_lost(cid: str, ref: str, service: str, old_lib: Library, new_lib: Library, spec) -> tuple[str, str, tuple]:
    """Why clause `cid` covers `ref` for `service` no longer: (cause, file, key path of the cause there)."""
    clause = new_lib.clauses.get(cid)
    if clause is None:
        return f"clause '{cid}' was removed ({old_lib.clauses[cid].path})", spec.path, ()
    if any(e.clause == cid for e in spec.exclude):
        return f"the agreement now excludes clause '{cid}'", spec.path, ("exclude",)
    old = old_lib.clauses.get(cid)
    if old is not None and clause.status != old.status:
        return f"clause '{cid}' was set to {clause.status} ({clause.path})", clause.path, ("status",)
    if ref not in clause.covers:
        return f"clause '{cid}' no longer lists '{ref}' under covers ({clause.path})", clause.path, ("covers",)
    if old is not None and clause.applies_to != old.applies_to:
        return (f"clause '{cid}' no longer applies to service '{service}' (applies_to narrowed, {clause.path})",
                clause.path, ("applies_to",))
    return (f"clause '{cid}' no longer applies to service '{service}' (its classification or the agreement "
            f"changed)", spec.path, ())


def _sentences(old: Draft, new: Draft) -> int:
    """How many sentences of the draft's text change between the two drafts (inserted, deleted or reworded)."""
    a, b = _text_sentences(old), _text_sentences(new)
    changed = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            changed += max(i2 - i1, j2 - j1)
    return changed


def _text_sentences(draft: Draft) -> list[str]:
    """The sentences of the draft's scope and clause texts (a list item or table row counts as one)."""
    from generator.render.markdown import blocks

    lines = blocks(draft.scope)
    for clause in draft.clauses:
        lines += blocks(clause.blocks)
    return [s for line in lines for s in _SENTENCE_END.split(line.strip()) if s]
