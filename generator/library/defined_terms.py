"""Defined terms: checking the terms/ files, and finding a term's forms in text."""

from __future__ import annotations

import functools
import re

from generator.core.errors import Diagnostic
from generator.core.legal import frame_forms
from generator.core.placeholders import PLACEHOLDER
from generator.library.load import Source

LANGS = ("sv", "en")
_WORD = re.compile(r"(?<![\w-])([A-ZÅÄÖÉ][a-zåäöéü]+(?:-[a-zåäöéü]+)*)(?![\w-])")
# A sentence starts after its end mark, at a line (list item, heading) and in a Markdown table cell.
_SENTENCE_START = re.compile(r"(?:[.!?:;]\s+|\n\s*(?:[-*+]|\d+[.)]|#+)?\s*|\|\s*|\(|\*|\"|\u201d)$")


def _starts_sentence(text: str, start: int) -> bool:
    """Whether the word at `start` begins the text, a sentence, a list item, a heading, a table cell or a quotation."""
    before = text[:start]
    return not before.strip() or bool(_SENTENCE_START.search(before[-12:]))


@functools.lru_cache(maxsize=1024)
def form_regex(form: str) -> re.Pattern:
    """A whole-word pattern for one form; its first letter matches either case ("Incident", "incident")."""
    first, rest = form[0], re.escape(form[1:])
    head = f"[{re.escape(first.lower())}{re.escape(first.upper())}]" if first.isalpha() else re.escape(first)
    return re.compile(rf"(?<![\w-]){head}{rest}(?![\w-])")


def uses(text: str, forms) -> bool:
    """Whether any of the forms occurs in the text as a whole word."""
    return any(_occurs(text, f) for f in forms)


def _occurs(text: str, form: str) -> bool:
    """form_regex(form).search(text), tried only where the form's fixed part (all but its first
    letter) stands in the text: a substring search is far quicker than the pattern's scan of every
    position, and a form the text cannot hold never has its pattern compiled. The lookbehind of a
    match at a position still sees the text before it, so the answer is the same."""
    rest = form[1:]
    if not rest:
        return bool(form_regex(form).search(text))
    at = text.find(rest, 1)
    while at != -1:
        if form_regex(form).match(text, at - 1):
            return True
        at = text.find(rest, at + 1)
    return False


def _diag(source: Source, path: tuple, message: str, code: str, line: int | None = None,
          severity: str = "error") -> Diagnostic:
    from generator.library.validate import key_path

    return Diagnostic(source.path, line or source.line(path), key_path(path), message, code, severity)


def term_problems(terms: dict[str, Source], clauses: dict[str, Source], agreements: dict[str, Source]
                  ) -> list[Diagnostic]:
    """Translations of each term, no form defined twice, and capitalised words no term defines."""
    problems: list[Diagnostic] = []
    owner: dict[tuple[str, str], str] = {}  # (language, form folded) → where it is defined
    for lang in LANGS:
        for form in frame_forms(lang):
            owner[(lang, form.casefold())] = "the contract frame (parties and main agreement)"
    for source in terms.values():
        data = source.data
        langs = set(data["term"]) | set(data["forms"]) | set(data["definition"])
        for key in ("term", "forms", "definition"):
            for lang in sorted(langs - set(data[key])):
                problems.append(_diag(source, (key,), f"missing the '{lang}' translation", "missing-translation"))
        for lang, forms in data["forms"].items():
            for i, form in enumerate(forms):
                where = owner.setdefault((lang, form.casefold()), f"{source.path}:{source.line(('forms', lang, i))}")
                if not where.startswith(source.path + ":"):
                    problems.append(_diag(source, ("forms", lang, i), f"'{form}' is already defined by {where}",
                                          "term-defined-twice"))
    problems += _undefined_capitalised(owner, clauses)
    return problems


def _undefined_capitalised(owner: dict, clauses: dict[str, Source]) -> list[Diagnostic]:
    """Warn where a clause capitalises, mid-sentence, a word it otherwise writes in lower case:
    it reads as a defined term, and no term defines it."""
    texts = {lang: [(s, PLACEHOLDER.sub(lambda m: " " * len(m.group(0)), s.data["text"][lang])) for s in clauses.values() if lang in s.data["text"]]
             for lang in LANGS}
    problems = []
    for lang, entries in texts.items():
        for source, text in entries:
            # The clause's own lower-case words: the same word capitalised mid-sentence reads as a term.
            lower_words = set(re.findall(r"(?<![\w-])[a-zåäöéü][\w-]*", text))
            for match in _WORD.finditer(text):
                word = match.group(1)
                if _starts_sentence(text, match.start()) or word.lower() not in lower_words:
                    continue
                if _in_name(text, match.start(), match.end()):  # "General Data Protection Regulation"
                    continue
                if any((lang, f.casefold()) in owner for f in (word, f"the {word}")):
                    continue
                problems.append(_diag(source, ("text", lang), f"'{word}' is capitalised mid-sentence like a "
                                      f"defined term, but no term in terms/ defines it (write it in lower case, "
                                      f"or add a term)", "undefined-term",
                                      line=source.text_line(("text", lang), match.start()), severity="warning"))
    return problems


_CAPITAL_BEFORE = re.compile(r"[A-ZÅÄÖ][\w-]*[ \n]+(?:(?:of|for|and|the|och|för)[ \n]+)?$")
_CAPITAL_AFTER = re.compile(r"[ \n]+(?:(?:of|for|and|the|och|för)[ \n]+)?[A-ZÅÄÖ]")


_INSTRUMENTS = {"Act", "Regulation", "Directive", "Code", "Ordinance", "Decision"}  # "that Act", "the Act (2020:914)"


def _in_name(text: str, start: int, end: int) -> bool:
    """Whether the word belongs to a run of capitalised words (the name of a law, an authority, a
    standard) or names a legal instrument."""
    return (text[start:end] in _INSTRUMENTS or bool(re.match(r"[ \n]+\d", text[end:end + 3]))  # "Section 2 a"
            or bool(_CAPITAL_BEFORE.search(text[max(0, start - 40):start]))
            or bool(_CAPITAL_AFTER.match(text, end)))
