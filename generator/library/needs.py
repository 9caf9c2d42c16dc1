"""Which library documents agreements can use, decided from each document's facts (kind, id, references)
without loading the documents themselves.

The choice is generous, never narrow: every clause whose `applies_to.service_types` is absent or names
a type of one of the agreements' services (whatever its status, levels or delivery rules), every
clause an agreement includes, excludes or accepts an outcome for, the agreements' services and
catalogs, every term and the library settings; and with each of those, every other document of its
kind and id (an override and the base document it replaces). Assembly only ever looks those up.
"""

from __future__ import annotations

import json
from typing import Any

from generator.library.load import Source

Facts = tuple  # (kind, id, refs)


def facts_of(source: Source | None) -> tuple[str | None, Any, Any]:
    """(kind, id, refs) of a parsed document; refs None where the document is not of the expected shape."""
    if source is None or not isinstance(source.data, dict):
        return None, None, None
    d = source.data
    ident = d.get("id") if isinstance(d.get("id"), str) else None
    try:
        if source.kind == "clause":
            refs = {"types": (d.get("applies_to") or {}).get("service_types")}
        elif source.kind == "service":
            refs = {"type": d["type"]}
        elif source.kind == "agreement":
            refs = {"services": list(d["services"]), "catalogs": list(d["catalogs"]),
                    "clauses": [*(d.get("include") or ()), *(e.get("clause") for e in d.get("exclude") or ()),
                                *(a.get("clause") for a in d.get("accept") or ())]}
        else:
            refs = {}
        json.dumps(refs)  # stored as JSON: a value of another type (in a broken document) is not decided on
    except (KeyError, TypeError, AttributeError, ValueError):
        return source.kind, ident, None
    return source.kind, ident, refs


def needed(facts: list[Facts], agreements: set[str]) -> list[bool] | None:
    """For each document (by its facts, in library order) whether the agreements can use it; None when
    the facts do not allow deciding (then every document is loaded)."""
    try:
        specs = [f for f in facts if f[0] == "agreement" and f[1] in agreements]
        all_agreements = {f[1] for f in specs} != agreements  # an unknown id: its message lists every agreement
        services = {s for f in specs for s in f[2]["services"]}
        catalogs = {c for f in specs for c in f[2]["catalogs"]}
        named = {c for f in specs for c in f[2]["clauses"]}
        types = {f[2]["type"] for f in facts if f[0] == "service" and f[1] in services}
        uses = [_uses(f, all_agreements, agreements, services, catalogs, named, types) for f in facts]
    except (KeyError, TypeError):
        return None
    # A document and every other with its kind and id: a library's own clause that overrides a base
    # clause may apply to other service types than the base clause, and only one of them is kept.
    chosen = {(f[0], f[1]) for f, use in zip(facts, uses) if use}
    return [(f[0], f[1]) in chosen for f in facts]


def _uses(fact: Facts, all_agreements: bool, agreements: set[str], services: set[str], catalogs: set[str],
          named: set[str], types: set[str]) -> bool:
    kind, ident, refs = fact
    if kind in ("library", "term"):
        return True
    if kind == "agreement":
        return all_agreements or ident in agreements
    if kind == "service":
        return ident in services
    if kind == "catalog":
        return ident in catalogs
    if kind == "clause":
        wanted = refs["types"]
        return ident in named or wanted is None or not isinstance(wanted, list) or bool(types & set(wanted))
    raise KeyError(kind)  # a kind this choice does not know: load everything
