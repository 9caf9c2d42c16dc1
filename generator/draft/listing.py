"""What exists in a library, as rows for `klausul list`: documents, allowed values, and the values an
agreement's parameters take per service with where each value comes from."""

from __future__ import annotations

from generator.core.errors import UsageError
from generator.core.model import Library
from generator.draft.assemble import applies
from generator.library.parameters import value_source
from generator.library.schema import schema

Row = dict


def allowed(kind: str, *path: str) -> list[str]:
    """The values the schema of `kind` allows at path (e.g. clause category)."""
    rules: dict = {"schema": schema(kind)}
    for step in path:
        rules = rules["schema"][step] if "schema" in rules else rules["valuesrules"]["schema"][step]
    return list(rules["allowed"])


def clauses(library: Library) -> list[Row]:
    """Every clause: id, version, status, category, obligation, title, file."""
    return [{"id": c.id, "version": c.version, "status": c.status, "category": c.category,
             "obligation": c.obligation, "title": next(iter(c.title.values())), "path": c.path}
            for c in sorted(library.clauses.values(), key=lambda c: (c.category, c.id))]


def categories(library: Library) -> list[Row]:
    """Every category the schema allows, with how many clauses it has."""
    counts: dict[str, int] = {}
    for clause in library.clauses.values():
        counts[clause.category] = counts.get(clause.category, 0) + 1
    return [{"category": name, "clauses": counts.get(name, 0)} for name in allowed("clause", "category")]


def services(library: Library) -> list[Row]:
    """Every service: id, type, levels, personal data, file."""
    return [{"id": s.id, "type": s.type, "confidentiality": s.classification["confidentiality"],
             "integrity": s.classification["integrity"], "availability": s.classification["availability"],
             "personal_data": s.personal_data, "path": s.path}
            for s in sorted(library.services.values(), key=lambda s: s.id)]


def service_types(library: Library) -> list[Row]:
    """Every service type in use: by which services, and how many clauses name it."""
    named: dict[str, int] = {}
    for clause in library.clauses.values():
        for stype in clause.applies_to.get("service_types") or ():
            named[stype] = named.get(stype, 0) + 1
    types = sorted({s.type for s in library.services.values()} | set(named))
    return [{"type": t, "services": ", ".join(sorted(s.id for s in library.services.values() if s.type == t)),
             "clauses_naming_it": named.get(t, 0)} for t in types]


def catalogs(library: Library) -> list[Row]:
    """Every catalog: id, items, title, file."""
    return [{"id": c.id, "items": len(c.items), "title": next(iter(c.title.values())), "path": c.path}
            for c in sorted(library.catalogs.values(), key=lambda c: c.id)]


def agreements(library: Library) -> list[Row]:
    """Every agreement: id, language, services, catalogs, file."""
    return [{"id": a.id, "language": a.language, "services": ", ".join(a.services),
             "catalogs": ", ".join(a.catalogs), "path": a.path}
            for a in sorted(library.agreements.values(), key=lambda a: a.id)]


def choices(field: str) -> list[Row]:
    """The values a clause may use for units, frequencies or forums."""
    path = {"units": ("parameters", "unit"), "frequencies": ("followup", "frequency"),
            "forums": ("followup", "forum")}[field]
    return [{field[:-1] if field != "frequencies" else "frequency": v} for v in allowed("clause", *path)]


def parameters(library: Library, agreement: str | None) -> list[Row]:
    """Every parameter an agreement can override (or the whole library declares), with its value per
    service and where the value comes from: default, level N, service or agreement override."""
    if agreement is None:
        return [{"parameter": name, "clause": c.id, "type": d["type"], "unit": d.get("unit", ""),
                 "default": d["default"], "level_from": d.get("level_from", "")}
                for c in sorted(library.clauses.values(), key=lambda c: c.id)
                for name, d in sorted(c.parameters.items())]
    spec = library.agreements.get(agreement)
    if spec is None:
        raise UsageError(f"unknown agreement '{agreement}' (agreements: {', '.join(sorted(library.agreements))})")
    excluded = {e.clause for e in spec.exclude if e.clause}
    rows = []
    for clause in sorted(library.clauses.values(), key=lambda c: c.id):
        if clause.id in excluded:
            continue
        served = [library.services[s] for s in spec.services
                  if (clause.status == "approved" and applies(clause, library.services[s]))]
        served = served or ([library.services[s] for s in spec.services] if clause.id in spec.include else [])
        for name, decl in sorted(clause.parameters.items()):
            for service in served:
                value, source = value_source(decl, name, service.classification, service.parameters,
                                             spec.parameters)
                rows.append({"parameter": name, "clause": clause.id, "service": service.id,
                             "value": value, "unit": decl.get("unit", ""), "from": source})
    return rows


LISTS = {"clauses": clauses, "categories": categories, "services": services, "service-types": service_types,
         "catalogs": catalogs, "agreements": agreements}
