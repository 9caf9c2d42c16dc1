"""Defined roles and forums: the one name each has per language, and the forums each delivery model has.

A contract that calls the controller a "committee" in one clause and a "board" in the next, or the
Customer "the Municipality", invites the argument that two different things are meant. The
variants below are the names that have crept into drafts for a defined role or forum; the checks in
`consistency` refuse them in the text the library contributes to a draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from generator.library.applicability import DELIVERY_MODELS


@dataclass(frozen=True)
class Term:
    """A defined role or forum: its name in one language, and a pattern for the names it must not have."""

    lang: str
    name: str
    variants: re.Pattern


def _term(lang: str, name: str, pattern: str, flags: int = 0) -> Term:
    return Term(lang, name, re.compile(pattern, flags))


TERMS = (
    # The controller under the processor clauses: a municipal board of the Customer (nämnd).
    _term("sv", "nämnd", r"\bkommitté\w*", re.IGNORECASE),
    _term("en", "committee", r"(?<!advisory )(?<!executive )(?<!change )\b[Bb]oards?\b"),
    _term("sv", "Kunden", r"\b(?:Beställaren|Köparen|Uppdragsgivaren|Kommunen)\b"),
    _term("en", "the Customer", r"\bthe (?:Client|Purchaser|Buyer|Municipality)\b"),
    _term("sv", "Leverantören", r"\b(?:Utföraren|Tjänsteleverantören|Uppdragstagaren)\b"),
    _term("en", "the Supplier", r"\bthe (?:Provider|Vendor|Contractor|Service Provider)\b"),
    _term("sv", "säkerhetsforum", r"\bsäkerhets(?:råd|rådet|kommitté\w*|grupp\w*)\b", re.IGNORECASE),
    _term("en", "security forum", r"\bsecurity (?:council|committee|board|group)s?\b", re.IGNORECASE),
    _term("sv", "kundråd", r"\bkundforum\w*", re.IGNORECASE),
    _term("en", "customer council", r"\b(?:customer (?:board|committee|forum)|IT council)s?\b", re.IGNORECASE),
    _term("sv", "förändringsråd", r"\b(?:ändringsråd|förändringsnämnd|ändringsnämnd)\w*", re.IGNORECASE),
    _term("en", "change advisory board", r"\bchange (?:board|committee|council)s?\b", re.IGNORECASE),
    _term("sv", "driftmöte", r"\b(?:driftsmöte|driftforum)\w*", re.IGNORECASE),
    _term("en", "operations meeting", r"\b(?:operational meeting|operations forum)s?\b", re.IGNORECASE),
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

# How clause text names each forum, per language.
FORUM_NAMES = {
    "security-forum": {"sv": r"säkerhetsforum\w*", "en": r"security forums?"},
    "customer-council": {"sv": r"kundråd\w*", "en": r"customer councils?"},
    "operations-meeting": {"sv": r"driftmöte\w*", "en": r"operations meetings?"},
    "change-advisory-board": {"sv": r"förändringsråd\w*", "en": r"change advisory boards?"},
}
_FORUM_PATTERNS = {(forum, lang): re.compile(rf"\b{pattern}\b", re.IGNORECASE)
                   for forum, names in FORUM_NAMES.items() for lang, pattern in names.items()}


def forum_in(forum: str | None, models: Iterable[str]) -> str | None:
    """The forum where follow-up placed in `forum` takes place for services of these delivery models:
    the forum itself when it exists in one of them, else the security forum."""
    models = list(models)
    if forum is None or not models or any(m in FORUM_MODELS[forum] for m in models):
        return forum
    return SUBSTITUTE_FORUM


def variants(text: str, lang: str) -> list[tuple[int, str, str]]:
    """Every variant name of a defined term in `text`: (offset, the variant, the defined name)."""
    return sorted((m.start(), m.group(), t.name) for t in TERMS if t.lang == lang for m in t.variants.finditer(text))


def forums_named(text: str, lang: str) -> list[tuple[int, str, str]]:
    """Every forum the text names: (offset, the words, forum key)."""
    return sorted((m.start(), m.group(), forum) for (forum, pl), pattern in _FORUM_PATTERNS.items()
                  if pl == lang for m in pattern.finditer(text))
