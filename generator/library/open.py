"""Open a library: load and validate every file, then build the typed documents of the model."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

from generator.core.errors import Diagnostic, LibraryError, UsageError
from generator.library.extend import resolve_overrides
from generator.library.load import KINDS
from generator.library.rules import rule_from
from generator.core.model import Acceptance, Fallback
from generator.core.model import AgreementSpec, Catalog, CatalogItem, Clause, Exclusion, Library, Party, Service, Term


def check_root(root: Path) -> Path:
    """The library root, or a UsageError when the directory holds no library."""
    if not root.is_dir():
        raise UsageError(f"{root}: no such directory")
    if not any((root / folder).is_dir() for folder in KINDS):
        raise UsageError(f"{root}: not a Klausul library (none of {', '.join(f + '/' for f in KINDS)} is there)")
    return root


def load_checked_sources(root: Path, agreements: tuple[str, ...] = ()) -> tuple[list, list[Diagnostic]]:
    """Every source (with agreements: those they can use) and every problem of the library."""
    from generator.library import cache  # the same answer as load_library + validate, reused when unchanged

    check_root(root)
    if agreements:
        sources, problems, files = cache.load_for(root, set(agreements))
    else:
        sources, problems = cache.load_checked(root)
        files = bool(sources or problems)  # every file gives a source or a problem
    if not files:
        return [], [Diagnostic(".", 1, "", "the library has no YAML files", "empty-library")]
    return sources, problems


def open_library(root: Path, agreements: tuple[str, ...] = ()) -> tuple[Library, list[Diagnostic]]:
    """The typed library and its warnings; LibraryError with every error when it has any. With agreements,
    the library holds only the documents they can use (the warnings and errors are still all of them)."""
    sources, problems = load_checked_sources(root, agreements)
    return open_sources(root, sources, problems)


def open_sources(root: Path, sources: list, problems: list[Diagnostic], where: str = "the library"
                 ) -> tuple[Library, list[Diagnostic]]:
    """The typed library of sources already loaded (from disk or a git revision) and validated."""
    errors = [d for d in problems if d.severity == "error"]
    if errors:
        raise LibraryError(f"{len(errors)} problem(s) in {where}", errors)
    return typed(root, sources), problems


def typed(root: Path, sources: list) -> Library:
    library = Library(root=str(root))
    documents, _problems = resolve_overrides([s for s in sources if s.kind != "library"])
    for source in documents:
        if source.kind == "term":
            d = source.data
            library.terms[d["id"]] = Term(d["id"], d["term"], {k: tuple(v) for k, v in d["forms"].items()},
                                          d["definition"], source.path, source.line(()))
            continue
        _add(library, source.kind, source.data, source.path, source.line(()), source.line, source.lines)
        if source.kind == "agreement":
            spec = library.agreements[source.data["id"]]
            library.agreements[spec.id] = replace(spec, services_line=source.line(("services",)),
                                                  catalogs_line=source.line(("catalogs",)), frame=_frame(source.data))
    return library


def _frame(d: dict) -> dict:
    """The agreement's frame keys, dates as ISO text."""
    frame = {k: d[k] for k in ("reference", "main_agreement", "supplier_terms", "term", "precedence",
                               "attachments", "annexes") if k in d}
    if "main_agreement" in frame:
        frame["main_agreement"] = {k: v.isoformat() if hasattr(v, "isoformat") else v
                                   for k, v in frame["main_agreement"].items()}
    if "term" in frame:
        frame["term"] = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in frame["term"].items()}
    return frame


def content_hash(data: dict) -> str:
    """sha256 of the document's content, independent of YAML layout and key order."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _add(library: Library, kind: str, d: dict, path: str, line: int, line_of=lambda path: 0,
         lines: dict | None = None) -> None:
    if kind == "clause":
        library.clauses[d["id"]] = Clause(
            id=d["id"], version=d["version"], status=d["status"], category=d["category"],
            obligation=d["obligation"], languages=tuple(d["languages"]), title=d["title"], text=d["text"],
            parameters=d.get("parameters") or {}, applies_to=d.get("applies_to") or {},
            covers=tuple(d.get("covers") or ()), verification=d["verification"], followup=d.get("followup"),
            path=path, content_hash=content_hash(d), order=d.get("order", 100),
            processes_personal_data=d.get("processes_personal_data", False),
            conflicts_with=tuple(d.get("conflicts_with") or ()),
            fallbacks=tuple(Fallback(f["label"], f["obligation"], f["text"], f.get("parameters") or {})
                            for f in d.get("fallbacks") or ()),
            tender_evidence=d.get("tender_evidence"),
            customer_duties=tuple(d.get("customer_duties") or ()), lines=lines or {})
    elif kind == "service":
        library.services[d["id"]] = Service(
            id=d["id"], type=d["type"], name=d["name"], description=d["description"],
            classification=d["classification"], personal_data=d["personal_data"],
            parameters=d.get("parameters") or {}, path=path, processing=d.get("processing"),
            delivery=d.get("delivery", "on-premises"))
    elif kind == "catalog":
        items = tuple(CatalogItem(i["id"], i["title"], i["text"], i["reference"], i.get("verify", False),
                                  tuple(i.get("partial") or ()),
                                  tuple(rule_from(r, line_of(("items", n, "rules", j)))
                                        for j, r in enumerate(i.get("rules") or ())),
                                  i.get("applies_to") or {})
                      for n, i in enumerate(d["items"]))
        library.catalogs[d["id"]] = Catalog(d["id"], d["title"], d["source"], str(d["version"]), items, path,
                                            d.get("applies_to") or {}, baseline=d.get("baseline", False))
    else:
        library.agreements[d["id"]] = AgreementSpec(
            id=d["id"], title=d["title"], version=d["version"], status=d.get("status", "draft"),
            language=d["language"], date=d["date"].isoformat() if d.get("date") else None,
            scope=d.get("scope"), parties=tuple(Party(**p) for p in d["parties"]),
            services=tuple(d["services"]), catalogs=tuple(d["catalogs"]), include=tuple(d.get("include") or ()),
            exclude=tuple(Exclusion(**{**e, "services": tuple(e.get("services") or ())})
                          for e in d.get("exclude") or ()),
            parameters=d.get("parameters") or {}, template=d.get("template"), path=path,
            start_date=d["start_date"].isoformat() if d.get("start_date") else None, line=line,
            accept=tuple(Acceptance(**a) for a in d.get("accept") or ()))
