"""Coverage: for every catalog item and every service it concerns, the clauses that cover it and
whether their values meet the item's rules, the reason it was excluded, or a gap."""

from __future__ import annotations

from generator.core.i18n import format_quantity, join_words, pick
from generator.core.model import (STATUSES, AgreementSpec, Catalog, CatalogCoverage, CatalogItem, Clause,
                                  CoverageItem, DraftClause, RuleCheck, Service, ServiceCoverage, ValueRule)
from generator.library.parameters import format_value, resolve_value, selects
from generator.library.rules import matches, meets

OPS = {"<=": ("högst", "at most"), "<": ("under", "less than"), ">=": ("minst", "at least"),
       ">": ("över", "more than"), "==": ("exakt", "exactly"), "in": ("något av", "one of")}
EVERY = {"<=": ("minst en gång per", "at least once every"), "<": ("oftare än en gång per", "more often than every"),
         ">=": ("högst en gång per", "at most once every"),
         ">": ("mer sällan än en gång per", "less often than every"),
         "==": ("en gång per", "once every")}
BASIS = {"law": ("lag", "law"), "standard": ("standard", "standard"), "own": ("egen bedömning", "own judgement")}
ORIGIN = {
    "classification": ("enligt klassningen", "from the classification"),
    "default": ("klausulens grundvärde", "the clause's default"),
    "service": ("avvikelse i tjänstebeskrivningen; klassningen ger {baseline}",
                "override in the service description; the classification gives {baseline}"),
    "agreement": ("avvikelse i avtalet; klassningen ger {baseline}",
                  "override in the agreement; the classification gives {baseline}"),
}
WORDS = {
    "fails": ("{label} {value} ({origin}) uppfyller inte kravet {threshold} ({source}; {basis})",
              "{label} {value} ({origin}) does not meet the rule {threshold} ({source}; {basis})"),
    "unstated": ("ingen täckande klausul anger {what} (kravet: {threshold}; {source})",
                 "no covering clause states {what} (rule: {threshold}; {source})"),
    "no_service": ("Kravet gäller ingen av avtalets tjänster.",
                   "The item concerns none of the agreement's services."),
}


def coverage(catalogs: list[Catalog], clauses: tuple[DraftClause, ...], spec: AgreementSpec,
             services: list[Service], library_clauses: dict[str, Clause],
             excluded_covers: dict[str, tuple[str, ...]]) -> tuple[CatalogCoverage, ...]:
    """One checklist per catalog, items in catalog order, each evaluated for every service it concerns.

    `excluded_covers` maps each excluded clause id to the items it would have covered, so an item
    left uncovered by an excluded clause carries that exclusion's reason instead of being a gap.
    """
    lang = spec.language
    clause_reasons = {e.clause: e.reason for e in spec.exclude if e.clause}
    by_ref: dict[str, list[DraftClause]] = {}  # item → the clauses covering it, in draft order: one pass, not one per item
    for clause in clauses:
        for ref in dict.fromkeys(clause.covers):
            by_ref.setdefault(ref, []).append(clause)
    result = []
    for catalog in catalogs:
        items = []
        for item in catalog.items:
            ref = f"{catalog.id}:{item.id}"
            by_clause = "; ".join(
                f"{cid}: {clause_reasons[cid]}" for cid, refs in excluded_covers.items() if ref in refs) or None
            concerned = [s for s in services if selects(catalog.applies_to, s) and selects(item.applies_to, s)]
            per_service = []
            for s in concerned:
                stated = _stated(spec, ref, s.id)
                per_service.append(_for_service(item, ref, s, by_ref.get(ref, ()), spec, library_clauses,
                                                stated or by_clause, bool(stated)))
            reason = _stated(spec, ref, None) or by_clause
            narrowed = tuple(s.name[lang] for s in concerned) if 0 < len(concerned) < len(services) else ()
            items.append(_item(item, lang, tuple(per_service), reason, narrowed))
        result.append(CatalogCoverage(catalog.id, catalog.title[lang], localized(catalog.source, lang),
                                      catalog.version, tuple(items)))
    return tuple(result)


def _stated(spec: AgreementSpec, ref: str, service: str | None) -> str | None:
    """The agreement's reason for excluding item `ref` for `service` (None: for all its services)."""
    return next((e.reason for e in spec.exclude if e.item == ref
                 and (not e.services or (service is not None and service in e.services))), None)


def localized(value: str | dict[str, str], lang: str) -> str:
    """A text given once, or per language (validation made sure the language is there)."""
    return value if isinstance(value, str) else value[lang]


def _for_service(item: CatalogItem, ref: str, service: Service, clauses,
                 spec: AgreementSpec, library_clauses: dict[str, Clause], reason: str | None,
                 stated: bool) -> ServiceCoverage:
    """`clauses`: the draft's clauses that cover `ref`, in draft order."""
    lang = spec.language
    name = service.name[lang]
    covering = tuple(c.id for c in clauses if service.id in c.services)
    partial = tuple(cid for cid in covering if cid in item.partial)
    if not covering:
        status = "excluded" if reason else "gap"
        return ServiceCoverage(service.id, name, status, (), (), reason, accepted=bool(reason))
    checks, unstated = [], []
    for rule in item.rules:
        if not _rule_applies(rule, service):
            continue
        found = _checks(rule, service, covering, spec, library_clauses)
        checks += found
        if not found:
            unstated.append(_text("unstated", lang, what=rule.parameter or rule.role,
                                  threshold=_threshold(rule, None, lang), source=localized(rule.source, lang)))
    failed = [c for c in checks if not c.ok]
    if failed:
        reasons = "; ".join(dict.fromkeys(_failure(c, lang) for c in failed))
        return ServiceCoverage(service.id, name, "inadequate", covering, partial, reasons, tuple(checks),
                               accepted=False)
    if len(partial) < len(covering) and not unstated:
        return ServiceCoverage(service.id, name, "covered", covering, partial, None, tuple(checks), accepted=True)
    # Partial coverage: only partial clauses, or a value the item demands that no clause states.
    why = "; ".join(unstated + ([reason] if stated and reason else [])) or None
    return ServiceCoverage(service.id, name, "partial", covering, partial, why, tuple(checks), accepted=stated)


def _rule_applies(rule: ValueRule, service: Service) -> bool:
    return selects({"min_level": rule.min_level, "max_level": rule.max_level}, service)


def _checks(rule: ValueRule, service: Service, covering: tuple[str, ...], spec: AgreementSpec,
            library_clauses: dict[str, Clause]) -> list[RuleCheck]:
    lang = spec.language
    found = []
    for cid in covering:
        for pname, decl in library_clauses[cid].parameters.items():
            if not matches(rule, pname, decl):
                continue
            value, origin, baseline = resolve_value(decl, pname, service.classification, service.parameters,
                                                    spec.parameters)
            overridden = origin in ("service", "agreement") and value != baseline
            if origin in ("service", "agreement") and not overridden:  # an override that repeats the baseline
                origin = resolve_value(decl, pname, service.classification, {}, {})[1]
            found.append(RuleCheck(
                service=service.id, clause=cid, parameter=pname, label=decl["label"][lang],
                value=format_value(decl, value, lang), threshold=_threshold(rule, decl, lang), origin=origin,
                baseline=format_value(decl, baseline, lang) if overridden else None,
                rule_source=localized(rule.source, lang), basis=rule.basis, ok=meets(rule, decl, value)))
    return found


def _threshold(rule: ValueRule, decl: dict | None, lang: str) -> str:
    """The rule in words: 'högst 24 timmar', 'at least once every 1 year', 'one of quarterly, monthly'."""
    if rule.op == "in":
        choices = (decl or {}).get("choices") or {}
        words = [choices[v][lang] if v in choices else v for v in rule.value]
        return words[0] if len(words) == 1 else f"{pick(OPS['in'], lang)} " + join_words(words, lang, last=_or(lang))
    if decl is not None and decl.get("type") == "choice":
        return f"{pick(EVERY[rule.op], lang)} {format_quantity(rule.value, rule.unit, lang)}"
    return f"{pick(OPS[rule.op], lang)} {format_quantity(rule.value, rule.unit, lang)}"


def _or(lang: str) -> str:
    return "eller" if lang == "sv" else "or"


def _failure(check: RuleCheck, lang: str) -> str:
    origin = pick(ORIGIN[check.origin], lang).format(baseline=check.baseline)
    return _text("fails", lang, label=check.label, value=check.value, origin=origin,
                 threshold=check.threshold, source=check.rule_source, basis=pick(BASIS[check.basis], lang))


def _text(key: str, lang: str, **values) -> str:
    return pick(WORDS[key], lang).format(**values)


def _item(item: CatalogItem, lang: str, services: tuple[ServiceCoverage, ...], reason: str | None,
          only_for: tuple[str, ...]) -> CoverageItem:
    reference = localized(item.reference, lang)
    if not services:  # the item concerns none of the agreement's services
        return CoverageItem(item.id, item.title[lang], reference, "excluded", (), reason or _text("no_service", lang),
                            (), (), item.verify)
    status = max((s.status for s in services), key=STATUSES.index)
    clauses = tuple(dict.fromkeys(c for s in services for c in s.clauses))
    partial = tuple(dict.fromkeys(c for s in services for c in s.partial))
    return CoverageItem(item.id, item.title[lang], reference, status, clauses, _reasons(services, lang),
                        partial, services, item.verify, only_for)


def _reasons(services: tuple[ServiceCoverage, ...], lang: str) -> str | None:
    """Each distinct reason once, after the services it concerns ("Nät och Datacenter: ..."); a
    reason that concerns every service stands alone."""
    groups: dict[str, list[str]] = {}
    for s in services:
        if s.reason and s.status != "covered":
            groups.setdefault(s.reason, []).append(s.name)
    parts = [reason if len(names) == len(services) else f"{join_words(names, lang)}: {reason}"
             for reason, names in groups.items()]
    return "; ".join(parts) or None
