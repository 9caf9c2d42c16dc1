"""The in-memory model: the typed library, and the assembled agreement that every writer renders.

Writers see only the `Draft` side of this module; raw YAML never leaves load/validate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union


# --- the library, typed ---------------------------------------------------------------------

@dataclass(frozen=True)
class Fallback:
    """An approved alternative wording of a clause: label, obligation, text per language, own bounds."""

    label: dict[str, str]
    obligation: str
    text: dict[str, str]
    bounds: dict[str, dict[str, Any]] = field(default_factory=dict)  # parameter → {min, max}


@dataclass(frozen=True)
class Acceptance:
    """An outcome agreed for one clause: its fallback number (1-based) and/or a parameter value."""

    clause: str
    fallback: int | None = None
    parameter: str | None = None
    value: Any = None
    service: str | None = None  # the value for this service only
    note: str | None = None


@dataclass(frozen=True)
class Clause:
    """One validated clause file."""

    id: str
    version: str
    status: str
    category: str
    obligation: str
    languages: tuple[str, ...]
    title: dict[str, str]
    text: dict[str, str]
    parameters: dict[str, dict[str, Any]]
    applies_to: dict[str, Any]
    covers: tuple[str, ...]
    verification: dict[str, str]
    followup: dict[str, Any] | None
    path: str
    content_hash: str
    order: int = 100
    processes_personal_data: bool = False  # the clause itself makes the Supplier process personal data
    conflicts_with: tuple[str, ...] = ()  # clauses that may not bind the same service in one draft
    fallbacks: tuple[Fallback, ...] = ()
    tender_evidence: dict[str, str] | None = None  # what a bidder submits with the tender, per language
    customer_duties: tuple[dict[str, Any], ...] = ()  # the Customer's recurring duties: what, frequency, forum
    lines: dict[tuple, int] = field(default_factory=dict, compare=False, repr=False)  # key path → line, for messages

    def line(self, key_path: tuple) -> int:
        """Line of the deepest known prefix of key_path in the clause's file (1 when unknown)."""
        while key_path not in self.lines and key_path:
            key_path = key_path[:-1]
        return self.lines.get(key_path, 1)


@dataclass(frozen=True)
class Term:
    """One defined term of the library: its heading, the forms that find it in text, its definition."""

    id: str
    term: dict[str, str]
    forms: dict[str, tuple[str, ...]]
    definition: dict[str, str]
    path: str
    line: int = 1


@dataclass(frozen=True)
class Service:
    """One validated service description."""

    id: str
    type: str
    name: dict[str, str]
    description: dict[str, str]
    classification: dict[str, int]
    personal_data: bool
    parameters: dict[str, Any]
    path: str
    processing: dict[str, dict[str, str]] | None = None  # purpose, data, subjects, location; per language
    delivery: str = "on-premises"  # on-premises | hosted | saas


@dataclass(frozen=True)
class ValueRule:
    """What a catalog item demands of a value: `parameter` (or any parameter of `role`) `op` `value` `unit`."""

    op: str  # <= < >= > == in
    value: Any  # a number, or for `in` the allowed choices
    source: str | dict[str, str]  # the article, control or audit point the threshold comes from; per language
    basis: str  # law | standard | own (our own judgement)
    parameter: str | None = None
    role: str | None = None
    unit: str | None = None
    min_level: dict[str, int] = field(default_factory=dict)  # the classification levels it applies to
    max_level: dict[str, int] = field(default_factory=dict)
    line: int = 0  # in the catalog file


@dataclass(frozen=True)
class CatalogItem:
    """One requirement of a catalog, paraphrased in our own words."""

    id: str
    title: dict[str, str]
    text: dict[str, str]
    reference: str | dict[str, str]  # one text, or one per language
    verify: bool
    partial: tuple[str, ...] = ()  # clauses that cover this item only in part
    rules: tuple[ValueRule, ...] = ()
    applies_to: dict[str, Any] = field(default_factory=dict)  # narrows the services the item concerns


@dataclass(frozen=True)
class Catalog:
    """A requirement list an agreement is checked against."""

    id: str
    title: dict[str, str]
    source: str | dict[str, str]
    version: str
    items: tuple[CatalogItem, ...]
    path: str
    applies_to: dict[str, Any] = field(default_factory=dict)  # narrows the services every item concerns
    baseline: bool = False  # a minimum list: every agreement that lists it should meet every item


@dataclass(frozen=True)
class Party:
    """A party to the agreement."""

    role: str
    name: str
    org_number: str
    contact_role: str


@dataclass(frozen=True)
class Exclusion:
    """A clause or a catalog item the agreement leaves out, and why."""

    reason: str
    clause: str | None = None
    item: str | None = None
    services: tuple[str, ...] = ()  # an item excluded for these services only (empty: all)


@dataclass(frozen=True)
class AgreementSpec:
    """One validated agreement file, before assembly."""

    id: str
    title: str
    version: str
    status: str
    language: str
    date: str | None
    scope: str | None
    parties: tuple[Party, ...]
    services: tuple[str, ...]
    catalogs: tuple[str, ...]
    include: tuple[str, ...]
    exclude: tuple[Exclusion, ...]
    parameters: dict[str, Any]
    template: str | None
    path: str
    start_date: str | None = None
    line: int = 1  # where the agreement's mapping starts, for messages about a missing key
    frame: dict[str, Any] = field(default_factory=dict)  # main_agreement | supplier_terms, term, precedence, attachments, annexes, reference
    services_line: int = 1  # where `services:` is, for messages about what the services select
    catalogs_line: int = 1  # where `catalogs:` is, for messages about what the draft leaves uncovered
    accept: tuple[Acceptance, ...] = ()  # outcomes agreed in negotiation


@dataclass
class Library:
    """Every document of a library, by id."""

    root: str
    clauses: dict[str, Clause] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)
    catalogs: dict[str, Catalog] = field(default_factory=dict)
    agreements: dict[str, AgreementSpec] = field(default_factory=dict)
    terms: dict[str, Term] = field(default_factory=dict)


# --- rich text: the common form of clause Markdown ------------------------------------------

@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Styled:
    """Text in bold, italics or code; `style` is strong, emphasis or code."""

    style: str
    children: tuple["Inline", ...]


@dataclass(frozen=True)
class Link:
    children: tuple["Inline", ...]
    url: str


@dataclass(frozen=True)
class Param:
    """A `{{ name }}` placeholder; assembly replaces it with Text."""

    name: str


Inline = Union[Text, Styled, Link, Param]


@dataclass(frozen=True)
class Paragraph:
    inlines: tuple[Inline, ...]


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    items: tuple[tuple["Block", ...], ...]
    start: int = 1  # the first item's number; a requirement split inside a list continues its numbering


@dataclass(frozen=True)
class Table:
    header: tuple[tuple[Inline, ...], ...]
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]


Block = Union[Paragraph, ListBlock, Table]


# --- the assembled agreement --------------------------------------------------------------

@dataclass(frozen=True)
class ServiceRow:
    """A service as the draft presents it."""

    id: str
    name: str
    type: str
    description: str
    confidentiality: int
    integrity: int
    availability: int
    personal_data: bool
    processing: dict[str, str] | None = None  # purpose, data, subjects, location in the draft's language


@dataclass(frozen=True)
class DraftClause:
    """A clause as it stands in one agreement: text in its language, values resolved."""

    id: str
    version: str
    status: str
    category: str
    obligation: str
    title: str
    blocks: tuple[Block, ...]
    values: dict[str, str]  # parameter → formatted value, per service where services differ
    services: tuple[str, ...]
    covers: tuple[str, ...]
    verification: str
    followup_kpi: str | None
    followup_frequency: str | None
    followup_forum: str | None
    content_hash: str
    path: str
    followup_every: str | None = None  # the schema's frequency key, for computing due dates
    followup_by: str = "supplier"
    fallback: int | None = None  # the accepted fallback wording (1-based) the text is, if any
    tender_evidence: str | None = None  # what a bidder submits with the tender (procurement)
    customer_duties: tuple["CustomerDuty", ...] = ()


@dataclass(frozen=True)
class CustomerDuty:
    """A recurring duty of the Customer under a clause, in the draft's language."""

    what: str
    every: str  # frequency key
    frequency: str
    forum: str | None


@dataclass(frozen=True)
class FollowupItem:
    """One recurring or event-driven follow-up obligation of the plan."""

    number: str  # the clause's number in the draft, e.g. "5.2"
    clause_id: str
    clause_title: str
    what: str
    evidence: str
    every: str  # frequency key: per-event, monthly, quarterly, half-yearly, yearly, every-2-years
    frequency: str
    forum: str | None
    by: str  # supplier | customer | joint
    first_due: str | None  # ISO date; None for per-event items or when the agreement has no start date
    duty: int = 0  # 0: the clause's own follow-up; n: the Customer's n-th duty under the clause


@dataclass(frozen=True)
class Section:
    """The clauses of one category, in the order the draft prints them."""

    category: str
    title: str
    clauses: tuple[DraftClause, ...]


# From best to worst; an item's status is the worst of its services'.
STATUSES = ("covered", "excluded", "partial", "inadequate", "gap")


@dataclass(frozen=True)
class RuleCheck:
    """One value of one clause for one service, measured against one rule of the item."""

    service: str
    clause: str
    parameter: str
    label: str  # the parameter's label in the draft's language
    value: str  # formatted, as the draft states it
    threshold: str  # formatted, e.g. "högst 24 timmar"
    origin: str  # classification | default | service | agreement: where the value came from
    baseline: str | None  # the classification's value, formatted, when an override replaced it
    rule_source: str
    basis: str  # law | standard | own
    ok: bool


@dataclass(frozen=True)
class ServiceCoverage:
    """An item's coverage for one service of the agreement."""

    service: str
    name: str
    status: str
    clauses: tuple[str, ...]
    partial: tuple[str, ...]
    reason: str | None
    checks: tuple[RuleCheck, ...] = ()
    accepted: bool = True  # False for a gap, an inadequate value, or partial coverage no stated reason accepts


@dataclass(frozen=True)
class CoverageItem:
    id: str
    title: str
    reference: str
    status: str  # covered | partial | inadequate | excluded | gap: the worst of its services
    clauses: tuple[str, ...]
    reason: str | None
    partial: tuple[str, ...] = ()  # those of `clauses` that cover the item only in part
    services: tuple[ServiceCoverage, ...] = ()  # per service the item concerns
    verify: bool = False  # the item's wording is not yet confirmed against the primary text
    only_for: tuple[str, ...] = ()  # the services' names, when the item concerns only some of the agreement's

    def unresolved(self) -> bool:
        """A gap, an inadequate value, or partial coverage that no stated reason accepts: what `--strict` refuses."""
        if self.services:
            return any(not s.accepted for s in self.services)
        return self.status in ("gap", "inadequate") or (self.status == "partial" and not self.reason)

    def differs(self) -> bool:
        """Whether the services have different statuses (the checklist then names them)."""
        return len({s.status for s in self.services}) > 1


@dataclass(frozen=True)
class CatalogCoverage:
    id: str
    title: str
    source: str
    version: str
    items: tuple[CoverageItem, ...]

    def summary(self) -> dict[str, int]:
        """How many items are covered, partly covered, excluded and gaps."""
        counts = {"covered": 0, "partial": 0, "inadequate": 0, "excluded": 0, "gap": 0}
        for item in self.items:
            counts[item.status] += 1
        return counts


@dataclass(frozen=True)
class Definition:
    """A defined term as the draft prints it."""

    term: str
    text: str


@dataclass(frozen=True)
class Annex:
    """An annex of the draft: generated (processing instructions, follow-up plan, checklist, register)
    or a document the parties attach (service descriptions, sub-processor list ...)."""

    id: str
    number: int
    title: str
    generated: bool
    review_only: bool = False  # printed only in the review edition


@dataclass(frozen=True)
class FrameClause:
    """A clause of the contract frame (contract documents and precedence, term), in the draft's language."""

    id: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Override:
    """A value the agreement or a service file sets away from what the classification gives."""

    clause: str
    parameter: str
    label: str
    service: str  # the service's name in the draft's language
    value: str
    baseline: str  # what the classification (or the clause default) gives
    origin: str  # service | agreement


@dataclass(frozen=True)
class Provenance:
    """Where a draft came from: the library's git commit, and hashes of the inputs beside its clauses."""

    commit: str | None = None
    dirty: bool = False  # the library's files differed from the commit
    inputs: tuple[tuple[str, str, str], ...] = ()  # (kind, id, sha256) of the agreement, services, catalogs


@dataclass(frozen=True)
class Draft:
    """One agreement, assembled: everything a writer needs and nothing it must look up."""

    id: str
    title: str
    version: str
    status: str
    language: str
    date: str
    scope: tuple[Block, ...]
    parties: tuple[Party, ...]
    services: tuple[ServiceRow, ...]
    sections: tuple[Section, ...]
    coverage: tuple[CatalogCoverage, ...]
    excluded_clauses: tuple[Exclusion, ...]
    generator_version: str
    start_date: str | None = None
    followup: tuple[FollowupItem, ...] = ()
    provenance: Provenance | None = None  # set by the build layer, which can ask git
    edition: str = "review"  # review (ours: everything) | contract (the counterparty's); see draft/editions.py
    definitions: tuple[Definition, ...] = ()
    frame: tuple[FrameClause, ...] = ()
    annexes: tuple[Annex, ...] = ()
    party_intro: tuple[Block, ...] = ()  # "Detta avtal ingås mellan ... ("Kunden") och ..."
    reference: str | None = None  # the agreement's own reference (diarienummer), for the cover and header
    governing: str | None = None  # main_agreement | supplier_terms: what this agreement belongs to
    governing_title: str | None = None  # the title of that document

    @property
    def printed_annexes(self) -> tuple[Annex, ...]:
        """The annexes this edition prints, in number order."""
        return tuple(a for a in self.annexes if self.edition == "review" or not a.review_only)
    overrides: tuple[Override, ...] = ()  # values set away from the classification, for disclosure

    @property
    def processed_services(self) -> tuple[ServiceRow, ...]:
        """The services whose personal data processing the draft's instruction annex describes."""
        return tuple(s for s in self.services if s.processing)

    @property
    def clauses(self) -> tuple[DraftClause, ...]:
        """Every clause of the draft in print order."""
        return tuple(c for s in self.sections for c in s.clauses)

    def numbered_clauses(self) -> list[tuple[str, DraftClause]]:
        """Each clause with its heading number as the draft prints it ("3.1", "3.2", "4.1", ...)."""
        return numbered(self.sections)


# Sections 1-4 of every draft are the parties, the definitions, the contract documents (precedence,
# term, language) and the services; clause sections follow.
FIRST_CLAUSE_SECTION = 5


def numbered(sections: tuple[Section, ...]) -> list[tuple[str, DraftClause]]:
    """The clauses of `sections` with the heading numbers the draft gives them."""
    return [(f"{n}.{i}", c) for n, s in enumerate(sections, FIRST_CLAUSE_SECTION)
            for i, c in enumerate(s.clauses, 1)]
