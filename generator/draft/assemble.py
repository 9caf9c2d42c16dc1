"""Stage 3: choose the clauses an agreement's services need, resolve their values, compute coverage."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace

from generator import __version__
from generator.draft.coverage import coverage
from generator.draft.overrides import overrides
from generator.draft.followup import plan
from generator.core.errors import BuildError, Diagnostic, UsageError
from generator.core.i18n import CATEGORIES, FORUMS, FREQUENCIES, LABELS, join_words, pick
from generator.draft import markup_cache
from generator.draft.markup import parse, resolve
from generator.core.model import Paragraph, Styled, Text
from generator.core.placeholders import REFERENCE_PREFIX
from generator.draft.frame import definitions, frame_clauses, party_intro
from generator.draft.references import annexes, reference_values
from generator.core.model import AgreementSpec, Clause, Draft, DraftClause, Library, Section, Service, ServiceRow
from generator.draft.forums import forum_problems
from generator.draft.kpi import customer_duties, kpi_with_target
from generator.draft.values import resolve_values, summary, with_value_tables
from generator.library.parameters import ASPECTS, selects
from generator.library.applicability import bound_services
from generator.library.followup_rules import MONTHS
from generator.library.terms import SUBSTITUTE_MONTHS, forum_in


def assemble(library: Library, agreement_id: str) -> Draft:
    """The agreement `agreement_id` as one Draft, ready for any writer."""
    spec = library.agreements.get(agreement_id)
    if spec is None:
        known = ", ".join(sorted(library.agreements)) or "none"
        raise UsageError(f"unknown agreement '{agreement_id}' (agreements: {known})")
    lang = spec.language
    services = [library.services[s] for s in spec.services]
    excluded = {e.clause for e in spec.exclude if e.clause}
    drafted = _selection(library, spec, services)
    if not drafted:
        raise _hollow(spec)
    _check_accepted(spec, drafted)
    _check_security_protection(library, spec, services, drafted)
    annex_list = annexes(spec, any(s.personal_data and s.processing for s in services))
    refs = reference_values(spec, annex_list, _sections(drafted, lang))
    drafted = tuple(_draft_clause(library.clauses[d.id], spec, services, refs) for d in drafted)
    excluded_covers = {cid: library.clauses[cid].covers for cid in excluded}
    sections = _sections(drafted, lang)
    draft = Draft(
        id=spec.id, title=spec.title, version=spec.version, status=spec.status, language=lang,
        date=spec.date or draft_date(), scope=_scope(spec),
        parties=spec.parties,
        services=tuple(_service_row(s, lang) for s in services),
        sections=sections,
        coverage=coverage([library.catalogs[c] for c in spec.catalogs], drafted, spec, services,
                          library.clauses, excluded_covers),
        overrides=overrides(drafted, spec, services, library.clauses),
        excluded_clauses=tuple(e for e in spec.exclude if e.clause),
        generator_version=__version__,
        start_date=spec.start_date, followup=plan(sections, spec.start_date, lang),
        definitions=definitions(library, spec, drafted), frame=frame_clauses(spec, annex_list),
        annexes=annex_list, party_intro=party_intro(spec), reference=spec.frame.get("reference"),
        governing=next((k for k in ("main_agreement", "supplier_terms") if k in spec.frame), None),
        governing_title=next((spec.frame[k]["title"] for k in ("main_agreement", "supplier_terms") if k in spec.frame), None),
    )
    markup_cache.flush()  # the texts read for this draft, now: a forked worker ends without exit handlers
    problems = forum_problems(library, draft)
    if problems:
        raise BuildError(f"agreement '{spec.id}': {len(problems)} follow-up(s) due more often than their "
                         f"forum meets", problems)
    return draft


class _Pending(dict):
    """References before the clause numbers are known: resolved to nothing in the first pass."""

    def __missing__(self, name: str) -> str:
        if name.startswith(REFERENCE_PREFIX):
            return ""
        raise KeyError(name)


def _selection(library: Library, spec: AgreementSpec, services: list[Service]) -> tuple[DraftClause, ...]:
    """The agreement's clauses in print order, references not yet resolved: the first of two passes,
    since a reference needs the clause numbers, which need the selection."""
    excluded = {e.clause for e in spec.exclude if e.clause}
    chosen = [c for c in _ordered(library.clauses.values()) if c.id not in excluded]
    return tuple(d for c in chosen if (d := _draft_clause(c, spec, services, _Pending())) is not None)


def draft_clause(library: Library, agreement_id: str, clause_id: str, accept: tuple = ()) -> DraftClause | None:
    """One clause of an agreement as it would read with these outcomes accepted (bounds are not checked here)."""
    spec = library.agreements[agreement_id]
    spec = replace(spec, accept=tuple(a for a in spec.accept if a.clause != clause_id) + tuple(accept))
    services = [library.services[s] for s in spec.services]
    annex_list = annexes(spec, any(s.personal_data and s.processing for s in services))
    refs = reference_values(spec, annex_list, _sections(_selection(library, spec, services), spec.language))
    return _draft_clause(library.clauses[clause_id], spec, services, refs)


def _check_accepted(spec: AgreementSpec, drafted: tuple[DraftClause, ...]) -> None:
    """An outcome accepted for a clause the draft does not contain would silently do nothing."""
    present = {d.id for d in drafted}
    for entry in spec.accept:
        if entry.clause not in present:
            raise BuildError(f"{spec.path}: agreement '{spec.id}' accepts an outcome for clause '{entry.clause}', "
                             f"which its draft does not include")


def _hollow(spec: AgreementSpec) -> BuildError:
    """An agreement that selects no clause would be a contract without obligations: refuse it."""
    message = (f"agreement '{spec.id}' selects no clause: no approved clause applies to its services "
               f"({', '.join(spec.services)}) and none is included, or every one is excluded")
    return BuildError(message, [Diagnostic(spec.path, spec.services_line, "services", message, "empty-agreement")])


def _check_security_protection(library: Library, spec: AgreementSpec, services: list[Service],
                               drafted: tuple[DraftClause, ...]) -> None:
    """Level 4 is outside a normal agreement: refuse unless a security-protection clause made for it applies.

    Only a clause whose own rules demand level 4 counts; a general trigger clause that applies to
    every service says nothing about an actual security-protection agreement.
    """
    protected = {sid for d in drafted if d.category == "security-protection"
                 and max((library.clauses[d.id].applies_to.get("min_level") or {0: 0}).values()) >= 4
                 for sid in d.services}
    for service in services:
        aspects = [a for a in ASPECTS if service.classification[a] >= 4]
        if aspects and service.id not in protected:
            raise BuildError(
                f"{service.path}: service '{service.id}' is classified at level 4 ({', '.join(aspects)}), "
                f"which calls for a security-protection agreement (säkerhetsskyddsavtal); agreement "
                f"'{spec.id}' has no approved security-protection clause for level 4 (applies_to min_level 4) "
                f"that applies to it, so no draft "
                f"is made (add or include one, or do not exclude it)")


def _scope(spec: AgreementSpec) -> tuple:
    # Which language version is authoritative is said in the contract documents section (draft/frame.py).
    return parse(spec.scope or LABELS[spec.language]["default_scope"])


def draft_date() -> str:
    """Today, or the day SOURCE_DATE_EPOCH names, so that builds can be reproduced."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date().isoformat()
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds") from None
    return dt.date.today().isoformat()


def applies(clause: Clause, service: Service) -> bool:
    """Whether the clause's applicability rules select this service."""
    return selects(clause.applies_to, service)


def _ordered(clauses) -> list[Clause]:
    order = list(CATEGORIES)
    return sorted(clauses, key=lambda c: (order.index(c.category), c.order, c.id))


def _draft_clause(clause: Clause, spec: AgreementSpec, services: list[Service], refs: dict) -> DraftClause | None:
    # Approved clauses come in by their rules; draft and retired ones only when the agreement names them.
    bound = bound_services(clause.id, clause.status, [s.id for s in services if applies(clause, s)],
                           [s.id for s in services], spec.include, ())
    selected = [s for s in services if s.id in bound]
    if not selected:
        return None
    lang = spec.language
    if lang not in clause.languages:
        raise BuildError(f"{clause.path}: clause '{clause.id}' has no '{lang}' text, which agreement "
                         f"'{spec.id}' ({spec.path}) needs")
    accepted = [a for a in spec.accept if a.clause == clause.id]
    fallback = next((a.fallback for a in accepted if a.fallback), None)
    wording = clause.fallbacks[fallback - 1] if fallback else clause  # an accepted fallback replaces the text
    values, varying = resolve_values(clause.parameters, selected, lambda s: _overrides(spec, accepted, s), lang)
    try:
        blocks = resolve(with_value_tables(parse(wording.text[lang]), clause.parameters, varying, lang),
                         _Values(values, refs))
    except KeyError as exc:
        raise BuildError(f"{clause.path}: clause '{clause.id}': placeholder '{{{{ {exc.args[0]} }}}}' "
                         f"has no value") from None
    if len(selected) < len(services):  # say which services a clause binds when it is not all of them
        blocks = (applies_note([s.name[lang] for s in selected], lang), *blocks)
    followup = clause.followup or {}
    return DraftClause(
        id=clause.id, version=clause.version, status=clause.status, category=clause.category,
        obligation=wording.obligation, title=clause.title[lang], blocks=blocks,
        values={**values, **{n: summary(g, lang) for n, g in varying.items()}}, services=tuple(s.id for s in selected),
        covers=clause.covers,
        verification=clause.verification[lang],
        followup_kpi=kpi_with_target(followup, values, varying, selected, lang) if followup else None,
        followup_frequency=pick(FREQUENCIES[followup["frequency"]], lang) if followup else None,
        followup_forum=_followup_place(followup, [s.delivery for s in selected], lang),
        content_hash=clause.content_hash, path=clause.path,
        followup_every=followup.get("frequency"), followup_by=followup.get("by", "supplier"),
        customer_duties=customer_duties(clause.customer_duties, lang),
        fallback=fallback,
        tender_evidence=clause.tender_evidence[lang] if clause.tender_evidence else None,
    )


def _followup_place(followup: dict, models: list[str], lang: str) -> str | None:
    """Where the follow-up happens: its forum, the forum that stands in for it in these delivery models
    when that forum meets often enough, else the Customer's contact for information security."""
    if not followup:
        return None
    if followup.get("recipient"):
        return followup["recipient"][lang]
    forum = forum_in(followup.get("forum"), models)
    if forum is None:
        return None
    if forum != followup["forum"] and MONTHS.get(followup["frequency"], 3) % SUBSTITUTE_MONTHS:
        return LABELS[lang]["security_contact"]  # more often than the stand-in forum meets
    return pick(FORUMS[forum], lang)


class _Values(dict):
    """A clause's parameter values, then the draft's references."""

    def __init__(self, values: dict, refs: dict):
        super().__init__(values)
        self.refs = refs

    def __missing__(self, name: str) -> str:
        return self.refs[name]


def applies_note(names: list[str], lang: str) -> Paragraph:
    """The first paragraph of a clause that binds only some services: 'Punkten gäller A och B.'"""
    sentence = LABELS[lang]["applies_to"].format(services=join_words(names, lang))
    return Paragraph((Styled("emphasis", (Text(sentence),)),))


def _overrides(spec: AgreementSpec, accepted: list, service: Service) -> dict:
    """The agreement's parameter values for one service; values agreed for this clause win over the
    agreement's, and one agreed for the service over one for all."""
    agreed = {a.parameter: a.value for a in sorted(accepted, key=lambda a: a.service is not None)
              if a.parameter and a.service in (None, service.id)}
    return {**spec.parameters, **agreed}


def _service_row(service: Service, lang: str) -> ServiceRow:
    c = service.classification
    processing = ({k: v[lang] for k, v in service.processing.items()}
                  if service.personal_data and service.processing else None)
    return ServiceRow(service.id, service.name[lang], service.type, service.description[lang],
                      *(c[a] for a in ASPECTS), service.personal_data, processing)


def _sections(clauses: tuple[DraftClause, ...], lang: str) -> tuple[Section, ...]:
    sections = []
    for category, titles in CATEGORIES.items():
        members = tuple(c for c in clauses if c.category == category)
        if members:
            sections.append(Section(category, pick(titles, lang), members))
    return tuple(sections)
