"""The contract frame around the clauses: the parties' clause, definitions, contract documents with
their order of precedence, and the term, all from the agreement file and the terms/ library."""

from __future__ import annotations

from generator.core.i18n import LABELS
from generator.core.legal import FRAME_TERMS, WORDS, legal_date, sort_key
from generator.core.model import (AgreementSpec, Annex, Block, Definition, DraftClause, FrameClause, Library,
                                  ListBlock, Paragraph, Text)
from generator.draft.markup import blocks_text
from generator.draft.references import main_form
from generator.library.frame import GENERATED_ANNEXES
from generator.library.defined_terms import uses


def _para(text: str) -> Paragraph:
    return Paragraph((Text(text),))


def party_intro(spec: AgreementSpec) -> tuple[Block, ...]:
    """Who the parties are, introduced by the very words the clauses use for them, and what this
    agreement belongs to."""
    words = WORDS[spec.language]
    party = {p.role: p for p in spec.parties}
    out = [_para(words["party_intro"].format(customer=party["customer"].name, customer_org=party["customer"].org_number,
                                             supplier=party["supplier"].name, supplier_org=party["supplier"].org_number))]
    if "main_agreement" in spec.frame:
        out.append(_para(words["main_statement"]))
    elif "supplier_terms" in spec.frame:
        out.append(_para(words["terms_statement"]))
    return tuple(out)


def frame_clauses(spec: AgreementSpec, annex_list: tuple[Annex, ...]) -> tuple[FrameClause, ...]:
    """The clauses of the contract documents section: documents and precedence, term, language."""
    lang = spec.language
    words = WORDS[lang]
    contract_annexes = [a for a in annex_list if not a.review_only]
    listing: list[Block] = [_para(words["documents_list"] if contract_annexes else words["no_annexes"])]
    if contract_annexes:
        listing.append(ListBlock(False, tuple(
            (_para(f"{LABELS[lang]['annex']} {a.number} \u2013 {a.title}" + ("" if a.generated else f" ({words['separate']})")),)
            for a in contract_annexes)))
    if spec.frame.get("precedence"):
        listing.append(_para(words["precedence_intro"]))
        printed = {a.id for a in contract_annexes} | {a["id"] for a in spec.frame.get("attachments") or []}
        listing.append(ListBlock(True, tuple((_para(_document_name(spec, ident, annex_list)),)
                                             for ident in spec.frame["precedence"]
                                             # a generated annex this draft does not have (no personal data) drops out
                                             if ident not in GENERATED_ANNEXES or ident in printed)))
    clauses = [FrameClause("contract-documents", words["documents"], tuple(listing))]
    if "term" in spec.frame:
        clauses.append(FrameClause("term", words["term"], tuple(_para(t) for t in _term_text(spec))))
    clauses.append(FrameClause("language", words["language"], (_para(LABELS[lang]["language_clause"]),)))
    return tuple(clauses)


def _document_name(spec: AgreementSpec, ident: str, annex_list: tuple[Annex, ...]) -> str:
    lang = spec.language
    words = WORDS[lang]
    if ident == "this":
        return words["this"]
    if ident in ("main-agreement", "supplier-terms"):
        key = ident.replace("-", "_")
        data = spec.frame[key]
        term = FRAME_TERMS[lang][key][0 if lang == "sv" else 1]
        term = term[0].upper() + term[1:]  # an item of the list: "The Main Agreement"
        if key == "supplier_terms":
            return words["precedence_terms"].format(term=term, title=data["title"], version=data["version"])
        reference = words["main_reference"].format(reference=data["reference"]) if data.get("reference") else ""
        return words["precedence_main"].format(term=term, title=data["title"], date=legal_date(data["date"], lang),
                                               reference=reference)
    annex = next((a for a in annex_list if a.id == ident), None)
    if annex is not None:
        return f"{LABELS[lang]['annex']} {annex.number} \u2013 {annex.title}"
    return next(a["title"] for a in spec.frame.get("attachments") or [] if a["id"] == ident)


def _term_text(spec: AgreementSpec) -> list[str]:
    lang, term = spec.language, spec.frame["term"]
    words = WORDS[lang]
    if "entry_into_force_date" in term:
        first = words["in_force_date"].format(date=legal_date(term["entry_into_force_date"], lang))
    else:
        first = words["in_force_signing"]
    if "expiry_date" in term:
        second = words["expires_date"].format(date=legal_date(term["expiry_date"], lang))
    elif "main_agreement" in spec.frame:
        second = words["expires_main"].format(main=main_form(spec))
    else:
        second = words["expires_terms"]
    return [f"{first} {second}", words["survival"]]


def _governing_definition(spec: AgreementSpec, key: str) -> str:
    words = WORDS[spec.language]
    data = spec.frame[key]
    if key == "main_agreement":
        reference = words["main_reference"].format(reference=data["reference"]) if data.get("reference") else ""
        return words["main_definition"].format(title=data["title"], date=legal_date(data["date"], spec.language),
                                               reference=reference)
    return words["terms_definition"].format(title=data["title"], version=data["version"])


def definitions(library: Library, spec: AgreementSpec, drafted: tuple[DraftClause, ...]) -> tuple[Definition, ...]:
    """The parties and the governing document, and exactly the library terms the drafted clauses use,
    in the language's alphabetical order."""
    lang = spec.language
    words = WORDS[lang]
    found = [Definition(FRAME_TERMS[lang][p.role][0], words["party_definition"].format(name=p.name, org=p.org_number))
             for p in spec.parties]
    for key in ("main_agreement", "supplier_terms"):
        if key in spec.frame:
            found.append(Definition(FRAME_TERMS[lang][key][0], _governing_definition(spec, key)))
    text = "\n".join(blocks_text(c.blocks) for c in drafted)
    for term in library.terms.values():
        if lang in term.forms and uses(text, term.forms[lang]):
            found.append(Definition(term.term[lang], term.definition[lang]))
    return tuple(sorted(found, key=lambda d: sort_key(d.term, lang)))
