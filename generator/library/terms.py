"""Defined roles and forums: the one name each has per language, and the forums each delivery model has.

A contract that calls the controller a "committee" in one clause and a "board" in the next, or the
Customer "the Municipality", invites the argument that two different things are meant. The
variants below are the names that have crept into drafts for a defined role or forum; the checks in
`consistency` refuse them in the text the library contributes to a draft.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterable

from generator.library.applicability import DELIVERY_MODELS


@dataclass(frozen=True)
class Term:
    """A defined role or forum: its name in one language, and the names it must not have."""

    lang: str
    name: str
    pattern: str
    flags: int
    needles: tuple[str, ...]  # lowercase words one of which every variant contains: a cheap first test

    @functools.cached_property
    def variants(self) -> re.Pattern:
        """The pattern, compiled when first used: only the checks need it, not every build."""
        return re.compile(self.pattern, self.flags)


def _term(lang: str, name: str, needles: str, pattern: str, flags: int = 0) -> Term:
    return Term(lang, name, pattern, flags, tuple(needles.split("|")))


TERMS = (
    # The controller under the processor clauses: a municipal board of the Customer (nämnd).
    _term("sv", "nämnd", "kommitt", r"\bkommitté\w*", re.IGNORECASE),
    _term("en", "committee", "board", r"(?<!advisory )(?<!executive )(?<!change )\b[Bb]oards?\b"),
    _term("sv", "Kunden", "beställaren|köparen|uppdragsgivaren|kommunen",
          r"\b(?:Beställaren|Köparen|Uppdragsgivaren|Kommunen)\b"),
    _term("en", "the Customer", "client|purchaser|buyer|municipality",
          r"\b[Tt]he (?:Client|Purchaser|Buyer|Municipality)\b"),
    _term("sv", "Leverantören", "utföraren|tjänsteleverantören|uppdragstagaren",
          r"\b(?:Utföraren|Tjänsteleverantören|Uppdragstagaren)\b"),
    _term("en", "the Supplier", "provider|vendor|contractor",
          r"\b[Tt]he (?:Provider|Vendor|Contractor|Service Provider)\b"),
    _term("sv", "säkerhetsforum", "säkerhetsråd|kommitt|säkerhetsgrupp",
          r"\bsäkerhets(?:råd|rådet|kommitté\w*|grupp\w*)\b", re.IGNORECASE),
    _term("en", "security forum", "council|committee|board|group",
          r"\bsecurity (?:council|committee|board|group)s?\b", re.IGNORECASE),
    _term("sv", "kundråd", "kundforum", r"\bkundforum\w*", re.IGNORECASE),
    _term("en", "customer council", "board|committee|forum|council",
          r"\b(?:customer (?:board|committee|forum)|IT council)s?\b", re.IGNORECASE),
    _term("sv", "förändringsråd", "ändringsråd|ändringsnämnd",
          r"\b(?:ändringsråd|förändringsnämnd|ändringsnämnd)\w*", re.IGNORECASE),
    _term("en", "change advisory board", "board|committee|council",
          r"\bchange (?:board|committee|council)s?\b", re.IGNORECASE),
    _term("sv", "driftmöte", "driftsmöte|driftforum", r"\b(?:driftsmöte|driftforum)\w*", re.IGNORECASE),
    _term("en", "operations meeting", "operational|forum",
          r"\b(?:operational meeting|operations forum)s?\b", re.IGNORECASE),
)

# The delivery models in which each forum exists. A multi-tenant cloud supplier holds no customer
# council, operations meeting or change advisory board with one customer; its forum with the
# customer is the security forum of the cloud forum clause.
FORUM_MODELS = {
    "security-forum": DELIVERY_MODELS,
    "customer-council": ("on-premises", "hosted"),
    "operations-meeting": ("on-premises", "hosted"),
    "change-advisory-board": ("on-premises", "hosted"),
}
SUBSTITUTE_FORUM = "security-forum"
SUBSTITUTE_MONTHS = 3  # the security forum meets at least quarterly at every level of the shipped library

# How clause text names each forum, per language: the defined name as a term of its own.
FORUM_NAMES = {
    "security-forum": {"sv": "säkerhetsforum", "en": "security forum"},
    "customer-council": {"sv": "kundråd", "en": "customer council"},
    "operations-meeting": {"sv": "driftmöte", "en": "operations meeting"},
    "change-advisory-board": {"sv": "förändringsråd", "en": "change advisory board"},
}
_FORUM_TERMS = tuple(_term(lang, forum, name, rf"\b{name}\w*", re.IGNORECASE)
                     for forum, names in FORUM_NAMES.items() for lang, name in names.items())

def forum_in(forum: str | None, models: Iterable[str]) -> str | None:
    """The forum where follow-up placed in `forum` takes place for services of these delivery models:
    the forum itself when it exists in one of them, else the security forum."""
    models = list(models)
    if forum is None or not models or any(m in FORUM_MODELS[forum] for m in models):
        return forum
    return SUBSTITUTE_FORUM


def variants(text: str, lang: str) -> list[tuple[int, str, str]]:
    """Every variant name of a defined term in `text`: (offset, the variant, the defined name)."""
    return _matches(_BY_LANG["terms", lang], text)


def forums_named(text: str, lang: str) -> list[tuple[int, str, str]]:
    """Every forum the text names: (offset, the words, forum key)."""
    return _matches(_BY_LANG["forums", lang], text)


def _compiled(terms: tuple[Term, ...], lang: str) -> tuple[tuple[Term, ...], tuple[str, ...]]:
    mine = tuple(t for t in terms if t.lang == lang)
    return mine, tuple(dict.fromkeys(n for t in mine for n in t.needles))


_BY_LANG = {(kind, lang): _compiled(terms, lang) for kind, terms in (("terms", TERMS), ("forums", _FORUM_TERMS))
            for lang in ("sv", "en")}


def _matches(compiled: tuple[tuple[Term, ...], tuple[str, ...]], text: str) -> list[tuple[int, str, str]]:
    terms, needles = compiled
    lower = text.lower()
    # Substring tests (C speed) rule out almost every text; only then do the term patterns run.
    if not any(n in lower for n in needles):
        return []
    return sorted((m.start(), m.group(), t.name) for t in terms
                  if any(n in lower for n in t.needles) for m in t.variants.finditer(text))
