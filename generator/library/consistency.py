"""Contradictions between documents that each look fine alone: personal data, exclusive clauses, names.

- a clause that declares `processes_personal_data: true` selects a service marked without personal data;
- two clauses that declare each other mutually exclusive (`conflicts_with`) bind one service in one draft;
- a defined role or forum is named otherwise than its defined name (see `terms`);
- a clause names a forum that does not exist in a delivery model it applies to.
"""

from __future__ import annotations

from typing import Callable

from generator.library.applicability import DEFAULT_DELIVERY, DELIVERY_MODELS, bound_services, selects
from generator.library.load import Source
from generator.library.terms import FORUM_MODELS, forums_named, variants

Add = Callable[..., None]  # _CrossCheck.add(source, path, message, code, line=..., severity=...)


def check(by_kind: dict[str, dict[str, Source]], add: Add) -> None:
    """Add every consistency problem between the schema-valid documents through `add`."""
    clauses, services = by_kind["clause"], by_kind["service"]
    for clause in clauses.values():
        _conflict_refs(clause, clauses, add)
        if clause.data.get("processes_personal_data") and clause.data["status"] == "approved":
            _personal_data(clause, services, add)
    declaring = {cid: c for cid, c in clauses.items() if c.data.get("conflicts_with")}
    if declaring:
        for agreement in by_kind["agreement"].values():
            _conflicts(agreement, declaring, clauses, services, add)


def check_document(source: Source, add: Add) -> None:
    """Add the problems one schema-valid document has on its own: names of defined roles and forums,
    and forums its delivery models lack. Kept per file so the validation cache and workers carry it."""
    _names(source, add)
    if source.kind == "clause":
        _forums(source, add)


def _selects(clause: Source, service: Source) -> bool:
    s = service.data
    return selects(clause.data.get("applies_to") or {}, s["type"], s["classification"], s["personal_data"],
                   s.get("delivery", DEFAULT_DELIVERY))


def _personal_data(clause: Source, services: dict[str, Source], add: Add) -> None:
    for sid, service in services.items():
        if not service.data["personal_data"] and _selects(clause, service):
            add(clause, ("processes_personal_data",),
                f"the clause processes personal data and applies to service '{sid}', which is marked "
                f"`personal_data: false` ({service.path}:{service.line(('personal_data',))}); mark the service "
                "as processing personal data (with a `processing` description) or narrow `applies_to`",
                "personal-data-contradiction")


def _conflict_refs(clause: Source, clauses: dict[str, Source], add: Add) -> None:
    for i, other in enumerate(clause.data.get("conflicts_with") or []):
        if other == clause.data["id"]:
            add(clause, ("conflicts_with", i), "a clause cannot conflict with itself", "conflict-with-itself")
        elif other not in clauses:
            add(clause, ("conflicts_with", i), f"unknown clause '{other}'", "unknown-reference")


def _conflicts(agreement: Source, declaring: dict[str, Source], clauses: dict[str, Source],
               services: dict[str, Source], add: Add) -> None:
    """Mutually exclusive clauses may not bind the same service in one draft; reported at the clause
    that declares the conflict (the one with the lower id when both do)."""
    data = agreement.data
    ids = [s for s in data["services"] if s in services]
    excluded = [e["clause"] for e in data.get("exclude") or [] if "clause" in e]
    include = data.get("include") or []

    def bound(cid: str) -> list[str]:
        c = clauses[cid]
        selected = [s for s in ids if _selects(c, services[s])]
        return bound_services(cid, c.data["status"], selected, ids, include, excluded)

    for cid, clause in declaring.items():
        for i, other in enumerate(clause.data["conflicts_with"]):
            if other not in clauses or other == cid:
                continue
            if other < cid and cid in (clauses[other].data.get("conflicts_with") or []):
                continue  # both declare it: the other clause reports it
            shared = [s for s in bound(cid) if s in bound(other)]
            if shared:
                add(clause, ("conflicts_with", i),
                    f"clause '{cid}' and clause '{other}' ({clauses[other].path}) are mutually exclusive, but "
                    f"both bind service '{shared[0]}' in agreement '{data['id']}' "
                    f"({agreement.path}:{agreement.line(('services',))}); narrow `applies_to` (e.g. by "
                    "`delivery`) or exclude one of them in the agreement", "conflicting-clauses")


def _localized(source: Source) -> list[tuple[tuple, str, str]]:
    """(key path, language, text) of every text a document contributes to a draft."""
    data = source.data
    if source.kind == "agreement":  # the scope and the reasons for exclusions are printed in the draft
        texts = [(("scope",), data["scope"])] if data.get("scope") else []
        texts += [(("exclude", i, "reason"), e["reason"]) for i, e in enumerate(data.get("exclude") or [])]
        return [(path, data["language"], text) for path, text in texts]
    if source.kind == "catalog":  # item titles and paraphrases are printed in the coverage checklist
        paths = [("items", i, field) for i, item in enumerate(data["items"]) for field in ("title", "text")
                 if field in item]
    elif source.kind == "service":
        paths = [("name",), ("description",)] + [("processing", k) for k in data.get("processing") or {}]
    elif source.kind != "clause":  # e.g. the library's settings file: nothing of it is printed
        return []
    else:
        paths = [("title",), ("text",), ("verification",)] + ([("followup", "kpi")] if "followup" in data else [])
        params = data.get("parameters") or {}
        paths += [("parameters", n, "label") for n in params]
        paths += [("parameters", n, "choices", c) for n, d in params.items() for c in d.get("choices") or {}]
        paths += [("fallbacks", i, "text") for i in range(len(data.get("fallbacks") or ()))]  # may be signed
    found = []
    for path in paths:
        texts = data
        for step in path:
            texts = texts[step]
        found += [(path + (lang,), lang, text) for lang, text in texts.items()]
    return found


def _names(source: Source, add: Add) -> None:
    for path, lang, text in _localized(source):
        for offset, words, name in variants(text, lang):
            add(source, path, f"'{words}' names a defined role or forum otherwise than the agreement does; "
                f"write '{name}'", "term-variant", line=source.text_line(path, offset))


def _forums(clause: Source, add: Add) -> None:
    models = (clause.data.get("applies_to") or {}).get("delivery") or DELIVERY_MODELS
    texts = [(("text", lang), text) for lang, text in clause.data["text"].items()]
    texts += [(("fallbacks", i, "text", lang), text) for i, f in enumerate(clause.data.get("fallbacks") or ())
              for lang, text in f["text"].items()]
    for path, text in texts:
        lang = path[-1]
        for offset, words, forum in forums_named(text, lang):
            missing = [m for m in models if m not in FORUM_MODELS[forum]]
            if missing:
                add(clause, path, f"'{words}' names a forum that a {' or '.join(missing)} delivery does not "
                    f"have, but the clause applies to it; restrict `applies_to.delivery` or write a variant "
                    f"for {', '.join(missing)}", "forum-not-in-delivery-model", line=clause.text_line(path, offset))
