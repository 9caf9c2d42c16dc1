"""Per-service values: one value per parameter in the sentence, or a small table under it when services differ.

A sentence with "8 timmar för IT-arbetsplats samt 2 timmar för Nät och Datacenter" in it reads
badly and gets worse with every parameter. When a parameter's value differs between the services
a clause binds, the sentence refers to the table instead ("den tid som anges för respektive tjänst
nedan") and the table under the paragraph or list states each distinct value once, with the
services it is for. A parameter marked `strictest` adds the sentence that says which value applies
when one event touches several services.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from generator.core.i18n import LABELS, join_words
from generator.core.model import Block, ListBlock, Paragraph, Param, Styled, Table, Text, Link
from generator.draft.markup import lead_in
from generator.library.parameters import format_value, value_for_service

DURATIONS = {"minutes", "hours", "days", "working-days", "weeks", "months", "years"}


def resolve_values(parameters: Mapping[str, Mapping[str, Any]], services: list,
                   overrides_for: Callable[[Any], Mapping], lang: str
                   ) -> tuple[dict[str, str], dict[str, list[tuple[list[str], str, Any]]]]:
    """The text value of every parameter, and for those that differ the groups (services, value, raw value);
    `overrides_for(service)` gives the agreement's values for that service."""
    values, varying = {}, {}
    for name, decl in parameters.items():
        groups: dict[str, tuple[list[str], Any]] = {}  # formatted value → (services, raw), in the agreement's order
        for s in services:
            raw = value_for_service(decl, name, s.classification, s.parameters, overrides_for(s))
            groups.setdefault(format_value(decl, raw, lang), ([], raw))[0].append(s.name[lang])
        if len(groups) == 1:
            values[name] = next(iter(groups))
        else:
            values[name] = reference(decl, lang)
            varying[name] = [(names, text, raw) for text, (names, raw) in groups.items()]
    return values, varying


def reference(decl: Mapping[str, Any], lang: str) -> str:
    """What the sentence says in place of a value that differs per service."""
    if decl.get("per_service"):
        return decl["per_service"][lang]
    labels = LABELS[lang]
    if decl.get("unit") in DURATIONS:
        return labels["per_service_time"]
    if decl.get("unit") == "percent" or decl["type"] in ("integer", "number"):
        return labels["per_service_level"]
    return labels["per_service_other"]


def with_value_tables(blocks: tuple[Block, ...], parameters: Mapping[str, Mapping[str, Any]],
                      varying: dict[str, list[tuple[list[str], str, Any]]], lang: str) -> tuple[Block, ...]:
    """`blocks` (still holding Params) with a table after each top-level block that uses a varying parameter."""
    out: list[Block] = []
    shown: set[str] = set()
    pending: list[str] = []
    for i, block in enumerate(blocks):
        out.append(block)
        pending += [n for n in params_in(block) if n in varying and n not in shown and n not in pending]
        # A lead-in ("Säkerhetskopiorna ska:") stays with its list: the table follows the list.
        if pending and not (lead_in(block) and i + 1 < len(blocks) and isinstance(blocks[i + 1], ListBlock)):
            shown.update(pending)
            out.append(value_table(pending, parameters, varying, lang))
            out += strictest_notes([n for n in pending if parameters[n].get("strictest")], parameters, varying, lang)
            pending = []
    return tuple(out)


def value_table(names: list[str], parameters: Mapping, varying: Mapping, lang: str) -> Table:
    """Service | value of each parameter; services with the same values share a row."""
    labels = LABELS[lang]
    rows: dict[tuple[str, ...], list[str]] = {}
    services: list[str] = []
    for n in names:
        for group, _text, _raw in varying[n]:
            services += [s for s in group if s not in services]
    for service in services:
        key = tuple(next(text for group, text, _ in varying[n] if service in group) for n in names)
        rows.setdefault(key, []).append(service)
    header = ((Text(labels["service"]),), *((Text(_capital(parameters[n]["label"][lang])),) for n in names))
    body = tuple(((Text(join_words(group, lang)),), *((Text(v),) for v in key)) for key, group in rows.items())
    return Table(header, body)


def strictest_notes(names: list[str], parameters: Mapping, varying: Mapping, lang: str) -> list[Paragraph]:
    """The sentences saying which value applies when one event touches several services (one per kind)."""
    by_kind: dict[str, list[str]] = {}
    for n in names:
        decl = parameters[n]
        pick = min if decl["strictest"] == "lowest" else max
        _services, text, _raw = pick(varying[n], key=lambda g: g[2])
        kind = "time" if decl.get("unit") in DURATIONS else "level"
        by_kind.setdefault(kind, []).append(f"{text} ({decl['label'][lang]})")
    return [Paragraph((Styled("emphasis", (Text(LABELS[lang][f"strictest_{kind}"].format(
        value=join_words(values, lang))),)),)) for kind, values in by_kind.items()]


def params_in(block: Block) -> list[str]:
    """The parameter names a block uses, in reading order."""
    found: list[str] = []

    def inlines(items) -> None:
        for i in items:
            if isinstance(i, Param):
                found.append(i.name)
            elif isinstance(i, (Styled, Link)):
                inlines(i.children)

    def walk(b: Block) -> None:
        if isinstance(b, Paragraph):
            inlines(b.inlines)
        elif isinstance(b, ListBlock):
            for item in b.items:
                for child in item:
                    walk(child)
        else:
            for cells in (b.header, *b.rows):
                for cell in cells:
                    inlines(cell)

    walk(block)
    return list(dict.fromkeys(found))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def summary(groups: list[tuple[list[str], str, Any]], lang: str) -> str:
    """A differing value in one line for the model: 'IT-arbetsplats: 8 timmar; Nät och Datacenter: 2 timmar'."""
    return "; ".join(f"{join_words(names, lang)}: {text}" for names, text, _ in groups)
