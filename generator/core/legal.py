"""The words of the contract frame: defined party and document names, dates and versions in legal form."""

from __future__ import annotations

import datetime as dt

# How a party or the governing document is introduced and then referred to: one word for both.
# (heading in the definitions, form in running text)
FRAME_TERMS = {
    "sv": {"customer": ("Kunden", "Kunden"), "supplier": ("Leverantören", "Leverantören"),
           "main_agreement": ("Huvudavtalet", "Huvudavtalet"),
           "supplier_terms": ("Standardvillkoren", "Standardvillkoren")},
    "en": {"customer": ("Customer", "the Customer"), "supplier": ("Supplier", "the Supplier"),
           "main_agreement": ("Main Agreement", "the Main Agreement"),
           "supplier_terms": ("Standard Terms", "the Standard Terms")},
}

_MONTHS = {
    "sv": ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
           "oktober", "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}


def frame_forms(lang: str) -> set[str]:
    """The frame's defined words as running text uses them, with their genitives ("Kundens", "Customer's")."""
    forms = {form for heading, text in FRAME_TERMS[lang].values() for form in (heading, text)}
    return forms | {f + ("s" if lang == "sv" else "'s") for f in forms}


def legal_date(value: str | dt.date, lang: str) -> str:
    """'15 december 2026' / '15 December 2026'."""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return f"{day.day} {_MONTHS[lang][day.month - 1]} {day.year}"


def legal_version(version: str) -> str:
    """A semantic version as a document version: 1.0.0 → 1.0, 1.2.3 → 1.2.3."""
    major, minor, patch = version.split(".")
    return f"{major}.{minor}" if patch == "0" else version


# The words of the frame and the editions, beside i18n.LABELS (which holds the clause-level words).
WORDS = {
    "sv": {
        "definitions": "Definitioner",
        "definitions_intro": "I avtalet har följande begrepp den betydelse som anges nedan, i singular "
                             "som plural och i bestämd som obestämd form.",
        "party_intro": "Detta avtal ingås mellan {customer}, org.nr {customer_org}, nedan kallad \u201dKunden\u201d, "
                       "och {supplier}, org.nr {supplier_org}, nedan kallad \u201dLeverantören\u201d. Kunden och "
                       "Leverantören kallas gemensamt parterna.",
        "party_definition": "{name}, organisationsnummer {org}.",
        "main_statement": "Avtalet är en bilaga till Huvudavtalet och utgör en del av det.",
        "terms_statement": "Avtalet kompletterar Standardvillkoren.",
        "main_definition": "Avtalet \u201d{title}\u201d mellan parterna, daterat {date}{reference}, med bilagor.",
        "main_reference": ", diarienummer {reference}",
        "terms_definition": "Leverantörens standardvillkor \u201d{title}\u201d, version {version}, i den lydelse "
                            "som gäller när avtalet ingås.",
        "documents_section": "Avtalshandlingar, rangordning och avtalstid",
        "documents": "Avtalshandlingar och rangordning",
        "documents_list": "Avtalet består av detta dokument och följande bilagor:",
        "no_annexes": "Avtalet har inga bilagor.",
        "separate": "separat handling",
        "separate_annex": "Bilagan är en separat handling som parterna fogar till avtalet.",
        "precedence_intro": "Om avtalshandlingarna innehåller motstridiga uppgifter gäller de i följande "
                            "ordning, om inte omständigheterna uppenbarligen föranleder annat:",
        "this": "Detta avtal, utom bilagorna",
        "term": "Avtalstid och ikraftträdande",
        "in_force_signing": "Avtalet träder i kraft när det har undertecknats av båda parter.",
        "in_force_date": "Avtalet träder i kraft den {date}.",
        "expires_main": "Avtalet gäller så länge {main} gäller.",
        "expires_terms": "Avtalet gäller så länge Leverantören levererar tjänsterna enligt Standardvillkoren.",
        "expires_date": "Avtalet gäller till och med den {date}.",
        "survival": "Bestämmelserna om sekretess, behandling av personuppgifter, återlämnande och radering av "
                    "information, revision och skadestånd gäller även efter avtalets upphörande, så länge "
                    "Leverantören har tillgång till Kundens information.",
        "language": "Språk",
        "annex_ref": "bilaga {n}", "clause_ref": "punkt {n}",
        "cover_contract": {"draft": "Förslag till avtal", "final": "Avtal för undertecknande"},
        "cover_review": "Granskningsutgåva för internt bruk \u2013 skickas inte till motparten",
        "reference": "Diarienummer", "review_of": "Granskningsutgåva",
        "status_words": {"draft": "Förslag", "final": "Slutlig"},
        "subtitle_terms": "Avtal om informationssäkerhet som kompletterar Leverantörens standardvillkor",
        "subtitle_main": "Bilaga om informationssäkerhet till avtalet \u201d{title}\u201d",
        "precedence_main": "{term} (\u201d{title}\u201d, daterat {date}{reference})",
        "precedence_terms": "{term} (\u201d{title}\u201d, version {version})",
        "override": "Avviker från klassningens standardvärde: {label} {value} för {services} (standard {base})",
    },
    "en": {
        "definitions": "Definitions",
        "definitions_intro": "In this agreement the following terms have the meaning given below, in the "
                             "singular and the plural.",
        "party_intro": "This agreement is entered into by {customer}, organisation number {customer_org} (the "
                       "\u201cCustomer\u201d), and {supplier}, organisation number {supplier_org} (the "
                       "\u201cSupplier\u201d), together the parties.",
        "party_definition": "{name}, organisation number {org}.",
        "main_statement": "This agreement is a schedule to and forms part of the Main Agreement.",
        "terms_statement": "This agreement supplements the Standard Terms.",
        "main_definition": "The agreement \u201c{title}\u201d between the parties, dated {date}{reference}, "
                           "with its annexes.",
        "main_reference": ", reference {reference}",
        "terms_definition": "The Supplier's standard terms \u201c{title}\u201d, version {version}, as they read "
                            "when this agreement is entered into.",
        "documents_section": "Contract documents, precedence and term",
        "documents": "Contract documents and order of precedence",
        "documents_list": "The agreement consists of this document and the following annexes:",
        "no_annexes": "The agreement has no annexes.",
        "separate": "separate document",
        "separate_annex": "This annex is a separate document that the parties attach to the agreement.",
        "precedence_intro": "If the contract documents conflict, they apply in the following order unless "
                            "the circumstances clearly indicate otherwise:",
        "this": "This agreement, excluding its annexes",
        "term": "Term and entry into force",
        "in_force_signing": "This agreement enters into force when both parties have signed it.",
        "in_force_date": "This agreement enters into force on {date}.",
        "expires_main": "This agreement remains in force for as long as {main} is in force.",
        "expires_terms": "This agreement remains in force for as long as the Supplier delivers the services "
                         "under the Standard Terms.",
        "expires_date": "This agreement remains in force until and including {date}.",
        "survival": "The provisions on confidentiality, the processing of personal data, the return and deletion "
                    "of information, audit and liability survive the end of this agreement for as long as the "
                    "Supplier has access to the Customer's information.",
        "language": "Language",
        "annex_ref": "annex {n}", "clause_ref": "section {n}",
        "cover_contract": {"draft": "Proposed agreement", "final": "Agreement for signature"},
        "cover_review": "Review edition for internal use \u2013 not to be sent to the other party",
        "reference": "Reference", "review_of": "Review edition",
        "status_words": {"draft": "Proposal", "final": "Final"},
        "subtitle_terms": "Information security terms supplementing the Supplier's standard terms",
        "subtitle_main": "Information security schedule to the agreement \u201c{title}\u201d",
        "precedence_main": "{term} (\u201c{title}\u201d, dated {date}{reference})",
        "precedence_terms": "{term} (\u201c{title}\u201d, version {version})",
        "override": "Differs from the classification default: {label} {value} for {services} (default {base})",
    },
}


def sort_key(term: str, lang: str) -> tuple:
    """Alphabetical order of the language: Swedish puts å, ä, ö after z; English ignores a leading 'the'."""
    folded = term.casefold()
    if lang == "en" and folded.startswith("the "):
        folded = folded[4:]
    folded = folded.replace("é", "e").replace("ü", "y")
    if lang == "sv":
        folded = folded.replace("å", "{").replace("ä", "|").replace("ö", "}")
    return (folded, term)
